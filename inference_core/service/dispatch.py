"""The worker's request loop: read JSON lines, route each request to its handler, send events back.

`Worker` is the worker's state (service/worker_state.py: what the handlers share) with the loop. It never
raises on input: every bad line becomes one `error` event.
"""

from __future__ import annotations

import logging
from typing import Any, BinaryIO

from inference_core.contract.protocol import REQUEST_TYPES, ErrorCode, ProtocolError, decode, error_event
from inference_core.service.messages import valid_id
from inference_core.service.requests import HANDLERS
from inference_core.service.worker_state import WorkerState

log = logging.getLogger(__name__)


class Worker(WorkerState):
    """Dispatches requests to the handlers of `service.requests`; `write` sends one event (a dict) to the client
    and must be thread-safe."""

    # -- input --------------------------------------------------------------------------------
    def handle_line(self, line: bytes | str) -> None:
        """One request line. Never raises: every problem becomes an `error` event."""
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.send(error_event(None, ErrorCode.BAD_REQUEST, f"Request is not UTF-8 text: {exc.reason}."))
                return
        else:
            text = line
        if not text.strip():
            return  # blank lines (a terminal user pressing Enter) are not requests
        try:
            msg = decode(text)
        except ProtocolError as exc:
            self.send(error_event(None, ErrorCode.BAD_REQUEST, f"Bad request: {exc}."))
            return
        try:
            self.handle(msg)
        except Exception as exc:  # noqa: BLE001 - the worker must survive any request
            log.exception("request failed")
            rid = msg.get("id") if valid_id(msg.get("id")) else None
            self.send(error_event(rid, ErrorCode.INTERNAL, f"Internal error: {type(exc).__name__}: {exc}"))

    def handle(self, msg: dict[str, Any]) -> None:
        rid = msg.get("id")
        if not valid_id(rid):
            self.send(error_event(None, ErrorCode.BAD_REQUEST,
                                  f"Request {msg.get('type')!r} needs an 'id' (a string) that its events will carry."))
            return
        kind = msg["type"]
        handler = HANDLERS.get(kind)
        if handler is None:
            self.send(error_event(rid, ErrorCode.BAD_REQUEST,
                                  f"Unknown request type {kind!r}: use one of {', '.join(REQUEST_TYPES)}."))
            return
        handler(self, rid, msg)

    # -- main loop ----------------------------------------------------------------------------
    def serve(self, stdin: BinaryIO) -> None:
        """Read requests until `shutdown` or end of input, then stop the run and return."""
        while not self.stopping.is_set():
            line = stdin.readline()
            if not line:
                log.info("stdin closed; stopping")
                break
            self.handle_line(line)
        self.stopping.set()
        self.jobs.cancel_current()
        self.join(timeout=30.0)
