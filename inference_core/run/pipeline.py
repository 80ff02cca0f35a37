"""One run, the engine's entry point (`run`): check the options and the output, open the raster, run the
preflight, then hand the run core to the mode's run (run/locate.py, run/find_all.py, run/answers.py); a
question over two dates goes to the change run (run/change/runner.py)."""

from __future__ import annotations

import threading
import time
from typing import Optional

from inference_core.common.errors import PipelineError
from inference_core.contract.options import OptionsError, RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.source import RasterSource
from inference_core.run.change.record import change_output
from inference_core.run.core import Emit, RunCore, new_run_id, no_events
from inference_core.run.detection import SEAM_TOUCH_FRACTION
from inference_core.run.disk_full import naming_the_disk
from inference_core.run.limits import preflight
from inference_core.run.modes import RUNTIME_OPTIONS, mode_run
from inference_core.run.resume_state import recorded_settings, resumable_run
from inference_core.run.out_lock import OutputLock
from inference_core.run.sink import check_output, check_output_name
from inference_core.run.summary import RunSummary

# Re-exported: callers have always taken these from here.
__all__ = ["Emit", "RUNTIME_OPTIONS", "RunSummary", "SEAM_TOUCH_FRACTION", "mode_run", "new_run_id", "run"]


def run(options: RunOptions, emit: Emit = no_events, cancel: Optional[threading.Event] = None,
        models=None) -> RunSummary:
    """Run one query over one raster extent; see docs/PROTOCOL.md for its events and errors."""
    started = time.monotonic()
    try:
        options.validate()
    except OptionsError as exc:
        raise PipelineError(ErrorCode.BAD_OPTIONS, str(exc)) from None
    check_output_name(options.out)
    # one writer per output, claimed before anything reads or replaces it and before any model loads
    lock = OutputLock(options.out, options.query if not options.resume else "(resume)").claim()
    try:
        if options.is_change or (options.resume and change_output(options.out)):  # two dates: run/change/
            from inference_core.run.change.runner import run_change

            return run_change(options, emit, cancel, models, started)
        if options.resume:
            options = resume_options(options)
            lock.holder.query = options.query
        else:
            check_output(options.out, options.raster, options.append)
        return _locked_run(options, emit, cancel, models, started, lock)
    finally:
        lock.release()


def _locked_run(options: RunOptions, emit: Emit, cancel, models, started: float, lock: OutputLock) -> RunSummary:
    source = RasterSource.open(options.raster, options.bands, options.extent, options.extent_crs,
                               options.stretch, options.stretch_values)
    try:
        source.warnings += preflight(source, options)  # limits, damaged pixels, model files: before any model loads
        if models is None:  # a one-off run (CLI); the worker passes its warm cache
            from inference_core.models.cache import ModelCache

            models = ModelCache()
        mode = mode_run(options.mode)
        with naming_the_disk(options.out):  # "database or disk is full" -> which disk, exit code 6, resume
            core = RunCore(options, source, emit, cancel, models, started)
            core.lock = lock
            return mode(core)
    finally:
        source.close()


def resume_options(options: RunOptions) -> RunOptions:
    """The interrupted run's recorded options, with the caller's runtime settings and resume=True."""
    rec = resumable_run(options.out)
    recorded = recorded_settings(rec, options.out)
    for name in RUNTIME_OPTIONS:
        recorded[name] = getattr(options, name)
    recorded.update(resume=True, append=False, out=options.out)
    try:
        return RunOptions.from_dict(recorded).validate()
    except OptionsError as exc:
        raise PipelineError(ErrorCode.BAD_OPTIONS, f"Cannot resume {options.out}: {exc}") from None
