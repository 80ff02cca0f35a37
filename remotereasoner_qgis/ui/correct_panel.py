"""The dock's "Correct results" panel: pick a result feature and click points on the map (SAM re-segments it
with the points plus its box, from the run's cached embedding), undo, add a missed object by drawing a box,
delete a false one. The GeoPackage is changed by the engine (`correct` request); the layers reload it."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication, QgsRectangle
from qgis.gui import QgsMapToolExtent
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import settings as rr_settings
from ..bridge.events import number_text, tally_text
from .correct_tool import PointPromptTool
from .extent_choice import transform_rect


class CorrectPanel(QWidget):
    """Tests drive it through `start_points()`, the tool's clicks, `undo()`, `delete_selected()`, `add_box()`
    and `correctionDone`."""

    correctionDone = pyqtSignal(object, str)  # noqa: N815 - the engine's result dict or None, error message

    def __init__(self, dock, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.dock = dock
        self.run_layers = None
        self.task = None
        self.tool: Optional[PointPromptTool] = None
        self.box_tool: Optional[QgsMapToolExtent] = None
        self.target: Optional[int] = None
        self.points: list[tuple[float, float, int]] = []
        self._queued = False
        lay = QVBoxLayout(self)
        hint = QLabel(self.tr("Select a result on the map, press Points, then click: left = part of the object, "
                              "right = background."), self)
        hint.setWordWrap(True)
        lay.addWidget(hint)
        row = QHBoxLayout()
        self.points_button = QPushButton(self.tr("Points"), self)
        self.points_button.setCheckable(True)
        self.undo_button = QPushButton(self.tr("Undo"), self)
        self.add_button = QPushButton(self.tr("Add object…"), self)
        self.add_button.setToolTip(self.tr("Draw a box around a missed object"))
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.setToolTip(self.tr("Delete the selected (false) result"))
        for b in (self.points_button, self.undo_button, self.add_button, self.delete_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        self.points_button.toggled.connect(lambda on: self.start_points() if on else self.stop_points())
        self.undo_button.clicked.connect(lambda: self.undo())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.add_button.clicked.connect(lambda: self.draw_box())

    # -- what is corrected ---------------------------------------------------------------------
    def set_run(self, run_layers) -> None:
        self.stop_points()
        self.run_layers = run_layers

    def _result_layer(self):
        if not self.run_layers:
            return None
        return self.run_layers.layers.get("masks") or self.run_layers.layers.get("boxes")

    def selected_target(self) -> Optional[int]:
        """The target_id of the selected feature of the run's masks (else boxes) layer."""
        if not self.run_layers:
            return None
        for name in ("masks", "boxes", "contours"):
            layer = self.run_layers.layers.get(name)
            if layer is not None and layer.selectedFeatureCount():
                return int(layer.selectedFeatures()[0]["target_id"])
        return None

    # -- points --------------------------------------------------------------------------------
    def start_points(self):
        target = self.selected_target()
        layer = self._result_layer()
        if target is None or layer is None:
            self.points_button.setChecked(False)
            return self._say(self.tr("Select one result of the run first."))
        self.target, self.points = target, []
        canvas = self.dock.iface.mapCanvas()
        self.tool = PointPromptTool(canvas, layer)
        self.tool.pointAdded.connect(self.add_point)
        canvas.setMapTool(self.tool)
        self.points_button.setChecked(True)
        self._say(self.tr("Target #{id}: click on the map.").format(id=target))
        return self.tool

    def stop_points(self) -> None:
        if self.tool is not None:
            canvas = self.dock.iface.mapCanvas()
            if canvas.mapTool() is self.tool:
                canvas.unsetMapTool(self.tool)
            self.tool.clear_markers()
            self.tool = None
        self.points = []
        if self.points_button.isChecked():
            self.points_button.setChecked(False)

    def add_point(self, x: float, y: float, label: int) -> None:
        """A click: the object is re-segmented with every point so far (the latest request wins)."""
        self.points.append((x, y, label))
        self._send({"action": "refine", "target_id": self.target, "points": [list(p) for p in self.points]})

    # -- other edits ---------------------------------------------------------------------------
    def undo(self):
        return self._send({"action": "undo"})

    def delete_selected(self):
        target = self.selected_target()
        if target is None:
            return self._say(self.tr("Select the result to delete first."))
        self.stop_points()
        return self._send({"action": "delete", "target_id": target})

    def draw_box(self) -> None:
        canvas = self.dock.iface.mapCanvas()
        self.box_tool = QgsMapToolExtent(canvas)
        self.box_tool.extentChanged.connect(self._box_drawn)
        canvas.setMapTool(self.box_tool)

    def _box_drawn(self, rect: QgsRectangle) -> None:
        canvas = self.dock.iface.mapCanvas()
        layer = self._result_layer()
        if layer is None or rect.isEmpty():
            return
        box = transform_rect(rect, canvas.mapSettings().destinationCrs(), layer.crs())
        if box is not None:  # a rectangle PROJ cannot reproject adds nothing (and raises no error dialog)
            self.add_box(box)
        canvas.unsetMapTool(self.box_tool)

    def add_box(self, rect: QgsRectangle):
        """A missed object from a box in the result layer's CRS."""
        return self._send({"action": "add", "box": [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()]})

    # -- the engine ----------------------------------------------------------------------------
    def _send(self, fields: dict):
        from ..bridge.tasks.correct import CorrectTask

        if not self.run_layers:
            return self._say(self.tr("Run a question first, or reopen a run from the history."))
        if self.task is not None:
            return self._say(self.tr("Wait for the correction in progress."))
        if self.dock.runs.running():
            return self._say(self.tr("Wait for the running analysis to finish."))
        correction = {"gpkg": self.run_layers.gpkg, "run_id": self.run_layers.run_id, **fields}
        self.task = CorrectTask(rr_settings.PluginSettings.load().engine_python, correction)
        self.task.correctionDone.connect(self._done)
        self._say(self.tr("Segmenting…"))
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _done(self, result: Optional[dict], error: str) -> None:
        self.task = None
        if result is None:
            self._say(self.tr("Correction failed: {reason}").format(reason=error))
        else:
            for layer in self.run_layers.layers.values():
                layer.dataProvider().reloadData()
                layer.triggerRepaint()
            area = result.get("area_m2")
            text = {"refine": self.tr("Target #{id} re-segmented"), "add": self.tr("Target #{id} added"),
                    "delete": self.tr("Target #{id} deleted"), "undo": self.tr("Undone: target #{id}")}[
                result.get("action", "refine")].format(id=result.get("target_id"))
            if area is not None:
                text += self.tr(" · {area} m²").format(area=number_text(float(area)))
            text += self.tr(" · {ms:.0f} ms").format(ms=1000 * float(result.get("seconds") or 0))
            self._say(text)
            if self.dock.run_layers is self.run_layers:
                self.dock.fill_results()
                if result.get("tally"):  # the count and the covered area as the layers now are
                    self.dock.status.tally_label.setText(tally_text(result))
        self.correctionDone.emit(result, error)

    def _say(self, text: str):
        self.status_label.setText(text)
        return None
