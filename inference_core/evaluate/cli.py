"""`remotereasoner evaluate` and `remotereasoner compare`: registered into the main CLI (`cli.main`) by
`register(subparsers)`; each handler returns the process exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any, Optional, TextIO

from inference_core.contract.options import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_DEVICE,
    DEFAULT_DTYPE,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_PIXELS,
    DEFAULT_MODEL,
    DEFAULT_OVERLAP,
    DEFAULT_PROMPT,
    DEFAULT_TILE_SIZE,
    REFERENCE_MAX_PIXELS,
    COORDINATE_SPACES,
    DTYPES,
    SAM_TYPES,
)

EVALUATE_HELP = """\
Run the full pipeline on every sample of a benchmark and score it with the paper's metrics
(gIoU, cIoU, Pr@0.5..0.9, box Acc@0.5). Predictions are cached in OUT/cache: running the same
command again (after an interruption, or with a larger --limit) computes only what is missing.
Writes OUT/report.json, OUT/report.md, OUT/iou_hist.png and OUT/per_category.png.
With --predictions DIR no model runs: another system's saved outputs (<sample_id>.png masks
and/or <sample_id>.json boxes [[x1, y1, x2, y2], ...] in image pixels) are scored instead.
See docs/evaluation.md for the dataset layouts and the predictions format."""

COMPARE_HELP = """\
Compare a result GeoPackage's masks (or boxes) with reference polygons (GeoPackage, Shapefile or
GeoJSON) on the raster's pixel grid, and print the same metrics as `evaluate` plus object counts
(matched, missed, false alarms). --json also lists every object with its IoU and geometry."""


def register(subparsers: "argparse._SubParsersAction") -> None:
    """Add the `evaluate` and `compare` subcommands; each sets `func(args) -> int`."""
    p = subparsers.add_parser("evaluate", help="score a model on EarthReason, RRSIS-D or your own folder",
                              description=EVALUATE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset_dir", metavar="DATASET_DIR", help="the dataset folder")
    p.add_argument("--layout", required=True, choices=("earthreason", "rrsisd", "folder"), help="how the folder is organised")
    p.add_argument("--out", required=True, metavar="REPORT_DIR", help="folder for the report and the prediction cache")
    p.add_argument("--split", help="only this split (EarthReason: val|test|train, default val+test; RRSIS-D: default test)")
    p.add_argument("--limit", type=int, help="only the first N samples (in the dataset's order)")
    p.add_argument("--predictions", metavar="DIR",
                   help="score saved predictions instead of running a model: <sample_id>.png masks and/or "
                        "<sample_id>.json boxes [[x1, y1, x2, y2], ...] in image pixels")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"hub id or local folder (default {DEFAULT_MODEL})")
    p.add_argument("--sam", help="SAM for masks: a SAM 2.1 hub id or folder (the reference's is "
                                 "facebook/sam2.1-hiera-tiny) or a SAM 1 .pth; without it boxes are scored as masks")
    p.add_argument("--sam-type", choices=SAM_TYPES,
                   help="SAM size, checked against the checkpoint (default: from config.json or the file name)")
    p.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS,
                   help=f"how the model runs (default {DEFAULT_BACKEND})")
    p.add_argument("--replay", help="replay backend: a .jsonl whose lines carry \"sample_id\", or a folder of <id>.jsonl files")
    p.add_argument("--server-url", help="openai backend: e.g. http://gpu-server:8000/v1")
    p.add_argument("--prompt", default=DEFAULT_PROMPT, help="prompt template name or file (default: per model)")
    p.add_argument("--device", default=DEFAULT_DEVICE, help=f"auto|cpu|cuda|cuda:N (default {DEFAULT_DEVICE})")
    p.add_argument("--dtype", default=DEFAULT_DTYPE, help=f"{'|'.join(DTYPES)} (default {DEFAULT_DTYPE})")
    p.add_argument("--max-pixels", type=int, default=REFERENCE_MAX_PIXELS,
                   help=f"model input pixel budget (default {REFERENCE_MAX_PIXELS}: what the published RemoteReasoner "
                        f"inference code runs with, as it sets none; training used {DEFAULT_MAX_PIXELS})")
    p.add_argument("--min-pixels", type=int, default=DEFAULT_MIN_PIXELS,
                   help=f"smallest model input in pixels (default {DEFAULT_MIN_PIXELS})")
    p.add_argument("--tiles", action="store_true",
                   help="tile images larger than the budget (default: one view per image, as the reference does)")
    p.add_argument("--coordinates", choices=COORDINATE_SPACES, default=None,
                   help="how the model's boxes relate to the image (default: the prompt template's)")
    p.add_argument("--tile-size", type=int, default=DEFAULT_TILE_SIZE,
                   help=f"tile side in pixels (default {DEFAULT_TILE_SIZE})")
    p.add_argument("--overlap", type=int, default=DEFAULT_OVERLAP,
                   help=f"overlap between tiles in pixels (default {DEFAULT_OVERLAP})")
    p.add_argument("--max-new-tokens", type=int, default=DEFAULT_MAX_NEW_TOKENS,
                   help=f"longest answer in tokens (default {DEFAULT_MAX_NEW_TOKENS})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_evaluate)

    c = subparsers.add_parser("compare", help="metrics of a result GeoPackage against reference polygons",
                              description=COMPARE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("result", metavar="RESULT.gpkg", help="a RemoteReasoner result GeoPackage")
    c.add_argument("reference", metavar="REFERENCE", help="reference polygons: .gpkg, .shp or .geojson")
    c.add_argument("--raster", help="the raster whose pixel grid the comparison uses (default: the run's own, "
                                    "as its `runs` row names it)")
    c.add_argument("--layer", default="masks", choices=("masks", "boxes"), help="result layer to score (default masks)")
    c.add_argument("--reference-layer", help="layer name inside the reference file (default: its first layer)")
    c.add_argument("--run-id", help="score this run of the GeoPackage (default: the newest)")
    c.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    c.set_defaults(func=run_compare)


class ProgressBar:
    """One line, redrawn in place on a terminal; a line per tenth of the work otherwise."""

    def __init__(self, stream: Optional[TextIO] = None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_decile = -1

    def __call__(self, ev: dict[str, Any]) -> None:
        if ev.get("type") == "warning":
            self._line(f"warning: {ev.get('message')}")
            return
        if self.quiet or ev.get("type") != "progress":
            return
        i, n = int(ev["sample"]), int(ev["samples"])
        eta = ev.get("eta_s")
        eta_txt = "--:--" if eta is None else time.strftime("%H:%M:%S" if eta >= 3600 else "%M:%S", time.gmtime(eta))
        filled = int(30 * i / max(n, 1))
        text = (f"[{'#' * filled}{'.' * (30 - filled)}] {i}/{n}  computed {ev['computed']}  cached {ev['cached']}"
                f"  failed {ev['failed']}  ETA {eta_txt}")
        if self.tty:
            self.stream.write("\r" + text + ("\n" if i == n else ""))
            self.stream.flush()
        else:
            decile = 10 * i // max(n, 1)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(text + "\n")

    def _line(self, text: str) -> None:
        self.stream.write(("\r\033[K" if self.tty else "") + text + "\n")


def _options_from_args(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "raster": "", "query": "-", "out": "",
        "model": args.model, "sam": args.sam, "sam_type": args.sam_type, "backend": args.backend,
        "replay": args.replay, "server_url": args.server_url, "prompt": args.prompt, "device": args.device,
        "dtype": args.dtype, "max_pixels": args.max_pixels, "min_pixels": args.min_pixels,
        "tile_size": args.tile_size, "overlap": args.overlap, "max_new_tokens": args.max_new_tokens,
        "single_view": not args.tiles, "coordinates": args.coordinates,
        "granularity": ("boxes", "masks") if args.sam else ("boxes",),
    }


# Options that configure a model run; with --predictions no model runs, so giving one is a mistake.
_MODEL_ONLY = ("sam", "sam_type", "replay", "server_url", "prompt")


def run_evaluate(args: argparse.Namespace, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr  # resolved per call: tests swap them
    from inference_core.contract.options import OptionsError, RunOptions
    from inference_core.evaluate.datasets import DatasetError
    from inference_core.evaluate.runner import EvaluationError, evaluate

    cancel = threading.Event()
    progress = ProgressBar(stderr, quiet=args.quiet)
    try:
        if getattr(args, "predictions", None):
            given = [f"--{k.replace('_', '-')}" for k in _MODEL_ONLY if getattr(args, k, None)]
            if given:
                stderr.write(f"error: {', '.join(given)} configure a model run; --predictions scores saved "
                             "files and runs no model.\n")
                return 2
            from inference_core.evaluate.predictions import score_predictions

            result = score_predictions(args.dataset_dir, args.layout, args.predictions, args.out, split=args.split,
                                       limit=args.limit, emit=progress, cancel=cancel)
            counts = f"{result.computed} read, {result.failed} without a readable prediction"
        else:
            try:
                # The template's raster, query and out are placeholders: each sample brings its own.
                template = RunOptions.from_dict(_options_from_args(args)).validate()
            except OptionsError as exc:
                stderr.write(f"error: {exc}\n")
                return 2
            result = evaluate(args.dataset_dir, args.layout, template, args.out, split=args.split, limit=args.limit,
                              emit=progress, cancel=cancel)
            counts = f"{result.computed} computed, {result.cached} cached, {result.failed} failed"
    except KeyboardInterrupt:
        stderr.write("\ninterrupted.\n" if getattr(args, "predictions", None) else
                     "\ninterrupted: finished samples are cached; run the same command again to continue.\n")
        return 130
    except (DatasetError, EvaluationError, OSError) as exc:
        stderr.write(f"error: {exc}\n")
        return 1
    stdout.write(f"{len(result.scores)} samples ({counts}), masks from {result.mask_source}\n"
                 + _metrics_line(result.report["overall"]) + f"report: {result.files['markdown']}\n")
    return 0 if not result.failed else 3


def _metrics_line(o: dict[str, Any]) -> str:
    """gIoU, cIoU, Pr@t and box Acc@0.5 in percent, one line."""
    from inference_core.evaluate.metrics import PRECISION_THRESHOLDS

    pct = lambda v: "–" if v is None else f"{100 * v:.2f}"  # noqa: E731
    return (f"gIoU {pct(o['giou'])}  cIoU {pct(o['ciou'])}  "
            + "  ".join(f"Pr@{t:.1f} {pct(o['precision'].get(f'{t:.1f}'))}" for t in PRECISION_THRESHOLDS)
            + f"  Acc@0.5(box) {pct(o['acc_box'])}\n")


def run_compare(args: argparse.Namespace, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr  # resolved per call: tests swap them
    from inference_core.evaluate.gis import CompareError, compare, format_comparison

    try:
        c = compare(args.result, args.reference, args.raster, layer=args.layer,
                    reference_layer=args.reference_layer, run_id=args.run_id)
    except CompareError as exc:
        stderr.write(f"error: {exc}\n")
        return 1
    stdout.write(format_comparison(c) + "\n")
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(c.to_dict(), fh, indent=2)
        except OSError as exc:
            stderr.write(f"error: cannot write {args.json}: {exc.strerror}\n")
            return 1
    return 0
