"""Cross-tile duplicate suppression of boxes in map coordinates, incremental, indexed with shapely STRtrees.

Two boxes from *different* tiles are one object when
- their IoU exceeds `iou_threshold` (default `options.DEFAULT_IOU_THRESHOLD`, the usual NMS threshold), or
- their intersection over the smaller box exceeds `ios_threshold` (default `options.DEFAULT_IOS_THRESHOLD`:
  the overlap strip saw the whole object in one tile and a clipped part of it in the other), or
- one of them is cut by an inner seam of its tile (recorded in `Detection.extra["cut_sides"]`) and
  the other overlaps it and continues past that cut line: the two halves of one object.
Halves are replaced by their union box (score = the higher one); plain duplicates keep the better
box: the higher score, then the larger box (less likely clipped), then the earlier one (no churn).
Boxes from the same tile are never merged: the model may list nested objects on purpose.
A box that replaces earlier ones takes the smallest of their target ids (the mask merger keeps the
earliest id too), and `removed` lists those ids: delete their earlier rows, then write `kept`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np
import shapely
from shapely import STRtree

from inference_core.common.records import Affine6, Box, Detection
from inference_core.geometry.boxes import box_area, box_intersection
from inference_core.contract.options import DEFAULT_IOS_THRESHOLD, DEFAULT_IOU_THRESHOLD
from inference_core.raster.coords import pixel_sides_to_map

MAP_SIDES = ("xmin", "ymin", "xmax", "ymax")
SEAM_SPAN_OVERLAP = 0.5  # halves across a seam share at least half of their extent along it


@dataclass
class BoxMergeOutcome:
    """`kept`: the new detections to write (possibly enlarged); `removed`: earlier target ids they replace."""

    kept: list[Detection] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def cut_sides(box_px: Box, image_size: tuple[int, int], inner: dict[str, bool],
              transform: Affine6, tol_px: float = 0.5) -> tuple[str, ...]:
    """Map sides ('xmin'...'ymax') of a box that lie on an inner seam of its tile.

    `inner` says which tile sides (left/top/right/bottom) are seams rather than the extent border.
    Rotated transforms give no sides (seam joining then relies on IoU / IoS only).
    """
    to_map = pixel_sides_to_map(transform)
    if to_map is None:
        return ()
    x1, y1, x2, y2 = box_px
    w, h = image_size
    touched = {
        "left": x1 <= tol_px, "right": x2 >= w - tol_px, "top": y1 <= tol_px, "bottom": y2 >= h - tol_px,
    }
    return tuple(to_map[s] for s in ("left", "top", "right", "bottom") if touched[s] and inner.get(s))


def _continues_past(cut: Detection, other: Box, tol: float) -> bool:
    """True when `other` extends beyond a seam line that cut `cut`'s box, spanning it alike.

    Two halves of one object cover about the same range *along* the seam; two different objects
    that merely touch across it rarely do, so at least `SEAM_SPAN_OVERLAP` of the shorter range
    along the seam must be shared.
    """
    b = cut.box_map
    for side in cut.extra.get("cut_sides", ()):
        i = MAP_SIDES.index(side)
        past = other[i] > b[i] + tol if side in ("xmax", "ymax") else other[i] < b[i] - tol
        if not past:
            continue
        j = 1 if side in ("xmin", "xmax") else 0  # the axis along the seam
        shared = min(b[j + 2], other[j + 2]) - max(b[j], other[j])
        shorter = min(b[j + 2] - b[j], other[j + 2] - other[j])
        if shorter > 0 and shared / shorter >= SEAM_SPAN_OVERLAP:
            return True
    return False


def _rank(d: Detection) -> tuple[float, float]:
    return (d.score if d.score is not None else float("-inf"), box_area(d.box_map))


class BoxMerger:
    """Incremental merger: call `add` once per tile with that tile's detections (map boxes filled in).

    Index: a short stack of STRtrees (a log-structured merge: a new tree per tile, trees of similar
    size rebuilt into one), so n boxes cost O(n log² n) overall instead of O(n²) pair tests.
    """

    def __init__(self, iou_threshold: float = DEFAULT_IOU_THRESHOLD, ios_threshold: float = DEFAULT_IOS_THRESHOLD,
                 seam_tolerance: float = 0.0):
        self.iou_threshold = iou_threshold
        self.ios_threshold = ios_threshold
        self.seam_tolerance = seam_tolerance  # map units: a box must pass a seam by more than this
        self._kept: dict[int, Detection] = {}
        self._levels: list[tuple[STRtree, np.ndarray]] = []

    @classmethod
    def from_options(cls, options, seam_tolerance: float = 0.0) -> "BoxMerger":
        return cls(options.iou_threshold, options.ios_threshold, seam_tolerance)

    @property
    def kept(self) -> list[Detection]:
        return list(self._kept.values())

    def seed(self, detections: Iterable[Detection]) -> None:
        """Load boxes already written (resume/append of the same run) without merging them."""
        self._insert(list(detections))

    def add(self, detections: Sequence[Detection]) -> BoxMergeOutcome:
        out = BoxMergeOutcome()
        accepted: list[Detection] = []
        for det in detections:
            result, removed = self._merge_one(det)
            for tid in removed:
                if tid in self._kept:
                    del self._kept[tid]
                    out.removed.append(tid)
            if result is not None:
                accepted.append(result)
        self._insert(accepted)
        out.kept = accepted
        return out

    # ------------------------------------------------------------------ internals
    def _candidates(self, box: Box) -> list[Detection]:
        geom = shapely.box(*box)
        found: dict[int, Detection] = {}
        for tree, ids in self._levels:
            for i in tree.query(geom, predicate="intersects"):
                # Trees may hold an older box of a target id that grew since: dedupe, use the live box.
                d = self._kept.get(int(ids[i]))
                if d is not None:
                    found[d.target_id] = d
        return list(found.values())

    def _merge_one(self, det: Detection) -> tuple[Optional[Detection], list[int]]:
        halves: list[Detection] = []
        dups: list[Detection] = []
        for k in self._candidates(det.box_map):
            if k.tile_id == det.tile_id:
                continue
            inter = box_intersection(det.box_map, k.box_map)
            if inter <= 0:
                continue
            a1, a2 = box_area(det.box_map), box_area(k.box_map)
            iou = inter / (a1 + a2 - inter)
            ios = inter / min(a1, a2)
            if _continues_past(det, k.box_map, self.seam_tolerance) or _continues_past(k, det.box_map, self.seam_tolerance):
                halves.append(k)
            elif iou > self.iou_threshold or ios > self.ios_threshold:
                dups.append(k)
        if not halves and not dups:
            return det, []
        if halves:
            group = [det] + halves + dups
            box = (min(g.box_map[0] for g in group), min(g.box_map[1] for g in group),
                   max(g.box_map[2] for g in group), max(g.box_map[3] for g in group))
            scores = [g.score for g in group if g.score is not None]
            earlier = [g.target_id for g in group[1:]]
            merged = dataclasses.replace(
                det, target_id=min(earlier), box_map=box, score=max(scores) if scores else None,
                extra={**det.extra, "merged_from": earlier, "union": True,
                       "cut_sides": _remaining_cuts(group, box)},
            )
            return merged, earlier
        best = max(dups, key=_rank)
        if _rank(det) > _rank(best):
            # The better box takes the earliest target id, so masks and contours keep their link.
            earlier = [g.target_id for g in dups]
            return dataclasses.replace(det, target_id=min(earlier), extra={**det.extra, "merged_from": earlier}), earlier
        return None, []

    def _insert(self, dets: list[Detection]) -> None:
        if not dets:
            return
        for d in dets:
            self._kept[d.target_id] = d
        self._levels.append(self._build([d.target_id for d in dets]))
        # Merge trees of similar size so the stack stays logarithmic in the number of boxes.
        while len(self._levels) > 1 and len(self._levels[-2][1]) <= 2 * len(self._levels[-1][1]):
            _, ids_b = self._levels.pop()
            _, ids_a = self._levels.pop()
            alive = [int(t) for t in np.concatenate([ids_a, ids_b]) if int(t) in self._kept]
            if alive:
                self._levels.append(self._build(alive))

    def _build(self, ids: list[int]) -> tuple[STRtree, np.ndarray]:
        boxes = np.array([self._kept[t].box_map for t in ids], dtype=float).reshape(-1, 4)
        geoms = shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3])
        return STRtree(geoms), np.array(ids, dtype=np.int64)


def _remaining_cuts(group: list[Detection], box: Box) -> tuple[str, ...]:
    """Cut sides of the union: only those where a member's cut side is still the union's outer side."""
    sides = set()
    for g in group:
        for s in g.extra.get("cut_sides", ()):
            i = MAP_SIDES.index(s)
            if g.box_map[i] == box[i]:
                sides.add(s)
    return tuple(sorted(sides))
