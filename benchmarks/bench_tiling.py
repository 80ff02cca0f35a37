"""Tiling memory benchmark: plan + read every tile of a 20000x20000 tiled, compressed GeoTIFF; peak RSS.

Baseline in the same invocation: Debian's `gdal_translate` (GDAL 3.6) reading the same file and
writing it uncompressed (ENVI raw, deleted afterwards): every pixel decoded, streamed block by block.
GDAL 3.6 has no /vsinull/, and -of MEM would hold the whole raster. Each step runs in its own process and
its peak RSS comes from os.wait4, so steps do not contaminate each other.

    python benchmarks/bench_tiling.py [--size 20000] [--keep DIR] [--append-results]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from run_context import machine, today

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(path: str, size: int) -> None:
    """RGB uint8, 512-px internal tiles, DEFLATE; written strip by strip so memory stays small."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    prof = dict(driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs="EPSG:32617",
                transform=from_origin(400000.0, 3300000.0, 0.1, 0.1), tiled=True, blockxsize=512,
                blockysize=512, compress="deflate", zlevel=1, BIGTIFF="IF_SAFER")
    rng = np.random.default_rng(0)
    strip = 512
    xs = np.arange(size, dtype=np.uint16)
    with rasterio.open(path, "w", **prof) as dst:
        for row in range(0, size, strip):
            h = min(strip, size - row)
            ys = np.arange(row, row + h, dtype=np.uint16)[:, None]
            base = ((xs[None, :] // 7 + ys // 5) % 256).astype(np.uint8)  # texture that still compresses
            noise = rng.integers(0, 8, size=(h, size), dtype=np.uint8)
            dst.write(np.stack([base + noise, base // 2 + noise, 255 - base]), window=Window(0, row, size, h))


def read_all(path: str) -> dict:
    """The engine path: RasterSource + plan_tiles with default options, read_rgb of every tile."""
    sys.path.insert(0, ROOT)
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    t0 = time.perf_counter()
    checksum = 0
    with RasterSource.open(path) as src:
        tiles = plan_tiles(src, RunOptions(raster=path, query="q", out="x.gpkg"))
        for t in tiles:
            rgb, valid = src.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height)
            checksum += int(rgb[::97, ::97].sum()) + int(valid.sum())
    return {"tiles": len(tiles), "seconds": round(time.perf_counter() - t0, 2), "checksum": checksum}


def _measure(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err[-500:]}")
    return wall, usage.ru_maxrss / 1024.0, out  # ru_maxrss is KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--keep", help="folder for the generated GeoTIFF (default: a temporary folder, removed)")
    ap.add_argument("--append", "--append-results", dest="append_results", action="store_true", help="append a section to benchmarks/RESULTS.md")
    ap.add_argument("--_generate", help=argparse.SUPPRESS)
    ap.add_argument("--_read", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._generate:
        generate(args._generate, args.size)
        return 0
    if args._read:
        print(json.dumps(read_all(args._read)))
        return 0

    folder = args.keep or tempfile.mkdtemp(prefix="bench-tiling-")
    path = os.path.join(folder, f"big_{args.size}.tif")
    if not os.path.exists(path):
        gen_s, gen_rss, _ = _measure([sys.executable, __file__, "--size", str(args.size), "--_generate", path])
        print(f"generated {path} ({os.path.getsize(path) / 2**20:.0f} MiB) in {gen_s:.1f} s")
    engine_s, engine_rss, out = _measure([sys.executable, __file__, "--_read", path])
    info = json.loads(out)
    gdal = shutil.which("gdal_translate")
    gdal_s = gdal_rss = None
    if gdal:
        raw = os.path.join(folder, "baseline.bin")
        gdal_s, gdal_rss, _ = _measure([gdal, "-q", "-of", "ENVI", path, raw])
        for p in (raw, raw[:-4] + ".hdr", raw + ".aux.xml"):
            if os.path.exists(p):
                os.remove(p)
    result = {
        "size": args.size, "file_mib": round(os.path.getsize(path) / 2**20, 1), "tiles": info["tiles"],
        "engine_seconds": round(engine_s, 1), "engine_peak_rss_mib": round(engine_rss, 1),
        "gdal_translate_seconds": round(gdal_s, 1) if gdal_s else None,
        "gdal_translate_peak_rss_mib": round(gdal_rss, 1) if gdal_rss else None,
    }
    if gdal_s:
        result["time_ratio_engine_over_gdal"] = round(engine_s / gdal_s, 2)
        result["rss_ratio_engine_over_gdal"] = round(engine_rss / gdal_rss, 2)
    print(json.dumps(result, indent=2))
    if args.append_results:
        _append(result)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if engine_rss < 1024 else 1


def _append(r: dict) -> None:
    sys.path.insert(0, ROOT)
    from inference_core.contract.options import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE

    stride = DEFAULT_TILE_SIZE - DEFAULT_OVERLAP
    lines = [
        "",
        f"## Tiling memory: {r['size']}x{r['size']} tiled GeoTIFF, plan + read every tile (bench_tiling.py)",
        "",
        f"Machine: {machine()}; date {today()}.",
        f"File: RGB uint8, 512-px internal tiles, DEFLATE, {r['file_mib']} MiB. Default plan "
        f"({DEFAULT_TILE_SIZE}-px tiles, {DEFAULT_OVERLAP}-px overlap): {r['tiles']} tiles.",
        "",
        "| reader | wall s | peak RSS MiB |",
        "|---|---|---|",
        f"| engine (RasterSource + plan_tiles + read_rgb) | {r['engine_seconds']} | {r['engine_peak_rss_mib']} |",
        f"| baseline: gdal_translate (GDAL 3.6) to raw ENVI | {r['gdal_translate_seconds']} | "
        f"{r['gdal_translate_peak_rss_mib']} |",
        "",
        f"Ratios engine/baseline: time {r.get('time_ratio_engine_over_gdal')}, peak RSS "
        f"{r.get('rss_ratio_engine_over_gdal')}. Requirement: engine peak RSS under 1 GB "
        f"({'met' if r['engine_peak_rss_mib'] < 1024 else 'NOT met'}). The engine reads overlapping "
        f"tiles, so it decodes about ({DEFAULT_TILE_SIZE}/{stride})² ≈ {(DEFAULT_TILE_SIZE / stride) ** 2:.1f}x the pixels "
        "gdal_translate does.",
    ]
    with open(os.path.join(ROOT, "benchmarks", "RESULTS.md"), "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
