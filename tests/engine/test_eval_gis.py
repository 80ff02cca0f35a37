"""GIS comparison: a result GeoPackage's masks vs reference polygons on a synthetic GeoTIFF's grid."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from inference_core.evaluate.gis import CompareError, compare, format_comparison

X0, Y0, PX = 500000.0, 4000000.0, 0.5  # make_geotiff's default grid: origin, 0.5 m pixels, EPSG:32633


def _px_box(c0, r0, c1, r1):
    """A map rectangle covering pixel columns c0..c1-1 and rows r0..r1-1."""
    return box(X0 + c0 * PX, Y0 - r1 * PX, X0 + c1 * PX, Y0 - r0 * PX)


def _result_gpkg(path, crs="EPSG:32633"):
    masks = gpd.GeoDataFrame(
        {"run_id": ["old", "new"], "target_id": [1, 1], "query": ["q", "q"]},
        geometry=[_px_box(0, 0, 100, 100), _px_box(10, 10, 50, 50)], crs="EPSG:32633",
    ).to_crs(crs)
    masks.to_file(path, layer="masks", driver="GPKG")
    boxes = gpd.GeoDataFrame({"run_id": ["new"], "target_id": [1]}, geometry=[_px_box(10, 10, 50, 50)], crs="EPSG:32633")
    boxes.to_file(path, layer="boxes", driver="GPKG")
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (run_id TEXT, started TEXT)")
    con.executemany("INSERT INTO runs VALUES (?, ?)", [("old", "2026-11-27T10:00:00"), ("new", "2026-11-27T11:00:00")])
    con.commit()
    con.close()
    return path


def test_compare_known_iou(tmp_path, make_geotiff):
    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    # reference: the target shifted 10 px right (1200 px overlap) plus a 10x10 px object nobody found
    ref = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[_px_box(20, 10, 60, 50), _px_box(70, 70, 80, 80)], crs="EPSG:32633")
    ref.to_file(tmp_path / "ref.shp")
    c = compare(result, tmp_path / "ref.shp", raster, block=32)  # small windows exercise the seams
    assert (c.intersection_px, c.union_px, c.pred_px, c.ref_px) == (1200, 2100, 1600, 1700)
    assert c.iou == pytest.approx(1200 / 2100)
    assert c.summary.giou == pytest.approx(1200 / 2100) and c.summary.ciou == pytest.approx(1200 / 2100)
    assert c.summary.precision["0.5"] == 1.0 and c.summary.precision["0.6"] == 0.0
    assert c.pixel_area == pytest.approx(0.25)
    # objects: the one prediction matches "a" (IoU 0.6); "b" is missed
    assert (c.objects.n_pred, c.objects.n_ref, c.objects.matched) == (1, 2, 1)
    assert c.objects.precision == 1.0 and c.objects.recall == 0.5
    # envelope of the reference (cols 20..80, rows 10..80) vs the prediction (10..50, 10..50)
    env_inter = 30 * 40
    assert c.box_iou == pytest.approx(env_inter / (40 * 40 + 60 * 70 - env_inter))
    assert c.summary.acc_box == 0.0
    # the same counts with one window
    c2 = compare(result, tmp_path / "ref.shp", raster)
    assert (c2.intersection_px, c2.union_px) == (1200, 2100)
    text = format_comparison(c)
    assert "57.14 %" in text and "1 matched of 1 predicted / 2 reference" in text


def test_compare_reprojects_reference_and_scores_boxes(tmp_path, make_geotiff):
    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    ref = gpd.GeoDataFrame(geometry=[_px_box(10, 10, 50, 50)], crs="EPSG:32633").to_crs("EPSG:4326")
    ref.to_file(tmp_path / "ref.geojson", driver="GeoJSON")
    c = compare(result, tmp_path / "ref.geojson", raster, layer="boxes")
    # a 20 m square through WGS 84 and back stays within a pixel of itself
    assert c.ref_px == pytest.approx(1600, abs=80)
    assert c.iou > 0.95 and c.objects.matched == 1
    assert any("reprojected" in n for n in c.notes)


def test_compare_errors(tmp_path, make_geotiff):
    raster = make_geotiff(np.zeros((3, 10, 10), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    with pytest.raises(CompareError, match="does not exist"):
        compare(result, tmp_path / "missing.shp", raster)
    with pytest.raises(CompareError, match="use masks or boxes"):
        compare(result, result, raster, layer="contours")
    with pytest.raises(CompareError, match="Cannot open the raster"):
        compare(result, result, tmp_path / "nope.tif")
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([X0 + 1], [Y0 - 1]), crs="EPSG:32633")
    pts.to_file(tmp_path / "pts.geojson", driver="GeoJSON")
    with pytest.raises(CompareError, match="no polygons"):
        compare(result, tmp_path / "pts.geojson", raster)


def test_compare_cli_prints_metrics_and_writes_json(tmp_path, make_geotiff, capsys):
    import json

    from inference_core.cli.main import main

    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    gpd.GeoDataFrame(geometry=[_px_box(10, 10, 50, 30)], crs="EPSG:32633").to_file(tmp_path / "ref.gpkg", layer="truth")
    rc = main(["compare", str(result), str(tmp_path / "ref.gpkg"), "--raster", str(raster), "--json", str(tmp_path / "c.json")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "IoU (= gIoU = cIoU) : 50.00 %" in out  # 800 of 1600 pixels
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["intersection_px"] == 800 and data["union_px"] == 1600 and data["iou"] == 0.5
    rc = main(["compare", str(result), str(tmp_path / "nope.shp"), "--raster", str(raster)])
    assert rc == 1 and "does not exist" in capsys.readouterr().err


def test_compare_per_object_scores_and_the_runs_raster(tmp_path, make_geotiff):
    """Each object's IoU and status (matched / false / missed) with its partner; without --raster the run's
    raster (its `runs` row) gives the grid; the JSON reads back through the contract's ComparisonReport."""
    import json

    from inference_core.contract.comparison import ComparisonReport

    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = tmp_path / "result.gpkg"
    gpd.GeoDataFrame({"run_id": ["r1", "r1"], "target_id": [4, 7]},
                     geometry=[_px_box(10, 10, 50, 50), _px_box(80, 80, 90, 90)], crs="EPSG:32633",
                     ).to_file(result, layer="masks", driver="GPKG")
    con = sqlite3.connect(result)
    con.execute("CREATE TABLE runs (run_id TEXT, started TEXT, raster TEXT)")
    con.execute("INSERT INTO runs VALUES ('r1', '2026-12-01T10:00:00', ?)", (str(raster),))
    con.commit()
    con.close()
    # reference fid 1: target 4 shifted 10 px right (IoU 1200/2000 = 0.6); fid 2: a 10x20 px object nobody found
    gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[_px_box(20, 10, 60, 50), _px_box(0, 60, 10, 80)],
                     crs="EPSG:32633").to_crs("EPSG:3857").to_file(tmp_path / "ref.gpkg", layer="truth", driver="GPKG")
    c = compare(result, tmp_path / "ref.gpkg")  # no raster: the run's
    assert c.raster == str(raster) and c.run_id == "r1"
    # pixels: pred 1600 + 100, ref 1600 + 200, intersection 1200
    assert (c.intersection_px, c.pred_px, c.ref_px) == (1200, 1700, 1800)
    assert c.union_px == 1700 + 1800 - 1200
    by = {(o.source, o.id): o for o in c.per_object}
    assert set(by) == {("predicted", 4), ("predicted", 7), ("reference", 1), ("reference", 2)}
    assert (by["predicted", 4].status, by["predicted", 4].partner) == ("matched", 1)
    assert by["predicted", 4].iou == pytest.approx(1200 / 2000, abs=1e-6)
    assert by["reference", 1].iou == pytest.approx(0.6, abs=1e-6) and by["reference", 1].partner == 4
    assert (by["predicted", 7].status, by["predicted", 7].iou, by["predicted", 7].partner) == ("false", 0.0, None)
    assert (by["reference", 2].status, by["reference", 2].iou) == ("missed", 0.0)
    # the miss's geometry is in the raster CRS (reprojected back from EPSG:3857)
    from shapely import wkt

    miss = wkt.loads(by["reference", 2].wkt)
    assert miss.bounds == pytest.approx(_px_box(0, 60, 10, 80).bounds, abs=1e-4)
    report = ComparisonReport.from_dict(json.loads(json.dumps(c.to_dict())))
    assert (report.matched, report.missed, report.false_alarms) == (1, 1, 1)
    assert report.iou == pytest.approx(1200 / 2300) and report.giou == pytest.approx(1200 / 2300)
    assert [o.status for o in report.per_object] == ["matched", "false", "matched", "missed"]
    # a result GeoPackage that names no raster needs --raster
    _result_gpkg(tmp_path / "old.gpkg")
    with pytest.raises(CompareError, match="--raster"):
        compare(tmp_path / "old.gpkg", tmp_path / "ref.gpkg")


def test_compare_an_unknown_run_id_names_the_runs_present(tmp_path, make_geotiff, capsys):
    """Before: scored nothing, "0 predicted, 2 missed", exit 0."""
    from inference_core.cli.main import main

    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    gpd.GeoDataFrame(geometry=[_px_box(10, 10, 50, 30)], crs="EPSG:32633").to_file(tmp_path / "ref.gpkg", layer="truth")
    with pytest.raises(CompareError, match="result.gpkg has no run 'nope': its runs are old, new. Give one of them"):
        compare(result, tmp_path / "ref.gpkg", raster, run_id="nope")
    rc = main(["compare", str(result), str(tmp_path / "ref.gpkg"), "--raster", str(raster), "--run-id", "nope"])
    cap = capsys.readouterr()
    assert rc == 1 and "has no run 'nope': its runs are old, new" in cap.err and cap.out == ""
    assert compare(result, tmp_path / "ref.gpkg", raster, run_id="old").pred_px == 10_000  # a run that exists


def test_compare_a_reference_without_geometry_names_the_file(tmp_path, make_geotiff):
    raster = make_geotiff(np.zeros((3, 100, 100), np.uint8))
    result = _result_gpkg(tmp_path / "result.gpkg")
    (tmp_path / "truth.csv").write_text("name,area\nroof,12\n")
    with pytest.raises(CompareError, match=r"Reference truth.csv \(layer 'truth'\) has no geometry field"):
        compare(result, tmp_path / "truth.csv", raster)
