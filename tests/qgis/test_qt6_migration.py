"""QGIS's own PyQt5 -> PyQt6 migration checker (scripts/vendor/pyqt5_to_pyqt6, pinned to a QGIS commit) in
dry-run mode over the plugin, its tests, benchmarks and scripts: 0 findings, or the suite fails. Beside the
plugin's own name check (test_qt6_names.py), which also catches what QGIS's checker leaves alone in its
QGIS 3 compatible mode (QVariant.Int and other names PyQt6 lacks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rr_support import ROOT
from test_qt6_names import pyqt6_python

sys.path.insert(0, str(ROOT / "scripts"))
from qgis_enum_map import enum_map  # noqa: E402

CHECKED = ["remotereasoner_qgis", "tests", "benchmarks", "scripts"]


def qgis_enums(tmp_path) -> str:
    import qgis.analysis
    import qgis.core
    import qgis.gui

    path = tmp_path / "qgis_enums.json"
    path.write_text(json.dumps(enum_map([qgis.core, qgis.gui, qgis.analysis])), encoding="utf-8")
    return str(path)


def run_checker(enums: str, paths: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([str(pyqt6_python()), "scripts/qt6_migration_check.py", "--qgis-enums", enums, *paths],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


def test_qgis_enum_map_from_this_qgis(tmp_path):
    enums = json.loads(open(qgis_enums(tmp_path), encoding="utf-8").read())
    assert enums["QgsTask:CanCancel"] == "Flag" and enums["Qgis:Info"] == "MessageLevel"
    assert enums["QgsWkbTypes:MultiPolygon"] == "Type" and enums["QgsProcessing:TypeVectorPolygon"] == "SourceType"
    assert "QgsTask:Flag" not in enums  # an enum's own name is no member of it


def test_qgis_checker_finds_nothing_in_the_plugin_and_its_tests(tmp_path):
    proc = run_checker(qgis_enums(tmp_path), CHECKED)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    checked = int(last.split(", ")[1].split()[0])
    assert last.startswith("pyqt5_to_pyqt6: 0 file(s) with findings") and checked > 150, last


BAD = """\
from qgis.core import Qgis, QgsTask
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMessageBox

flags = QgsTask.CanCancel
level = Qgis.Info
align = Qt.AlignLeft
button = QMessageBox.Yes
fine = Qt.AlignmentFlag.AlignRight
dialog.exec_()
"""


def test_qgis_checker_reports_unscoped_enums_and_exec_(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD, encoding="utf-8")
    proc = run_checker(qgis_enums(tmp_path), [str(bad)])
    assert proc.returncode == 1, proc.stderr[-3000:]
    added = sorted(line[1:].strip() for line in proc.stdout.splitlines() if line.startswith("+") and "=" in line)
    assert added == ["align = Qt.AlignmentFlag.AlignLeft", "button = QMessageBox.StandardButton.Yes",
                     "flags = QgsTask.Flag.CanCancel", "level = Qgis.MessageLevel.Info"], proc.stdout
    assert "+dialog.exec()" in proc.stdout.replace(" ", "")
    assert "pyqt5_to_pyqt6: 1 file(s) with findings, 1 checked" in proc.stdout
