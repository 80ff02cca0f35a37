"""The worker's run thread: one job (reason, resume or load) at a time, its events, its one terminal event.

The reading thread starts a job and keeps answering `status` and `cancel` while it runs; a job's
exception becomes a typed `error` event, never a dead worker.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from inference_core.contract.options import OptionsError
from inference_core.contract.protocol import ErrorCode, error_event
from inference_core.models.memory import is_out_of_memory

log = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
KNOWN_CODES = {v for k, v in vars(ErrorCode).items() if k.isupper()}


@dataclass
class CurrentJob:
    """The request the run thread is working on."""

    id: Any
    type: str
    started: float
    cancel: threading.Event = field(default_factory=threading.Event)
    last_progress: Optional[dict[str, Any]] = None
    tiles_written: set = field(default_factory=set)


Body = Callable[[CurrentJob], dict[str, Any]]


class JobThread:
    """Runs one job at a time in a daemon thread.

    `send` delivers an event to the client; `on_end` runs in the job thread after the body, before
    the terminal event goes out (the worker snapshots its loaded models there).
    """

    def __init__(self, send: Emit, on_end: Callable[[], None], stopping: threading.Event):
        self._send = send
        self._on_end = on_end
        self._stopping = stopping
        self._lock = threading.Lock()  # guards `current` and `_thread`
        self.current: Optional[CurrentJob] = None
        self._thread: Optional[threading.Thread] = None

    def start(self, rid: Any, kind: str, body: Body) -> None:
        """Start `body` for request `rid`, or answer `busy` when a job runs or the worker is stopping."""
        with self._lock:
            if self.current is not None:
                self._send(error_event(rid, ErrorCode.BUSY,
                                       f"The worker is busy with request {self.current.id!r} ({self.current.type}); "
                                       "wait for it to finish or cancel it first."))
                return
            if self._stopping.is_set():
                self._send(error_event(rid, ErrorCode.BUSY, "The worker is shutting down."))
                return
            job = CurrentJob(id=rid, type=kind, started=time.monotonic())
            self.current = job
            self._thread = threading.Thread(target=self._main, args=(job, body), name=f"run-{rid}", daemon=True)
            self._thread.start()

    def _main(self, job: CurrentJob, body: Body) -> None:
        """Run a job; its terminal event goes out after `current` is cleared, so a client that
        sends the next request on `done` never meets `busy`."""
        try:
            terminal = body(job)
        except BaseException as exc:  # noqa: BLE001 - the terminal event must always be sent
            terminal = error_for(job, exc)
        self._on_end()
        with self._lock:
            self.current = None
        self._send(terminal)

    def cancel_current(self) -> None:
        """Ask the running job (if any) to stop within one tile."""
        job = self.current
        if job is not None:
            job.cancel.set()

    def emitter(self, job: CurrentJob) -> Emit:
        """The `emit` a job's run gets: its events carry the job's id; progress and written tiles are noted."""

        def emit(body: dict[str, Any]) -> None:
            message = dict(body)
            message["id"] = job.id
            if message.get("type") == "progress":
                job.last_progress = {k: v for k, v in message.items() if k not in ("id", "type")}
                if message.get("stage") == "write" and message.get("tile") is not None:
                    job.tiles_written.add(message["tile"])
            elif message.get("type") == "result" and message.get("tile_id") is not None and not message.get("partial"):
                job.tiles_written.add(message["tile_id"])
            self._send(message)

        return emit

    def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for the run thread; True when it has ended."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True


def error_for(job: CurrentJob, exc: BaseException) -> dict[str, Any]:
    """The `error` event for a job that raised: its own code when it has a known one, else internal."""
    if isinstance(exc, OptionsError):
        return error_event(job.id, ErrorCode.BAD_OPTIONS, str(exc))
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code in KNOWN_CODES:
        return error_event(job.id, code, str(exc) or code)
    if is_out_of_memory(exc):
        return error_event(job.id, ErrorCode.OUT_OF_MEMORY, str(exc))
    log.error("request %s failed", job.id, exc_info=exc)
    return error_event(job.id, ErrorCode.INTERNAL,
                       f"Internal error ({type(exc).__name__}: {exc}). The worker log (stderr) has the details.")
