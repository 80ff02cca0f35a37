"""The dock's run shows the model what the analyst sees (issue 31): the layer renderer's red, green, blue bands
and its contrast min/max reach the run as `bands` and `stretch_values`, and the run records them."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
from osgeo import gdal, osr
from qgis.core import QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsProject, QgsRasterLayer

from conftest import write_replay
from test_dock import TWO_TREES, _replay_settings

from remotereasoner_qgis.bridge.layer_pixels import renderer_pixels
from remotereasoner_qgis.bridge.run_session import RunController

STRETCH = QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum


@pytest.fixture
def bgrn_layer(tmp_path, qgis_new_project):
    """A 4-band Blue, Green, Red, NIR uint16 GeoTIFF without colour labels, shown as 3,2,1 with set min/max."""
    path = str(tmp_path / "bgrn.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 64, 64, 4, gdal.GDT_UInt16)
    ds.SetGeoTransform((500000.0, 0.5, 0.0, 4000000.0, 0.0, -0.5))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    for i, level in enumerate((400, 700, 2600, 5000), start=1):
        ds.GetRasterBand(i).WriteArray(np.full((64, 64), level, dtype=np.uint16) + np.arange(64, dtype=np.uint16))
        ds.GetRasterBand(i).SetColorInterpretation(gdal.GCI_Undefined)
    ds = None
    layer = QgsRasterLayer(path, "bgrn")
    assert layer.isValid()
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), 3, 2, 1)
    for setter, (low, high) in ((renderer.setRedContrastEnhancement, (2600, 2700)),
                                (renderer.setGreenContrastEnhancement, (700, 800)),
                                (renderer.setBlueContrastEnhancement, (400, 450))):
        enhancement = QgsContrastEnhancement(layer.dataProvider().dataType(1))
        enhancement.setContrastEnhancementAlgorithm(STRETCH)
        enhancement.setMinimumValue(low)
        enhancement.setMaximumValue(high)
        setter(enhancement)
    layer.setRenderer(renderer)
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_renderer_bands_and_min_max_are_read(bgrn_layer):
    assert renderer_pixels(bgrn_layer) == {"bands": (3, 2, 1), "stretch_values": (2600, 2700, 700, 800, 400, 450)}


def test_dock_run_uses_the_renderers_bands_and_min_max(bgrn_layer, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES], input_size=(64, 64)))
    runs = RunController()
    request = runs.new_request(bgrn_layer, "the fields", "locate", ("boxes",), lambda _l: (None, ""))
    assert request.options["bands"] == (3, 2, 1)
    assert request.options["stretch_values"] == (2600.0, 2700.0, 700.0, 800.0, 400.0, 450.0)
    outcome = runs.run_blocking(request, clean_settings.engine_python, {}, lambda: False)
    assert outcome.failure is None and outcome.summary["status"] == "finished"
    pixels = outcome.summary["pixels"]
    assert (pixels["bands"], pixels["bands_from"], pixels["stretch"]) == ([3, 2, 1], "given", "values")
    assert (pixels["low"], pixels["high"]) == ([2600, 700, 400], [2700, 800, 450])
    assert not any("none is marked red" in w for w in outcome.summary["warnings"])  # nothing was guessed
    with sqlite3.connect(request.out) as con:
        [(stored,)] = con.execute("SELECT pixels FROM runs").fetchall()
    assert json.loads(stored) == pixels



def test_processing_uses_the_renderers_bands_and_min_max(bgrn_layer, qgis_processing, tmp_path):
    from qgis.core import QgsProcessingContext

    from remotereasoner_qgis.processing.reason_algorithm import ReasonAlgorithm
    from remotereasoner_qgis.settings import PluginSettings

    alg = ReasonAlgorithm().create()
    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    options, _crs = alg.build_options({"INPUT": bgrn_layer.id(), "QUERY": "fields", "GRANULARITY": [0]}, ctx,
                                      str(tmp_path / "r.gpkg"), PluginSettings(model="m"))
    assert options.bands == (3, 2, 1) and options.stretch_values == (2600, 2700, 700, 800, 400, 450)
