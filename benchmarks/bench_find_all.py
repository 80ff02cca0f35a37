"""Find-all vs the reasoner: views per second at the default tile (896 px, 112-px overlap) on CPU, tiny models.

Both runs go through the same pipeline (run/pipeline.py) over the same synthetic 1680x896 GeoTIFF (2 views),
with warm models (loaded before timing, as the worker keeps them): find-all = tiny random SAM 3
(models/sam3.py, every view resized to its 112-px input), baseline = the reasoner, tiny random Qwen2.5-VL
(models/backends/transformers_backend.py, the view at 896 px = 1024 merged patches, default max_new_tokens).
Random weights: the reasoner's cost depends on how long it talks before its end token, so the answer lengths
are reported too. The ratio compares pipelines with tiny models, not the full-size models' speed.

    python benchmarks/bench_find_all.py [--repeats 1] [--append-results]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from run_context import machine, publish, today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# 1680 x 896 px: two default views (896 px, 112-px overlap), over the single-view budget (4/3 x 896²).
WIDTH, HEIGHT = 1680, 896


def make_raster(path: str) -> None:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(0)
    img = rng.integers(40, 120, size=(3, HEIGHT, WIDTH), dtype=np.uint8)
    for _ in range(30):  # bright squares: something to find
        c, r = rng.integers(0, WIDTH - 40), rng.integers(0, HEIGHT - 40)
        img[:, r:r + 30, c:c + 30] = 230
    with rasterio.open(path, "w", driver="GTiff", width=WIDTH, height=HEIGHT, count=3, dtype="uint8", crs="EPSG:32633",
                       transform=from_origin(500000.0, 4000000.0, 0.1, 0.1)) as dst:
        dst.write(img)


def timed_run(options, models) -> tuple[float, dict]:
    from inference_core.run.pipeline import run

    t0 = time.perf_counter()
    summary = run(options, models=models)
    return time.perf_counter() - t0, summary.to_dict()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1, help="timed runs per mode (best kept)")
    ap.add_argument("--append-results", action="store_true", help="append the table to benchmarks/RESULTS.md")
    args = ap.parse_args()

    import pyogrio
    import torch

    from inference_core.contract.options import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE, RunOptions
    from inference_core.models.cache import ModelCache
    from inference_core.models.tiny import build_mllm, write_tiny_sam3

    torch.set_num_threads(os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as tmp:
        raster = os.path.join(tmp, "scene.tif")
        make_raster(raster)
        mllm, sam3 = build_mllm(os.path.join(tmp, "mllm")), write_tiny_sam3(os.path.join(tmp, "sam3"))
        common = dict(raster=raster, device="cpu", granularity=("boxes", "masks", "contours"))
        modes = {
            "find-all (tiny SAM 3)": dict(mode="find-all", sam3=str(sam3), score_threshold=0.0),
            "baseline: reasoner (tiny Qwen2.5-VL)": dict(mode="locate", model=str(mllm), granularity=("boxes",)),
        }
        models = ModelCache()
        rows = []
        for label, kw in modes.items():
            opts = lambda i: RunOptions(**{**common, **kw, "query": "bright square",  # noqa: E731
                                           "out": os.path.join(tmp, f"{kw['mode']}-{i}.gpkg")})
            warm = opts("warm")  # load the model (not timed), as a warm worker holds it
            models.finder(warm) if warm.mode == "find-all" else models.backend(warm)
            best, summary = min((timed_run(opts(i), models) for i in range(args.repeats)), key=lambda r: r[0])
            responses = pyogrio.read_dataframe(summary["out"], layer="responses", read_geometry=False)
            rows.append((label, summary["tiles_done"], best, summary["counts"].get("boxes", 0),
                         float(responses["raw_text"].str.len().mean())))
            print(f"{label}: {summary['tiles_done']} views in {best:.2f} s", file=sys.stderr)
    (fa, views, fa_s, fa_boxes, _), (rs, _, rs_s, rs_boxes, rs_chars) = rows
    fa_vps, rs_vps = views / fa_s, views / rs_s
    table = "\n".join([
        f"\n## Find-all vs reasoner: views per second at the default tile (bench_find_all.py, {today()})\n",
        f"Machine: {machine()}. {WIDTH}x{HEIGHT} px GeoTIFF, tile {DEFAULT_TILE_SIZE} px, overlap {DEFAULT_OVERLAP} px: "
        f"{views} views; warm models, CPU, best of {args.repeats}.\n",
        "| pipeline | views | seconds | views/s | boxes |",
        "|---|---|---|---|---|",
        f"| {fa} (boxes, masks, contours; threshold 0) | {views} | {fa_s:.2f} | {fa_vps:.3g} | {fa_boxes} |",
        f"| {rs} (boxes; answers {rs_chars:.0f} characters on average) | {views} | {rs_s:.2f} | {rs_vps:.3g} | "
        f"{rs_boxes} |",
        "",
        f"Ratio find-all / reasoner: **{fa_vps / rs_vps:.1f}x** the views per second. Tiny random weights: the "
        "reasoner's time is its generation (random text until the end token or max_new_tokens), find-all's one "
        "forward pass per view plus vectorising its 20 masks. Full-size weights were not measured here (no GPU "
        "lent); they would change both sides.",
    ])
    publish(table, args.append_results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
