"""A mosaic on Ray against a loopback OpenAI-compatible stub server with an injected latency (its own process):
views per second of one plain `reason` over the mosaic's VRT, and of `remotereasoner mosaic` with 1 and 2 Ray
workers, all in one invocation; Ray's scheduling overhead per part; the client CPU per view that sizes a cluster.

    PYTHONPATH=. python benchmarks/bench_mosaic.py [--files 4 --file-px 1500 --latency 0.5 --concurrency 2
                                                    --views-per-part 16 --append]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_context import machine, publish, today

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_openai import stats, stub_process  # noqa: E402  (the stub server in its own process)

from inference_core.contract.mosaic import MosaicSettings  # noqa: E402
from inference_core.contract.options import RunOptions  # noqa: E402
from inference_core.mosaic import execute  # noqa: E402
from inference_core.mosaic.driver import run_mosaic  # noqa: E402
from inference_core.run.pipeline import run  # noqa: E402


def make_mosaic(folder: Path, files: int, side: int) -> Path:
    """files x files GeoTIFFs of side x side px cut from the NEON OSBS_029 orthophoto repeated (real texture)."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(ROOT / "resources" / "sample" / "OSBS_029.tif") as src:
        tile = src.read([1, 2, 3])
    n = files * side
    scene = np.tile(tile, (1, n // tile.shape[1] + 1, n // tile.shape[2] + 1))[:, :n, :n]
    folder.mkdir(parents=True)
    for r in range(files):
        for c in range(files):
            with rasterio.open(folder / f"r{r}c{c}.tif", "w", driver="GTiff", width=side, height=side, count=3,
                               dtype="uint8", crs="EPSG:32617",
                               transform=from_origin(404000.0 + c * side * 0.1, 3285000.0 - r * side * 0.1, 0.1, 0.1),
                               tiled=True, blockxsize=256, blockysize=256) as dst:
                dst.write(scene[:, r * side:(r + 1) * side, c * side:(c + 1) * side])
    return folder


def options(out: Path, url: str, concurrency: int, raster: str = "") -> RunOptions:
    return RunOptions(raster=raster, query="tree crowns", out=str(out), backend="openai", server_url=url,
                      model="remote-reasoner", concurrency=concurrency, retries=0, timeout=120, max_tiles=100000)


def plain(vrt: str, out: Path, url: str, concurrency: int) -> dict:
    stats(url, reset=True)
    cpu0, t0 = time.process_time(), time.perf_counter()
    summary = run(options(out, url, concurrency, vrt))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    got = stats(url)
    assert summary.status == "finished" and got["requests"] == summary.tiles_total, got
    return {"name": "plain `reason` over the VRT", "workers": "-", "seconds": seconds, "views": summary.tiles_total,
            "peak": got["max_in_flight"], "cpu_ms": 1000 * cpu / summary.tiles_total, "parts": "-"}


def mosaic(folder: Path, out: Path, url: str, concurrency: int, workers: int, max_views: int) -> dict:
    shutil.rmtree(str(out)[:-5] + ".parts", ignore_errors=True)
    execute.start_ray(None, workers)
    try:
        stats(url, reset=True)
        t0 = time.perf_counter()
        summary = run_mosaic(MosaicSettings(str(folder), workers=workers, servers=[url], parts_per_server=workers,
                                            max_views=max_views),
                             options(out, url, concurrency))
        seconds = time.perf_counter() - t0
        got = stats(url)
        parts_dir = Path(str(out)[:-5] + ".parts")
        part_s = [float(__import__("json").loads(p.read_text())["seconds"]) for p in parts_dir.glob("*.done.json")]
    finally:
        execute.stop_ray()
    assert summary.status == "finished" and got["requests"] == summary.tiles_total, got
    # serial parts (1 worker): what the wall time holds beyond the parts' own time and the merge, per part
    overhead = (seconds - sum(part_s) / workers - summary.merge_seconds) / summary.parts
    return {"name": f"`mosaic`, {workers} Ray worker(s)", "workers": workers, "seconds": seconds,
            "views": summary.tiles_total, "peak": got["max_in_flight"], "cpu_ms": None, "parts": summary.parts,
            "overhead_ms": 1000 * overhead, "merge_s": summary.merge_seconds}


def ray_start_seconds(workers: int) -> float:
    t0 = time.perf_counter()
    execute.start_ray(None, workers)
    seconds = time.perf_counter() - t0
    execute.stop_ray()
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=4, help="files per side of the mosaic")
    ap.add_argument("--file-px", type=int, default=1500, help="side of one file in px (0.1 m pixels)")
    ap.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per view")
    ap.add_argument("--concurrency", type=int, default=2, help="views in flight per part (and for the plain run)")
    ap.add_argument("--views-per-part", type=int, default=16, help="views per part (a county's default: 64)")
    ap.add_argument("--append", action="store_true", help="append the results to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_mosaic_"))
    try:
        folder = make_mosaic(tmp / "tiles", args.files, args.file_px)
        vrt = tmp / "mosaic.vrt"
        subprocess.run(["gdalbuildvrt", "-q", str(vrt), *sorted(map(str, folder.glob("*.tif")))], check=True)
        load_before = os.getloadavg()[0]
        start_s = ray_start_seconds(1)
        with stub_process("--latency", str(args.latency)) as url:
            rows = [plain(str(vrt), tmp / "plain.gpkg", url, args.concurrency),
                    mosaic(folder, tmp / "m1.gpkg", url, args.concurrency, 1, args.views_per_part),
                    mosaic(folder, tmp / "m2.gpkg", url, args.concurrency, 2, args.views_per_part)]
        load_after = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = rows[0]
    n = base["views"]
    lines = [
        f"### mosaic on Ray vs one plain run ({today()}, {machine()})",
        "",
        f"`python benchmarks/bench_mosaic.py --files {args.files} --file-px {args.file_px} --latency {args.latency} "
        f"--concurrency {args.concurrency} --views-per-part {args.views_per_part}`. A mosaic of {args.files}x{args.files} GeoTIFFs of {args.file_px} px "
        f"(0.1 m, the NEON OSBS_029 orthophoto repeated), {n} views of the default 896-px tile, parts of up to {args.views_per_part} views; a loopback "
        f"OpenAI-compatible stub (its own process) answers each view after {args.latency} s. Each part keeps "
        f"{args.concurrency} views at the server; with N workers N parts run at once. Baseline: the plain run, "
        "same views, same concurrency, in this invocation.",
        "",
        "| run | parts | seconds | views/s | max in flight at the server | speed-up |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['parts']} | {r['seconds']:.2f} | {n / r['seconds']:.2f} | {r['peak']} | "
                     f"{base['seconds'] / r['seconds']:.2f}x |")
    lines += [
        "",
        f"Client CPU per view (plain run, this process: read the window, stretch, PNG, parse, write): "
        f"**{base['cpu_ms']:.0f} ms**. Ray start (embedded, once per command): {start_s:.1f} s. Scheduling "
        f"overhead per part (wall time beyond the parts' own time and the merge, per part): "
        f"{rows[1]['overhead_ms']:.0f} ms with 1 worker, {rows[2]['overhead_ms']:.0f} ms with 2 (each part's worker "
        f"opens the VRT and its output and loads the backend). Merge (one writer): {rows[1]['merge_s']:.2f} s. "
        f"Load average {load_before:.1f} before, {load_after:.1f} after (other work shares the "
        f"{os.cpu_count()} cores).",
        "",
    ]
    text = "\n".join(lines)
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
