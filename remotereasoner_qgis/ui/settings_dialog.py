"""Settings dialog: local model or model server, SAM, device, tiling, output folder, engine Python."""

from __future__ import annotations

import os
from typing import Optional

from qgis.gui import QgsAuthConfigSelect, QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inference_core.contract.openai_http import split_url
from inference_core.contract.options import COORDINATE_SPACES
from inference_core.contract.paths import prompt_template_names

from .. import settings as rr_settings
from ..bridge.run_options import MIN_TILE_SIZE
from ..i18n import tr
from .elide import elide_path, fit_height
from .score_threshold import score_threshold_spin
from .screen_fit import resize_within_screen, vertical_scroll
from ..settings import DEFAULT_MODEL, RUN_DEFAULTS

DEVICES = ("auto", "cpu", "cuda", "cuda:0", "cuda:1")
DTYPES = ("auto", "bfloat16", "float16", "float32")
CHOOSE_FILE = "\0choose"  # the prompt combo's "Choose file…" item (never a template name or a path)


class SettingsDialog(QDialog):
    """Edits `PluginSettings`; OK saves them. The API key stays in QGIS's auth database."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("RemoteReasoner settings"))
        self.cfg = rr_settings.PluginSettings.load()
        self.server_models: list[str] = []
        outer = QVBoxLayout(self)
        # the groups scroll up and down within the dialog: a message shown under a field (a connection error, an
        # overlap too large) never grows the dialog past a laptop screen (1280×800, 1366×768)
        content = QWidget(self)
        lay = QVBoxLayout(content)
        lay.setContentsMargins(0, 0, 0, 0)

        # Model source
        source = QGroupBox(self.tr("Model"), self)
        form = QFormLayout(source)
        self.local_radio = QRadioButton(self.tr("Local model"), source)
        self.server_radio = QRadioButton(self.tr("Server"), source)
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)
        # Recorded answers (the first-run demo, tests): listed only while in use, so the dialog shows what runs
        # and choosing Local model or Server ends the replay.
        self.replay_radio = QRadioButton(self.tr("Recorded answers"), source)
        self.replay_radio.setToolTip(self.cfg.replay)
        self.replay_radio.setVisible(self.cfg.backend == "replay")
        group.addButton(self.replay_radio)
        row = QHBoxLayout()
        row.addWidget(self.local_radio)
        row.addWidget(self.server_radio)
        row.addWidget(self.replay_radio)
        form.addRow(row)
        self.model_edit = QgsFileWidget(source)
        self.model_edit.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.model_edit.lineEdit().setPlaceholderText(self.tr("hub id ({model}) or a local folder").format(model=DEFAULT_MODEL))
        form.addRow(self.tr("Model (hub id or folder)"), self.model_edit)
        # The prompt template (a shipped or $REMOTEREASONER_PROMPTS name, or a .txt file) and its coordinates
        self.prompt_combo = QComboBox(source)
        self.prompt_combo.setToolTip(self.tr("The instruction the model gets around your question: a template name, "
                                             "or your own .txt file with {query} where the question goes."))
        self.prompt_combo.activated.connect(self._prompt_chosen)
        form.addRow(self.tr("Prompt"), self.prompt_combo)
        self.coordinates_combo = QComboBox(source)
        self.coordinates_combo.addItem(self.tr("As the prompt template says"), "")
        for space in COORDINATE_SPACES:
            self.coordinates_combo.addItem({
                "model-input": self.tr("Pixels of the resized model input (model-input)"),
                "original-image": self.tr("Pixels of the view before resizing (original-image)"),
                "relative-1000": self.tr("0 to 1000 across the image, Qwen2-VL / Qwen3-VL (relative-1000)"),
            }.get(space, space), space)
        self.coordinates_combo.setToolTip(self.tr("Which pixels the model's boxes are in; a template states it for "
                                                  "the model it was written for."))
        form.addRow(self.tr("Box coordinates"), self.coordinates_combo)
        self.server_url_edit = QLineEdit(source)
        self.server_url_edit.setPlaceholderText("http://gpu-server:8000/v1")
        form.addRow(self.tr("Server URL"), self.server_url_edit)
        self.url_error = QLabel(source)  # under the field it is about
        self.url_error.setWordWrap(True)
        self.url_error.setStyleSheet("color: #b00020;")
        self.url_error.setVisible(False)
        form.addRow("", self.url_error)
        self.server_url_edit.textEdited.connect(lambda _t: self.url_error.setVisible(False))
        self.server_model_combo = QComboBox(source)
        self.server_model_combo.setEditable(True)
        form.addRow(self.tr("Server model"), self.server_model_combo)
        self.auth_select = QgsAuthConfigSelect(source)
        form.addRow(self.tr("API key"), self.auth_select)
        # Tiles in flight at once, so the server (vLLM/SGLang) can batch them.
        self.concurrency_spin = self._spin(1, 64, 1, "")
        form.addRow(self.tr("Tiles in flight"), self.concurrency_spin)
        self.test_button = QPushButton(self.tr("Test connection"), source)
        form.addRow("", self.test_button)
        # the answer on a row of its own, wrapped, copyable: a server's error is often a long sentence
        self.test_label = QLabel(source)
        self.test_label.setWordWrap(True)
        self.test_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.test_label)
        self.model_form = form
        lay.addWidget(source)

        # Segmentation and compute
        compute = QGroupBox(self.tr("Segmentation and compute"), self)
        form = QFormLayout(compute)
        self.sam_edit = QgsFileWidget(compute)
        self.sam_edit.setFilter(self.tr("SAM checkpoint (*.pth *.pt)"))
        # a SAM 2.1 folder or hub id is typed (or pasted) into the same field
        self.sam_edit.lineEdit().setPlaceholderText(self.tr("a SAM 1 .pth, or SAM 2.1: facebook/sam2.1-hiera-tiny or a folder"))
        form.addRow(self.tr("SAM checkpoint"), self.sam_edit)
        self.score_spin = score_threshold_spin(compute)
        form.addRow(self.tr("Find all: score threshold"), self.score_spin)
        self.device_combo = QComboBox(compute)
        self.device_combo.setEditable(True)
        self.device_combo.addItems(DEVICES)
        form.addRow(self.tr("Device"), self.device_combo)
        self.dtype_combo = QComboBox(compute)
        self.dtype_combo.addItems(DTYPES)
        form.addRow(self.tr("Precision"), self.dtype_combo)
        self.tile_spin = self._spin(MIN_TILE_SIZE, 8192, 28, self.tr(" px"))
        form.addRow(self.tr("Tile size"), self.tile_spin)
        self.overlap_spin = self._spin(0, 4096, 14, self.tr(" px"))
        form.addRow(self.tr("Overlap"), self.overlap_spin)
        self.overlap_error = QLabel(compute)  # under the field it is about
        self.overlap_error.setWordWrap(True)
        self.overlap_error.setStyleSheet("color: #b00020;")
        self.overlap_error.setVisible(False)
        form.addRow("", self.overlap_error)
        self.compute_form = form
        for spin in (self.tile_spin, self.overlap_spin):
            spin.valueChanged.connect(lambda _v: self.overlap_error.setVisible(False))
        self.max_pixels_spin = self._spin(RUN_DEFAULTS.min_pixels, 50_000_000, 784, "")
        form.addRow(self.tr("Max pixels per view"), self.max_pixels_spin)
        lay.addWidget(compute)

        # Files
        files = QGroupBox(self.tr("Files"), self)
        form = QFormLayout(files)
        self.output_edit = QgsFileWidget(files)
        self.output_edit.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        folder, temporary = rr_settings.output_dir(rr_settings.PluginSettings(output_dir=""))
        self.output_edit.lineEdit().setPlaceholderText(
            (self.tr("empty: a temporary folder ({path})") if temporary else self.tr("empty: beside the project ({path})")).format(
                path=elide_path(folder)))
        self.output_edit.setToolTip(folder)
        form.addRow(self.tr("Output folder"), self.output_edit)
        self.python_edit = QgsFileWidget(files)
        form.addRow(self.tr("Engine Python"), self.python_edit)
        lay.addWidget(files)

        self.scroll = vertical_scroll(content, self)
        outer.addWidget(self.scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        hint = content.sizeHint()
        resize_within_screen(self, hint.width() + 60, hint.height() + buttons.sizeHint().height() + 60)

        self.local_radio.toggled.connect(self._update_enabled)
        self.server_radio.toggled.connect(self._update_enabled)
        self.test_button.clicked.connect(self.test_connection)
        self._load()

    def _say(self, text: str) -> None:
        """Test connection's answer: wrapped, and as tall as its lines (a top-level dialog does not grow a
        wrapped label by itself)."""
        self.test_label.setText(text)
        fit_height(self.test_label)

    def _spin(self, lo: int, hi: int, step: int, suffix: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(lo, hi)
        spin.setSingleStep(step)
        spin.setSuffix(suffix)
        return spin

    # -- prompt --------------------------------------------------------------------------------
    def _fill_prompts(self, current: str) -> None:
        """Default, the template names, the chosen file (when one is), then "Choose file…"."""
        combo = self.prompt_combo
        combo.clear()
        combo.addItem(self.tr("Default for the model"), "")
        for name in prompt_template_names():
            combo.addItem(name, name)
        if current and combo.findData(current) < 0:
            combo.addItem(self.tr("File: {name}").format(name=os.path.basename(current)), current)
            combo.setItemData(combo.count() - 1, current, Qt.ItemDataRole.ToolTipRole)
        combo.addItem(self.tr("Choose file…"), CHOOSE_FILE)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        self._prompt = current

    def _prompt_chosen(self, index: int) -> None:
        if self.prompt_combo.itemData(index) != CHOOSE_FILE:
            self._prompt = self.prompt_combo.itemData(index) or ""
            return
        start = os.path.dirname(self._prompt) if self._prompt.endswith(".txt") else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Prompt template"), start,
                                              self.tr("Prompt templates (*.txt)"))
        if path:
            self.set_prompt(path)
        else:  # cancelled: back to what was chosen
            self.prompt_combo.setCurrentIndex(max(0, self.prompt_combo.findData(self._prompt)))

    def set_prompt(self, prompt: str) -> None:
        """Choose a template name or a .txt file (what "Choose file…" does with the file picked)."""
        self._fill_prompts(prompt.strip())

    def prompt(self) -> str:
        return self._prompt

    def _load(self) -> None:
        c = self.cfg
        {"openai": self.server_radio, "replay": self.replay_radio}.get(c.backend, self.local_radio).setChecked(True)
        self.model_edit.setFilePath(c.model)
        self._fill_prompts(c.prompt)
        self.coordinates_combo.setCurrentIndex(max(0, self.coordinates_combo.findData(c.coordinates)))
        self.server_url_edit.setText(c.server_url)
        self.server_model_combo.setEditText(c.server_model)
        self.auth_select.setConfigId(c.auth_cfg)
        self.concurrency_spin.setValue(c.concurrency)
        self.sam_edit.setFilePath(c.sam)
        self.score_spin.setValue(c.score_threshold)
        self.device_combo.setEditText(c.device)
        self.dtype_combo.setCurrentText(c.dtype)
        self.tile_spin.setValue(c.tile_size)
        self.overlap_spin.setValue(c.overlap)
        self.max_pixels_spin.setValue(c.max_pixels)
        self.output_edit.setFilePath(c.output_dir)
        self.python_edit.setFilePath(c.engine_python)
        # a path longer than its field shows its end; the whole of it is the field's tooltip
        for edit in (self.model_edit, self.sam_edit, self.output_edit, self.python_edit):
            edit.fileChanged.connect(lambda p, e=edit: e.setToolTip(p))
            if edit.filePath():
                edit.setToolTip(edit.filePath())
        self._update_enabled()

    def _update_enabled(self) -> None:
        local = self.local_radio.isChecked()
        self.model_edit.setEnabled(local)
        for w in (self.server_url_edit, self.server_model_combo, self.auth_select, self.concurrency_spin,
                  self.test_button):
            w.setEnabled(self.server_radio.isChecked())

    def values(self) -> rr_settings.PluginSettings:
        c = rr_settings.PluginSettings(**vars(self.cfg))
        c.backend = ("openai" if self.server_radio.isChecked() else
                     "replay" if self.replay_radio.isChecked() else "transformers")
        c.model = self.model_edit.filePath().strip() or DEFAULT_MODEL
        c.prompt = self.prompt()
        c.coordinates = self.coordinates_combo.currentData() or ""
        c.server_url = self.server_url_edit.text().strip()
        c.server_model = self.server_model_combo.currentText().strip()
        c.auth_cfg = self.auth_select.configId()
        c.concurrency = self.concurrency_spin.value()
        c.sam = self.sam_edit.filePath().strip()
        c.score_threshold = round(self.score_spin.value(), 2)
        c.device = self.device_combo.currentText().strip() or RUN_DEFAULTS.device
        c.dtype = self.dtype_combo.currentText()
        c.tile_size = self.tile_spin.value()
        c.overlap = self.overlap_spin.value()
        c.max_pixels = self.max_pixels_spin.value()
        c.output_dir = self.output_edit.filePath().strip()
        c.engine_python = self.python_edit.filePath().strip() or rr_settings.default_engine_python()
        return c

    def accept(self) -> None:
        c = self.values()
        if c.backend == "openai" and split_url(c.server_url).url != c.server_url:
            # QGIS settings are plain text: a user:password@ or ?api_key= typed into the URL would be stored as is.
            self.url_error.setText(self.tr(
                "This URL holds a credential (user:password@ or a key in the query). Settings are stored as plain "
                "text: remove it from the URL and add the key under API key (QGIS's authentication manager)."))
            self.url_error.setVisible(True)
            fit_height(self.url_error)
            self.server_url_edit.setFocus()
            return
        if not 0 <= c.overlap < c.tile_size // 2:
            self.overlap_error.setText(self.tr("The overlap must be less than half the tile size ({n} px).").format(
                n=c.tile_size // 2))
            self.overlap_error.setVisible(True)
            fit_height(self.overlap_error)
            self.overlap_spin.setFocus()
            return
        c.save()
        super().accept()

    def test_connection(self) -> list[str]:
        """Ask the server for its models; fill the model list; say what happened."""
        url = self.server_url_edit.text().strip()
        if not url:
            self._say(self.tr("Type the server URL first, e.g. http://gpu-server:8000/v1."))
            return []
        from inference_core.contract.openai_http import list_server_models  # stdlib; shipped with the plugin
        key = rr_settings.resolve_api_key(self.auth_select.configId())
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            models = list(list_server_models(url, key, 10.0))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self._say(self.tr("Connection failed: {reason}").format(reason=exc))
            return []
        finally:
            QApplication.restoreOverrideCursor()
        current = self.server_model_combo.currentText()
        self.server_model_combo.clear()
        self.server_model_combo.addItems(models)
        self.server_model_combo.setEditText(current if current in models or not models else models[0])
        self.server_models = models
        self._say(tr("Connected: %n model(s).", None, len(models)))
        return models
