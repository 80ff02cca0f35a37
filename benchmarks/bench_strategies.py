"""Strategies benchmark: model calls and wall time of `refine` and `overview` against `tiles` (the baseline, same
invocation) on a large raster with k sparse targets, with replay answers that a perfect model would give (so the
engine's whole path runs here: reads, parsing, coordinates, merging, GeoPackage), plus the tiny reasoner's truth
figures (calls, IoU) on a raster 3x its budget per side.

    python benchmarks/bench_strategies.py [--size 20000] [--targets 10] [--append]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

from run_context import machine, today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PIXEL_M = 0.1
TARGET_PX = 120  # 12 m objects at 0.1 m: about 5 overview pixels on a 20000 px side


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


def visible_answer(view, targets) -> str:
    """What a perfect model says about one view: the visible part of each target, in the view's pixels, rounded."""
    sx, sy = view.out_width / view.width, view.out_height / view.height
    boxes = []
    for c, r, w, h in targets:
        x1, y1 = max(c, view.col_off), max(r, view.row_off)
        x2, y2 = min(c + w, view.col_off + view.width), min(r + h, view.row_off + view.height)
        if x2 > x1 and y2 > y1:
            boxes.append([round((x1 - view.col_off) * sx), round((y1 - view.row_off) * sy),
                          round((x2 - view.col_off) * sx), round((y2 - view.row_off) * sy)])
    return "<answer>" + json.dumps(boxes) + "</answer>"


def replay_answers(path: str, raster: str, targets, strategy: str) -> str:
    """A .jsonl of perfect answers for every view the strategy will ask, planned by the engine's own code."""
    from inference_core.contract.options import RunOptions
    from inference_core.models.parsing import parse_answer
    from inference_core.raster.source import RasterSource
    from inference_core.run.strategies import plan_refine, plan_strategy
    from inference_core.common.records import Detection

    opts = RunOptions(raster=raster, query="q", out="x.gpkg", strategy=strategy)
    rows = []
    with RasterSource.open(raster) as src:
        plan = plan_strategy(src, opts)
        views = list(plan.views)
        for v in views:
            rows.append({"tile_id": v.tile_id, "raw_text": visible_answer(v, targets),
                         "input_size": [v.out_width, v.out_height]})
        if plan.refining:
            ov = views[0]
            cands = [Detection(i, 0, tuple(b), (0, 0, 0, 0)) for i, b in enumerate(parse_answer(rows[0]["raw_text"]).boxes)]
            for v, _ids in plan_refine(src, opts, ov, cands, first_id=1):
                rows.append({"tile_id": v.tile_id, "raw_text": visible_answer(v, targets),
                             "input_size": [v.out_width, v.out_height]})
    with open(path, "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    return path


def mean_best_iou(out: str, truth_map) -> tuple[float, int]:
    import pyogrio

    from inference_core.geometry.boxes import box_iou

    got = [tuple(g.bounds) for g in pyogrio.read_dataframe(out, layer="boxes").geometry]
    best = [max((float(box_iou(t, g)[0]) for g in got), default=0.0) for t in truth_map]
    return sum(best) / len(best), len(got)


def replay_bench(size: int, k: int, work: str) -> list[dict]:
    from inference_core.contract.options import RunOptions
    from inference_core.run.pipeline import run

    targets = place_targets(size, k)
    raster = os.path.join(work, f"sparse_{size}.tif")
    t0 = time.perf_counter()
    generate(raster, size, targets)
    gen_s = time.perf_counter() - t0
    x0, y0 = 400000.0, 3300000.0
    truth = [(x0 + c * PIXEL_M, y0 - (r + h) * PIXEL_M, x0 + (c + w) * PIXEL_M, y0 - r * PIXEL_M) for c, r, w, h in targets]
    rows = []
    plan = [(s, False) for s in ("tiles", "overview", "refine")] + [(s, True) for s in ("overview", "refine")]
    for strategy, overviews in plan:
        if overviews and not rows[-1].get("overviews"):
            add_overviews(raster)  # what `gdaladdo` does: GDAL then reads a reduced view from them
        answers = replay_answers(os.path.join(work, f"{strategy}.jsonl"), raster, targets, strategy)
        out = os.path.join(work, f"{strategy}.gpkg")
        t0 = time.perf_counter()
        s = run(RunOptions(raster=raster, query="bright squares", out=out, backend="replay", replay=answers,
                           strategy=strategy, coordinates="model-input"))
        wall = time.perf_counter() - t0
        iou, n = mean_best_iou(out, truth)
        rows.append({"strategy": strategy, "overviews": overviews, "calls": s.tiles_done, "wall_s": round(wall, 2),
                     "boxes": n, "mean_iou": round(iou, 3), "status": s.status, "generate_s": round(gen_s, 1)})
    return rows


def add_overviews(path: str) -> None:
    """Internal overviews 2..32 (average), as `gdaladdo -r average` makes them."""
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path, "r+") as ds:
        ds.build_overviews([2, 4, 8, 16, 32], Resampling.average)


# A third square: more targets in one view than the tiny reasoner learned to report (0-2), so its overview
# misses one — what a real model does with a target too small or too crowded to see in the overview.
THREE_SQUARES = ((30, 40, 36, 36), (200, 60, 38, 38), (120, 240, 34, 34))


def tiny_bench(work: str) -> list[dict]:
    """The tiny reasoner (CPU) on the truth test's scene (336 px, 2 bright squares, 112 px budget), then on the
    same scene with a third square the overview cannot report."""
    import rasterio
    from rasterio.transform import from_origin

    from inference_core.models.cache import ModelCache
    from inference_core.run.pipeline import run
    sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))
    from test_strategies_truth import ORIGIN, PX, SIDE, best_ious, scene, tiny_options

    models = ModelCache()
    rows = []
    for squares in (None, THREE_SQUARES):
        raster = os.path.join(work, f"tiny_scene_{3 if squares else 2}.tif")
        with rasterio.open(raster, "w", driver="GTiff", width=SIDE, height=SIDE, count=3, dtype="uint8",
                           crs="EPSG:32633", transform=from_origin(*ORIGIN, PX, PX)) as dst:
            dst.write(scene(squares=squares) if squares else scene())
        run(tiny_options(raster, os.path.join(work, "warm.gpkg"), "overview"), models=models)  # load once, untimed
        for strategy in ("tiles", "overview", "refine"):
            out = os.path.join(work, f"tiny_{strategy}.gpkg")
            t0 = time.perf_counter()
            s = run(tiny_options(raster, out, strategy), models=models)
            wall = time.perf_counter() - t0
            ious, n = best_ious(out, squares) if squares else best_ious(out)
            rows.append({"scene": f"{len(squares or (0, 0))} squares", "strategy": strategy, "calls": s.tiles_done,
                         "wall_s": round(wall, 2), "boxes": n, "ious": [round(v, 3) for v in ious]})
    return rows


def report(size: int, k: int, replay_rows: list[dict], tiny_rows: list[dict]) -> str:
    base = replay_rows[0]
    lines = ["## Strategies: tiles vs overview vs refine (bench_strategies.py)", "",
             f"Machine: {machine()}; date {today()}.",
             f"Replay (a perfect model's answers, so calls and the engine's own time are measured): {size}x{size} RGB "
             f"GeoTIFF at {PIXEL_M} m (DEFLATE, 512 px blocks, no overviews), {k} targets of {TARGET_PX} px, default "
             f"options (896 px tiles, 112 px overlap, 896² budget). Baseline: `tiles`, same invocation; the last two "
             f"rows after adding internal overviews (2-32, average) to the same file.", "",
             "| strategy | model calls | calls / tiles | wall s (no model) | wall / tiles | boxes | mean best IoU |",
             "|---|---|---|---|---|---|---|"]
    for r in replay_rows:
        name = r["strategy"] + (" (raster with overviews)" if r.get("overviews") else "")
        lines.append(f"| {name} | {r['calls']} | {r['calls'] / base['calls']:.3f} | {r['wall_s']} | "
                     f"{r['wall_s'] / base['wall_s']:.3f} | {r['boxes']} | {r['mean_iou']} |")
    lines += ["", "Tiny reasoner (trained to find 0-2 bright squares of 12-40 px per image; CPU, warm model): 336 px "
                  "scene, squares of 34-38 px, 112 px budget (the overview is 3x downscaled); the second scene adds "
                  "a third square. Baseline: `tiles` on the same scene. IoU per true square (0 = missed).", "",
              "| scene | strategy | model calls | calls / tiles | wall s | wall / tiles | boxes | IoU per square |",
              "|---|---|---|---|---|---|---|---|"]
    for r in tiny_rows:
        tb = next(t for t in tiny_rows if t["scene"] == r["scene"] and t["strategy"] == "tiles")
        lines.append(f"| {r['scene']} | {r['strategy']} | {r['calls']} | {r['calls'] / tb['calls']:.3f} | {r['wall_s']} | "
                     f"{r['wall_s'] / tb['wall_s']:.3f} | {r['boxes']} | {', '.join(map(str, r['ious']))} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--targets", type=int, default=10)
    ap.add_argument("--append", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_strategies_") as work:
        replay_rows = replay_bench(a.size, a.targets, work)
        tiny_rows = tiny_bench(work)
    print(json.dumps({"replay": replay_rows, "tiny": tiny_rows}, indent=1))
    text = report(a.size, a.targets, replay_rows, tiny_rows)
    print(text)
    if a.append:
        with open(os.path.join(ROOT, "benchmarks", "RESULTS.md"), "a") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
