"""Find all's score threshold (RunOptions.score_threshold, kept in the settings): a spin box for the Settings dialog
and the dock's row shown in the find-all mode; SAM 3's instances scoring at or below it are dropped (and counted)."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from .. import settings as rr_settings
from ..i18n import tr


def score_threshold_spin(parent: Optional[QWidget] = None) -> QDoubleSpinBox:
    """0.00 – 0.99 in steps of 0.05, as `--score-threshold` accepts (at least 0, below 1)."""
    spin = QDoubleSpinBox(parent)
    spin.setRange(0.0, 0.99)
    spin.setDecimals(2)
    spin.setSingleStep(0.05)
    spin.setToolTip(tr("Find all keeps SAM 3's instances scoring above this; the end line says how many it dropped"))
    return spin


class ScoreThreshold(QWidget):
    """The dock's "Score threshold" row; a change is saved at once (the next run and the Settings dialog see it)."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(tr("Score threshold")))
        self.spin = score_threshold_spin(self)
        row.addWidget(self.spin)
        row.addStretch(1)
        self.reload()
        self.spin.valueChanged.connect(self._save)

    def value(self) -> float:
        return round(self.spin.value(), 2)

    def reload(self) -> None:
        """Show the saved threshold (after the Settings dialog changed it)."""
        self.spin.blockSignals(True)
        self.spin.setValue(rr_settings.PluginSettings.load().score_threshold)
        self.spin.blockSignals(False)

    def _save(self, _value: float) -> None:
        QgsSettings().setValue(rr_settings.PREFIX + "score_threshold", self.value())
