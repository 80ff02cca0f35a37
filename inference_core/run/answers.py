"""Ask and describe runs: the checkpoint's VQA and captioning over one whole-extent view, or one answer per
tile written as a layer of tile footprints (`answers`, docs/SCHEMA.md) with a summary line for counts."""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Optional

from inference_core.common.records import TileSpec
from inference_core.contract.paths import MODE_TEMPLATES
from inference_core.contract.schema import ANSWER_LAYER
from inference_core.models.parsing import answer_count, parse_text_answer
from inference_core.raster.tiling import plan_tiles
from inference_core.run.limits import check_view_shapes
from inference_core.run.pipeline import RunSummary, _Run
from inference_core.run.sink import GpkgSink

# The reference's own instructions for each mode (resources/prompts/, cited there): `prompt_QA` and
# `prompt_caption` of RemoteReasoner.py:49-60. `--prompt` names another template.
ANSWER_TEMPLATES = MODE_TEMPLATES
# Questions whose per-tile answers add up: "how many ...", "count the ...", "number of ...".
_COUNTING = re.compile(r"^\W*(how\s+many|count\b|what\s+is\s+the\s+number\s+of|number\s+of)", re.I)


def is_counting_question(question: str) -> bool:
    return bool(_COUNTING.match(question or ""))


def plan_answer_views(source, options) -> list[TileSpec]:
    """One view of the whole extent downscaled to the pixel budget (the reference answers one image),
    or the run's tiles with `per_tile`."""
    if options.per_tile:
        return plan_tiles(source, options)
    return plan_tiles(source, dataclasses.replace(options, single_view=True))


def answer_prompt(options):
    """(the mode's template rendered, whether it asks the question): the question goes into `{query}`; a
    template without the placeholder is sent as it is (the caption instruction takes no question)."""
    from inference_core.models.prompts import PLACEHOLDER, load_template, render

    template = load_template(dataclasses.replace(options, prompt=options.prompt or ANSWER_TEMPLATES[options.mode]))
    asks = PLACEHOLDER in template.body
    return render(template, options.query if asks else None, options.coordinates), asks


def footprint(tile: TileSpec):
    """The view's outline in map coordinates: its four corners through its transform (exact when rotated)."""
    import shapely

    a, b, c, d, e, f = tile.transform
    w, h = tile.out_width, tile.out_height
    return shapely.Polygon([(a * x + b * y + c, d * x + e * y + f) for x, y in ((0, 0), (w, 0), (w, h), (0, h))])


def summary_line(rows: list[dict], mode: str, question: str, per_tile: bool, overlap: int) -> Optional[str]:
    """One line for the run: the answer of a single view; for a counting question over tiles, the sum of the
    per-tile counts stated as such; else how many tile answers the layer holds."""
    if not rows:
        return None
    if not per_tile and len(rows) == 1:
        return rows[0]["answer"] or None
    if mode == "ask" and is_counting_question(question):
        counted = [r["count"] for r in rows if r["count"] is not None]
        if counted:
            line = f"Sum of per-tile counts: {sum(counted)} over {len(counted)} of {len(rows)} tile(s)"
            if len(counted) < len(rows):
                line += f" ({len(rows) - len(counted)} gave no number)"
            if overlap and len(rows) > 1:
                line += f"; tiles overlap by {overlap} px, so an object in an overlap may be counted twice"
            return line + "."
    return f"{len(rows)} answer(s), one per tile, in the {ANSWER_LAYER} layer."


class AnswerRun(_Run):
    """A run of mode ask or describe: the steps of `_Run` (plan, load, views in batches, resume, cancel), with
    a text answer per view instead of boxes."""

    def execute(self) -> RunSummary:
        o = self.o
        tiles = plan_answer_views(self.source, o)
        check_view_shapes(tiles, o)  # Qwen2.5-VL's aspect-ratio limit, before the model loads
        self.tiles_total = len(tiles)
        self.question = (o.query or "").strip()
        self.counting = o.mode == "ask" and is_counting_question(self.question)
        prompt, asks = answer_prompt(o)  # before the model loads: a bad --prompt fails fast
        backend, _ = self._load_models()
        self.model_id = getattr(backend, "model_id", o.model)
        if self.question and not asks and not o.resume:
            self.warnings.append(f"The {o.mode} template takes no question: {self.question!r} is recorded but "
                                 "not asked (use --mode ask to ask it).")
        self._load_reuse(backend)
        self.sink = GpkgSink(o.out, self.source.crs_wkt, (ANSWER_LAYER,),
                             mode="append" if (o.append or o.resume) else "create")
        done = self._open_run(tiles)
        for w in self.warnings:
            self.emit({"type": "warning", "message": w})
        todo = [t for t in tiles if t.tile_id not in done]
        status = self._loop(tiles, todo, len(done), backend, None, prompt)
        self.sink.finish_run(self.run_id, status)
        exports = self._exports() if status != "failed" else []
        rows = self.sink.read_answers(self.run_id)
        return RunSummary(
            run_id=self.run_id, status=status, out=o.out,
            counts={ANSWER_LAYER: self.sink.counts(self.run_id).get(ANSWER_LAYER, 0)},  # not a file's boxes layer
            tiles_done=len(self.sink.done_tiles(self.run_id)), tiles_total=len(tiles),
            seconds=round(time.monotonic() - self.started, 3), warnings=self.warnings,
            parse_errors=self.parse_errors, exports=exports, skipped_nodata=self.skipped_nodata,
            answer_summary=summary_line(rows, o.mode, self.question, o.per_tile, o.overlap), reused=self.reused,
        )

    def _feature_layers(self) -> tuple[str, ...]:
        return (ANSWER_LAYER,)

    def _tile(self, tile: TileSpec, reply, _segmenter, done, n, t0, processed, todo) -> None:
        o = self.o
        if reply.warning and reply.warning not in self.warnings:
            self._warn(reply.warning)
        parsed = parse_text_answer(reply.raw_text)
        if parsed.error:
            self.parse_errors += 1
            self.emit({"type": "warning", "message": f"View {tile.tile_id + 1} of {self.tiles_total}: "
                                                    f"{parsed.error}; its text is kept in the responses table "
                                                    f"(tile_id {tile.tile_id})."})
        size = [int(v) for v in reply.input_size] if reply.input_size else [tile.out_width, tile.out_height]
        props = {
            "mode": o.mode, "question": self.question, "answer": parsed.answer, "reasoning": parsed.reasoning,
            "count": answer_count(parsed.answer) if self.counting and not parsed.error else None,
            "model": self.model_id, "view_width": size[0], "view_height": size[1], "parse_error": parsed.error,
        }
        geom = footprint(tile)
        response = {"window": list(tile.window), "input_size": size, "raw_text": reply.raw_text,
                    "parse_error": parsed.error, "seconds": float(reply.seconds or 0.0), "view_hash": reply.view_hash}
        self.sink.write_tile(self.run_id, tile.tile_id, {ANSWER_LAYER: [{"geometry": geom, "properties": props}]},
                             response)
        self.emit({"type": "answer", "run_id": self.run_id, "tile_id": tile.tile_id, "tiles": self.tiles_total,
                   "crs": self.source.crs_wkt, "wkt": geom.wkt, **props})
