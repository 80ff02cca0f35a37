"""The dock's analyst panels (compare with a reference, run history, copy as command), each in a collapsed
group box below the results; `AnalystPanels.run_ready` is the dock's one hook when a run's layers are final."""

from __future__ import annotations

from qgis.gui import QgsCollapsibleGroupBox
from qgis.PyQt.QtWidgets import QVBoxLayout

from ..i18n import tr
from .command_panel import CommandPanel
from .compare_panel import ComparePanel
from .correct_panel import CorrectPanel
from .history_panel import HistoryPanel


class AnalystPanels:
    """Builds the panels into the dock's layout and keeps them."""

    def __init__(self, dock, layout) -> None:
        self.dock = dock
        self.correct_box = QgsCollapsibleGroupBox(tr("Correct results"), dock.widget())
        self.correct_box.setCollapsed(True)
        self.correct = CorrectPanel(dock, self.correct_box)
        QVBoxLayout(self.correct_box).addWidget(self.correct)
        layout.addWidget(self.correct_box)
        self.compare_box = QgsCollapsibleGroupBox(tr("Compare with a reference layer"), dock.widget())
        self.compare_box.setCollapsed(True)
        self.compare = ComparePanel(dock.iface, self.compare_box)
        QVBoxLayout(self.compare_box).addWidget(self.compare)
        layout.addWidget(self.compare_box)
        self.history_box = QgsCollapsibleGroupBox(tr("Run history"), dock.widget())
        self.history_box.setCollapsed(True)
        self.history = HistoryPanel(dock, self.history_box)
        QVBoxLayout(self.history_box).addWidget(self.history)
        layout.addWidget(self.history_box)
        self.history_box.collapsedStateChanged.connect(lambda collapsed: collapsed or self.history.refresh())
        self.command_box = QgsCollapsibleGroupBox(tr("Copy as command"), dock.widget())
        self.command_box.setCollapsed(True)
        self.command = CommandPanel(dock, self.command_box)
        QVBoxLayout(self.command_box).addWidget(self.command)
        layout.addWidget(self.command_box)
        self.command_box.collapsedStateChanged.connect(lambda collapsed: collapsed or self.command.refresh())

    def run_ready(self, run_layers) -> None:
        """A run's GeoPackage layers are on the map: offer its masks (else boxes) for comparison."""
        if run_layers is None:
            return
        layer = run_layers.layers.get("masks") or run_layers.layers.get("boxes")
        self.compare.set_result_layer(layer)
        self.correct.set_run(run_layers)
        if not self.history_box.isCollapsed():
            self.history.refresh()
