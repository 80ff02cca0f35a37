"""Text that must fit: long paths in labels (no spaces to wrap at: shortened in the middle), wrapped labels."""

from __future__ import annotations

PATH_CHARS = 48  # a path shown in a label or placeholder keeps its start and its end within this


def elide_path(path: str, limit: int = PATH_CHARS) -> str:
    """`/home/someone/…/models/sam_vit_h.pth`: the middle of a long path elided, so a label stays narrow
    (a path has no spaces to wrap at); the full path goes in a tooltip."""
    if len(path) <= limit:
        return path
    tail = limit * 2 // 3
    return path[: limit - tail - 1] + "…" + path[-tail:]


def fit_height(label) -> None:
    """Give a word-wrapped QLabel the height its text needs at its width, so the window makes room for every
    line (Qt sizes a top-level window from size hints, which ignore a wrapped label's height for width)."""
    from qgis.PyQt.QtCore import Qt

    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setMinimumHeight(0)
    width = label.width() if label.isVisible() and label.width() > 50 else max(label.sizeHint().width(), 300)
    label.setMinimumHeight(label.heightForWidth(width))
    window = label.window()
    if window.layout() is not None and label.isVisible():
        window.layout().activate()  # the new height can change the label's width: once more at the final width
        label.setMinimumHeight(label.heightForWidth(label.width()))
        window.layout().activate()


def elided_label(parent=None):
    """A one-line QLabel that never asks for more width than it is given: its text is shortened at the right to
    fit (the whole text is its tooltip and `text()`), so a long estimate cannot widen the dock while the user
    works. Built here so Qt is imported lazily, like `fit_height`."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QLabel, QSizePolicy

    class ElidedLabel(QLabel):
        def __init__(self, parent=None):
            super().__init__(parent)
            self._full = ""
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.setMinimumWidth(0)

        def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
            self._full = text or ""
            self.setToolTip(self._full)
            self._fit()

        def text(self) -> str:
            return self._full

        def clear(self) -> None:
            self.setText("")

        def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
            super().resizeEvent(event)
            self._fit()

        def _fit(self) -> None:
            QLabel.setText(self, self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                               max(self.width(), 0)))

    return ElidedLabel(parent)
