"""`SelftestTask`: the engine's self-test (`python -m inference_core selftest --json`) as a subprocess in a QgsTask."""

from __future__ import annotations

import json
import subprocess
from typing import Any, Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal


class SelftestTask(QgsTask):
    """`<engine python> -m inference_core selftest --json`: the full pipeline on a synthetic raster with
    the shipped tiny test model (a check of the installation, not of a real model)."""

    selftestDone = pyqtSignal(bool, dict, str)  # noqa: N815 - passed, result JSON, error message

    def __init__(self, python: str, env: dict[str, str]):
        super().__init__("RemoteReasoner: self-test", QgsTask.Flag.CanCancel)
        self.python, self.env = python, env
        self.result: dict[str, Any] = {}
        self.error = ""
        self._proc: Optional[subprocess.Popen] = None

    def run(self) -> bool:
        from ...paths import ENGINE_ROOT

        try:
            self._proc = subprocess.Popen([self.python, "-m", "inference_core", "selftest", "--json"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          env=self.env, cwd=ENGINE_ROOT)
            out, err = self._proc.communicate(timeout=900)
        except (OSError, subprocess.SubprocessError) as exc:
            self.error = str(exc)
            return False
        try:
            self.result = json.loads(out)
        except ValueError:
            self.error = (err.strip().splitlines() or ["no output"])[-1]
            return False
        return bool(self.result.get("passed"))

    def cancel(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        super().cancel()

    def finished(self, result: bool) -> None:
        self.selftestDone.emit(bool(result), self.result, self.error)
