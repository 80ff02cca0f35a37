"""`CorrectTask`: one `correct` request (refine / add / delete / undo, docs/PROTOCOL.md) on the shared worker,
whose warm segmenter holds the run's image embeddings, inside a QgsTask."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from .. import worker_pool


class CorrectTask(QgsTask):
    """`correctionDone(result dict or None, error message)` on the main thread."""

    correctionDone = pyqtSignal(object, str)  # noqa: N815

    def __init__(self, python: str, correction: dict[str, Any]):
        super().__init__("RemoteReasoner: correction", QgsTask.Flag(0))
        self.python, self.correction = python, correction
        self.result: Optional[dict[str, Any]] = None
        self.error = ""

    def run(self) -> bool:
        try:
            entry = worker_pool.get(self.python)
            if not worker_pool.acquire_run(entry.run_lock, self.isCanceled):
                self.error = "cancelled"
                return False
            try:
                rid = entry.client.send("correct", correction=self.correction)
                last: dict[str, Any] = {}
                for ev in entry.client.events(rid):
                    last = ev
            finally:
                entry.run_lock.release()
        except Exception as exc:  # noqa: BLE001 - the worker died or cannot start: a sentence, never a traceback
            self.error = worker_pool.describe_client_error(exc)
            return False
        if last.get("type") == "corrected":
            self.result = last.get("result") or {}
            return True
        self.error = str(last.get("message") or "the engine did not answer")
        return False

    def finished(self, result: bool) -> None:
        self.correctionDone.emit(self.result if result else None, self.error)
