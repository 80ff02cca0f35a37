"""The dock's mode choice (one combo of the run modes, saved in the settings) and the line under it that says
what the question should be for that mode, or that a dense locate answer may be better served by find-all."""

from __future__ import annotations

from typing import Mapping, Optional

from qtpy.QtCore import Signal
from qtpy.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from inference_core.contract.options import DEFAULT_MODE, FIND_ALL

from .. import settings as rr_settings
from ..bridge.run_options import OFFERED_MODES
from .mode_hints import is_long, looks_dense, suggest_phrase

DOCK_MODES = OFFERED_MODES


class ModeChoice(QWidget):
    """Mode combo + hint label. `modeChanged(mode)` after the choice was saved."""

    modeChanged = Signal(str)  # noqa: N815

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Mode")))
        self.combo = QComboBox(self)
        labels = {"locate": self.tr("Locate what the question describes (reasoner)"),
                  FIND_ALL: self.tr("Find all instances of a noun phrase (SAM 3)")}
        for mode in DOCK_MODES:
            self.combo.addItem(labels[mode], mode)
        row.addWidget(self.combo, 1)
        lay.addLayout(row)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        lay.addWidget(self.hint)
        saved = rr_settings.PluginSettings.load().mode
        self.set_mode(saved if saved in DOCK_MODES else DEFAULT_MODE)
        self.combo.currentIndexChanged.connect(self._changed)

    def mode(self) -> str:
        return str(self.combo.currentData())

    def set_mode(self, mode: str) -> None:
        self.combo.setCurrentIndex(DOCK_MODES.index(mode))

    def _changed(self, _index: int) -> None:
        cfg = rr_settings.PluginSettings.load()
        cfg.mode = self.mode()
        cfg.save()
        self.modeChanged.emit(cfg.mode)

    def _show(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def question_hint(self, question: str) -> str:
        """Find-all: the question is a short noun phrase; a long one gets a suggestion. Locate: nothing."""
        if self.mode() != FIND_ALL:
            text = ""
        elif question.strip() and is_long(question):
            phrase = suggest_phrase(question)
            text = (self.tr("Find all takes a short noun phrase, not a sentence: try “{phrase}”.").format(phrase=phrase)
                    if phrase else self.tr("Find all takes a short noun phrase, e.g. “tree crown”."))
        else:
            text = self.tr("Find all: type a short noun phrase naming the objects, e.g. “tree crown”; "
                           "SAM 3 outlines every instance with its score.")
        self._show(text)
        return text

    def dense_hint(self, mode: str, boxes_per_view: Mapping[int, int], question: str) -> str:
        """After a locate run: when its answer looks dense, suggest find-all (with a phrase to try)."""
        if mode == FIND_ALL or not looks_dense(boxes_per_view):
            return ""
        phrase = suggest_phrase(question) or question
        text = self.tr("Many objects per view ({n} in all): Find all (SAM 3) with “{phrase}” may find every one "
                       "of them.").format(n=sum(boxes_per_view.values()), phrase=phrase)
        self._show(text)
        return text
