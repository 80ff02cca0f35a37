"""`remotereasoner reason`: one question over one raster (or an extent of it) into a result GeoPackage."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional

from inference_core.contract.conventions import TEMPLATE_RUN_DEFAULTS, THINK2SEG
from inference_core.contract.options import (
    BACKENDS,
    COORDINATE_SPACES,
    DEFAULT_ANSWER_MAX_PIXELS,
    DEFAULT_API_KEY_ENV,
    DEFAULT_BACKEND,
    DEFAULT_BATCH_SIZE,
    DEFAULT_CHANGE_MIN_IOU,
    DEFAULT_CONCURRENCY,
    DEFAULT_DEVICE,
    DEFAULT_DTYPE,
    DEFAULT_FORMATS,
    DEFAULT_GRANULARITY,
    DEFAULT_IOS_THRESHOLD,
    DEFAULT_IOU_THRESHOLD,
    DEFAULT_MAX_BOXES,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_MAX_TILES,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_AREA,
    DEFAULT_MIN_PIXELS,
    DEFAULT_MODE,
    DEFAULT_MODEL,
    DEFAULT_OVERLAP,
    DEFAULT_PROMPT,
    DEFAULT_RETRIES,
    DEFAULT_SAM3_MODEL,
    DEFAULT_SCORE_THRESHOLD,
    DEFAULT_SIMPLIFY,
    DEFAULT_STRATEGY,
    DEFAULT_STRETCH,
    DEFAULT_TILE_SIZE,
    DEFAULT_TIMEOUT_S,
    DTYPES,
    EXPORT_FORMATS,
    GRANULARITIES,
    MODES,
    PATCH_PX,
    DEFAULT_SAM_MODEL,
    SAM_TYPES,
    STRATEGIES,
    STRETCHES,
    RunOptions,
)

EXAMPLES = """\
examples:
  # boxes around every storage tank in a GeoTIFF
  remotereasoner reason ortho.tif --query "storage tanks next to the pier" --out tanks.gpkg

  # a large orthophoto in few model calls: one overview, then a closer look at each find
  remotereasoner reason big_ortho.tif -q "the largest field" -o field.gpkg --strategy refine

  # only part of the image, extent given in WGS 84 longitude/latitude; also a Shapefile
  remotereasoner reason ortho.tif -q "flooded fields" -o flood.gpkg \\
      --extent=-81.99,29.68,-81.98,29.69:4326 --format shp

  # false-colour bands, 0.5 m resampling, masks and outlines from SAM 2.1 Hiera-Tiny (as the reference)
  remotereasoner reason scene.tif -q "buildings with blue roofs" -o roofs.gpkg --bands 4,3,2 \\
      --gsd 0.5 --granularity boxes,masks,contours --sam facebook/sam2.1-hiera-tiny

  # a model served by vLLM on a GPU machine
  remotereasoner reason ortho.tif -q "ships" -o ships.gpkg --backend openai \\
      --server-url http://gpu-server:8000/v1 --concurrency 4

  # every tree crown, one box + mask + outline each with its score (SAM 3, no reasoner)
  remotereasoner reason ortho.tif -q "tree crown" -o crowns.gpkg --mode find-all \\
      --granularity boxes,masks,contours --score-threshold 0.5

  # ask a question (answered in text, one view of the whole extent) or caption the area
  remotereasoner reason harbour.tif --mode ask -q "How many ships are in the harbour?" -o ships.gpkg
  remotereasoner reason harbour.tif --mode describe -o caption.gpkg

  # one answer per tile: a layer of tile footprints carrying their answers (and the sum of per-tile counts)
  remotereasoner reason port.tif --mode ask -q "How many ships are there?" -o per_tile.gpkg --per-tile

  # continue a run that was interrupted (only the missing tiles are processed)
  remotereasoner reason --resume --out tanks.gpkg

Results are a GeoPackage in the raster's CRS with layers boxes (and masks, contours when asked;
answers for --mode ask/describe: the view footprints with their text answers), runs (settings of each run) and responses (the model's full text per tile). Exit status is 0 on
success, 2 for a problem with the command or the input, 3 for the model, 4 out of memory,
5 for the model server, 6 when the disk is full, 1 when the run failed or was cancelled, 130/143
when stopped by Ctrl-C/SIGTERM (the run is marked cancelled; continue it with --resume).
"""


def _extent(text: str) -> tuple[tuple[float, float, float, float], Optional[str]]:
    """'xmin,ymin,xmax,ymax[:EPSG]' -> (box, crs); the CRS may be '4326', 'EPSG:4326' or any PROJ string."""
    coords, _, crs = text.partition(":")
    try:
        values = tuple(float(v) for v in coords.split(","))
    except ValueError:
        values = ()
    if len(values) != 4:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not xmin,ymin,xmax,ymax[:EPSG], e.g. 404212,3285103,404250,3285140:32617")
    crs = crs.strip() or None
    if crs and crs.isdigit():
        crs = f"EPSG:{crs}"
    return values, crs  # type: ignore[return-value]


T2S_DEFAULTS = TEMPLATE_RUN_DEFAULTS[THINK2SEG]


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} must be band numbers separated by commas, e.g. 3,2,1") from None
    if not values:
        raise argparse.ArgumentTypeError("give 1 or 3 band numbers, e.g. 3,2,1")
    return values


def _float_list(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} must be numbers separated by commas, e.g. 200,3000") from None
    if len(values) not in (2, 6):
        raise argparse.ArgumentTypeError("give LO,HI or six numbers R_LO,R_HI,G_LO,G_HI,B_LO,B_HI, e.g. 200,3000")
    return values


def _names(allowed: tuple[str, ...]):
    def parse(text: str) -> tuple[str, ...]:
        values = tuple(v.strip().lower() for v in text.split(",") if v.strip())
        bad = [v for v in values if v not in allowed]
        if bad or not values:
            raise argparse.ArgumentTypeError(f"{text!r}: use any of {','.join(allowed)} separated by commas")
        return values

    return parse


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "reason", help="answer a question about a raster with georeferenced boxes (masks, outlines)",
        description="Ask a question about a raster (any GDAL format: GeoTIFF, JPEG2000, VRT, ...) and write "
                    "the answer as vector layers in the raster's CRS.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("raster", nargs="?", metavar="RASTER", help="the image to read (not needed with --resume)")
    add_run_options(p)
    p.set_defaults(func=run_command)
    return p


def add_run_options(p: argparse.ArgumentParser, change: bool = False, mosaic: bool = False) -> None:
    """Every option of a run after the positional raster(s): `reason`'s, shared with `change` (cli/change.py) and
    `mosaic` (cli/mosaic.py: without what a mosaic decides itself — extent, strategy, append, resume, per-tile
    answers, a second date — and --server-url may be given several times)."""
    p.add_argument("-q", "--query", help="what to look for, in plain language, e.g. \"the storage tanks next to the pier\" "
                                         "(the question with --mode ask; none with --mode describe)")
    p.add_argument("-o", "--out", required=True, metavar="FILE.gpkg",
                   help="result GeoPackage (replaced; its parts are kept beside it in FILE.parts/ for a rerun)"
                   if mosaic else "result GeoPackage (replaced unless --append/--resume)")

    g = p.add_argument_group("area and bands")
    if not mosaic:
        g.add_argument("--extent", type=_extent, metavar="XMIN,YMIN,XMAX,YMAX[:EPSG]",
                       help="only this rectangle; in the raster's CRS, or in the CRS after ':' (e.g. :4326 for lon/lat). "
                            "Write a negative first value as --extent=-81.99,29.68,-81.98,29.69:4326. "
                            "Default: the whole raster")
    g.add_argument("--bands", type=_int_list, metavar="R,G,B",
                   help="band numbers shown to the model as red,green,blue (or one band as grey), e.g. 4,3,2. "
                        "Default: the bands marked red/green/blue, else 1,2,3 (with a warning when the raster has "
                        "more bands and none is marked)")
    g.add_argument("--stretch", choices=STRETCHES, default=DEFAULT_STRETCH,
                   help="how values become the model's 8-bit colours: joint (one 2-98%% range over the three bands "
                        "together, keeps colour balance; 8-bit data as it is), per-band (a 2-98%% range per band), "
                        f"none (values clipped to 0-255). Default: {DEFAULT_STRETCH}")
    g.add_argument("--stretch-values", type=_float_list, metavar="LO,HI",
                   help="explicit range instead: LO,HI for all bands or R_LO,R_HI,G_LO,G_HI,B_LO,B_HI "
                        "(e.g. the layer's contrast min/max in QGIS)")
    g.add_argument("--gsd", type=float, metavar="METRES",
                   help="resample to this ground sampling distance (map units per pixel) before reasoning")
    if not mosaic:
        g.add_argument("--strategy", choices=STRATEGIES, default=DEFAULT_STRATEGY,
                       help="tiles: every tile at full resolution (most calls, best for many small targets); "
                            "overview: one downscaled view of the whole extent (1 call); refine: the overview, then "
                            "one view zoomed to fit each thing it found (1 + at most one per find); descent: the "
                            "overview, then level by level twice as fine, only the parts holding a find (finds "
                            "smaller targets near the ones the overview sees; 1 + a few per find). "
                            f"Default: {DEFAULT_STRATEGY}")

    g = p.add_argument_group("find-all (SAM 3)")
    g.add_argument("--sam3", default=DEFAULT_SAM3_MODEL, metavar="ID_OR_FOLDER",
                   help=f"find-all: SAM 3 hub id or folder (gated: request access, then set HF_TOKEN). "
                        f"Default: {DEFAULT_SAM3_MODEL}")
    g.add_argument("--score-threshold", type=float, default=DEFAULT_SCORE_THRESHOLD, metavar="S",
                   help=f"find-all: keep instances scoring above this (0-1). Default: {DEFAULT_SCORE_THRESHOLD}")

    g = p.add_argument_group("what to produce")
    g.add_argument("--mode", choices=MODES, default=DEFAULT_MODE,
                   help="locate: boxes (masks, contours) of what the question names; ask: the question answered in "
                        "text; describe: a caption of the area (the checkpoint's own VQA and captioning "
                        "instructions); find-all: SAM 3 outlines every instance of a short noun phrase such as "
                        f"\"tree crown\" (no reasoner). Default: {DEFAULT_MODE}")
    if not mosaic:
        g.add_argument("--per-tile", action="store_true",
                       help="ask/describe: one answer per tile (a layer of tile footprints) instead of one view of the "
                            "whole extent downscaled to --max-pixels")
    g.add_argument("--granularity", type=_names(GRANULARITIES), default=DEFAULT_GRANULARITY, metavar="LIST",
                   help=f"{', '.join(GRANULARITIES)} (comma-separated; masks and contours need --sam). "
                        f"Default: {','.join(DEFAULT_GRANULARITY)}")
    g.add_argument("--format", dest="formats", type=_names(EXPORT_FORMATS), default=DEFAULT_FORMATS, metavar="LIST",
                   help="also export shp and/or geojson beside the GeoPackage (FILE_boxes.shp, ...)")
    if not mosaic:
        g.add_argument("--append", action="store_true", help="add this run to an existing GeoPackage")
    g.add_argument("--no-reuse", dest="reuse", action="store_false",
                   help="ask the model again even for views already answered in the output's responses table")
    if not mosaic:
        g.add_argument("--resume", action="store_true",
                       help="continue the last unfinished run in --out (only the missing tiles are processed)")
    g.add_argument("--simplify", type=float, default=DEFAULT_SIMPLIFY, metavar="UNITS",
                   help="simplify mask outlines by this tolerance (map units)")
    g.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA, metavar="UNITS2",
                   help="drop mask parts smaller than this (map units²)")

    g = p.add_argument_group("model")
    g.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                   help="transformers (local model), openai (a model server such as vLLM), replay (recorded answers)")
    g.add_argument("--model", default=DEFAULT_MODEL, metavar="ID_OR_FOLDER",
                   help=f"Hugging Face id or local folder of a Qwen2.5-VL model. Default: {DEFAULT_MODEL}")
    g.add_argument("--prompt", default=DEFAULT_PROMPT, metavar="NAME_OR_FILE",
                   help="prompt template (name in resources/prompts or a file); default per model")
    g.add_argument("--coordinates", choices=COORDINATE_SPACES, default=None,
                   help="how the model's boxes relate to the image: model-input (pixels of the resized input, "
                        "Qwen2.5-VL) or original-image (pixels of the view, RemoteReasoner). Default: the template's")
    g.add_argument("--replay", metavar="FILE", help="answers for --backend replay: a result .gpkg or a .jsonl")
    g.add_argument("--sam", metavar="MODEL",
                   help="Segment Anything for masks and contours: a SAM 2.1 hub id or folder (transformers format; "
                        f"the reference uses {DEFAULT_SAM_MODEL}) or a SAM 1 checkpoint (.pth). With the think2seg-rs "
                        f"template and masks or contours asked, {T2S_DEFAULTS['sam']} (its authors' SAM) when not given")
    g.add_argument("--sam-type", choices=SAM_TYPES,
                   help="SAM size, checked against the checkpoint (default: from config.json, the file name "
                        "or the .json beside a SAM 1 file)")
    g.add_argument("--device", default=DEFAULT_DEVICE,
                   help=f"auto, cpu, cuda or cuda:N. Default: {DEFAULT_DEVICE} (auto: GPU if present)")
    g.add_argument("--dtype", default=DEFAULT_DTYPE, choices=DTYPES,
                   help=f"number format on the device. Default: {DEFAULT_DTYPE} "
                        "(auto: bfloat16 on GPU, float32 on CPU)")
    g.add_argument("--max-new-tokens", type=int, default=DEFAULT_MAX_NEW_TOKENS, metavar="N",
                   help=f"longest answer in tokens. Default: {DEFAULT_MAX_NEW_TOKENS}")
    g.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                   help="most views per model call; 0 = auto (views of one size, as many as fit the free memory, "
                        f"halved on out-of-memory). Default: {DEFAULT_BATCH_SIZE}")
    g.add_argument("--max-boxes", type=int, default=DEFAULT_MAX_BOXES, metavar="N",
                   help=f"boxes kept from one answer; the rest are dropped with a warning. Default: {DEFAULT_MAX_BOXES}")
    g.add_argument("--max-tiles", type=int, default=DEFAULT_MAX_TILES, metavar="N",
                   help=f"most model views one run may plan (refused before the model loads). Default: {DEFAULT_MAX_TILES}")

    g = p.add_argument_group("tiling (pixels)")
    g.add_argument("--tile-size", type=int, default=None, metavar="PX",
                   help=f"tile side when the area is too big for one view. Default: {DEFAULT_TILE_SIZE} "
                        f"({T2S_DEFAULTS['tile_size']} with the think2seg-rs template, its authors' size)")
    g.add_argument("--overlap", type=int, default=DEFAULT_OVERLAP, metavar="PX",
                   help=f"overlap between neighbouring tiles. Default: {DEFAULT_OVERLAP}")
    g.add_argument("--max-pixels", type=int, default=DEFAULT_MAX_PIXELS, metavar="N",
                   help=f"pixel budget of one view; larger areas are tiled. Default: {DEFAULT_MAX_PIXELS} "
                        f"({DEFAULT_MAX_PIXELS // PATCH_PX ** 2}·{PATCH_PX}·{PATCH_PX})")
    g.add_argument("--min-pixels", type=int, default=DEFAULT_MIN_PIXELS, metavar="N", help=argparse.SUPPRESS)
    g.add_argument("--answer-max-pixels", type=int, default=DEFAULT_ANSWER_MAX_PIXELS, metavar="N",
                   help="pixel budget of ask/describe's one whole-extent view, lowered to what the device's memory "
                        f"holds. Default: {DEFAULT_ANSWER_MAX_PIXELS} (the reference's image loader default)")
    g.add_argument("--iou-threshold", type=float, default=DEFAULT_IOU_THRESHOLD, metavar="R",
                   help="boxes from neighbouring tiles overlapping more than this (IoU) are one object. "
                        f"Default: {DEFAULT_IOU_THRESHOLD}")
    g.add_argument("--ios-threshold", type=float, default=DEFAULT_IOS_THRESHOLD, metavar="R",
                   help=f"...or when this share of the smaller box is covered. Default: {DEFAULT_IOS_THRESHOLD}")

    g = p.add_argument_group("model server (--backend openai)")
    if mosaic:
        g.add_argument("--server-url", metavar="URL", action="append",
                       help="e.g. http://gpu-server:8000/v1; several servers: repeat it or give a comma list "
                            "(parts are shared out among them)")
    else:
        g.add_argument("--server-url", metavar="URL", help="e.g. http://gpu-server:8000/v1")
    g.add_argument("--api-key-env", default=DEFAULT_API_KEY_ENV, metavar="VAR",
                   help="environment variable holding the API key (keys are never taken on the command line). "
                        f"Default: {DEFAULT_API_KEY_ENV}")
    g.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                   help=f"views kept at the server at once (a stream: the next is sent as one returns). "
                        f"Default: {DEFAULT_CONCURRENCY}")
    g.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"seconds per request. Default: {DEFAULT_TIMEOUT_S:g}")
    g.add_argument("--retries", type=int, default=DEFAULT_RETRIES, metavar="N",
                   help=f"retries of a failed request. Default: {DEFAULT_RETRIES}")

    g = p.add_argument_group("output on the terminal")
    g.add_argument("--quiet", action="store_true", help="no progress bar, only errors and the summary")
    g.add_argument("--json", action="store_true", help="print the run summary as JSON on stdout")

    if not mosaic:  # a mosaic is one date; compare two mosaics' results with `compare`
        g = p.add_argument_group("change between two dates (docs/guide/change.md)")
        if not change:  # `change BEFORE AFTER` takes it as its second positional
            g.add_argument("--compare-with", metavar="AFTER", help="a second date of the same ground: locate the question "
                           "on both and write what appeared, disappeared and persisted (as `remotereasoner change`)")
        g.add_argument("--tolerance", type=float, metavar="METRES",
                       help="how far a target may move between the dates and still be the same one; without it the "
                            "shift between the dates is measured from the imagery and undone")
        g.add_argument("--min-iou", type=float, default=DEFAULT_CHANGE_MIN_IOU, metavar="R",
                       help="a target of each date is the same target when their outlines overlap at least this much "
                            f"(intersection over union, 0-1). Default: {DEFAULT_CHANGE_MIN_IOU}")
        g.add_argument("--replay-after", metavar="FILE", help="--backend replay: the second date's recorded answers")


def options_from_args(args: argparse.Namespace) -> RunOptions:
    from inference_core.cli.main import CLIError
    from inference_core.contract.conventions import template_run_defaults

    if not args.resume:
        if not args.raster:
            raise CLIError("give the RASTER to read, e.g. remotereasoner reason ortho.tif --query ... --out ...")
        if args.query is None and args.mode != "describe":
            raise CLIError("give the question with --query, e.g. --query \"storage tanks\"")
    extent, extent_crs = args.extent if args.extent else (None, None)
    import os

    # a template's authors' settings where the command line leaves them open (contract.conventions)
    authors = template_run_defaults(args.prompt, args.model)
    tile_size = args.tile_size if args.tile_size is not None else authors.get("tile_size", DEFAULT_TILE_SIZE)
    sam = args.sam
    if sam is None and args.mode != "find-all" and {"masks", "contours"} & set(args.granularity or ()):
        sam = authors.get("sam")

    return RunOptions(
        raster=args.raster or "", out=args.out, mode=args.mode, per_tile=args.per_tile,
        query=args.query if args.query is not None else ("" if args.mode == "describe" else "(resume)"),
        strategy=args.strategy, extent=extent, extent_crs=extent_crs, bands=args.bands, stretch=args.stretch,
        stretch_values=args.stretch_values, granularity=args.granularity,
        backend=args.backend, model=args.model, prompt=args.prompt, replay=args.replay, sam=sam,
        sam_type=args.sam_type, device=args.device, dtype=args.dtype, tile_size=tile_size,
        overlap=args.overlap, max_pixels=args.max_pixels, min_pixels=args.min_pixels,
        answer_max_pixels=args.answer_max_pixels, gsd=args.gsd,
        coordinates=args.coordinates, sam3=args.sam3, score_threshold=args.score_threshold,
        simplify=args.simplify, min_area=args.min_area, iou_threshold=args.iou_threshold,
        ios_threshold=args.ios_threshold, max_new_tokens=args.max_new_tokens, batch_size=args.batch_size,
        formats=args.formats, append=args.append, resume=args.resume, server_url=args.server_url,
        api_key=os.environ.get(args.api_key_env) or None, api_key_env=args.api_key_env,
        concurrency=args.concurrency, timeout=args.timeout, retries=args.retries, reuse=args.reuse,
        max_boxes=args.max_boxes, max_tiles=args.max_tiles, compare_with=args.compare_with or None,
        tolerance=args.tolerance, min_iou=args.min_iou, replay_after=args.replay_after,
    )


def run_command(args: argparse.Namespace) -> int:
    """Run the options of `reason` (or `change`) and print the summary; 0 when the run finished."""
    from inference_core.run.pipeline import run
    from inference_core.cli.progress import ProgressPrinter, summary_text

    options = options_from_args(args)
    printer = ProgressPrinter(sys.stderr, quiet=args.quiet)
    try:
        summary = run(options, emit=printer)
    finally:
        printer.close()
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(summary_text(summary))
    return 0 if summary.status == "finished" else 1
