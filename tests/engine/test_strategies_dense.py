"""A dense scene of touching targets (a grid with random jitter) answered by a perfect model (replay, every view's
answer planned by the engine's own code): `refine` returns exactly as many boxes as `tiles`, one per target, each
within half a model pixel of its truth; no two touching targets are ever joined into one box."""

from __future__ import annotations

import json

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.common.records import Detection
from inference_core.contract.options import RunOptions
from inference_core.models.parsing import parse_answer
from inference_core.raster.coords import tile_box_to_raster
from inference_core.raster.source import RasterSource
from inference_core.run.pipeline import run
from inference_core.run.strategies import plan_refine, plan_strategy

ORIGIN = (600000.0, 5000000.0)
PX = 0.25
SIDE = 448  # the overview is read 4x downscaled at the 112 px budget
GEOM = dict(tile_size=112, overlap=28, max_pixels=112 * 112, coordinates="model-input")


def dense_targets(seed: int, rows: int = 5, cols: int = 5, start: int = 30) -> list[tuple[int, int, int, int]]:
    """(col, row, w, h) raster px: rows of touching rectangles of 60-90 px, each row with its own jittered
    widths, the rows touching each other too (tree crowns, adjoining roofs)."""
    rng = np.random.default_rng(seed)
    out = []
    y = start
    for _ in range(rows):
        h = int(rng.integers(60, 78))
        x = start
        for _ in range(cols):
            w = int(rng.integers(60, 78))
            out.append((x, y, w, h))
            x += w
        y += h
    assert max(c + w for c, _r, w, _h in out) <= SIDE and y <= SIDE
    return out


def visible_answer(view, targets, noise=None, min_px: float = 0.0) -> str:
    """What a perfect model says about one view: the visible part of each target, in the view's pixels, rounded;
    with `noise` (a numpy Generator) each side is off by -1, 0 or 1 model pixel, as a real model's are, and a
    sliver of a target (at most 3 px) that the view's edge cut off is drawn as part of the target it touches
    (two crowns alike: the model cannot tell where one ends). A target smaller than `min_px` view pixels (its
    whole short side) is not seen."""
    sx, sy = view.out_width / view.width, view.out_height / view.height
    boxes = []
    for c, r, w, h in targets:
        x1, y1 = max(c, view.col_off), max(r, view.row_off)
        x2, y2 = min(c + w, view.col_off + view.width), min(r + h, view.row_off + view.height)
        if x2 > x1 and y2 > y1 and min(w * sx, h * sy) >= min_px:
            box = [round((x1 - view.col_off) * sx), round((y1 - view.row_off) * sy),
                   round((x2 - view.col_off) * sx), round((y2 - view.row_off) * sy)]
            boxes.append(box)
    if noise is not None:
        boxes = [[int(v + noise.integers(-1, 2)) for v in b] for b in _glue_slivers(boxes)]
    return "<answer>" + json.dumps(boxes) + "</answer>"


def _glue_slivers(boxes: list[list[int]]) -> list[list[int]]:
    """Each sliver at most 3 px thin drawn together with the box it touches across its thin side."""
    thin = [b for b in boxes if min(b[2] - b[0], b[3] - b[1]) <= 3]
    out = [list(b) for b in boxes if b not in thin]
    for s in thin:
        x_thin = s[2] - s[0] <= 3
        for b in out:
            across = (b[0] == s[2] or b[2] == s[0]) if x_thin else (b[1] == s[3] or b[3] == s[1])
            along = min(b[3], s[3]) > max(b[1], s[1]) if x_thin else min(b[2], s[2]) > max(b[0], s[0])
            if across and along:
                b[:] = [min(b[0], s[0]), min(b[1], s[1]), max(b[2], s[2]), max(b[3], s[3])]
                break
        else:
            out.append(list(s))
    return out


def perfect_replay(path, options: RunOptions, targets, noise=None, min_px: float = 0.0) -> str:
    """A .jsonl of perfect answers for every view the strategy asks, refine views planned from the overview's,
    descent levels from the level above's (with `noise`, the refine views' boxes are off by up to a model pixel
    per side; with `min_px`, targets smaller than that in a view are not seen there)."""
    rows = []

    def answer(v, noisy=None):
        rows.append({"tile_id": v.tile_id, "raw_text": visible_answer(v, targets, noisy, min_px),
                     "input_size": [v.out_width, v.out_height]})
        return [tile_box_to_raster(tuple(b), v) for b in parse_answer(rows[-1]["raw_text"]).boxes]

    with RasterSource.open(options.raster) as src:
        plan = plan_strategy(src, options)
        for v in plan.views:
            answer(v)
        if plan.refining:
            cands = [Detection(i, 0, tuple(b), (0, 0, 0, 0))
                     for i, b in enumerate(parse_answer(rows[0]["raw_text"]).boxes)]
            for v, _ids in plan_refine(src, options, plan.views[0], cands, first_id=1):
                answer(v, noise)
        level = list(plan.views)
        boxes = [b for b in [tile_box_to_raster(tuple(b), level[0]) for b in
                             parse_answer(rows[0]["raw_text"]).boxes]] if plan.descending else []
        while plan.descending:
            level = plan.add_level(src, options, level, boxes)
            if not level:
                break
            boxes = [b for v in level for b in answer(v)]
    with open(path, "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    return str(path)


def to_map(c, r, w, h):
    return (ORIGIN[0] + c * PX, ORIGIN[1] - (r + h) * PX, ORIGIN[0] + (c + w) * PX, ORIGIN[1] - r * PX)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_refine_on_touching_targets_gives_one_box_per_target_like_tiles(make_geotiff, tmp_path, seed):
    targets = dense_targets(seed)
    arr = np.full((3, SIDE, SIDE), 60, dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633")
    found = {}
    for strategy in ("tiles", "refine"):
        opts = RunOptions(raster=str(raster), query="crowns", out=str(tmp_path / f"{strategy}.gpkg"),
                          backend="replay", strategy=strategy, **GEOM)
        opts.replay = perfect_replay(tmp_path / f"{strategy}.jsonl", opts, targets)
        summary = run(opts)
        assert summary.status == "finished" and summary.parse_errors == 0, summary
        found[strategy] = pyogrio.read_dataframe(opts.out, layer="boxes")
        if strategy == "refine":
            assert (summary.unconfirmed, summary.dropped) == (0, 0)
            assert set(found[strategy]["stage"]) == {"refine"}
    assert len(found["refine"]) == len(found["tiles"]) == len(targets)
    for strategy, df in found.items():
        for c, r, w, h in targets:
            truth = np.array(to_map(c, r, w, h))
            # the box of this target: the one whose centre lies in it
            cx, cy = (truth[0] + truth[2]) / 2, (truth[1] + truth[3]) / 2
            mine = [(np.array(g.bounds), gsd) for g, gsd in zip(df.geometry, df["gsd"])
                    if g.bounds[0] < cx < g.bounds[2] and g.bounds[1] < cy < g.bounds[3]]
            assert len(mine) == 1, (strategy, (c, r, w, h), mine)
            box, gsd = mine[0]
            assert np.abs(box - truth).max() <= 0.5 * gsd + 1e-6, (strategy, (c, r, w, h), box - truth, gsd)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_refine_never_joins_touching_targets_when_the_model_is_a_pixel_off(make_geotiff, tmp_path, seed):
    """The orthophoto case of issue 32: boxes a pixel off make a sliver cut by one view's edge overlap the
    neighbour a little; no rule joins boxes across refine views, so every target stays one box of its own."""
    targets = dense_targets(seed)
    raster = make_geotiff(np.full((3, SIDE, SIDE), 60, dtype=np.uint8), transform=from_origin(*ORIGIN, PX, PX),
                          crs="EPSG:32633")
    opts = RunOptions(raster=str(raster), query="crowns", out=str(tmp_path / "r.gpkg"), backend="replay",
                      strategy="refine", **GEOM)
    opts.replay = perfect_replay(tmp_path / "r.jsonl", opts, targets, noise=np.random.default_rng(seed))
    assert run(opts).status == "finished"
    df = pyogrio.read_dataframe(opts.out, layer="boxes")
    assert len(df) == len(targets)
    for c, r, w, h in targets:
        truth = np.array(to_map(c, r, w, h))
        cx, cy = (truth[0] + truth[2]) / 2, (truth[1] + truth[3]) / 2
        mine = [(np.array(g.bounds), gsd) for g, gsd in zip(df.geometry, df["gsd"])
                if g.bounds[0] < cx < g.bounds[2] and g.bounds[1] < cy < g.bounds[3]]
        assert len(mine) == 1, ((c, r, w, h), mine)
        assert np.abs(mine[0][0] - truth).max() <= 1.5 * mine[0][1] + 1e-6  # a model pixel off, plus rounding


def test_descent_follows_finds_level_by_level_and_resumes_without_asking_twice(make_geotiff, tmp_path):
    """A model that sees a target from 8 view px: the 4x overview sees the 40 px square only, the 2x level the 16 px
    one beside it, the native level the 8 px one beside that; a cancelled run resumes from the recorded levels."""
    import threading

    from inference_core.models.backends.replay import ReplayBackend

    targets = [(250, 250, 40, 40), (320, 320, 16, 16), (350, 345, 8, 8)]
    raster = make_geotiff(np.full((3, SIDE, SIDE), 60, dtype=np.uint8), transform=from_origin(*ORIGIN, PX, PX),
                          crs="EPSG:32633")
    out = tmp_path / "d.gpkg"
    opts = RunOptions(raster=str(raster), query="squares", out=str(out), backend="replay", strategy="descent", **GEOM)
    opts.replay = perfect_replay(tmp_path / "d.jsonl", opts, targets, min_px=8)

    class Counting(ReplayBackend):
        asked: list[int] = []

        def reason(self, requests):
            type(self).asked += [r.tile_id for r in requests]
            return super().reason(requests)

    class Models:
        def backend(self, _options):
            return Counting(opts.replay)

    cancel = threading.Event()
    first = run(opts, cancel=cancel, models=Models(),
                emit=lambda ev: cancel.set() if ev["type"] == "result" and ev["tile_id"] == 1 else None)
    assert first.status == "cancelled" and Counting.asked == [0, 1]
    Counting.asked = []
    resumed = run(RunOptions(raster="x", query="x", out=str(out), resume=True), models=Models())
    assert resumed.status == "finished" and 0 not in Counting.asked and 1 not in Counting.asked
    # overview, one 2x cell, one native cell: each level only where the level above found something
    assert resumed.tiles_done == resumed.tiles_total == 3 and Counting.asked == [2]
    df = pyogrio.read_dataframe(out, layer="boxes")
    assert len(df) == 3
    for c, r, w, h in targets:
        truth = np.array(to_map(c, r, w, h))
        err = min(np.abs(np.array(g.bounds) - truth).max() / gsd for g, gsd in zip(df.geometry, df["gsd"]))
        assert err <= 0.5 + 1e-6, ((c, r, w, h), err)


def test_descent_never_reads_finer_than_the_gsd_asked(make_geotiff, tmp_path):
    """`--strategy descent --gsd` twice the raster's pixel: the levels stop at that GSD (the 2x level), never
    descending to the raster's own pixels; what the levels found is kept, each view's GSD no finer than asked."""
    targets = [(250, 250, 40, 40), (320, 320, 16, 16), (350, 345, 8, 8)]
    raster = make_geotiff(np.full((3, SIDE, SIDE), 60, dtype=np.uint8), transform=from_origin(*ORIGIN, PX, PX),
                          crs="EPSG:32633")
    opts = RunOptions(raster=str(raster), query="squares", out=str(tmp_path / "g.gpkg"), backend="replay",
                      strategy="descent", gsd=2 * PX, **GEOM)
    opts.replay = perfect_replay(tmp_path / "g.jsonl", opts, targets, min_px=8)
    summary = run(opts)
    assert summary.status == "finished" and summary.tiles_done == summary.tiles_total == 2
    df = pyogrio.read_dataframe(tmp_path / "g.gpkg", layer="boxes")
    assert len(df) == 2 and min(df["gsd"]) == pytest.approx(2 * PX)  # the 8 px square needs the native level


def test_descent_stops_at_the_view_limit_and_keeps_what_it_found(make_geotiff, tmp_path):
    """A crowded scene (25 touching targets) under --max-tiles 8: the next level would pass it, so descent stops
    there with a warning naming the limit; the levels above are kept."""
    targets = dense_targets(1)
    raster = make_geotiff(np.full((3, SIDE, SIDE), 60, dtype=np.uint8), transform=from_origin(*ORIGIN, PX, PX),
                          crs="EPSG:32633")
    opts = RunOptions(raster=str(raster), query="crowns", out=str(tmp_path / "c.gpkg"), backend="replay",
                      strategy="descent", max_tiles=8, **GEOM)
    opts.replay = perfect_replay(tmp_path / "c.jsonl", opts, targets)
    summary = run(opts)
    assert summary.status == "finished" and summary.tiles_done == summary.tiles_total <= 8
    assert any("over --max-tiles 8" in w for w in summary.warnings), summary.warnings
    assert summary.counts["boxes"] == len(targets)  # the overview saw them all (4x, 15-20 px each)
