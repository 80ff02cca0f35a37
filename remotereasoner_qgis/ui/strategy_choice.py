"""The dock's "Look" row: Quick / Focused / Thorough (RunOptions.strategy, kept in the settings) and the model
calls the choice will make over the current extent, shown before the run."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from inference_core.contract.options import RunOptions

from .. import settings as rr_settings
from ..bridge.strategy import STRATEGY_ORDER, estimate_text, strategy_hint, strategy_label
from ..i18n import tr
from .elide import elided_label
from .screen_fit import narrow_combo


class StrategyChoice(QWidget):
    """A combo of the strategies and a label with the estimated model calls (`update_estimate`)."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(tr("Look")))
        self.combo = QComboBox(self)
        narrow_combo(self.combo)  # a long choice never widens the dock (ui/screen_fit.py)
        for name in STRATEGY_ORDER:
            self.combo.addItem(strategy_label(name), name)
            self.combo.setItemData(self.combo.count() - 1, strategy_hint(name), Qt.ItemDataRole.ToolTipRole)
        row.addWidget(self.combo, 1)
        # the estimate takes the row's room and is shortened to it (whole in its tooltip): a long estimate never
        # widens the dock
        self.estimate_label = elided_label(self)
        self.estimate_label.setStatusTip(tr("Model calls this choice will make over the extent"))
        row.addWidget(self.estimate_label, 1)
        self.set_strategy(rr_settings.PluginSettings.load().strategy)
        self.combo.currentIndexChanged.connect(self._save)

    def strategy(self) -> str:
        return str(self.combo.currentData())

    def set_strategy(self, name: str) -> None:
        i = self.combo.findData(name)
        self.combo.setCurrentIndex(i if i >= 0 else self.combo.findData(rr_settings.RUN_DEFAULTS.strategy))
        self.combo.setToolTip(strategy_hint(self.strategy()))

    def _save(self, _index: int) -> None:
        QgsSettings().setValue(rr_settings.PREFIX + "strategy", self.strategy())
        self.combo.setToolTip(strategy_hint(self.strategy()))

    def update_estimate(self, size: Optional[tuple[int, int]], cfg: rr_settings.PluginSettings) -> str:
        """Show the calls for an extent of `size` raster pixels (None: no raster, nothing shown)."""
        if size is None:
            self.estimate_label.clear()
            return ""
        opts = RunOptions(raster="", query="", out="", tile_size=cfg.tile_size, overlap=cfg.overlap,
                          max_pixels=cfg.max_pixels)
        text = estimate_text(self.strategy(), size[0], size[1], opts)
        self.estimate_label.setText(text)
        return text
