"""Windows around boxes: the refine views around the overview's candidates, SAM's box-centred windows at the
finest resolution its input allows, and the ground sample distance of a view."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from inference_core.common.records import Affine6, Box

Window = tuple[int, int, int, int]  # col_off, row_off, width, height (raster pixels)


def transform_gsd(transform: Affine6) -> float:
    """Ground sample distance of an image with `transform`: the side of its (square-equivalent) pixel in map
    units — raster pixels per view pixel for a raster in pixel coordinates."""
    a, b, _c, d, e, _f = transform
    return math.sqrt(abs(a * e - b * d))


def expand(box: Box, margin: float) -> Box:
    x1, y1, x2, y2 = box
    return (x1 - margin, y1 - margin, x2 + margin, y2 + margin)


def union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def centred_window(box: Box, width: int, height: int, bounds: Window) -> Window:
    """A width x height window centred on `box`, shifted (not cut) to lie within `bounds`, cut only
    where `bounds` itself is smaller."""
    c0, r0, bw, bh = bounds
    w, h = min(width, bw), min(height, bh)
    col = int(round((box[0] + box[2]) / 2 - w / 2))
    row = int(round((box[1] + box[3]) / 2 - h / 2))
    return (min(max(col, c0), c0 + bw - w), min(max(row, r0), r0 + bh - h), w, h)


def fits(box: Box, side: int) -> bool:
    return box[2] - box[0] <= side and box[3] - box[1] <= side


def finest_window(box: Box, bounds: Window, input_side: int) -> tuple[Window, tuple[int, int]]:
    """SAM's window for one box: centred on it with the box again as context around it (twice its side),
    at least `input_side` px, within `bounds`; read at native resolution when it fits SAM's input side,
    else downscaled so its long side is `input_side`. Returns (window, (out_width, out_height))."""
    side_w = max(input_side, math.ceil(2 * (box[2] - box[0])))
    side_h = max(input_side, math.ceil(2 * (box[3] - box[1])))
    win = centred_window(box, side_w, side_h, bounds)
    scale = max(1.0, max(win[2], win[3]) / input_side)
    return win, (max(1, round(win[2] / scale)), max(1, round(win[3] / scale)))


@dataclass(frozen=True)
class CandidateGroup:
    """Candidates that share one refine view: their indices and the area the view must show (raster px,
    candidates' boxes with their context margin)."""

    members: tuple[int, ...]
    area: Box


# Two candidates sharing this much of the smaller one's box are one object the overview saw twice; less is
# two neighbours (touching trees, adjoining roofs), each refined in its own right.
SAME_OBJECT_SHARE = 0.5
# Nearby candidates share a view when it is at most this much coarser than the one the smaller would get alone.
PACK_COARSER = 1.5


def long_side(box: Box) -> float:
    return max(box[2] - box[0], box[3] - box[1])


def group_candidates(boxes: Sequence[Box], margins: Sequence[float], side: int) -> list[CandidateGroup]:
    """Group candidates (raster px boxes) for refine views of at least `side` px.

    Candidates that mostly overlap always go together (one object the overview saw twice); then a group
    joins another when both, with their margins, fit the view the larger of them needs anyway (`side`, or
    its own long side when it is larger) and that view is at most PACK_COARSER times the smaller's, so nearby
    candidates cost one call and none is seen much coarser than alone. Order: top-down, left-right.
    """
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            smaller = min(_area(boxes[i]), _area(boxes[j]))
            if smaller > 0 and _area(_overlap(boxes[i], boxes[j])) >= SAME_OBJECT_SHARE * smaller:
                parent[find(j)] = find(i)
    merged: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        merged.setdefault(find(i), []).append(i)
    groups = []
    for members in merged.values():
        area = expand(boxes[members[0]], margins[members[0]])
        for i in members[1:]:
            area = union(area, expand(boxes[i], margins[i]))
        groups.append(CandidateGroup(tuple(members), area))
    groups.sort(key=lambda g: (g.area[1], g.area[0]))
    packed: list[CandidateGroup] = []
    for g in groups:
        for k, p in enumerate(packed):
            both = union(p.area, g.area)
            need_p, need_g = max(side, long_side(p.area)), max(side, long_side(g.area))
            if fits(both, max(need_p, need_g)) and max(need_p, need_g) <= PACK_COARSER * min(need_p, need_g):
                packed[k] = CandidateGroup(tuple(sorted(p.members + g.members)), both)
                break
        else:
            packed.append(g)
    return packed


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _overlap(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
