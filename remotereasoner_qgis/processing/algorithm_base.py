"""What the plugin's Processing algorithms share: their group, a new instance of their own class, and `tr`
looking strings up under the context pylupdate5 filed them in."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtCore import QCoreApplication


class RemoteReasonerAlgorithm(QgsProcessingAlgorithm):
    """Base of the RemoteReasoner algorithms (Reason, Locate changes, mosaic, compare): one group in the toolbox."""

    def tr(self, text: str) -> str:
        """`text` translated. pylupdate5 files a `self.tr` call under the class whose body holds it, so an
        inherited method's strings (Locate changes runs Reason's initAlgorithm; the group is defined here) are
        looked up under each class from the instance's own up to this one: the first translation found wins."""
        for cls in type(self).__mro__:
            out = QCoreApplication.translate(cls.__name__, text)
            if out != text or cls is RemoteReasonerAlgorithm:
                return out
        return text  # pragma: no cover - RemoteReasonerAlgorithm is always in the MRO

    def createInstance(self):  # noqa: N802
        return type(self)()

    def group(self) -> str:
        return self.tr("Visual reasoning")

    def groupId(self) -> str:  # noqa: N802
        return "reasoning"
