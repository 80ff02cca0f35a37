"""The dock with two dates: "Compare with…" a second raster of the project, a real change run through the engine
worker with the trained tiny reasoner, the appeared / disappeared / persisted layers loaded and styled
green / red / grey, and the summary line shown in the results area."""

from __future__ import annotations

import os

import numpy as np
import pytest
from osgeo import gdal, osr
from qgis.core import QgsProject, QgsRasterLayer
from qgis.PyQt.QtGui import QColor

from test_dock import run_dock

from remotereasoner_qgis.paths import ENGINE_ROOT

PIXEL_M = 0.5
ORIGIN = (400000.0, 3300000.0)
# (col, row, width, height): kept on both dates, torn down, built; two 112-px tiles as the tiny model was trained
KEPT, GONE, NEW = (12, 20, 28, 28), (150, 30, 30, 30), (60, 64, 26, 26)


def _scene(squares, seed=3):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(10, 110, size=(8, 15, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:112, :200] + rng.normal(0, 10, size=(112, 200, 3))
    for c, r, w, h in squares:
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def _geotiff(path, img) -> str:
    ds = gdal.GetDriverByName("GTiff").Create(str(path), img.shape[1], img.shape[0], 3, gdal.GDT_Byte)
    ds.SetGeoTransform((ORIGIN[0], PIXEL_M, 0, ORIGIN[1], 0, -PIXEL_M))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(img[:, :, b])
    ds.FlushCache()
    ds = None
    return str(path)


def _layer(path, name) -> QgsRasterLayer:
    layer = QgsRasterLayer(path, name)
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    return layer


def _fill(layer) -> QColor:
    return layer.renderer().symbol().color()


def test_dock_compares_two_dates_and_styles_the_three_layers(qtbot, dock, clean_settings, tmp_path):
    cfg = clean_settings
    cfg.backend, cfg.model, cfg.prompt, cfg.device = "transformers", os.path.join(ENGINE_ROOT, "resources", "tiny_reasoner"), \
        "tiny-reasoner", "cpu"
    cfg.tile_size, cfg.overlap, cfg.max_pixels, cfg.strategy = 112, 24, 112 * 112, "tiles"
    cfg.save()
    before = _layer(_geotiff(tmp_path / "2019.tif", _scene([KEPT, GONE])), "2019")
    after = _layer(_geotiff(tmp_path / "2024.tif", _scene([KEPT, NEW])), "2024")
    q = dock.question
    q.set_mode("locate")
    assert not q.compare.isHidden() and q.compare.layer() is None  # empty: a run on one raster
    q.layer_combo.setLayer(before)
    q.compare.set_layer(after)
    q.extent.set_source("layer")
    assert q.compare_layer() is after
    q.set_mode("ask")
    assert q.compare.isHidden() and q.compare_layer() is None  # answers in text: no change run
    q.set_mode("locate")
    summary, _results = run_dock(qtbot, dock, "bright squares", timeout_ms=480_000)
    assert summary["status"] == "finished", summary
    assert summary["counts"] == {"appeared": 1, "disappeared": 1, "persisted": 1}
    group = QgsProject.instance().layerTreeRoot().findGroup("bright squares")
    names = [n.layer().name() for n in group.findLayers()]
    assert names == ["Appeared", "Disappeared", "Persisted"]
    layers = dock.run_layers.layers
    assert {n: layers[n].featureCount() for n in ("appeared", "disappeared", "persisted")} == {
        "appeared": 1, "disappeared": 1, "persisted": 1}
    assert layers["appeared"].crs().authid() == "EPSG:32633"
    green, red, grey = (_fill(layers[n]) for n in ("appeared", "disappeared", "persisted"))
    assert (green.red(), green.green(), green.blue()) == (44, 160, 44)
    assert (red.red(), red.green(), red.blue()) == (214, 39, 40)
    assert (grey.red(), grey.green(), grey.blue()) == (140, 140, 140)
    # the appeared square is where it was built (map coordinates of NEW)
    box = next(layers["appeared"].getFeatures()).geometry().boundingBox()
    c, r, w, h = NEW
    assert box.xMinimum() == pytest.approx(ORIGIN[0] + c * PIXEL_M, abs=3) and \
        box.yMaximum() == pytest.approx(ORIGIN[1] - r * PIXEL_M, abs=3)
    line = dock.status.tally_label.text()
    assert line.startswith("1 appeared (") and ", 1 disappeared (" in line and line.endswith(", 1 persisted")
    assert dock.last_message == ("success", f"Changes: {line}.")
    reasoning = dock.reasoning_text.toPlainText()  # each date's views told apart
    assert "First date, view 1:" in reasoning and "Second date, view 2:" in reasoning
