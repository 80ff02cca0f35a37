"""Correct by clicking, in the engine: a run with the tiny SAM, then refine / add / delete / undo through
run/correct.py with the same warm ModelCache — masks, contours, areas and the `edits` table in the GeoPackage."""

from __future__ import annotations

import json
import sqlite3

import pyogrio
import pytest
import shapely

from inference_core.common.errors import InputError
from inference_core.contract.options import RunOptions
from inference_core.models.cache import ModelCache
from inference_core.run.correct import Correction, correct
from inference_core.run.pipeline import run

X0, Y0 = 404211.9, 3285142.9  # OSBS_029 upper-left corner, 0.1 m pixels


def _mask(gpkg, target):
    df = pyogrio.read_dataframe(gpkg, layer="masks", where=f"target_id = {target}")
    return df.geometry[0] if len(df) else None, (float(df["area_m2"][0]) if len(df) else None)


@pytest.fixture(scope="module")
def models():
    cache = ModelCache()
    yield cache
    cache.close()


@pytest.fixture
def result(sample_tif, tmp_path, tiny_models, models):
    replay = tmp_path / "a.jsonl"
    text = "<answer>[[100, 100, 200, 200], [250, 250, 330, 330]]</answer>"
    replay.write_text(json.dumps({"tile_id": 0, "raw_text": text, "input_size": [400, 400]}) + "\n")
    out = tmp_path / "r.gpkg"
    summary = run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay),
                             granularity=("boxes", "masks", "contours"), sam=str(tiny_models.sam_path), device="cpu"),
                  models=models)
    assert summary.counts["masks"] == 2
    return out, summary


def test_refine_add_delete_undo(result, models):
    gpkg, summary = result
    before_geom, before_area = _mask(gpkg, 0)
    # a negative point in the box's middle and a positive one near its corner
    pts = [(X0 + 15.0, Y0 - 15.0, 0), (X0 + 11.0, Y0 - 11.0, 1)]
    r = correct(Correction(str(gpkg), "refine", target_id=0, points=pts), models)
    assert r.embedding_cached is True  # the run encoded this window; the correction reuses it
    geom, area = _mask(gpkg, 0)
    assert r.area_m2 == pytest.approx(area) and area == pytest.approx(geom.area)
    assert r.features["masks"][0]["properties"]["area_m2"] == pytest.approx(area)
    con = sqlite3.connect(gpkg)
    row = con.execute("SELECT action, target_id, points, box, sam_model, area_m2, undone FROM edits").fetchone()
    assert row[:2] == ("refine", 0) and json.loads(row[2]) == [list(p) for p in pts]
    assert json.loads(row[3]) == pytest.approx([X0 + 10.0, Y0 - 20.0, X0 + 20.0, Y0 - 10.0])
    assert row[4] and row[5] == pytest.approx(area) and row[6] == 0
    # contours follow the mask
    contour = pyogrio.read_dataframe(gpkg, layer="contours", where="target_id = 0").geometry[0]
    assert contour.length == pytest.approx(geom.boundary.length, rel=1e-6)
    # undo restores the mask exactly
    u = correct(Correction(str(gpkg), "undo"), models)
    assert u.action == "undo" and u.target_id == 0
    g2, a2 = _mask(gpkg, 0)
    assert shapely.equals_exact(g2, before_geom, 1e-9) and a2 == pytest.approx(before_area)
    assert con.execute("SELECT undone FROM edits WHERE edit_id = 1").fetchone()[0] == 1
    # add a missed object from a box; delete a false one; undo the delete
    box = (X0 + 2.0, Y0 - 8.0, X0 + 8.0, Y0 - 2.0)
    a = correct(Correction(str(gpkg), "add", box=box), models)
    assert a.target_id == 2 and a.features["boxes"][0]["properties"]["reasoning"] == "added by hand"
    assert shapely.from_wkt(a.features["boxes"][0]["wkt"]).bounds == pytest.approx(box)
    assert a.features["boxes"][0]["properties"]["prompt"] == "remotereasoner"
    d = correct(Correction(str(gpkg), "delete", target_id=1), models)
    assert d.features == {"boxes": [], "masks": [], "contours": []}
    assert pyogrio.read_dataframe(gpkg, layer="boxes", where="target_id = 1").empty
    correct(Correction(str(gpkg), "undo"), models)
    assert len(pyogrio.read_dataframe(gpkg, layer="boxes", where="target_id = 1")) == 1
    actions = [r[0] for r in con.execute("SELECT action FROM edits ORDER BY edit_id")]
    assert actions == ["refine", "undo", "add", "delete", "undo"]
    con.close()


def test_bad_corrections_say_what_to_do(result, models):
    gpkg, _ = result
    with pytest.raises(InputError, match="target_id"):
        correct(Correction(str(gpkg), "refine"), models)
    with pytest.raises(InputError, match="no box for target 99"):
        correct(Correction(str(gpkg), "refine", target_id=99), models)
    with pytest.raises(InputError, match="outside the run's extent"):
        correct(Correction(str(gpkg), "add", box=(0.0, 0.0, 1.0, 1.0)), models)
    with pytest.raises(InputError, match="Nothing to undo"):
        correct(Correction(str(gpkg), "undo"), models)
    with pytest.raises(InputError, match="action"):
        Correction.from_dict({"gpkg": str(gpkg), "action": "paint"})


def _layer_wkb(gpkg, layer):
    return sorted(g.wkb for g in pyogrio.read_dataframe(gpkg, layer=layer).geometry)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_click_points_are_refused_and_the_mask_kept(result, models, bad):
    gpkg, _ = result
    masks, contours = _layer_wkb(gpkg, "masks"), _layer_wkb(gpkg, "contours")
    with pytest.raises(InputError, match=r"'points' must be finite map coordinates: point 2 \(") as err:
        correct(Correction(str(gpkg), "refine", target_id=0, points=[(X0 + 11.0, Y0 - 11.0, 1), (bad, Y0 - 15.0, 0)]),
                models)
    assert "nothing was changed" in str(err.value)
    with pytest.raises(InputError, match="finite"):  # the worker's path: JSON NaN / Infinity parse to floats
        Correction.from_dict(json.loads('{"gpkg": "x.gpkg", "action": "refine", "target_id": 0, '
                                        '"points": [[NaN, 1, 1], [Infinity, 2, 0]]}'))
    with pytest.raises(InputError, match="'box' must be four finite"):
        correct(Correction(str(gpkg), "add", box=(X0, Y0 - 5.0, float("inf"), Y0)), models)
    # the target still has its mask and contour, byte for byte, and no edit was recorded
    assert _layer_wkb(gpkg, "masks") == masks and _layer_wkb(gpkg, "contours") == contours
    assert len(masks) == 2
    assert sqlite3.connect(gpkg).execute("SELECT COUNT(*) FROM edits").fetchone()[0] == 0


def test_click_points_off_the_raster_are_refused_naming_how_far(result, models):
    gpkg, _ = result
    masks = _layer_wkb(gpkg, "masks")
    # a million metres east of OSBS_029 (40 m wide): refused, with the distance and the extent checked
    with pytest.raises(InputError) as err:
        correct(Correction(str(gpkg), "refine", target_id=0, points=[(X0 + 11.0, Y0 - 11.0, 1),
                                                                     (X0 + 1_000_040.0, Y0 - 11.0, 1)]), models)
    msg = str(err.value)
    assert msg.startswith("point 2 (") and "lies 1,000,000 map units outside the run's extent" in msg
    assert "(404211.9, 3285102.9, 404251.9, 3285142.9, EPSG:32617)" in msg and "nothing was changed" in msg
    # just off the edge (0.5 m north) is refused too, with its own distance
    with pytest.raises(InputError, match=r"point 1 \(.*\) lies 0\.5 map units outside"):
        correct(Correction(str(gpkg), "refine", target_id=0, points=[(X0 + 11.0, Y0 + 0.5, 1)]), models)
    assert _layer_wkb(gpkg, "masks") == masks
    # a point on the raster still refines
    r = correct(Correction(str(gpkg), "refine", target_id=0, points=[(X0 + 11.0, Y0 - 11.0, 1)]), models)
    assert r.action == "refine" and r.target_id == 0
