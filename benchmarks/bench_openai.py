"""Throughput of the `openai` backend against the loopback stub server (its own process; an injected latency
per request stands in for a GPU server's answer time): 1 vs N views in flight, the stream (run/stream.py)
vs the batch scheme it replaced, and the client's CPU per view with Pillow's PNG encoder (before) and
`models.png` (after), all in one invocation.

    PYTHONPATH=. python benchmarks/bench_openai.py [--tiles 128 --latency 0.2 --spread 0.1 1.0 --concurrency 8 --append]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from run_context import machine, publish, today

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "tests" / "engine" / "openai_stub_server.py"

import inference_core.models.backends.openai_backend as openai_backend  # noqa: E402
from inference_core.contract.options import DEFAULT_TILE_SIZE, RunOptions  # noqa: E402
from inference_core.models.backends.base import ReasonRequest  # noqa: E402
from inference_core.models.backends.openai_backend import OpenAIBackend  # noqa: E402
from inference_core.run.stream import ViewStream, plan_for  # noqa: E402

ANSWER = "<think>trees</think><answer>[[10,10,60,60]]</answer>"


def sample_tile(size: int):
    """The NEON OSBS_029 orthophoto resampled to one full tile: real imagery for the PNG encoding cost."""
    import numpy as np
    import rasterio
    from PIL import Image

    with rasterio.open(ROOT / "resources" / "sample" / "OSBS_029.tif") as src:
        rgb = np.moveaxis(src.read([1, 2, 3]), 0, -1)
    return Image.fromarray(rgb, "RGB").resize((size, size), Image.Resampling.BICUBIC)


def pillow_png(rgb) -> bytes:
    """The encoder before: Pillow at compress_level=1 (the interpreter lock held throughout)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


NEW_PNG = openai_backend.encode_rgb_png


@contextmanager
def encoder(name: str):
    openai_backend.encode_rgb_png = pillow_png if name == "pillow" else NEW_PNG
    try:
        yield
    finally:
        openai_backend.encode_rgb_png = NEW_PNG


@contextmanager
def stub_process(*args: str):
    """The stub server in its own process, as a real server is: its JSON/PNG decoding does not share the
    client's interpreter lock (it still shares the machine's cores)."""
    proc = subprocess.Popen([sys.executable, str(STUB), "--answer", ANSWER, *args],
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


def make_backend(url: str, concurrency: int) -> OpenAIBackend:
    return OpenAIBackend(RunOptions(raster="-", query="trees", out="-", backend="openai", server_url=url,
                                    model="remote-reasoner", concurrency=concurrency, retries=0, timeout=60))


def run_batches(backend: OpenAIBackend, requests: list[ReasonRequest]) -> list[int]:
    """The scheme before: `concurrency` views per batch, the next batch sent once the whole batch is back."""
    done = []
    for start in range(0, len(requests), backend.concurrency):
        done += [r.tile_id for r in backend.reason(requests[start:start + backend.concurrency])]
    return done


def run_stream(backend: OpenAIBackend, requests: list[ReasonRequest]) -> list[int]:
    """The stream: `concurrency` views in flight at all times, results as they come."""
    plan = plan_for(backend, 0, 1)
    stream = ViewStream(plan.call, plan.batcher, plan.in_flight, plan.stop)
    return [reply.tile_id for _, reply in stream.replies(requests, lambda r: r)]


SCHEMES = {"batches": run_batches, "stream": run_stream}


def measure(url: str, requests: list[ReasonRequest], scheme: str, concurrency: int, png: str) -> dict:
    backend = make_backend(url, concurrency)
    stub_cpu0 = stats(url, reset=True)["cpu_s"]
    with encoder(png):
        cpu0, t0 = time.process_time(), time.perf_counter()
        done = SCHEMES[scheme](backend, requests)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    got = stats(url)
    assert sorted(done) == [r.tile_id for r in requests] and got["requests"] == len(requests), got
    return {"scheme": scheme, "png": png, "concurrency": concurrency, "seconds": seconds,
            "cpu_ms": 1000 * cpu / len(requests), "peak": got["max_in_flight"],
            "stub_ms": 1000 * (got["cpu_s"] - stub_cpu0) / len(requests)}


def table(rows: list[dict], tiles: int, base: dict) -> list[str]:
    lines = ["| scheme | PNG encoder | in flight | seconds | views/s | max in flight | client CPU ms/view | "
             "stub CPU ms/view | speed-up |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['scheme']} | {r['png']} | {r['concurrency']} | {r['seconds']:.2f} | "
                     f"{tiles / r['seconds']:.2f} | {r['peak']} | {r['cpu_ms']:.0f} | {r['stub_ms']:.0f} | "
                     f"{base['seconds'] / r['seconds']:.2f}x |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 128 views, as a run of a few hundred tiles: with 32 the fill and drain of 8 in flight weigh on the ratio
    ap.add_argument("--tiles", type=int, default=128)
    ap.add_argument("--tile-size", type=int, default=DEFAULT_TILE_SIZE, help="view side in px (default: the default tile)")
    ap.add_argument("--latency", type=float, default=0.2, help="seconds the server takes per request (part 1)")
    ap.add_argument("--spread", type=float, nargs=2, default=[0.1, 1.0], metavar=("LOW", "HIGH"),
                    help="per-view latency range (part 2); each view's latency is fixed by a hash of its prompt")
    ap.add_argument("--spread-tiles", type=int, default=64,
                    help="views in part 2 (more than part 1: the stream's last views otherwise dominate)")
    ap.add_argument("--control-size", type=int, default=112,
                    help="view side of the control rows (part 1): client CPU nearly nil, only the scheduling shows")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--append", action="store_true", help="append the results to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    n, c = args.tiles, args.concurrency

    image = sample_tile(args.tile_size)
    # Each view its own prompt: the stub's varying latency is a function of it, the same in both schemes.
    requests = [ReasonRequest(tile_id=i, image=image, prompt=f"Find the tree crowns (view {i}).")
                for i in range(max(n, args.spread_tiles))]
    spread_requests, requests = requests[:args.spread_tiles], requests[:n]
    load_before = os.getloadavg()[0]
    with stub_process("--latency", str(args.latency)) as url:
        measure(url, requests[:4], "stream", 2, "models.png")  # warm-up: imports, first connections
        fixed = [measure(url, requests, "batches", 1, "pillow"), measure(url, requests, "batches", c, "pillow"),
                 measure(url, requests, "stream", 1, "models.png"), measure(url, requests, "stream", c, "models.png")]
        small = sample_tile(args.control_size)
        control_requests = [ReasonRequest(r.tile_id, small, r.prompt) for r in requests]
        control = [measure(url, control_requests, "stream", 1, "models.png"),
                   measure(url, control_requests, "stream", c, "models.png")]
    with stub_process("--latency-range", *map(str, args.spread)) as url:
        measure(url, requests[:4], "stream", 2, "models.png")
        varying = [measure(url, spread_requests, "batches", c, "models.png"),
                   measure(url, spread_requests, "stream", c, "models.png")]
    load_after = os.getloadavg()[0]

    stream_gain = fixed[2]["seconds"] / fixed[3]["seconds"]
    spread_gain = varying[0]["seconds"] / varying[1]["seconds"]
    lines = [
        f"### openai backend: the stream of views vs batches ({today()}, {machine()})",
        "",
        f"`python benchmarks/bench_openai.py --tiles {n} --tile-size {args.tile_size} --control-size "
        f"{args.control_size} --latency {args.latency} "
        f"--spread {args.spread[0]} {args.spread[1]} --spread-tiles {args.spread_tiles} --concurrency {c}`. A loopback OpenAI-compatible stub server "
        f"(127.0.0.1, its own process) answers each request after the injected latency. {n} views of "
        f"{args.tile_size}x{args.tile_size} px (the NEON OSBS_029 orthophoto resampled; at the default tile no "
        "resize is needed), sent as lossless PNG data URLs. *batches*: the scheme before, the next batch of "
        f"{c} sent once the whole batch is back; *stream*: `run/stream.py`, {c} in flight at all times. Client "
        "CPU is this process's CPU time (all threads) per view; the stub's is not counted.",
        "",
        f"Part 1, every view {args.latency} s at the server; the baseline for the speed-up is the first row.",
        "",
        *table(fixed, n, fixed[0]),
        "",
        f"Control, the same with {args.control_size}x{args.control_size}-px views (client CPU nearly nil, so only "
        "the scheduling shows); baseline: its first row.",
        "",
        *table(control, n, control[0]),
        "",
        f"{c} vs 1 in flight with the stream: **{stream_gain:.2f}x** at {args.tile_size} px, "
        f"**{control[0]['seconds'] / control[1]['seconds']:.2f}x** at {args.control_size} px "
        f"(before, batches with Pillow's PNG at {args.tile_size} px: "
        f"{fixed[0]['seconds'] / fixed[1]['seconds']:.2f}x). Client CPU per view: {fixed[0]['cpu_ms']:.0f} ms "
        f"before, {fixed[2]['cpu_ms']:.0f} ms after at 1 in flight.",
        "",
        f"Part 2, {args.spread_tiles} views, each between {args.spread[0]} and {args.spread[1]} s at the server "
        "(fixed per view by a hash of its prompt, the same in both schemes); baseline: batches.",
        "",
        *table(varying, args.spread_tiles, varying[0]),
        "",
        f"With latency varying between views the stream takes **{spread_gain:.2f}x** less time than batches: a "
        "batch lasts as long as its slowest view, while the stream sends the next view as soon as any returns. "
        f"Load average {load_before:.1f} before, {load_after:.1f} after (other work shares the "
        f"{os.cpu_count()} cores). The CPU floor of {c} in flight is (client + stub CPU per view) x views / free "
        f"cores: {(fixed[3]['cpu_ms'] + fixed[3]['stub_ms']) * n / 1000 / (os.cpu_count() or 1):.2f} s with every "
        f"core free, against {n * args.latency / c:.2f} s of latency at {c} in flight.",
        "",
    ]
    text = "\n".join(lines)
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
