"""`EngineOpTask`: one model operation (`python -m inference_core.models.store ...`: states, download) as an
engine subprocess in a QgsTask, its JSON lines relayed as signals."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import deque
from typing import Any, Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal


class EngineOpTask(QgsTask):
    """Runs `python -m inference_core.models.store ARGS` with the engine interpreter; relays its JSON lines.

    Cancel asks the subprocess to stop (a partial download is kept and resumed next time), then
    terminates it if it does not stop within a few seconds.
    """

    opEvent = pyqtSignal(dict)  # noqa: N815 - not `event`: that is QObject.event()
    opFinished = pyqtSignal(bool, dict, str)  # noqa: N815 - ok, the last event, stderr tail

    def __init__(self, description: str, python: str, args: list[str], env: dict[str, str]):
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.python, self.args, self.env = python, list(args), env
        self.events: list[dict] = []
        self.stderr: deque[str] = deque(maxlen=20)
        self._proc: Optional[subprocess.Popen] = None
        self._lock = threading.Lock()
        self.returncode: Optional[int] = None

    def run(self) -> bool:  # worker thread
        argv = [self.python, "-m", "inference_core.models.store", *self.args]
        kwargs: dict[str, Any] = {}
        if sys.platform == "win32":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            with self._lock:
                self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, env=self.env, cwd=self.env.get("PYTHONPATH"),
                                              text=True, encoding="utf-8", errors="replace", bufsize=1, **kwargs)
        except OSError as exc:
            self.events.append({"type": "error", "code": "start",
                                "message": f"Could not start the engine ({self.python}): {exc}. Set up the engine first."})
            return False
        proc = self._proc
        threading.Thread(target=lambda: [self.stderr.append(ln.rstrip()) for ln in proc.stderr], daemon=True).start()
        for line in proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                self.stderr.append(line.rstrip())
                continue
            self.events.append(ev)
            if ev.get("type") == "progress" and ev.get("total"):
                self.setProgress(100.0 * min(1.0, float(ev.get("done") or 0) / float(ev["total"])))
            self.opEvent.emit(ev)
        self.returncode = proc.wait()
        return self.returncode == 0 and bool(self.events) and self.events[-1].get("type") != "error"

    def cancel(self) -> None:
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.write("cancel\n")
                proc.stdin.flush()
            except (OSError, ValueError):
                pass
            threading.Timer(5.0, lambda: proc.poll() is None and proc.terminate()).start()
        super().cancel()

    def finished(self, result: bool) -> None:  # main thread
        last = self.events[-1] if self.events else {}
        if not result and not last.get("type") == "error":
            tail = "\n".join(self.stderr)
            last = {"type": "error", "code": "engine",
                    "message": f"The engine stopped (exit {self.returncode}). " + (tail.splitlines()[-1] if tail else "")}
        self.opFinished.emit(bool(result), last, "\n".join(self.stderr))
