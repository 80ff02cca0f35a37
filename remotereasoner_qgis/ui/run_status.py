"""The dock's run status: the progress bar (stage, view i of n, ETA), how the last run ended in full and
copyable, the answer in numbers, and where the results go."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from ..bridge.events import CRITICAL, INFO, SUCCESS, WARNING, EndState, progress_text
from .elide import elide_path

PROGRESS_STYLE = ("QProgressBar { border: 1px solid palette(mid); border-radius: 2px; text-align: center; "
                  "background: palette(base); } QProgressBar::chunk { background-color: #9cc68f; }")
# The end-of-run sentence's colour: the message bar's own for the level (success green, warning amber, error red).
_LEVEL_STYLE = {SUCCESS: "color: #2e7d32;", WARNING: "color: #9a6700; font-weight: bold;", INFO: "",
                CRITICAL: "color: #b00020; font-weight: bold;"}


def _selectable_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RunStatus(QWidget):
    """`starting()`, `show_progress()`, `show_end()`: the run as the user follows it."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("Idle"))
        # a quiet green bar with its text centred: the default (blue on some styles) reads like a button
        self.progress.setStyleSheet(PROGRESS_STYLE)
        lay.addWidget(self.progress)
        # How the last run ended (found N, answers unreadable, cancelled, failed: reason), in full and copyable.
        self.status_label = _selectable_label(self)
        self.status_label.setVisible(False)
        lay.addWidget(self.status_label)
        self.tally_label = _selectable_label(self)  # the answer in numbers: how many targets, total and largest area
        lay.addWidget(self.tally_label)
        self.output_label = QLabel(self)
        self.output_label.setWordWrap(True)
        lay.addWidget(self.output_label)

    def starting(self, out: str, temporary: bool) -> None:
        self.status_label.clear()
        self.status_label.setVisible(False)
        self.tally_label.clear()
        self.output_label.setText(
            (self.tr("Results go to a temporary folder (set an output folder in the settings to keep them): {path}")
             if temporary else self.tr("Results: {path}")).format(path=elide_path(out, 60)))
        self.output_label.setToolTip(out)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Starting the engine…"))

    def show_progress(self, ev: dict) -> None:
        tiles, tile = int(ev.get("tiles") or 0), int(ev.get("tile") or 0)
        eta = ev.get("eta_s")
        self.progress.setRange(0, max(tiles, 1))
        self.progress.setValue(min(tile, max(tiles, 1)))
        text = progress_text(ev)
        if eta is not None:
            text += " · " + self.tr("ETA {s} s").format(s=int(round(float(eta))))
        self.progress.setFormat(text)

    def cancelling(self) -> None:
        self.progress.setFormat(self.tr("Cancelling after the current view…"))

    def show_end(self, end: EndState, full: bool, written: bool) -> None:
        """The progress bar's word and the sentence for how the run ended; the output line names the GeoPackage
        only when the engine wrote it."""
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if full else 0)
        self.progress.setFormat(end.short)
        self.status_label.setText(end.text)
        self.status_label.setStyleSheet(_LEVEL_STYLE[end.level])
        self.status_label.setVisible(True)
        if not written:
            self.output_label.clear()
            self.output_label.setToolTip("")
