"""`remotereasoner demo`: the first-run demo of `run.demo` (recorded answers on the sample, the tiny reasoner live)."""

from __future__ import annotations

import argparse
import sys

from inference_core.contract.options import DEFAULT_DEVICE

DESCRIPTION = ("Show what a run gives, with no download: the sample orthophoto answered by its recorded answers "
               "(its 61 human-labelled tree crowns replayed through the pipeline: not a live model), and the tiny "
               "trained reasoner live on a synthetic scene of bright squares. Masks and contours come from the SAM "
               "given. For real answers: reason --model 1e12Leon/RemoteReasoner (16.6 GB) or --backend openai.")


def register(subparsers) -> None:
    """The `demo` subcommand (cli.main.SUBCOMMANDS)."""
    p = subparsers.add_parser("demo", help="the first-run demo: recorded answers on the sample, the tiny reasoner live",
                              description=DESCRIPTION)
    p.add_argument("--out", default="build/demo", metavar="FOLDER", help="where the GeoPackages go (default build/demo)")
    p.add_argument("--sam", required=True, metavar="SAM",
                   help="SAM for masks and contours, e.g. build/tiny-models/sam.pth (python -m inference_core.models.tiny)")
    p.add_argument("--device", default=DEFAULT_DEVICE, help=f"auto|cpu|cuda|cuda:N (default {DEFAULT_DEVICE})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from inference_core.cli.progress import ProgressPrinter, summary_text
    from inference_core.run.demo import run_demo

    printer = ProgressPrinter(sys.stderr, quiet=args.quiet)
    try:
        runs = run_demo(args.out, args.sam, args.device, emit=printer)
    finally:
        printer.close()
    for demo in runs:
        print(f"== {demo.title}")
        print(summary_text(demo.summary))
    print(f"Masks and contours: SAM {args.sam} (the tiny test SAM has random weights: its masks are blobs, not a "
          "segmentation; for real ones pass --sam facebook/sam2.1-hiera-tiny to `reason`).")
    return 0 if all(d.summary.status == "finished" for d in runs) else 1
