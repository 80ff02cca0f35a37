"""The find-all mode: SAM 3 is asked the noun phrase over each view, its instances become targets (box, mask,
score), which then take the target road of run/targets.py: seam merging, the sink, events and exports."""

from __future__ import annotations

from typing import Any

from inference_core.common.records import Detection, TileSpec
from inference_core.geometry.vectorize import mask_to_multipolygon
from inference_core.models.parsing import ParsedAnswer
from inference_core.models.sam3 import FindReply, FindRequest
from inference_core.raster.coords import clamp_box
from inference_core.run.core import RunCore
from inference_core.run.summary import RunSummary
from inference_core.run.targets import TargetRun


class FinderStep:
    """Find-all's view step (run.targets.TargetStep): SAM 3 reads the noun phrase itself, no prompt template."""

    # No template: the finder gives boxes in view pixels. A refine overview's recorded text is read back in
    # the reasoner's answer format (run.targets.TargetRun._plan_refine).
    coordinates = "model-input"
    prompt_name = None

    def load(self, core: RunCore) -> tuple[Any, Any]:
        return core.models.finder(core.o), None

    def prompt(self, core: RunCore) -> str:
        return core.o.query.strip()

    def request(self, core: RunCore, t: TileSpec, phrase: str) -> FindRequest:
        """The view's pixels and valid-data mask, read once (the finder cuts masks to the valid pixels)."""
        rgb, valid = core.source.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height,
                                          progress=core.reading(t))
        return FindRequest(t.tile_id, rgb, valid, phrase)

    def detections(self, core: RunCore, tile: TileSpec, reply: FindReply) -> tuple[list[Detection], ParsedAnswer]:
        """One view's instances as detections: SAM 3's box (view pixels, clamped) -> map, its mask (nodata already
        cut out by the finder) vectorised in the view's transform, its score in both `score` and `sam_score`;
        `reasoning` stays empty.

        The returned answer carries no error and a one-line summary for the run's reasoning event."""
        o = core.o
        shapes = "masks" in o.granularity or "contours" in o.granularity  # boxes only: no vectorising
        dets = []
        for inst in reply.instances:
            px = clamp_box(inst.box_px, tile.out_width, tile.out_height)
            if px is None or not inst.mask.any():  # a mask all nodata is no instance
                continue
            geom = (mask_to_multipolygon(inst.mask, tile.transform, simplify=o.simplify, min_area=o.min_area)
                    if shapes else None)
            if shapes and geom is None:  # nothing left of the mask below --min-area: no instance
                continue
            det = core.make_detection(tile, px, label=o.query, score=inst.score, reasoning="")
            det.mask_wkb = geom.wkb if geom is not None else None
            det.sam_score = inst.score
            dets.append(det)
        core.drop_below_threshold(reply.dropped)
        scores = [d.score for d in dets]
        summary = (f"SAM 3 found {len(dets)} instance(s) of \u201c{o.query}\u201d"
                   + (f", scores {min(scores):.2f}\u2013{max(scores):.2f}." if scores else "."))
        return dets, ParsedAnswer(reasoning=summary)


def run_find_all(core: RunCore) -> RunSummary:
    """A find-all run: every instance of the noun phrase, SAM 3's boxes and masks, over the run's views."""
    return TargetRun(core, FinderStep()).execute()
