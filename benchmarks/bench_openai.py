"""Throughput of the `openai` backend with 1 vs N tiles in flight, against the loopback stub server
with a fixed injected latency per request (stands in for a GPU server's answer time).

    PYTHONPATH=. python benchmarks/bench_openai.py [--tiles 32 --latency 0.2 --tile-size 448 1008 --concurrency 1 8 --append]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from run_context import machine, today

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "tests" / "engine" / "openai_stub_server.py"

from inference_core.models.backends.base import ReasonRequest  # noqa: E402
from inference_core.models.backends.openai_backend import OpenAIBackend, prepare_image  # noqa: E402
from inference_core.contract.options import RunOptions  # noqa: E402


def sample_tile(size: int):
    """The NEON OSBS_029 orthophoto upsampled to one full tile: real imagery for PNG encoding cost."""
    import numpy as np
    import rasterio
    from PIL import Image

    with rasterio.open(ROOT / "resources" / "sample" / "OSBS_029.tif") as src:
        rgb = np.moveaxis(src.read([1, 2, 3]), 0, -1)
    return Image.fromarray(rgb, "RGB").resize((size, size), Image.Resampling.BICUBIC)


@contextmanager
def stub_process(latency: float, answer: str):
    """The stub server in its own process, as a real server is: its JSON/PNG decoding does not
    share the client's interpreter lock (it still shares the 2 cores)."""
    proc = subprocess.Popen([sys.executable, str(STUB), "--latency", str(latency), "--answer", answer],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"stub server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}/v1"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def stats(url: str, reset: bool = False) -> dict:
    req = urllib.request.Request(url.rsplit("/v1", 1)[0] + "/stub/stats", method="POST" if reset else "GET",
                                 data=b"" if reset else None)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=10) as resp:
        return json.loads(resp.read())


def measure(url: str, requests: list[ReasonRequest], concurrency: int) -> float:
    opts = RunOptions(raster="-", query="trees", out="-", backend="openai", server_url=url,
                      model="remote-reasoner", concurrency=concurrency, retries=0, timeout=30)
    backend = OpenAIBackend(opts)
    t0 = time.perf_counter()
    replies = backend.reason(requests)
    seconds = time.perf_counter() - t0
    assert [r.tile_id for r in replies] == [r.tile_id for r in requests]
    return seconds


def client_cost(image, repeats: int = 5) -> tuple[float, int, tuple[int, int]]:
    """Seconds of client CPU per tile (resize + PNG), PNG bytes, and the input size."""
    opts = RunOptions(raster="-", query="-", out="-")
    t0 = time.perf_counter()
    for _ in range(repeats):
        png, input_size = prepare_image(image, opts.min_pixels, opts.max_pixels)
    return (time.perf_counter() - t0) / repeats, len(png), input_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiles", type=int, default=32)
    ap.add_argument("--latency", type=float, default=0.2, help="seconds the server takes per request")
    ap.add_argument("--tile-size", type=int, nargs="+", default=[448, 1008],
                    help="tile sides to run (small: latency-bound; 1008: the default tile, client CPU shows)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--append", action="store_true", help="append the results to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()[0]
    rows = []
    with stub_process(args.latency, "<think>trees</think><answer>[[10,10,60,60]]</answer>") as url:
        for size in args.tile_size:
            image = sample_tile(size)
            prep, nbytes, input_size = client_cost(image)
            requests = [ReasonRequest(tile_id=i, image=image, prompt="Find the tree crowns.") for i in range(args.tiles)]
            measure(url, requests[:2], 2)  # warm-up: imports, first connection
            base = None
            for c in args.concurrency:
                stats(url, reset=True)
                seconds = measure(url, requests, c)
                got = stats(url)
                assert got["requests"] == args.tiles, got
                base = base or seconds
                rows.append((size, input_size, nbytes, prep, c, seconds, got["max_in_flight"], base / seconds))
    load_after = os.getloadavg()[0]
    cs = " ".join(map(str, args.concurrency))
    sizes = " ".join(map(str, args.tile_size))
    lines = [
        f"### openai backend: concurrency vs throughput ({today()}, {machine()})",
        "",
        f"`python benchmarks/bench_openai.py --tiles {args.tiles} --latency {args.latency} --tile-size {sizes} "
        f"--concurrency {cs}`. A loopback OpenAI-compatible stub server (127.0.0.1, its own process) answers "
        f"each request after {args.latency} s. Each run sends {args.tiles} tiles (the NEON OSBS_029 "
        "orthophoto resampled to the tile size), resized to the Qwen2.5-VL input size and sent as PNG "
        f"data URLs. The baseline is concurrency {args.concurrency[0]} for the same tile size, in the "
        "same invocation.",
        "",
        "| tile px | sent as | PNG MB | client ms/tile | concurrency | seconds | tiles/s | max in flight | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, (iw, ih), nbytes, prep, c, s, peak, ratio in rows:
        lines.append(f"| {size} | {iw}x{ih} | {nbytes / 1e6:.2f} | {prep * 1000:.0f} | {c} | {s:.2f} | "
                     f"{args.tiles / s:.2f} | {peak} | {ratio:.2f}x |")
    lines += ["",
              f"The latency alone puts a serial run at {args.tiles * args.latency:.1f} s or more. The rest is "
              "client work (resize, PNG encoding, HTTP) and the stub's JSON parsing. Both run on the same "
              "2 cores, which other work shares (load average "
              f"{load_before:.1f} before, {load_after:.1f} after). With 8 in flight, the client's CPU per "
              "tile sets the ceiling here, not the server. The small tiles show the latency overlap.", ""]
    text = "\n".join(lines)
    print(text)
    if args.append:
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
