"""The Processing provider `remotereasoner`: puts "Reason over raster" in the toolbox, models and qgis_process."""

from __future__ import annotations

import os

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .reason_algorithm import ReasonAlgorithm

PROVIDER_ID = "remotereasoner"


def icon_path() -> str:
    """The plugin icon: `icon.svg`/`icon.png` in the plugin folder, its `icons/`, or the resources folder."""
    plugin_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates = []
    for folder in (plugin_dir, os.path.join(plugin_dir, "icons"), os.path.join(plugin_dir, "resources"),
                   os.path.join(os.path.dirname(plugin_dir), "resources")):
        candidates += [os.path.join(folder, "icon.svg"), os.path.join(folder, "icon.png")]
    return next((p for p in candidates if os.path.isfile(p)), "")


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

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("RemoteReasonerProvider", text)
