"""`HelloTask`: (re)starts the shared worker and asks for its hello (versions, devices, GPU memory)."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal


class HelloTask(QgsTask):
    """(Re)starts the shared worker for `python` and asks for its hello (versions, devices, memory)."""

    helloDone = pyqtSignal(bool, dict, str)  # noqa: N815 - ok, hello body, error message

    def __init__(self, python: str):
        super().__init__("RemoteReasoner: starting the engine", QgsTask.Flag.CanCancel)
        self.python = python
        self.hello: dict[str, Any] = {}
        self.error = ""

    def run(self) -> bool:
        from .. import worker_pool

        entry = worker_pool.get(self.python)
        try:
            with entry.run_lock:
                entry.client.close()  # a repaired environment needs a fresh worker
                self.hello = entry.client.hello(probe=True, timeout=300)
        except Exception as exc:  # noqa: BLE001
            self.error = str(exc)
            return False
        if self.hello.get("type") != "hello":
            self.error = str(self.hello.get("message") or self.hello)
            return False
        return True

    def finished(self, result: bool) -> None:
        self.helloDone.emit(bool(result), self.hello, self.error)
