"""`ReasonTask`: one run of the engine worker inside a QgsTask (QGIS's task manager thread).

The task thread follows the run (bridge/follow_run.py); each event reaches the main thread through Qt signals
(queued, because the task object lives in the main thread), so layers and widgets are only ever touched there.
Cancel is seen by follow_run, which asks the worker to stop after the current view; it answers `done` with
status `cancelled`, keeping the finished views. Started by bridge/run_session.RunController.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..follow_run import follow_run


class ReasonTask(QgsTask):
    """Runs `reason` on the shared worker for `python`; emits one signal per worker event."""

    progressEvent = pyqtSignal(dict)  # noqa: N815 - Qt naming
    resultEvent = pyqtSignal(dict)  # noqa: N815
    reasoningEvent = pyqtSignal(dict)  # noqa: N815
    answerEvent = pyqtSignal(dict)  # noqa: N815 - ask / describe: one view's text answer
    warningEvent = pyqtSignal(str)  # noqa: N815
    runFinished = pyqtSignal(dict)  # noqa: N815 - the `done` summary (status finished|cancelled|failed)
    runFailed = pyqtSignal(str, str, str)  # noqa: N815 - code, message, details (stderr tail / traceback)

    def __init__(self, options: dict[str, Any], python: str, description: str):
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.options = options
        self.python = python
        self.summary: Optional[dict[str, Any]] = None
        self.failure: Optional[tuple[str, str, str]] = None

    def run(self) -> bool:  # noqa: D401 - QgsTask API (task thread)
        outcome = follow_run(self.python, self.options, dict(
            progress=self._progress, result=self.resultEvent.emit, reasoning=self.reasoningEvent.emit,
            warning=self.warningEvent.emit, answer=self.answerEvent.emit), self.isCanceled)
        self.summary, self.failure = outcome.summary, outcome.failure
        return self.summary is not None and self.summary.get("status") in ("finished", "cancelled")

    def _progress(self, ev: dict) -> None:
        tiles = int(ev.get("tiles") or 0)
        if tiles:
            self.setProgress(100.0 * int(ev.get("tile") or 0) / tiles)
        self.progressEvent.emit(ev)

    def finished(self, result: bool) -> None:  # noqa: ARG002 - QgsTask API (main thread)
        if self.summary is not None:
            self.runFinished.emit(self.summary)
        elif self.failure is not None:
            self.runFailed.emit(*self.failure)
        else:  # cancelled before the worker started the run
            self.runFinished.emit({"status": "cancelled", "counts": {}, "out": self.options.get("out")})
