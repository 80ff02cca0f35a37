"""The dock's Extent row: the map view, the whole layer, a rectangle drawn on the map (kept on the map while it is
the extent) or the selected features' bounding box, given to a run in the raster's CRS."""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsMapToolExtent, QgsRubberBand
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from .screen_fit import narrow_combo

EXTENT_SOURCES = ("view", "layer", "drawn", "selection")


def transform_rect(rect: QgsRectangle, src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem,
                   project: Optional[QgsProject] = None) -> Optional[QgsRectangle]:
    """The bounding box of `rect` reprojected from `src` to `dst` (edges densified by QGIS); None where PROJ
    cannot reproject it (the whole world of an empty project's view into a UTM zone, say)."""
    if not src.isValid() or not dst.isValid() or src == dst:
        return QgsRectangle(rect)
    xform = QgsCoordinateTransform(src, dst, project or QgsProject.instance())
    try:
        return xform.transformBoundingBox(rect)
    except QgsCsException:  # raised out of a signal slot it would be a Python error dialog
        return None


class ExtentChoice(QWidget):
    """The source combo with Draw… and Clear; `requested_extent()` is the run's extent, or why there is none."""

    changed = pyqtSignal()  # the extent the choice gives may have changed

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.iface = iface
        self.drawn_rect: Optional[QgsRectangle] = None  # in the canvas CRS at drawing time
        self.drawn_crs: Optional[QgsCoordinateReferenceSystem] = None
        self.rubber_band: Optional[QgsRubberBand] = None  # the drawn rectangle, on the map while it is the extent
        self._map_tool: Optional[QgsMapToolExtent] = None
        self._previous_tool = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Extent")))
        self.combo = QComboBox(self)
        narrow_combo(self.combo, 6)  # a long choice never widens the dock (ui/screen_fit.py)
        for label, source in ((self.tr("Current map view"), "view"), (self.tr("Whole layer"), "layer"),
                              (self.tr("Rectangle drawn on the map"), "drawn"),
                              (self.tr("Bounding box of selected features"), "selection")):
            self.combo.addItem(label, source)
        row.addWidget(self.combo, 1)
        # tool buttons: as wide as their word, so the row fits a laptop's dock (a push button is 80 px at least)
        self.draw_button = QToolButton(self)
        self.draw_button.setText(self.tr("Draw…"))
        row.addWidget(self.draw_button)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Remove the rectangle drawn on the map"))
        self.clear_button.setEnabled(False)
        row.addWidget(self.clear_button)
        self.combo.currentIndexChanged.connect(lambda _i: (self.show_drawn(), self.changed.emit()))
        self.draw_button.clicked.connect(self.start_drawing)
        self.clear_button.clicked.connect(self.clear_drawn_extent)
        # a bound method: the canvas outlives the panel, and shutdown() disconnects it
        iface.mapCanvas().destinationCrsChanged.connect(self.show_drawn)

    def source(self) -> str:
        return str(self.combo.currentData())

    def set_source(self, source: str) -> None:
        self.combo.setCurrentIndex(EXTENT_SOURCES.index(source))

    def start_drawing(self) -> None:
        canvas = self.iface.mapCanvas()
        self._map_tool = QgsMapToolExtent(canvas)
        self._map_tool.extentChanged.connect(self._extent_drawn)
        self._previous_tool = canvas.mapTool()
        canvas.setMapTool(self._map_tool)
        self.set_source("drawn")

    def _extent_drawn(self, rect: QgsRectangle) -> None:
        canvas = self.iface.mapCanvas()
        self.set_drawn_extent(rect, canvas.mapSettings().destinationCrs())
        if self._previous_tool is not None:
            canvas.setMapTool(self._previous_tool)
        else:
            canvas.unsetMapTool(self._map_tool)

    def set_drawn_extent(self, rect: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> None:
        self.drawn_rect, self.drawn_crs = QgsRectangle(rect), QgsCoordinateReferenceSystem(crs)
        self.set_source("drawn")
        self.show_drawn()
        self.changed.emit()

    def clear_drawn_extent(self) -> None:
        """Forget the drawn rectangle and take it off the map."""
        self.drawn_rect = self.drawn_crs = None
        self.show_drawn()

    def show_drawn(self) -> None:
        """The drawn rectangle stays on the map while it is the run's extent (a rubber band, since the
        drawing tool's own disappears with the tool); hidden when another extent source is chosen."""
        shown = self.source() == "drawn" and self.drawn_rect is not None and not self.drawn_rect.isEmpty()
        self.clear_button.setEnabled(self.drawn_rect is not None)
        if not shown:
            if self.rubber_band is not None:
                self.rubber_band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
                self.rubber_band.hide()
            return
        if self.rubber_band is None:
            self.rubber_band = QgsRubberBand(self.iface.mapCanvas(), QgsWkbTypes.GeometryType.PolygonGeometry)
            self.rubber_band.setStrokeColor(QColor(230, 0, 120, 220))
            self.rubber_band.setFillColor(QColor(230, 0, 120, 30))
            self.rubber_band.setWidth(2)
        self.rubber_band.setToGeometry(QgsGeometry.fromRect(self.drawn_rect), self.drawn_crs)
        self.rubber_band.show()

    def drawn_visible(self) -> bool:
        return self.rubber_band is not None and self.rubber_band.isVisible() and self.rubber_band.numberOfVertices() > 0

    def requested_extent(self, layer: QgsRasterLayer) -> tuple[Optional[QgsRectangle], str]:
        """The extent in the raster CRS (None = whole layer) and, on failure, a message saying why."""
        source = self.source()
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
            if rect is not None and rect.isEmpty():  # a single selected point: grow it by one pixel so it has an area
                rect.grow(max(layer.rasterUnitsPerPixelX(), 1e-9))
        if rect is None:
            return None, self.tr("The extent cannot be reprojected to the raster's CRS {crs}: zoom to the raster "
                                 "{name}, or choose Whole layer.").format(crs=raster_crs.authid(), name=layer.name())
        if not rect.intersects(layer.extent()):
            return None, self.tr("The extent does not overlap the raster {name}.").format(name=layer.name())
        return rect.intersect(layer.extent()), ""

    def shutdown(self) -> None:
        """Take the rectangle off the map; let go of the canvas."""
        if self.rubber_band is not None:
            self.iface.mapCanvas().scene().removeItem(self.rubber_band)
            self.rubber_band = None
        try:
            self.iface.mapCanvas().destinationCrsChanged.disconnect(self.show_drawn)
        except (TypeError, RuntimeError):
            pass
