"""Truth test with the trained tiny reasoner on a raster 3x its pixel budget per side: `refine` finds both bright
squares with fewer model calls than `tiles` and tighter boxes than `overview` (IoU against the true squares)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyogrio
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.geometry.boxes import box_iou
from inference_core.run.pipeline import run
from inference_core.run.selftest import fixture_dir

PX = 0.5
ORIGIN = (400000.0, 3300000.0)
SIDE = 336  # 3 x 112, the size the tiny reasoner was trained on: the overview is 3x downscaled
# (col, row, w, h): two squares, as many as the tiny reasoner learned to report per image (0-2), of 36-38 px
# (12-13 px in the overview, inside the 12-40 px it was trained on)
SQUARES = ((30, 40, 36, 36), (200, 60, 38, 38))


def scene(side=SIDE, squares=SQUARES, seed=3):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(10, 110, size=(side // 14 + 1, side // 14 + 1, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:side, :side] + rng.normal(0, 10, size=(side, side, 3))
    for c, r, w, h in squares:
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8).transpose(2, 0, 1)


def true_boxes(squares=SQUARES):
    x0, y0 = ORIGIN
    return [(x0 + c * PX, y0 - (r + h) * PX, x0 + (c + w) * PX, y0 - r * PX) for c, r, w, h in squares]


def best_ious(out, squares=SQUARES):
    got = [tuple(g.bounds) for g in pyogrio.read_dataframe(out, layer="boxes").geometry]
    return [max((float(box_iou(t, g)[0]) for g in got), default=0.0) for t in true_boxes(squares)], len(got)


def tiny_options(raster, out, strategy):
    return RunOptions(raster=str(raster), query="bright squares", out=str(out), model=str(fixture_dir()),
                      prompt="tiny-reasoner", device="cpu", max_new_tokens=64, tile_size=112, overlap=24,
                      max_pixels=112 * 112, strategy=strategy)


def test_refine_finds_the_squares_with_fewer_calls_than_tiles_and_tighter_than_overview(make_geotiff, tmp_path):
    from inference_core.models.cache import ModelCache

    raster = make_geotiff(scene(), transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633")
    models = ModelCache()  # one warm tiny reasoner for the three runs, as the worker keeps it
    res = {}
    for strategy in ("tiles", "overview", "refine"):
        out = tmp_path / f"{strategy}.gpkg"
        summary = run(tiny_options(raster, out, strategy), models=models)
        assert summary.status == "finished"
        ious, n = best_ious(out)
        res[strategy] = (summary.tiles_done, ious, n)
    calls = {k: v[0] for k, v in res.items()}
    assert calls == {"tiles": 16, "overview": 1, "refine": 3}, res  # 4 x 4 tiles; 1; 1 + one per square
    assert min(res["refine"][1]) > 0.85, res  # both squares found, tightly
    assert min(res["tiles"][1]) > 0.8, res
    for r, o in zip(res["refine"][1], res["overview"][1]):
        assert r > o + 0.05, res  # refine's native-resolution boxes beat the 3x-downscaled overview's
    assert res["refine"][2] == 2, res  # one box per square, nothing else


# Issue 32's scene: two squares of 112-120 px on a 448 px raster (28-30 px in the 4x downscaled overview, inside
# what the tiny reasoner learned), each larger than one native 112 px view.
LARGE_SIDE = 448
LARGE_SQUARES = ((40, 60, 120, 120), (260, 250, 112, 112))


def test_refine_zooms_to_fit_large_targets_instead_of_splitting_them(make_geotiff, tmp_path):
    from inference_core.contract.calls import tile_count
    from inference_core.models.cache import ModelCache

    raster = make_geotiff(scene(LARGE_SIDE, LARGE_SQUARES), transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633")
    opts = dataclasses.replace(tiny_options(raster, tmp_path / "r.gpkg", "refine"), overlap=28)
    summary = run(opts, models=ModelCache())
    ious, n = best_ious(tmp_path / "r.gpkg", LARGE_SQUARES)
    tiles = tile_count(LARGE_SIDE, LARGE_SIDE, 1.0, opts)
    assert summary.status == "finished" and summary.parse_errors == 0, summary
    assert summary.tiles_done <= 6 and summary.tiles_done < tiles == 25, (summary.tiles_done, tiles)
    assert min(ious) > 0.5 and n == 2, (ious, n)
    df = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="boxes")
    # each square came from one refine view, zoomed out so that it fills a third of it (never split)
    assert list(df["stage"]) == ["refine", "refine"] and all(g > PX for g in df["gsd"]), df


# Targets over a 10x range of sizes on a 448 px raster at a 112 px budget (the overview is 4x downscaled): a
# 120 px square (30 px in the overview), a 56 px one (14 px), a 24 px one next to it (6 px: invisible there,
# 12 px one level down) and a 12 px one next to that (visible only at native resolution).
RANGE_SQUARES = ((40, 40, 120, 120), (250, 250, 56, 56), (380, 380, 24, 24), (420, 340, 12, 12))


def strategy_truth(raster, tmp_path, models, strategies=("tiles", "overview", "refine", "descent"),
                   squares=RANGE_SQUARES):
    """{strategy: (model calls, IoU per true square, boxes)} on a 448 px scene (default: the size-range one)."""
    res = {}
    for strategy in strategies:
        out = tmp_path / f"range_{strategy}.gpkg"
        opts = dataclasses.replace(tiny_options(raster, out, strategy), overlap=28)
        summary = run(opts, models=models)
        assert summary.status == "finished", summary
        ious, n = best_ious(out, squares)
        res[strategy] = (summary.tiles_done, [round(v, 3) for v in ious], n)
    return res


def test_every_strategy_on_targets_spanning_a_10x_range_of_sizes(make_geotiff, tmp_path):
    from inference_core.models.cache import ModelCache

    raster = make_geotiff(scene(LARGE_SIDE, RANGE_SQUARES), transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633")
    res = strategy_truth(raster, tmp_path, ModelCache())
    calls = {k: v[0] for k, v in res.items()}
    assert calls == {"tiles": 25, "overview": 1, "refine": 3, "descent": 3}, res
    found = {k: [iou > 0.5 for iou in v[1]] for k, v in res.items()}  # per square: 120, 56, 24, 12 px
    # tiles: the 120 px square fills no tile whole and the 56 px one straddles a seam; only the small ones
    assert found["tiles"] == [False, False, True, True], res
    # the overview sees the large one only; refine zooms on what it reported (and the 56 px one in that view)
    assert found["overview"] == [True, False, False, False], res
    assert found["refine"] == [True, True, False, False], res
    # descent: the overview, then the quarter (2x) holding a find, then the native cell holding that level's
    # small find: every size, in 3 calls
    assert found["descent"] == [True, True, True, True], res
    assert min(res["descent"][1]) > 0.75 and res["descent"][2] <= 5, res
