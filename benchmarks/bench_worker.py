"""Worker latency: cold start (spawn -> first progress / first result) vs a second request on warm models.

Tiny Qwen2.5-VL on CPU over the sample raster, through a real worker subprocess and WorkerClient.

    PYTHONPATH=. python benchmarks/bench_worker.py [--repeats 3 --append]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run_context import machine, today

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference_core.contract.client import WorkerClient  # noqa: E402


def options(models_dir: Path, out: Path) -> dict:
    return {"raster": str(ROOT / "resources" / "sample" / "OSBS_029.tif"), "query": "the tree crowns",
            "out": str(out), "backend": "transformers", "model": str(models_dir / "mllm"), "device": "cpu",
            "dtype": "float32", "max_new_tokens": 8, "max_pixels": 112 * 112, "min_pixels": 56 * 56,
            "tile_size": 224, "overlap": 0}


def timed_run(client: WorkerClient, opts: dict, t0: float) -> dict:
    """Seconds from t0 to the first progress event, the first result event and `done`."""
    marks: dict = {}
    for ev in client.request("reason", timeout=600, options=opts):
        now = time.perf_counter() - t0
        if ev["type"] == "progress":
            marks.setdefault("first_progress", now)
        elif ev["type"] == "result":
            marks.setdefault("first_result", now)
        elif ev["type"] == "error":
            raise SystemExit(f"run failed: {ev['code']}: {ev['message']}")
        elif ev["type"] == "done":
            marks["done"] = now
    return marks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--append", action="store_true", help="append the table to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    from inference_core.models.tiny import build_tiny_models

    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        build_tiny_models(tmp_path / "models")
        for i in range(args.repeats):
            t0 = time.perf_counter()
            client = WorkerClient(sys.executable)  # cold: a new process, no torch, no model
            try:
                cold.append(timed_run(client, options(tmp_path / "models", tmp_path / f"cold{i}.gpkg"), t0))
                t1 = time.perf_counter()  # warm: same process, model kept by the model cache
                warm.append(timed_run(client, options(tmp_path / "models", tmp_path / f"warm{i}.gpkg"), t1))
            finally:
                client.close()
    rows = []
    for key in ("first_progress", "first_result", "done"):
        c = statistics.median(m[key] for m in cold)
        w = statistics.median(m[key] for m in warm)
        rows.append((key, c, w, c / w if w else float("inf")))
    table = ["| time to | cold start (s) | warm second request (s) | cold / warm |", "|---|---|---|---|"]
    table += [f"| {k.replace('_', ' ')} | {c:.3f} | {w:.3f} | {r:.1f}x |" for k, c, w, r in rows]
    text = "\n".join(table)
    print(text)
    if args.append:
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(
                f"\n## Worker: cold start vs warm models ({today()})\n\n"
                f"Machine: {machine()}. `benchmarks/bench_worker.py "
                f"--repeats {args.repeats}`: tiny Qwen2.5-VL (CPU, float32) on OSBS_029.tif, 4 tiles of 224 px, "
                "through a real worker subprocess. Cold = spawn of the worker (baseline) until the event; warm = "
                "a second `reason` request to the same worker (models kept). Medians.\n\n" + text + "\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
