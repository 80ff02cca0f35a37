"""The Models tab: the catalog with size, licence, source and state; downloads and state queries run by
the engine interpreter (`python -m inference_core.models.store`, bridge/tasks/model_op.py); local folders;
offline mode; test load (bridge/tasks/model_load.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsApplication, QgsTask
from qgis.gui import QgsAuthConfigSelect, QgsFileWidget
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inference_core.contract import catalog
from inference_core.contract.options import FIND_ALL
from inference_core.contract.model_state import SAM2_MODEL_TYPES, entry_state, folder_model_type, missing_file, sam_problem

from .. import settings as rr_settings
from ..bridge import readiness
from ..bridge.engine_env import engine_env
from ..bridge.run_options import load_options
from ..bridge.tasks.model_load import LoadTask
from ..bridge.tasks.model_op import EngineOpTask
from ..settings import hf_auth_cfg, models_folder, offline_setting, set_hf_auth_cfg, set_models_folder, set_offline_setting

SAM3_MODEL_TYPES = ("sam3", "sam3_video")  # config.json model types of a SAM 3 folder (models.sam3.MODEL_TYPES)


def quick_state(entry: catalog.ModelEntry, folder: str) -> dict[str, Any]:
    """The state from the file system alone (no engine needed): shown until the engine answers, which
    reports the same states (model_state), with SHA-256 checks on top."""
    state = entry_state(entry, folder)
    return {"state": state.state, "path": state.path, "detail": state.detail}


# -- the tab ---------------------------------------------------------------------------------------

def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


class ModelsWidget(QWidget):
    """Catalog table + actions. Tests drive `refresh()`, `download(key)`, `cancel()`, `use(key)`,
    `use_local(path)` and `test_load()` and wait on the signals."""

    statesChanged = pyqtSignal(list)  # noqa: N815 - rows from the engine
    downloadFinished = pyqtSignal(bool, str)  # noqa: N815 - ok, message
    loadChecked = pyqtSignal(bool, str)  # noqa: N815
    settingsChanged = pyqtSignal()  # noqa: N815

    COLUMNS = ("Model", "Size", "Licence", "Source", "State")  # the English headers; headers() translates

    def __init__(self, parent: Optional[QWidget] = None, entries: Optional[list] = None,
                 catalog_file: Optional[str] = None):
        super().__init__(parent)
        self.entries = list(entries or catalog.MODELS)
        self.catalog_file = catalog_file  # extra/mirror entries, passed to the engine
        self.rows: dict[str, dict[str, Any]] = {}
        self.task: Optional[QgsTask] = None
        self.last_error = ""
        lay = QVBoxLayout(self)

        form = QFormLayout()
        self.folder_edit = QgsFileWidget(self)
        self.folder_edit.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_edit.setFilePath(models_folder())
        form.addRow(self.tr("SAM checkpoints folder"), self.folder_edit)
        self.offline_check = QCheckBox(self.tr("Offline: never download, use only files already here"), self)
        self.offline_check.setChecked(offline_setting())
        form.addRow(self.offline_check)
        # Gated models (SAM 3): the token stays in QGIS's authentication database; only its config id is kept.
        self.hf_auth_select = QgsAuthConfigSelect(self)
        self.hf_auth_select.setConfigId(hf_auth_cfg())
        self.hf_auth_select.setToolTip(self.tr("An authentication configuration whose password or token is your "
                                               "Hugging Face access token (read access), for gated models such as "
                                               "SAM 3. HF_TOKEN in the environment works too."))
        form.addRow(self.tr("Hugging Face token"), self.hf_auth_select)
        lay.addLayout(form)

        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(self.headers())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # title, size, licence name and state whole; the source (a long URL) takes the rest, shortened in the
        # middle (the whole text is each cell's tooltip)
        header = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.download_button = QPushButton(self.tr("Download"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.use_button = QPushButton(self.tr("Use"), self)
        self.local_button = QPushButton(self.tr("Use a local folder…"), self)
        self.test_button = QPushButton(self.tr("Test load"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        for b in (self.download_button, self.cancel_button, self.use_button, self.local_button, self.test_button,
                  self.refresh_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        lay.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)

        self.cancel_button.setEnabled(False)
        self.download_button.clicked.connect(lambda: self.download(self.selected_key()))
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(lambda: self.use(self.selected_key()))
        self.local_button.clicked.connect(self.choose_local)
        self.test_button.clicked.connect(self.test_load)
        self.refresh_button.clicked.connect(self.refresh)
        self.offline_check.toggled.connect(set_offline_setting)
        self.hf_auth_select.selectedConfigIdChanged.connect(lambda c: (set_hf_auth_cfg(c), self._selection_changed()))
        self.folder_edit.fileChanged.connect(lambda p: (set_models_folder(p), self.fill_quick()))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.fill_quick()

    # -- table ---------------------------------------------------------------------------------
    def headers(self) -> list[str]:
        return [self.tr("Model"), self.tr("Size"), self.tr("Licence"), self.tr("Source"), self.tr("State")]

    def state_label(self, state: str) -> str:
        return {"absent": self.tr("absent"), "present": self.tr("present"), "partial": self.tr("partial"),
                "downloading": self.tr("downloading"), "corrupt": self.tr("corrupt")}.get(state, state)

    def in_use(self) -> set[str]:
        """Keys of the catalog entries runs use now: the model (local backend) and the SAM checkpoint, or SAM 3
        while the dock is in find-all mode — present on disk only (one chosen but absent is `chosen_absent`)."""
        return {k for k in self.chosen() if self.state_of(k) == "present"}

    def chosen_absent(self) -> set[str]:
        """Entries the settings name that are not on disk: runs cannot use them until they are downloaded."""
        return {k for k in self.chosen() if self.state_of(k) != "present"}

    def chosen(self) -> set[str]:
        """Keys of the catalog entries the settings name, on disk or not."""
        cfg = rr_settings.PluginSettings.load()
        keys = set()
        for e in self.entries:
            row = self.rows.get(e.key, {})
            if e.kind == "sam":
                path = row.get("path") or ""
                if cfg.sam and (path and os.path.abspath(path) == os.path.abspath(cfg.sam)
                                or os.path.basename(cfg.sam) == os.path.basename(e.source)):
                    keys.add(e.key)
            elif e.kind == "sam3":  # in use while the dock is in find-all mode
                if cfg.mode == FIND_ALL and cfg.sam3.strip() in (e.source, row.get("path") or "\0"):
                    keys.add(e.key)
            elif cfg.backend == "transformers" and cfg.model.strip() in (e.source, row.get("path") or "\0"):
                keys.add(e.key)
        return keys

    def folder(self) -> str:
        return self.folder_edit.filePath().strip() or models_folder()

    def fill_quick(self) -> None:
        self.fill([{**vars(e), **quick_state(e, self.folder())} for e in self.entries])

    def fill(self, rows: list[dict[str, Any]]) -> None:
        keep = self.selected_key()
        self.rows = {r["key"]: r for r in rows}
        used, absent = self.in_use(), self.chosen_absent()
        mark = self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            # the licence's name; what follows it in brackets (gating, base model) is in the tooltip
            cells = (r["title"], _size(int(r["size_bytes"])), str(r["licence"]).split(" (")[0], r["source"],
                     self.state_label(r["state"]))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, r["key"])
                item.setToolTip(str(r["detail"]) if j == 4 and r.get("detail") else
                                str(r["licence"]) if j == 2 else str(text))
                if r["key"] in absent and j == 0:  # chosen, not downloaded: never "in use" beside "absent"
                    item.setToolTip(self.tr("{title} — chosen in the settings, not downloaded yet").format(
                        title=r["title"]))
                if r["key"] in used:  # the model runs use: bold, a check mark, and said in the tooltip
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    if j == 0:
                        item.setIcon(mark)
                        item.setToolTip(self.tr("{title} — runs use this model").format(title=r["title"]))
                self.table.setItem(i, j, item)
            if r["key"] == keep:
                self.table.selectRow(i)
        self._selection_changed()

    def state_of(self, key: str) -> str:
        return self.rows.get(key, {}).get("state", "")

    def selected_key(self) -> str:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def select(self, key: str) -> None:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.table.selectRow(i)

    def _selection_changed(self) -> None:
        key = self.selected_key()
        entry = next((e for e in self.entries if e.key == key), None)
        busy = self.task is not None
        self.download_button.setEnabled(bool(entry) and not busy and self.state_of(key) != "present")
        self.use_button.setEnabled(bool(entry) and self.state_of(key) == "present")
        self.local_button.setText(self.tr("Use a local file…") if entry is not None and entry.kind == "sam"
                                  else self.tr("Use a local folder…"))
        if entry is not None and entry.gated and self.state_of(key) != "present" and not busy:
            self._say(self.gated_note(entry))

    def gated_note(self, entry: catalog.ModelEntry) -> str:
        """What a gated model needs before its download can work."""
        token = bool(rr_settings.resolve_api_key(self.hf_auth_select.configId()) or os.environ.get("HF_TOKEN"))
        note = self.tr("{m} is gated on Hugging Face: request access on https://huggingface.co/{src} (accept the "
                       "{licence}), then download with your access token.").format(
            m=entry.title, src=entry.source, licence=entry.licence.split(" (")[0])
        if not token:
            note += " " + self.tr("No token yet: choose an authentication configuration holding it under "
                                  "\"Hugging Face token\" (or set HF_TOKEN).")
        return note

    # -- engine calls --------------------------------------------------------------------------
    def _python(self) -> Optional[str]:
        py = rr_settings.PluginSettings.load().engine_python
        if not py or not os.access(py, os.X_OK):
            self._say(self.tr("Set up the engine first (Engine tab): downloads run in the engine environment."))
            return None
        return py

    def _common_args(self) -> list[str]:
        args = ["--folder", self.folder()]
        if self.catalog_file:
            args += ["--catalog", self.catalog_file]
        if self.offline_check.isChecked():
            args.append("--offline")
        return args

    def _start(self, task: EngineOpTask) -> EngineOpTask:
        self.task = task
        self._selection_changed()
        QgsApplication.taskManager().addTask(task)
        return task

    def refresh(self) -> Optional[EngineOpTask]:
        """Ask the engine for the authoritative states (HF cache included)."""
        py = self._python()
        if py is None or self.task is not None:
            return None
        task = EngineOpTask(self.tr("RemoteReasoner: model states"), py, ["state", *self._common_args()],
                            engine_env(self.offline_check.isChecked()))
        task.opFinished.connect(self._states_done)
        return self._start(task)

    def _states_done(self, ok: bool, last: dict, stderr: str) -> None:
        task, self.task = self.task, None
        if ok and task is not None:
            rows = [e for e in task.events if e.get("type") == "model"]
            self.fill(rows)
            self.statesChanged.emit(rows)
        else:
            self._say(self.tr("Could not read the model states: {m}").format(m=last.get("message", "")))
            self._selection_changed()

    def download(self, key: str) -> Optional[EngineOpTask]:
        if not key:
            self._say(self.tr("Select a model in the list first."))
            return None
        py = self._python()
        if py is None or self.task is not None:
            return None
        entry = next(e for e in self.entries if e.key == key)
        task = EngineOpTask(self.tr("RemoteReasoner: downloading {m}").format(m=entry.title), py,
                            ["download", key, "--stdin-control", *self._common_args()],
                            engine_env(self.offline_check.isChecked()))
        task.opEvent.connect(self._download_event)
        task.opFinished.connect(lambda ok, last, err: self._download_done(key, ok, last))
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self._say(self.tr("Downloading {m}…").format(m=entry.title))
        if key in self.rows:
            self.rows[key]["state"] = "downloading"
        return self._start(task)

    def _download_event(self, ev: dict) -> None:
        if ev.get("type") == "progress" and ev.get("total"):
            done, total = float(ev.get("done") or 0), float(ev["total"])
            self.progress.setValue(int(100 * min(1.0, done / total)))
            self.progress.setFormat(f"{done / 1e6:.0f} / {total / 1e6:.0f} MB")
        elif ev.get("type") == "warning":
            self._say(str(ev.get("message")))

    def _download_done(self, key: str, ok: bool, last: dict) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        if ok:
            self.progress.setValue(100)
            self._say(self.tr("Downloaded: {path}").format(path=last.get("path", "")))
            self.rows.setdefault(key, {})["path"] = last.get("path")
            self.rows[key]["state"] = "present"
            self._use_if_unset(key, str(last.get("path") or ""))
        else:
            self.last_error = str(last.get("message", ""))
            self._say(self.last_error)
        self.downloadFinished.emit(ok, str(last.get("path") if ok else last.get("message", "")))
        self.refresh()

    def cancel(self) -> None:
        if self.task is not None:
            self._say(self.tr("Cancelling… the partial download is kept and resumes next time."))
            self.task.cancel()

    # -- settings ------------------------------------------------------------------------------
    def _use_if_unset(self, key: str, path: str) -> None:
        entry = next(e for e in self.entries if e.key == key)
        cfg = rr_settings.PluginSettings.load()
        if entry.kind in ("sam", "sam2") and not (cfg.sam and sam_problem(cfg.sam) is None):
            self.use(key, path)
        elif entry.kind == "mllm" and cfg.backend == "transformers" and \
                readiness.model_problems(cfg, ("boxes",)):
            self.use(key, path)

    def use(self, key: str, path: Optional[str] = None) -> bool:
        """Make a downloaded model the one runs use."""
        entry = next((e for e in self.entries if e.key == key), None)
        if entry is None:
            return False
        cfg = rr_settings.PluginSettings.load()
        if entry.kind == "sam":
            path = path or self.rows.get(key, {}).get("path") or ""
            if not path:
                return False
            cfg.sam = path
        elif entry.kind == "sam2":
            cfg.sam = entry.source  # the hub id: the worker loads it from the Hugging Face cache
        elif entry.kind == "sam3":
            cfg.sam3 = entry.source  # find-all's model, beside the reasoner
        else:
            cfg.backend, cfg.model = "transformers", entry.source
        cfg.save()
        self._say(self.tr("Runs now use {m}.").format(m=entry.title))
        self.fill([{**vars(e), **self.rows.get(e.key, quick_state(e, self.folder()))} for e in self.entries])
        self.settingsChanged.emit()
        return True

    def choose_local(self) -> None:
        entry = next((e for e in self.entries if e.key == self.selected_key()), None)
        if entry is not None and entry.kind == "sam":
            path, _ = QFileDialog.getOpenFileName(self, self.tr("SAM checkpoint"), self.folder(),
                                                  self.tr("SAM checkpoint (*.pth *.pt)"))
        else:
            path = QFileDialog.getExistingDirectory(self, self.tr("Model folder (config.json and weights)"))
        if path:
            self.use_local(path)

    def use_local(self, path: str) -> bool:
        """A model folder (config.json + weights) or a SAM .pth already on disk."""
        cfg = rr_settings.PluginSettings.load()
        p = Path(path)
        if p.is_file() and p.suffix in (".pth", ".pt"):
            cfg.sam = str(p)
        elif p.is_dir():
            missing = missing_file(p)
            if missing:
                self._say(self.tr("{path} is not a model folder: {file} is missing. Choose the folder that holds "
                                  "config.json and the weights.").format(path=path, file=missing))
                return False
            if folder_model_type(p) in SAM2_MODEL_TYPES:
                cfg.sam = str(p)  # a SAM 2.1 folder segments; it never answers questions
            elif folder_model_type(p) in SAM3_MODEL_TYPES:
                cfg.sam3 = str(p)  # SAM 3 serves the find-all mode
            else:
                cfg.backend, cfg.model = "transformers", str(p)
        else:
            self._say(self.tr("{path} is neither a model folder nor a SAM checkpoint (.pth).").format(path=path))
            return False
        cfg.save()
        self._say(self.tr("Runs now use {path}.").format(path=path))
        self.settingsChanged.emit()
        return True

    def test_load(self) -> Optional[LoadTask]:
        """Load the configured model (and SAM) in the worker; a failure says why."""
        py = self._python()
        if py is None:
            return None
        cfg = rr_settings.PluginSettings.load()
        api_key = rr_settings.resolve_api_key(cfg.auth_cfg) if cfg.backend == "openai" else None
        try:
            options = load_options(cfg, api_key)  # the models a run with these settings would load
        except ValueError as exc:  # OptionsError: the message names the setting to fix
            self._load_done(False, str(exc))
            return None
        task = LoadTask(py, options)
        task.loadFinished.connect(self._load_done)
        self._load_task = task
        self._say(self.tr("Loading the model in the engine… (a 7B model takes a minute)"))
        QgsApplication.taskManager().addTask(task)
        return task

    def loaded_names(self) -> str:
        """The models a Test load loads, by name: the catalog title, else the folder or id; and the SAM file."""
        cfg = rr_settings.PluginSettings.load()
        if cfg.backend == "openai":
            model = cfg.server_model or cfg.server_url
        elif cfg.backend == "replay":
            model = os.path.basename(cfg.replay)
        else:
            model = next((e.title for e in self.entries if e.source == cfg.model.strip()), cfg.model.strip())
        if not cfg.sam:
            return model
        return self.tr("{model} and {sam}").format(model=model, sam=os.path.basename(cfg.sam))

    def _load_done(self, ok: bool, message: str) -> None:
        self._load_task = None
        self.last_error = "" if ok else message
        names = self.loaded_names()
        self._say(self.tr("The model loads: {model}.").format(model=names) if ok else
                  self.tr("{model} does not load: {why}").format(model=names, why=message))
        self.loadChecked.emit(ok, message)

    def _say(self, text: str) -> None:
        self.status.setText(text)


__all__ = ["ModelsWidget", "quick_state"]
