"""Compare with a reference layer: a replayed run's boxes against reference polygons in another CRS (EPSG:4326,
a memory layer), through the dock's panel and the engine's `compare`; the numbers are those a hand count of
pixels gives, and the misses and false alarms layer holds exactly the objects that should be there."""

from __future__ import annotations

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from conftest import write_replay
from test_dock import TWO_TREES, XMIN, YMAX, _replay_settings, run_dock


def px_rect(c0, r0, c1, r1) -> QgsRectangle:
    """The map rectangle of pixel columns c0..c1-1, rows r0..r1-1 of the 0.1 m sample."""
    return QgsRectangle(XMIN + c0 * 0.1, YMAX - r1 * 0.1, XMIN + c1 * 0.1, YMAX - r0 * 0.1)


def reference_in_4326(rects) -> QgsVectorLayer:
    """A memory layer in WGS 84 holding the UTM rectangles, reprojected vertex by vertex."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "reference", "memory")
    xform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32617"), QgsCoordinateReferenceSystem("EPSG:4326"),
                                   QgsProject.instance())
    feats = []
    for r in rects:
        g = QgsGeometry.fromRect(r)
        assert g.transform(xform) == 0
        f = QgsFeature()
        f.setGeometry(g)
        feats.append(f)
    ok, out = layer.dataProvider().addFeatures(feats)
    assert ok
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_compare_panel_matches_a_hand_count(qtbot, dock, raster, clean_settings, tmp_path):
    # the run: boxes of pixels [10,20,110,120] (target 0) and [200,200,300,280] (target 1)
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "the two biggest tree crowns")
    assert summary["counts"]["boxes"] == 2
    # reference: target 0 shifted 10 px right, and an object at columns 0..39, rows 300..339 nobody found
    ref = reference_in_4326([px_rect(20, 20, 120, 120), px_rect(0, 300, 40, 340)])
    ref_fids = sorted(f.id() for f in ref.getFeatures())
    panel = dock.analyst.compare
    assert panel.result_combo.currentLayer() is dock.run_layers.layers["boxes"]  # offered by the dock's hook
    panel.reference_combo.setLayer(ref)
    with qtbot.waitSignal(panel.compareFinished, timeout=120_000) as blocker:
        assert panel.start_compare() is not None
    report, error = blocker.args
    assert error == "" and report is not None
    # by hand: box 1 = 100 x 100 px, its reference 100 x 100 px, overlap 90 x 100; box 2 = 100 x 80 px;
    # the missed reference 40 x 40 px
    inter, pred, refpx = 90 * 100, 100 * 100 + 100 * 80, 100 * 100 + 40 * 40
    assert (report.intersection_px, report.pred_px, report.ref_px) == (inter, pred, refpx)
    assert report.union_px == pred + refpx - inter
    assert report.iou == pytest.approx(9000 / 20600) and report.giou == pytest.approx(9000 / 20600)
    assert report.ciou == pytest.approx(9000 / 20600)
    assert (report.matched, report.missed, report.false_alarms, report.n_pred, report.n_ref) == (1, 1, 1, 2, 2)
    assert report.crs == "EPSG:32617" and any("reprojected" in n for n in report.notes)
    by = {(o.source, o.id): o for o in report.per_object}
    # target ids count from 0, as in the results table
    assert by["predicted", 0].status == "matched" and by["predicted", 0].partner == ref_fids[0]
    assert by["predicted", 0].iou == pytest.approx(9000 / 11000, abs=1e-6)
    assert (by["predicted", 1].status, by["predicted", 1].iou) == ("false", 0.0)
    assert (by["reference", ref_fids[1]].status, by["reference", ref_fids[0]].status) == ("missed", "matched")
    # the panel's numbers and table
    text = panel.metrics_label.text()
    assert "IoU 43.69 %" in text and "1 matched, 1 missed, 1 false alarms of 2 results / 2 reference objects" in text
    assert panel.objects_table.rowCount() == 4
    assert panel.objects_table.item(0, 0).text() == "Result #0" and panel.objects_table.item(0, 2).text() == "0.818"
    # the misses and false alarms layer: in the raster CRS, one miss (16 m²) and one false alarm (80 m²)
    issues = panel.issues
    assert QgsProject.instance().mapLayer(issues.id()) is issues
    assert issues.crs().authid() == "EPSG:32617"
    got = sorted((f["status"], f["object_id"], round(f.geometry().area(), 3)) for f in issues.getFeatures())
    assert got == [("false", 1, 80.0), ("missed", ref_fids[1], 16.0)]
    miss = next(f for f in issues.getFeatures() if f["status"] == "missed").geometry().boundingBox()
    assert miss.xMinimum() == pytest.approx(XMIN, abs=1e-4) and miss.yMaximum() == pytest.approx(YMAX - 30.0, abs=1e-4)
    assert issues.renderer().type() == "categorizedSymbol"
    assert {c.value() for c in issues.renderer().categories()} == {"missed", "false"}


def test_compare_refuses_a_layer_that_is_not_a_run(qtbot, dock, raster):
    ref = reference_in_4326([px_rect(0, 0, 10, 10)])
    panel = dock.analyst.compare
    panel.result_combo.setLayer(ref)
    panel.reference_combo.setLayer(ref)
    with qtbot.waitSignal(panel.compareFinished, timeout=5000) as blocker:
        assert panel.start_compare() is None
    assert blocker.args[0] is None and "masks or boxes layer of a RemoteReasoner run" in blocker.args[1]


def test_processing_compare_with_a_shapefile_in_web_mercator(qgis_processing, tmp_path):
    """`remotereasoner:reason` (replay) then `remotereasoner:compare` against a Shapefile in EPSG:3857."""
    import processing
    from qgis.core import QgsApplication, QgsProcessingFeedback, QgsSettings, QgsVectorFileWriter

    from rr_support import SAMPLE, engine_python
    from rr_support import write_replay as write_one_tile

    from remotereasoner_qgis.processing.provider import RemoteReasonerProvider

    reg = QgsApplication.processingRegistry()
    added = None
    if reg.providerById("remotereasoner") is None:
        added = RemoteReasonerProvider()  # kept referenced for the test, removed after it (other modules add theirs)
        assert reg.addProvider(added)
    assert reg.algorithmById("remotereasoner:compare") is not None
    s = QgsSettings()
    s.setValue("RemoteReasoner/engine_python", engine_python())
    try:
        replay = write_one_tile(tmp_path / "r.jsonl", [[10, 20, 110, 120], [200, 200, 300, 280]])
        res = processing.run("remotereasoner:reason", {
            "INPUT": str(SAMPLE), "QUERY": "tree crowns", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
            "OUTPUT_BOXES": "memory:", "OUTPUT_MASKS": "memory:", "OUTPUT_CONTOURS": "memory:"},
            feedback=QgsProcessingFeedback())
        ref = reference_in_4326([px_rect(20, 20, 120, 120), px_rect(0, 300, 40, 340)])
        shp = str(tmp_path / "ref_3857.shp")
        opts = QgsVectorFileWriter.SaveVectorOptions()
        opts.driverName = "ESRI Shapefile"
        opts.ct = QgsCoordinateTransform(ref.crs(), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
        err = QgsVectorFileWriter.writeAsVectorFormatV2(ref, shp, QgsProject.instance().transformContext(), opts)
        assert err[0] == QgsVectorFileWriter.WriterError.NoError, err
        out = processing.run("remotereasoner:compare", {
            "RESULT": res["RESULT_GPKG"], "LAYER": 1, "REFERENCE": shp, "OUTPUT": "memory:"},
            feedback=QgsProcessingFeedback())
    finally:
        s.remove("RemoteReasoner/engine_python")
        if added is not None:
            reg.removeProvider(added)
    assert out["IOU"] == pytest.approx(9000 / 20600) and out["GIOU"] == pytest.approx(9000 / 20600)
    assert (out["MATCHED"], out["MISSED"], out["FALSE_ALARMS"]) == (1, 1, 1)
    issues = out["OUTPUT"] if isinstance(out["OUTPUT"], QgsVectorLayer) else None
    if issues is None:
        from qgis.core import QgsProcessingUtils

        issues = QgsProcessingUtils.mapLayerFromString(out["OUTPUT"], processing.tools.dataobjects.createContext())
    assert sorted((f["status"], round(f.geometry().area(), 3)) for f in issues.getFeatures()) == [
        ("false", 80.0), ("missed", 16.0)]
    assert issues.crs().authid() == "EPSG:32617"
