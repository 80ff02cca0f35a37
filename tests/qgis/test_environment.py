"""The QGIS-side test environment is what a user's QGIS has: QGIS 3.22's bindings, numpy < 2, and
none of the engine's ML/geo stack (the plugin may never rely on them being importable)."""

from __future__ import annotations

import importlib.util

import numpy
from qgis.core import Qgis


def test_qgis_is_3_22_with_numpy_below_2():
    assert Qgis.QGIS_VERSION_INT // 100 == 322, Qgis.QGIS_VERSION
    assert int(numpy.__version__.split(".")[0]) < 2, numpy.__version__


def test_the_qgis_env_has_no_engine_packages():
    for name in ("torch", "torchvision", "transformers", "accelerate", "segment_anything", "geopandas"):
        assert importlib.util.find_spec(name) is None, f"{name} is importable in the QGIS env"
