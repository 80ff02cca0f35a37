"""The dock's "Compare with…" row: a second date of the same ground (a raster layer of the project); with one
chosen, a locate or find-all run becomes a change run (appeared, disappeared, persisted; docs/guide/change.md)."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsMapLayerProxyModel, QgsRasterLayer
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..i18n import tr


class CompareChoice(QWidget):
    """A label and a raster chooser with an empty first entry (no second date: a run on one raster)."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(tr("Compare with…"), self)
        row.addWidget(self.label)
        self.combo = QgsMapLayerComboBox(self)
        self.combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.combo.setAllowEmptyLayer(True)
        self.combo.setLayer(None)
        self.combo.setToolTip(tr("A second date of the same ground: the question is located on both rasters and the "
                                 "map shows what appeared (green), disappeared (red) and persisted (grey). Leave it "
                                 "empty to reason on one raster."))
        row.addWidget(self.combo, 1)
        # Ask / Describe with a second date: both dates in one model turn, which the checkpoint was not trained on
        self.experimental = QLabel(tr("experimental"), self)
        self.experimental.setToolTip(tr("Ask and Describe show both dates to the model in one turn. RemoteReasoner "
                                        "was trained on single images: treat the answer as a hint."))
        self.experimental.setStyleSheet("color: #8a5a00; font-style: italic;")
        row.addWidget(self.experimental)
        self.experimental.setVisible(False)

    def layer(self) -> Optional[QgsRasterLayer]:
        """The second date, or None."""
        layer = self.combo.currentLayer()
        return layer if isinstance(layer, QgsRasterLayer) else None

    def set_layer(self, layer: Optional[QgsRasterLayer]) -> None:
        self.combo.setLayer(layer)

    def show_for(self, answers: bool) -> None:
        """Ask / Describe: the second date is marked experimental."""
        self.experimental.setVisible(answers)
