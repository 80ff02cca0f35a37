"""Result layers from a run GeoPackage: group, CRS, styles, map tips, results table rows, export."""

from __future__ import annotations

import os
import subprocess

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from remotereasoner_qgis.bridge.schema_fields import as_field_type
from remotereasoner_qgis.ui import layers as rl
from rr_support import ROOT, engine_python

CRS = QgsCoordinateReferenceSystem("EPSG:32617")
# OSBS_029's origin (upper-left) in UTM 17N; 0.1 m pixels.
X0, Y0 = 404211.9, 3285142.9


def _write(path, name, wkb, fields, rows, first):
    qf = QgsFields()
    for fname, ftype in fields:
        qf.append(QgsField(fname, ftype))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = name
    opts.datasourceOptions = ["VERSION=1.2"] if first else []
    if not first:
        opts.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    ctx = QgsProject.instance().transformContext()
    writer = QgsVectorFileWriter.create(str(path), qf, wkb, CRS, ctx, opts)
    assert writer.hasError() == QgsVectorFileWriter.WriterError.NoError, writer.errorMessage()
    for wkt, attrs in rows:
        f = QgsFeature(qf)
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        f.setAttributes(attrs)
        writer.addFeature(f)
    del writer


def box_wkt(x1, y1, x2, y2):
    return f"POLYGON(({x1} {y1},{x2} {y1},{x2} {y2},{x1} {y2},{x1} {y1}))"


@pytest.fixture
def run_gpkg(tmp_path):
    """A run GeoPackage with the layers of docs/SCHEMA.md: 2 boxes, 2 masks, 2 contours of run 'r1'."""
    path = tmp_path / "run.gpkg"
    # QMetaType, never QVariant.Type (gone in Qt 6), as this QGIS's QgsField takes it
    s, i, d = (as_field_type(t) for t in (QMetaType.Type.QString, QMetaType.Type.Int, QMetaType.Type.Double))
    boxes = [
        (box_wkt(X0 + 1, Y0 - 5, X0 + 5, Y0 - 1), ["r1", 1, "the tree crowns", "tree", 0.9, 0, "crown in the NW", "m"]),
        (box_wkt(X0 + 10, Y0 - 12, X0 + 12, Y0 - 10), ["r1", 2, "the tree crowns", None, None, 0, "second", "m"]),
    ]
    _write(path, "boxes", QgsWkbTypes.Type.Polygon,
           [("run_id", s), ("target_id", i), ("query", s), ("label", s), ("score", d), ("tile_id", i),
            ("reasoning", s), ("model", s)], boxes, True)
    masks = [
        (f"MULTIPOLYGON((({X0+2} {Y0-4},{X0+4} {Y0-4},{X0+4} {Y0-2},{X0+2} {Y0-2},{X0+2} {Y0-4})))",
         ["r1", 1, "the tree crowns", 4.0, 0.8, "m"]),
        (f"MULTIPOLYGON((({X0+10} {Y0-12},{X0+11} {Y0-12},{X0+11} {Y0-11},{X0+10} {Y0-11},{X0+10} {Y0-12})))",
         ["r1", 2, "the tree crowns", 1.0, 0.7, "m"]),
    ]
    _write(path, "masks", QgsWkbTypes.Type.MultiPolygon,
           [("run_id", s), ("target_id", i), ("query", s), ("area_m2", d), ("sam_score", d), ("model", s)], masks, False)
    contours = [
        (f"MULTILINESTRING(({X0+2} {Y0-4},{X0+4} {Y0-4},{X0+4} {Y0-2},{X0+2} {Y0-2},{X0+2} {Y0-4}))",
         ["r1", 1, "the tree crowns", 8.0]),
        (f"MULTILINESTRING(({X0+10} {Y0-12},{X0+11} {Y0-12},{X0+11} {Y0-11},{X0+10} {Y0-11},{X0+10} {Y0-12}))",
         ["r1", 2, "the tree crowns", 4.0]),
    ]
    _write(path, "contours", QgsWkbTypes.Type.MultiLineString,
           [("run_id", s), ("target_id", i), ("query", s), ("length_m", d)], contours, False)
    return str(path)


def test_group_layers_crs_counts_and_order(qgis_new_project, run_gpkg):
    run = rl.add_run_layers(run_gpkg, "  the tree\ncrowns ", ("boxes", "masks", "contours"), run_id="r1")
    root = QgsProject.instance().layerTreeRoot()
    assert root.children()[0] is run.group
    assert run.group.name() == "the tree crowns"
    assert [c.layer().name() for c in run.group.children()] == ["Contours", "Boxes", "Masks"]
    for name in ("boxes", "masks", "contours"):
        layer = run.layers[name]
        assert layer.crs().authid() == "EPSG:32617"
        assert layer.featureCount() == 2, name
    assert run.layers["masks"].wkbType() == QgsWkbTypes.Type.MultiPolygon
    assert run.layers["contours"].geometryType() == QgsWkbTypes.GeometryType.LineGeometry


def test_styles_and_map_tips(qgis_new_project, run_gpkg):
    run = rl.add_run_layers(run_gpkg, "q", ("boxes", "masks"), run_id="r1")
    assert set(run.layers) == {"boxes", "masks"}  # contours not asked for
    box_sym = run.layers["boxes"].renderer().symbol()
    # outline only: every fill symbol layer has no brush; the top one is yellow
    assert all(sl.brushStyle() == 0 for sl in box_sym.symbolLayers())
    assert box_sym.symbolLayers()[-1].strokeColor().name() == "#ffdd00"
    mask_fill = run.layers["masks"].renderer().symbol().symbolLayers()[0].fillColor()
    assert 0 < mask_fill.alpha() < 255  # semi-transparent
    assert '"reasoning"' in run.layers["boxes"].mapTipTemplate()
    # masks fetch the reasoning of the box with the same target id
    assert run.layers["boxes"].id() in run.layers["masks"].mapTipTemplate()
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    feat = next(f for f in run.layers["masks"].getFeatures() if f["target_id"] == 1)
    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(run.layers["masks"]))
    ctx.setFeature(feat)
    expr = QgsExpression(f"attribute(get_feature('{run.layers['boxes'].id()}', 'target_id', \"target_id\"), 'reasoning')")
    assert expr.evaluate(ctx) == "crown in the NW"


def test_result_rows_use_mask_area(qgis_new_project, run_gpkg):
    run = rl.add_run_layers(run_gpkg, "q", ("boxes", "masks"), run_id="r1")
    rows = rl.result_rows(run)
    assert [(r.target_id, r.label, r.area) for r in rows] == [(1, "tree", 4.0), (2, "", 1.0)]
    boxes_only = rl.add_run_layers(run_gpkg, "q", ("boxes",), run_id="r1")
    assert [round(r.area, 6) for r in rl.result_rows(boxes_only)] == [16.0, 4.0]


# The engine's own writer (inference_core.run.sink.GpkgSink) appending one box, run by the engine's Python in
# its own process while QGIS holds the file open: what a run does (a write through a second QGIS layer in this
# process is not, and made GDAL fail now and then with "unable to open database file" on QGIS 3.40 / 3.44).
ENGINE_APPEND = """
import sys
import shapely
from inference_core.run.sink import GpkgSink
path, mode, x0, y0 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
sink = GpkgSink(path, "EPSG:32617", ("boxes", "masks"), mode=mode)
sink.write_rows("boxes", "r1", [{"geometry": shapely.box(x0 + 30, y0 - 33, x0 + 33, y0 - 30), "properties": {
    "target_id": 3, "query": "the tree crowns", "label": "tree", "score": 0.5, "tile_id": 1, "reasoning": "third",
    "model": "m"}}])
"""


def test_sync_picks_up_new_rows_and_tables(qgis_new_project, tmp_path, run_gpkg):
    run = rl.add_run_layers(run_gpkg, "q", ("boxes", "masks"), run_id="r1")
    assert run.feature_count("boxes") == 2
    # the engine, another process, appends a box: sync() shows it
    engine_write(run_gpkg, "append")
    run.sync()
    assert run.feature_count("boxes") == 3
    new = [f for f in run.layers["boxes"].getFeatures() if f["target_id"] == 3]
    assert len(new) == 1 and new[0]["reasoning"] == "third"
    box = new[0].geometry().boundingBox()
    assert (box.xMinimum(), box.yMaximum()) == pytest.approx((X0 + 30, Y0 - 30))
    assert new[0].geometry().area() == pytest.approx(9.0)
    # a run whose file does not exist yet: its tables are added when the engine has created them
    missing = rl.add_run_layers(str(tmp_path / "later.gpkg"), "q", ("boxes", "masks"), run_id="r1")
    assert missing.layers == {}
    engine_write(str(tmp_path / "later.gpkg"), "create")
    missing.sync()
    assert set(missing.layers) == {"boxes", "masks"}
    assert missing.feature_count("boxes") == 1 and missing.feature_count("masks") == 0
    assert missing.layers["boxes"].crs().authid() == "EPSG:32617"


def engine_write(path: str, mode: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([engine_python(), "-c", ENGINE_APPEND, path, mode, str(X0), str(Y0)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("fmt,files", [
    ("gpkg", ["out.gpkg"]),
    ("shp", ["out_boxes.shp", "out_masks.shp", "out_contours.shp"]),
    ("geojson", ["out_boxes.geojson", "out_masks.geojson", "out_contours.geojson"]),
])
def test_export(qgis_new_project, tmp_path, run_gpkg, fmt, files):
    run = rl.add_run_layers(run_gpkg, "q", ("boxes", "masks", "contours"), run_id="r1")
    written = rl.export_layers(run.layers, fmt, str(tmp_path / f"out.{fmt}"))
    assert [os.path.basename(p) for p in written] == files
    for name in ("boxes", "masks", "contours"):
        uri = f"{written[0]}|layername={name}" if fmt == "gpkg" else next(p for p in written if name in p)
        layer = QgsVectorLayer(uri, name, "ogr")
        assert layer.isValid(), uri
        assert layer.featureCount() == 2
        if fmt != "geojson":  # GeoJSON is always WGS 84 (RFC 7946)
            assert layer.crs().authid() == "EPSG:32617"
        ids = sorted(f["target_id"] for f in layer.getFeatures())
        assert ids == [1, 2]
    if fmt == "shp":
        layer = QgsVectorLayer(written[0], "b", "ogr")
        assert next(layer.getFeatures())["reasoning"] in ("crown in the NW", "second")
        assert os.path.isfile(str(tmp_path / "out_boxes.cpg"))


def test_export_unknown_format(run_gpkg, qgis_new_project):
    run = rl.add_run_layers(run_gpkg, "q", ("boxes",), run_id="r1")
    with pytest.raises(rl.ExportError, match="Unknown export format kml"):
        rl.export_layers(run.layers, "kml", "/tmp/x.kml")


def test_live_run_adds_removes_and_swaps_to_gpkg(qgis_new_project, run_gpkg):
    crs_wkt = CRS.toWkt()
    live = rl.LiveRun("the tree crowns", ("boxes", "masks"))
    ev = {"type": "result", "run_id": "r1", "tile_id": 0, "crs": crs_wkt, "features": {
        "boxes": [{"wkt": box_wkt(X0 + 1, Y0 - 5, X0 + 5, Y0 - 1),
                   "properties": {"target_id": 1, "query": "the tree crowns", "label": "tree", "reasoning": "r", "tile_id": 0}},
                  {"wkt": box_wkt(X0 + 7, Y0 - 9, X0 + 9, Y0 - 7),
                   "properties": {"target_id": 2, "query": "the tree crowns", "tile_id": 0, "unknown": "ignored"}}],
        "masks": []}, "removed": {}}
    assert live.add(ev) == 2
    boxes = live.layers["boxes"]
    assert boxes.crs().authid() == "EPSG:32617" and boxes.featureCount() == 2
    assert live.group.name() == "the tree crowns"
    assert {f["run_id"] for f in boxes.getFeatures()} == {"r1"}
    # the next tile merges target 2 into a new target 3
    ev2 = {"type": "result", "run_id": "r1", "tile_id": 1, "crs": crs_wkt, "removed": {"boxes": [2]}, "features": {
        "boxes": [{"wkt": box_wkt(X0 + 7, Y0 - 12, X0 + 12, Y0 - 7), "properties": {"target_id": 3, "tile_id": 1}}]}}
    assert live.add(ev2) == 1
    assert sorted(f["target_id"] for f in boxes.getFeatures()) == [1, 3]
    group = live.group
    run = live.finish(run_gpkg, "r1")
    assert run.group is group and set(run.layers) == {"boxes", "masks"}
    assert run.layers["boxes"].providerType() == "ogr" and run.feature_count("boxes") == 2
    assert len(QgsProject.instance().mapLayers()) == 2  # the memory layers are gone
    assert [c.layer().name() for c in group.children()] == ["Boxes", "Masks"]


def test_live_run_takes_a_views_masks_in_partial_batches(qgis_new_project):
    """The worker sends a view of many boxes as partial `result` events (a batch of masks and contours each, with
    the targets they replace) and then the view's boxes: the live layers end with every target once."""
    crs_wkt = CRS.toWkt()
    live = rl.LiveRun("q", ("boxes", "masks"))

    def mask(t, x):
        return {"wkt": f"MULTIPOLYGON((({X0 + x} {Y0 - 2},{X0 + x + 1} {Y0 - 2},{X0 + x + 1} {Y0 - 1},{X0 + x} {Y0 - 1},"
                       f"{X0 + x} {Y0 - 2})))", "properties": {"target_id": t, "tile_id": 1, "area_m2": 1.0}}

    # an earlier view left target 0's mask; this view's mask of target 0 joins it (removed, then added again)
    assert live.add({"type": "result", "run_id": "r1", "tile_id": 0, "crs": crs_wkt, "removed": {},
                     "features": {"masks": [mask(0, 0)]}}) == 1
    batches = [[mask(0, 0), mask(5, 2)], [mask(6, 4), mask(7, 6)], [mask(8, 8)]]
    for i, batch in enumerate(batches[:2]):
        assert live.add({"type": "result", "run_id": "r1", "tile_id": 1, "crs": crs_wkt, "partial": True,
                         "removed": {"masks": [0] if i == 0 else []}, "features": {"masks": batch}}) == 2
    boxes = [{"wkt": box_wkt(X0 + x, Y0 - 3, X0 + x + 1, Y0 - 1), "properties": {"target_id": t, "tile_id": 1}}
             for t, x in ((5, 2), (6, 4), (7, 6), (8, 8))]
    assert live.add({"type": "result", "run_id": "r1", "tile_id": 1, "crs": crs_wkt, "removed": {"boxes": []},
                     "features": {"boxes": boxes, "masks": batches[2]}}) == 5
    assert sorted(f["target_id"] for f in live.layers["masks"].getFeatures()) == [0, 5, 6, 7, 8]
    assert sorted(f["target_id"] for f in live.layers["boxes"].getFeatures()) == [5, 6, 7, 8]
    assert {f["area_m2"] for f in live.layers["masks"].getFeatures()} == {1.0}


def test_field_type_fits_this_qgis():
    """QgsField takes QMetaType.Type from QGIS 3.38 (QGIS 4 has no QVariant.Type); before, QVariant's number."""
    from qgis.core import Qgis, QgsField
    from remotereasoner_qgis.bridge.schema_fields import QGSFIELD_TAKES_METATYPE, field_type

    assert QGSFIELD_TAKES_METATYPE == (Qgis.QGIS_VERSION_INT >= 33800)
    # QgsField.type() is a QVariant.Type before 3.38 (same numbers as QMetaType), a QMetaType.Type after
    expected = {"str": QMetaType.Type.QString, "int": QMetaType.Type.LongLong, "float": QMetaType.Type.Double,
                "datetime": QMetaType.Type.QDateTime}
    for kind, meta in expected.items():
        assert QgsField("f", field_type(kind)).type() == meta, kind


def test_live_layers_and_processing_fallback_follow_the_schema(qgis_new_project):
    """Both build their fields from inference_core.contract.schema through one kind -> field type mapping."""
    from inference_core.contract.schema import FIELDS
    from remotereasoner_qgis.processing.reason_algorithm import LAYER_SINKS, result_fields

    live = rl.LiveRun("q", ("boxes", "masks", "contours"))
    live.add({"type": "result", "run_id": "r1", "crs": CRS.toWkt(), "features": {}})
    kinds = {QMetaType.Type.QString: "str", QMetaType.Type.LongLong: "int", QMetaType.Type.Double: "float"}
    for name, expected in FIELDS.items():
        if name not in live.layers:
            continue  # the runs and responses tables are no map layers
        for fields in (live.layers[name].fields(), result_fields(None, name)):
            assert [(f.name(), kinds[f.type()]) for f in fields] == list(expected), name
    assert {n: wkb for n, (_param, wkb) in LAYER_SINKS.items()} == {
        "boxes": QgsWkbTypes.Type.Polygon, "masks": QgsWkbTypes.Type.MultiPolygon, "contours": QgsWkbTypes.Type.MultiLineString,
        "answers": QgsWkbTypes.Type.Polygon}
    assert live.layers["contours"].wkbType() == QgsWkbTypes.Type.MultiLineString
