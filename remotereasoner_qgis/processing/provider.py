"""The Processing provider `remotereasoner`: puts "Reason over raster" in the toolbox, models and qgis_process."""

from __future__ import annotations

import os

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..paths import PLUGIN_DIR
from .change_algorithm import ChangeAlgorithm
from .compare_algorithm import CompareAlgorithm
from .mosaic_algorithm import MosaicAlgorithm
from .reason_algorithm import ReasonAlgorithm

PROVIDER_ID = "remotereasoner"


def icon_path() -> str:
    """The plugin's icon (the toolbar action's), or "" when it is missing."""
    path = os.path.join(PLUGIN_DIR, "icons", "icon.svg")
    return path if os.path.isfile(path) else ""


class RemoteReasonerProvider(QgsProcessingProvider):
    """Holds the RemoteReasoner algorithms; registered by the plugin in `initProcessing`."""

    def id(self) -> str:  # noqa: A003 - QGIS API name
        return PROVIDER_ID

    def name(self) -> str:
        return self.tr("RemoteReasoner")

    def longName(self) -> str:  # noqa: N802
        return self.tr("RemoteReasoner: questions about imagery answered as vector layers")

    def icon(self) -> QIcon:
        path = icon_path()
        return QIcon(path) if path else QgsApplication.getThemeIcon("/processingAlgorithm.svg")

    def svgIconPath(self) -> str:  # noqa: N802
        return icon_path() or QgsApplication.iconPath("processingAlgorithm.svg")

    def loadAlgorithms(self) -> None:  # noqa: N802
        self.addAlgorithm(ReasonAlgorithm())
        self.addAlgorithm(CompareAlgorithm())
        self.addAlgorithm(ChangeAlgorithm())
        self.addAlgorithm(MosaicAlgorithm())

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("RemoteReasonerProvider", text)
