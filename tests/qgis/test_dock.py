"""The dock: readiness, layer chooser, extents in the raster CRS, options, refusals, history, settings
dialog; then real runs through the engine worker (replay answers and tiny models): result group,
CRS, counts, field values, cancel, event-loop responsiveness, results table, export."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)

from remotereasoner_qgis.ui import dock as rd
from remotereasoner_qgis.bridge.run_paths import new_run_path, run_file_name
from remotereasoner_qgis import settings as rs

# OSBS_029.tif: 400 x 400 px of 0.1 m in EPSG:32617
XMIN, YMAX = 404211.9, 3285142.9
RASTER_EXTENT = (XMIN, YMAX - 40.0, XMIN + 40.0, YMAX)


def rect_tuple(r: QgsRectangle, nd=2):
    return tuple(round(v, nd) for v in (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum()))


def test_sample_extent(raster):
    assert raster.crs().authid() == "EPSG:32617"
    assert rect_tuple(raster.extent()) == RASTER_EXTENT


def test_readiness_names_what_is_missing(qgis_iface, tmp_path):
    QgsSettings().remove("RemoteReasoner")
    rs.PluginSettings(engine_python=str(tmp_path / "nope" / "python"), model=str(tmp_path / "model")).save()
    d = rd.RemoteReasonerDock(qgis_iface)
    try:
        problems = d.refresh_readiness()
        assert len(problems) == 2
        assert str(tmp_path / "nope" / "python") in problems[0] and "engine" in problems[0].lower()
        assert "model folder" in problems[1] and str(tmp_path / "model") in problems[1]
        assert not d.run_button.isEnabled()
        assert not d.readiness_label.isHidden() and not d.settings_button.isHidden()
        assert d.readiness_label.text() == "\n".join(problems)
    finally:
        d.shutdown()
        QgsSettings().remove("RemoteReasoner")


def test_ready_then_sam_missing_for_masks(dock, clean_settings):
    assert dock.refresh_readiness() == []
    assert dock.run_button.isEnabled() and dock.settings_button.isHidden()
    dock.question.check_masks.setChecked(True)
    problems = dock.readiness()
    assert problems == ["Masks and contours need a SAM checkpoint: set it in the settings or tick boxes only."]
    assert not dock.run_button.isEnabled()


def test_readiness_server_and_replay(tmp_path, engine_py):
    from remotereasoner_qgis.bridge.readiness import readiness_problems

    cfg = rs.PluginSettings(engine_python=engine_py, backend="openai")
    assert readiness_problems(cfg, ("boxes",)) == ["No model server: set the server URL in the settings."]
    cfg.server_url = "http://localhost:8000/v1"
    assert readiness_problems(cfg, ("boxes",)) == []
    cfg = rs.PluginSettings(engine_python=engine_py, backend="replay", replay=str(tmp_path / "x.jsonl"))
    assert readiness_problems(cfg, ("boxes",)) == ["No recorded answers file: set the replay file in the settings."]


def test_layer_chooser_follows_active_raster(dock, qgis_iface, raster):
    other = QgsRasterLayer(raster.source(), "copy")
    QgsProject.instance().addMapLayer(other)
    qgis_iface.currentLayerChanged.emit(other)
    assert dock.question.layer_combo.currentLayer() is other
    vector = QgsVectorLayer("Point?crs=EPSG:4326", "pts", "memory")
    QgsProject.instance().addMapLayer(vector)
    qgis_iface.currentLayerChanged.emit(vector)  # a vector layer does not change the raster choice
    assert dock.question.layer_combo.currentLayer() is other


def test_extent_sources_in_raster_crs(dock, qgis_iface, raster):
    canvas = qgis_iface.mapCanvas()
    # whole layer: no extent (the engine reads everything)
    dock.question.extent.set_source("layer")
    assert dock.question.extent.requested_extent(raster) == (None, "")
    # map view in the raster CRS, partly outside the raster: clipped to the raster
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32617"))
    canvas.resize(400, 400)
    canvas.setExtent(QgsRectangle(XMIN + 10, YMAX - 30, XMIN + 50, YMAX + 10))
    dock.question.extent.set_source("view")
    rect, why = dock.question.extent.requested_extent(raster)
    assert why == ""
    assert rect.xMinimum() <= XMIN + 10 + 1e-6 and rect.yMinimum() <= YMAX - 30 + 1e-6
    assert round(rect.xMaximum(), 2) == XMIN + 40 and round(rect.yMaximum(), 2) == YMAX
    # map view in WGS 84: reprojected to UTM 17N
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas.setExtent(QgsRectangle(-81.99, 29.68, -81.97, 29.70))
    rect, why = dock.question.extent.requested_extent(raster)
    assert why == "" and rect_tuple(rect) == RASTER_EXTENT  # the view covers the whole raster
    # a view elsewhere in the world
    canvas.setExtent(QgsRectangle(10.0, 45.0, 10.1, 45.1))
    rect, why = dock.question.extent.requested_extent(raster)
    assert rect is None and why == "The extent does not overlap the raster OSBS_029."


def test_drawn_rectangle_reprojected(dock, raster):
    from qgis.core import QgsCoordinateTransform

    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    utm = QgsCoordinateReferenceSystem("EPSG:32617")
    dock.question.extent.set_source("drawn")
    assert dock.question.extent.requested_extent(raster)[1].startswith("No rectangle drawn")
    target = QgsRectangle(XMIN + 5, YMAX - 25, XMIN + 15, YMAX - 5)
    drawn = QgsCoordinateTransform(utm, wgs, QgsProject.instance()).transformBoundingBox(target)
    dock.question.extent.set_drawn_extent(drawn, wgs)
    rect, why = dock.question.extent.requested_extent(raster)
    assert why == ""
    # the bounding box of a reprojected box is slightly larger than the original: within 0.5 m
    for got, want in zip(rect_tuple(rect), rect_tuple(target)):
        assert abs(got - want) < 0.5


def test_selected_features_bbox(dock, qgis_iface, raster):
    pts = QgsVectorLayer("Point?crs=EPSG:32617", "pts", "memory")
    feats = []
    for x, y in ((XMIN + 2, YMAX - 3), (XMIN + 12, YMAX - 13), (XMIN + 30, YMAX - 35)):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(f)
    pts.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(pts)
    qgis_iface.setActiveLayer(pts)
    dock.question.extent.set_source("selection")
    assert dock.question.extent.requested_extent(raster)[1] == "No selected features: select features in the active vector layer."
    pts.selectByIds([1, 2])
    rect, why = dock.question.extent.requested_extent(raster)
    assert why == "" and rect_tuple(rect) == (XMIN + 2, YMAX - 13, XMIN + 12, YMAX - 3)


def test_run_file_name():
    name = run_file_name("The tree crowns, please!", now=0)
    assert name.endswith("_the-tree-crowns-please.gpkg")
    assert len(name.split("_")[0]) == len("19700101-000000")


def test_a_new_run_never_takes_an_existing_file(tmp_path):
    first = new_run_path(str(tmp_path), "trees", now=0)
    assert first == str(tmp_path / run_file_name("trees", now=0))
    open(first, "w").close()  # a run of the same second
    second = new_run_path(str(tmp_path), "trees", now=0)
    assert second == first[:-5] + "-2.gpkg"
    open(second, "w").close()
    assert new_run_path(str(tmp_path), "trees", now=0) == first[:-5] + "-3.gpkg"


def test_refusals_are_messages(dock, qgis_iface, raster):
    qgis_iface.messageBar().clear_messages()
    dock.question.layer_combo.setLayer(raster)
    assert dock.start_run("") is None
    assert dock.last_message == ("warning", "Type a question first, e.g. “the tree crowns”.")
    dock.question.set_granularity(())
    assert dock.start_run("trees") is None
    assert dock.last_message[1] == "Tick at least one of Boxes, Masks, Contours."
    assert not dock.runs.running()


def test_history(dock, clean_settings):
    for q in ("a", "b", "a"):
        rs.add_to_history(q)
    assert rs.load_history() == ["a", "b"]
    dock.question.reload_history()
    assert dock.question.history() == ["a", "b"] and dock.question.history_button.isEnabled()
    assert dock.question.history_button.text() == "Recent questions" and dock.question.history_button.menu() is dock.question.history_menu
    dock.question.history_menu.actions()[1].trigger()
    assert dock.question.question_edit.toPlainText() == "b"
    for i in range(40):
        rs.add_to_history(f"q{i}")
    assert len(rs.load_history()) == rs.HISTORY_MAX and rs.load_history()[0] == "q39"


def test_output_dir_default(qgis_new_project, tmp_path):
    folder, temporary = rs.output_dir(rs.PluginSettings())
    assert temporary and folder.endswith("remotereasoner")
    QgsProject.instance().setFileName(str(tmp_path / "p.qgz"))
    assert rs.output_dir(rs.PluginSettings()) == (str(tmp_path / "remotereasoner"), False)
    assert rs.output_dir(rs.PluginSettings(output_dir="/x")) == ("/x", False)


class _Models(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        ok = self.path == "/v1/models" and self.headers.get("Authorization") in (None, "Bearer k")
        body = json.dumps({"data": [{"id": "remotereasoner-7b"}, {"id": "qwen2.5-vl"}]}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_settings_dialog_round_trip_and_test_connection(clean_settings):
    from remotereasoner_qgis.ui.settings_dialog import SettingsDialog

    server = HTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dlg = SettingsDialog()
        assert dlg.local_radio.isChecked() and not dlg.server_url_edit.isEnabled()
        assert dlg.test_connection() == []  # no URL yet
        assert dlg.test_label.text().startswith("Type the server URL first")
        dlg.server_radio.setChecked(True)
        assert dlg.server_url_edit.isEnabled() and not dlg.model_edit.isEnabled()
        dlg.server_url_edit.setText(f"http://127.0.0.1:{server.server_port}/v1")
        assert dlg.test_connection() == ["remotereasoner-7b", "qwen2.5-vl"]
        assert dlg.test_label.text() == "Connected: 2 models."
        assert dlg.server_model_combo.currentText() == "remotereasoner-7b"
        dlg.tile_spin.setValue(504)
        dlg.overlap_spin.setValue(300)  # more than half the tile: refused
        dlg.accept()
        assert rs.PluginSettings.load().tile_size == rs.RUN_DEFAULTS.tile_size  # refused: nothing saved
        dlg.overlap_spin.setValue(56)
        dlg.concurrency_spin.setValue(8)
        dlg.accept()
        cfg = rs.PluginSettings.load()
        assert (cfg.backend, cfg.server_model, cfg.tile_size, cfg.overlap, cfg.concurrency) == (
            "openai", "remotereasoner-7b", 504, 56, 8)
        assert cfg.server_url.endswith("/v1") and cfg.engine_python == clean_settings.engine_python
        # the key is never in the settings file
        assert "api_key" not in QgsSettings().allKeys()
        dlg.server_url_edit.setText("http://127.0.0.1:1/v1")
        assert dlg.test_connection() == []
        assert dlg.test_label.text().startswith("Connection failed:")
    finally:
        server.shutdown()


# ----------------------------------------------------------------------------------------------
# Real runs through the engine worker
# ----------------------------------------------------------------------------------------------
from conftest import CANCEL_VIEWS, cancellable_replay, write_replay  # noqa: E402

from qgis.core import QgsVectorLayer as _VL  # noqa: E402
from qgis.PyQt.QtCore import QElapsedTimer, QTimer  # noqa: E402

TWO_TREES = "<think>Two crowns stand out in the north-west and the centre.</think><answer>[[10,20,110,120],[200,200,300,280]]</answer>"


class GapMeter:
    """A 10 ms timer; `worst_ms` is the longest time between two ticks (a stalled event loop)."""

    def __init__(self):
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.worst_ms = 0
        self.ticks = 0

    def _tick(self):
        elapsed = self.clock.restart()
        if self.ticks:
            self.worst_ms = max(self.worst_ms, elapsed)
        self.ticks += 1

    def __enter__(self):
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()


def run_dock(qtbot, dock, question, timeout_ms=90_000, on_result=None):
    results = []
    dock_task = dock.start_run(question)
    assert dock_task is not None, dock.last_message
    dock_task.resultEvent.connect(lambda ev: results.append(ev))
    if on_result is not None:
        dock_task.resultEvent.connect(on_result)
    with qtbot.waitSignal(dock.runCompleted, timeout=timeout_ms) as blocker:
        pass
    return blocker.args[0], results


def _replay_settings(clean_settings, replay, **kw):
    cfg = clean_settings
    cfg.backend, cfg.replay = "replay", str(replay)
    for k, v in kw.items():
        setattr(cfg, k, v)
    cfg.save()
    return cfg


def test_replay_run_adds_result_group(qtbot, qgis_iface, dock, raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    assert dock.refresh_readiness() == []
    # Start the shared worker first: the gap measured is the run's, not the process start-up's
    # on this shared 2-core VM.
    from remotereasoner_qgis.bridge import worker_pool

    assert worker_pool.get(clean_settings.engine_python).client.hello(probe=False)["type"] == "hello"
    with GapMeter() as gaps:
        summary, results = run_dock(qtbot, dock, "the two biggest tree crowns")
    assert summary["status"] == "finished" and summary["counts"]["boxes"] == 2
    # The 100 ms target is measured by benchmarks/bench_plugin_load.py (RESULTS.md). Here only a real
    # freeze fails — a blocking call on the main thread stalls for seconds — not CI machine load.
    assert gaps.ticks > 5 and gaps.worst_ms < 1000, f"event loop stalled {gaps.worst_ms} ms"
    group = QgsProject.instance().layerTreeRoot().findGroup("the two biggest tree crowns")
    assert group is not None
    boxes = dock.run_layers.layers["boxes"]
    assert [c.layer() for c in group.children()] == [boxes]
    assert boxes.crs().authid() == "EPSG:32617"
    assert boxes.source().startswith(str(tmp_path / "out"))
    feats = sorted(boxes.getFeatures(), key=lambda f: f["target_id"])
    assert len(feats) == 2
    assert {f["query"] for f in feats} == {"the two biggest tree crowns"}
    assert feats[0]["reasoning"] == "Two crowns stand out in the north-west and the centre."
    # pixel box [10,20,110,120] of a 400 x 400 input on the 0.1 m raster
    bb = feats[0].geometry().boundingBox()
    assert rect_tuple(bb) == (XMIN + 1.0, YMAX - 12.0, XMIN + 11.0, YMAX - 2.0)
    bb = feats[1].geometry().boundingBox()
    assert rect_tuple(bb) == (XMIN + 20.0, YMAX - 28.0, XMIN + 30.0, YMAX - 20.0)
    # panel, table, progress
    assert "Two crowns stand out" in dock.reasoning_text.toPlainText()
    assert dock.results.table.rowCount() == 2
    assert [dock.results.table.item(r, 2).text() for r in range(2)] == ["100.0", "80.0"]
    assert dock.status.progress.format() == "Done"
    assert dock.last_message == ("success", "Found 2 boxes.")
    assert rs.load_history()[0] == "the two biggest tree crowns"
    # a click zooms to the feature (the canvas is in the raster CRS here)
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(raster.crs())
    extent = dock.results.zoom_to_row(1)
    assert extent.contains(bb)
    assert abs(extent.center().x() - bb.center().x()) < 0.01 and abs(extent.center().y() - bb.center().y()) < 0.01
    # 3 x the 10 m x 8 m box, widened only along one axis to the canvas' aspect ratio
    assert min(extent.width() / 30.0, extent.height() / 24.0) == pytest.approx(1.0, abs=0.01)
    # export
    written = dock.export_to("shp", str(tmp_path / "exp" / "trees.shp"))
    assert [w.rsplit("/", 1)[1] for w in written] == ["trees_boxes.shp"]
    assert _VL(written[0], "x", "ogr").featureCount() == 2


def test_cancel_keeps_finished_tiles(qtbot, dock, raster, clean_settings, tmp_path):
    cancellable_replay(clean_settings, tmp_path)  # 64 views of 56 px, one box each
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, results = run_dock(qtbot, dock, "small things", on_result=lambda ev: dock.cancel_run())
    assert summary["status"] == "cancelled"
    assert 1 <= summary["tiles_done"] < summary["tiles_total"] == CANCEL_VIEWS
    boxes = dock.run_layers.layers["boxes"]
    assert boxes.featureCount() == summary["counts"]["boxes"] == summary["tiles_done"]
    assert dock.status.progress.format() == "Cancelled"
    runs = _VL(f"{summary['out']}|layername=runs", "runs", "ogr")
    assert [f["status"] for f in runs.getFeatures()] == ["cancelled"]


def test_worker_error_goes_to_message_bar_and_log(qtbot, dock, raster, clean_settings, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("this is not json\n")
    _replay_settings(clean_settings, bad)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    logged = []
    from qgis.core import QgsApplication

    QgsApplication.messageLog().messageReceived.connect(lambda m, tag, lvl: logged.append((tag, m)))
    dock.start_run("trees")
    with qtbot.waitSignal(dock.runErrored, timeout=60_000) as blocker:
        pass
    code, message = blocker.args
    assert "bad.jsonl line 1 is not JSON" in message
    level, text = dock.last_message
    assert level == "critical" and text.startswith(f"Failed: {message}")
    assert any(tag == "RemoteReasoner" and "bad.jsonl" in m for tag, m in logged)
    assert not dock.runs.running() and dock.run_button.isEnabled()


@pytest.mark.slow
def test_tiny_models_run_completes(qtbot, dock, raster, clean_settings, tiny_models):
    cfg = clean_settings
    cfg.model, cfg.sam = str(tiny_models["mllm"]), str(tiny_models["sam"])
    cfg.device, cfg.max_pixels, cfg.tile_size, cfg.overlap = "cpu", 200 * 200, 1008, 128
    cfg.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_granularity(("boxes", "masks", "contours"))
    assert dock.refresh_readiness() == []
    summary, _ = run_dock(qtbot, dock, "the tree crowns", timeout_ms=180_000)
    assert summary["status"] == "finished" and summary["tiles_done"] == summary["tiles_total"] == 1
    group = QgsProject.instance().layerTreeRoot().findGroup("the tree crowns")
    # random weights answer anything (usually nothing parseable): the layers that exist are the run's; a run
    # that found nothing leaves no (empty) group
    if not any(summary["counts"].values()):
        assert group is None and dock.run_layers is None
        return
    assert group is not None
    for name, layer in dock.run_layers.layers.items():
        assert layer.crs().authid() == "EPSG:32617"
        assert layer.featureCount() == summary["counts"].get(name, 0)


def _squares_geotiff(path):
    """The end-to-end scene of tests/engine/test_e2e_tiny_reasoner.py (bright squares on a blocky
    background, one across the tile seam), written with QGIS's own GDAL. Returns the squares' map boxes."""
    import numpy as np
    from osgeo import gdal, osr

    squares = {"A": (12, 20, 28, 28), "B": (96, 62, 28, 26), "C": (150, 30, 30, 30)}
    rng = np.random.default_rng(3)
    coarse = rng.uniform(10, 110, size=(8, 15, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:112, :200] + rng.normal(0, 10, size=(112, 200, 3))
    for c, r, w, h in squares.values():
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    img = np.clip(img, 0, 255).astype(np.uint8)
    ds = gdal.GetDriverByName("GTiff").Create(str(path), 200, 112, 3, gdal.GDT_Byte)
    ds.SetGeoTransform((400000.0, 0.5, 0.0, 3300000.0, 0.0, -0.5))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(img[:, :, b])
    ds = None
    return {k: (400000.0 + c * 0.5, 3300000.0 - (r + h) * 0.5, 400000.0 + (c + w) * 0.5, 3300000.0 - r * 0.5)
            for k, (c, r, w, h) in squares.items()}


def test_trained_tiny_reasoner_through_the_dock_finds_the_squares(qtbot, dock, clean_settings, tmp_path):
    """The shipped tiny reasoner (resources/tiny_reasoner) through the real dock, worker and pipeline:
    every square comes back once, at its map position (IoU > 0.5), in the raster's CRS."""
    from conftest import ROOT

    truth = _squares_geotiff(tmp_path / "squares.tif")
    layer = QgsRasterLayer(str(tmp_path / "squares.tif"), "squares")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    cfg = clean_settings
    cfg.model, cfg.prompt = str(ROOT / "resources" / "tiny_reasoner"), "tiny-reasoner"
    cfg.device, cfg.tile_size, cfg.overlap, cfg.max_pixels = "cpu", 112, 24, 112 * 112
    cfg.save()
    dock.question.layer_combo.setLayer(layer)
    dock.question.extent.set_source("layer")
    assert dock.refresh_readiness() == []
    summary, _ = run_dock(qtbot, dock, "bright squares", timeout_ms=180_000)
    assert summary["status"] == "finished" and summary["tiles_total"] == 2
    boxes = dock.run_layers.layers["boxes"]
    assert boxes.crs().authid() == "EPSG:32633"
    got = [f.geometry().boundingBox() for f in boxes.getFeatures()]
    assert len(got) == 3, [g.toString() for g in got]

    def iou(a, r):
        ix = max(0.0, min(a[2], r.xMaximum()) - max(a[0], r.xMinimum()))
        iy = max(0.0, min(a[3], r.yMaximum()) - max(a[1], r.yMinimum()))
        inter = ix * iy
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + r.width() * r.height() - inter)

    for name, box in truth.items():
        assert max(iou(box, r) for r in got) > 0.5, (name, [g.toString() for g in got])
