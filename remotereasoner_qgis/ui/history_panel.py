"""The dock's "Run history" panel: the runs in the output folder (question, raster, date, counts, status);
reopen a run's layers, resume an interrupted run, or redo a past run's post-processing (SAM, simplify,
minimum area) from its recorded answers without asking the model again."""

from __future__ import annotations

import os
from typing import Callable, Optional

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import settings as rr_settings
from ..bridge.history import RunEntry, list_runs
from ..bridge.run_session import RunController, RunRefused, RunRequest
from ..i18n import tr
from .layers import RunLayers, add_run_layers


def status_text(status: str) -> str:
    """The `runs.status` of a run in the user's language (an unknown one as written)."""
    return {"finished": tr("Finished"), "cancelled": tr("Cancelled"), "failed": tr("Failed"),
            # the run being written is left out of the list, so a "running" row stopped without an end
            "running": tr("Interrupted")}.get(status, status)


class HistoryPanel(QWidget):
    """Tests drive it through `refresh()`, `reopen()`, `resume()`, `rerun()` and `runDone`."""

    runDone = pyqtSignal(dict, object)  # noqa: N815 - the `done` summary (or {"error": …}), RunLayers or None

    def __init__(self, dock, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.dock = dock
        self.entries: list[RunEntry] = []
        self.runs = RunController(self)  # resume and redo: the dock's run life, in its own controller
        self.runs.finished.connect(self._finished)
        self.runs.failed.connect(self._failed)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.folder_label = QLabel(self)
        self.folder_label.setWordWrap(True)
        row.addWidget(self.folder_label, 1)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        row.addWidget(self.refresh_button)
        lay.addLayout(row)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Question"), self.tr("Raster"), self.tr("Started (UTC)"),
                                              self.tr("Boxes"), self.tr("Masks"), self.tr("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.reopen_button = QPushButton(self.tr("Reopen"), self)
        self.resume_button = QPushButton(self.tr("Resume"), self)
        self.rerun_button = QPushButton(self.tr("Redo post-processing"), self)
        self.rerun_button.setToolTip(self.tr("Segment and vectorise the run again from its recorded answers "
                                             "(the model is not asked again)"))
        for b in (self.reopen_button, self.resume_button, self.rerun_button):
            row.addWidget(b)
        lay.addLayout(row)
        form = QFormLayout()
        self.sam_edit = QLineEdit(self)
        self.sam_edit.setPlaceholderText(self.tr("empty: boxes only"))
        form.addRow(self.tr("SAM"), self.sam_edit)
        self.simplify_spin = QDoubleSpinBox(self)
        self.simplify_spin.setRange(0.0, 1e6)
        self.simplify_spin.setDecimals(3)
        form.addRow(self.tr("Simplify (map units)"), self.simplify_spin)
        self.min_area_spin = QDoubleSpinBox(self)
        self.min_area_spin.setRange(0.0, 1e12)
        self.min_area_spin.setDecimals(3)
        form.addRow(self.tr("Minimum area (map units²)"), self.min_area_spin)
        lay.addLayout(form)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.reopen_button.clicked.connect(lambda: self.reopen(self.current()))
        self.resume_button.clicked.connect(lambda: self.resume(self.current()))
        self.rerun_button.clicked.connect(lambda: self.rerun(self.current()))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    # -- the list ------------------------------------------------------------------------------
    def folder(self) -> str:
        return rr_settings.output_dir(rr_settings.PluginSettings.load())[0]

    def refresh(self) -> list[RunEntry]:
        folder = self.folder()
        busy = [self.dock.runs.request.out] if self.dock.runs.running() else []  # the run being written
        self.entries = list_runs(folder, skip=busy) if os.path.isdir(folder) else []
        self.folder_label.setText(self.tr("Runs in {folder}").format(folder=folder))
        self.table.setRowCount(len(self.entries))
        for i, e in enumerate(self.entries):
            values = (e.query, os.path.basename(e.raster), e.started[:19].replace("T", " "),
                      str(e.counts.get("boxes", 0)), str(e.counts.get("masks", 0)), status_text(e.status))
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(e.gpkg if j == 0 else (e.raster if j == 1 else v))
                self.table.setItem(i, j, item)
        if self.entries:
            self.table.selectRow(0)
        cfg = rr_settings.PluginSettings.load()
        if not self.sam_edit.text():
            self.sam_edit.setText(cfg.sam or "")
        self._selection_changed()
        return self.entries

    def current(self) -> int:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else -1

    def _selection_changed(self) -> None:
        i = self.current()
        entry = self.entries[i] if 0 <= i < len(self.entries) else None
        idle = not self.runs.running() and not self.dock.runs.running()
        self.reopen_button.setEnabled(entry is not None)
        self.resume_button.setEnabled(entry is not None and entry.resumable and idle)
        self.rerun_button.setEnabled(entry is not None and idle)

    # -- actions -------------------------------------------------------------------------------
    def reopen(self, index: int) -> Optional[RunLayers]:
        """The run's layers in a new group named after its question, styled as the dock's."""
        if not 0 <= index < len(self.entries):
            return None
        e = self.entries[index]
        layers = add_run_layers(e.gpkg, e.query, e.granularity, e.run_id)
        analyst = getattr(self.dock, "analyst", None)
        if analyst is not None:  # a reopened run can be compared and corrected
            analyst.run_ready(layers)
        return layers

    def resume(self, index: int):
        if not 0 <= index < len(self.entries):
            return None
        e = self.entries[index]
        return self._start(lambda: self.runs.resume_request(e), self.tr("Resuming “{q}”…").format(q=e.query))

    def rerun(self, index: int):
        if not 0 <= index < len(self.entries):
            return None
        e = self.entries[index]
        sam = self.sam_edit.text().strip() or None
        return self._start(lambda: self.runs.redo_request(e, sam, self.simplify_spin.value(), self.min_area_spin.value()),
                           self.tr("Redoing the post-processing of “{q}” from its recorded answers…").format(q=e.query))

    def _start(self, make_request: Callable[[], RunRequest], text: str):
        if self.runs.running() or self.dock.runs.running():
            return self._refuse(self.tr("Wait for the running analysis to finish."))
        try:
            request = make_request()
        except RunRefused as exc:
            return self._refuse(str(exc))
        self.status_label.setText(text)
        task = self.runs.start(request)
        self._selection_changed()
        return task

    def _finished(self, summary: dict) -> None:
        request = self.runs.request
        layers = None
        if os.path.isfile(request.out):
            layers = add_run_layers(request.out, request.title, request.granularity, summary.get("run_id"))
        self.status_label.setText(self.runs.end.text)
        self.refresh()
        self.runDone.emit(summary, layers)

    def _failed(self, _code: str, message: str, _details: str) -> None:
        self.status_label.setText(self.tr("Failed: {reason}").format(reason=message))
        self._selection_changed()
        self.runDone.emit({"error": message}, None)

    def _refuse(self, text: str):
        self.status_label.setText(text)
        return None
