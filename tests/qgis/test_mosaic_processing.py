"""`remotereasoner:mosaic` on real QGIS 3.22 Processing: a 2 x 2 mosaic, replayed answers, the engine worker with
embedded Ray (never imported here); the target across the file edge comes back once, styled, its file named."""

from __future__ import annotations

import os
import sys

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsSettings, QgsVectorLayer

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
def provider(qgis_processing):
    from remotereasoner_qgis.processing.provider import RemoteReasonerProvider

    reg = QgsApplication.processingRegistry()
    prov = reg.providerById("remotereasoner")
    if prov is None:
        prov = RemoteReasonerProvider()
        assert reg.addProvider(prov)
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
    import processing

    alg = QgsApplication.processingRegistry().algorithmById("remotereasoner:mosaic")
    assert alg.displayName() == "Reason over a mosaic"
    folder = _mosaic(tmp_path / "tiles")
    replay = write_replay(tmp_path / "answers.jsonl", [BOX_PX], size=(200, 200))
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    res = processing.run("remotereasoner:mosaic", {"FOLDER": folder, "QUERY": "the bright roof", "REPLAY": str(replay),
                                                   "GRANULARITY": [0], "OUTPUT_BOXES": "TEMPORARY_OUTPUT"},
                         context=context, feedback=feedback)
    boxes = res["OUTPUT_BOXES"]
    layer = boxes if isinstance(boxes, QgsVectorLayer) else context.getMapLayer(boxes)
    assert layer is not None and layer.featureCount() == 1
    f = next(layer.getFeatures())
    bb = f.geometry().boundingBox()
    want = (ORIGIN[0] + 80 * PX, ORIGIN[1] - 50 * PX, ORIGIN[0] + 130 * PX, ORIGIN[1] - 20 * PX)
    got = (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum())
    assert max(abs(a - b) for a, b in zip(got, want)) < 1e-6, got
    assert os.path.basename(f["raster"]) == "r0c1.tif"  # the centre (105 px) lies in the second file
    assert layer.crs().authid() == "EPSG:32633"
    assert "ray" not in sys.modules  # Ray ran in the engine worker, never in QGIS
    gpkg = QgsVectorLayer(res["RESULT_GPKG"] + "|layername=boxes", "b", "ogr")
    assert gpkg.isValid() and gpkg.featureCount() == 1
