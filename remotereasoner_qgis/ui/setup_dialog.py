""""Set up engine…": detects platform, Pythons and the NVIDIA GPU, installs the engine environment
(a venv in the QGIS profile or an interpreter the user picks) with a live log, then starts the worker
and shows its hello. The tasks doing the work are in bridge/tasks; the Models tab is models_tab.ModelsWidget.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsApplication, QgsSettings, QgsTask
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inference_core.contract import envsetup

from .. import settings as rr_settings
from ..bridge import readiness
from ..bridge.engine_env import engine_env, proxy_url, redact
from ..bridge.tasks.hello import HelloTask
from ..bridge.tasks.install import InstallTask
from ..bridge.tasks.selftest import SelftestTask
from ..i18n import tr as i18n_tr
from .elide import elide_path
from .models_tab import ModelsWidget
from .screen_fit import resize_within_screen

TORCH_BUILDS = ("cpu", "cu126", "cu128", "cu130", "none")
# What the engine needs before the set-up counts as finished (hello reports their versions).
REQUIRED = ("torch", "transformers", "segment_anything", "rasterio")


# The describe_* helpers translate with i18n.tr (context "@default", where pylupdate5 files their strings),
# never a widget's self.tr (context: its class name); tests pass an identity.
def describe_selftest(result: dict, error: str, tr: Callable[[str], str] = i18n_tr) -> str:
    if not result:
        return tr("Self-test could not run: {e}").format(e=error or "-")
    head = (tr("Self-test passed on {device}") if result.get("passed") else tr("Self-test FAILED on {device}")).format(
        device=result.get("device", "?"))
    checks = ", ".join(("✓ " if ok else "✗ ") + name for name, ok in result.get("checks", {}).items())
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.get("timings_s", {}).items())
    lines = [head + " — " + tr("a check of the installation with a tiny test model, not of a real model."), checks, timings]
    lines += [str(e) for e in result.get("errors", [])]
    return "\n".join(x for x in lines if x)


def missing_packages(hello: dict) -> list[str]:
    versions = hello.get("versions") or {}
    return [k for k in REQUIRED if not versions.get(k)]


def describe_hello(hello: dict, tr: Callable[[str], str] = i18n_tr) -> str:
    """A few lines for the user: versions, devices and GPU memory."""
    v = hello.get("versions") or {}
    names = (("python", "Python"), ("inference_core", "inference_core"), ("torch", "torch"),
             ("transformers", "transformers"), ("segment_anything", "segment-anything"), ("rasterio", "rasterio"),
             ("gdal", "GDAL"), ("numpy", "numpy"))
    lines = [" · ".join(f"{label} {v.get(k) or tr('not installed')}" for k, label in names)]
    devices = ", ".join(hello.get("devices") or ["cpu"])
    lines.append(tr("Devices: {d}").format(d=devices) +
                 (tr(" (CUDA {c})").format(c=hello["cuda_build"]) if hello.get("cuda_build") else ""))
    for m in hello.get("cuda_memory") or []:
        lines.append(tr("{dev}: {name}, {free:.1f} GB free of {total:.1f} GB").format(
            dev=m.get("device"), name=m.get("name"), free=m.get("free_bytes", 0) / 1e9, total=m.get("total_bytes", 0) / 1e9))
    if hello.get("torch_error"):
        lines.append(tr("torch does not load: {e}").format(e=hello["torch_error"]))
    return "\n".join(lines)


class SetupDialog(QDialog):
    """Engine set-up and model manager. `runner` replaces the nvidia-smi call (tests feed recorded
    output); `requirements` replaces the pinned engine requirements (tests install a small wheel)."""

    installStarting = pyqtSignal(object)  # noqa: N815 - the InstallTask, before it is queued (scripts hook it)
    installFinished = pyqtSignal(bool, str)  # noqa: N815 - ok, message
    helloShown = pyqtSignal(bool, dict)  # noqa: N815

    def __init__(self, parent: Optional[QWidget] = None, tab: str = "engine",
                 runner: Optional[Callable[[list[str]], str]] = None, requirements: Optional[Path] = None,
                 profile_dir: Optional[str] = None, pythons: Optional[list[envsetup.PythonCandidate]] = None,
                 catalog_file: Optional[str] = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set up the RemoteReasoner engine"))
        self.profile_dir = profile_dir or QgsApplication.qgisSettingsDirPath()
        self.requirements = requirements
        self.task: Optional[QgsTask] = None
        self.hello: dict[str, Any] = {}
        self.python = ""
        import platform

        self.platform = f"{platform.system()} {platform.release()} ({platform.machine()})"
        self.pythons = pythons if pythons is not None else envsetup.find_pythons()
        self.gpus = envsetup.detect_gpus(runner)
        self.proxy = proxy_url()

        lay = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        lay.addWidget(self.tabs)
        self.tabs.addTab(self._engine_tab(), self.tr("Engine"))
        self.models = ModelsWidget(self, catalog_file=catalog_file)
        self.tabs.addTab(self.models, self.tr("Models"))
        self.tabs.setCurrentIndex(1 if tab == "models" else 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        resize_within_screen(self, 1000, 620)  # the Models table whole at 1000 px; less on a smaller screen

    # -- UI ------------------------------------------------------------------------------------
    def _engine_tab(self) -> QWidget:
        w = QWidget(self)
        lay = QVBoxLayout(w)
        form = QFormLayout()
        self.platform_label = QLabel(self.platform, w)
        form.addRow(self.tr("Platform"), self.platform_label)
        self.python_combo = QComboBox(w)
        for c in self.pythons:
            self.python_combo.addItem(f"Python {c.version[0]}.{c.version[1]} — {c.path}", c.path)
        if not self.pythons:
            self.python_combo.addItem(self.tr("No Python 3.10 or newer found: install one, or pick an interpreter below"), "")
        form.addRow(self.tr("Python for the environment"), self.python_combo)
        self.gpu_label = QLabel(self.gpu_text(), w)
        self.gpu_label.setWordWrap(True)
        form.addRow(self.tr("NVIDIA GPU"), self.gpu_label)
        self.torch_combo = QComboBox(w)
        for b in TORCH_BUILDS:
            self.torch_combo.addItem(self.torch_label(b), b)
        self.torch_combo.setCurrentIndex(TORCH_BUILDS.index(envsetup.choose_torch_build(self.gpus)))
        form.addRow(self.tr("torch build"), self.torch_combo)

        venv = str(envsetup.default_venv_dir(self.profile_dir))
        self.managed_radio = QRadioButton(self.tr("New environment in the QGIS profile: {path}").format(
            path=elide_path(venv)), w)
        self.managed_radio.setToolTip(venv)
        self.existing_radio = QRadioButton(self.tr("An existing interpreter (e.g. a conda environment's python):"), w)
        group = QButtonGroup(w)
        group.addButton(self.managed_radio)
        group.addButton(self.existing_radio)
        self.managed_radio.setChecked(True)
        form.addRow(self.tr("Environment"), self.managed_radio)
        self.existing_edit = QgsFileWidget(w)
        row = QHBoxLayout()
        row.addWidget(self.existing_radio)
        row.addWidget(self.existing_edit, 1)
        form.addRow("", row)
        self.wheels_edit = QgsFileWidget(w)
        self.wheels_edit.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.wheels_edit.lineEdit().setPlaceholderText(self.tr("empty: download from PyPI (and the PyTorch index)"))
        form.addRow(self.tr("Wheel folder (offline install)"), self.wheels_edit)
        shown = redact(self.proxy, self.proxy) if self.proxy else self.tr("none (QGIS Options › Network)")
        self.proxy_label = QLabel(shown, w)
        form.addRow(self.tr("Proxy"), self.proxy_label)
        # The interpreter runs use (the engine_python setting, else the managed venv): what Check engine tests
        self.in_use_label = QLabel(w)
        self.in_use_label.setWordWrap(True)
        self.in_use_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Engine in use"), self.in_use_label)
        lay.addLayout(form)

        row = QHBoxLayout()
        self.install_button = QPushButton(self.tr("Install / repair"), w)
        self.check_button = QPushButton(self.tr("Check engine"), w)
        self.selftest_button = QPushButton(self.tr("Self-test"), w)
        self.selftest_button.setToolTip(self.tr("Run the whole pipeline on a synthetic raster with a tiny test model "
                                                "(seconds): proves the installation, not a model."))
        self.cancel_button = QPushButton(self.tr("Cancel"), w)
        self.cancel_button.setEnabled(False)
        for b in (self.install_button, self.check_button, self.selftest_button, self.cancel_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.progress = QProgressBar(w)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        lay.addWidget(self.progress)
        self.log = QPlainTextEdit(w)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        lay.addWidget(self.log, 1)
        self.hello_label = QLabel(w)
        self.hello_label.setWordWrap(True)
        self.hello_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.hello_label)

        self.install_button.clicked.connect(lambda: self.install())
        self.check_button.clicked.connect(lambda: self.check_engine())
        self.selftest_button.clicked.connect(lambda: self.selftest())
        self.cancel_button.clicked.connect(self.cancel)
        self._select_in_use()
        return w

    # -- the interpreter in use ----------------------------------------------------------------
    def python_in_use(self) -> str:
        """The interpreter runs use: the engine_python setting, else the managed venv of this profile."""
        raw = str(QgsSettings().value(rr_settings.PREFIX + "engine_python", "") or "").strip()
        return raw or str(envsetup.default_engine_python(self.profile_dir))

    def engine_works(self) -> bool:
        """The file-system check the dock makes (the interpreter exists; a managed venv finished its set-up)."""
        cfg = rr_settings.PluginSettings(engine_python=self.python_in_use())
        return readiness.engine_problem(cfg, self.profile_dir) is None

    def _select_in_use(self) -> None:
        """Start from the interpreter in use: an interpreter of one's own is the "existing" choice; show it;
        the default button is Check engine when the engine works, Install / repair when it does not."""
        python = self.python_in_use()
        if not readiness.in_managed_venv(python, self.profile_dir) and python != rr_settings.default_engine_python():
            self.existing_radio.setChecked(True)
            self.existing_edit.setFilePath(python)
        self._show_in_use()

    def _show_in_use(self) -> None:
        python = self.python_in_use()
        works = self.engine_works()
        self.in_use_label.setText(python if works else self.tr("{path} (not set up yet)").format(path=python))
        for button in (self.install_button, self.check_button, self.selftest_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        default = self.check_button if works else self.install_button
        default.setAutoDefault(True)
        default.setDefault(True)

    def selected_python(self) -> str:
        """The interpreter the dialog's choices name (the one in use when the dialog opens)."""
        if self.existing_radio.isChecked():
            return self.existing_edit.filePath().strip()
        return str(self.plan().python)

    def gpu_text(self) -> str:
        if not self.gpus:
            return self.tr("none found (nvidia-smi missing or no driver): the engine runs on the CPU")
        return "\n".join(self.tr("{name} — driver {driver}, {mem:.1f} GB").format(
            name=g.name, driver=g.driver, mem=g.memory_mib / 1024) for g in self.gpus)

    def torch_label(self, build: str) -> str:
        if build == "cpu":
            return self.tr("CPU only")
        if build == "none":
            return self.tr("as in the requirements / wheel folder (no PyTorch index)")
        return self.tr("CUDA {v} ({b})").format(v=f"{build[2:-1]}.{build[-1]}", b=build)

    # -- plan ----------------------------------------------------------------------------------
    def plan(self) -> envsetup.EnvPlan:
        """The environment the Install button would make, from the dialog's choices."""
        build = self.torch_combo.currentData()
        extra: list[str] = []
        wheels = self.wheels_edit.filePath().strip()
        if wheels:
            extra = ["--no-index", "--find-links", wheels]
            build = "none"  # torch comes from the wheel folder too
        if self.existing_radio.isChecked():
            py = Path(self.existing_edit.filePath().strip())
            # <prefix>/bin/python (venv, conda on Linux/macOS) or <prefix>/python.exe (conda on Windows)
            prefix = py.parent.parent if py.parent.name in ("bin", "Scripts") else py.parent
            plan = envsetup.plan_environment(prefix, str(py), self.gpus, self.requirements)
        else:
            plan = envsetup.plan_environment(envsetup.default_venv_dir(self.profile_dir),
                                             self.python_combo.currentData() or "", self.gpus, self.requirements)
        plan.torch_build = build
        plan.extra_pip_args = extra
        return plan

    def _append(self, line: str) -> None:
        self.log.appendPlainText(line)

    def _busy(self, busy: bool) -> None:
        self.install_button.setEnabled(not busy)
        self.check_button.setEnabled(not busy)
        self.selftest_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    # -- install -------------------------------------------------------------------------------
    def install(self) -> Optional[InstallTask]:
        if self.task is not None:
            return None
        plan = self.plan()
        if self.existing_radio.isChecked() and not os.access(str(plan.python), os.X_OK):
            self._append(self.tr("{path} is not an interpreter of the form <env>/bin/python: choose the python "
                                 "of the environment.").format(path=self.existing_edit.filePath()))
            return None
        if not plan.base_python:
            self._append(self.tr("No Python 3.10 or newer was found: install Python, then open this dialog again."))
            return None
        self.log.clear()
        self.hello_label.clear()
        self._append(self.tr("Environment: {path} · torch build: {b}").format(path=str(plan.venv_dir), b=plan.torch_build))
        if self.proxy:
            self._append(self.tr("Proxy: {p}").format(p=redact(self.proxy, self.proxy)))
        task = InstallTask(plan, engine_env(offline=False), self.proxy)
        task.logLine.connect(self._append)
        task.progressChanged.connect(lambda p: self.progress.setValue(int(p)))
        task.installDone.connect(self._install_done)
        self.progress.setValue(0)
        self.installStarting.emit(task)
        return self._run_task(task)

    def cancel(self) -> None:
        if self.task is not None:
            self._append(self.tr("Cancelling…"))
            self.task.cancel()

    def _install_done(self, ok: bool, message: str, tail: str, python: str) -> None:
        self.task = None
        self._busy(False)
        if not ok:
            self.progress.setValue(0)
            self._append(message)
            if tail and tail not in self.log.toPlainText():
                self._append(tail)
            self.installFinished.emit(False, message)
            return
        self.progress.setValue(100)
        cfg = rr_settings.PluginSettings.load()
        cfg.engine_python = python
        cfg.save()
        self._append(self.tr("Engine interpreter saved in the settings: {p}").format(p=python))
        self._show_in_use()
        self.installFinished.emit(True, python)
        self.check_engine(python)

    # -- hello ---------------------------------------------------------------------------------
    def check_engine(self, python: Optional[str] = None) -> Optional[HelloTask]:
        """Start the worker with the engine interpreter and show what it reports."""
        if python is None:
            python = self.selected_python()
        if not self._engine_exists(python):
            return None
        self.python = python
        self.hello_label.setText(self.tr("Starting the engine {path}…").format(path=python))
        task = HelloTask(python)
        task.helloDone.connect(self._hello_done)
        return self._run_task(task)

    def _engine_exists(self, python: str) -> bool:
        if python and os.access(python, os.X_OK):
            return True
        self.hello_label.setText(self.tr("No engine at {p}: press Install / repair first.").format(p=python or "-"))
        return False

    def _run_task(self, task: QgsTask) -> QgsTask:
        """One engine task at a time: the buttons wait until it reports back."""
        self.task = task
        self._busy(True)
        QgsApplication.taskManager().addTask(task)
        return task

    def _hello_done(self, ok: bool, hello: dict, error: str) -> None:
        self.task = None
        self._busy(False)
        self.hello = hello
        if not ok:
            self.hello_label.setText(self.tr("The engine {path} did not start: {e}").format(path=self.python, e=error))
            self.helloShown.emit(False, hello)
            return
        text = describe_hello(hello)
        missing = missing_packages(hello)
        if missing:
            text += "\n" + self.tr("Missing: {m}. Press Install / repair to finish the environment.").format(
                m=", ".join(missing))
        else:
            cfg = rr_settings.PluginSettings.load()
            cfg.engine_python = self.python
            cfg.save()
            if readiness.in_managed_venv(self.python, self.profile_dir):
                readiness.write_ready_marker(envsetup.default_venv_dir(self.profile_dir), hello)
            text += "\n" + self.tr("The engine is ready: {path}").format(path=self.python)
        self._show_in_use()
        self.hello_label.setText(text)
        self.helloShown.emit(True, hello)

    def selftest(self, python: Optional[str] = None) -> Optional[SelftestTask]:
        """Run the engine's self-test in a task; the result goes under the engine's hello."""
        python = python or self.python or rr_settings.PluginSettings.load().engine_python
        if not self._engine_exists(python):
            return None
        self.hello_label.setText(self.tr("Self-test running (reason → SAM → vectorise → GeoPackage)…"))
        task = SelftestTask(python, engine_env())
        task.selftestDone.connect(self._selftest_done)
        return self._run_task(task)

    def _selftest_done(self, passed: bool, result: dict, error: str) -> None:
        self.task = None
        self._busy(False)
        self.hello_label.setText(describe_selftest(result, error))

    def done(self, r: int) -> None:  # noqa: D401 - QDialog.done: closing cancels what runs
        for t in (self.task, self.models.task):
            if t is not None:
                t.cancel()
        super().done(r)


__all__ = ["SetupDialog", "describe_hello", "describe_selftest", "missing_packages"]
