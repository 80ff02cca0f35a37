"""`remotereasoner selftest`: the installation check of `run.selftest` on the command line."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from inference_core.contract.options import DEFAULT_DEVICE
from inference_core.run.selftest import LABEL, format_result, run_selftest


def register(subparsers) -> None:
    """The `selftest` subcommand (cli.main.SUBCOMMANDS)."""
    p = subparsers.add_parser("selftest", help="check the installation: run the full pipeline on a synthetic raster",
                              description=LABEL)
    p.add_argument("--device", default=DEFAULT_DEVICE, help=f"auto|cpu|cuda|cuda:N (default {DEFAULT_DEVICE})")
    p.add_argument("--keep", default=None, help="keep the raster and GeoPackage in this folder")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    result = run_selftest(args.device, Path(args.keep) if args.keep else None)
    print(json.dumps(asdict(result), indent=1) if args.json else format_result(result))
    return 0 if result.passed else 1
