"""Strategies with replay answers: the overview's and the refine views' boxes land where the coordinate maths
says (georeferenced and pixel-coordinate rasters), refine zooms to fit, replaces, splits and drops candidates, one
too large to zoom stays final, and a resumed refine run never asks the overview again."""

from __future__ import annotations

import json
import sqlite3
import threading

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.common.records import Detection
from inference_core.contract.calls import estimate_calls, tile_count
from inference_core.contract.options import RunOptions
from inference_core.models.backends.replay import ReplayBackend
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import plan_overview, plan_tiles
from inference_core.run.pipeline import run
from inference_core.run.strategies import plan_refine

ORIGIN = (600000.0, 5000000.0)
PX = 0.25  # metres per pixel
SIDE = 448  # 4 x the 112 px budget side: the overview is read at 112 x 112, 4 raster px per view px
GEOM = dict(tile_size=112, overlap=24, max_pixels=112 * 112, min_pixels=56 * 56, coordinates="model-input")
# Overview answer (its 112 px view): two small candidates and one too large for a 112 px refine window.
OVERVIEW = "<think>three things</think><answer>[[10,10,20,20],[80,60,90,70],[5,90,65,105]]</answer>"


def _raster(make_geotiff, georef=True):
    arr = np.full((3, SIDE, SIDE), 60, dtype=np.uint8)
    if georef:
        return make_geotiff(arr, transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), crs="EPSG:32633")
    return make_geotiff(arr, crs=None, name="plain.tif")


def _to_map(box_px, georef=True):
    """Raster pixel box -> map box: the raster's affine (identity for a raster in pixel coordinates)."""
    x1, y1, x2, y2 = box_px
    if not georef:
        return (x1, y1, x2, y2)
    return (ORIGIN[0] + x1 * PX, ORIGIN[1] - y2 * PX, ORIGIN[0] + x2 * PX, ORIGIN[1] - y1 * PX)


def _jsonl(path, answers):
    path.write_text("".join(json.dumps({"tile_id": t, "raw_text": a, "input_size": s}) + "\n"
                            for t, (a, s) in answers.items()))
    return path


def _opts(raster, out, replay, strategy, **kw):
    return RunOptions(raster=str(raster), query="the things", out=str(out), backend="replay", replay=str(replay),
                      strategy=strategy, **GEOM, **kw)


def _boxes(out):
    df = pyogrio.read_dataframe(out, layer="boxes")
    return sorted(((tuple(round(v, 6) for v in g.bounds), st, gsd) for g, st, gsd in
                   zip(df.geometry, df["stage"], df["gsd"])), key=lambda r: r[0])


@pytest.mark.parametrize("georef", [True, False], ids=["georeferenced", "pixel-coordinates"])
def test_overview_boxes_map_through_the_overview_view(make_geotiff, tmp_path, georef):
    raster = _raster(make_geotiff, georef)
    replay = _jsonl(tmp_path / "a.jsonl", {0: (OVERVIEW, [112, 112])})
    summary = run(_opts(raster, tmp_path / "o.gpkg", replay, "overview"))
    assert summary.status == "finished" and summary.tiles_total == summary.tiles_done == 1
    gsd = 4 * (PX if georef else 1.0)
    want = sorted((tuple(round(v, 6) for v in _to_map(tuple(4 * c for c in b), georef)), "overview", gsd)
                  for b in ((10, 10, 20, 20), (80, 60, 90, 70), (5, 90, 65, 105)))
    assert _boxes(tmp_path / "o.gpkg") == want
    con = sqlite3.connect(tmp_path / "o.gpkg")
    assert con.execute("SELECT window, input_size, stage FROM responses").fetchall() == \
        [("[0, 0, 448, 448]", "[112, 112]", "overview")]
    assert summary.overview_reasoning == "three things"
    # the answer in numbers: 3 targets, areas of the boxes (m² georeferenced, px² in pixel coordinates)
    unit_area = PX * PX if georef else 1.0
    areas = [40 * 40 * unit_area, 40 * 40 * unit_area, 240 * 60 * unit_area]
    assert summary.tally == {"targets": 3, "total_area": pytest.approx(sum(areas)),
                              "largest_area": pytest.approx(max(areas)), "unit": "m²" if georef else "px²",
                              "measured_on": "boxes", "covered_area": pytest.approx(sum(areas))}  # disjoint boxes


def _refine_answers():
    return {0: (OVERVIEW, [112, 112]),
            1: ("<answer>[[30,30,60,60]]</answer>", [112, 112]),  # tightens candidate 0
            2: ("<answer>[[10,10,30,30],[50,50,70,70]]</answer>", [112, 112])}  # splits candidate 1


def _view_box(view, px):
    """A box in a view's pixels -> raster pixels, through the view's window and read size."""
    sx, sy = view.width / view.out_width, view.height / view.out_height
    return (view.col_off + px[0] * sx, view.row_off + px[1] * sy, view.col_off + px[2] * sx, view.row_off + px[3] * sy)


@pytest.mark.parametrize("georef", [True, False], ids=["georeferenced", "pixel-coordinates"])
def test_refine_views_land_where_the_window_maths_says(make_geotiff, tmp_path, georef):
    raster = _raster(make_geotiff, georef)
    opts = _opts(raster, tmp_path / "r.gpkg", tmp_path / "a.jsonl", "refine")
    with RasterSource.open(raster) as src:
        overview = plan_overview(src, opts)
        cands = [Detection(i, 0, b, (0, 0, 0, 0)) for i, b in
                 enumerate(((10, 10, 20, 20), (80, 60, 90, 70), (5, 90, 65, 105)))]
        planned = plan_refine(src, opts, overview, cands, first_id=1)
    # zoom to fit, context = the candidate's side on every side (REFINE_CONTEXT): candidate 0 is raster
    # (40,40,80,80), shown as (0,0,120,120): one 120 px window read at 112 px; candidate 1, raster
    # (320,240,360,280), as (280,200,400,320); candidate 2, raster (20,360,260,420), would need 720 px, coarser
    # than the 448 px overview itself: no view, the overview's box is final
    assert [(v.window, v.out_width, v.out_height, v.stage, ids) for v, ids in planned] == [
        ((0, 0, 120, 120), 112, 112, "refine", (0,)), ((280, 200, 120, 120), 112, 112, "refine", (1,))]
    _jsonl(tmp_path / "a.jsonl", _refine_answers())

    summary = run(opts)
    assert summary.status == "finished" and summary.tiles_total == summary.tiles_done == 3
    assert (summary.unconfirmed, summary.dropped) == (0, 0)
    res = PX if georef else 1.0
    v1, v2 = planned[0][0], planned[1][0]
    want = sorted([
        (_to_map(_view_box(v1, (30, 30, 60, 60)), georef), "refine", res * 120 / 112),
        (_to_map(_view_box(v2, (10, 10, 30, 30)), georef), "refine", res * 120 / 112),
        (_to_map(_view_box(v2, (50, 50, 70, 70)), georef), "refine", res * 120 / 112),
        (_to_map((20, 360, 260, 420), georef), "overview", 4 * res),
    ])
    got = _boxes(tmp_path / "r.gpkg")
    assert [(g[1], g[2]) for g in got] == [(w[1], pytest.approx(w[2])) for w in want]
    for g, w in zip(got, want):
        assert g[0] == pytest.approx(w[0], abs=1e-6)
    con = sqlite3.connect(tmp_path / "r.gpkg")
    windows = dict(con.execute("SELECT tile_id, window FROM responses"))
    assert json.loads(windows[1]) == [0, 0, 120, 120] and json.loads(windows[2]) == [280, 200, 120, 120]
    assert con.execute("SELECT tiles_total FROM runs").fetchone()[0] == 3
    # the refined candidates were replaced by their views' answers; the final one stays, confirmed
    assert con.execute("SELECT stage, unconfirmed FROM boxes WHERE stage = 'overview'").fetchall() == [("overview", 0)]


def test_refine_drops_a_candidate_its_window_does_not_confirm(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    answers = {0: ("<answer>[[10,10,20,20]]</answer>", [112, 112]), 1: ("<answer>[]</answer>", [112, 112])}
    summary = run(_opts(raster, tmp_path / "r.gpkg", _jsonl(tmp_path / "a.jsonl", answers), "refine"))
    assert summary.status == "finished" and summary.tiles_total == 2 and summary.counts["boxes"] == 0
    assert summary.tally["targets"] == 0


@pytest.mark.parametrize("second, unconfirmed, dropped", [
    ("I am sorry, I cannot help with that.", 2, 0),  # a refusal: unusable too
    ("<answer>[]</answer>", 1, 1),  # read fine, nothing there: the candidate may go, and the summary says so
], ids=["garbage-and-refusal", "garbage-and-empty"])
def test_unusable_refine_answers_keep_their_candidates_unconfirmed(make_geotiff, tmp_path, second, unconfirmed,
                                                                   dropped):
    from inference_core.cli.progress import summary_text

    raster = _raster(make_geotiff)
    answers = {0: (OVERVIEW, [112, 112]), 1: ("<answer>[[10, 10, 20", [112, 112]), 2: (second, [112, 112])}
    out = tmp_path / "u.gpkg"
    summary = run(_opts(raster, out, _jsonl(tmp_path / "a.jsonl", answers), "refine"))
    assert summary.status == "finished" and summary.tiles_done == 3
    assert (summary.unconfirmed, summary.dropped) == (unconfirmed, dropped)
    assert summary.parse_errors == unconfirmed  # one candidate per refine view here
    df = pyogrio.read_dataframe(out, layer="boxes")
    rows = sorted((tuple(round(v, 6) for v in g.bounds), st, int(u)) for g, st, u in
                  zip(df.geometry, df["stage"], df["unconfirmed"]))
    # the overview's boxes, where the overview put them: 4 raster px per overview px
    # (candidate 2 has no refine view: final, confirmed)
    kept = [(_to_map((40, 40, 80, 80)), "overview", 1), (_to_map((320, 240, 360, 280)), "overview", 1)]
    want = sorted((tuple(round(v, 6) for v in b), st, u)
                  for b, st, u in kept[:unconfirmed] + [(_to_map((20, 360, 260, 420)), "overview", 0)])
    assert rows == want
    text = summary_text(summary)
    assert f"unconfirmed {unconfirmed} overview candidate(s) kept" in text
    assert (f"dropped    {dropped} overview candidate(s)" in text) == bool(dropped)


def test_refine_on_an_extent_that_fits_one_view_is_one_call(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 100, 100), 60, dtype=np.uint8),
                          transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), crs="EPSG:32633")
    answers = {0: ("<answer>[[10,10,20,20]]</answer>", [112, 112])}
    summary = run(_opts(raster, tmp_path / "r.gpkg", _jsonl(tmp_path / "a.jsonl", answers), "refine"))
    assert summary.tiles_total == 1 and summary.counts["boxes"] == 1
    # at full resolution: final, not a candidate; gsd is of the model's 112 px input of the 100 px view
    stage, gsd = _boxes(tmp_path / "r.gpkg")[0][1:]
    assert stage == "overview" and gsd == pytest.approx(PX * 100 / 112)


class _CountingReplay(ReplayBackend):
    def __init__(self, path):
        super().__init__(path)
        self.asked: list[int] = []

    def reason(self, requests):
        self.asked += [r.tile_id for r in requests]
        return super().reason(requests)


class _Models:
    """Hands the pipeline a replay backend that counts what it is asked (the answers are still replayed)."""

    def __init__(self, backend):
        self.b = backend

    def backend(self, options):
        return self.b


def test_cancelled_refine_run_resumes_without_asking_the_overview_again(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path / "a.jsonl", _refine_answers())
    out = tmp_path / "r.gpkg"
    cancel = threading.Event()
    events = []

    def emit(ev):
        events.append(ev)
        if ev["type"] == "result" and ev["tile_id"] == 1:
            cancel.set()

    first = _CountingReplay(replay)
    summary = run(_opts(raster, out, replay, "refine"), emit=emit, cancel=cancel, models=_Models(first))
    assert summary.status == "cancelled" and first.asked == [0, 1] and summary.tiles_total == 3
    progress = [e for e in events if e["type"] == "progress"]
    assert {(e["step"], e["tiles"]) for e in progress} == {("overview", 1), ("refine", 3)}  # n once known
    # cancelled after view 1: its candidate is replaced, candidate 1 is still there (unconfirmed), and the one
    # too large for a refine view is final
    stages = sorted(s for _, s, _ in _boxes(out))
    assert stages == ["overview", "overview", "refine"] and summary.unconfirmed == 1
    again = _CountingReplay(replay)
    resumed = run(RunOptions(raster="x", query="x", out=str(out), resume=True), models=_Models(again))
    assert resumed.status == "finished" and resumed.tiles_done == resumed.tiles_total == 3
    assert 0 not in again.asked and again.asked == [2] and resumed.unconfirmed == 0
    assert sorted(s for _, s, _ in _boxes(out)) == ["overview", "refine", "refine", "refine"]
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*) FROM responses WHERE tile_id = 0").fetchone()[0] == 1


def test_tile_count_and_estimate_match_the_planned_views(make_geotiff, tmp_path):
    for w, h, kw in ((448, 448, GEOM), (1000, 300, GEOM), (100, 100, GEOM), (2000, 1500, {}), (2000, 1500, {"gsd": 1.0})):
        raster = make_geotiff(np.zeros((3, h, w), dtype=np.uint8), transform=from_origin(0, 0, PX, PX),
                              name=f"e{w}x{h}.tif")
        opts = RunOptions(raster=str(raster), query="q", out="x.gpkg", **kw)
        with RasterSource.open(raster) as src:
            n = len(plan_tiles(src, opts))
            scale = (kw.get("gsd") or PX) / PX
        assert tile_count(w, h, scale, opts) == n
        assert estimate_calls(w, h, scale, opts, "tiles").calls == n
        assert estimate_calls(w, h, scale, opts, "overview").calls == 1
        refine = estimate_calls(w, h, scale, opts, "refine")
        assert (refine.calls, refine.per_find) == (1, n > 1)
    # descent: the 448 px extent at a 112 px budget is seen at 4x, then 2x, then native: 2 levels per find
    assert estimate_calls(448, 448, 1.0, RunOptions(raster="r", query="q", out="x.gpkg", **GEOM),
                          "descent").per_find_max == 2


def test_overview_masks_come_from_sam_at_native_resolution(make_geotiff, tmp_path, tiny_models):
    """The overview is 4x downscaled; SAM segments each box on a box-centred window at the finest resolution
    its input takes (the tiny SAM's 128 px side: native pixels), so the masks' gsd is the raster's."""
    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path / "a.jsonl", {0: ("<answer>[[10,10,20,20]]</answer>", [112, 112])})
    run(_opts(raster, tmp_path / "m.gpkg", replay, "overview", granularity=("boxes", "masks"),
              sam=str(tiny_models.sam_path)))
    boxes = pyogrio.read_dataframe(tmp_path / "m.gpkg", layer="boxes")
    masks = pyogrio.read_dataframe(tmp_path / "m.gpkg", layer="masks")
    assert list(boxes["gsd"]) == [4 * PX] and list(boxes["stage"]) == ["overview"]
    assert len(masks) == 1 and list(masks["gsd"]) == [PX] and list(masks["stage"]) == ["overview"]
    # the mask lies in the window SAM saw: 128 px centred on the box's raster centre (60, 60), shifted into the raster
    xmin, ymin, xmax, ymax = masks.geometry[0].bounds
    assert xmin >= ORIGIN[0] and xmax <= ORIGIN[0] + 128 * PX and ymax <= ORIGIN[1] and ymin >= ORIGIN[1] - 128 * PX


def test_worker_runs_refine_and_reports_steps_and_the_tally(make_geotiff, tmp_path):
    import sys

    from inference_core.contract.client import WorkerClient

    raster = _raster(make_geotiff)
    answers = {0: ("<think>two</think><answer>[[10,10,20,20],[80,60,90,70]]</answer>", [112, 112]),
               1: ("<answer>[[30,30,60,60]]</answer>", [112, 112]), 2: ("<answer>[]</answer>", [112, 112])}
    opts = _opts(raster, tmp_path / "w.gpkg", _jsonl(tmp_path / "a.jsonl", answers), "refine")
    client = WorkerClient(sys.executable)
    try:
        events = list(client.request("reason", timeout=120, options=opts.to_dict(secrets=True)))
    finally:
        client.close()
    done = events[-1]
    assert done["type"] == "done", done
    s = done["summary"]
    assert (s["status"], s["strategy"], s["tiles_total"], s["overview_reasoning"]) == ("finished", "refine", 3, "two")
    assert s["tally"]["targets"] == 1
    assert s["tally"]["total_area"] == pytest.approx((30 * 120 / 112 * PX) ** 2, abs=1e-3)
    steps = [(e["step"], e["tiles"]) for e in events if e["type"] == "progress"]
    assert steps[0] == ("overview", 1) and steps[-1] == ("refine", 3)
    results = {e["tile_id"]: e for e in events if e["type"] == "result"}
    assert [f["properties"]["stage"] for f in results[0]["features"]["boxes"]] == ["overview", "overview"]
    assert results[1]["removed"]["boxes"] == [0] and results[2]["removed"]["boxes"] == [1]
    assert [e["stage"] for e in events if e["type"] == "reasoning"][0] == "overview"


def test_cli_strategy_flag_and_the_tally_line(make_geotiff, tmp_path):
    import subprocess
    import sys

    raster = _raster(make_geotiff)
    answers = {0: ("<answer>[[10,10,20,20],[80,60,90,70]]</answer>", [112, 112]),
               1: ("<answer>[[30,30,60,60]]</answer>", [112, 112]),
               2: ("<answer>[[10,10,30,30],[50,50,90,70]]</answer>", [112, 112])}
    replay = _jsonl(tmp_path / "a.jsonl", answers)
    cmd = [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "things", "-o", str(tmp_path / "c.gpkg"),
           "--backend", "replay", "--replay", str(replay), "--strategy", "refine", "--tile-size", "112",
           "--overlap", "24", "--max-pixels", str(112 * 112), "--coordinates", "model-input"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert "3/3 model calls (refine)" in proc.stdout
    # 30², 20² and 40 x 20 px boxes in views of 120 raster px read at 112 px, at 0.25 m: 64.6 + 28.7 + 57.4 m²
    # (disjoint: the covered area is their sum)
    assert lines[-1].strip() == "found      3 targets, 150.7 m² covered (box areas), the largest 64.6 m²"
    bad = subprocess.run(cmd[:-8] + ["--strategy", "zoom"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice: 'zoom'" in bad.stderr

