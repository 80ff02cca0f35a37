"""A run's limits and pre-flight checks, before any model loads: tiles per run, GSD, view shapes, memory, model
files; boxes per answer.

Two entry points for every strategy and mode: `preflight(source, options)` before planning, and
`check_planned_views(views, source, options)` on the views a strategy planned (tiles, overview, refine's windows
after its overview, ask / describe, find-all, any new strategy: call it on each batch of views before asking them).
Each refusal names the estimate and the fix; the limits are `contract.options` defaults (docs/robustness.md).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from inference_core.common.errors import InputError, PipelineError
from inference_core.contract.model_state import hub_snapshot, looks_like_hub_id, sam_kind, weights_problem
from inference_core.contract.options import (
    ANSWER_MODES,
    FIND_ALL,
    MAX_ASPECT_RATIO,
    MAX_UPSAMPLE,
    MIN_VIEW_SOURCE_PX,
    STRATEGIES,
)
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.tiling import axis_count, gsd_scale

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.common.records import TileSpec
    from inference_core.contract.options import RunOptions
    from inference_core.models.parsing import ParsedAnswer
    from inference_core.raster.source import RasterSource

# `responses.parse_error` of a view skipped because it has no data (docs/SCHEMA.md): it is done, never asked.
NODATA_SKIPPED = "skipped: no data in the view (nodata or transparent everywhere); not sent to the model"
# Backends that give each view to Qwen2.5-VL's processor (replay only re-reads recorded answers).
QWEN_BACKENDS = ("transformers", "openai")


def estimate_tiles(source: "RasterSource", options: "RunOptions") -> tuple[int, int, int]:
    """(views, output width, output height) that `raster.tiling.plan_tiles` will plan, computed without planning.

    The same arithmetic as plan_tiles (one view up to the single-view slack, else tiles per axis), so a
    mistyped --gsd that would plan millions of TileSpecs is refused in microseconds.
    """
    from inference_core.contract.options import SINGLE_VIEW_SLACK

    _c, _r, w, h = source.window
    s = gsd_scale(source, options.gsd)
    out_w, out_h = max(1, round(w / s)), max(1, round(h / s))
    if options.single_view or out_w * out_h <= SINGLE_VIEW_SLACK * options.max_pixels:
        return 1, out_w, out_h
    tile_src = max(1, round(options.tile_size * s))
    overlap_src = min(round(options.overlap * s), tile_src - 1)
    return axis_count(w, tile_src, overlap_src) * axis_count(h, tile_src, overlap_src), out_w, out_h


def check_tile_count(source: "RasterSource", options: "RunOptions") -> int:
    """Refuse a plan of more than `options.max_tiles` views (PipelineError bad_options), naming the estimate and fixes."""
    if options.strategy != STRATEGIES[0]:  # overview / refine / descent plan their own views (descent: capped as it goes)
        return 1
    if options.mode in ANSWER_MODES and not options.per_tile:  # ask / describe: one view (run.answers)
        return 1
    n, out_w, out_h = estimate_tiles(source, options)
    if n <= options.max_tiles:
        return n
    res = math.sqrt(source.resolution[0] * source.resolution[1])
    hints = []
    if options.gsd:
        # the GSD at which the same extent needs at most max_tiles tiles (each tile_size² output pixels)
        _c, _r, w, h = source.window
        fitting = res * math.sqrt(w * h * options.tile_size ** -2 / options.max_tiles) * 1.1
        hints.append(f"a coarser --gsd (the raster's own is {res:.4g}; {max(fitting, res):.3g} fits)")
    hints += ["a smaller --extent", f"--max-tiles {n} if you mean it"]
    raise PipelineError(ErrorCode.BAD_OPTIONS, (
        f"This run would send {n:,} views to the model ({out_w:,} x {out_h:,} px at "
        f"{'--gsd ' + format(options.gsd, 'g') if options.gsd else 'the raster resolution'} in tiles of "
        f"{options.tile_size} px); the limit is {options.max_tiles:,} (--max-tiles). Use " + ", or ".join(hints) + "."))


def check_gsd(source: "RasterSource", options: "RunOptions") -> None:
    """Refuse a --gsd more than MAX_UPSAMPLE times finer than the raster's pixels, for every strategy and mode."""
    if not options.gsd:
        return
    res = math.sqrt(source.resolution[0] * source.resolution[1])
    factor = res / options.gsd
    if factor <= MAX_UPSAMPLE:
        return
    raise PipelineError(ErrorCode.BAD_OPTIONS, (
        f"--gsd {options.gsd:g} is {factor:,.0f} times finer than the raster's own pixels ({res:.4g} map units): "
        f"every view ({_what(options)}) would show single raster pixels blown up, views of under one pixel. "
        f"Use --gsd {res / MAX_UPSAMPLE:.4g} or coarser (at most {MAX_UPSAMPLE} times finer than the raster), or "
        f"leave --gsd out to read at the raster's resolution."))


def _what(options: "RunOptions") -> str:
    if options.mode in ANSWER_MODES or options.mode == FIND_ALL:
        return f"--mode {options.mode}"
    return f"--strategy {options.strategy}"


# Host memory a view in flight takes per view pixel: its RGB and validity (4 bytes) and the processor's float32
# copy of the pixels (12 bytes; transformers' image processors rescale and normalise in float32).
BYTES_PER_VIEW_PX = 16
# Host memory a kept target holds until its view is written: its box, mask and contour geometries (WKB and
# shapely objects) and their properties. Masks are vectorised one at a time and their pixels freed
# (models.segment), so a view's SAM work holds one window's pixels, not one per box.
BYTES_PER_TARGET = 64 * 1024


def estimate_memory(views: Sequence["TileSpec"], options: "RunOptions") -> int:
    """Host bytes the views need at the peak: the largest view times the views in flight, plus its targets."""
    if not views:
        return 0
    from inference_core.models.memory import MAX_AUTO_BATCH

    in_flight = max(options.concurrency, options.batch_size or (MAX_AUTO_BATCH if options.backend == "transformers"
                                                                else 1))
    largest = max(t.out_width * t.out_height for t in views)
    per_view_targets = options.max_boxes * BYTES_PER_TARGET if options.mode not in ANSWER_MODES else 0
    return in_flight * largest * BYTES_PER_VIEW_PX + per_view_targets


def check_planned_views(views: Sequence["TileSpec"], source: "RasterSource", options: "RunOptions",
                        already: int = 0) -> list[str]:
    """The pre-flight of planned views, for every strategy and mode: count (with `already` views before them),
    views of under MIN_VIEW_SOURCE_PX raster pixels, Qwen's aspect limit and the memory they need; refusals
    raise PipelineError. Returns warnings for the run (a long read from a raster without overviews)."""
    n = already + len(views)
    if n > options.max_tiles:
        raise PipelineError(ErrorCode.BAD_OPTIONS, (
            f"This run would send {n:,} views to the model ({_what(options)}); the limit is {options.max_tiles:,} "
            f"(--max-tiles). Use a coarser --gsd, a smaller --extent, or --max-tiles {n} if you mean it."))
    for t in views:
        if min(t.width, t.height) < MIN_VIEW_SOURCE_PX:
            raise PipelineError(ErrorCode.BAD_OPTIONS, (
                f"View {t.tile_id + 1} reads {t.width} x {t.height} raster pixel(s) ({_what(options)}): a view must "
                f"read at least {MIN_VIEW_SOURCE_PX} x {MIN_VIEW_SOURCE_PX}. Use a coarser --gsd or a larger --extent."))
    check_view_shapes(views, options)
    need = estimate_memory(views, options)
    from inference_core.models.devices import free_bytes

    have = free_bytes("cpu")
    if need > have:
        largest = max(views, key=lambda t: t.out_width * t.out_height)
        raise PipelineError(ErrorCode.OUT_OF_MEMORY, (
            f"This run would need about {_gb(need)} of memory (views of up to {largest.out_width:,} x "
            f"{largest.out_height:,} px, {_what(options)}, up to {options.max_boxes:,} targets a view); this "
            f"machine has {_gb(have)} available. Use a smaller --max-pixels or --tile-size, a coarser --gsd, "
            f"{'--strategy tiles, ' if options.strategy != 'tiles' else ''}or a lower --max-boxes."))
    note = read_cost_warning(source, views)
    return [note] if note else []


# A downscaled view reading more raster pixels than this without overviews earns a note (minutes of reading).
SLOW_READ_PX = 200_000_000


def read_cost_warning(source: "RasterSource", views: Sequence["TileSpec"]) -> Optional[str]:
    """A note when a downscaled view (overview, ask, describe) must read many pixels because the raster has no
    overviews: how many, and what `gdaladdo` would make it read instead. GDAL reads from overviews by itself."""
    if not views or source.overview_factors():
        return None
    worst = max(views, key=lambda t: t.width * t.height / max(1, t.out_width * t.out_height))
    read = worst.width * worst.height
    factor = math.sqrt(read / max(1, worst.out_width * worst.out_height))  # per side, as overview levels are
    if read < SLOW_READ_PX or factor < 2:
        return None
    levels = []
    f = 2
    while f <= factor:
        levels.append(f)
        f *= 2
    with_ovr = read / levels[-1] ** 2
    name = Path(source.path).name
    return (f"{name} has no overviews: view {worst.tile_id + 1} reads all {read:,} pixels of the extent to make "
            f"{worst.out_width:,} x {worst.out_height:,} (this can take minutes). `gdaladdo -r average {name} "
            f"{' '.join(str(v) for v in levels)}` builds them once; the view would then read about {with_ovr:,.0f} "
            f"pixels ({levels[-1] ** 2:,} times fewer).")


def _gb(n: int) -> str:
    return f"{n / 1024 ** 3:,.1f} GB" if n >= 1024 ** 3 else f"{n / 1024 ** 2:,.0f} MB"


def check_view_shapes(tiles: Sequence["TileSpec"], options: "RunOptions") -> None:
    """Refuse views Qwen2.5-VL cannot take (long side over MAX_ASPECT_RATIO x the short one) before the model loads."""
    if options.backend not in QWEN_BACKENDS or options.mode == FIND_ALL:  # find-all: SAM 3, no Qwen
        return
    for t in tiles:
        ratio = max(t.out_width, t.out_height) / max(1, min(t.out_width, t.out_height))
        if ratio > MAX_ASPECT_RATIO:
            raise InputError(
                f"View {t.tile_id + 1} is {t.out_width} x {t.out_height} px, {ratio:.0f} times longer than wide; "
                f"Qwen2.5-VL takes images up to {MAX_ASPECT_RATIO}:1. Give an --extent closer to square (or a "
                f"raster that is not a thin strip).")


def check_model_files(options: "RunOptions") -> None:
    """Damaged weights (a truncated or padded safetensors) and absurd SAM 1 dimensions, before any model loads.

    The loaders check the same again (models.backends.transformers_backend.check_weights, models.sam2, models.sam);
    here it happens before a many-GB language model is loaded only to find the SAM broken.
    """
    if options.backend == "transformers" and options.mode != FIND_ALL:
        folder = _local_folder(options.model)
        problem = weights_problem(folder) if folder is not None else None
        if problem:
            from inference_core.models.backends.base import BackendError
            from inference_core.models.backends.transformers_backend import check_weights

            try:
                check_weights(folder, options.model)  # raises BackendError with the re-download hint
            except BackendError as exc:
                raise PipelineError(ErrorCode.MODEL, str(exc)) from None
    if options.mode == FIND_ALL and options.sam3:
        from inference_core.models.sam3 import Sam3Error, check_phrase

        try:
            check_phrase(options.sam3, options.query)
        except Sam3Error as exc:
            raise PipelineError(ErrorCode.BAD_OPTIONS, str(exc)) from None
    if not options.needs_sam or not options.sam:
        return
    from inference_core.models.sam import SamError, resolve_config

    try:
        if sam_kind(options.sam, options.sam_type) == "sam":
            path = Path(options.sam).expanduser()
            if path.is_file():
                resolve_config(path, options.sam_type)
        else:
            folder = _local_folder(options.sam)
            problem = weights_problem(folder) if folder is not None else None
            if problem:
                raise SamError(f"The weights of SAM 2.1 {options.sam} are damaged: {problem}. Re-download it "
                               f"(the plugin's Models tab, or `python -m inference_core.models.store download KEY`).")
    except SamError as exc:
        raise PipelineError(ErrorCode.MODEL, str(exc)) from None


def _local_folder(value: str) -> Optional[Path]:
    """The folder a model setting names: a local folder, or a hub id's cached snapshot; None when neither."""
    p = Path(value).expanduser()
    if p.is_dir():
        return p
    if looks_like_hub_id(value):
        return hub_snapshot(value)
    return None


def cap_boxes(parsed: "ParsedAnswer", limit: int) -> int:
    """Keep the first `limit` boxes of an answer (the order the model gave them); returns how many were dropped."""
    dropped = max(0, len(parsed.boxes) - limit)
    if dropped:
        del parsed.boxes[limit:], parsed.labels[limit:], parsed.scores[limit:]
        parsed.points = {i: p for i, p in parsed.points.items() if i < limit}
    return dropped


def boxes_capped_message(view: int, views: int, given: int, limit: int) -> str:
    # What raising the cap costs (benchmarks/bench_mask_memory.py): one SAM prompt per kept box, time growing
    # with the boxes; memory stays bounded (CLI and worker), masks being written in batches as they are made.
    return (f"View {view} of {views}: the answer listed {given:,} boxes; only the first {limit:,} are kept "
            f"(--max-boxes {limit}): a runaway answer, or raise --max-boxes for a truly dense scene (with masks "
            f"each kept box costs one SAM prompt, so time grows with them; masks are written as they are made).")


def preflight(source: "RasterSource", options: "RunOptions") -> list[str]:
    """Every check of a run that needs no model, in one call before planning; returns warnings for the run."""
    from inference_core.raster.checks import probe

    warnings = []
    if probe(source).all_nodata:
        warnings.append(f"{Path(source.path).name} holds no data in the extent (nodata or transparent in a sample "
                        f"of it): views without data are skipped, not sent to the model.")
    note = source.chosen_stretch_note()  # --stretch none / --stretch-values showing a nearly uniform view
    if note:
        warnings.append(note)
    check_gsd(source, options)  # every strategy and mode (before: only `tiles` counted its views)
    check_tile_count(source, options)
    check_model_files(options)
    return warnings
