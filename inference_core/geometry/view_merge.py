"""Duplicates across refine views, which zoom to fit their candidates and so never split one: a box cut by its
view's edge is a piece of something another view shows, a whole box seen twice is kept from the better look
(framed with context, then the finer view).
Nothing is ever joined, so two touching targets cannot become one box (docs/robustness.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from inference_core.common.records import Detection
from inference_core.geometry.box_merge import BoxMergeOutcome
from inference_core.geometry.boxes import box_area, box_intersection

# A cut box lying this much inside another view's box (grown by a pixel of the cut box's view) is a piece of it
# (a sliver of a neighbour the window caught at its edge); two whole boxes overlapping this much (IoU) are one
# target seen twice.
PIECE_INSIDE = 0.5
SAME_TARGET_IOU = 0.5


@dataclass
class ViewBox:
    """A kept box: its detection, whether its view's edge cut it, the view's scale (raster px per view px:
    smaller is finer), whether it is an overview candidate that a refine view will answer for, and one pixel
    of its view in map units (`slack`: a model's box may be that far off, so a piece is measured with it)."""

    det: Detection
    cut: bool
    scale: float
    candidate: bool = False
    slack: float = 0.0
    framed: bool = True  # its view showed it with context around it (a box filling its view is a worse look)

    def better_than(self, other: "ViewBox") -> bool:
        """A look at a target that is framed with context beats one that is not, then the finer view wins."""
        return (self.framed, -self.scale) > (other.framed, -other.scale)


@dataclass
class ViewDeduper:
    """Incremental: `add` one view's boxes at a time; `forget` candidates their refine view answered for."""

    kept: dict[int, ViewBox] = field(default_factory=dict)

    def seed(self, boxes: Iterable[ViewBox]) -> None:
        for b in boxes:
            self.kept[b.det.target_id] = b

    def forget(self, target_ids: Iterable[int]) -> None:
        for t in target_ids:
            self.kept.pop(t, None)

    def add(self, boxes: Sequence[ViewBox]) -> BoxMergeOutcome:
        """The boxes of one view: `kept` to write, `removed` earlier target ids they replace (never a candidate
        of a view still to come: its own view answers for it)."""
        out = BoxMergeOutcome()
        for b in boxes:
            others = [k for k in self.kept.values() if k.det.tile_id != b.det.tile_id
                      and box_intersection(b.det.box_map, k.det.box_map) > 0]
            if not self._wanted(b, others):
                continue
            for k in others:
                if not k.candidate and self._replaces(b, k):
                    del self.kept[k.det.target_id]
                    out.removed.append(k.det.target_id)
            out.kept.append(b.det)
        for d in out.kept:
            self.kept[d.target_id] = next(b for b in boxes if b.det is d)
        return out

    @staticmethod
    def _wanted(b: ViewBox, others: Sequence[ViewBox]) -> bool:
        """False when another view's box already stands for `b`'s target."""
        area = box_area(b.det.box_map)
        for k in others:
            inter = box_intersection(b.det.box_map, k.det.box_map)
            if b.cut and not k.cut and _piece_of(b, k):
                return False  # a piece of the target that `k` shows whole
            if b.cut and k.cut and _piece_of(b, k) and box_area(k.det.box_map) >= area:
                return False  # both cut: the larger piece stays
            if not b.cut and not k.cut and _iou(b, k, inter) > SAME_TARGET_IOU and not b.better_than(k):
                return False  # seen whole twice: the better look stays (the earlier one when alike)
        return True

    @staticmethod
    def _replaces(b: ViewBox, k: ViewBox) -> bool:
        inter = box_intersection(b.det.box_map, k.det.box_map)
        if k.cut and _piece_of(k, b):
            return not b.cut or box_area(b.det.box_map) > box_area(k.det.box_map)
        return not b.cut and not k.cut and _iou(b, k, inter) > SAME_TARGET_IOU and b.better_than(k)


def _piece_of(piece: ViewBox, whole: ViewBox) -> bool:
    """True when `piece` lies mostly inside `whole` grown by a pixel of the piece's view (a thin sliver the
    model drew a pixel off still counts as the part of `whole` it is)."""
    x1, y1, x2, y2 = whole.det.box_map
    t = piece.slack
    grown = (x1 - t, y1 - t, x2 + t, y2 + t)
    return box_intersection(piece.det.box_map, grown) >= PIECE_INSIDE * box_area(piece.det.box_map)


def _iou(a: ViewBox, b: ViewBox, inter: float) -> float:
    union = box_area(a.det.box_map) + box_area(b.det.box_map) - inter
    return inter / union if union > 0 else 0.0
