"""One run: raster -> plan -> reason -> (segment) -> merge -> GeoPackage, emitting protocol events as it goes."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Sequence

from inference_core.common.errors import InputError, PipelineError
from inference_core.common.records import Detection, TileSpec
from inference_core.contract.options import ANSWER_MODES, FIND_ALL, OptionsError, RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.geometry.box_merge import BoxMergeOutcome, BoxMerger, cut_sides
from inference_core.models.parsing import parse_answer
from inference_core.raster.coords import clamp_box, map_box_to_pixel, pixel_box_to_map, rescale_box
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import gsd_scale, tile_edges
from inference_core.run.disk_full import naming_the_disk
from inference_core.run.limits import NODATA_SKIPPED, boxes_capped_message, cap_boxes, check_view_shapes, preflight
from inference_core.run.resume_state import recorded_settings, resumable_run
from inference_core.run.sink import GpkgSink, RunRecord, check_output, utc_now
from inference_core.run.strategies import OVERVIEW_ID, plan_strategy

log = logging.getLogger(__name__)

Emit = Callable[[dict], None]
# A box edge within this fraction of the tile size (at least 1 px) of an inner seam counts as cut by it.
SEAM_TOUCH_FRACTION = 0.005
# Options a resumed run takes from the caller; everything else comes from the run's recorded settings,
# so the tile plan, prompt, model and geometry parameters are those of the interrupted run.
RUNTIME_OPTIONS = ("device", "dtype", "batch_size", "concurrency", "api_key", "api_key_env", "server_url",
                   "timeout", "retries", "formats", "reuse")


@dataclass
class RunSummary:
    """What a run did; `status` is finished | cancelled | failed."""

    run_id: str
    status: str
    out: str
    counts: dict[str, int] = field(default_factory=dict)
    tiles_done: int = 0
    tiles_total: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    parse_errors: int = 0
    exports: list[str] = field(default_factory=list)
    skipped_nodata: int = 0  # views with no valid pixel, not sent to the model (run.limits, docs/robustness.md)
    answer_summary: Optional[str] = None  # ask/describe: the answer, or the per-tile summary (run/answers.py)
    strategy: str = "tiles"
    tally: dict[str, Any] = field(default_factory=dict)  # run/tally.Tally: targets, their total and largest area
    overview_reasoning: str = ""  # the whole-extent view's reasoning (overview, refine)
    reused: int = 0  # views answered from an identical earlier view in `responses`, without a model call

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def _noop(_event: dict) -> None:
    pass


def run(options: RunOptions, emit: Emit = _noop, cancel: Optional[threading.Event] = None,
        models=None) -> RunSummary:
    """Run one query over one raster extent; see docs/PROTOCOL.md for its events and errors."""
    started = time.monotonic()
    try:
        options.validate()
    except OptionsError as exc:
        raise PipelineError(ErrorCode.BAD_OPTIONS, str(exc)) from None
    if options.resume:
        options = _resume_options(options)
    else:
        check_output(options.out, options.raster, options.append)
    source = RasterSource.open(options.raster, options.bands, options.extent, options.extent_crs)
    try:
        source.warnings += preflight(source, options)  # limits, damaged pixels, model files: before any model loads
        if models is None:  # a one-off run (CLI); the worker passes its warm cache
            from inference_core.models.cache import ModelCache

            models = ModelCache()
        runner = _Run
        if options.mode in ANSWER_MODES:  # text answers instead of boxes
            from inference_core.run.answers import AnswerRun as runner
        with naming_the_disk(options.out):  # "database or disk is full" -> which disk, exit code 6, resume
            return runner(options, source, emit, cancel, models, started).execute()
    finally:
        source.close()


def _resume_options(options: RunOptions) -> RunOptions:
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


class _Run:
    """State of one run (kept out of `run` so each step stays a small method)."""

    def __init__(self, options: RunOptions, source: RasterSource, emit: Emit, cancel, models, started: float):
        self.o = options
        self.source = source
        self.emit = emit
        self.cancel = cancel
        self.models = models
        self.started = started
        self.warnings = list(source.warnings)
        self.parse_errors = 0
        self.reused = 0
        self.skipped_nodata = 0
        self.tiles_total = 0
        self.coordinates = "model-input"  # the prompt template's coordinate space, set in execute()
        self.step = "tile"  # the stage of the views in work (progress events)
        self.overview_reasoning = ""

    # ------------------------------------------------------------------ set-up
    def execute(self) -> RunSummary:
        o = self.o
        self.plan = plan_strategy(self.source, o)  # run/strategies.py: tiles, or the overview first
        tiles = self.plan.views
        check_view_shapes(tiles, o)
        self.tiles_total = len(tiles)
        backend, segmenter = self._load_models()
        self.prompt_name = None  # find-all: no prompt template, SAM 3 reads the noun phrase
        if o.mode == FIND_ALL:  # SAM 3 takes the noun phrase itself (run/find_all.py)
            prompt = o.query.strip()
        else:
            from inference_core.models.prompts import load_template, render

            template = load_template(o)
            prompt = render(template, o.query, o.coordinates)
            self.coordinates = prompt.coordinates
            self.prompt_name = template.name
        self.model_id = getattr(backend, "model_id", o.model)
        self._load_reuse(backend)
        self.sink = GpkgSink(o.out, self.source.crs_wkt, o.granularity,
                             mode="append" if (o.append or o.resume) else "create")
        done = self._open_run(tiles)
        scale = gsd_scale(self.source, o.gsd)
        self.merger = BoxMerger.from_options(o, seam_tolerance=0.5 * max(self.source.resolution) * scale)
        self.mask_merger = None
        if o.needs_sam or (o.mode == FIND_ALL and ("masks" in o.granularity or "contours" in o.granularity)):
            from inference_core.geometry.mask_merge import MaskMerger

            self.mask_merger = MaskMerger(tolerance=0.5 * max(self.source.resolution) * scale)
        if o.resume:
            self._seed_mergers()
        for w in self.warnings:
            self.emit({"type": "warning", "message": w})
        todo = [t for t in tiles if t.tile_id not in done]
        status = self._loop(tiles, todo, len(tiles) - len(todo), backend, segmenter, prompt)
        if status == "finished" and self.plan.refining:  # the overview's candidates, each asked again
            done = self.sink.done_tiles(self.run_id)
            tiles = self._plan_refine(tiles[0])
            todo = [t for t in tiles if t.tile_id not in done]
            status = self._loop(tiles, todo, len(tiles) - len(todo), backend, segmenter, prompt)
        self.sink.finish_run(self.run_id, status)
        exports = self._exports() if status != "failed" else []
        counts = self.sink.counts(self.run_id)
        from inference_core.run.tally import summarize

        return RunSummary(
            run_id=self.run_id, status=status, out=o.out, counts=counts,
            tiles_done=len(self.sink.done_tiles(self.run_id)), tiles_total=self.tiles_total,
            seconds=round(time.monotonic() - self.started, 3), warnings=self.warnings,
            parse_errors=self.parse_errors, exports=exports, skipped_nodata=self.skipped_nodata, reused=self.reused,
            strategy=o.strategy, tally=summarize(self.sink, self.run_id, o.granularity).to_dict(),
            overview_reasoning=self.overview_reasoning,
        )

    def _plan_refine(self, overview: TileSpec) -> list[TileSpec]:
        """Refine views for the overview's candidates, read back from its recorded answer (the same parse, the
        same target ids), so a resumed run plans the same views without asking the overview again."""
        rec = self.sink.read_response(self.run_id, overview.tile_id)
        keep, self.next_id = self.next_id, 0  # the overview was the run's first view: its ids start at 0
        candidates, parsed = self.detections(overview, rec["raw_text"] if rec else "", rec["input_size"] if rec else None)
        self.next_id = keep
        self.overview_reasoning = parsed.reasoning or (rec["raw_text"] if rec else "")
        views = self.plan.add_refine(self.source, self.o, candidates)
        check_view_shapes(views, self.o)
        self.tiles_total = 1 + len(views)
        self.sink.set_tiles_total(self.run_id, self.tiles_total)
        return self.plan.views

    def _load_models(self):
        from inference_core.models.backends.base import BackendError

        try:
            if self.o.mode == FIND_ALL:
                return self.models.finder(self.o), None
            backend = self.models.backend(self.o)
            segmenter = self.models.segmenter(self.o) if self.o.needs_sam else None
        except BackendError as exc:
            raise PipelineError(getattr(exc, "code", ErrorCode.MODEL), str(exc)) from None
        except PipelineError:
            raise
        except (OSError, ValueError) as exc:  # missing folder / unreadable checkpoint
            raise PipelineError(ErrorCode.MODEL, f"Cannot load the model: {exc}") from None
        return backend, segmenter

    def _load_reuse(self, backend) -> None:
        """The answers already in the output (`run.reuse`), read before the sink may replace the file."""
        from inference_core.run.reuse import ReuseIndex

        self.reuse = ReuseIndex.for_run(self.o.out, backend, self.o)

    def _open_run(self, tiles: list[TileSpec]) -> set[int]:
        o = self.o
        if o.resume:
            rec = self.sink.last_unfinished_run()
            if rec is None:  # pragma: no cover - checked in _resume_options
                raise InputError(f"Nothing to resume in {o.out}.")
            self.run_id = rec.run_id
            dropped = self.sink.discard_partial_tiles(self.run_id)
            if dropped:
                log.info("resume: removed %d feature(s) of an interrupted tile", dropped)
            self.sink.set_status(self.run_id, "running")
            self.next_id = self.sink.max_target_id(self.run_id) + 1
            return self.sink.done_tiles(self.run_id)
        self.run_id = new_run_id()
        self.next_id = 0
        src = self.source
        crs = f"EPSG:{src.epsg}" if src.epsg else (src.crs_wkt or "")
        self.sink.start_run(RunRecord(
            run_id=self.run_id, raster=os.path.abspath(o.raster), extent=json.dumps(list(src.extent_bounds)),
            crs=crs, query=o.query, settings=o.settings_json(), started=utc_now(), finished=None,
            status="running", model=self.model_id, tiles_total=len(tiles), warnings=json.dumps(self.warnings),
        ))
        return set()

    def _seed_mergers(self) -> None:
        """Resume: kept boxes (and masks) of the finished tiles take part in merging again."""
        seeds = []
        for row in self.sink.read_boxes(self.run_id):
            if self.plan.refining and int(row["tile_id"]) == OVERVIEW_ID:
                continue  # refine's candidates are replaced by the refine views, never merged with them
            sides = tuple(s for s in (row.get("cut_sides") or "").split(",") if s)
            seeds.append(Detection(int(row["target_id"]), int(row["tile_id"]), (0, 0, 0, 0), row["bounds"],
                                   score=None if row.get("score") is None or row["score"] != row["score"]
                                   else float(row["score"]), extra={"cut_sides": sides}))
        self.merger.seed(seeds)
        if self.mask_merger is not None:
            for target_id, tile_id, wkb in self.sink.read_masks(self.run_id):
                self.mask_merger.add(Detection(target_id, tile_id, (0, 0, 0, 0), (0, 0, 0, 0), mask_wkb=wkb))

    # ------------------------------------------------------------------ main loop
    def _loop(self, tiles, todo, already, backend, segmenter, prompt) -> str:
        """Views through the stream of `run.stream` (N in flight, or batches by size), each written as it comes."""
        from inference_core.models.memory import MAX_AUTO_BATCH
        from inference_core.run.stream import ViewStream, plan_for

        n = len(tiles)
        done = already
        t0 = time.monotonic()
        processed = 0
        plan = plan_for(backend, self.o.batch_size, MAX_AUTO_BATCH)
        stream = ViewStream(lambda reqs: self._guarded(plan.call, reqs, plan.batcher.shrink), plan.batcher,
                            plan.in_flight, plan.stop)
        read = lambda t: self.reuse.keyed(self._requests([t], prompt)[0])  # noqa: E731
        replies = stream.replies(todo, read, self._cancelled, self.reuse.lookup)
        try:
            if todo:
                self.step = todo[0].stage
            self._progress("read", done, n, t0, processed, len(todo))
            self._progress("reason", done, n, t0, processed, len(todo))
            for tile, reply in replies:
                self.step = tile.stage
                if self._cancelled():
                    return "cancelled"
                if reply is None:  # no data in the view: never sent to the model
                    self._skip_nodata(tile)
                else:
                    self.reused += reply.reused
                    self.reuse.remember(reply)
                    self._tile(tile, reply, segmenter, done, n, t0, processed, len(todo))
                done += 1
                processed += 1
                self._progress("write", done, n, t0, processed, len(todo))
                if processed < len(todo):  # back to waiting on the model for the next view
                    self._progress("reason", done, n, t0, processed, len(todo))
            if self._cancelled():
                return "cancelled"
        except BaseException as exc:  # every finished tile stays; Ctrl-C / SIGTERM (common.signals) is a cancel
            self.sink.finish_run(self.run_id, "cancelled" if isinstance(exc, KeyboardInterrupt) else "failed")
            raise
        finally:
            replies.close()  # calls still at the server are abandoned, retries stop
        return "finished"

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def _progress(self, stage: str, done: int, n: int, t0: float, processed: int, todo: int) -> None:
        eta = None
        if processed:
            eta = round((time.monotonic() - t0) / processed * (todo - processed), 1)
        self.emit({"type": "progress", "stage": stage, "step": self.step, "tile": done, "tiles": n, "eta_s": eta,
                   "run_id": self.run_id})

    def _requests(self, batch: Sequence[TileSpec], prompt: str):
        if self.o.mode == FIND_ALL:
            from inference_core.run import find_all

            return find_all.requests(self, batch, prompt)
        from PIL import Image

        from inference_core.models.backends.base import ReasonRequest

        reqs = []
        for t in batch:
            rgb, valid = self.source.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height)
            reqs.append(ReasonRequest(t.tile_id, Image.fromarray(rgb), prompt) if valid.any() else None)
        return reqs

    def _feature_layers(self) -> tuple[str, ...]:
        """The layers this run writes features to."""
        return ("boxes", *self.o.granularity)

    def _skip_nodata(self, tile: TileSpec) -> None:
        """A view with no valid pixel: committed as done with an empty answer (resume skips it), never asked."""
        self.skipped_nodata += 1
        self.sink.write_tile(self.run_id, tile.tile_id, {k: [] for k in self._feature_layers()}, {
            "window": list(tile.window), "input_size": None, "raw_text": "", "parse_error": NODATA_SKIPPED,
            "seconds": 0.0, "stage": tile.stage})

    def _reason(self, backend, requests):
        """Ask the backend for a batch of views (see `_guarded`)."""
        return self._guarded(backend.reason, requests)

    def _guarded(self, reason, requests, shrink=lambda n: None):
        """`reason(requests)`; out of memory: the policy of `models.memory`, then fail with the settings to change."""
        from inference_core.models.backends.base import BackendError, BackendOOM
        from inference_core.models.memory import reason_halving_batches, run_advice

        try:
            return reason_halving_batches(reason, requests, self._warn, shrink)
        except BackendOOM as exc:
            raise PipelineError(ErrorCode.OUT_OF_MEMORY, run_advice(self.o, exc)) from None
        except BackendError as exc:
            raise PipelineError(getattr(exc, "code", ErrorCode.MODEL), str(exc)) from None

    def _warn(self, message: str) -> None:
        """A warning of this run: in the summary and as an event."""
        self.warnings.append(message)
        self.emit({"type": "warning", "message": message})

    # ------------------------------------------------------------------ one tile
    def detections(self, tile: TileSpec, raw_text: str, input_size) -> tuple[list[Detection], Any]:
        """Parse one answer into detections: model-input (or view) pixels -> view pixels (clamped) -> map."""
        parsed = parse_answer(raw_text)
        given = len(parsed.boxes)
        if cap_boxes(parsed, self.o.max_boxes):  # a runaway list: each box would cost a SAM prompt
            self._warn(boxes_capped_message(tile.tile_id + 1, self.tiles_total, given, self.o.max_boxes))
        w, h = tile.out_width, tile.out_height
        iw, ih = (int(input_size[0]), int(input_size[1])) if input_size else (w, h)
        if iw <= 0 or ih <= 0 or self.coordinates == "original-image":
            iw, ih = w, h  # boxes already in view pixels: no rescale
        inner = tile_edges(tile, self.source.window)
        dets = []
        for box, label, score in zip(parsed.boxes, parsed.labels, parsed.scores):
            px = clamp_box(rescale_box(box, (iw, ih), (w, h)), w, h)
            if px is None:
                continue
            dets.append(self.make_detection(tile, px, label, score, parsed.reasoning, inner))
        return dets, parsed

    def make_detection(self, tile: TileSpec, px, label, score, reasoning: str, inner=None) -> Detection:
        """A new target from a box in view pixels: its map box, the inner seams it touches, the next target id."""
        w, h = tile.out_width, tile.out_height
        inner = tile_edges(tile, self.source.window) if inner is None else inner
        tol = max(1.0, SEAM_TOUCH_FRACTION * max(w, h))
        det = Detection(
            target_id=self.next_id, tile_id=tile.tile_id, box_px=px, box_map=pixel_box_to_map(px, tile.transform),
            label=label, score=score, reasoning=reasoning,
            extra={"cut_sides": cut_sides(px, (w, h), inner, tile.transform, tol)},
        )
        self.next_id += 1
        return det

    def _tile(self, tile: TileSpec, reply, segmenter, done, n, t0, processed, todo) -> None:
        import shapely

        o = self.o
        if reply.warning and reply.warning not in self.warnings:  # once per run, however many views say it
            self._warn(reply.warning)
        if o.mode == FIND_ALL:
            from inference_core.run import find_all

            dets, parsed = find_all.detections(self, tile, reply)
        else:
            dets, parsed = self.detections(tile, reply.raw_text, reply.input_size)
        if parsed.error:
            self.parse_errors += 1
            # views are numbered from 1 for the user; tile_id (from 0) is the responses table's key
            self.emit({"type": "warning", "message": f"View {tile.tile_id + 1} of {self.tiles_total}: the answer could "
                                                    f"not be used ({parsed.error}); its text is kept in the responses "
                                                    f"table (tile_id {tile.tile_id})."})
        if parsed.reasoning or reply.raw_text:
            self.emit({"type": "reasoning", "tile_id": tile.tile_id, "stage": tile.stage,
                       "text": parsed.reasoning or reply.raw_text})
        if tile.stage == "overview":
            self.overview_reasoning = parsed.reasoning or reply.raw_text
        candidates = self.plan.is_candidates(tile)
        if candidates:  # refine's overview: written as candidates, which the refine views replace
            outcome = BoxMergeOutcome(kept=list(dets))
        else:
            outcome = self.merger.add(dets)
            outcome.removed.extend(self.plan.replaces.get(tile.tile_id, ()))
        kept = []
        for d in outcome.kept:
            if d.extra.get("union"):  # the union box reaches into the neighbour tile: refresh its pixel box
                d = dataclasses.replace(d, box_px=map_box_to_pixel(d.box_map, tile.transform))
            kept.append(d)
        features: dict[str, list[dict]] = {"boxes": [], "masks": [], "contours": []}
        removed: dict[str, list[int]] = {"boxes": list(outcome.removed), "masks": [], "contours": []}
        prov = self._provenance(tile, reply.input_size)
        for d in kept:
            features["boxes"].append({"geometry": shapely.box(*d.box_map), "properties": {
                "target_id": d.target_id, "query": o.query, "label": d.label, "score": d.score,
                "reasoning": d.reasoning, "cut_sides": ",".join(d.extra.get("cut_sides", ())), **prov,
            }})
        if self.mask_merger is not None and kept and not candidates:  # refine's candidates are not segmented
            if segmenter is not None:
                self._progress("segment", done, n, t0, processed, todo)
            self._segment(tile, kept, segmenter, features, removed, prov)
        if "masks" not in o.granularity:
            features.pop("masks")
        if "contours" not in o.granularity:
            features.pop("contours")
        response = {
            "window": list(tile.window), "input_size": [int(v) for v in reply.input_size] if reply.input_size else None,
            "raw_text": reply.raw_text, "parse_error": parsed.error, "seconds": float(reply.seconds or 0.0),
            "stage": tile.stage, "view_hash": reply.view_hash,
        }
        self.sink.write_tile(self.run_id, tile.tile_id, features, response,
                             removed={k: v for k, v in removed.items() if v and k in ("boxes", *o.granularity)})
        self.emit({
            "type": "result", "run_id": self.run_id, "tile_id": tile.tile_id, "crs": self.source.crs_wkt,
            "features": {k: [{"wkt": f["geometry"].wkt, "properties": {**f["properties"], "tile_id": tile.tile_id}}
                             for f in v] for k, v in features.items()},
            "removed": {k: v for k, v in removed.items() if k in features},
        })

    def _provenance(self, tile: TileSpec, input_size) -> dict[str, Any]:
        """The fields every feature of this view carries (contract.schema.PROVENANCE_FIELDS, model, query, stage):
        the view's gsd is the map size of one pixel of the image the model saw (after the model-side resize)."""
        a, b, _c, d, e, _f = tile.transform[:6]
        px = math.sqrt(abs(a * e - b * d))
        if input_size and int(input_size[0]) > 0 and int(input_size[1]) > 0:
            px *= math.sqrt((tile.out_width / int(input_size[0])) * (tile.out_height / int(input_size[1])))
        return {"raster": os.path.abspath(self.o.raster), "model": self.model_id, "prompt": self.prompt_name,
                "gsd": px, "query": self.o.query, "stage": tile.stage}

    def _segment(self, tile, kept, segmenter, features, removed, prov: dict[str, Any]) -> None:
        import shapely

        from inference_core.geometry.vectorize import contours_of
        from inference_core.models.segment import segment_at_finest, segment_detections

        o = self.o
        if segmenter is not None:  # find-all: SAM 3 gave the masks already
            if tile.stage == "overview":  # a downscaled view: SAM at the finest resolution around each box
                segment_at_finest(segmenter, self.source, tile, kept, o)
            else:
                segment_detections(segmenter, self.source, tile, kept, o)
        for d in kept:
            if not d.mask_wkb:
                continue
            mo = self.mask_merger.add(d)
            removed["masks"].extend(mo.removed)
            removed["contours"].extend(mo.removed)
            geom = shapely.from_wkb(mo.write.mask_wkb)
            # A mask's pixels come from SAM's window, which may be finer than the model's view (overview).
            sam_view = {**prov, "gsd": d.extra.get("sam_gsd", prov["gsd"])}
            features["masks"].append({"geometry": geom, "properties": {
                "target_id": mo.write.target_id, "area_m2": self.sink.measurer.area_m2(geom),
                "sam_score": mo.write.sam_score, **sam_view,
                "sam_model": getattr(segmenter, "model_id", o.sam) if segmenter is not None else self.model_id}})
            line = contours_of(geom)
            features["contours"].append({"geometry": line, "properties": {
                "target_id": mo.write.target_id, "length_m": self.sink.measurer.length_m(line), **sam_view}})
        # A row rewritten in this tile is deleted only in its earlier version (see GpkgSink.write_tile).

    def _exports(self) -> list[str]:
        from inference_core.run.export import export

        paths = []
        stem = self.o.out[:-5] if self.o.out.lower().endswith(".gpkg") else self.o.out
        for fmt in self.o.formats:
            if fmt == "gpkg":
                continue
            paths += export(self.o.out, fmt, stem + (".shp" if fmt == "shp" else ".geojson"))
        return paths
