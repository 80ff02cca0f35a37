"""The change run (`run_change`): the dates on one grid and their shift measured before any model loads, the
question located on the first date then the second (two runs in one GeoPackage, each resumable), their
targets matched, and the appeared / disappeared / persisted layers written with the `changes` row."""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from typing import Any, Optional

from inference_core.common.errors import InputError, PipelineError
from inference_core.contract.options import ANSWER_MODES, OptionsError, RunOptions
from inference_core.contract.paths import CHANGE_TEMPLATES
from inference_core.contract.protocol import ErrorCode
from inference_core.contract.schema import CHANGE_LAYERS, CHANGE_TABLE
from inference_core.raster.source import RasterSource
from inference_core.run.change.grid import CommonGrid, common_grid
from inference_core.run.change.match import match_targets
from inference_core.run.change.record import DATES, ChangeState, change_state
from inference_core.run.change.result import Alignment, layer_rows, summary_line, total_area
from inference_core.run.change.shift import measure_shift, plausible
from inference_core.run.core import Emit, RunCore, no_events
from inference_core.run.disk_full import naming_the_disk
from inference_core.run.limits import preflight
from inference_core.run.modes import RUNTIME_OPTIONS, mode_run
from inference_core.run.output_guard import guard_output
from inference_core.run.sink import GpkgSink, check_output, utc_now
from inference_core.run.summary import RunSummary


def run_change(options: RunOptions, emit: Emit = no_events, cancel: Optional[threading.Event] = None, models=None,
               started: Optional[float] = None) -> RunSummary:
    """One question over two dates (docs/guide/change.md); the summary's `change` holds its line and alignment."""
    started = time.monotonic() if started is None else started
    state: Optional[ChangeState] = None
    if options.resume:
        state = change_state(options.out)
        options = _recorded_options(options, state)
    else:
        check_output(options.out, options.raster)
        guard_output(options.out, options.compare_with)  # never the second date's raster either
    grid = common_grid(options.raster, options.compare_with, options.out, options.extent, options.extent_crs)
    if state is not None and options.mode in ANSWER_MODES and state.done(0):
        raise InputError(f"Nothing to resume in {options.out}: its answer about both dates is there (start a new "
                         "run instead).")
    sides = _side_options(options, grid, state)
    sources: list[RasterSource] = []
    try:
        for o in sides:  # opened one by one: a second date that cannot be read closes the first
            sources.append(RasterSource.open(o.raster, o.bands, o.extent, o.extent_crs, o.stretch, o.stretch_values))
        for src, o in zip(sources, sides):  # limits, damaged pixels, model files: before any model loads
            src.warnings += preflight(src, o)
        note = colours_differ(*sources, names=(grid.before, grid.after))
        if note and state is None:
            sources[1].warnings.append(note)
        if models is None:  # a one-off run (CLI); the worker passes its warm cache
            from inference_core.models.cache import ModelCache

            models = ModelCache()
        if options.mode in ANSWER_MODES:  # "describe what changed" (experimental): both dates in one turn
            from inference_core.run.change.describe import run_two_date_answer

            first = dataclasses.replace(sides[0], prompt=options.prompt or CHANGE_TEMPLATES[options.mode])
            with naming_the_disk(options.out):
                return run_two_date_answer(first, sources[0], sources[1], emit, cancel, models, started)
        alignment = _alignment(options, *sources)
        summaries = []
        for i, (src, o) in enumerate(zip(sources, sides)):
            if state is not None and state.done(i):
                continue
            date = DATES[i]
            with naming_the_disk(o.out):
                s = mode_run(o.mode)(RunCore(o, src, lambda ev, d=date: emit({**ev, "date": d}), cancel, models,
                                             started))
            summaries.append(s)
            if s.status != "finished":  # cancelled: the finished views stay, `--resume` continues this date
                return _unfinished(options, s, summaries, date, started)
    finally:
        for src in sources:
            src.close()
    return _compare(options, grid, alignment, sources, summaries, started, emit)


def _recorded_options(options: RunOptions, state: ChangeState) -> RunOptions:
    """The change run's recorded options (with the first date's run), the caller's runtime settings, resume."""
    recorded = dict(state.settings)
    for name in RUNTIME_OPTIONS:
        recorded[name] = getattr(options, name)
    recorded.update(resume=True, append=False, out=options.out, formats=())
    try:
        return RunOptions.from_dict(recorded).validate()
    except OptionsError as exc:
        raise PipelineError(ErrorCode.BAD_OPTIONS, f"Cannot resume {options.out}: {exc}") from None


def _side_options(options: RunOptions, grid: CommonGrid, state: Optional[ChangeState]) -> list[RunOptions]:
    """Each date's run options over the common extent in the first date's CRS: the first creates the output,
    the second is appended to it (read from the VRT on the first date's grid when one was needed)."""
    common = dict(extent=tuple(grid.bounds), extent_crs=grid.crs_wkt, formats=())
    before = dataclasses.replace(options, **common, append=False,
                                 resume=state is not None and state.started(0) and not state.done(0))
    after = dataclasses.replace(options, **common, raster=grid.after_read, replay=options.replay_after or options.replay,
                                append=True, resume=state is not None and state.started(1))
    return [before, after]


def _alignment(options: RunOptions, before: RasterSource, after: RasterSource) -> Alignment:
    if options.tolerance is not None:
        return Alignment("tolerance", tolerance_m=float(options.tolerance))
    s = measure_shift(before, after)
    if not plausible(s, before.window):  # not a misregistration: say so, match without undoing it
        before.warnings.append(
            f"The shift measured between the dates ({s.dx_px:+.0f}, {s.dy_px:+.0f} px) is too large to be a "
            f"misregistration (the images have too little in common); it is not undone. Give --tolerance METRES "
            f"if the dates are offset.")
        return Alignment("measured", 0.0, 0.0, 0.0)
    return Alignment("measured", s.dx_m, s.dy_m, s.px)


def _grow_in_map_units(metres: float, crs_wkt: str, bounds) -> float:
    """The tolerance in the first date's map units (metres in most projected CRSs; degrees in geographic ones)."""
    from pyproj import CRS

    crs = CRS.from_user_input(crs_wkt)
    if crs.is_geographic:
        lat = math.radians((bounds[1] + bounds[3]) / 2)
        return metres / (111_320.0 * max(math.cos(lat), 1e-6))
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return metres / (factor or 1.0)


def colours_differ(before: RasterSource, after: RasterSource, names: tuple[str, str]) -> Optional[str]:
    """A warning when one date is shown to the model in colour and the other in grey (one band): what a model
    finds on each may differ for that alone, and read as change. `names`: the dates' files as given."""
    a, b = before.pixels_record(), after.pixels_record()
    grey = [len(set(r["bands"])) == 1 for r in (a, b)]
    if grey[0] == grey[1]:
        return None

    def shown(r: dict, g: bool) -> str:
        return "in grey (band " + str(r["bands"][0]) + ")" if g else "in colour (bands " + ",".join(
            map(str, r["bands"])) + ")"

    return (f"The first date ({os.path.basename(names[0])}) is shown to the model {shown(a, grey[0])} and the "
            f"second ({os.path.basename(names[1])}) {shown(b, grey[1])}: targets found on one and not the other may "
            f"come from that alone. Compare like with like (--bands picks the same bands of both dates).")


def _compare(options: RunOptions, grid: CommonGrid, alignment: Alignment, sources, summaries, started: float,
             emit: Emit) -> RunSummary:
    import shapely

    sink = GpkgSink(options.out, grid.crs_wkt, options.granularity, mode="append")
    runs = sink.runs()
    before_run, after_run = runs[0], runs[1]
    before = sink.read_targets(before_run.run_id)
    after = sink.read_targets(after_run.run_id)
    if alignment.how == "measured":  # the second date moved back onto the first date's ground
        for t in after:
            t["geometry"] = shapely.affinity.translate(t["geometry"], -alignment.dx_m, -alignment.dy_m)
    grow = 0.0
    if alignment.how == "tolerance":
        grow = _grow_in_map_units(alignment.tolerance_m or 0.0, grid.crs_wkt, grid.bounds)
    m = match_targets(before, after, options.min_iou, grow)
    line = summary_line(m)
    base = {"query": options.query, "before_run_id": before_run.run_id, "after_run_id": after_run.run_id,
            "before_raster": os.path.abspath(grid.before), "after_raster": os.path.abspath(grid.after),
            "model": after_run.model}
    for layer, rows in layer_rows(m, base).items():
        sink.write_layer(layer, rows)
    change: dict[str, Any] = {
        "summary": line, "alignment": alignment.how, "alignment_text": alignment.describe(),
        "shift_x_m": alignment.dx_m, "shift_y_m": alignment.dy_m, "shift_px": alignment.px,
        "tolerance_m": alignment.tolerance_m, "min_iou": options.min_iou, "grid": grid.note,
        "before_run_id": before_run.run_id, "after_run_id": after_run.run_id,
        "appeared_m2": total_area(m.appeared), "disappeared_m2": total_area(m.disappeared),
    }
    sink.write_table(CHANGE_TABLE, [{
        "before_run_id": before_run.run_id, "after_run_id": after_run.run_id, "before_raster": base["before_raster"],
        "after_raster": base["after_raster"], "after_read": os.path.abspath(grid.after_read), "query": options.query,
        "alignment": alignment.how, "shift_x_m": alignment.dx_m, "shift_y_m": alignment.dy_m,
        "shift_px": alignment.px, "tolerance_m": alignment.tolerance_m, "min_iou": options.min_iou,
        "appeared": len(m.appeared), "disappeared": len(m.disappeared), "persisted": len(m.persisted),
        "appeared_m2": change["appeared_m2"], "disappeared_m2": change["disappeared_m2"], "summary": line,
        "finished": utc_now()}])
    counts = {"appeared": len(m.appeared), "disappeared": len(m.disappeared), "persisted": len(m.persisted)}
    emit({"type": "change", "summary": line, "alignment": alignment.describe(), "layers": list(CHANGE_LAYERS),
          **counts})
    warnings = [w for s in sources for w in s.warnings] + [w for s in summaries for w in s.warnings]
    return RunSummary(
        run_id=after_run.run_id, status="finished", out=options.out, counts=counts,
        tiles_done=sum(len(sink.done_tiles(r.run_id)) for r in (before_run, after_run)),
        tiles_total=sum(int(r.tiles_total or 0) for r in (before_run, after_run)),
        seconds=round(time.monotonic() - started, 3), warnings=list(dict.fromkeys(warnings)),
        parse_errors=sum(s.parse_errors for s in summaries), skipped_nodata=sum(s.skipped_nodata for s in summaries),
        reused=sum(s.reused for s in summaries), strategy=options.strategy, change=change,
    )


def _unfinished(options: RunOptions, side: RunSummary, summaries, date: str, started: float) -> RunSummary:
    """A date's run stopped (cancelled): the change is not computed; its views are kept for `--resume`."""
    return dataclasses.replace(
        side, out=options.out, seconds=round(time.monotonic() - started, 3),
        change={"summary": f"stopped while locating on the {date} date: continue with --resume", "date": date})
