"""The line under the dock's question that speaks for the chosen mode: find-all wants a short noun phrase (and
gets one suggested when the question is a sentence); after a dense locate answer, find-all may serve better."""

from __future__ import annotations

from typing import Mapping, Optional

from qgis.PyQt.QtWidgets import QLabel, QWidget

from inference_core.contract.options import FIND_ALL

from .mode_hints import is_long, looks_dense, suggest_phrase


class ModeHint(QLabel):
    """A word-wrapped label, hidden when there is nothing to say."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)

    def _show(self, text: str) -> str:
        self.setText(text)
        self.setVisible(bool(text))
        return text

    def question_hint(self, mode: str, question: str) -> str:
        """Find-all: the question is a short noun phrase; a long one gets a suggestion. Other modes: nothing."""
        if mode != FIND_ALL:
            return self._show("")
        if question.strip() and is_long(question):
            phrase = suggest_phrase(question)
            return self._show(
                self.tr("Find all takes a short noun phrase, not a sentence: try “{phrase}”.").format(phrase=phrase)
                if phrase else self.tr("Find all takes a short noun phrase, e.g. “tree crown”."))
        return self._show(self.tr("Find all: type a short noun phrase naming the objects, e.g. “tree crown”; "
                                  "SAM 3 outlines every instance with its score."))

    def dense_hint(self, mode: str, boxes_per_view: Mapping[int, int], question: str) -> str:
        """After a locate run: when its answer looks dense, suggest find-all (with a phrase to try)."""
        if mode != "locate" or not looks_dense(boxes_per_view):
            return ""
        phrase = suggest_phrase(question) or question
        return self._show(self.tr("Many objects per view ({n} in all): Find all (SAM 3) with “{phrase}” may find "
                                  "every one of them.").format(n=sum(boxes_per_view.values()), phrase=phrase))
