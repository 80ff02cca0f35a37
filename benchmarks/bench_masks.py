"""Benchmark: mask vectorisation vs GDAL's gdal_polygonize.py, and the SAM embedding cache speed-up.

Usage: PYTHONPATH=. <engine python> benchmarks/bench_masks.py [--size 4000] [--no-vit-b] [--append]
With --append the result lines are added to benchmarks/RESULTS.md.
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

import numpy as np
from run_context import machine, publish, today

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GDAL_POLYGONIZE = "/usr/bin/gdal_polygonize.py"
# In-process GDAL polygonize (Debian python3-gdal), timed inside the process: the fair baseline
# without interpreter start-up or output writing.
GDAL_INPROC = r"""
import sys, time, json
from osgeo import gdal, ogr
gdal.UseExceptions()
ds = gdal.Open(sys.argv[1]); band = ds.GetRasterBand(1)
drv = ogr.GetDriverByName("Memory"); out = drv.CreateDataSource("m"); lyr = out.CreateLayer("p", srs=ds.GetSpatialRef())
lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
dt = float("inf")
for _ in range(int(sys.argv[2])):
    for fid in [f.GetFID() for f in lyr]:
        lyr.DeleteFeature(fid)
    t = time.perf_counter(); gdal.Polygonize(band, band.GetMaskBand(), lyr, 0, [], callback=None); dt = min(dt, time.perf_counter() - t)
area = sum(f.GetGeometryRef().GetArea() for f in lyr)
print(json.dumps({"seconds": dt, "count": lyr.GetFeatureCount(), "area": area}))
"""


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def blob_mask(size: int, seed: int = 3) -> np.ndarray:
    """Blobs with holes and diagonal contacts: thresholded noise upsampled 8x, some pixels flipped."""
    rng = np.random.default_rng(seed)
    cells = -(-size // 8)
    mask = np.kron(rng.random((cells, cells)) > 0.6, np.ones((8, 8), bool))[:size, :size]
    mask[::13, ::11] ^= True
    return np.ascontiguousarray(mask)


def bench_vectorize(size: int, workdir: Path, reps: int = 3) -> dict:
    import rasterio
    import shapely
    from rasterio.transform import from_origin

    from inference_core.geometry.vectorize import mask_to_multipolygon

    mask = blob_mask(size)
    transform = from_origin(500000.0, 4000000.0, 0.5, 0.5)
    tif = workdir / "mask.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=size, height=size, count=1, dtype="uint8",
                       crs="EPSG:32633", transform=transform, nodata=0) as dst:
        dst.write(mask.astype("uint8"), 1)

    ours = cli = float("inf")
    out = workdir / "gdal.geojson"
    for _ in range(reps):  # best of `reps`: the VM's two cores are shared
        t = time.perf_counter()
        mp = mask_to_multipolygon(mask, transform)
        ours = min(ours, time.perf_counter() - t)
        out.unlink(missing_ok=True)
        t = time.perf_counter()
        subprocess.run([GDAL_POLYGONIZE, "-q", "-of", "GeoJSON", str(tif), str(out)], check=True, env=_clean_env())
        cli = min(cli, time.perf_counter() - t)
    feats = json.loads(out.read_text())["features"]
    gdal_count = len(feats)
    gdal_area = float(sum(shapely.geometry.shape(f["geometry"]).area for f in feats))

    inproc = json.loads(subprocess.run(["/usr/bin/python3", "-c", GDAL_INPROC, str(tif), str(reps)], check=True,
                                       capture_output=True, text=True, env=_clean_env()).stdout)
    return {
        "size": size, "ours_s": ours, "gdal_cli_s": cli, "gdal_inproc_s": inproc["seconds"],
        "ours_count": len(mp.geoms), "gdal_count": gdal_count, "ours_area": mp.area, "gdal_area": gdal_area,
        "inproc_count": inproc["count"],
    }


def bench_cache(config_name: str, side: int, n_boxes: int, workdir: Path, rounds: int = 3) -> dict:
    """Two identical questions over one single-tile extent: the second restores the embeddings."""
    import rasterio
    import torch
    from rasterio.transform import from_origin

    from inference_core.contract.options import RunOptions
    from inference_core.common.records import Detection, TileSpec
    from inference_core.models.sam import SAM_CONFIGS, build_sam, save_sam
    from inference_core.models.segment import load_segmenter, segment_detections
    from inference_core.raster.source import RasterSource

    torch.manual_seed(0)
    config = SAM_CONFIGS[config_name]
    ckpt = workdir / f"{config_name}_random.pth"
    t = time.perf_counter()
    save_sam(build_sam(config), ckpt, config)
    build_s = time.perf_counter() - t
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (3, side, side), dtype=np.uint8)
    tif = workdir / f"scene_{side}.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=side, height=side, count=3, dtype="uint8",
                       crs="EPSG:32633", transform=from_origin(500000.0, 4000000.0, 0.5, 0.5)) as dst:
        dst.write(img)
    seg = load_segmenter(str(ckpt), None, "cpu")
    src = RasterSource.open(tif)
    tile = TileSpec(0, 0, 0, side, side, side, side, src.window_transform(0, 0, side, side, side, side))
    opts = RunOptions(raster=str(tif), query="q", out="o.gpkg", granularity=("masks",))
    step = side // (n_boxes + 2)

    def boxes():
        return [Detection(i, 0, (step * (i + 1), step, step * (i + 1) + step // 2, 3 * step), (0, 0, 0, 0))
                for i in range(n_boxes)]

    times, embed = [float("inf")] * 2, [float("inf")] * 2
    for _ in range(rounds):  # best of `rounds` for both questions: the VM's two cores are shared
        seg.cache.clear()
        seg._current = None
        seg.predictor.reset_image()
        for q in range(2):  # q = 0: a first question (encoder); q = 1: the same question again (cache)
            dets = boxes()
            t = time.perf_counter()
            stats = segment_detections(seg, src, tile, dets, opts)
            times[q] = min(times[q], time.perf_counter() - t)
            embed[q] = min(embed[q], stats.embed_seconds)
    src.close()
    return {"model": config_name, "side": side, "boxes": n_boxes, "first_s": times[0], "second_s": times[1],
            "speedup": times[0] / times[1], "embed_first_s": embed[0], "embed_second_s": embed[1],
            "hits": seg.cache.stats.hits, "misses": seg.cache.stats.misses,
            "encoder_runs": seg.encoder_runs, "build_s": build_s, "threads": torch.get_num_threads(), "rounds": rounds}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--no-vit-b", action="store_true")
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args(argv)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        w = Path(tmp)
        v = bench_vectorize(args.size, w)
        print(json.dumps(v))
        lines.append(
            f"- vectorize {v['size']}x{v['size']} blob mask: mask_to_multipolygon {v['ours_s']:.2f} s vs "
            f"gdal_polygonize.py (CLI, GeoJSON) {v['gdal_cli_s']:.2f} s -> ratio ours/gdal {v['ours_s'] / v['gdal_cli_s']:.2f}; "
            f"vs in-process gdal.Polygonize to memory {v['gdal_inproc_s']:.2f} s -> ratio {v['ours_s'] / v['gdal_inproc_s']:.2f}. "
            f"Polygons {v['ours_count']} vs {v['gdal_count']} (GDAL), area {v['ours_area']:.2f} vs {v['gdal_area']:.2f} m²."
        )
        runs = [bench_cache("tiny", 512, 5, w)]
        if not args.no_vit_b:
            runs.append(bench_cache("vit_b", 1024, 5, w, rounds=1))
        for r in runs:
            print(json.dumps(r))
            lines.append(
                f"- SAM embedding cache, {r['model']} random weights, CPU ({r['threads']} threads), one {r['side']}x{r['side']} tile, "
                f"{r['boxes']} boxes, best of {r['rounds']} round(s): first question {r['first_s']:.3f} s (encoder), second {r['second_s']:.3f} s (cache) "
                f"-> speed-up {r['speedup']:.1f}x (the rest is mask decoding and vectorising, same both times); "
                f"embedding step {r['embed_first_s']:.3f} s encoder vs {r['embed_second_s'] * 1000:.2f} ms restored; encoder runs {r['encoder_runs']}, hits {r['hits']}, misses {r['misses']}."
            )
    block = "\n".join(
        ["\n## Masks: vectorize vs GDAL, SAM embedding cache (benchmarks/bench_masks.py)",
         f"Machine: {machine()}; date {today()}.", *lines, ""]
    )
    publish(block, args.append)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
