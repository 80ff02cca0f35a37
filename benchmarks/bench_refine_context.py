"""How much context a refine view needs around its target (contract.options.REFINE_CONTEXT): the tiny reasoner
(CPU) asked one view that shows a bright square with a context share c of its side on every side (the square
fills 1 / (1 + 2c) of the view), for several c, square sizes and positions; IoU of its best box per case.

    python benchmarks/bench_refine_context.py [--append]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from run_context import machine, publish, today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))

SHARES = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5)
SQUARES = (120, 180, 240)  # raster px: every view is at least 112 px, read at the tiny reasoner's 112 px
SEEDS = (1, 2, 3)


def case(work: str, models, side: int, share: float, seed: int) -> float:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from inference_core.run.pipeline import run
    from test_strategies_truth import ORIGIN, PX, best_ious, scene, tiny_options

    view = int(round(side * (1 + 2 * share)))
    rng = np.random.default_rng(seed)
    # the candidate is off-centre by up to a tenth of its side (an overview box is a few of its pixels off)
    c = int(round(side * share + rng.uniform(-0.1, 0.1) * side))
    r = int(round(side * share + rng.uniform(-0.1, 0.1) * side))
    c, r = min(max(c, 0), view - side), min(max(r, 0), view - side)
    squares = ((c, r, side, side),)
    raster = os.path.join(work, f"ctx_{side}_{share}_{seed}.tif")
    with rasterio.open(raster, "w", driver="GTiff", width=view, height=view, count=3, dtype="uint8",
                       crs="EPSG:32633", transform=from_origin(*ORIGIN, PX, PX)) as dst:
        dst.write(scene(side=view, squares=squares, seed=seed))
    out = os.path.join(work, f"ctx_{side}_{share}_{seed}.gpkg")
    opts = tiny_options(raster, out, "overview")  # one view read at the 112 px budget, as a refine view is
    s = run(opts, models=models)
    assert s.tiles_total == 1, s
    return best_ious(out, squares)[0][0]


def main() -> None:
    from inference_core.models.cache import ModelCache

    ap = argparse.ArgumentParser()
    ap.add_argument("--append", action="store_true")
    a = ap.parse_args()
    models = ModelCache()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_ctx_") as work:
        for share in SHARES:
            ious = [case(work, models, side, share, seed) for side in SQUARES for seed in SEEDS]
            rows.append({"share": share, "fill": round(1 / (1 + 2 * share), 3), "ious": [round(v, 3) for v in ious],
                         "mean": round(sum(ious) / len(ious), 3), "found": sum(v > 0.5 for v in ious)})
            print(json.dumps(rows[-1]), flush=True)
    lines = ["## Refine context share (bench_refine_context.py)", "",
             f"Machine: {machine()}; date {today()}.",
             f"Tiny reasoner (trained on 0-2 bright squares of 12-40 px in a 112 px image), one 112 px view per case "
             f"showing one square of {', '.join(map(str, SQUARES))} raster px with a context share c of its side on "
             f"every side (off-centre by up to 0.1 of its side), seeds {', '.join(map(str, SEEDS))}. "
             f"IoU of the best box against the true square.", "",
             "| context share c | square's share of the view side | IoU per case | mean IoU | found (IoU > 0.5) |",
             "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['share']} | {r['fill']} | {', '.join(map(str, r['ious']))} | {r['mean']} | "
                     f"{r['found']}/{len(r['ious'])} |")
    text = "\n".join(lines) + "\n"
    publish(text, a.append)


if __name__ == "__main__":
    main()
