"""The "Reason on extent" dock: pick a raster and an extent, ask a question, watch results arrive.

Live results: each `result` event's features (WKT) go into in-memory layers of the question's
group at once; when the run ends they are replaced by the run GeoPackage's layers (see
layers.LiveRun: reading the GeoPackage while the engine writes it would block on its lock).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Callable, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsMessageLog,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsMapLayerComboBox, QgsMapToolExtent, QgsRubberBand
from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtGui import QColor, QKeySequence
from qtpy.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QShortcut,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inference_core.contract.options import ANSWER_MODES
from inference_core.contract.protocol import ErrorCode
from inference_core.contract.schema import field_names

from .. import settings as rr_settings
from ..bridge.events import (
    CRITICAL,
    INFO,
    SUCCESS,
    WARNING,
    EndState,
    tally_text,
    counts_text,
    end_state,
    failure_state,
    progress_text,
)
from ..bridge.run_options import options_for_run
from ..bridge.run_paths import new_run_path, run_file_name
from ..bridge.strategy import extent_pixels
from ..i18n import tr
from .answer_panel import AnswerPanel
from .elide import elide_path
from .layers import ANSWERS, LiveRun, RunLayers, export_layers, result_rows
from .mode_choice import ModeHint
from .strategy_choice import StrategyChoice

LOG_TAG = "RemoteReasoner"
EXTENT_SOURCES = ("view", "layer", "drawn", "selection")


# The dock's Mode choice: (RunOptions.mode, label), in the combo's order; a mode is listed once it is wired.
def mode_items() -> list[tuple[str, str]]:
    return [("locate", tr("Locate: boxes, masks, contours")), ("ask", tr("Ask: an answer in text")),
            ("describe", tr("Describe: a caption of the area")),
            ("find-all", tr("Find all: every instance of a noun phrase (SAM 3)"))]


def transform_rect(rect: QgsRectangle, src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem,
                   project: Optional[QgsProject] = None) -> QgsRectangle:
    """The bounding box of `rect` reprojected from `src` to `dst` (edges densified by QGIS)."""
    if not src.isValid() or not dst.isValid() or src == dst:
        return QgsRectangle(rect)
    xform = QgsCoordinateTransform(src, dst, project or QgsProject.instance())
    return xform.transformBoundingBox(rect)


# What the user can do about each worker error code. Module-level, so i18n.tr (context "@default", where
# pylupdate5 files these strings), never a widget's self.tr (context: its class name).
def _action_for(code: str) -> str:
    return {
        ErrorCode.BAD_OPTIONS: tr("Check the settings."),
        ErrorCode.INPUT: tr("Check the raster and the extent."),
        ErrorCode.MODEL: tr("Check the model in the settings."),
        ErrorCode.OUT_OF_MEMORY: tr("Lower the tile size or max pixels, or choose the CPU, in the settings."),
        ErrorCode.SERVER: tr("Check the server URL and API key (Test connection in the settings)."),
        ErrorCode.BUSY: tr("Wait for the running analysis to finish."),
        ErrorCode.WORKER_DIED: tr("See the RemoteReasoner log tab; check the engine interpreter in the settings."),
    }.get(code, tr("See the RemoteReasoner log tab for details."))


PROGRESS_STYLE = ("QProgressBar { border: 1px solid palette(mid); border-radius: 2px; text-align: center; "
                  "background: palette(base); } QProgressBar::chunk { background-color: #9cc68f; }")
# The readiness line when the plugin is ready but not with a live model (recorded answers): a note, not an error.
NOTICE_STYLE = "color: #5a4a00; background: #fff4c2; border: 1px solid #e0c35c; border-radius: 2px; padding: 1px 4px;"
_QGIS_LEVEL = {SUCCESS: Qgis.MessageLevel.Success, WARNING: Qgis.MessageLevel.Warning, INFO: Qgis.MessageLevel.Info, CRITICAL: Qgis.MessageLevel.Critical}
# The end-of-run sentence's colour: the message bar's own for the level (success green, warning amber, error red).
_LEVEL_STYLE = {SUCCESS: "color: #2e7d32;", WARNING: "color: #9a6700; font-weight: bold;", INFO: "",
                CRITICAL: "color: #b00020; font-weight: bold;"}


class RemoteReasonerDock(QgsDockWidget):
    """The dock. Tests and scripts drive it through `start_run()`, `cancel_run()` and its signals."""

    runCompleted = Signal(dict)  # noqa: N815 - summary, after the layers are final
    runErrored = Signal(str, str)  # noqa: N815 - code, message

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("RemoteReasonerDock")
        self.setWindowTitle(self.tr("Reason on extent"))
        self.task = None
        self.run_layers: Optional[RunLayers] = None
        self.drawn_rect: Optional[QgsRectangle] = None  # in the canvas CRS at drawing time
        self.drawn_crs: Optional[QgsCoordinateReferenceSystem] = None
        self.last_message: tuple[str, str] = ("", "")  # (level name, text) of the last bar message
        self.end: Optional[EndState] = None  # how the last run ended
        self._run_question = ""
        self._run_mode = "locate"
        self._view_boxes: dict[int, int] = {}  # boxes per view of the last run (the dense-answer hint)
        self._out = ""  # the run GeoPackage
        self._granularity: tuple[str, ...] = ()
        self._readiness_action = ""  # what fixes the first readiness problem (see readiness.py)
        self.readiness_notice = ""
        self._map_tool: Optional[QgsMapToolExtent] = None
        self.rubber_band: Optional[QgsRubberBand] = None  # the drawn rectangle, on the map while it is the extent
        self._previous_tool = None
        self.live: Optional[LiveRun] = None
        self._build_ui()
        self._connect()
        self.refresh_readiness()

    # -- UI ----------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        body = QWidget(self)
        lay = QVBoxLayout(body)

        lay.addWidget(QLabel(self.tr("Raster layer")))
        self.layer_combo = QgsMapLayerComboBox(body)
        self.layer_combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        lay.addWidget(self.layer_combo)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Mode")))
        self.mode_combo = QComboBox(body)
        for mode, label in mode_items():
            self.mode_combo.addItem(label, mode)
        row.addWidget(self.mode_combo, 1)
        self.per_tile_check = QCheckBox(self.tr("One answer per tile"), body)
        self.per_tile_check.setToolTip(self.tr("Ask each tile at full resolution and map the answers on the tile "
                                               "footprints, instead of one view of the whole extent"))
        row.addWidget(self.per_tile_check)
        lay.addLayout(row)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Question")), 1)
        # the question history: a menu button, not a field that looks like part of the question
        self.history_button = QToolButton(body)
        self.history_button.setText(self.tr("Recent questions"))
        self.history_button.setIcon(QgsApplication.getThemeIcon("/mActionHistory.svg"))
        self.history_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_button.setToolTip(self.tr("Ask one of your recent questions again"))
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        row.addWidget(self.history_button)
        lay.addLayout(row)
        self.question_edit = QPlainTextEdit(body)
        self.question_edit.setPlaceholderText(self.tr("e.g. every tree crown in the clearing"))
        self.question_edit.setMaximumHeight(80)
        lay.addWidget(self.question_edit)
        self.mode_hint = ModeHint(body)  # find-all: a short noun phrase (and one to try); dense locate answers
        lay.addWidget(self.mode_hint)

        row = QHBoxLayout()
        self.check_boxes = QCheckBox(self.tr("Boxes"), body)
        self.check_masks = QCheckBox(self.tr("Masks"), body)
        self.check_contours = QCheckBox(self.tr("Contours"), body)
        self.check_boxes.setChecked(True)
        for w in (self.check_boxes, self.check_masks, self.check_contours):
            row.addWidget(w)
        lay.addLayout(row)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Extent")))
        self.extent_combo = QComboBox(body)
        self.extent_combo.addItem(self.tr("Current map view"), "view")
        self.extent_combo.addItem(self.tr("Whole layer"), "layer")
        self.extent_combo.addItem(self.tr("Rectangle drawn on the map"), "drawn")
        self.extent_combo.addItem(self.tr("Bounding box of selected features"), "selection")
        row.addWidget(self.extent_combo, 1)
        self.draw_button = QPushButton(self.tr("Draw…"), body)
        row.addWidget(self.draw_button)
        self.clear_drawn_button = QPushButton(self.tr("Clear"), body)
        self.clear_drawn_button.setToolTip(self.tr("Remove the rectangle drawn on the map"))
        self.clear_drawn_button.setEnabled(False)
        row.addWidget(self.clear_drawn_button)
        lay.addLayout(row)
        self.strategy_choice = StrategyChoice(body)  # Quick / Focused / Thorough and the calls it will make
        lay.addWidget(self.strategy_choice)

        self.readiness_label = QLabel(body)
        self.readiness_label.setWordWrap(True)
        self.readiness_label.setStyleSheet("color: #b00020;")
        self.settings_button = QPushButton(self.tr("Settings…"), body)
        lay.addWidget(self.readiness_label)
        lay.addWidget(self.settings_button)

        row = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Reason on extent"), body)
        self.run_button.setToolTip(self.tr("Ctrl+Enter"))
        self.cancel_button = QPushButton(self.tr("Cancel"), body)
        self.cancel_button.setEnabled(False)
        row.addWidget(self.run_button, 1)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)

        self.progress = QProgressBar(body)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("Idle"))
        # a quiet green bar with its text centred: the default (blue on some styles) reads like a button
        self.progress.setStyleSheet(PROGRESS_STYLE)
        lay.addWidget(self.progress)
        # How the last run ended (found N, answers unreadable, cancelled, failed: reason), in full and copyable.
        self.status_label = QLabel(body)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setVisible(False)
        lay.addWidget(self.status_label)
        self.tally_label = QLabel(body)  # the answer in numbers: how many targets, total and largest area
        self.tally_label.setWordWrap(True)
        self.tally_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.tally_label)
        self.output_label = QLabel(body)
        self.output_label.setWordWrap(True)
        lay.addWidget(self.output_label)

        self.answer_panel = AnswerPanel(body)  # Ask / Describe
        lay.addWidget(self.answer_panel)

        self.reasoning_box = QgsCollapsibleGroupBox(self.tr("Reasoning"), body)
        box_lay = QVBoxLayout(self.reasoning_box)
        self.reasoning_text = QPlainTextEdit(self.reasoning_box)
        self.reasoning_text.setReadOnly(True)
        self.reasoning_text.setMinimumHeight(3 * self.reasoning_text.fontMetrics().lineSpacing())  # never one blank line
        box_lay.addWidget(self.reasoning_text)
        lay.addWidget(self.reasoning_box)

        self.results_table = QTableWidget(0, 3, body)
        self.results_table.setHorizontalHeaderLabels([self.tr("Target"), self.tr("Label"), self.tr("Area (m²)")])
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results_table.horizontalHeader().setStretchLastSection(True)  # the area, when Label is hidden
        self.results_table.verticalHeader().setVisible(False)
        lay.addWidget(self.results_table, 1)
        self.results_note = QLabel(body)  # why some targets have no mask
        self.results_note.setWordWrap(True)
        self.results_note.setVisible(False)
        lay.addWidget(self.results_note)

        self.export_button = QPushButton(self.tr("Export…"), body)
        self.export_button.setEnabled(False)
        lay.addWidget(self.export_button)
        self.setWidget(body)
        saved = rr_settings.PluginSettings.load().mode
        if self.mode_combo.findData(saved) >= 0:
            self.set_mode(saved)
        self._show_mode()
        from .analyst import AnalystPanels  # compare, history, copy as command (ui/analyst.py)

        self.analyst = AnalystPanels(self, lay)

        for seq in (Qt.Modifier.CTRL | Qt.Key.Key_Return, Qt.Modifier.CTRL | Qt.Key.Key_Enter):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.start_run)
        self._reload_history()

    def _connect(self) -> None:
        self.run_button.clicked.connect(lambda: self.start_run())
        self.cancel_button.clicked.connect(self.cancel_run)
        self.settings_button.clicked.connect(self.fix_readiness)
        self.draw_button.clicked.connect(self.start_drawing)
        self.clear_drawn_button.clicked.connect(self.clear_drawn_extent)
        self.extent_combo.currentIndexChanged.connect(lambda _i: self._show_drawn())
        self.mode_combo.currentIndexChanged.connect(lambda _i: (self._show_mode(), self._save_mode(),
                                                                self.refresh_readiness(), self._question_hint()))
        self.question_edit.textChanged.connect(self._question_hint)
        # bound methods, not lambdas: the canvas outlives the dock, and shutdown() disconnects them
        for signal in (self.extent_combo.currentIndexChanged, self.strategy_choice.combo.currentIndexChanged,
                       self.layer_combo.layerChanged, self.iface.mapCanvas().extentsChanged):
            signal.connect(self.update_estimate)
        self.iface.mapCanvas().destinationCrsChanged.connect(self._show_drawn)
        self.export_button.clicked.connect(self.export_dialog)
        self.results_table.cellClicked.connect(lambda r, _c: self.zoom_to_row(r))
        for w in (self.check_boxes, self.check_masks, self.check_contours):
            w.toggled.connect(self.refresh_readiness)
        self.iface.currentLayerChanged.connect(self.follow_layer)
        QgsProject.instance().cleared.connect(self._project_cleared)
        self.follow_layer(self.iface.activeLayer())
        self._question_hint()

    def _reload_history(self) -> None:
        self.history_menu.clear()
        history = rr_settings.load_history()
        for q in history:
            action = self.history_menu.addAction(q if len(q) < 70 else q[:69] + "…")
            action.setToolTip(q)
            action.triggered.connect(lambda _checked=False, q=q: self.choose_history(q))
        self.history_button.setEnabled(bool(history))

    def history(self) -> list[str]:
        """The questions the history menu offers, most recent first (as shown)."""
        return [a.text() for a in self.history_menu.actions()]

    def choose_history(self, question: str) -> None:
        self.question_edit.setPlainText(question)

    # -- state -------------------------------------------------------------------------------
    def follow_layer(self, layer) -> None:
        """The chooser follows the active layer when it is a raster."""
        if isinstance(layer, QgsRasterLayer):
            self.layer_combo.setLayer(layer)

    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def set_mode(self, mode: str) -> None:
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))

    def _save_mode(self) -> None:
        """The dock reopens in the last mode (setting `mode`; runs take the mode from the dock, never from it)."""
        cfg = rr_settings.PluginSettings.load()
        cfg.mode = self.mode()
        cfg.save()

    def _question_hint(self) -> str:
        return self.mode_hint.question_hint(self.mode(), self.question_edit.toPlainText())

    def _show_mode(self) -> None:
        """Locate shows the granularity and the results table; Ask and Describe the answer panel."""
        answers = self.mode() in ANSWER_MODES
        for w in (self.check_boxes, self.check_masks, self.check_contours, self.results_table, self.reasoning_box,
                  self.strategy_choice, self.tally_label):
            w.setVisible(not answers)
        self.results_note.setVisible(False if answers else bool(self.results_note.text()))
        self.per_tile_check.setVisible(answers)
        self.answer_panel.setVisible(answers)
        self.question_edit.setPlaceholderText({
            "ask": self.tr("e.g. How many ships are in the harbour?"),
            "describe": self.tr("No question needed: the model describes the area"),
        }.get(self.mode(), self.tr("e.g. every tree crown in the clearing")))

    def run_granularity(self) -> tuple[str, ...]:
        """The granularity a run asks for: the ticked boxes for Locate; Ask and Describe need no SAM."""
        return self.granularity() if self.mode() not in ANSWER_MODES else ("boxes",)

    def granularity(self) -> tuple[str, ...]:
        return tuple(n for n, w in (("boxes", self.check_boxes), ("masks", self.check_masks),
                                    ("contours", self.check_contours)) if w.isChecked())

    def set_granularity(self, names) -> None:
        for n, w in (("boxes", self.check_boxes), ("masks", self.check_masks), ("contours", self.check_contours)):
            w.setChecked(n in names)

    def set_extent_source(self, source: str) -> None:
        self.extent_combo.setCurrentIndex(EXTENT_SOURCES.index(source))

    def readiness(self) -> list[str]:
        """Every problem that blocks a run ([] = ready); remembers the action that fixes the first."""
        from ..bridge.readiness import check_readiness

        # readiness of the dock's mode: find-all needs SAM 3 only
        state = check_readiness(dataclasses.replace(rr_settings.PluginSettings.load(), mode=self.mode()),
                                self.run_granularity())
        self._readiness_action = state.action
        self.readiness_notice = state.notice  # ready, but recorded answers: said, with the Models tab offered
        return list(state.problems)

    def refresh_readiness(self) -> list[str]:
        problems = self.readiness()
        self.readiness_label.setText("\n".join(problems) or self.readiness_notice)
        self.readiness_label.setStyleSheet("color: #b00020;" if problems else NOTICE_STYLE)
        self.readiness_label.setVisible(bool(problems or self.readiness_notice))
        self.settings_button.setVisible(bool(problems or self.readiness_notice))
        self.settings_button.setText(self.tr("Get a real model (Models tab)…") if not problems else {
            "setup_engine": self.tr("Set up engine…"), "models": self.tr("Models…"),
        }.get(self._readiness_action, self.tr("Settings…")))
        self.run_button.setEnabled(not problems and self.task is None)
        return problems

    def running(self) -> bool:
        return self.task is not None

    def update_estimate(self, *_signal_args) -> str:
        """The model calls the chosen strategy will make over the chosen extent, shown beside the choice."""
        layer = self.layer_combo.currentLayer()
        size = None
        if isinstance(layer, QgsRasterLayer) and layer.isValid():
            extent, why = self.requested_extent(layer)
            if not why:
                size = extent_pixels(layer, extent)
        return self.strategy_choice.update_estimate(size, rr_settings.PluginSettings.load())

    # -- extent ------------------------------------------------------------------------------
    def start_drawing(self) -> None:
        canvas = self.iface.mapCanvas()
        self._map_tool = QgsMapToolExtent(canvas)
        self._map_tool.extentChanged.connect(self._extent_drawn)
        self._previous_tool = canvas.mapTool()
        canvas.setMapTool(self._map_tool)
        self.set_extent_source("drawn")

    def _extent_drawn(self, rect: QgsRectangle) -> None:
        canvas = self.iface.mapCanvas()
        self.set_drawn_extent(rect, canvas.mapSettings().destinationCrs())
        if self._previous_tool is not None:
            canvas.setMapTool(self._previous_tool)
        else:
            canvas.unsetMapTool(self._map_tool)

    def set_drawn_extent(self, rect: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> None:
        self.drawn_rect, self.drawn_crs = QgsRectangle(rect), QgsCoordinateReferenceSystem(crs)
        self.set_extent_source("drawn")
        self._show_drawn()
        self.update_estimate()

    def clear_drawn_extent(self) -> None:
        """Forget the drawn rectangle and take it off the map."""
        self.drawn_rect = self.drawn_crs = None
        self._show_drawn()

    def _show_drawn(self) -> None:
        """The drawn rectangle stays on the map while it is the run's extent (a rubber band, since the
        drawing tool's own disappears with the tool); hidden when another extent source is chosen."""
        canvas = self.iface.mapCanvas()
        shown = self.extent_combo.currentData() == "drawn" and self.drawn_rect is not None \
            and not self.drawn_rect.isEmpty()
        self.clear_drawn_button.setEnabled(self.drawn_rect is not None)
        if not shown:
            if self.rubber_band is not None:
                self.rubber_band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
                self.rubber_band.hide()
            return
        if self.rubber_band is None:
            self.rubber_band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
            self.rubber_band.setStrokeColor(QColor(230, 0, 120, 220))
            self.rubber_band.setFillColor(QColor(230, 0, 120, 30))
            self.rubber_band.setWidth(2)
        self.rubber_band.setToGeometry(QgsGeometry.fromRect(self.drawn_rect), self.drawn_crs)
        self.rubber_band.show()

    def drawn_visible(self) -> bool:
        return self.rubber_band is not None and self.rubber_band.isVisible() and self.rubber_band.numberOfVertices() > 0

    def requested_extent(self, layer: QgsRasterLayer) -> tuple[Optional[QgsRectangle], str]:
        """The extent in the raster CRS (None = whole layer) and, on failure, a message saying why."""
        source = self.extent_combo.currentData()
        raster_crs = layer.crs()
        if source == "layer":
            return None, ""
        if source == "view":
            canvas = self.iface.mapCanvas()
            rect = transform_rect(canvas.extent(), canvas.mapSettings().destinationCrs(), raster_crs)
        elif source == "drawn":
            if self.drawn_rect is None or self.drawn_rect.isEmpty():
                return None, self.tr("No rectangle drawn: press Draw… and drag a rectangle on the map.")
            rect = transform_rect(self.drawn_rect, self.drawn_crs, raster_crs)
        else:
            vector = self.iface.activeLayer()
            if not isinstance(vector, QgsVectorLayer) or vector.selectedFeatureCount() == 0:
                return None, self.tr("No selected features: select features in the active vector layer.")
            rect = transform_rect(vector.boundingBoxOfSelected(), vector.crs(), raster_crs)
            if rect.isEmpty():  # a single selected point: grow it by one pixel so it has an area
                rect.grow(max(layer.rasterUnitsPerPixelX(), 1e-9))
        if not rect.intersects(layer.extent()):
            return None, self.tr("The extent does not overlap the raster {name}.").format(name=layer.name())
        return rect.intersect(layer.extent()), ""

    # -- run ---------------------------------------------------------------------------------
    def start_run(self, question: Optional[str] = None):
        """Start a run with the dock's current choices; returns the task, or None (reason shown)."""
        from ..bridge.tasks.reason import ReasonTask

        if self.task is not None:
            return None
        if question is not None:
            self.question_edit.setPlainText(question)
        question = self.question_edit.toPlainText().strip()
        layer = self.layer_combo.currentLayer()
        mode = self.mode()
        if not question and mode != "describe":
            return self._refuse(self.tr("Type a question first, e.g. “the tree crowns”."))
        if not isinstance(layer, QgsRasterLayer):
            return self._refuse(self.tr("Choose a raster layer to reason on."))
        path = layer.source()
        if layer.providerType() != "gdal" or not os.path.isfile(path):
            return self._refuse(self.tr("{name} is not a raster file; save it as a GeoTIFF first.").format(name=layer.name()))
        granularity = self.run_granularity()
        if not granularity:
            return self._refuse(self.tr("Tick at least one of Boxes, Masks, Contours."))
        problems = self.refresh_readiness()
        if problems:
            return self._refuse(problems[0], settings=True)
        extent, why = self.requested_extent(layer)
        if why:
            return self._refuse(why)
        cfg = rr_settings.PluginSettings.load()
        folder, temporary = rr_settings.output_dir(cfg)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            return self._refuse(self.tr("Cannot create the output folder {path}: {reason}").format(path=folder, reason=exc.strerror), settings=True)
        title = question or self.tr("Describe")  # a caption run's group and file are named for the mode
        out = new_run_path(folder, title)
        api_key = rr_settings.resolve_api_key(cfg.auth_cfg) if cfg.backend == "openai" else None
        try:
            extra = {"mode": mode, "per_tile": self.per_tile_check.isChecked()} if mode in ANSWER_MODES else {"mode": mode}
            options = options_for_run(cfg, path, question, granularity, extent, out, api_key, **extra)
        except ValueError as exc:  # OptionsError
            return self._refuse(str(exc), settings=True)

        if question:
            rr_settings.add_to_history(question)
            self._reload_history()
        self._run_question = title
        self._view_boxes = {}  # boxes per view of this run, for the dense-answer hint
        self._run_mode = mode
        self.run_layers = None
        self.live = LiveRun(title, (ANSWERS,) if mode in ANSWER_MODES else granularity)
        self.reasoning_text.clear()
        self.answer_panel.clear()
        self.results_table.setRowCount(0)
        self.export_button.setEnabled(False)
        self.end = None
        self.status_label.clear()
        self.status_label.setVisible(False)
        self.tally_label.clear()
        self.output_label.setText(
            (self.tr("Results go to a temporary folder (set an output folder in the settings to keep them): {path}")
             if temporary else self.tr("Results: {path}")).format(path=elide_path(out, 60)))
        self.output_label.setToolTip(out)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Starting the engine…"))

        task = ReasonTask(options, cfg.engine_python, self.tr("RemoteReasoner: {q}").format(q=question[:60]))
        task.progressEvent.connect(self._on_progress)
        task.resultEvent.connect(self._on_result)
        task.reasoningEvent.connect(self._on_reasoning)
        task.answerEvent.connect(self._on_answer)
        task.warningEvent.connect(self._on_warning)
        task.runFinished.connect(self._on_finished)
        task.runFailed.connect(self._on_failed)
        self.task = task
        self._out = out
        self._granularity = granularity
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_run(self) -> None:
        if self.task is not None:
            self.progress.setFormat(self.tr("Cancelling after the current view…"))
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    def _project_cleared(self) -> None:
        # The layers of the run are gone with the project: stop the run, forget the layers.
        self.cancel_run()
        self.clear_drawn_extent()
        self.run_layers = None
        self.live = None  # its layers went with the project; the results stay in the file
        self.results_table.setRowCount(0)
        self.export_button.setEnabled(False)

    # -- events (main thread) ----------------------------------------------------------------
    def _on_progress(self, ev: dict) -> None:
        tiles, tile = int(ev.get("tiles") or 0), int(ev.get("tile") or 0)
        eta = ev.get("eta_s")
        self.progress.setRange(0, max(tiles, 1))
        self.progress.setValue(min(tile, max(tiles, 1)))
        text = progress_text(ev)
        if eta is not None:
            text += " · " + self.tr("ETA {s} s").format(s=int(round(float(eta))))
        self.progress.setFormat(text)

    def _on_result(self, ev: dict) -> None:
        if self.live is not None:
            self.live.add(ev)
        self._view_boxes[int(ev.get("tile_id") or 0)] = len((ev.get("features") or {}).get("boxes") or [])

    def _on_reasoning(self, ev: dict) -> None:
        text = str(ev.get("text") or "").strip()
        if text:
            view = int(ev.get("tile_id") or 0) + 1  # the engine's tile ids count from 0
            self.reasoning_text.appendPlainText(self.tr("View {i}:").format(i=view) + "\n" + text + "\n")

    def _on_answer(self, ev: dict) -> None:
        """A view's answer: in the panel, and its footprint on the map (the `answers` layer's fields)."""
        self.answer_panel.add(ev)
        if self.live is not None:
            props = {k: ev.get(k) for k in field_names(ANSWERS) if k in ev}
            self.live.add({"run_id": ev.get("run_id"), "crs": ev.get("crs"),
                           "features": {ANSWERS: [{"wkt": ev.get("wkt", ""), "properties": props}]}})

    def _on_warning(self, message: str) -> None:
        QgsMessageLog.logMessage(message, LOG_TAG, Qgis.MessageLevel.Warning)

    def _final_layers(self, summary: Optional[dict] = None) -> None:
        """The run is over (the engine no longer writes): show the GeoPackage's layers."""
        live, self.live = self.live, None
        if live is not None:
            out = (summary or {}).get("out") or self._out
            self.run_layers = live.finish(out, (summary or {}).get("run_id"))
            self.analyst.run_ready(self.run_layers)

    def _on_finished(self, summary: dict) -> None:
        self.task = None
        self._final_layers(summary)
        end = end_state(summary, self._granularity)
        self._show_end(end, full=summary.get("status") == "finished")
        if summary.get("status") == "finished":
            self.mode_hint.dense_hint(self._run_mode, self._view_boxes, self._run_question)
        if self._run_mode in ANSWER_MODES:
            self.answer_panel.finish(summary)
        else:
            self.tally_label.setText(tally_text(summary))
        self.fill_results()
        self.cancel_button.setEnabled(False)
        self.refresh_readiness()
        self._message(end.text, _QGIS_LEVEL[end.level], after_task=lambda: self.runCompleted.emit(summary))

    def _on_failed(self, code: str, message: str, details: str) -> None:
        self.task = None
        self._final_layers()
        end = failure_state(message)
        self._show_end(end)
        if self._run_mode in ANSWER_MODES:
            self.answer_panel.finish({})
        QgsMessageLog.logMessage(f"[{code}] {message}\n{details}".rstrip(), LOG_TAG, Qgis.MessageLevel.Critical)
        action = _action_for(code)
        self.fill_results()
        self.cancel_button.setEnabled(False)
        self.refresh_readiness()
        self._message(f"{end.text} {action}", Qgis.MessageLevel.Critical, settings=code not in (ErrorCode.INPUT, ErrorCode.BUSY),
                      after_task=lambda: self.runErrored.emit(code, message))

    def _show_end(self, end: EndState, full: bool = False) -> None:
        """The progress bar's word and the dock's sentence for how the run ended; the output line names the
        GeoPackage only when the engine wrote it."""
        self.end = end
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if full else 0)
        self.progress.setFormat(end.short)
        self.status_label.setText(end.text)
        self.status_label.setStyleSheet(_LEVEL_STYLE[end.level])
        self.status_label.setVisible(True)
        if not os.path.isfile(self._out):
            self.output_label.clear()
            self.output_label.setToolTip("")

    # -- results -----------------------------------------------------------------------------
    def fill_results(self) -> None:
        """One row per target: its label (the column is hidden when the model gave none), and the mask's area
        where SAM made one, else the box's; the header says which, the note says why masks are missing."""
        self._rows = result_rows(self.run_layers) if self.run_layers else []
        rows = self._rows
        masks_asked = bool(self.run_layers) and "masks" in self.run_layers.granularity
        self.results_table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, value in enumerate((str(row.target_id), row.label, f"{row.area:.1f}")):
                item = QTableWidgetItem(value)
                if j != 1:
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                if j == 2 and masks_asked and not row.has_mask:
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip(self.tr("Box area: SAM found no mask for this target."))
                self.results_table.setItem(i, j, item)
        self.results_table.setColumnHidden(1, not any(r.label for r in rows))
        with_mask = sum(1 for r in rows if r.has_mask)
        if rows and with_mask == len(rows):
            header = self.tr("Mask area (m²)")
        elif with_mask:
            header = self.tr("Area (m²): mask, else box (italic)")
        else:
            header = self.tr("Box area (m²)")
        self.results_table.horizontalHeaderItem(2).setText(header)
        note = ""
        if masks_asked and rows and with_mask < len(rows):
            found = counts_text({"boxes": len(rows), "masks": with_mask})
            note = tr("{found}: %n box(es) had no mask (SAM found nothing).", None, len(rows) - with_mask).format(
                found=found)
        self.results_note.setText(note)
        self.results_note.setVisible(bool(note))
        self.export_button.setEnabled(bool(self.run_layers and self.run_layers.layers))

    def zoom_to_row(self, index: int) -> Optional[QgsRectangle]:
        """Zoom the map to a result (with a margin) and flash it; returns the new canvas extent."""
        if not self.run_layers or not 0 <= index < len(self._rows):
            return None
        row = self._rows[index]
        layer = self.run_layers.layers[row.layer_name]
        feature = layer.getFeature(row.fid)
        geom = QgsGeometry(feature.geometry())
        canvas = self.iface.mapCanvas()
        rect = transform_rect(geom.boundingBox(), layer.crs(), canvas.mapSettings().destinationCrs())
        rect.scale(3.0)  # show the target with its surroundings
        canvas.setExtent(rect)
        canvas.refresh()
        canvas.flashFeatureIds(layer, [row.fid])
        return canvas.extent()

    def export_dialog(self) -> list[str]:
        if not self.run_layers:
            return []
        filters = {self.tr("GeoPackage (*.gpkg)"): "gpkg", self.tr("ESRI Shapefile (*.shp)"): "shp",
                   self.tr("GeoJSON (*.geojson)"): "geojson"}
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export results"), self.export_suggestion(),
                                                   ";;".join(filters))
        if not path:
            return []
        return self.export_to(filters.get(chosen, "gpkg"), path)

    def export_suggestion(self) -> str:
        """Where Export… proposes to write: beside the run's GeoPackage, named after the question."""
        folder = os.path.dirname(self.run_layers.gpkg) if self.run_layers and self.run_layers.gpkg else ""
        slug = run_file_name(self._run_question or (self.run_layers.question if self.run_layers else ""))
        name = slug.split("_", 1)[1][:-len(".gpkg")]  # the question's part of the run file name
        return os.path.join(folder or os.path.expanduser("~"), f"{name}_export.gpkg")

    def export_to(self, fmt: str, path: str) -> list[str]:
        from .layers import ExportError

        try:
            written = export_layers(self.run_layers.layers, fmt, path)
        except ExportError as exc:
            self._message(str(exc), Qgis.MessageLevel.Critical)
            return []
        self._message(tr("Exported %n file(s): {files}", None, len(written)).format(files=", ".join(written)), Qgis.MessageLevel.Success)
        return written

    # -- messages ----------------------------------------------------------------------------
    def _message(self, text: str, level, settings: bool = False, after_task: Optional[Callable[[], None]] = None) -> None:
        """The message bar. With `after_task` (the end of a run) the message is pushed once the task manager has
        finished with the task, so QGIS's own "Task complete" notice (pushed to the bar where the desktop has
        no notifications) lands below it, not on top; then `after_task` runs."""
        names = {Qgis.MessageLevel.Info: "info", Qgis.MessageLevel.Warning: "warning", Qgis.MessageLevel.Critical: "critical", Qgis.MessageLevel.Success: "success"}
        self.last_message = (names.get(level, "info"), text)
        if after_task is not None:
            QTimer.singleShot(0, lambda: (self._push(text, level, settings), after_task()))
        else:
            self._push(text, level, settings)

    def _push(self, text: str, level, settings: bool) -> None:
        bar = self.iface.messageBar()
        if settings:
            widget = bar.createMessage("RemoteReasoner", text)
            button = QPushButton(self.tr("Settings…"), widget)
            button.clicked.connect(self.open_settings)
            widget.layout().addWidget(button)
            bar.pushWidget(widget, level, 0)
        else:
            bar.pushMessage("RemoteReasoner", text, level, 8 if level != Qgis.MessageLevel.Critical else 0)

    def _refuse(self, text: str, settings: bool = False):
        self._message(text, Qgis.MessageLevel.Warning, settings=settings)
        return None

    def fix_readiness(self) -> None:
        """The button beside a readiness message: opens what fixes the first problem."""
        if self._readiness_action in ("setup_engine", "models"):
            from .setup_dialog import SetupDialog

            dlg = SetupDialog(self.iface.mainWindow(), tab="engine" if self._readiness_action == "setup_engine" else "models")
            dlg.exec()
            self.refresh_readiness()
        else:
            self.open_settings()

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.iface.mainWindow())
        if dlg.exec():
            self.refresh_readiness()

    def shutdown(self) -> None:
        """Unload/quit: cancel the run and drop signal connections to objects that outlive us."""
        self.cancel_run()
        if self.rubber_band is not None:
            self.iface.mapCanvas().scene().removeItem(self.rubber_band)
            self.rubber_band = None
        for sig, slot in ((self.iface.currentLayerChanged, self.follow_layer),
                          (QgsProject.instance().cleared, self._project_cleared),
                          (self.iface.mapCanvas().destinationCrsChanged, self._show_drawn),
                          (self.iface.mapCanvas().extentsChanged, self.update_estimate)):
            try:
                sig.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
