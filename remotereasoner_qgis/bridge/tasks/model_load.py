"""`LoadTask`: the shared worker loads the configured models once (the Models tab's "Test load")."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal


class LoadTask(QgsTask):
    """Asks the shared worker to load the chosen models: says why a model cannot load."""

    loadFinished = pyqtSignal(bool, str)  # noqa: N815

    def __init__(self, python: str, options: dict[str, Any]):
        super().__init__("RemoteReasoner: test load", QgsTask.Flag.CanCancel)
        self.python, self.options = python, options
        self.ok, self.message = False, ""

    def run(self) -> bool:
        from .. import worker_pool

        entry = worker_pool.get(self.python)
        try:
            with entry.run_lock:
                last = entry.client.call("load", timeout=1800, options=self.options)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.message = str(exc)
            return False
        if last.get("type") == "error":
            self.message = str(last.get("message") or last)
            return False
        self.ok = True
        return True

    def finished(self, result: bool) -> None:
        self.loadFinished.emit(bool(result), self.message)
