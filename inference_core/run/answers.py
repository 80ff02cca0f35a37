"""Ask and describe runs: the checkpoint's VQA and captioning over one whole-extent view, or one answer per
tile written as a layer of tile footprints (`answers`, docs/SCHEMA.md) with a summary line for counts."""

from __future__ import annotations

import dataclasses
import re
from typing import Optional

from inference_core.common.records import TileSpec
from inference_core.contract.options import PATCH_PX
from inference_core.contract.paths import MODE_TEMPLATES
from inference_core.contract.schema import ANSWER_LAYER
from inference_core.models.parsing import answer_count, parse_text_answer
from inference_core.raster.tiling import plan_tiles
from inference_core.run.limits import check_planned_views
from inference_core.run.core import RunCore
from inference_core.run.summary import RunSummary

# The reference's own instructions for each mode (resources/prompts/, cited there): `prompt_QA` and
# `prompt_caption` of RemoteReasoner.py:49-60. `--prompt` names another template.
ANSWER_TEMPLATES = MODE_TEMPLATES
# Questions whose per-tile answers add up: "how many ...", "count the ...", "number of ...".
_COUNTING = re.compile(r"^\W*(how\s+many|count\b|what\s+is\s+the\s+number\s+of|number\s+of)", re.I)


def is_counting_question(question: str) -> bool:
    return bool(_COUNTING.match(question or ""))


def plan_answer_views(source, options, budget: Optional[int] = None) -> list[TileSpec]:
    """One view of the whole extent within `budget` (default `options.answer_max_pixels`: the reference answers
    one image at its loader's default), or the run's tiles with `per_tile`."""
    if options.per_tile:
        return plan_tiles(source, options)
    budget = options.answer_max_pixels if budget is None else budget
    return plan_tiles(source, dataclasses.replace(options, single_view=True, max_pixels=budget))


def memory_budget(backend, prompt, wanted: int, floor: int) -> tuple[int, Optional[int]]:
    """(the view's pixel budget, the pixels memory holds or None): `wanted`, lowered to what a local model's
    free device memory holds (its batch token budget, models.memory, less the prompt's text and answer tokens),
    never below `floor` (the run's --max-pixels, whose own shortage the out-of-memory advice covers). A server's
    memory is not known here: `wanted` stays."""
    if wanted <= floor or not hasattr(backend, "token_budget"):
        return wanted, None
    from PIL import Image

    from inference_core.models.backends.base import ReasonRequest
    from inference_core.models.vision_input import image_tokens

    probe = ReasonRequest(0, Image.new("RGB", (PATCH_PX, PATCH_PX)), prompt, max_pixels=wanted)
    text_and_answer = backend.view_tokens(probe) - image_tokens((PATCH_PX, PATCH_PX))
    held = max(0, int(backend.token_budget()) - text_and_answer) * PATCH_PX * PATCH_PX
    return max(floor, min(wanted, held)), held


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


class AnswerRun:
    """A run of mode ask or describe over the run core (plan, load, views in the stream, resume, cancel), with a
    text answer per view instead of targets."""

    def __init__(self, core: RunCore):
        self.core = core

    def execute(self) -> RunSummary:
        core, o = self.core, self.core.o
        views = plan_answer_views(core.source, o)
        # count, view sizes, aspect, memory: before the model loads; a note for a long read without overviews
        core.warnings += check_planned_views(views, core.source, o)
        core.tiles_total = len(views)
        self.question = (o.query or "").strip()
        self.counting = o.mode == "ask" and is_counting_question(self.question)
        prompt, asks = answer_prompt(o)  # before the model loads: a bad --prompt fails fast
        backend = core.load_models(lambda: core.models.backend(o))
        self.budget = o.max_pixels if o.per_tile else o.answer_max_pixels
        if not o.per_tile:
            self.budget, held = memory_budget(backend, prompt, o.answer_max_pixels, o.max_pixels)
            if self.budget < o.answer_max_pixels and not o.resume:
                views = plan_answer_views(core.source, o, self.budget)
                v = views[0]
                core.warnings.append(
                    f"The device's free memory holds a view of about {held:,} px: the extent is seen at "
                    f"{v.out_width} x {v.out_height} px, not at the reference's budget of up to "
                    f"{o.answer_max_pixels:,} px (free memory, or lower --answer-max-pixels to choose).")
        if self.question and not asks and not o.resume:
            core.warnings.append(f"The {o.mode} template takes no question: {self.question!r} is recorded but "
                                 "not asked (use --mode ask to ask it).")
        done = core.open(views, backend, (ANSWER_LAYER,), (ANSWER_LAYER,))
        core.announce_warnings()
        todo = [t for t in views if t.tile_id not in done]
        status = core.stream(views, todo, len(done), backend, lambda t: self._request(t, prompt), self._write)
        exports = core.finish(status)
        rows = core.sink.read_answers(core.run_id)
        single = not o.per_tile and len(rows) == 1
        return core.summary(
            status, exports,
            # what ask / describe did, not --strategy (which only locate's views follow): "(tiles)" misled
            strategy="per tile" if o.per_tile else "one view",
            counts={ANSWER_LAYER: core.sink.counts(core.run_id).get(ANSWER_LAYER, 0)},  # not a file's boxes layer
            answer_summary=summary_line(rows, o.mode, self.question, o.per_tile, o.overlap),
            # the pixels the model saw the whole extent at (the dock's answer panel says it)
            answer_view=[rows[0]["view_width"], rows[0]["view_height"]] if single and rows[0]["view_width"] else None,
        )

    def _request(self, t: TileSpec, prompt: str):
        """The view's image and the mode's prompt, or None for a view with no valid pixel."""
        from PIL import Image

        from inference_core.models.backends.base import ReasonRequest

        rgb, valid = self.core.source.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height,
                                               progress=self.core.reading(t))
        return ReasonRequest(t.tile_id, Image.fromarray(rgb), prompt, max_pixels=self.budget) if valid.any() else None

    def _write(self, tile: TileSpec, reply, _progress) -> None:
        core, o = self.core, self.core.o
        parsed = parse_text_answer(reply.raw_text)
        if parsed.error:
            core.answer_unusable(tile, parsed.error)
        size = [int(v) for v in reply.input_size] if reply.input_size else [tile.out_width, tile.out_height]
        props = {
            "mode": o.mode, "question": self.question, "answer": parsed.answer, "reasoning": parsed.reasoning,
            "count": answer_count(parsed.answer) if self.counting and not parsed.error else None,
            "model": core.model_id, "view_width": size[0], "view_height": size[1], "parse_error": parsed.error,
        }
        geom = footprint(tile)
        response = {"window": list(tile.window), "input_size": size, "raw_text": reply.raw_text,
                    "parse_error": parsed.error, "seconds": float(reply.seconds or 0.0), "view_hash": reply.view_hash}
        core.sink.write_tile(core.run_id, tile.tile_id, {ANSWER_LAYER: [{"geometry": geom, "properties": props}]},
                             response)
        core.emit({"type": "answer", "run_id": core.run_id, "tile_id": tile.tile_id, "tiles": core.tiles_total,
                   "crs": core.source.crs_wkt, "wkt": geom.wkt, **props})


def run_answers(core: RunCore) -> RunSummary:
    """An ask or describe run: one text answer per view."""
    return AnswerRun(core).execute()
