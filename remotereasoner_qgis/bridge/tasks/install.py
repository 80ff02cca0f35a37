"""`InstallTask`: the engine environment's installation (envsetup.EnvInstaller: venv, pip) in a QgsTask, with
a live log (proxy password redacted) and progress; cancel stops pip."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from inference_core.contract import envsetup

from ..engine_env import redact

# Share of the progress bar for each installer step (pip is by far the longest).
STEP_SPAN = {"Creating the environment": (0.0, 0.15), "Installing the engine": (0.15, 1.0)}


class InstallTask(QgsTask):
    """EnvInstaller.run in a task: log lines and progress as signals; cancel stops pip."""

    logLine = pyqtSignal(str)  # noqa: N815
    installDone = pyqtSignal(bool, str, str, str)  # noqa: N815 - ok, message, pip's last lines, python

    def __init__(self, plan: envsetup.EnvPlan, env: dict[str, str], proxy: Optional[str] = None):
        super().__init__("RemoteReasoner: setting up the engine", QgsTask.Flag.CanCancel)
        self.plan, self.proxy = plan, proxy
        self.installer = envsetup.EnvInstaller(plan, env)
        self.message, self.tail, self.python = "", "", ""

    def _emit(self, ev: dict) -> None:
        if ev.get("type") == "log":
            self.logLine.emit(redact(str(ev.get("line", "")), self.proxy))
        elif ev.get("type") == "progress":
            lo, hi = STEP_SPAN.get(ev.get("step", ""), (0.0, 1.0))
            self.setProgress(100.0 * (lo + (hi - lo) * float(ev.get("fraction", 0.0))))

    def run(self) -> bool:
        try:
            self.python = str(self.installer.run(self._emit))
            return True
        except envsetup.EnvSetupError as exc:
            self.message, self.tail = str(exc), redact(exc.log_tail, self.proxy)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.message = f"{type(exc).__name__}: {exc}"
        return False

    def cancel(self) -> None:
        self.installer.cancel()
        super().cancel()

    def finished(self, result: bool) -> None:
        self.installDone.emit(bool(result), self.message, self.tail, self.python)
