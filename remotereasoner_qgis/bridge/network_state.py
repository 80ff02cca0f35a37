"""Whether this computer is offline, as Qt can tell: Qt 6's QNetworkInformation, Qt 5's
QNetworkConfigurationManager (removed in Qt 6), else unknown. Qt only (no qgis.core): same on QGIS 3 and 4."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class NetworkState:
    offline: Optional[bool]  # None: Qt cannot tell (no backend, no bearer plugin, a container)
    source: str  # the Qt API that answered: "QNetworkInformation", "QNetworkConfigurationManager" or "none"
    detail: str = ""  # the backend or reachability, for the log


def network_state() -> NetworkState:
    """Qt 6 first (QGIS 4); on Qt 5 (QGIS 3) QNetworkInformation does not exist and the older API answers."""
    state = _qt6_state()
    if state is None:
        state = _qt5_state()
    return state or NetworkState(None, "none", "no Qt network API")


def _qt6_state() -> Optional[NetworkState]:
    try:
        from qgis.PyQt.QtNetwork import QNetworkInformation
    except ImportError:  # Qt 5
        return None
    if QNetworkInformation.instance() is None:
        load_default = getattr(QNetworkInformation, "loadDefaultBackend", None)  # Qt >= 6.3
        loaded = load_default() if load_default else QNetworkInformation.load(
            QNetworkInformation.Feature.Reachability)
        if not loaded:
            return NetworkState(None, "QNetworkInformation", "no backend for this platform")
    info = QNetworkInformation.instance()
    reach = info.reachability()
    levels = QNetworkInformation.Reachability
    detail = f"{info.backendName()}: {reach.name}"
    if reach == levels.Unknown:
        return NetworkState(None, "QNetworkInformation", detail)
    # Local: loopback only; Site: an intranet without internet may still reach a proxy, so not offline
    return NetworkState(reach in (levels.Disconnected, levels.Local), "QNetworkInformation", detail)


def _qt5_state() -> Optional[NetworkState]:
    try:
        from qgis.PyQt.QtNetwork import QNetworkConfigurationManager
    except ImportError:  # Qt 6 removed it
        return None
    mgr = QNetworkConfigurationManager()
    configs = mgr.allConfigurations()
    if not configs:  # no bearer plugin (containers, some VPNs): Qt cannot tell
        return NetworkState(None, "QNetworkConfigurationManager", "no network configuration known")
    return NetworkState(not mgr.isOnline(), "QNetworkConfigurationManager", f"{len(configs)} configuration(s)")
