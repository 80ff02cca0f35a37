"""The run core every mode shares (`RunCore`): options, the opened raster, the sink, events and progress,
the stream of views, cancellation, resume, target ids, exports and the summary. A mode (run/locate.py,
run/find_all.py, run/answers.py) plans its views, loads its model and writes each answer; the core does the rest."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Sequence, TypeVar

from inference_core.common.errors import InputError, PipelineError
from inference_core.common.records import Detection, TileSpec
from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.source import RasterSource
from inference_core.run.detection import make_detection
from inference_core.run.limits import NODATA_SKIPPED
from inference_core.run.sink import GpkgSink, RunRecord, utc_now
from inference_core.run.summary import RunSummary

log = logging.getLogger(__name__)

Emit = Callable[[dict], None]
# write(view, reply, progress): a mode's step for one answered view; `progress(stage)` emits a progress event.
WriteView = Callable[[TileSpec, Any, Callable[[str], None]], None]
T = TypeVar("T")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def no_events(_event: dict) -> None:
    pass


class RunCore:
    """The state of one run and the steps every mode takes; a mode reads and sets its public fields."""

    def __init__(self, options: RunOptions, source: RasterSource, emit: Emit = no_events, cancel=None, models=None,
                 started: Optional[float] = None):
        self.o = options
        self.source = source
        self.emit = emit
        self.cancel = cancel
        self.models = models
        self.started = time.monotonic() if started is None else started
        self.warnings = list(source.warnings)
        self.parse_errors = 0
        self.reused = 0
        self.skipped_nodata = 0
        self.dropped_scores: list[float] = []  # find-all: scores of the instances the threshold dropped
        self.tiles_total = 0
        self.step = "tile"  # the stage of the views in work (progress events)
        self.at: dict[str, Any] = {"tile": 0, "tiles": 0, "eta_s": None}  # where the last progress event was
        self.model_id = options.model
        self.layers: tuple[str, ...] = ()  # the layers a view's features go to (set by open)
        self.run_id = ""
        self.next_id = 0  # the next target id (set by open: 0, or after the resumed run's last)
        self.sink: Optional[GpkgSink] = None
        self.reuse = None
        self.lock = None  # the run's claim on its output (run.out_lock.OutputLock), given by run.pipeline

    # ------------------------------------------------------------------ set-up
    def load_models(self, load: Callable[[], T]) -> T:
        """`load()` (the mode's models from the cache), its failures as the run's model errors."""
        from inference_core.models.backends.base import BackendError

        try:
            return load()
        except BackendError as exc:
            raise PipelineError(getattr(exc, "code", ErrorCode.MODEL), str(exc)) from None
        except PipelineError:
            raise
        except (OSError, ValueError) as exc:  # missing folder / unreadable checkpoint
            raise PipelineError(ErrorCode.MODEL, f"Cannot load the model: {exc}") from None

    def open(self, views: Sequence[TileSpec], backend, sink_layers: Sequence[str], layers: Sequence[str]) -> set[int]:
        """Read the answers already in the output (`run.reuse`, before the sink may replace the file), open the
        sink with `sink_layers` and record the run (or take up the interrupted one); the views already done."""
        from inference_core.run.reuse import ReuseIndex

        o = self.o
        self.model_id = getattr(backend, "model_id", o.model)
        self.layers = tuple(layers)
        self.reuse = ReuseIndex.for_run(o.out, backend, o)
        self.sink = GpkgSink(o.out, self.source.crs_wkt, tuple(sink_layers),
                             mode="append" if (o.append or o.resume) else "create")
        if o.resume:
            rec = self.sink.last_unfinished_run()
            if rec is None:  # pragma: no cover - checked in run.pipeline.resume_options
                raise InputError(f"Nothing to resume in {o.out}.")
            self.run_id = rec.run_id
            dropped = self.sink.discard_partial_tiles(self.run_id)
            if dropped:
                log.info("resume: removed %d feature(s) of an interrupted tile", dropped)
            self.sink.set_status(self.run_id, "running")
            self.next_id = self.sink.max_target_id(self.run_id) + 1
            self.note_run_id()
            return self.sink.done_tiles(self.run_id)
        self.run_id = new_run_id()
        self.note_run_id()
        self.next_id = 0
        src = self.source
        crs = f"EPSG:{src.epsg}" if src.epsg else (src.crs_wkt or "")
        self.sink.start_run(RunRecord(
            run_id=self.run_id, raster=os.path.abspath(o.raster), extent=json.dumps(list(src.extent_bounds)),
            crs=crs, query=o.query, settings=o.settings_json(), started=utc_now(), finished=None,
            status="running", model=self.model_id, tiles_total=len(views), warnings=json.dumps(self.warnings),
            pixels=json.dumps(src.pixels_record()),
        ))
        return set()

    def note_run_id(self) -> None:
        if self.lock is not None:
            self.lock.note_run(self.run_id)

    def announce_warnings(self) -> None:
        """The warnings gathered before the first view, as events."""
        for w in self.warnings:
            self.emit({"type": "warning", "message": w})

    # ------------------------------------------------------------------ the stream of views
    def stream(self, views: Sequence[TileSpec], todo: Sequence[TileSpec], already: int, backend,
               read: Callable[[TileSpec], Any], write: WriteView) -> str:
        """`todo` through the stream of `run.stream` (N in flight, or batches by size): `read(view)` makes its
        request (None: no valid pixel), `write` takes each answer as it comes. finished | cancelled."""
        from inference_core.models.memory import MAX_AUTO_BATCH
        from inference_core.run.stream import ViewStream, plan_for

        n = len(views)
        done = already
        t0 = time.monotonic()
        processed = 0
        plan = plan_for(backend, self.o.batch_size, MAX_AUTO_BATCH)
        stream = ViewStream(lambda reqs: self.guarded(plan.call, reqs, plan.batcher.shrink), plan.batcher,
                            plan.in_flight, plan.stop)
        replies = stream.replies(todo, lambda t: self.reuse.keyed(read(t)), self.cancelled, self.reuse.lookup)
        try:
            if todo:
                self.step = todo[0].stage
            self.progress("read", done, n, t0, processed, len(todo))
            self.progress("reason", done, n, t0, processed, len(todo))
            for tile, reply in replies:
                self.step = tile.stage
                if self.cancelled():
                    return "cancelled"
                if reply is None:  # no data in the view: never sent to the model
                    self.skip_nodata(tile)
                else:
                    self.reused += reply.reused
                    self.reuse.remember(reply)
                    if reply.warning and reply.warning not in self.warnings:  # once per run, however many views say it
                        self.warn(reply.warning)
                    write(tile, reply, lambda stage: self.progress(stage, done, n, t0, processed, len(todo)))
                done += 1
                processed += 1
                self.progress("write", done, n, t0, processed, len(todo))
                if processed < len(todo):  # back to waiting on the model for the next view
                    self.progress("reason", done, n, t0, processed, len(todo))
            if self.cancelled():
                return "cancelled"
        except BaseException as exc:  # every finished tile stays; Ctrl-C / SIGTERM (common.signals) is a cancel
            self.sink.finish_run(self.run_id, "cancelled" if isinstance(exc, KeyboardInterrupt) else "failed")
            raise
        finally:
            replies.close()  # calls still at the server are abandoned, retries stop
        return "finished"

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def progress(self, stage: str, done: int, n: int, t0: float, processed: int, todo: int) -> None:
        eta = None
        if processed:
            eta = round((time.monotonic() - t0) / processed * (todo - processed), 1)
        self.at = {"tile": done, "tiles": n, "eta_s": eta}
        self.emit({"type": "progress", "stage": stage, "step": self.step, **self.at, "run_id": self.run_id})

    def reading(self, view: TileSpec) -> Callable[[int, int], None]:
        """The progress of a long read of `view` (raster.source.read_rgb reads it in strips): a `progress` event of
        stage `read` with `strip` and `strips` as each strip completes, so minutes of reading are not silent."""
        def strip(done: int, total: int) -> None:
            self.emit({"type": "progress", "stage": "read", "step": view.stage, **self.at, "strip": done,
                       "strips": total, "run_id": self.run_id})

        return strip

    def drop_below_threshold(self, scores) -> None:
        """Find-all: instances a view scored at or below --score-threshold, for the end line (never kept)."""
        self.dropped_scores += [float(v) for v in scores]

    def below_threshold(self) -> dict[str, Any]:
        if not self.dropped_scores:
            return {}
        return {"dropped": len(self.dropped_scores), "threshold": self.o.score_threshold,
                "best_score": round(max(self.dropped_scores), 4)}

    def skip_nodata(self, tile: TileSpec) -> None:
        """A view with no valid pixel: committed as done with an empty answer (resume skips it), never asked."""
        self.skipped_nodata += 1
        self.sink.write_tile(self.run_id, tile.tile_id, {k: [] for k in self.layers}, {
            "window": list(tile.window), "input_size": None, "raw_text": "", "parse_error": NODATA_SKIPPED,
            "seconds": 0.0, "stage": tile.stage})

    def guarded(self, reason, requests, shrink=lambda n: None):
        """`reason(requests)`; out of memory: the policy of `models.memory`, then fail with the settings to change."""
        from inference_core.models.backends.base import BackendError, BackendOOM
        from inference_core.models.memory import reason_halving_batches, run_advice

        try:
            return reason_halving_batches(reason, requests, self.warn, shrink)
        except BackendOOM as exc:
            raise PipelineError(ErrorCode.OUT_OF_MEMORY, run_advice(self.o, exc)) from None
        except BackendError as exc:
            raise PipelineError(getattr(exc, "code", ErrorCode.MODEL), str(exc)) from None

    def warn(self, message: str) -> None:
        """A warning of this run: in the summary and as an event."""
        self.warnings.append(message)
        self.emit({"type": "warning", "message": message})

    def answer_unusable(self, tile: TileSpec, why: str) -> None:
        """One view's answer could not be used: counted, and a warning naming the view and where its text is kept."""
        self.parse_errors += 1
        # views are numbered from 1 for the user; tile_id (from 0) is the responses table's key
        self.emit({"type": "warning", "message": f"View {tile.tile_id + 1} of {self.tiles_total}: {why}; its text is "
                                                f"kept in the responses table (tile_id {tile.tile_id})."})

    def make_detection(self, tile: TileSpec, px, label, score, reasoning: str, inner=None) -> Detection:
        """A new target from a box in view pixels (run.detection.make_detection) with the run's next target id."""
        det = make_detection(self.next_id, tile, self.source.window, px, label, score, reasoning, inner)
        self.next_id += 1
        return det

    # ------------------------------------------------------------------ the end
    def finish(self, status: str) -> list[str]:
        """Record the run's status; the exports of a run that did not fail (the files written)."""
        self.sink.finish_run(self.run_id, status)
        return self.exports() if status != "failed" else []

    def exports(self) -> list[str]:
        from inference_core.run.export import export

        paths = []
        stem = self.o.out[:-5] if self.o.out.lower().endswith(".gpkg") else self.o.out
        for fmt in self.o.formats:
            if fmt == "gpkg":
                continue
            paths += export(self.o.out, fmt, stem + (".shp" if fmt == "shp" else ".geojson"))
        return paths

    def summary(self, status: str, exports: list[str], **fields: Any) -> RunSummary:
        """The run's summary: the core's counts, with the mode's own `fields` (counts, tally, answer_summary...)."""
        return RunSummary(
            run_id=self.run_id, status=status, out=self.o.out,
            tiles_done=len(self.sink.done_tiles(self.run_id)), tiles_total=self.tiles_total,
            seconds=round(time.monotonic() - self.started, 3), warnings=self.warnings,
            pixels=self.source.pixels_record(),
            parse_errors=self.parse_errors, exports=exports, skipped_nodata=self.skipped_nodata, reused=self.reused,
            below_threshold=self.below_threshold(), **fields,
        )
