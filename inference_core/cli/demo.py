"""`remotereasoner demo`: the first-run demo of `run.demo` (recorded answers on the sample, the tiny reasoner live)."""

from __future__ import annotations

import argparse
import sys

from inference_core.contract.options import DEFAULT_DEVICE
from inference_core.contract.paths import TINY_SAM, TINY_SAM_DESCRIPTION

DESCRIPTION = ("Show what a run gives, with no download: the sample orthophoto answered by its recorded answers "
               "(its 61 human-labelled tree crowns replayed through the pipeline: not a live model), and the tiny "
               "trained reasoner live on a synthetic scene of bright squares. Masks and contours come from the SAM "
               "given, by default the tiny trained SAM (trained on synthetic shapes, not Segment Anything weights). For real answers: reason --model 1e12Leon/RemoteReasoner (16.6 GB) or --backend openai.")


def register(subparsers) -> None:
    """The `demo` subcommand (cli.main.SUBCOMMANDS)."""
    p = subparsers.add_parser("demo", help="the first-run demo: recorded answers on the sample, the tiny reasoner live",
                              description=DESCRIPTION)
    p.add_argument("--out", default="build/demo", metavar="FOLDER", help="where the GeoPackages go (default build/demo)")
    p.add_argument("--sam", default=None, metavar="SAM",
                   help="SAM for masks and contours (default: the shipped tiny trained SAM, "
                        "resources/tiny_sam/tiny_sam_shapes.pth)")
    p.add_argument("--device", default=DEFAULT_DEVICE, help=f"auto|cpu|cuda|cuda:N (default {DEFAULT_DEVICE})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from inference_core.cli.progress import ProgressPrinter, summary_text
    from inference_core.run.demo import run_demo

    sam = args.sam or str(TINY_SAM)
    printer = ProgressPrinter(sys.stderr, quiet=args.quiet)
    try:
        runs = run_demo(args.out, sam, args.device, emit=printer)
    finally:
        printer.close()
    for demo in runs:
        print(f"== {demo.title}")
        print(summary_text(demo.summary))
    what = TINY_SAM_DESCRIPTION if sam == str(TINY_SAM) else sam
    print(f"Masks and contours: {what} (for Segment Anything's own masks pass --sam facebook/sam2.1-hiera-tiny "
          "to `reason`).")
    return 0 if all(d.summary.status == "finished" for d in runs) else 1
