"""`ReasonTask`: one run of the engine worker inside a QgsTask (QGIS's task manager thread).

The task thread only talks to the worker; `events.dispatch` hands each event to the main thread
through Qt signals (queued, because the task object lives in the main thread), so layers and
widgets are only ever touched there. Cancel sends the worker a `cancel` request: it stops after the current
tile and answers `done` with status `cancelled`, keeping the finished tiles.
"""

from __future__ import annotations

import traceback
from typing import Any, Optional

from qgis.core import QgsTask
from qtpy.QtCore import Signal

from inference_core.contract.protocol import ErrorCode

from .. import events, worker_pool


class ReasonTask(QgsTask):
    """Runs `reason` on the shared worker for `python`; emits one signal per worker event."""

    progressEvent = Signal(dict)  # noqa: N815 - Qt naming
    resultEvent = Signal(dict)  # noqa: N815
    reasoningEvent = Signal(dict)  # noqa: N815
    answerEvent = Signal(dict)  # noqa: N815 - ask / describe: one view's text answer
    warningEvent = Signal(str)  # noqa: N815
    runFinished = Signal(dict)  # noqa: N815 - the `done` summary (status finished|cancelled|failed)
    runFailed = Signal(str, str, str)  # noqa: N815 - code, message, details (stderr tail / traceback)

    def __init__(self, options: dict[str, Any], python: str, description: str):
        super().__init__(description, QgsTask.CanCancel)
        self.options = options
        self.python = python
        self.summary: Optional[dict[str, Any]] = None
        self.failure: Optional[tuple[str, str, str]] = None
        self._client = None
        self._rid: Optional[str] = None

    # -- task thread -------------------------------------------------------------------------
    def run(self) -> bool:  # noqa: D401 - QgsTask API
        try:
            entry = worker_pool.get(self.python)
            # Another run (the dock's or Processing's) holds the worker: wait, but stay cancellable.
            if not worker_pool.acquire_run(entry.run_lock, self.isCanceled):
                return False
            try:
                return self._run_on(entry.client)
            finally:
                entry.run_lock.release()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a traceback
            name = type(exc).__name__
            if name in ("WorkerDied", "WorkerStartError"):
                tail = getattr(exc, "stderr_tail", None) or []
                tail = "\n".join(tail) if isinstance(tail, (list, tuple)) else str(tail)
                self.failure = (ErrorCode.WORKER_DIED, worker_pool.describe_client_error(exc), tail)
            else:
                self.failure = (ErrorCode.INTERNAL, f"{name}: {exc}", traceback.format_exc())
            return False

    def _run_on(self, client) -> bool:
        self._client = client
        self._rid = client.send("reason", options=self.options)
        if self.isCanceled():  # cancelled while the request was being sent
            client.cancel(self._rid)
        end = events.dispatch(client.events(self._rid), progress=self._progress, result=self.resultEvent.emit,
                              reasoning=self.reasoningEvent.emit, warning=self.warningEvent.emit,
                              answer=self.answerEvent.emit)
        if end.summary is not None:
            self.summary = end.summary
            return self.summary.get("status") in ("finished", "cancelled")
        if end.error is not None:
            ev = end.error
            self.failure = (str(ev.get("code", ErrorCode.INTERNAL)), str(ev.get("message", "")), str(ev.get("details", "") or ""))
            return False
        self.failure = (ErrorCode.WORKER_DIED, self.tr("The engine ended the run without an answer."), "")
        return False

    def _progress(self, ev: dict) -> None:
        tiles = int(ev.get("tiles") or 0)
        if tiles:
            self.setProgress(100.0 * int(ev.get("tile") or 0) / tiles)
        self.progressEvent.emit(ev)

    # -- main thread -------------------------------------------------------------------------
    def cancel(self) -> None:
        client, rid = self._client, self._rid
        if client is not None and rid is not None:
            try:
                client.cancel(rid)
            except Exception:  # noqa: BLE001 - a dead worker ends the run by itself
                pass
        super().cancel()

    def finished(self, result: bool) -> None:  # noqa: ARG002 - QgsTask API
        if self.summary is not None:
            self.runFinished.emit(self.summary)
        elif self.failure is not None:
            self.runFailed.emit(*self.failure)
        else:  # cancelled before the worker started the run
            self.runFinished.emit({"status": "cancelled", "counts": {}, "out": self.options.get("out")})
