"""The dock's question: the raster, the mode, the question (and recent ones), what to find, the extent and the
strategy; it says what a run would be asked, never starts one."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication, QgsMapLayerProxyModel, QgsRasterLayer
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QMenu, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from inference_core.contract.options import ANSWER_MODES, CHANGE_MODES

from .. import settings as rr_settings
from ..bridge.strategy import extent_pixels
from ..i18n import tr
from .compare_choice import CompareChoice
from .extent_choice import ExtentChoice
from .mode_choice import ModeHint
from .score_threshold import ScoreThreshold
from .strategy_choice import StrategyChoice
from .screen_fit import narrow_combo


# The Mode choice: (RunOptions.mode, label), in the combo's order; a mode is listed once it is wired.
def mode_items() -> list[tuple[str, str]]:
    return [("locate", tr("Locate: boxes, masks, contours")), ("ask", tr("Ask: an answer in text")),
            ("describe", tr("Describe: a caption of the area")),
            ("find-all", tr("Find all: every instance of a noun phrase (SAM 3)"))]


class QuestionPanel(QWidget):
    """The choices of the next run; `extent` is the Extent row (ui/extent_choice.py)."""

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr("Raster layer")))
        self.layer_combo = QgsMapLayerComboBox(self)
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        lay.addWidget(self.layer_combo)
        self.compare = CompareChoice(self)  # a second date: a change run (locate, find-all)
        lay.addWidget(self.compare)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Mode")))
        self.mode_combo = QComboBox(self)
        narrow_combo(self.mode_combo)  # a long choice never widens the dock (ui/screen_fit.py)
        for mode, label in mode_items():
            self.mode_combo.addItem(label, mode)
        row.addWidget(self.mode_combo, 1)
        self.per_tile_check = QCheckBox(self.tr("One answer per tile"), self)
        self.per_tile_check.setToolTip(self.tr("Ask each tile at full resolution and map the answers on the tile "
                                               "footprints, instead of one view of the whole extent"))
        row.addWidget(self.per_tile_check)
        lay.addLayout(row)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Question")), 1)
        # the question history: a menu button, not a field that looks like part of the question
        self.history_button = QToolButton(self)
        self.history_button.setText(self.tr("Recent questions"))
        self.history_button.setIcon(QgsApplication.getThemeIcon("/mActionHistory.svg"))
        self.history_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_button.setToolTip(self.tr("Ask one of your recent questions again"))
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        row.addWidget(self.history_button)
        lay.addLayout(row)
        self.question_edit = QPlainTextEdit(self)
        self.question_edit.setMaximumHeight(80)
        lay.addWidget(self.question_edit)
        self.mode_hint = ModeHint(self)  # find-all: a short noun phrase (and one to try); dense locate answers
        lay.addWidget(self.mode_hint)

        row = QHBoxLayout()
        self.check_boxes = QCheckBox(self.tr("Boxes"), self)
        self.check_masks = QCheckBox(self.tr("Masks"), self)
        self.check_contours = QCheckBox(self.tr("Contours"), self)
        self.check_boxes.setChecked(True)
        for w in (self.check_boxes, self.check_masks, self.check_contours):
            row.addWidget(w)
        lay.addLayout(row)
        self.extent = ExtentChoice(iface, self)
        lay.addWidget(self.extent)
        self.strategy_choice = StrategyChoice(self)  # Quick / Focused / Thorough and the calls it will make
        lay.addWidget(self.strategy_choice)
        self.score_threshold = ScoreThreshold(self)  # find-all: SAM 3's instances kept above it
        lay.addWidget(self.score_threshold)

        saved = rr_settings.PluginSettings.load().mode
        if self.mode_combo.findData(saved) >= 0:
            self.set_mode(saved)
        self.mode_combo.currentIndexChanged.connect(lambda _i: (self._save_mode(), self.show_mode(), self.question_hint()))
        self.question_edit.textChanged.connect(self.question_hint)
        for signal in (self.extent.changed, self.strategy_choice.combo.currentIndexChanged,
                       self.layer_combo.layerChanged):
            signal.connect(self.update_estimate)
        self.show_mode()
        self.reload_history()

    # -- the choices ---------------------------------------------------------------------------
    def question(self) -> str:
        return self.question_edit.toPlainText().strip()

    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def set_mode(self, mode: str) -> None:
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))

    def _save_mode(self) -> None:
        """The dock reopens in the last mode (setting `mode`; runs take the mode from the dock, never from it)."""
        cfg = rr_settings.PluginSettings.load()
        cfg.mode = self.mode()
        cfg.save()

    def granularity(self) -> tuple[str, ...]:
        return tuple(n for n, w in (("boxes", self.check_boxes), ("masks", self.check_masks),
                                    ("contours", self.check_contours)) if w.isChecked())

    def set_granularity(self, names) -> None:
        for n, w in (("boxes", self.check_boxes), ("masks", self.check_masks), ("contours", self.check_contours)):
            w.setChecked(n in names)

    def run_granularity(self) -> tuple[str, ...]:
        """The granularity a run asks for: the ticked boxes for Locate; Ask and Describe need no SAM."""
        return self.granularity() if self.mode() not in ANSWER_MODES else ("boxes",)

    def compare_layer(self) -> Optional[QgsRasterLayer]:
        """The second date of a change run, when one is chosen (Ask / Describe: experimental, both in one turn)."""
        return self.compare.layer()

    def question_hint(self) -> str:
        return self.mode_hint.question_hint(self.mode(), self.question_edit.toPlainText())

    def show_mode(self) -> None:
        """Locate shows what to find and the strategy; Ask and Describe the per-tile choice."""
        answers = self.mode() in ANSWER_MODES
        for w in (self.check_boxes, self.check_masks, self.check_contours, self.strategy_choice):
            w.setVisible(not answers)
        self.per_tile_check.setVisible(answers)
        self.score_threshold.setVisible(self.mode() == "find-all")
        self.compare.show_for(self.mode() not in CHANGE_MODES)
        self.question_edit.setPlaceholderText({
            "ask": self.tr("e.g. How many ships are in the harbour?"),
            "describe": self.tr("No question needed: the model describes the area"),
        }.get(self.mode(), self.tr("e.g. every tree crown in the clearing")))

    def follow_layer(self, layer) -> None:
        """The chooser follows the active layer when it is a raster."""
        if isinstance(layer, QgsRasterLayer):
            self.layer_combo.setLayer(layer)

    def update_estimate(self, *_signal_args) -> str:
        """The model calls the chosen strategy will make over the chosen extent, shown beside the choice."""
        layer = self.layer_combo.currentLayer()
        size = None
        if isinstance(layer, QgsRasterLayer) and layer.isValid():
            extent, why = self.extent.requested_extent(layer)
            if not why:
                size = extent_pixels(layer, extent)
        return self.strategy_choice.update_estimate(size, rr_settings.PluginSettings.load())

    # -- recent questions ----------------------------------------------------------------------
    def reload_history(self) -> None:
        self.history_menu.clear()
        history = rr_settings.load_history()
        for q in history:
            action = self.history_menu.addAction(q if len(q) < 70 else q[:69] + "…")
            action.setToolTip(q)
            action.triggered.connect(lambda _checked=False, q=q: self.question_edit.setPlainText(q))
        self.history_button.setEnabled(bool(history))

    def history(self) -> list[str]:
        """The questions the history menu offers, most recent first (as shown)."""
        return [a.text() for a in self.history_menu.actions()]
