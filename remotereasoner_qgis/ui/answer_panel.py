"""The dock's answer for Ask and Describe: the answer shown large and selectable, a Copy button, and the model's
reasoning folded beneath it (per tile with one answer per tile, under the run's summary line)."""

from __future__ import annotations

from typing import Optional

from qgis.gui import QgsCollapsibleGroupBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ..i18n import tr

ANSWER_SCALE = 1.5  # the answer's font, relative to the dock's


class AnswerPanel(QWidget):
    """Fed with the run's `answer` events (`add`) and its `done` summary (`finish`); hidden for Locate."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.answer_label = QLabel(self)
        self.answer_label.setWordWrap(True)
        self.answer_label.setTextFormat(Qt.TextFormat.PlainText)  # model text is never read as HTML
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = self.answer_label.font()
        font.setPointSizeF(font.pointSizeF() * ANSWER_SCALE)
        font.setBold(True)
        self.answer_label.setFont(font)
        lay.addWidget(self.answer_label)
        # the resolution the model saw the extent at (the run's `answer_view`): the reference's answers come
        # from images up to 12.8 MP, so the analyst can tell a coarse look from a detailed one
        self.resolution_label = QLabel(self)
        self.resolution_label.setWordWrap(True)
        lay.addWidget(self.resolution_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.copy_button = QPushButton(self.tr("Copy answer"), self)
        self.copy_button.setToolTip(self.tr("Copy the answer and the model's reasoning to the clipboard"))
        self.copy_button.setEnabled(False)
        row.addWidget(self.copy_button)
        lay.addLayout(row)
        self.reasoning_box = QgsCollapsibleGroupBox(self.tr("Reasoning"), self)
        box_lay = QVBoxLayout(self.reasoning_box)
        self.reasoning_text = QPlainTextEdit(self.reasoning_box)
        self.reasoning_text.setReadOnly(True)
        box_lay.addWidget(self.reasoning_text)
        self.reasoning_box.setCollapsed(True)  # folded: the answer comes first
        lay.addWidget(self.reasoning_box)
        self.copy_button.clicked.connect(self.copy)
        self.clear(waiting=False)

    def clear(self, waiting: bool = True) -> None:
        """Empty for a run that starts (`waiting`), or before any run: where the answer will appear."""
        self.events: list[dict] = []
        self.readable = 0  # answers that could be read (an unreadable one is shown as such, never as an answer)
        self.answer_label.setText(self.tr("Waiting for the model's answer…") if waiting
                                  else self.tr("Press Reason on extent: the model's answer appears here."))
        self.resolution_label.clear()
        self.resolution_label.setVisible(False)
        self.reasoning_text.clear()
        self.copy_button.setEnabled(False)

    def add(self, ev: dict) -> None:
        """One view's answer: shown as the answer (one view) or listed per tile under a running count."""
        self.events.append(ev)
        answer = str(ev.get("answer") or "").strip()
        readable = bool(answer) and not ev.get("parse_error")
        self.readable += readable
        if not readable:
            answer = self.tr("(could not be read)")
        reasoning = str(ev.get("reasoning") or "").strip()
        tiles = int(ev.get("tiles") or 1)
        if tiles <= 1:
            self.answer_label.setText(answer if readable else self.unreadable_text())
            self.reasoning_text.setPlainText(reasoning)
            self.show_resolution(ev.get("view_width"), ev.get("view_height"))
        else:
            self.answer_label.setText(self.tr("{k} of {n} tiles answered…").format(k=len(self.events), n=tiles))
            head = self.tr("Tile {i}: {answer}").format(i=int(ev.get("tile_id") or 0) + 1, answer=answer)
            self.reasoning_text.appendPlainText(head + ("\n" + reasoning if reasoning else "") + "\n")
        self.copy_button.setEnabled(self.readable > 0)

    def unreadable_text(self) -> str:
        return self.tr("The model's answer could not be read — what it said is under Reasoning.")

    def finish(self, summary: dict, overlap: int = 0) -> None:
        """The run's own line: the answer of a single view, or the per-tile summary (a sum of per-tile counts
        for a counting question, stated as such), worded here in the user's language from the tiles' answers
        (the engine's `answer_summary` is English, for the command line)."""
        line = self.per_tile_line(overlap) or str(summary.get("answer_summary") or "").strip()
        view = summary.get("answer_view")
        if isinstance(view, (list, tuple)) and len(view) == 2:
            self.show_resolution(*view)
        if line and self.readable:
            self.answer_label.setText(line)
        elif self.events and not self.readable:
            self.answer_label.setText(self.unreadable_text())
        elif not self.events:
            self.answer_label.setText(self.tr("No answer."))
        self.copy_button.setEnabled(self.readable > 0)

    def per_tile_line(self, overlap: int = 0) -> str:
        """Over several tiles: the sum of the per-tile counts (a counting question: the tiles' `count`), or how
        many tiles answered; "" for a single view (its answer is the line)."""
        n = len(self.events)
        if n <= 1 or int(self.events[0].get("tiles") or 1) <= 1:
            return ""
        counted = [int(ev["count"]) for ev in self.events if ev.get("count") is not None]
        if not counted:
            return tr("%n answer(s), one per tile, in the answers layer.", None, n)
        line = tr("Sum of per-tile counts: {total} over {k} of %n tile(s).", None, n).format(
            total=sum(counted), k=len(counted))
        if len(counted) < n:
            line += " " + tr("%n tile(s) gave no number.", None, n - len(counted))
        if overlap:
            line += " " + tr("Tiles overlap by {px} px, so an object in an overlap may be counted twice.").format(
                px=overlap)
        return line

    def show_resolution(self, width, height) -> None:
        """'Seen at W × H px' under the answer, for one whole-extent view."""
        try:
            w, h = int(width), int(height)
        except (TypeError, ValueError):
            return
        if w > 0 and h > 0:
            self.resolution_label.setText(self.tr("The model saw the extent at {w} × {h} px.").format(w=w, h=h))
            self.resolution_label.setVisible(True)

    def answer(self) -> str:
        return self.answer_label.text()

    def reasoning(self) -> str:
        return self.reasoning_text.toPlainText()

    def copy(self) -> str:
        """The answer, then the reasoning, on the clipboard; returns what was copied."""
        text = self.answer()
        if self.reasoning().strip():
            text += "\n\n" + self.reasoning().strip()
        QApplication.clipboard().setText(text)
        return text
