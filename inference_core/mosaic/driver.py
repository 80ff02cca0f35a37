"""One mosaic run, the driver: check the files, write the VRT, plan the parts, run the unfinished ones on Ray,
merge the partials into the one result and summarise, skipped files named. Nothing here runs on a worker."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from inference_core.common.errors import PipelineError
from inference_core.contract.mosaic import PARTS_SUFFIX, MosaicSettings
from inference_core.contract.options import FIND_ALL, OptionsError, RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.run.summary import RunSummary

Emit = Callable[[dict], None]


def no_events(_event: dict) -> None:
    pass


@dataclass
class MosaicSummary(RunSummary):
    """A run's summary plus the mosaic's own counts."""

    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    parts: int = 0
    parts_reused: int = 0
    targets_across_parts: int = 0
    merge_seconds: float = 0.0  # the one writer's time (partials -> result)


def check(options: RunOptions) -> None:
    """What a mosaic run accepts, before any file is read."""
    try:
        options.validate()
    except OptionsError as exc:
        raise PipelineError(ErrorCode.BAD_OPTIONS, str(exc)) from None
    if options.mode not in ("locate", FIND_ALL):
        raise PipelineError(ErrorCode.BAD_OPTIONS, f"A mosaic answers --mode locate or find-all, not {options.mode}: "
                            "ask a question of one raster with `remotereasoner reason`.")
    if options.strategy != "tiles":
        raise PipelineError(ErrorCode.BAD_OPTIONS, "A mosaic is read in tiles (--strategy tiles): an overview of "
                            "thousands of files would shrink every target below a pixel.")
    if getattr(options, "compare_with", None):
        raise PipelineError(ErrorCode.BAD_OPTIONS, "A mosaic is one date: run each date's mosaic, then compare the "
                            "two results (`remotereasoner compare`).")
    if options.resume or options.append or options.extent:
        raise PipelineError(ErrorCode.BAD_OPTIONS, "A mosaic run resumes by itself (run the same command again: "
                            "finished parts are kept); --resume, --append and --extent are for one raster.")


def run_mosaic(settings: MosaicSettings, options: RunOptions, emit: Emit = no_events, cancel=None) -> MosaicSummary:
    """One question over the mosaic into `options.out`; see docs/guide/mosaic.md. `cancel` (a threading.Event)
    stops the parts in flight; the finished ones are kept for the next run of the same command."""
    from inference_core.mosaic import execute as ex
    from inference_core.mosaic.merge import merge_partials, record_for
    from inference_core.mosaic.parts import plan_parts
    from inference_core.mosaic.sources import list_inputs, open_sources, write_vrt
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import gsd_scale
    from inference_core.run.core import new_run_id
    from inference_core.run.limits import preflight
    from inference_core.run.sink import check_output

    started = time.monotonic()
    check(options)
    check_output(options.out)
    sources = open_sources(list_inputs(settings.mosaic), settings.skip_mismatched)
    warnings = sources.warnings()
    for w in warnings:
        emit({"type": "warning", "message": w})
    parts_dir = options.out[:-5] + PARTS_SUFFIX
    created = not os.path.isdir(parts_dir)
    os.makedirs(parts_dir, exist_ok=True)
    try:
        vrt = write_vrt(sources, os.path.join(parts_dir, "mosaic.vrt"))
        options = dataclasses.replace(options, raster=vrt)
        source = RasterSource.open(vrt, options.bands, stretch=options.stretch, stretch_values=options.stretch_values)
        try:
            warnings += preflight(source, options)  # the view count and the model files, before any model loads
            if source.stretch is not None and not options.stretch_values:
                # One stretch for the whole mosaic, taken here once over the VRT: every part then reads the same
                # colours as values instead of sampling the whole VRT again (the result of one run over the VRT).
                lo_hi = [v for pair in zip(source.stretch.lo, source.stretch.hi) for v in pair]
                options = dataclasses.replace(options, stretch_values=tuple(lo_hi))
            views, parts = plan_parts(source, sources, options, settings.max_views)
            bounds = source.extent_bounds
            seam_tol = 0.5 * max(source.resolution) * gsd_scale(source, options.gsd)
        finally:
            source.close()
    except BaseException:  # refused before any part ran (--bands, --stretch-values, the view count): nothing left
        if created:
            shutil.rmtree(parts_dir, ignore_errors=True)
        raise
    done = {p.part_id: ex.finished(parts_dir, p) for p in parts}
    todo = [p for p in parts if done[p.part_id] is None]
    before = sum(len(p.view_ids) for p in parts if done[p.part_id] is not None)
    outcomes = [o for o in done.values() if o is not None]
    if todo:
        started_ray = ex.start_ray(settings.ray_address, settings.workers)
        try:
            gpus = ex.gpus_available() if options.backend == "transformers" else 0.0
            placement = ex.Placement(settings.servers if options.backend == "openai" else [],
                                     settings.parts_per_server, 1.0 if gpus else 0.0)
            opts = options.to_dict(secrets=True)
            outcomes += ex.execute(opts, todo, parts_dir, placement, emit, len(views), before, cancel)
        finally:
            if started_ray:
                ex.stop_ray()
    if cancel is not None and cancel.is_set():
        summary = MosaicSummary(
            run_id="", status="cancelled", out=options.out, tiles_done=sum(o.views for o in outcomes),
            tiles_total=len(views), seconds=round(time.monotonic() - started, 3), warnings=warnings,
            files=len(sources.files), skipped_files=[p for p, _ in sources.skipped], parts=len(parts),
            parts_reused=len(parts) - len(todo))
        return summary
    for o in outcomes:
        warnings += [w for w in o.warnings if w not in warnings]
    for leftover in Path(parts_dir).glob("*.tmp.gpkg"):  # parts of killed workers, redone since
        leftover.unlink(missing_ok=True)
    run_id = new_run_id()
    partials = [(p, ex.partial_paths(parts_dir, p)[0]) for p in parts]
    merge_t0 = time.monotonic()
    merged = merge_partials(options.out, partials, sources, options, run_id,
                            record_for(settings.mosaic, sources, bounds, options, warnings, options.model), seam_tol)
    from inference_core.run.sink import GpkgSink
    from inference_core.run.tally import summarize

    sink = GpkgSink(options.out, sources.crs_wkt, ("boxes", *options.granularity), mode="append")
    summary = MosaicSummary(
        run_id=run_id, status="finished", out=options.out, counts=merged.counts, tiles_done=len(views),
        tiles_total=len(views), seconds=round(time.monotonic() - started, 3), warnings=warnings,
        parse_errors=sum(o.parse_errors for o in outcomes), skipped_nodata=sum(o.skipped_nodata for o in outcomes),
        tally=summarize(sink, run_id, options.granularity).to_dict(), files=len(sources.files),
        skipped_files=[p for p, _ in sources.skipped], parts=len(parts), parts_reused=len(parts) - len(todo),
        targets_across_parts=merged.targets_cut_by_parts, merge_seconds=round(time.monotonic() - merge_t0, 3))
    return summary


__all__ = ["MosaicSettings", "MosaicSummary", "run_mosaic"]
