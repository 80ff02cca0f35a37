"""RunOptions as the `qgis_process run remotereasoner:reason` command line: the parameter names are the
algorithm's (ReasonAlgorithm), the values the options'. Options the algorithm has no parameter for come from
the RemoteReasoner settings of the machine that runs it; `not_carried` names those that differ from the defaults."""

from __future__ import annotations

import os
from typing import Optional

from qgis.core import QgsApplication

from inference_core.contract.options import GRANULARITIES, RunOptions

from .reason_algorithm import BACKEND_CHOICES, MODE_CHOICES, ReasonAlgorithm as A

QGIS_PROCESS = "qgis_process"


def qgis_process_executable(prefix: Optional[str] = None) -> str:
    """The qgis_process to write in a copied command, so that it runs as pasted on this machine.

    Debian's `qgis_process` is a shell wrapper that adds QGIS_OPTS from /etc/default/qgis (`--noversioncheck`, a
    desktop option) to `qgis_process.bin`; qgis_process of QGIS 3.22 refuses it ("Command --noversioncheck not
    known!"). Where that binary sits beside the wrapper the command names it by its full path: it is the real
    program on every QGIS version, so the line runs whichever QGIS is installed. Elsewhere (Windows, macOS,
    other packagings) `qgis_process` is the program itself."""
    real = os.path.join(prefix or QgsApplication.prefixPath(), "bin", "qgis_process.bin")
    return real if os.path.isfile(real) and os.access(real, os.X_OK) else QGIS_PROCESS
# RunOptions fields the algorithm's parameters carry (the rest come from the settings)
CARRIED = ("raster", "query", "out", "extent", "granularity", "backend", "model", "server_url", "sam", "device",
           "tile_size", "overlap", "max_pixels", "simplify", "min_area", "replay", "api_key", "api_key_env", "mode",
           "per_tile", "sam3", "score_threshold")
_SINKS = {"boxes": A.OUTPUT_BOXES, "masks": A.OUTPUT_MASKS, "contours": A.OUTPUT_CONTOURS}


def _num(v) -> str:
    return repr(v) if isinstance(v, float) else str(v)


def qgis_process_args(options: RunOptions, crs_authid: str = "", executable: str = QGIS_PROCESS) -> list[str]:
    """argv of `qgis_process run remotereasoner:reason -- NAME=value …` for `options` (extent in the raster's
    CRS `crs_authid`); outputs beside `options.out`: <stem>_boxes.gpkg, … The API key is never a parameter
    (the algorithm reads it from the QGIS authentication database)."""
    args = [executable, "run", "remotereasoner:reason", "--", f"{A.INPUT}={options.raster}", f"{A.QUERY}={options.query}"]
    if options.extent is not None:
        xmin, ymin, xmax, ymax = options.extent
        crs = f" [{crs_authid}]" if crs_authid else ""
        args.append(f"{A.EXTENT}={_num(xmin)},{_num(xmax)},{_num(ymin)},{_num(ymax)}{crs}")  # QGIS's extent order
    args += [f"{A.GRANULARITY}={GRANULARITIES.index(g)}" for g in options.granularity]
    defaults = RunOptions(raster="", query="", out="")
    if options.mode != defaults.mode:
        args.append(f"{A.MODE}={MODE_CHOICES.index(options.mode)}")
    if options.per_tile:
        args.append(f"{A.PER_TILE}=true")
    if options.mode == "find-all":
        args += [f"{A.SAM3}={options.sam3}", f"{A.SCORE_THRESHOLD}={_num(options.score_threshold)}"]
    args.append(f"{A.BACKEND}={BACKEND_CHOICES.index(options.backend)}")
    if options.backend == "replay" and options.replay:
        args.append(f"{A.REPLAY}={options.replay}")
    elif options.backend == "openai":
        args += [f"{A.SERVER_URL}={options.server_url}", f"{A.MODEL}={options.model}"]
    else:
        args.append(f"{A.MODEL}={options.model}")
    if options.sam:
        args.append(f"{A.SAM}={options.sam}")
    args += [f"{A.DEVICE}={options.device}", f"{A.TILE_SIZE}={options.tile_size}", f"{A.OVERLAP}={options.overlap}",
             f"{A.MAX_PIXELS}={options.max_pixels}", f"{A.SIMPLIFY}={_num(options.simplify)}",
             f"{A.MIN_AREA}={_num(options.min_area)}"]
    stem = os.path.splitext(options.out)[0] if options.out else "result"
    args += [f"{_SINKS[g]}={stem}_{g}.gpkg" for g in options.granularity]
    return args


def not_carried(options: RunOptions) -> list[str]:
    """The options with a value other than the default that the qgis_process command cannot carry."""
    defaults = RunOptions(raster="", query="", out="")
    return sorted(name for name in options.to_dict() if name not in CARRIED
                  and getattr(options, name) != getattr(defaults, name))
