"""The dock's "Compare with a reference layer" panel: a run's masks or boxes against a polygon layer, the
engine's metrics (IoU per object, matched / missed / false, gIoU, cIoU) and a layer of misses and false alarms."""

from __future__ import annotations

import shutil
import tempfile
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inference_core.contract.comparison import COMPARE_LAYERS, ComparisonReport

from .. import settings as rr_settings
from ..bridge.compare import CompareFailed, export_reference
from .compare_layer import issues_layer, status_label


def run_source(layer) -> Optional[tuple[str, str]]:
    """(GeoPackage, "masks" | "boxes") when `layer` is a run's masks or boxes table, else None."""
    if not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path, name = parts.get("path") or "", parts.get("layerName") or ""
    if not path.lower().endswith(".gpkg") or name not in COMPARE_LAYERS:
        return None
    return path, name


def _pct(v: Optional[float]) -> str:
    return "–" if v is None else f"{100 * v:.2f} %"


class ComparePanel(QWidget):
    """Pick a run's masks or boxes layer and a reference polygon layer, press Compare. Tests drive it through
    `start_compare()` and `compareFinished`."""

    compareFinished = pyqtSignal(object, str)  # noqa: N815 - ComparisonReport or None, error message

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.iface = iface
        self.task = None
        self.report: Optional[ComparisonReport] = None
        self.issues: Optional[QgsVectorLayer] = None
        lay = QVBoxLayout(self)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Result (a run's masks or boxes)")), 0, 0)
        self.result_combo = QgsMapLayerComboBox(self)
        self.result_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        grid.addWidget(self.result_combo, 0, 1)
        grid.addWidget(QLabel(self.tr("Reference polygons")), 1, 0)
        self.reference_combo = QgsMapLayerComboBox(self)
        self.reference_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        grid.addWidget(self.reference_combo, 1, 1)
        lay.addLayout(grid)
        row = QHBoxLayout()
        self.compare_button = QPushButton(self.tr("Compare"), self)
        row.addWidget(self.compare_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.metrics_label = QLabel(self)
        self.metrics_label.setWordWrap(True)
        self.metrics_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.metrics_label)
        self.objects_table = QTableWidget(0, 4, self)
        self.objects_table.setHorizontalHeaderLabels([self.tr("Object"), self.tr("Status"), self.tr("IoU"),
                                                      self.tr("Best partner")])
        self.objects_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.objects_table.verticalHeader().setVisible(False)
        self.objects_table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.objects_table)
        self.compare_button.clicked.connect(lambda: self.start_compare())

    def set_result_layer(self, layer) -> None:
        """The dock's hook: a finished run offers its masks (else boxes) here."""
        if layer is not None:
            self.result_combo.setLayer(layer)

    def start_compare(self):
        """Export the reference and start the engine's compare; returns the task, or None (reason shown)."""
        from ..bridge.tasks.compare import CompareTask

        if self.task is not None:
            return None
        result, reference = self.result_combo.currentLayer(), self.reference_combo.currentLayer()
        src = run_source(result)
        if src is None:
            return self._fail(self.tr("Choose the masks or boxes layer of a RemoteReasoner run as the result."))
        if not isinstance(reference, QgsVectorLayer) or reference is result:
            return self._fail(self.tr("Choose the reference polygon layer to compare with."))
        gpkg, name = src
        run_id = next((f["run_id"] for f in result.getFeatures()), None) if "run_id" in result.fields().names() else None
        folder = tempfile.mkdtemp(prefix="rr-compare-")
        try:
            ref = export_reference(reference, folder)
        except CompareFailed as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return self._fail(str(exc))
        cfg = rr_settings.PluginSettings.load()
        self._result_name = result.name()
        self.task = CompareTask(cfg.engine_python, gpkg, ref, name, run_id=str(run_id) if run_id else None,
                                folder=folder)
        self.task.compareDone.connect(self._done)
        self.compare_button.setEnabled(False)
        self.metrics_label.setText(self.tr("Comparing…"))
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _fail(self, text: str):
        self.metrics_label.setText(text)
        self.metrics_label.setStyleSheet("color: #b00020;")
        self.compareFinished.emit(None, text)
        return None

    def _done(self, report: Optional[ComparisonReport], error: str) -> None:
        self.task = None
        self.compare_button.setEnabled(True)
        if report is None:
            self._fail(self.tr("Comparison failed: {reason}").format(reason=error or self.tr("cancelled")))
            return
        self.report = report
        self.metrics_label.setStyleSheet("")
        self.metrics_label.setText(self.metrics_text(report))
        self._fill_table(report)
        self._show_issues(report)
        self.compareFinished.emit(report, "")

    def metrics_text(self, r: ComparisonReport) -> str:
        text = self.tr("IoU {iou} (gIoU {giou}, cIoU {ciou}) · {matched} matched, {missed} missed, {false} false "
                       "alarms of {n_pred} results / {n_ref} reference objects").format(
            iou=_pct(r.iou), giou=_pct(r.giou), ciou=_pct(r.ciou), matched=r.matched, missed=r.missed,
            false=r.false_alarms, n_pred=r.n_pred, n_ref=r.n_ref)
        return "\n".join([text] + list(r.notes))

    def _fill_table(self, r: ComparisonReport) -> None:
        rows = r.per_object
        self.objects_table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            who = (self.tr("Result #{id}") if o.source == "predicted" else self.tr("Reference #{id}")).format(id=o.id)
            partner = "" if o.partner is None else (
                self.tr("Reference #{id}") if o.source == "predicted" else self.tr("Result #{id}")).format(id=o.partner)
            for j, value in enumerate((who, status_label(o.status), f"{o.iou:.3f}", partner)):
                self.objects_table.setItem(i, j, QTableWidgetItem(value))

    def _show_issues(self, r: ComparisonReport) -> None:
        project = QgsProject.instance()
        if self.issues is not None and project.mapLayer(self.issues.id()) is not None:
            project.removeMapLayer(self.issues.id())
        self.issues = issues_layer(r, self.tr("Misses and false alarms · {name}").format(name=self._result_name))
        project.addMapLayer(self.issues)
