"""`remotereasoner change`: one question over two dates of the same ground: what appeared, disappeared, persisted."""

from __future__ import annotations

import argparse

from inference_core.cli.reason import add_run_options, run_command

EXAMPLES = """\
examples:
  # buildings built or torn down between two flights (the shift between them measured and undone)
  remotereasoner change ortho_2019.tif ortho_2024.tif --query "buildings" --out buildings_change.gpkg

  # trees lost after a storm; a target may move up to 1.5 m between the dates (no shift measured)
  remotereasoner change before.tif after.tif -q "tree crowns" -o storm.gpkg --tolerance 1.5

  # continue a change run that was interrupted (the unfinished date, then the match)
  remotereasoner change --resume --out buildings_change.gpkg

The result is one GeoPackage in the first date's CRS: layers appeared (second-date outlines), disappeared
(first-date outlines) and persisted (with the IoU between the dates, both areas and both reasonings), the
two dates' boxes (masks, contours) as two runs, their responses, and a `changes` row naming both runs and
the shift used. The second date is read onto the first date's grid when their CRS or resolution differ
(a VRT beside the output: RESULT.after.vrt). The exit status is that of `reason`.
"""


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "change", help="what changed between two dates: the question located on both, targets matched",
        description="Locate the same question on two dates of the same ground (their common extent, on the first "
                    "date's grid) and match the targets: what appeared, disappeared and persisted.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("raster", nargs="?", metavar="BEFORE", help="the first date's image (not needed with --resume)")
    p.add_argument("compare_with", nargs="?", metavar="AFTER", help="the second date's image of the same ground")
    add_run_options(p, change=True)
    p.set_defaults(func=_run)
    return p


def _run(args: argparse.Namespace) -> int:
    from inference_core.cli.main import CLIError

    if not args.resume and not args.compare_with:
        raise CLIError("give both dates, e.g. remotereasoner change before.tif after.tif --query \"buildings\" "
                       "--out change.gpkg")
    return run_command(args)
