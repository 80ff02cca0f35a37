"""Cross-tile merge: the indexed BoxMerger and MaskMerger against a scan of every kept box or mask (the baseline,
the same merge code with the index bypassed), on the workloads of tests/engine/test_merge.py and test_mask_merge.py,
all in one invocation.

    PYTHONPATH=. <engine python> benchmarks/bench_merge.py [--boxes 2000,10000] [--masks 1000,3000] [--scan-max 3000] [--append]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

from shapely.geometry import MultiPolygon, box

from run_context import machine, publish, today

import inference_core.geometry.mask_merge as mask_merge  # noqa: E402
from inference_core.common.records import Detection  # noqa: E402
from inference_core.geometry.box_merge import BoxMerger  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")


def box_batches(n: int) -> list[list[Detection]]:
    """test_many_boxes_use_the_index's scene: 50 boxes of 3 x 3 per 100 x 100 tile, tiles overlapping by 10."""
    rnd = random.Random(1)
    batches, tid = [], 0
    for tile in range(n // 50):
        ox, oy = (tile % 20) * 90, (tile // 20) * 90
        batch = []
        for _ in range(50):
            x, y = ox + rnd.uniform(0, 100), oy + rnd.uniform(0, 100)
            batch.append(Detection(tid, tile, (0, 0, 0, 0), (x, y, x + 3, y + 3), score=rnd.random(),
                                   extra={"cut_sides": ()}))
            tid += 1
        batches.append(batch)
    return batches


def mask_dets(n: int) -> list[Detection]:
    """test_many_masks_use_the_index's scene: a grid of separate 2 x 2 squares, each from its own tile."""
    out = []
    for i in range(n):
        x, y = (i % 60) * 3.0, (i // 60) * 3.0
        out.append(Detection(i, i, (0, 0, 1, 1), (x, y, x + 2, y + 2), mask_wkb=MultiPolygon([box(x, y, x + 2, y + 2)]).wkb))
    return out


def time_boxes(n: int, scan: bool) -> tuple[float, int]:
    batches = box_batches(n)
    m = BoxMerger()
    if scan:  # every kept box is a candidate: the pair tests an unindexed merger makes
        m._candidates = lambda _box: list(m._kept.values())
    t0 = time.perf_counter()
    for batch in batches:
        m.add(batch)
    return time.perf_counter() - t0, len(m.kept)


@contextmanager
def no_rebuild():
    """The MaskMerger never builds its STRtree: every kept mask stays in the linear scan."""
    saved = mask_merge.REBUILD_MIN
    mask_merge.REBUILD_MIN = 10 ** 12
    try:
        yield
    finally:
        mask_merge.REBUILD_MIN = saved


def time_masks(n: int, scan: bool) -> tuple[float, int]:
    dets = mask_dets(n)
    m = mask_merge.MaskMerger(tolerance=0.25)
    t0 = time.perf_counter()
    if scan:
        with no_rebuild():
            for d in dets:
                m.add(d)
    else:
        for d in dets:
            m.add(d)
    return time.perf_counter() - t0, len(m)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boxes", default="2000,10000", help="box counts (multiples of 50)")
    ap.add_argument("--masks", default="1000,3000", help="mask counts")
    ap.add_argument("--scan-max", type=int, default=3000, help="largest count the scan baseline runs at")
    ap.add_argument("--append", action="store_true", help=f"add the table to {RESULTS.name}")
    args = ap.parse_args()
    rows = []
    for kind, counts, timer in (("boxes", args.boxes, time_boxes), ("masks", args.masks, time_masks)):
        for n in (int(c) for c in counts.split(",")):
            indexed, kept = timer(n, scan=False)
            scanned, kept_scan = timer(n, scan=True) if n <= args.scan_max else (None, kept)
            assert kept == kept_scan, (kind, n, kept, kept_scan)  # the index changes the speed, not the result
            ratio = f"{scanned / indexed:.1f}x" if scanned else "-"
            rows.append(f"| {kind} | {n:,} | {kept:,} | {indexed:.2f} | "
                        f"{f'{scanned:.2f}' if scanned else '- (not run)'} | {ratio} |")
            print(rows[-1], flush=True)
    table = "\n".join(["| merger | detections | kept | indexed s | scan s (baseline) | scan / indexed |",
                       "|---|---:|---:|---:|---:|---:|", *rows])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report = (f"\n## Cross-tile merge: index vs scan (bench_merge.py, {today()})\n\nMachine: {machine()}, load average "
              f"{load:.1f} at the end (compare the ratios, not the seconds, on a shared machine). The scan is "
              "the same merger with its index bypassed (every kept box a candidate; the mask STRtree never built), "
              "in this invocation.\n\n" + table + "\n")
    publish(report, args.append)


if __name__ == "__main__":
    main()
