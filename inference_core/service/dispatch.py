"""The worker's request loop: read JSON lines, route each request to its handler, send events back.

`Worker` holds what the handlers share: the output, the run thread, the warm model cache and the
snapshot of what it has loaded. It never raises on input: every bad line becomes one `error` event.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, BinaryIO, Callable, Optional

from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import REQUEST_TYPES, ErrorCode, ProtocolError, decode, encode, error_event
from inference_core.service.jobs import CurrentJob, Emit, JobThread
from inference_core.service.messages import jsonable, valid_id
from inference_core.service.requests import HANDLERS

log = logging.getLogger(__name__)

# run(options, emit, cancel, models) -> RunSummary; the real one is inference_core.run.pipeline.run.
RunFn = Callable[..., Any]


def _default_run(options: RunOptions, emit: Emit, cancel: threading.Event, models: Any) -> Any:
    from inference_core.run.pipeline import run  # heavy: imported on the first run, never at start

    return run(options, emit=emit, cancel=cancel, models=models)


def _default_models() -> Any:
    from inference_core.models.cache import ModelCache

    return ModelCache()


class Worker:
    """Dispatches requests; `write` sends one event (a dict) to the client and must be thread-safe."""

    def __init__(self, write: Emit, run: Optional[RunFn] = None, models_factory: Optional[Callable[[], Any]] = None):
        self._write_raw = write
        self._write_lock = threading.Lock()
        self.run = run or _default_run
        self._models_factory = models_factory or _default_models
        self._models: Any = None
        self.loaded: dict[str, Any] = {}
        self.stopping = threading.Event()
        self.jobs = JobThread(self.send, on_end=self.remember_models, stopping=self.stopping)

    @property
    def current(self) -> Optional[CurrentJob]:
        """The job the run thread is working on, or None."""
        return self.jobs.current

    # -- output -------------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        try:
            line = encode(message)
        except (TypeError, ValueError):
            line = encode(jsonable(message))
        with self._write_lock:
            try:
                self._write_raw(line)  # type: ignore[arg-type]
            except (BrokenPipeError, OSError, ValueError):
                # The client is gone: nobody can read results any more; stop the run and exit.
                log.error("protocol output closed; stopping")
                self.stopping.set()
                self.jobs.cancel_current()

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

    # -- the warm models ----------------------------------------------------------------------
    def models(self) -> Any:
        if self._models is None:
            self._models = self._models_factory()
        return self._models

    def remember_models(self) -> None:
        """Snapshot what the model cache holds, from the job thread.

        `status` reads this snapshot: asking the cache from the reading thread would wait on its lock
        while a model loads (minutes for a 7B checkpoint).
        """
        loaded = getattr(self._models, "loaded", None)
        if callable(loaded):
            try:
                self.loaded = jsonable(loaded())
            except Exception:  # noqa: BLE001 - status must not fail because of a description
                log.debug("models.loaded() failed", exc_info=True)

    def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for the run thread; True when it has ended."""
        return self.jobs.join(timeout)

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
