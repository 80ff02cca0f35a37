"""The dock's results table: one row per target of the last run (label, area of its mask or box), a note on
targets SAM found no mask for, a click zooms the map to the target; and the Export… button."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsGeometry, QgsRectangle
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..bridge.events import counts_text
from ..i18n import tr
from .extent_choice import transform_rect
from .layers import RunLayers, ResultRow, result_rows


class ResultsTable(QWidget):
    """`fill(run_layers)` after a run; `zoom_to_row(i)` on a click."""

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.iface = iface
        self.rows: list[ResultRow] = []
        self.run_layers: Optional[RunLayers] = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Target"), self.tr("Label"), self.tr("Area (m²)")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(True)  # the area, when Label is hidden
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        self.note = QLabel(self)  # why some targets have no mask
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        lay.addWidget(self.note)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setEnabled(False)
        lay.addWidget(self.export_button)
        self.table.cellClicked.connect(lambda r, _c: self.zoom_to_row(r))

    def clear(self) -> None:
        self.fill(None)

    def show_table(self, shown: bool) -> None:
        """Locate shows the table (and its note); Ask and Describe keep only Export…."""
        self.table.setVisible(shown)
        self.note.setVisible(shown and bool(self.note.text()))

    def fill(self, run_layers: Optional[RunLayers]) -> None:
        """One row per target: its label (the column is hidden when the model gave none), and the mask's area
        where SAM made one, else the box's; the header says which, the note says why masks are missing."""
        self.run_layers = run_layers
        self.rows = rows = result_rows(run_layers) if run_layers else []
        masks_asked = bool(run_layers) and "masks" in run_layers.granularity
        self.table.setRowCount(len(rows))
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
                self.table.setItem(i, j, item)
        self.table.setColumnHidden(1, not any(r.label for r in rows))
        with_mask = sum(1 for r in rows if r.has_mask)
        if rows and with_mask == len(rows):
            header = self.tr("Mask area (m²)")
        elif with_mask:
            header = self.tr("Area (m²): mask, else box (italic)")
        else:
            header = self.tr("Box area (m²)")
        self.table.horizontalHeaderItem(2).setText(header)
        note = ""
        if masks_asked and rows and with_mask < len(rows):
            found = counts_text({"boxes": len(rows), "masks": with_mask})
            note = tr("{found}: %n box(es) had no mask (SAM found nothing).", None, len(rows) - with_mask).format(
                found=found)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.export_button.setEnabled(bool(run_layers and run_layers.layers))

    def zoom_to_row(self, index: int) -> Optional[QgsRectangle]:
        """Zoom the map to a result (with a margin) and flash it; returns the new canvas extent."""
        if not self.run_layers or not 0 <= index < len(self.rows):
            return None
        row = self.rows[index]
        layer = self.run_layers.layers[row.layer_name]
        geom = QgsGeometry(layer.getFeature(row.fid).geometry())
        canvas = self.iface.mapCanvas()
        rect = transform_rect(geom.boundingBox(), layer.crs(), canvas.mapSettings().destinationCrs())
        if rect is None:  # the map's CRS cannot show this target
            return None
        rect.scale(3.0)  # show the target with its surroundings
        canvas.setExtent(rect)
        canvas.refresh()
        canvas.flashFeatureIds(layer, [row.fid])
        return canvas.extent()
