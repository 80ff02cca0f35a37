"""Benchmark: point-correction latency (box + clicked points -> mask -> MultiPolygon) with the window's image
embedding cached (what a click after a run costs) vs not cached (the encoder runs first: the baseline).

SAMs: the offline tiny SAM of the tests; with --sam2-tiny, the default SAM (SAM 2.1 Hiera-Tiny) as
transformers' default `Sam2Config()` builds it (the configuration its docstring names
"facebook/sam2.1_hiera_tiny style"), random weights saved and loaded through the engine's own SAM 2.1 loader;
with --vit-b, SAM ViT-B's real architecture with random weights (segment_anything's
`build_sam_vit_b(checkpoint=None)`). Same layers and sizes as the published checkpoints, so the same latency;
no weights ship, and the answers of random weights are not looked at.
Usage: PYTHONPATH=. <engine python> benchmarks/bench_correction.py [--sam2-tiny] [--vit-b] [--repeats 5] [--append]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run_context import machine, publish, today

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"
X0, Y0 = 404211.9, 3285142.9  # OSBS_029: 400 x 400 px of 0.1 m
BOX = (X0 + 10.0, Y0 - 20.0, X0 + 20.0, Y0 - 10.0)
POINTS = [(X0 + 15.0, Y0 - 15.0, 0), (X0 + 11.0, Y0 - 11.0, 1)]


def segmenters(vit_b: bool, sam2_tiny: bool = False):
    from inference_core.models.segment import Segmenter, load_segmenter
    from inference_core.models.tiny import build_tiny_models

    out = Path(tempfile.mkdtemp(prefix="rr-bench-"))
    tiny = build_tiny_models(out)
    yield "tiny SAM (tests)", load_segmenter(str(tiny.sam_path), device="cpu")
    if sam2_tiny:
        from transformers import Sam2Config, Sam2Model

        from inference_core.models.sam2 import save_sam2

        folder = save_sam2(Sam2Model(Sam2Config()).eval(), out / "sam2.1-hiera-tiny-random")
        yield "SAM 2.1 Hiera-Tiny architecture, the default (random weights)", load_segmenter(str(folder), device="cpu")
    if vit_b:
        from segment_anything import sam_model_registry

        sam = sam_model_registry["vit_b"](checkpoint=None).eval()
        yield "SAM ViT-B architecture (random weights)", Segmenter(sam, "random:vit_b", device="cpu")


def measure(segmenter, repeats: int) -> tuple[list[float], list[float]]:
    from inference_core.contract.options import RunOptions
    from inference_core.models.segment import segment_prompted
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    opts = RunOptions(raster=str(SAMPLE), query="q", out="x.gpkg", sam="x", granularity=("boxes", "masks"))
    source = RasterSource.open(str(SAMPLE))
    tile = plan_tiles(source, opts)[0]
    cold, warm = [], []
    try:
        for _ in range(repeats):
            segmenter.cache.clear()
            segmenter._current = None  # noqa: SLF001 - a fresh segmenter, as before a run
            segmenter.predictor.reset_image()
            t = time.perf_counter()
            r = segment_prompted(segmenter, source, tile, BOX, POINTS, opts)
            cold.append(time.perf_counter() - t)
            assert not r.cached
            t = time.perf_counter()
            r = segment_prompted(segmenter, source, tile, BOX, POINTS[:1], opts)
            warm.append(time.perf_counter() - t)
            assert r.cached
    finally:
        source.close()
    return cold, warm


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vit-b", action="store_true")
    ap.add_argument("--sam2-tiny", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    lines = ["", "## Point-correction latency (bench_correction.py)", "",
             f"Machine: {machine()}; date {today()}; CPU, torch {torch.__version__}, {torch.get_num_threads()} threads. "
             f"OSBS_029 (400 x 400 px, one view), one object's box plus clicked points; median of {args.repeats}.", "",
             "| SAM | not cached (encoder + decoder), ms | cached embedding (decoder only), ms | ratio |", "|---|---|---|---|"]
    for name, seg in segmenters(args.vit_b, args.sam2_tiny):
        cold, warm = measure(seg, args.repeats)
        c, w = statistics.median(cold) * 1000, statistics.median(warm) * 1000
        lines.append(f"| {name} | {c:.0f} | {w:.0f} | {c / w:.1f}x |")
        print(name, [round(v * 1000) for v in cold], [round(v * 1000) for v in warm], flush=True)
    text = "\n".join(lines) + "\n"
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
