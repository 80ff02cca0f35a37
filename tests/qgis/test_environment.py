"""The QGIS-side test environment is what a user's QGIS has: Debian's QGIS bindings (3.22 here; 3.40
and 3.44 in the matrix chroots, scripts/qgis_matrix.sh), Debian's own numpy (the one QGIS is built
against: 1.x on Debian 12, 2.x on Debian 13 and sid), and none of the engine's ML/geo stack (the
plugin may never rely on them being importable)."""

from __future__ import annotations

import importlib.util
import os

import numpy
from qgis.core import Qgis

# the QGIS version this run is for: scripts/qgis_matrix.sh sets it per system; `make test` is 3.22
EXPECTED_QGIS = os.environ.get("RR_EXPECT_QGIS", "3.22")
NUMPY_MAJOR = {"3.22": 1, "3.40": 2, "3.44": 2}  # Debian 12, 13, sid


def test_qgis_is_the_expected_version_with_debians_numpy():
    major, minor = (int(x) for x in EXPECTED_QGIS.split("."))
    assert Qgis.QGIS_VERSION_INT // 100 == major * 100 + minor, Qgis.QGIS_VERSION
    assert numpy.__file__.startswith("/usr/lib/python3/dist-packages/"), numpy.__file__  # not pip's
    assert int(numpy.__version__.split(".")[0]) == NUMPY_MAJOR[EXPECTED_QGIS], numpy.__version__


def test_the_qgis_env_has_no_engine_packages():
    for name in ("torch", "torchvision", "transformers", "accelerate", "segment_anything", "geopandas"):
        assert importlib.util.find_spec(name) is None, f"{name} is importable in the QGIS env"
