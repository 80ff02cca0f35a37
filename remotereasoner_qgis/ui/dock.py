"""The "Reason on extent" dock: composes the question (ui/question_panel.py), the run's status
(ui/run_status.py), answers, reasoning and results (ui/results_table.py), and shows the state of the run that
bridge/run_session.RunController starts and follows.

Live results: each `result` event's features (WKT) go into in-memory layers of the question's
group at once; when the run ends they are replaced by the run GeoPackage's layers (see
layers.LiveRun: reading the GeoPackage while the engine writes it would block on its lock).
"""

from __future__ import annotations

import os
from typing import Callable, Optional

from qgis.core import Qgis, QgsMessageLog, QgsProject
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QKeySequence
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

try:  # Qt 6 (QGIS 4) moved QShortcut to QtGui
    from qgis.PyQt.QtGui import QShortcut
except ImportError:  # Qt 5 (QGIS 3)
    from qgis.PyQt.QtWidgets import QShortcut

from inference_core.contract.options import ANSWER_MODES
from inference_core.contract.protocol import ErrorCode
from inference_core.contract.schema import field_names

from .. import settings as rr_settings
from ..bridge.events import CRITICAL, INFO, SUCCESS, WARNING, change_text, tally_text
from ..bridge.run_session import RunController, RunRefused, action_for
from ..i18n import tr
from .analyst import AnalystPanels
from .answer_panel import AnswerPanel
from .export import ask_export_path, export_suggestion
from .layers import ANSWERS, ExportError, LiveRun, RunLayers, export_layers
from .question_panel import QuestionPanel
from .results_table import ResultsTable
from .run_status import RunStatus
from .screen_fit import vertical_scroll

LOG_TAG = "RemoteReasoner"
# The readiness line when the plugin is ready but not with a live model (recorded answers): a note, not an error.
NOTICE_STYLE = "color: #5a4a00; background: #fff4c2; border: 1px solid #e0c35c; border-radius: 2px; padding: 1px 4px;"
_QGIS_LEVEL = {SUCCESS: Qgis.MessageLevel.Success, WARNING: Qgis.MessageLevel.Warning, INFO: Qgis.MessageLevel.Info,
               CRITICAL: Qgis.MessageLevel.Critical}


class RemoteReasonerDock(QgsDockWidget):
    """The dock. Tests and scripts drive it through `start_run()`, `cancel_run()` and its signals."""

    runCompleted = pyqtSignal(dict)  # noqa: N815 - summary, after the layers are final
    runErrored = pyqtSignal(str, str)  # noqa: N815 - code, message

    def __init__(self, iface, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("RemoteReasonerDock")
        self.setWindowTitle(self.tr("Reason on extent"))
        self.runs = RunController(self)  # the run's life: options, task, events, end (bridge/run_session.py)
        self.run_layers: Optional[RunLayers] = None
        self.live: Optional[LiveRun] = None
        self.last_message: tuple[str, str] = ("", "")  # (level name, text) of the last bar message
        self._view_boxes: dict[int, int] = {}  # boxes per view of the last run (the dense-answer hint)
        self.readiness_notice = ""
        self._build_ui()
        self._connect()
        self.refresh_readiness()

    # -- UI ----------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        body = QWidget(self)
        lay = QVBoxLayout(body)
        self.question = QuestionPanel(self.iface, body)
        lay.addWidget(self.question)
        self.readiness_label = QLabel(body)
        self.readiness_label.setWordWrap(True)
        self.settings_button = QPushButton(self.tr("Settings…"), body)
        lay.addWidget(self.readiness_label)
        lay.addWidget(self.settings_button)
        row = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Reason on extent"), body)
        self.run_button.setToolTip(self.tr("Ctrl+Enter"))
        self.cancel_button = QPushButton(self.tr("Cancel"), body)
        self.cancel_button.setEnabled(False)
        row.addWidget(self.run_button, 1)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.status = RunStatus(body)
        lay.addWidget(self.status)
        self.answer_panel = AnswerPanel(body)  # Ask / Describe
        lay.addWidget(self.answer_panel)
        self.reasoning_box = QgsCollapsibleGroupBox(self.tr("Reasoning"), body)
        self.reasoning_text = QPlainTextEdit(self.reasoning_box)
        self.reasoning_text.setReadOnly(True)
        self.reasoning_text.setMinimumHeight(3 * self.reasoning_text.fontMetrics().lineSpacing())  # never one blank line
        QVBoxLayout(self.reasoning_box).addWidget(self.reasoning_text)
        lay.addWidget(self.reasoning_box)
        self.results = ResultsTable(self.iface, body)
        lay.addWidget(self.results, 1)
        # on a laptop (1280×800, 1366×768) the dock is taller than the screen: it scrolls up and down, never sideways
        self.scroll = vertical_scroll(body, self)
        self.setWidget(self.scroll)
        self.analyst = AnalystPanels(self, lay)  # correct, compare, history, copy as command (ui/analyst.py)
        self._show_mode()
        for seq in (Qt.Modifier.CTRL | Qt.Key.Key_Return, Qt.Modifier.CTRL | Qt.Key.Key_Enter):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.start_run)

    def _connect(self) -> None:
        q = self.question
        self.run_button.clicked.connect(lambda: self.start_run())
        self.cancel_button.clicked.connect(self.cancel_run)
        self.settings_button.clicked.connect(self.fix_readiness)
        q.mode_combo.currentIndexChanged.connect(lambda _i: (self._show_mode(), self.refresh_readiness()))
        for w in (q.check_boxes, q.check_masks, q.check_contours):
            w.toggled.connect(self.refresh_readiness)
        # bound methods, not lambdas: the canvas and project outlive the dock, and shutdown() disconnects them
        self.iface.mapCanvas().extentsChanged.connect(q.update_estimate)
        self.iface.currentLayerChanged.connect(q.follow_layer)
        QgsProject.instance().cleared.connect(self._project_cleared)
        self.results.export_button.clicked.connect(self.export_dialog)
        self.runs.progress.connect(self.status.show_progress)
        self.runs.result.connect(self._on_result)
        self.runs.reasoning.connect(self._on_reasoning)
        self.runs.answer.connect(self._on_answer)
        self.runs.warning.connect(lambda message: QgsMessageLog.logMessage(message, LOG_TAG, Qgis.MessageLevel.Warning))
        self.runs.finished.connect(self._on_finished)
        self.runs.failed.connect(self._on_failed)
        q.follow_layer(self.iface.activeLayer())
        q.question_hint()

    def _show_mode(self) -> None:
        """Locate shows the granularity and the results table; Ask and Describe the answer panel."""
        answers = self.question.mode() in ANSWER_MODES
        for w in (self.reasoning_box, self.status.tally_label):
            w.setVisible(not answers)
        self.results.show_table(not answers)
        self.answer_panel.setVisible(answers)
        self.keep_content_whole()

    def keep_content_whole(self) -> None:
        """The dock is never narrower than its content (QGIS would otherwise give it less and cut the right side,
        the scroll area scrolling only up and down): its minimum width is the content's, kept small."""
        body = self.scroll.widget()
        body.layout().activate()
        self.scroll.setMinimumWidth(body.minimumSizeHint().width() + self.scroll.verticalScrollBar().sizeHint().width())

    # -- state -------------------------------------------------------------------------------
    def readiness(self) -> list[str]:
        """Every problem that blocks a run ([] = ready)."""
        state = self.runs.readiness(self.question.mode(), self.question.run_granularity())
        self.readiness_notice = state.notice  # ready, but recorded answers: said, with the Models tab offered
        return list(state.problems)

    def refresh_readiness(self) -> list[str]:
        problems = self.readiness()
        self.readiness_label.setText("\n".join(problems) or self.readiness_notice)
        self.readiness_label.setStyleSheet("color: #b00020;" if problems else NOTICE_STYLE)
        self.readiness_label.setVisible(bool(problems or self.readiness_notice))
        self.settings_button.setVisible(bool(problems or self.readiness_notice))
        self.settings_button.setText(self.tr("Get a real model (Models tab)…") if not problems else {
            "setup_engine": self.tr("Set up engine…"), "models": self.tr("Models…"),
        }.get(self.runs.readiness_state.action, self.tr("Settings…")))
        self.run_button.setEnabled(not problems and not self.runs.running())
        return problems

    # -- run ---------------------------------------------------------------------------------
    def start_run(self, question: Optional[str] = None):
        """Start a run with the dock's current choices; returns the task, or None (reason shown)."""
        if self.runs.running():
            return None
        q = self.question
        if question is not None:
            q.question_edit.setPlainText(question)
        try:
            request = self.runs.new_request(q.layer_combo.currentLayer(), q.question(), q.mode(), q.run_granularity(),
                                            q.extent.requested_extent, q.per_tile_check.isChecked(),
                                            compare_with=q.compare_layer())
        except RunRefused as exc:
            self.refresh_readiness()
            return self._refuse(str(exc), settings=exc.settings)
        if q.question():
            rr_settings.add_to_history(q.question())
            q.reload_history()
        self._view_boxes = {}  # boxes per view of this run, for the dense-answer hint
        self.run_layers = None
        self.live = LiveRun(request.title, (ANSWERS,) if request.mode in ANSWER_MODES else request.granularity,
                            change=bool(request.compare_with) and request.mode not in ANSWER_MODES)
        self.reasoning_text.clear()
        self.answer_panel.clear()
        self.results.clear()
        # a change run's results are its three layers and the summary line: no per-target table, Export… stays
        self.results.show_table(request.mode not in ANSWER_MODES and not request.compare_with)
        self.status.starting(request.out, request.temporary)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        return self.runs.start(request)

    def cancel_run(self) -> None:
        if self.runs.cancel():
            self.status.cancelling()
            self.cancel_button.setEnabled(False)

    def _project_cleared(self) -> None:
        # The layers of the run are gone with the project: stop the run, forget the layers.
        self.cancel_run()
        self.question.extent.clear_drawn_extent()
        self.run_layers = None
        self.live = None  # its layers went with the project; the results stay in the file
        self.results.clear()

    # -- events (main thread) ----------------------------------------------------------------
    def _on_result(self, ev: dict) -> None:
        if self.live is not None:
            self.live.add(ev)
        if not ev.get("partial"):  # a view's masks in batches come first; its boxes with its last event
            self._view_boxes[int(ev.get("tile_id") or 0)] = len((ev.get("features") or {}).get("boxes") or [])

    def _on_reasoning(self, ev: dict) -> None:
        text = str(ev.get("text") or "").strip()
        if text:
            view = int(ev.get("tile_id") or 0) + 1  # the engine's tile ids count from 0
            head = self.tr("View {i}:").format(i=view)
            if ev.get("date") in ("before", "after"):  # a change run: each date's views are numbered from 1
                head = (self.tr("First date, view {i}:") if ev["date"] == "before"
                        else self.tr("Second date, view {i}:")).format(i=view)
            self.reasoning_text.appendPlainText(head + "\n" + text + "\n")

    def _on_answer(self, ev: dict) -> None:
        """A view's answer: in the panel, and its footprint on the map (the `answers` layer's fields)."""
        self.answer_panel.add(ev)
        if self.live is not None:
            props = {k: ev.get(k) for k in field_names(ANSWERS) if k in ev}
            self.live.add({"run_id": ev.get("run_id"), "crs": ev.get("crs"),
                           "features": {ANSWERS: [{"wkt": ev.get("wkt", ""), "properties": props}]}})

    def _run_over(self, summary: dict, full: bool) -> None:
        """The engine no longer writes: the GeoPackage's layers, the end sentence, the results table."""
        live, self.live = self.live, None
        request = self.runs.request
        if live is not None:
            self.run_layers = live.finish(summary.get("out") or request.out, summary.get("run_id"))
            self.analyst.run_ready(self.run_layers)
        self.status.show_end(self.runs.end, full, os.path.isfile(request.out))
        if request.mode in ANSWER_MODES:
            self.answer_panel.finish(summary, int(request.options.get("overlap") or 0))
        self.fill_results()
        self.cancel_button.setEnabled(False)
        self.refresh_readiness()

    def _on_finished(self, summary: dict) -> None:
        request, full = self.runs.request, summary.get("status") == "finished"
        self._run_over(summary, full)
        if full:
            self.question.mode_hint.dense_hint(request.mode, self._view_boxes, request.title)
        if request.mode not in ANSWER_MODES:  # a change run's line, else the tally, in the results area
            self.status.tally_label.setText(change_text(summary) or tally_text(summary))
        end = self.runs.end
        self._message(end.text, _QGIS_LEVEL[end.level], after_task=lambda: self.runCompleted.emit(summary))

    def _on_failed(self, code: str, message: str, details: str) -> None:
        self._run_over({}, False)
        QgsMessageLog.logMessage(f"[{code}] {message}\n{details}".rstrip(), LOG_TAG, Qgis.MessageLevel.Critical)
        self._message(f"{self.runs.end.text} {action_for(code)}", Qgis.MessageLevel.Critical,
                      settings=code not in (ErrorCode.INPUT, ErrorCode.BUSY),
                      after_task=lambda: self.runErrored.emit(code, message))

    # -- results -----------------------------------------------------------------------------
    def fill_results(self) -> None:
        self.results.fill(self.run_layers)

    def export_dialog(self) -> list[str]:
        if not self.run_layers:
            return []
        request = self.runs.request
        fmt, path = ask_export_path(self, export_suggestion(self.run_layers, request.title if request else ""))
        return self.export_to(fmt, path) if path else []

    def export_to(self, fmt: str, path: str) -> list[str]:
        try:
            written = export_layers(self.run_layers.layers, fmt, path)
        except ExportError as exc:
            self._message(str(exc), Qgis.MessageLevel.Critical)
            return []
        self._message(tr("Exported %n file(s): {files}", None, len(written)).format(files=", ".join(written)),
                      Qgis.MessageLevel.Success)
        return written

    # -- messages ----------------------------------------------------------------------------
    def _message(self, text: str, level, settings: bool = False, after_task: Optional[Callable[[], None]] = None) -> None:
        """The message bar. With `after_task` (the end of a run) the message is pushed once the task manager has
        finished with the task, so QGIS's own "Task complete" notice (pushed to the bar where the desktop has
        no notifications) lands below it, not on top; then `after_task` runs."""
        names = {Qgis.MessageLevel.Info: "info", Qgis.MessageLevel.Warning: "warning",
                 Qgis.MessageLevel.Critical: "critical", Qgis.MessageLevel.Success: "success"}
        self.last_message = (names.get(level, "info"), text)
        if after_task is not None:
            QTimer.singleShot(0, lambda: (self._push(text, level, settings), after_task()))
        else:
            self._push(text, level, settings)

    def _push(self, text: str, level, settings: bool) -> None:
        bar = self.iface.messageBar()
        if settings:
            widget = bar.createMessage("RemoteReasoner", text)
            button = QPushButton(self.tr("Settings…"), widget)
            button.clicked.connect(self.open_settings)
            widget.layout().addWidget(button)
            bar.pushWidget(widget, level, 0)
        else:
            bar.pushMessage("RemoteReasoner", text, level, 8 if level != Qgis.MessageLevel.Critical else 0)

    def _refuse(self, text: str, settings: bool = False):
        self._message(text, Qgis.MessageLevel.Warning, settings=settings)
        return None

    def fix_readiness(self) -> None:
        """The button beside a readiness message: opens what fixes the first problem."""
        action = self.runs.readiness_state.action if self.runs.readiness_state else ""
        if action in ("setup_engine", "models"):
            from .setup_dialog import SetupDialog

            SetupDialog(self.iface.mainWindow(), tab="engine" if action == "setup_engine" else "models").exec()
            self.refresh_readiness()
        else:
            self.open_settings()

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if SettingsDialog(self.iface.mainWindow()).exec():
            self.question.score_threshold.reload()
            self.refresh_readiness()

    def shutdown(self) -> None:
        """Unload/quit: cancel the run and drop signal connections to objects that outlive us."""
        self.cancel_run()
        self.question.extent.shutdown()
        for sig, slot in ((self.iface.currentLayerChanged, self.question.follow_layer),
                          (QgsProject.instance().cleared, self._project_cleared),
                          (self.iface.mapCanvas().extentsChanged, self.question.update_estimate)):
            try:
                sig.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
