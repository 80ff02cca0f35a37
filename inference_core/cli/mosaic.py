"""`remotereasoner mosaic`: one question over a mosaic of GeoTIFFs (folder, glob, VRT, tile index), in parts on Ray."""

from __future__ import annotations

import argparse
import json
import os
import sys

from inference_core.contract.mosaic import DEFAULT_MAX_VIEWS, DEFAULT_PARTS_PER_SERVER, MosaicSettings, servers_from

EXAMPLES = """\
examples:
  # every storage tank in a folder of orthophoto tiles, on all cores of this machine (embedded Ray)
  remotereasoner mosaic tiles/ -q "storage tanks" -o tanks.gpkg --backend openai --server-url http://gpu:8000/v1

  # a tile index (gdaltindex) on a Ray cluster, two model servers shared by the parts
  remotereasoner mosaic county_index.gpkg -q "swimming pools" -o pools.gpkg --ray-address ray-head:6379 \\
      --backend openai --server-url http://gpu1:8000/v1,http://gpu2:8000/v1 --concurrency 8

  # interrupted? run the same command again: finished parts (FILE.parts/) are kept, the rest is done
"""


def register(subparsers) -> argparse.ArgumentParser:
    from inference_core.cli.reason import add_run_options

    p = subparsers.add_parser(
        "mosaic", help="answer one question over a mosaic of rasters (a folder, glob, VRT or tile index), on Ray",
        description="Ask one question over many GeoTIFFs that form one mosaic (files sharing edges, one CRS and "
                    "resolution). The answer is that of one run over their VRT: targets cut by the edge between "
                    "two files come out once. Work is split in parts run on Ray (embedded on this machine by "
                    "default, or a cluster with --ray-address); each finished part is kept beside the output "
                    "(FILE.parts/), so running the same command again after an interruption redoes no finished "
                    "part. An unreadable file is skipped and named; a file on another grid is refused up front.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("mosaic", metavar="MOSAIC",
                   help="a folder of GeoTIFFs, a glob in quotes ('tiles/*.tif'), a .vrt or a tile index (a vector "
                        "file with a `location` field, as gdaltindex writes)")
    add_run_options(p, mosaic=True)
    g = p.add_argument_group("mosaic and Ray")
    g.add_argument("--ray-address", metavar="ADDR",
                   help="a running Ray cluster (`ray start --head` prints it, e.g. 10.0.0.5:6379); default: an "
                        "embedded Ray on this machine, stopped at the end")
    g.add_argument("--workers", type=int, metavar="N",
                   help="embedded Ray: parts run at once (CPU cores given to Ray). Default: all cores")
    g.add_argument("--parts-per-server", type=int, default=DEFAULT_PARTS_PER_SERVER, metavar="N",
                   help="--backend openai: parts in flight at each server at once, each keeping --concurrency views "
                        f"there. Default: {DEFAULT_PARTS_PER_SERVER}")
    g.add_argument("--views-per-part", type=int, default=DEFAULT_MAX_VIEWS, metavar="N",
                   help="most views in one part (a file with more is split): a retried part redoes at most these. "
                        f"Default: {DEFAULT_MAX_VIEWS}")
    g.add_argument("--skip-mismatched", action="store_true",
                   help="leave out files in another CRS, resolution or band layout (each named in the summary) "
                        "instead of refusing the mosaic")
    from inference_core.contract.options import DEFAULT_CHANGE_MIN_IOU

    p.set_defaults(func=run_command, extent=None, strategy="tiles", per_tile=False, append=False, resume=False,
                   compare_with=None, tolerance=None, min_iou=DEFAULT_CHANGE_MIN_IOU, replay_after=None)
    return p


def run_command(args: argparse.Namespace) -> int:
    from inference_core.cli.main import CLIError
    from inference_core.cli.progress import ProgressPrinter, summary_text
    from inference_core.cli.reason import options_from_args
    from inference_core.mosaic.driver import run_mosaic

    servers = servers_from(args.server_url)
    if args.backend == "openai" and not servers:
        raise CLIError("give the model server with --server-url (repeat it, or a comma list, for several)")
    if args.workers is not None and args.workers < 1 or args.parts_per_server < 1 or args.views_per_part < 1:
        raise CLIError("--workers, --parts-per-server and --views-per-part take a number of at least 1")
    args.server_url = servers[0] if servers else None
    args.raster = os.path.abspath(args.mosaic)
    options = options_from_args(args)
    settings = MosaicSettings(args.mosaic, args.ray_address, args.workers, servers, args.parts_per_server,
                              args.views_per_part, args.skip_mismatched)
    printer = ProgressPrinter(sys.stderr, quiet=args.quiet)
    try:
        summary = run_mosaic(settings, options, emit=printer)
    finally:
        printer.close()
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(summary_text(summary))
        print(f"  files      {summary.files} read, {len(summary.skipped_files)} skipped; {summary.parts} part(s), "
              f"{summary.parts_reused} kept from an earlier run; {summary.targets_across_parts} target(s) joined "
              "across parts")
    return 0 if summary.status == "finished" else 1
