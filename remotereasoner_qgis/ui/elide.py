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
