"""Strategies benchmark: model calls, recall and the engine's time of `overview`, `refine` and `descent` against
`tiles` (the baseline, same invocation) on a 20000² raster with sparse targets and on one whose targets span a
10x range of sizes, with replayed answers of a model that sees what is large enough in each view (so the engine's
whole path runs here: reads, planning, parsing, coordinates, merging, GeoPackage), plus the tiny reasoner's truth
figures (calls, IoU per target) on the size-range and the large-squares scenes of the truth tests.

    python benchmarks/bench_strategies.py [--size 20000] [--append] [--no-tiny]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

from run_context import machine, publish, today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))

PIXEL_M = 0.1
TARGET_PX = 120  # 12 m objects at 0.1 m: about 5 overview pixels on a 20000 px side
SMALLEST_PX = 60  # the size-range scene: 60 to 600 px (6 to 60 m)
MIN_PX = 8  # the size-range scene's model sees a target from this many view pixels across
STRATEGIES = ("tiles", "overview", "refine", "descent")


def generate(path: str, size: int, targets: list[tuple[int, int, int, int]]) -> None:
    """RGB uint8, 512-px internal tiles, DEFLATE, dim texture with bright squares; written strip by strip."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    prof = dict(driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs="EPSG:32617",
                transform=from_origin(400000.0, 3300000.0, PIXEL_M, PIXEL_M), tiled=True, blockxsize=512,
                blockysize=512, compress="deflate", zlevel=1, BIGTIFF="IF_SAFER")
    rng = np.random.default_rng(0)
    xs = np.arange(size, dtype=np.uint16)
    with rasterio.open(path, "w", **prof) as dst:
        for row in range(0, size, 512):
            h = min(512, size - row)
            ys = np.arange(row, row + h, dtype=np.uint16)[:, None]
            base = (40 + (xs[None, :] // 7 + ys // 5) % 60).astype(np.uint8)
            band = base + rng.integers(0, 8, size=(h, size), dtype=np.uint8)
            for c, r, w, th in targets:
                r0, r1 = max(r, row), min(r + th, row + h)
                if r0 < r1:
                    band[r0 - row:r1 - row, c:c + w] = 230
            dst.write(np.stack([band, band, band]), window=Window(0, row, size, h))


def place_targets(size: int, k: int, seed: int = 1) -> list[tuple[int, int, int, int]]:
    import numpy as np

    rng = np.random.default_rng(seed)
    out: list[tuple[int, int, int, int]] = []
    while len(out) < k:
        c, r = (int(v) for v in rng.integers(TARGET_PX, size - 2 * TARGET_PX, size=2))
        if all(abs(c - o[0]) > 4 * TARGET_PX or abs(r - o[1]) > 4 * TARGET_PX for o in out):
            out.append((c, r, TARGET_PX, TARGET_PX))
    return out


def size_range_targets(size: int, k: int, seed: int = 2) -> list[tuple[int, int, int, int]]:
    """k squares from SMALLEST_PX to 10x that, spread apart over the raster (sparse)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    sides = [int(round(v)) for v in np.geomspace(SMALLEST_PX, 10 * SMALLEST_PX, k)]
    out: list[tuple[int, int, int, int]] = []
    while len(out) < k:
        t = sides[len(out)]
        c, r = (int(v) for v in rng.integers(t, size - 2 * t, size=2))
        if all(c > o[0] + o[2] + 100 or o[0] > c + t + 100 or r > o[1] + o[3] + 100 or o[1] > r + t + 100
               for o in out):  # apart by 100 px at least
            out.append((c, r, t, t))
    return out


def recall_and_iou(out: str, truth_map) -> tuple[int, float, int]:
    """(targets found at IoU > 0.5, their mean best IoU over all targets, boxes)."""
    import pyogrio

    from inference_core.geometry.boxes import box_iou

    got = [tuple(g.bounds) for g in pyogrio.read_dataframe(out, layer="boxes").geometry]
    best = [max((float(box_iou(t, g)[0]) for g in got), default=0.0) for t in truth_map]
    return sum(b > 0.5 for b in best), sum(best) / len(best), len(got)


def replay_bench(size: int, scene: str, targets, min_px: float, work: str) -> list[dict]:
    """Every strategy over one generated raster (with internal overviews), answered by a replayed model that
    sees every target at least `min_px` view pixels across (the engine's own planning decides the views)."""
    from inference_core.contract.options import RunOptions
    from inference_core.run.pipeline import run
    from test_strategies_dense import perfect_replay

    raster = os.path.join(work, f"{scene}_{size}.tif")
    t0 = time.perf_counter()
    generate(raster, size, targets)
    add_overviews(raster)  # what `gdaladdo` does: the overview and the coarse levels read from them
    gen_s = time.perf_counter() - t0
    x0, y0 = 400000.0, 3300000.0
    truth = [(x0 + c * PIXEL_M, y0 - (r + h) * PIXEL_M, x0 + (c + w) * PIXEL_M, y0 - r * PIXEL_M)
             for c, r, w, h in targets]
    rows = []
    for strategy in STRATEGIES:
        out = os.path.join(work, f"{scene}_{strategy}.gpkg")
        opts = RunOptions(raster=raster, query="bright squares", out=out, backend="replay", strategy=strategy,
                          coordinates="model-input")
        opts.replay = perfect_replay(os.path.join(work, f"{scene}_{strategy}.jsonl"), opts, targets, min_px=min_px)
        t0 = time.perf_counter()
        s = run(opts)
        wall = time.perf_counter() - t0
        found, iou, n = recall_and_iou(out, truth)
        rows.append({"scene": scene, "strategy": strategy, "calls": s.tiles_done, "wall_s": round(wall, 2),
                     "found": found, "targets": len(targets), "boxes": n, "mean_iou": round(iou, 3),
                     "status": s.status, "generate_s": round(gen_s, 1)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def add_overviews(path: str) -> None:
    """Internal overviews 2..32 (average), as `gdaladdo -r average` makes them."""
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path, "r+") as ds:
        ds.build_overviews([2, 4, 8, 16, 32], Resampling.average)


def tiny_bench() -> list[dict]:
    """The tiny reasoner (CPU) on the size-range truth scene (squares of 120, 56, 24 and 12 px on 448 px at a
    112 px budget) and on issue 32's scene (two squares of 112-120 px), every strategy, via the truth tests."""
    from pathlib import Path

    import rasterio
    from rasterio.transform import from_origin

    from inference_core.models.cache import ModelCache
    from test_strategies_truth import LARGE_SIDE, LARGE_SQUARES, ORIGIN, PX, RANGE_SQUARES, scene, strategy_truth

    models = ModelCache()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_tiny_") as work:
        for name, squares in (("sizes 120/56/24/12 px", RANGE_SQUARES), ("two squares of 112-120 px", LARGE_SQUARES)):
            raster = os.path.join(work, f"{len(squares)}.tif")
            with rasterio.open(raster, "w", driver="GTiff", width=LARGE_SIDE, height=LARGE_SIDE, count=3,
                               dtype="uint8", crs="EPSG:32633", transform=from_origin(*ORIGIN, PX, PX)) as dst:
                dst.write(scene(LARGE_SIDE, squares))
            t0 = time.perf_counter()
            res = strategy_truth(raster, Path(work), models, squares=squares)
            for strategy, (calls, ious, n) in res.items():
                rows.append({"scene": name, "strategy": strategy, "calls": calls, "boxes": n, "ious": ious,
                             "found": sum(v > 0.5 for v in ious), "targets": len(squares)})
            print(json.dumps(rows[-4:]), f"{time.perf_counter() - t0:.0f} s", flush=True)
    return rows


def report(replay_rows: list[dict], tiny_rows: list[dict], size: int) -> str:
    lines = ["## Strategies: tiles, overview, refine, descent (bench_strategies.py)", "",
             f"Machine: {machine()}; date {today()}.",
             f"Replay: a model that reports every target at least MIN_PX view pixels across in a view, exactly "
             f"(its answers planned by the engine's own code, so calls, recall and the engine's time are measured). "
             f"{size}x{size} RGB GeoTIFF at {PIXEL_M} m (DEFLATE, 512 px blocks, internal overviews 2-32), default "
             f"options (896 px tiles, 112 px overlap, 896² budget: the overview is {size / 896:.1f}x downscaled). "
             f"*sparse*: {len(place_targets(size, 10))} targets of {TARGET_PX} px, a model that sees everything "
             f"(MIN_PX 0); *size range*: 10 targets of {SMALLEST_PX}-{10 * SMALLEST_PX} px (10x), a model that needs "
             f"{MIN_PX} px. Baseline: `tiles` on the same scene, same invocation. Found: IoU > 0.5.", "",
             "| scene | strategy | model calls | calls / tiles | found | mean best IoU | boxes | wall s (no model) "
             "| wall / tiles |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in replay_rows:
        base = next(b for b in replay_rows if b["scene"] == r["scene"] and b["strategy"] == "tiles")
        lines.append(f"| {r['scene']} | {r['strategy']} | {r['calls']} | {r['calls'] / base['calls']:.3f} | "
                     f"{r['found']}/{r['targets']} | {r['mean_iou']} | {r['boxes']} | {r['wall_s']} | "
                     f"{r['wall_s'] / base['wall_s']:.3f} |")
    lines += ["", "Tiny reasoner (trained to find 0-2 bright squares of 12-40 px per image; CPU, warm model), 448 px "
                  "scenes at a 112 px budget (the overview is 4x downscaled), 112 px tiles with 28 px overlap. "
                  "Baseline: `tiles` on the same scene. IoU per true square (0 = missed).", "",
              "| scene | strategy | model calls | calls / tiles | found | IoU per square | boxes |",
              "|---|---|---|---|---|---|---|"]
    for r in tiny_rows:
        base = next(b for b in tiny_rows if b["scene"] == r["scene"] and b["strategy"] == "tiles")
        lines.append(f"| {r['scene']} | {r['strategy']} | {r['calls']} | {r['calls'] / base['calls']:.3f} | "
                     f"{r['found']}/{r['targets']} | {', '.join(map(str, r['ious']))} | {r['boxes']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--append", action="store_true")
    ap.add_argument("--no-tiny", action="store_true", help="skip the tiny reasoner's scenes")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_strategies_") as work:
        replay_rows = replay_bench(a.size, "sparse", place_targets(a.size, 10), 0.0, work)
        replay_rows += replay_bench(a.size, "size range", size_range_targets(a.size, 10), MIN_PX, work)
    tiny_rows = [] if a.no_tiny else tiny_bench()
    text = report(replay_rows, tiny_rows, a.size)
    publish(text, a.append)


if __name__ == "__main__":
    main()
