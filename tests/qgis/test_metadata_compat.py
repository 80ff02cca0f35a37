"""metadata.txt against the plugin manager of the QGIS that runs the test (3.22 here, 3.40 / 3.44 in the
matrix): its own version check accepts every release from 3.22 to 4.x, and every compatibility key its
code reads is declared (QGIS 3.44 reads supportsQt6 on Qt 6 builds; QGIS 4 reads only the version range)."""

from __future__ import annotations

import configparser
import importlib.util
import re
from pathlib import Path

from qgis.core import QgsApplication

from rr_support import ROOT

COMPAT_KEYS = ("qgisMinimumVersion", "qgisMaximumVersion", "supportsQt6")


def installer_dir() -> Path:
    return Path(QgsApplication.pkgDataPath()) / "python" / "pyplugin_installer"


def general() -> configparser.SectionProxy:
    meta = configparser.ConfigParser(interpolation=None)
    meta.optionxform = str
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    return meta["general"]


def test_this_qgis_plugin_manager_accepts_3_22_to_4_x():
    spec = importlib.util.spec_from_file_location("rr_version_compare", installer_dir() / "version_compare.py")
    version_compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(version_compare)
    lo, hi = general()["qgisMinimumVersion"], general()["qgisMaximumVersion"]
    for qgis in ("3.22.16", "3.40.6", "3.44.15", "4.0.0", "4.99.9"):
        assert version_compare.isCompatible(qgis, lo, hi), qgis
    for qgis in ("3.20.0", "5.0.0"):
        assert not version_compare.isCompatible(qgis, lo, hi), qgis
    # unset, the maximum would be "3.99" (installer_data: minimum's major + ".99"), and QGIS 4 excluded
    assert not version_compare.isCompatible("4.0.0", lo, lo[0] + ".99")


def test_every_compatibility_key_this_qgis_reads_is_declared():
    source = (installer_dir() / "installer_data.py").read_text(encoding="utf-8")
    read = set(re.findall(r'pluginMetadata\("(\w+)"\)', source))
    assert {"qgisMinimumVersion", "qgisMaximumVersion"} <= read  # the parse found the plugin manager's reads
    meta = general()
    for key in sorted(read & set(COMPAT_KEYS)):
        assert meta.get(key, "").strip(), f"this QGIS's plugin manager reads {key}; metadata.txt lacks it"
    if "supportsQt6" in read:  # QGIS 3.44: Qt 6 builds refuse an installed plugin without it
        assert meta["supportsQt6"].strip().upper() in ("TRUE", "YES")
