"""Benchmark: peak memory and time of a masks run as the boxes per answer grow, 500 (the default --max-boxes,
the baseline) vs 10 000, replay answers + a tiny SAM over a 1792 x 1792 px raster (9 overlapping views of 896
px). Each count runs in a child process of its own (`remotereasoner reason`), its peak RSS read from its own
rusage (wait4).
Bounded memory is the goal: the ratio of the peaks is the figure (boxes x 20, memory should not follow).

`--sam trained` (default): the tiny SAM trained on synthetic shapes (resources/tiny_sam/), whose masks stay in
their boxes; `--sam random`: the random-weight tiny SAM of the tests, whose masks are noisy and large (2.2 times
slower a prompt here, most of it in SAM's mask decoder, and far more outline to vectorise and write).
With --sample: one 400 px view of the sample orthophoto (OSBS_029) instead, 16 px boxes.

Usage: PYTHONPATH=. nice -n 10 <engine python> benchmarks/bench_mask_memory.py [--counts 500,10000] [--sam trained]
       [--sample] [--append]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_context import machine, publish, today

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIDE = 1792  # raster side in px: 2 x 2 views of the default 896 px tile


SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"
TRAINED_SAM = ROOT / "resources" / "tiny_sam" / "tiny_sam_shapes.pth"


def make_inputs(folder: Path, boxes_per_run: int, sample: bool = False) -> tuple[Path, Path]:
    """A random 3-band GeoTIFF (or the sample) and a replay file whose views share `boxes_per_run` small boxes."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    raster = SAMPLE if sample else folder / "big.tif"
    if not raster.exists():
        rng = np.random.default_rng(0)
        with rasterio.open(raster, "w", driver="GTiff", width=SIDE, height=SIDE, count=3, dtype="uint8",
                           crs="EPSG:32633", transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), tiled=True) as d:
            d.write(rng.integers(0, 255, (3, SIDE, SIDE), dtype=np.uint8))
    with RasterSource.open(raster) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(raster), query="q", out="x.gpkg"))
    rng = np.random.default_rng(1)
    per_view = boxes_per_run // len(tiles)
    rows = []
    for t in tiles:
        xy = rng.integers(0, min(t.out_width, t.out_height) - 24, (per_view, 2))
        boxes = [[int(x), int(y), int(x) + 16, int(y) + 16] for x, y in xy]
        rows.append({"tile_id": t.tile_id, "raw_text": "<answer>" + json.dumps(boxes, separators=(",", ":")) +
                     "</answer>", "input_size": [t.out_width, t.out_height]})
    replay = folder / f"answers-{boxes_per_run}.jsonl"
    replay.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return raster, replay


def run_one(folder: Path, sam: Path, boxes: int, sample: bool = False) -> dict:
    raster, replay = make_inputs(folder, boxes, sample)
    out = folder / f"r{boxes}.gpkg"
    cmd = [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "dots", "-o", str(out), "--backend",
           "replay", "--replay", str(replay), "--granularity", "boxes,masks,contours", "--sam", str(sam),
           "--device", "cpu", "--max-boxes", str(max(boxes, 1)), "--iou-threshold", "0.99", "--quiet", "--json"]
    stdout, stderr = folder / f"r{boxes}.out", folder / f"r{boxes}.err"
    t0 = time.perf_counter()
    with open(stdout, "w") as so, open(stderr, "w") as se:
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: its peak RSS alone
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{boxes} boxes: exit {proc.returncode}: {stderr.read_text()[-1000:]}")
    summary = json.loads(stdout.read_text())
    return {"boxes_asked": boxes, "boxes": summary["counts"].get("boxes"), "masks": summary["counts"].get("masks"),
            "seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="500,10000", help="boxes per run, ascending; the first is the baseline")
    ap.add_argument("--sample", action="store_true", help="one 400 px view of the sample instead of 9 views of 896 px")
    ap.add_argument("--sam", choices=("trained", "random"), default="trained",
                    help="the tiny trained SAM (masks in their boxes) or the random one of the tests (noisy masks)")
    ap.add_argument("--append", action="store_true", help="append the result to benchmarks/RESULTS.md")
    args = ap.parse_args()
    counts = sorted(int(c) for c in args.counts.split(","))
    from inference_core.models.tiny import build_tiny_models

    folder = Path(tempfile.mkdtemp(prefix="rr-bench-mem-"))
    sam = TRAINED_SAM if args.sam == "trained" else build_tiny_models(folder / "tiny").sam_path
    load = os.getloadavg()[0]
    rows = [run_one(folder, sam, n, args.sample) for n in counts]
    base = rows[0]
    lines = [f"## Masks memory: boxes per run {' vs '.join(str(c) for c in counts)} (bench_mask_memory.py, {today()})",
             "", f"Machine: {machine()}, niceness {os.nice(0)}, load average {load:.1f} before and "
             f"{os.getloadavg()[0]:.1f} after (shared: compare ratios, not seconds). Replay answers + "
             + ("the tiny trained SAM (resources/tiny_sam/)" if args.sam == "trained" else
                "the random-weight tiny SAM of the tests") + ", boxes, masks and contours over "
             + ("the sample OSBS_029 (one 400 px view)" if args.sample else
                f"a {SIDE} x {SIDE} px GeoTIFF (9 overlapping views of 896 px, the boxes spread over them)"
                )
             + ", one `remotereasoner reason` process per count; peak RSS of that process (wait4).", "",
             "| boxes asked | boxes / masks written | time (s) | peak RSS (MB) | time ratio | memory ratio |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['boxes_asked']:,} | {r['boxes']:,} / {r['masks']:,} | {r['seconds']} | {r['peak_rss_mb']} | "
                     f"{r['seconds'] / base['seconds']:.1f} | {r['peak_rss_mb'] / base['peak_rss_mb']:.2f} |")
    text = "\n".join(lines) + "\n"
    publish(text, args.append)


if __name__ == "__main__":
    main()
