"""Windows that fit a laptop screen (1280×800, 1366×768): a dialog opens at the size it wants, never larger than
the screen's free area, and a panel too tall for it scrolls vertically instead of pushing past the screen's edge."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import QRect, Qt
from qgis.PyQt.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

MARGIN = 40  # px left around a dialog for the window frame and the desktop's panels


def available(widget: Optional[QWidget] = None) -> QRect:
    """The free area of the screen the widget is on (the primary screen before it is shown)."""
    screen = widget.screen() if widget is not None and hasattr(widget, "screen") and widget.screen() else None
    return (screen or QApplication.primaryScreen()).availableGeometry()


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """`window` at width × height, or as much of it as the screen's free area holds."""
    area = available(window)
    window.resize(min(width, area.width() - MARGIN), min(height, area.height() - MARGIN))


def vertical_scroll(content: QWidget, parent: Optional[QWidget] = None) -> QScrollArea:
    """`content` in a scroll area that scrolls up and down only: the content takes the area's width (its widgets
    wrap or elide), so nothing is ever cut at the right or needs a horizontal scroll."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def narrow_combo(combo, chars: int = 10) -> None:
    """A combo box that does not ask for the width of its longest item (a long choice would widen the whole dock):
    it shows `chars` characters at least and takes the room its row gives; the open list still shows items whole."""
    from qgis.PyQt.QtWidgets import QComboBox, QSizePolicy

    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, combo.sizePolicy().verticalPolicy())


def fit_window_to_screen(window: QWidget) -> QRect:
    """`make run`: a main window taller or wider than the screen's free area (QGIS restores the size of the
    profile's last session, 1862 px tall on a laptop) is maximised, so the map and the status bar are on the
    screen; one that fits is left as the user sized it. Returns the window's frame afterwards."""
    area = available(window)
    frame = window.frameGeometry()
    if frame.width() > area.width() or frame.height() > area.height():
        window.setGeometry(area)
        window.showMaximized()
    return window.frameGeometry()
