"""`CompareTask`: the engine's `compare` of a run against an exported reference, as a subprocess in a QgsTask."""

from __future__ import annotations

import shutil
import subprocess
from typing import Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..compare import CompareFailed, ExportedReference, run_compare


class CompareTask(QgsTask):
    """Runs `remotereasoner compare --json`; `compareDone(report or None, error)` on the main thread. The
    reference was exported on the main thread (layers are not read from other threads); its folder is removed
    when the task ends."""

    compareDone = pyqtSignal(object, str)  # noqa: N815 - ComparisonReport or None, error message

    def __init__(self, python: str, result_gpkg: str, reference: ExportedReference, layer: str,
                 run_id: Optional[str] = None, raster: Optional[str] = None, folder: Optional[str] = None):
        super().__init__("RemoteReasoner: compare", QgsTask.Flag.CanCancel)
        self.args = (python, result_gpkg, reference, layer, run_id, raster)
        self.folder = folder
        self.report = None
        self.error = ""
        self._proc: Optional[subprocess.Popen] = None

    def run(self) -> bool:
        try:
            self.report = run_compare(*self.args, on_process=self._keep)
        except CompareFailed as exc:
            self.error = str(exc)
            return False
        return not self.isCanceled()

    def _keep(self, proc: subprocess.Popen) -> None:
        self._proc = proc

    def cancel(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        super().cancel()

    def finished(self, result: bool) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.compareDone.emit(self.report if result else None, self.error)
