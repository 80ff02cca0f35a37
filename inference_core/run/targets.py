"""The road of the modes whose answers are targets (locate, find-all): plan the views (run/strategies.py), ask
them through the run core, merge each view's targets across seams, segment, write boxes/masks/contours and
emit them. A mode gives its view step (`TargetStep`: its model, its requests, its answers as targets)."""

from __future__ import annotations

import dataclasses
from typing import Any, Collection, Optional, Protocol, Sequence

from inference_core.common.errors import PipelineError
from inference_core.common.records import Box, Detection, TileSpec
from inference_core.geometry.box_merge import BoxMergeOutcome, BoxMerger
from inference_core.geometry.boxes import box_intersection
from inference_core.geometry.view_merge import ViewBox, ViewDeduper
from inference_core.models.parsing import ParsedAnswer
from inference_core.raster.coords import map_box_to_pixel, tile_box_to_raster
from inference_core.contract.options import FRAMED_SLACK, REFINE_CONTEXT
from inference_core.raster.tiling import gsd_scale
from inference_core.run.core import RunCore
from inference_core.run.detection import answer_detections, make_detection, provenance
from inference_core.run.limits import check_planned_views
from inference_core.run.strategies import OVERVIEW_ID, plan_strategy, refined_ids, view_scale
from inference_core.run.summary import RunSummary


class TargetStep(Protocol):
    """What a target mode does with one view; the rest of the run is `TargetRun`'s."""

    coordinates: str  # the prompt's coordinate space (contract.options.COORDINATE_SPACES) for parsing answers
    prompt_name: Optional[str]  # the prompt template's name (provenance), None without one

    def load(self, core: RunCore) -> tuple[Any, Any]:
        """(backend, segmenter or None) from the core's model cache."""

    def prompt(self, core: RunCore) -> str:
        """What every view is asked, after the models load."""

    def request(self, core: RunCore, view: TileSpec, prompt: str) -> Any:
        """The backend's request for one view, or None for a view with no valid pixel."""

    def detections(self, core: RunCore, view: TileSpec, reply) -> tuple[list[Detection], ParsedAnswer]:
        """One view's answer as targets (new ids from `core.make_detection`), with the parsed answer."""


# Masks and contours a view holds before they are written (and, with the worker, sent as a partial result event): at
# most this many, and at most this many outline coordinates (16 bytes each: 32 MB; noisy masks have hundreds of
# thousands).
MASK_WRITE_BATCH = 256
MASK_WRITE_COORDS = 2_000_000


class TargetRun:
    """One locate or find-all run over the run core: the views of the strategy, merged targets, the sink."""

    def __init__(self, core: RunCore, step: TargetStep, only: Optional[Collection[int]] = None):
        self.core = core
        self.step = step
        self.only = None if only is None else frozenset(only)  # a mosaic part: these views of the plan only
        self.overview_reasoning = ""
        self.deduper: Optional[ViewDeduper] = None  # refine views: duplicates across them (geometry/view_merge.py)
        self.dropped = 0  # refine candidates a readable refine answer did not confirm

    def execute(self) -> RunSummary:
        core, o = self.core, self.core.o
        self.plan = plan_strategy(core.source, o)  # run/strategies.py: tiles, or the overview first
        if self.only is not None:  # ids, windows and seams stay those of the whole plan (mosaic/parts.py)
            self.plan.views = [v for v in self.plan.views if v.tile_id in self.only]
        views = self.plan.views
        # count, view sizes, aspect, memory: before the model loads; a note for a long read without overviews
        core.warnings += check_planned_views(views, core.source, o)
        core.tiles_total = len(views)
        backend, segmenter = core.load_models(lambda: self.step.load(core))
        self.segmenter = segmenter
        prompt = self.step.prompt(core)
        done = core.open(views, backend, o.granularity, ("boxes", *o.granularity))
        scale = gsd_scale(core.source, o.gsd)
        self.merger = BoxMerger.from_options(o, seam_tolerance=0.5 * max(core.source.resolution) * scale)
        self.mask_merger = None
        if "masks" in o.granularity or "contours" in o.granularity:  # from SAM (locate) or SAM 3 (find-all)
            from inference_core.geometry.mask_merge import MaskMerger, NoMerge

            # one view and no levels to come: nothing to merge with, keep no mask in memory
            one_view = len(views) == 1 and not self.plan.refining and not getattr(self.plan, "descending", False)
            self.mask_merger = NoMerge() if one_view else MaskMerger(tolerance=0.5 * max(core.source.resolution) * scale)
        if o.resume and not self.plan.refining:  # refine seeds its own de-duplication once its views are planned
            self._seed_mergers()
        core.announce_warnings()
        status = self._ask(views, done, backend, prompt)
        if status == "finished" and self.plan.refining:  # the overview's candidates, each asked again
            done = core.sink.done_tiles(core.run_id)
            try:
                refine_views = self._plan_refine(views[0])
            except PipelineError:  # refused (too many views, memory): the overview's candidates stay, the run failed
                core.sink.finish_run(core.run_id, "failed")
                raise
            status = self._ask(refine_views, done, backend, prompt)
        level: Sequence[TileSpec] = views
        while status == "finished" and self.plan.descending:  # descent: level by level, where the level above found
            level = self.plan.add_level(core.source, o, level, self._recorded_boxes(level))
            if not level:
                break
            if len(self.plan.views) > o.max_tiles:  # a crowded scene: every cell of every level holds a find
                self.plan.views = self.plan.views[:len(self.plan.views) - len(level)]
                core.warn(f"descent stopped above the next level: it would take {len(self.plan.views) + len(level):,} "
                          f"views in all, over --max-tiles {o.max_tiles:,}; what the levels above found is kept "
                          f"(use --strategy tiles for a crowded scene).")
                break
            for note in check_planned_views(level, core.source, o, already=len(self.plan.views) - len(level)):
                core.warn(note)  # the one pre-flight of planned views (run.limits)
            core.tiles_total = len(self.plan.views)
            core.sink.set_tiles_total(core.run_id, core.tiles_total)
            if self.deduper is None:
                self._seed_deduper()
            status = self._ask(self.plan.views, core.sink.done_tiles(core.run_id), backend, prompt)
        exports = core.finish(status)
        from inference_core.run.tally import summarize

        unconfirmed = (sum(1 for r in core.sink.read_boxes(core.run_id) if r.get("unconfirmed") == 1)
                       if self.plan.refining else 0)
        return core.summary(status, exports, counts=core.sink.counts(core.run_id), strategy=o.strategy,
                            tally=summarize(core.sink, core.run_id, o.granularity).to_dict(),
                            overview_reasoning=self.overview_reasoning, unconfirmed=unconfirmed, dropped=self.dropped)

    def _ask(self, views: Sequence[TileSpec], done: set[int], backend, prompt: str) -> str:
        todo = [t for t in views if t.tile_id not in done]
        return self.core.stream(views, todo, len(views) - len(todo), backend,
                                lambda t: self.step.request(self.core, t, prompt), self._write)

    def _plan_refine(self, overview: TileSpec) -> list[TileSpec]:
        """Refine views for the overview's candidates, read back from its recorded answer (the same parse, the
        same target ids), so a resumed run plans the same views without asking the overview again."""
        core = self.core
        rec = core.sink.read_response(core.run_id, overview.tile_id)
        keep, core.next_id = core.next_id, 0  # the overview was the run's first view: its ids start at 0
        candidates, parsed = answer_detections(
            overview, rec["raw_text"] if rec else "", rec["input_size"] if rec else None, window=core.source.window,
            coordinates=self.step.coordinates, max_boxes=core.o.max_boxes, tiles_total=core.tiles_total,
            make=core.make_detection, warn=core.warn)
        core.next_id = keep
        self.overview_reasoning = parsed.reasoning or (rec["raw_text"] if rec else "")
        views = self.plan.add_refine(core.source, core.o, candidates)
        for note in check_planned_views(views, core.source, core.o, already=1):  # before any refine view is asked
            core.warn(note)
        core.tiles_total = 1 + len(views)
        core.sink.set_tiles_total(core.run_id, core.tiles_total)
        self._seed_deduper()
        return self.plan.views

    def _recorded_boxes(self, views: Sequence[TileSpec]) -> list[Box]:
        """The boxes (raster px) of `views`' recorded answers: what a descent level found, read back the same way
        on a resumed run as on the first."""
        core, out = self.core, []
        window = core.source.window

        def make(tile, px, label, score, reasoning, inner):
            return make_detection(0, tile, window, px, label, score, reasoning, inner)

        for v in views:
            rec = core.sink.read_response(core.run_id, v.tile_id)
            if not rec:
                continue
            dets, _parsed = answer_detections(
                v, rec["raw_text"], rec["input_size"], window=window, coordinates=self.step.coordinates,
                max_boxes=core.o.max_boxes, tiles_total=core.tiles_total, make=make, warn=lambda _m: None)
            out += [tile_box_to_raster(d.box_px, v) for d in dets]
        return out

    def _seed_deduper(self) -> None:
        """The boxes written so far (the overview's candidates; on resume also the refine views done) take part
        in the refine views' de-duplication; a candidate a view will answer for is left to that view."""
        scales = {v.tile_id: view_scale(v) for v in self.plan.views}
        pending = {i for ids in self.plan.replaces.values() for i in ids}
        self.deduper = ViewDeduper()
        views = {v.tile_id: v for v in self.plan.views}
        self.deduper.seed(
            ViewBox(Detection(int(row["target_id"]), int(row["tile_id"]), (0, 0, 0, 0), row["bounds"]),
                    cut=bool(row.get("cut_sides")), scale=scales.get(int(row["tile_id"]), float("inf")),
                    candidate=int(row["tile_id"]) == OVERVIEW_ID and int(row["target_id"]) in pending,
                    framed=self._framed(row["bounds"], views.get(int(row["tile_id"]))))
            for row in self.core.sink.read_boxes(self.core.run_id))

    def _framed(self, box_map: Box, view: Optional[TileSpec]) -> bool:
        """True when `view` showed the box with context around it (REFINE_CONTEXT, FRAMED_SLACK)."""
        if view is None:
            return False
        res = max(self.core.source.resolution)
        long_px = max(box_map[2] - box_map[0], box_map[3] - box_map[1]) / res
        return long_px * (1 + 2 * REFINE_CONTEXT) <= FRAMED_SLACK * max(view.width, view.height)

    def _refine_view(self, tile: TileSpec, dets: list[Detection], parsed: ParsedAnswer) -> BoxMergeOutcome:
        """A refine view's boxes, de-duplicated against the other views'. A readable answer replaces the view's
        candidates (one it does not overlap is dropped, and counted); an unusable one keeps them, unconfirmed."""
        dedupe = self.deduper
        scale = view_scale(tile)
        slack = scale * max(self.core.source.resolution)  # one pixel of this view, in map units
        boxes = [ViewBox(d, cut=bool(d.extra.get("cut_sides")), scale=scale, slack=slack,
                         framed=self._framed(d.box_map, tile)) for d in dets]
        if parsed.error:
            return dedupe.add(boxes)
        ids = self.plan.replaces.get(tile.tile_id, ())
        before = {i: dedupe.kept[i].det.box_map for i in ids if i in dedupe.kept}
        dedupe.forget(ids)
        outcome = dedupe.add(boxes)
        outcome.removed.extend(ids)
        self.dropped += sum(1 for b in before.values() if not any(box_intersection(b, d.box_map) > 0 for d in dets))
        return outcome

    def _seed_mergers(self) -> None:
        """Resume: kept boxes (and masks) of the finished tiles take part in merging again."""
        core = self.core
        seeds = []
        for row in core.sink.read_boxes(core.run_id):
            if self.plan.refining and int(row["tile_id"]) == OVERVIEW_ID:
                continue  # refine's candidates are replaced by the refine views, never merged with them
            sides = tuple(s for s in (row.get("cut_sides") or "").split(",") if s)
            seeds.append(Detection(int(row["target_id"]), int(row["tile_id"]), (0, 0, 0, 0), row["bounds"],
                                   score=None if row.get("score") is None or row["score"] != row["score"]
                                   else float(row["score"]), extra={"cut_sides": sides}))
        self.merger.seed(seeds)
        if self.mask_merger is not None:
            for target_id, tile_id, wkb in core.sink.read_masks(core.run_id):
                self.mask_merger.add(Detection(target_id, tile_id, (0, 0, 0, 0), (0, 0, 0, 0), mask_wkb=wkb))

    # ------------------------------------------------------------------ one view
    def _write(self, tile: TileSpec, reply, progress) -> None:
        import shapely

        core, o = self.core, self.core.o
        dets, parsed = self.step.detections(core, tile, reply)
        if parsed.error:
            core.answer_unusable(tile, f"the answer could not be used ({parsed.error})")
        if parsed.reasoning or reply.raw_text:
            core.emit({"type": "reasoning", "tile_id": tile.tile_id, "stage": tile.stage,
                       "text": parsed.reasoning or reply.raw_text})
        if tile.stage == "overview":
            self.overview_reasoning = parsed.reasoning or reply.raw_text
        candidates = self.plan.is_candidates(tile)
        refining = self.deduper is not None  # a refine view (planned once the overview answered)
        pending: set[int] = set()
        if candidates:  # refine's overview: candidates, unconfirmed until their refine view answers
            outcome = BoxMergeOutcome(kept=list(dets))
            pending = refined_ids(core.source, o, tile, dets)
        elif refining:
            outcome = self._refine_view(tile, dets, parsed)
        else:
            outcome = self.merger.add(dets)
        kept = []
        for d in outcome.kept:
            if d.extra.get("union"):  # the union box reaches into the neighbour tile: refresh its pixel box
                d = dataclasses.replace(d, box_px=map_box_to_pixel(d.box_map, tile.transform))
            kept.append(d)
        features: dict[str, list[dict]] = {"boxes": [], "masks": [], "contours": []}
        self._removed_sent: dict[str, int] = {}  # removed targets of this view that a result event named already
        # a refine view's masks follow its boxes (views never split a target, so masks are never joined)
        removed: dict[str, list[int]] = {"boxes": list(outcome.removed), "masks": list(outcome.removed) if refining
                                         else [], "contours": list(outcome.removed) if refining else []}
        prov = provenance(o, core.model_id, self.step.prompt_name, tile, reply.input_size)
        for d in kept:
            features["boxes"].append({"geometry": shapely.box(*d.box_map), "properties": {
                "target_id": d.target_id, "query": o.query, "label": d.label, "score": d.score,
                "reasoning": d.reasoning, "cut_sides": ",".join(d.extra.get("cut_sides", ())),
                "unconfirmed": int(d.target_id in pending), **prov,
            }})
        if self.mask_merger is not None and kept and not candidates:  # refine's candidates are not segmented
            if self.segmenter is not None:
                progress("segment")
            self._segment(tile, kept, features, removed, prov)
        if "masks" not in o.granularity:
            features.pop("masks")
        if "contours" not in o.granularity:
            features.pop("contours")
        response = {
            "window": list(tile.window), "input_size": [int(v) for v in reply.input_size] if reply.input_size else None,
            "raw_text": reply.raw_text, "parse_error": parsed.error, "seconds": float(reply.seconds or 0.0),
            "stage": tile.stage, "view_hash": reply.view_hash,
        }
        core.sink.write_tile(core.run_id, tile.tile_id, features, response,
                             removed={k: v for k, v in removed.items() if v and k in ("boxes", *o.granularity)})
        self._emit_result(tile, features, removed)

    def _emit_result(self, tile: TileSpec, features: dict[str, list[dict]], removed: dict[str, list[int]],
                     partial: bool = False) -> None:
        """A `result` event: `features`, and the targets `removed` that no earlier event of the view named (the
        dock removes them before adding the features, docs/PROTOCOL.md). `partial`: a batch of a view's masks and
        contours, sent as they go to the file; the view's last event (its boxes) is not partial."""
        core = self.core
        if not getattr(core.emit, "wants_results", True):
            return
        gone = {k: v[self._removed_sent.get(k, 0):] for k, v in removed.items() if k in features}
        self._removed_sent.update({k: len(removed[k]) for k in gone})
        event = {
            "type": "result", "run_id": core.run_id, "tile_id": tile.tile_id, "crs": core.source.crs_wkt,
            "features": {k: [{"wkt": f["geometry"].wkt, "properties": {**f["properties"], "tile_id": tile.tile_id}}
                             for f in v] for k, v in features.items()},
            "removed": gone,
        }
        core.emit({**event, "partial": True} if partial else event)

    def _segment(self, tile, kept, features, removed, prov: dict[str, Any]) -> None:
        import shapely

        from inference_core.geometry.mask_merge import MergeOutcome
        from inference_core.geometry.vectorize import contours_of
        from inference_core.models.segment import segment_at_finest, segment_detections

        core, o, segmenter = self.core, self.core.o, self.segmenter
        # A view's masks go to the file in batches as SAM makes them and are freed (with the worker, each batch also
        # goes out as a partial `result` event), so a view of 10 000 boxes holds MASK_WRITE_BATCH outlines at a
        # time, not all of them.
        held = [0]  # outline coordinates of the masks not yet written

        def take(d) -> None:
            if not d.mask_wkb:
                return
            if features["masks"] and (len(features["masks"]) >= MASK_WRITE_BATCH or held[0] >= MASK_WRITE_COORDS):
                batch = {k: list(features[k]) for k in ("masks", "contours") if k in o.granularity}
                core.sink.append_features(core.run_id, tile.tile_id, batch)
                self._emit_result(tile, batch, removed, partial=True)
                features["masks"].clear(), features["contours"].clear()
                held[0] = 0
            if self.deduper is not None:  # refine: the box's de-duplication stands for its mask
                mo = MergeOutcome(write=d)
            else:
                mo = self.mask_merger.add(d)
                removed["masks"].extend(mo.removed)
                removed["contours"].extend(mo.removed)
            geom = shapely.from_wkb(mo.write.mask_wkb)
            d.mask_wkb = None  # the merger and the feature below hold what is needed
            held[0] += 2 * int(shapely.get_num_coordinates(geom))  # the mask and its contour
            # A mask's pixels come from SAM's window, which may be finer than the model's view (overview).
            sam_view = {**prov, "gsd": d.extra.get("sam_gsd", prov["gsd"])}
            features["masks"].append({"geometry": geom, "properties": {
                "target_id": mo.write.target_id, "area_m2": core.sink.measurer.area_m2(geom),
                "sam_score": mo.write.sam_score, **sam_view,
                "sam_model": getattr(segmenter, "model_id", o.sam) if segmenter is not None else core.model_id}})
            line = contours_of(geom)
            features["contours"].append({"geometry": line, "properties": {
                "target_id": mo.write.target_id, "length_m": core.sink.measurer.length_m(line), **sam_view}})

        if segmenter is None:  # find-all: SAM 3 gave the masks already
            for d in kept:
                take(d)
        elif tile.stage == "overview":  # a downscaled view: SAM at the finest resolution around each box
            segment_at_finest(segmenter, core.source, tile, kept, o, each=take)
        else:
            segment_detections(segmenter, core.source, tile, kept, o, each=take)
        # A row rewritten in this tile is deleted only in its earlier version (see GpkgSink.write_tile).
