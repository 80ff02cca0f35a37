"""The map tool of "Correct by clicking": a left click adds a positive point (part of the object), a right
click (or Shift+click) a negative one (background), in the result layer's CRS; each click is emitted at once."""

from __future__ import annotations

from qgis.core import QgsPointXY, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsRubberBand, QgsVertexMarker
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor


class PointPromptTool(QgsMapTool):
    """`pointAdded(x, y, label)` in the CRS of `layer` (label 1 = object, 0 = background)."""

    pointAdded = pyqtSignal(float, float, int)  # noqa: N815

    def __init__(self, canvas, layer):
        super().__init__(canvas)
        self.layer = layer
        self.markers: list[QgsVertexMarker] = []
        self.setCursor(Qt.CursorShape.CrossCursor)

    def canvasReleaseEvent(self, event) -> None:  # noqa: N802 - QGIS API
        negative = event.button() == Qt.MouseButton.RightButton or bool(
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        map_point = event.mapPoint()
        self._mark(map_point, negative)
        p = self.toLayerCoordinates(self.layer, map_point)
        self.pointAdded.emit(float(p.x()), float(p.y()), 0 if negative else 1)

    def _mark(self, point: QgsPointXY, negative: bool) -> None:
        m = QgsVertexMarker(self.canvas())
        m.setCenter(point)
        m.setColor(QColor(200, 0, 0) if negative else QColor(0, 160, 0))
        m.setIconType(QgsVertexMarker.IconType.ICON_X if negative else QgsVertexMarker.IconType.ICON_CROSS)
        m.setIconSize(12)
        m.setPenWidth(3)
        self.markers.append(m)

    def clear_markers(self) -> None:
        for m in self.markers:
            self.canvas().scene().removeItem(m)
        self.markers = []

    def deactivate(self) -> None:
        self.clear_markers()
        super().deactivate()


def box_band(canvas) -> QgsRubberBand:
    band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
    band.setColor(QColor(0, 160, 0, 60))
    band.setStrokeColor(QColor(0, 160, 0))
    return band
