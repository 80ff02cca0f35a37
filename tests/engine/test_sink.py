"""GpkgSink: GeoPackage 1.2 layers, tile commits, deletions, resume bookkeeping; Shapefile/GeoJSON export."""

from __future__ import annotations

import json
import sqlite3

import pyogrio
import pytest
import shapely

from inference_core.common.errors import InputError
from inference_core.run.export import export, shp_field_name
from inference_core.run.sink import GpkgSink, Measurer, RunRecord, check_output, unfinished_run, utc_now

UTM17 = "EPSG:32617"


def _record(run_id="r1", status="running"):
    return RunRecord(run_id, "/data/x.tif", "[0,0,1,1]", UTM17, "trees", "{}", utc_now(), None, status, "m", 4, "[]")


def _crs_wkt():
    from pyproj import CRS

    return CRS.from_epsg(32617).to_wkt()


def test_layers_version_crs_and_tile_commit(tmp_path):
    out = tmp_path / "r.gpkg"
    sink = GpkgSink(out, _crs_wkt(), ("boxes", "masks", "contours"))
    sink.start_run(_record())
    box = shapely.box(404212.0, 3285100.0, 404213.0, 3285101.5)
    sink.write_tile("r1", 0, {"boxes": [{"geometry": box, "properties": {"target_id": 0, "query": "trees",
                                                                          "score": None, "label": "tree"}}]},
                    {"window": [0, 0, 112, 112], "input_size": [112, 112], "raw_text": "<answer>[]</answer>",
                     "parse_error": None, "seconds": 1.5})
    mp = shapely.MultiPolygon([shapely.box(404212.0, 3285100.0, 404214.0, 3285101.0)])
    sink.write_tile("r1", 1, {"masks": [{"geometry": mp, "properties": {"target_id": 1, "sam_score": 0.9}}],
                              "contours": [{"geometry": shapely.MultiLineString([mp.geoms[0].exterior]),
                                            "properties": {"target_id": 1}}]},
                    {"window": [84, 0, 112, 112], "input_size": [112, 112], "raw_text": "oops",
                     "parse_error": "no box list found in the answer", "seconds": 0.5})
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
    contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert contents == {"boxes": "features", "masks": "features", "contours": "features",
                        "runs": "attributes", "responses": "attributes", "edits": "attributes"}
    assert {r[0] for r in con.execute("SELECT srs_id FROM gpkg_geometry_columns")} == {32617}
    assert con.execute("SELECT tile_id, window, parse_error, seconds FROM responses ORDER BY tile_id").fetchall() == [
        (0, "[0, 0, 112, 112]", None, 1.5), (1, "[84, 0, 112, 112]", "no box list found in the answer", 0.5)]
    con.close()
    meta, _, geoms, fields = pyogrio.raw.read(out, layer="masks")
    assert meta["geometry_type"] == "MultiPolygon" and "32617" in meta["crs"]
    assert fields[list(meta["fields"]).index("area_m2")][0] == pytest.approx(2.0)
    _, _, _, cf = pyogrio.raw.read(out, layer="contours", columns=["length_m"])
    assert cf[0][0] == pytest.approx(6.0)
    boxes = pyogrio.read_dataframe(out, layer="boxes")
    assert list(boxes["label"]) == ["tree"] and boxes.geometry[0].equals(box) and boxes["score"].isna().all()
    assert sink.done_tiles("r1") == {0, 1}
    assert sink.counts("r1") == {"boxes": 1, "masks": 1, "contours": 1}


def test_replacement_partial_tiles_and_run_status(tmp_path):
    out = tmp_path / "r.gpkg"
    sink = GpkgSink(out, _crs_wkt())
    sink.start_run(_record())
    b = shapely.box(0, 0, 1, 1)
    resp = {"window": [0, 0, 1, 1], "input_size": [1, 1], "raw_text": "", "parse_error": None, "seconds": 0.0}
    sink.write_tile("r1", 0, {"boxes": [{"geometry": b, "properties": {"target_id": 0}}]}, resp)
    # Tile 1 rewrites target 0 (grown) and removes the earlier row in the same commit.
    sink.write_tile("r1", 1, {"boxes": [{"geometry": shapely.box(0, 0, 2, 1), "properties": {"target_id": 0}}]},
                    resp, removed={"boxes": [0]})
    df = pyogrio.read_dataframe(out, layer="boxes")
    assert list(df["tile_id"]) == [1] and df.geometry[0].bounds == (0, 0, 2, 1)
    # A crash after features but before the commit: the orphan rows are discarded before resume.
    sink._append_features("boxes", "r1", 2, [{"geometry": b, "properties": {"target_id": 5}}])
    assert sink.counts("r1")["boxes"] == 2
    assert sink.discard_partial_tiles("r1") == 1 and sink.counts("r1")["boxes"] == 1
    assert sink.max_target_id("r1") == 0
    assert sink.last_unfinished_run().run_id == "r1"
    sink.finish_run("r1", "cancelled")
    runs = sink.runs()
    assert runs[0].status == "cancelled" and runs[0].finished.endswith("Z")
    assert sink.last_unfinished_run().status == "cancelled"
    sink.finish_run("r1", "finished")
    assert sink.last_unfinished_run() is None
    # Append mode keeps earlier runs; layers are updatable by GDAL afterwards.
    sink2 = GpkgSink(out, _crs_wkt(), ("boxes", "masks"), mode="append")
    sink2.start_run(_record("r2"))
    assert [r.run_id for r in sink2.runs()] == ["r1", "r2"]
    assert "masks" in {n for n, _ in pyogrio.list_layers(out)}


def test_resume_reads_go_through_the_sink(tmp_path):
    """What the pipeline reads before resuming: the unfinished run (read-only) and the masks to seed merging."""
    out = tmp_path / "r.gpkg"
    with pytest.raises(InputError, match="Nothing to resume: .* does not exist"):
        unfinished_run(out)
    (tmp_path / "notes.gpkg").write_text("not a GeoPackage")
    with pytest.raises(InputError, match="not a result GeoPackage"):
        unfinished_run(tmp_path / "notes.gpkg")
    sink = GpkgSink(out, _crs_wkt(), ("boxes", "masks"))
    assert unfinished_run(out) is None  # no run yet
    sink.start_run(_record())
    mp = shapely.MultiPolygon([shapely.box(0, 0, 2, 1)])
    resp = {"window": [0, 0, 1, 1], "input_size": [1, 1], "raw_text": "", "parse_error": None, "seconds": 0.0}
    sink.write_tile("r1", 3, {"masks": [{"geometry": mp, "properties": {"target_id": 7}}]}, resp)
    assert unfinished_run(out).run_id == "r1"
    [(target_id, tile_id, wkb)] = sink.read_masks("r1")
    assert (target_id, tile_id) == (7, 3) and shapely.from_wkb(wkb).equals(mp)
    assert sink.read_masks("other") == []
    sink.finish_run("r1", "finished")
    assert unfinished_run(out) is None
    with pytest.raises(InputError, match="ending in .gpkg"):
        check_output(tmp_path / "r.shp")
    with pytest.raises(InputError, match="does not exist"):
        check_output(tmp_path / "missing" / "r.gpkg")
    check_output(out)


def test_unwritable_and_wrong_crs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        GpkgSink(tmp_path / "missing" / "r.gpkg", _crs_wkt())
    out = tmp_path / "r.gpkg"
    GpkgSink(out, _crs_wkt())
    with pytest.raises(InputError, match="write to a new --out"):
        GpkgSink(out, "EPSG:4326", mode="append")


def test_measurer_geographic_is_geodesic():
    m = Measurer("EPSG:4326")
    # 0.001° x 0.001° at the equator is about 111.3 m x 110.6 m.
    assert m.area_m2(shapely.box(0, 0, 0.001, 0.001)) == pytest.approx(12308.8, rel=1e-3)
    assert Measurer(None).area_m2(shapely.box(0, 0, 1, 1)) is None


def test_export_shapefile_and_geojson(tmp_path, caplog):
    out = tmp_path / "r.gpkg"
    sink = GpkgSink(out, _crs_wkt())
    sink.start_run(_record())
    long_text = "é" * 300  # 600 bytes in UTF-8
    sink.write_tile("r1", 0, {"boxes": [{"geometry": shapely.box(404212, 3285100, 404213, 3285101),
                                         "properties": {"target_id": 7, "reasoning": long_text, "query": "Bäume"}}]},
                    {"window": [0, 0, 1, 1], "input_size": [1, 1], "raw_text": "", "parse_error": None, "seconds": 0})
    with caplog.at_level("WARNING"):
        paths = export(out, "shp", tmp_path / "res.shp")
    assert paths == [str(tmp_path / "res_boxes.shp")]
    assert "truncated" in caplog.text
    assert (tmp_path / "res_boxes.cpg").read_text().strip().upper().replace("-", "") == "UTF8"
    df = pyogrio.read_dataframe(paths[0])
    assert list(df.columns[:-1]) == ["run_id", "target_id", "query", "label", "score", "tile_id", "reasoning",
                                     "model", "cut_sides", "stage", "unconfirmd", "raster", "prompt", "gsd"]
    assert df["query"][0] == "Bäume" and df["reasoning"][0] == "é" * 127 and df.crs.to_epsg() == 32617
    assert shp_field_name("parse_error") == "parse_err" and shp_field_name("tiles_total") == "tiles_tot"
    gj = export(out, "geojson", tmp_path / "res.geojson")
    data = json.loads(open(gj[0]).read())
    assert data["features"][0]["geometry"]["coordinates"][0][0] == [404213.0, 3285100.0]
    assert "32617" in json.dumps(data["crs"])
