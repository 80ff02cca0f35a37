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
    assert q.compare.experimental.isHidden()
    q.set_mode("ask")  # both dates in one turn: possible, marked experimental
    assert not q.compare.experimental.isHidden() and q.compare_layer() is after
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
    assert dock.results.table.isHidden()  # the three layers are the results; Export… writes them
    written = dock.export_to("gpkg", str(tmp_path / "export.gpkg"))
    from qgis.core import QgsVectorLayer

    assert written and all(QgsVectorLayer(f"{written[0]}|layername={n}", n, "ogr").featureCount() == 1
                           for n in ("appeared", "disappeared", "persisted"))
    reasoning = dock.reasoning_text.toPlainText()  # each date's views told apart
    assert "First date, view 1:" in reasoning and "Second date, view 2:" in reasoning


def test_a_change_run_stopped_on_the_second_date_is_resumed_from_the_history(clean_settings, tmp_path):
    """History: a change GeoPackage cancelled on its second date is continued by RunController.resume_request
    (the engine finds the unfinished date); a redo from its answers is refused with what to do instead."""
    import json
    import subprocess

    from remotereasoner_qgis.bridge.history import read_runs
    from remotereasoner_qgis.bridge.run_session import RunController, RunRefused
    from rr_support import ROOT

    first = _geotiff(tmp_path / "2019.tif", _scene([KEPT, GONE]))
    second = _geotiff(tmp_path / "2024.tif", _scene([KEPT, NEW]))
    answers = {}
    for name, squares in (("first", [KEPT, GONE]), ("second", [KEPT, NEW])):
        boxes = [[c, r, c + w, r + h] for c, r, w, h in squares]
        answers[name] = tmp_path / f"{name}.jsonl"
        answers[name].write_text(json.dumps({"tile_id": 0, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                                             "input_size": [200, 112]}) + "\n")
    out = tmp_path / "change.gpkg"
    script = (  # the engine, cancelled as soon as the second date starts: its first date finished, its second not
        "import sys, threading\n"
        "from inference_core.contract.options import RunOptions\nfrom inference_core.run.pipeline import run\n"
        "c = threading.Event()\n"
        f"s = run(RunOptions(raster={first!r}, compare_with={second!r}, query='bright squares', out={str(out)!r}, "
        f"backend='replay', replay={str(answers['first'])!r}, replay_after={str(answers['second'])!r}), "
        "emit=lambda ev: c.set() if ev.get('date') == 'after' else None, cancel=c)\n"
        "sys.exit(0 if s.status == 'cancelled' else 1)\n")
    proc = subprocess.run([clean_settings.engine_python, "-c", script], cwd=str(ROOT), capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    entries = read_runs(str(out))
    assert sorted(e.status for e in entries) == ["cancelled", "finished"]
    stopped = next(e for e in entries if e.status == "cancelled")
    assert stopped.resumable
    runs = RunController()
    with pytest.raises(RunRefused, match="cannot be redone"):
        runs.redo_request(stopped, None, 0.0, 0.0)
    request = runs.resume_request(stopped)
    outcome = runs.run_blocking(request, clean_settings.engine_python, {}, lambda: False)
    assert outcome.summary is not None and outcome.summary["status"] == "finished", outcome
    assert outcome.summary["counts"] == {"appeared": 1, "disappeared": 1, "persisted": 1}
    assert runs.end.text.startswith("Changes: 1 appeared (")


def test_describe_what_changed_in_the_dock_is_experimental(qtbot, dock, clean_settings, tmp_path):
    """Describe with a second date: one answer about both dates (recorded here), the answers layer, and the run's
    warning that the checkpoint was trained on single images."""
    import json

    from test_dock import _replay_settings

    replay = tmp_path / "describe.jsonl"
    replay.write_text(json.dumps({"tile_id": 0, "raw_text": "<think>The right square is gone.</think><answer>One "
                                  "building was torn down and one was built.</answer>"}) + "\n")
    _replay_settings(clean_settings, replay)
    before = _layer(_geotiff(tmp_path / "2019.tif", _scene([KEPT, GONE])), "2019")
    after = _layer(_geotiff(tmp_path / "2024.tif", _scene([KEPT, NEW])), "2024")
    q = dock.question
    q.set_mode("describe")
    q.layer_combo.setLayer(before)
    q.compare.set_layer(after)
    q.extent.set_source("layer")
    warnings = []
    dock.runs.warning.connect(warnings.append)
    summary, _ = run_dock(qtbot, dock, "")
    assert summary["status"] == "finished" and summary["counts"] == {"answers": 1}
    assert dock.answer_panel.answer() == "One building was torn down and one was built."
    assert any("trained on single images" in w for w in warnings), warnings
    assert dock.run_layers.layers["answers"].featureCount() == 1
