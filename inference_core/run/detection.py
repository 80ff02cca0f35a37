"""Targets from boxes in view pixels (`make_detection`: map box, the inner seams it touches), a reasoner's answer
as targets (`answer_detections`), and the provenance fields every feature of a view carries."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any, Callable, Optional

from inference_core.common.records import Detection, TileSpec
from inference_core.contract.options import RELATIVE_RANGE
from inference_core.geometry.box_merge import cut_sides
from inference_core.models.parsing import ParsedAnswer, parse_answer
from inference_core.raster.coords import clamp_box, pixel_box_to_map, rescale_box, tile_box_to_raster
from inference_core.raster.tiling import tile_edges
from inference_core.run.limits import boxes_capped_message, cap_boxes

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions

# A box edge within this fraction of the tile size (at least 1 px) of an inner seam counts as cut by it.
SEAM_TOUCH_FRACTION = 0.005
# make(tile, px, label, score, reasoning, inner) -> a Detection with the run's next target id (RunCore.make_detection)
MakeDetection = Callable[..., Detection]


def make_detection(target_id: int, tile: TileSpec, window, px, label, score, reasoning: str,
                   inner=None) -> Detection:
    """Target `target_id` from a box in view pixels: its map box and the inner seams (of the extent `window`)
    it touches, so the merger can join it with its neighbour across the seam."""
    w, h = tile.out_width, tile.out_height
    inner = tile_edges(tile, window) if inner is None else inner
    tol = max(1.0, SEAM_TOUCH_FRACTION * max(w, h))
    return Detection(
        target_id=target_id, tile_id=tile.tile_id, box_px=px, box_map=pixel_box_to_map(px, tile.transform),
        label=label, score=score, reasoning=reasoning,
        extra={"cut_sides": cut_sides(px, (w, h), inner, tile.transform, tol)},
    )


def answer_detections(tile: TileSpec, raw_text: str, input_size, *, window, coordinates: str, max_boxes: int,
                      tiles_total: int, make: MakeDetection,
                      warn: Callable[[str], None]) -> tuple[list[Detection], ParsedAnswer]:
    """Parse a reasoner's answer into targets: model-input (or view) pixels -> view pixels (clamped) -> map."""
    parsed = parse_answer(raw_text)
    given = len(parsed.boxes)
    if cap_boxes(parsed, max_boxes):  # a runaway list: each box would cost a SAM prompt
        warn(boxes_capped_message(tile.tile_id + 1, tiles_total, given, max_boxes))
    w, h = tile.out_width, tile.out_height
    iw, ih = (int(input_size[0]), int(input_size[1])) if input_size else (w, h)
    if iw <= 0 or ih <= 0 or coordinates == "original-image":
        iw, ih = w, h  # boxes already in view pixels: no rescale
    elif coordinates == "relative-1000":
        iw = ih = RELATIVE_RANGE  # 0-1000 of the image's width and height (Qwen2-VL, Qwen3-VL)
    inner = tile_edges(tile, window)
    dets = []
    for i, (box, label, score) in enumerate(zip(parsed.boxes, parsed.labels, parsed.scores)):
        px = clamp_box(rescale_box(box, (iw, ih), (w, h)), w, h)
        if px is None:
            continue
        det = make(tile, px, label, score, parsed.reasoning, inner)
        if parsed.points.get(i):  # the model's own point prompts go to SAM with its box (models.segment)
            det.extra["points_raster"] = [_point_to_raster(x, y, lb, (iw, ih), tile) for x, y, lb in parsed.points[i]]
        dets.append(det)
    return dets, parsed


def _point_to_raster(x: float, y: float, label: int, input_size: tuple[int, int], tile: TileSpec):
    """A point in the answer's space -> view pixels (clamped, as boxes are) -> full-raster pixels, with its label."""
    w, h = tile.out_width, tile.out_height
    vx, vy, _, _ = rescale_box((x, y, x, y), input_size, (w, h))
    rx, ry, _, _ = tile_box_to_raster((min(max(vx, 0.0), w), min(max(vy, 0.0), h)) * 2, tile)
    return (rx, ry, int(label))


def provenance(options: "RunOptions", model_id: str, prompt_name: Optional[str], tile: TileSpec,
               input_size) -> dict[str, Any]:
    """The fields every feature of this view carries (contract.schema.PROVENANCE_FIELDS, model, query, stage):
    the view's gsd is the map size of one pixel of the image the model saw (after the model-side resize)."""
    a, b, _c, d, e, _f = tile.transform[:6]
    px = math.sqrt(abs(a * e - b * d))
    if input_size and int(input_size[0]) > 0 and int(input_size[1]) > 0:
        px *= math.sqrt((tile.out_width / int(input_size[0])) * (tile.out_height / int(input_size[1])))
    return {"raster": os.path.abspath(options.raster), "model": model_id, "prompt": prompt_name,
            "gsd": px, "query": options.query, "stage": tile.stage}
