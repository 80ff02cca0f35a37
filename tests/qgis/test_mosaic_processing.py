"""`remotereasoner:mosaic` on real QGIS 3.22 Processing: a 2 x 2 mosaic, replayed answers, the engine worker with
embedded Ray (never imported here); the target across the file edge comes back once, styled, its file named."""

from __future__ import annotations

import os
import sys

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsSettings

from rr_support import engine_python, write_replay

ORIGIN = (500000.0, 4000000.0)
PX = 0.5
BOX_PX = [80, 20, 130, 50]  # across the edge between the two upper files (x = 100 px)


def _mosaic(folder) -> str:
    from osgeo import gdal, osr

    folder.mkdir()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    for r in range(2):
        for c in range(2):
            ds = gdal.GetDriverByName("GTiff").Create(str(folder / f"r{r}c{c}.tif"), 100, 100, 3, gdal.GDT_Byte)
            ds.SetGeoTransform((ORIGIN[0] + c * 100 * PX, PX, 0, ORIGIN[1] - r * 100 * PX, 0, -PX))
            ds.SetProjection(srs.ExportToWkt())
            for b in range(1, 4):
                ds.GetRasterBand(b).Fill(40 + 30 * (2 * r + c))
            ds = None
    return str(folder)


@pytest.fixture
def provider(rr_provider):
    prov = rr_provider
    s = QgsSettings()
    saved = {k: s.value("RemoteReasoner/" + k) for k in ("engine_python", "sam", "backend")}
    s.setValue("RemoteReasoner/engine_python", engine_python())
    s.remove("RemoteReasoner/sam")
    yield prov
    for k, v in saved.items():
        s.remove("RemoteReasoner/" + k) if v is None else s.setValue("RemoteReasoner/" + k, v)
    from remotereasoner_qgis.bridge import worker_pool

    worker_pool.close_all()


def test_reason_over_a_mosaic_loads_one_target_across_the_file_edge(provider, tmp_path):
    from qgis.core import QgsProcessingOutputLayerDefinition, QgsProcessingUtils

    from remotereasoner_qgis.ui.layers import open_run_layer

    alg = QgsApplication.processingRegistry().createAlgorithmById("remotereasoner:mosaic")
    assert alg.displayName() == "Reason over a mosaic"
    folder = _mosaic(tmp_path / "tiles")
    replay = write_replay(tmp_path / "answers.jsonl", [BOX_PX], size=(200, 200))
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    context.setProject(QgsProject.instance())
    res, ok = alg.run({"FOLDER": folder, "QUERY": "the bright roof", "REPLAY": str(replay), "GRANULARITY": [0],
                       # what runAndLoadResults passes: a temporary output the project loads on completion
                       "OUTPUT_BOXES": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", QgsProject.instance())},
                      context, feedback)
    assert ok
    layer_id = res["OUTPUT_BOXES"]
    assert context.willLoadLayerOnCompletion(layer_id)
    details = context.layerToLoadOnCompletionDetails(layer_id)
    layer = QgsProcessingUtils.mapLayerFromString(layer_id, context)
    details.setOutputLayerName(layer)
    QgsProject.instance().addMapLayer(context.temporaryLayerStore().takeMapLayer(layer))
    details.postProcessor().postProcessLayer(layer, context, feedback)  # as QGIS does for outputs it loads
    assert layer.featureCount() == 1 and layer.name() == "the bright roof · Boxes (Processing)"
    f = next(layer.getFeatures())
    bb = f.geometry().boundingBox()
    want = (ORIGIN[0] + 80 * PX, ORIGIN[1] - 50 * PX, ORIGIN[0] + 130 * PX, ORIGIN[1] - 20 * PX)
    got = (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum())
    assert max(abs(a - b) for a, b in zip(got, want)) < 1e-6, got
    assert os.path.basename(f["raster"]) == "r0c1.tif"  # the centre (105 px) lies in the second file
    assert layer.crs().authid() == "EPSG:32633"
    reference = open_run_layer(res["RESULT_GPKG"], "boxes")  # what the dock shows, styled from boxes.qml
    assert layer.renderer().symbol().symbolLayer(0).strokeColor() == \
        reference.renderer().symbol().symbolLayer(0).strokeColor()
    assert "reasoning" in layer.mapTipTemplate()
    assert "ray" not in sys.modules  # Ray ran in the engine worker, never in QGIS


def test_reason_over_a_mosaic_wants_exactly_one_mosaic(provider, tmp_path):
    from qgis.core import QgsProcessingException

    from remotereasoner_qgis.processing.mosaic_algorithm import MosaicAlgorithm

    alg = MosaicAlgorithm()
    alg.initAlgorithm()
    folder = _mosaic(tmp_path / "tiles")
    context = QgsProcessingContext()
    for params in ({}, {"FOLDER": folder, "FILE": str(tmp_path / "x.vrt")}):
        with pytest.raises(QgsProcessingException, match="Choose one mosaic"):
            alg.mosaic_path(params, context)
    assert alg.mosaic_path({"FOLDER": folder}, context) == folder
    # a tile-index layer (gdaltindex) gives its file, which the engine reads
    import subprocess

    from qgis.core import QgsVectorLayer

    index = tmp_path / "index.gpkg"
    subprocess.run(["gdaltindex", "-f", "GPKG", str(index), *sorted(str(p) for p in (tmp_path / "tiles").glob("*.tif"))],
                   check=True, capture_output=True)
    layer = QgsVectorLayer(str(index), "index", "ogr")
    assert layer.isValid() and layer.featureCount() == 4
    assert alg.mosaic_path({"INDEX": layer}, context) == str(index)
