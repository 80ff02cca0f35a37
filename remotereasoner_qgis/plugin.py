"""`RemoteReasonerPlugin`: the toolbar/menu action toggling the dock, the Processing provider,
the translator; `unload` removes all of it and stops the engine worker."""

from __future__ import annotations

import os
from typing import Optional

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
try:  # Qt 6 (QGIS 4) moved QAction to QtGui; qgis.PyQt re-exports each binding's modules as they are
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt 5 (QGIS 3)
    from qgis.PyQt.QtWidgets import QAction

from . import i18n
from .paths import PLUGIN_DIR
from .bridge import worker_pool
from .i18n import tr

LOG_TAG = "RemoteReasoner"
ICON = os.path.join(PLUGIN_DIR, "icons", "icon.svg")


class RemoteReasonerPlugin:
    """Created by `classFactory`; QGIS then calls initGui/initProcessing and, at the end, unload."""

    def __init__(self, iface):
        self.iface = iface
        self.translator = None
        self.dock = None
        self.action: Optional[QAction] = None
        self.settings_action: Optional[QAction] = None
        self.setup_action: Optional[QAction] = None
        self.provider = None
        self.menu = ""

    # Cheap by design: the dock (and everything it imports) is built on first use.
    def initGui(self) -> None:  # noqa: N802 - QGIS API
        self._install_translator()
        self.menu = tr("&RemoteReasoner")
        self.action = QAction(QIcon(ICON), tr("Reason on extent"), self.iface.mainWindow())
        self.action.setObjectName("RemoteReasonerAction")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Ask a question about the imagery and get boxes, masks and contours"))
        self.action.toggled.connect(self.toggle_dock)
        self.settings_action = QAction(tr("Settings…"), self.iface.mainWindow())
        self.settings_action.triggered.connect(self.open_settings)
        self.setup_action = QAction(tr("Set up engine…"), self.iface.mainWindow())
        self.setup_action.triggered.connect(self.open_setup)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToMenu(self.menu, self.action)
        self.iface.addPluginToMenu(self.menu, self.setup_action)
        self.iface.addPluginToMenu(self.menu, self.settings_action)
        QCoreApplication.instance().aboutToQuit.connect(self._quit)
        self.initProcessing()

    def _install_translator(self) -> None:
        # qgis_process calls only initProcessing, the desktop initGui (then initProcessing): once each.
        if self.translator is None:
            self.translator = i18n.install_translator()

    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        self._install_translator()
        if self.provider is not None:
            return
        try:
            from .processing.provider import RemoteReasonerProvider
        except ImportError as exc:
            QgsMessageLog.logMessage(tr("Processing provider not available: {reason}").format(reason=exc), LOG_TAG, Qgis.MessageLevel.Info)
            return
        provider = RemoteReasonerProvider()
        # The registry owns the provider; it refuses (and deletes) one whose id is already registered,
        # e.g. by another copy of the plugin. Keep a reference only to a provider it accepted.
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider
        else:
            QgsMessageLog.logMessage(tr("A Processing provider 'remotereasoner' is already registered; "
                                        "this copy of the plugin does not add another."), LOG_TAG, Qgis.MessageLevel.Warning)

    def ensure_dock(self):
        if self.dock is None:
            from .ui.dock import RemoteReasonerDock

            self.dock = RemoteReasonerDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._dock_visibility)
        return self.dock

    def toggle_dock(self, show: bool) -> None:
        dock = self.ensure_dock() if show or self.dock is not None else None
        if dock is not None:
            dock.setVisible(show)
            if show:
                dock.raise_()
                dock.refresh_readiness()

    def _dock_visibility(self, visible: bool) -> None:
        if self.action is not None and self.action.isChecked() != visible:
            self.action.blockSignals(True)
            self.action.setChecked(visible)
            self.action.blockSignals(False)

    def open_settings(self) -> None:
        from .ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.iface.mainWindow()).exec() and self.dock is not None:
            self.dock.refresh_readiness()

    def open_setup(self) -> None:
        from .ui.setup_dialog import SetupDialog

        SetupDialog(self.iface.mainWindow()).exec()
        if self.dock is not None:
            self.dock.refresh_readiness()

    def _quit(self) -> None:
        # QGIS is closing: stop the run (the worker keeps finished tiles) and the worker itself.
        if self.dock is not None:
            self.dock.cancel_run()
        worker_pool.close_all()

    def unload(self) -> None:
        try:
            QCoreApplication.instance().aboutToQuit.disconnect(self._quit)
        except (TypeError, RuntimeError):
            pass
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        for action in (self.action, self.setup_action, self.settings_action):
            if action is not None:
                self.iface.removePluginMenu(self.menu, action)
                self.iface.removeToolBarIcon(action)
                action.deleteLater()
        self.action = self.setup_action = self.settings_action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        worker_pool.close_all()
        i18n.remove_translator(self.translator)
        self.translator = None
