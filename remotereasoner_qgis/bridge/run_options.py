"""Plugin settings -> the engine's validated RunOptions for one run: the one mapping, used by the dock and
by Processing (which first overrides the settings with its parameters)."""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence

from inference_core.contract.conventions import template_run_defaults
from inference_core.contract.options import ANSWER_MODES, DEFAULT_MODE, DEFAULT_TILE_SIZE, FIND_ALL, RunOptions

from ..settings import RUN_DEFAULTS, PluginSettings

# The smallest tile RunOptions.validate() accepts; the options module has no constant for it, so it is
# stated once here (tests/qgis/test_run_options.py holds it to validate()) for the dialog and Processing.
MIN_TILE_SIZE = 56


def run_options(cfg: PluginSettings, raster: str, query: str, out: str, granularity: Sequence[str],
                extent: Optional[Sequence[float]] = None, api_key: Optional[str] = None,
                **extra: Any) -> RunOptions:
    """RunOptions for a run of `cfg` (raises OptionsError naming the fix). `extent` is (xmin, ymin, xmax,
    ymax) in the raster CRS, None = the whole raster; `extra` sets options that are not plugin settings
    (Processing's simplify and min_area; `mode`, `per_tile`). The API key goes to the openai backend only.
    The prompt setting names a locate template: ask / describe use their mode's own (run/answers.py)."""
    granularity = tuple(granularity)
    kw: dict[str, Any] = dict(
        raster=raster, query=query.strip(), out=out, granularity=granularity, backend=cfg.backend,
        device=cfg.device or RUN_DEFAULTS.device, dtype=cfg.dtype or RUN_DEFAULTS.dtype, tile_size=cfg.tile_size,
        overlap=cfg.overlap, max_pixels=cfg.max_pixels, concurrency=max(1, cfg.concurrency), strategy=cfg.strategy,
        sam3=os.path.expanduser(cfg.sam3 or RUN_DEFAULTS.sam3), score_threshold=cfg.score_threshold,  # find-all's
    )
    if extent is not None:
        kw["extent"] = tuple(float(v) for v in extent)
    if cfg.prompt and extra.get("mode", DEFAULT_MODE) not in ANSWER_MODES:
        kw["prompt"] = os.path.expanduser(cfg.prompt) if cfg.prompt.lower().endswith(".txt") else cfg.prompt
    if cfg.coordinates:
        kw["coordinates"] = cfg.coordinates
    if cfg.sam and ("masks" in granularity or "contours" in granularity) and extra.get("mode") != FIND_ALL:
        kw["sam"] = cfg.sam
    if cfg.backend == "openai":
        kw.update(server_url=cfg.server_url, model=cfg.server_model or cfg.model, api_key=api_key)
    elif cfg.backend == "replay":
        kw.update(replay=cfg.replay)
    else:
        kw["model"] = os.path.expanduser(cfg.model)
    # a template's authors' tile size (Think2Seg-RS: 840) where the setting is left at the engine's default
    authors = template_run_defaults(kw.get("prompt"), kw.get("model"))
    if "tile_size" in authors and kw["tile_size"] == DEFAULT_TILE_SIZE:
        kw["tile_size"] = authors["tile_size"]
    kw.update(extra)
    return RunOptions(**kw).validate()


def load_options(cfg: PluginSettings, api_key: Optional[str] = None) -> dict[str, Any]:
    """The `load` request's options (the Models tab's Test load): what `run_options` gives for these settings,
    asking for boxes and, when a SAM checkpoint is set, masks; without raster, question and output, which
    the worker fills in for a load. Raises OptionsError."""
    granularity = ("boxes", "masks") if cfg.sam else ("boxes",)
    options = run_options(cfg, "", "(load)", "", granularity, api_key=api_key).to_dict(secrets=True)
    for name in ("raster", "query", "out"):
        del options[name]
    return options


def options_for_run(cfg: PluginSettings, raster: str, question: str, granularity: Sequence[str], extent: Any,
                    out: str, api_key: Optional[str], **extra: Any) -> dict[str, Any]:
    """The dock's `reason` request: `run_options` for an extent given as a QgsRectangle (or None), as the
    worker's JSON, with the API key for transport only; `extra`: the dock's mode (and per_tile)."""
    box = None if extent is None else (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    return run_options(cfg, raster, question, out, granularity, box, api_key, **extra).to_dict(secrets=True)
