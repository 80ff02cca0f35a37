"""Offline detection (bridge/network_state.py): Qt 5's QNetworkConfigurationManager on QGIS 3.22, Qt 6's
QNetworkInformation under PyQt6 (QGIS 4's binding, the PyQt6 venv of `make setup`), and an unknown state
treated as online with one line in QGIS's log saying so."""

from __future__ import annotations

import json
import os
import subprocess

from qgis.core import QgsApplication
from qgis.PyQt.QtNetwork import QNetworkConfigurationManager

from remotereasoner_qgis.bridge import engine_env
from remotereasoner_qgis.bridge.network_state import NetworkState, network_state
from rr_support import ROOT
from test_host_untouched import write_pyqt6_shim
from test_qt6_names import pyqt6_python


def test_qt5_path_on_qgis_3_22():
    state = network_state()
    assert state.source == "QNetworkConfigurationManager"
    mgr = QNetworkConfigurationManager()
    expected = (not mgr.isOnline()) if mgr.allConfigurations() else None
    assert state.offline == expected, state


def test_unknown_state_is_online_and_logged_once(monkeypatch, qgis_app):
    monkeypatch.setattr(engine_env, "network_state", lambda: NetworkState(None, "QNetworkInformation", "no backend"))
    monkeypatch.setattr(engine_env, "_unknown_logged", False)
    monkeypatch.setattr(engine_env, "offline_setting", lambda: False)
    seen = []
    log = QgsApplication.messageLog()
    log.messageReceived.connect(lambda msg, tag, level: seen.append((tag, msg)))
    assert engine_env.qgis_offline() is False and engine_env.qgis_offline() is False
    assert engine_env.offline_mode() is False
    ours = [m for tag, m in seen if tag == "RemoteReasoner"]
    assert len(ours) == 1 and "QNetworkInformation: no backend" in ours[0] and "Offline" in ours[0], ours
    # Qt says offline: the engine gets the offline variables without any setting
    monkeypatch.setattr(engine_env, "network_state", lambda: NetworkState(True, "QNetworkInformation", "x"))
    assert engine_env.engine_env(proxy=None)["HF_HUB_OFFLINE"] == "1"


PYQT6_CODE = """
import json, sys
sys.path[:0] = [SHIM, ROOT]
from PyQt6.QtCore import QCoreApplication
app = QCoreApplication([])
from remotereasoner_qgis.bridge.network_state import network_state
s = network_state()
print("RESULT " + json.dumps({"source": s.source, "offline": s.offline, "detail": s.detail,
                             "qt5_api_loaded": "QNetworkConfigurationManager" in dir(sys.modules["PyQt6.QtNetwork"])}))
"""


def test_qt6_path_under_pyqt6(tmp_path):
    write_pyqt6_shim(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = f"SHIM, ROOT = {str(tmp_path)!r}, {str(ROOT)!r}\n" + PYQT6_CODE
    proc = subprocess.run([str(pyqt6_python()), "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          cwd="/")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    out = json.loads(lines[-1][7:])
    assert out["source"] == "QNetworkInformation", out
    assert out["offline"] in (True, False, None) and out["detail"], out
    assert not out["qt5_api_loaded"]  # Qt 6 has no QNetworkConfigurationManager at all
