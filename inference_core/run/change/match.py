"""Target-to-target matching between two dates: a pair is one target when their outlines overlap at least
`min_iou` (intersection over union) after the second date's shift is undone, or once both are grown by the
tolerance; each target is matched once, best overlap first. The rest appeared or disappeared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pair:
    before: dict[str, Any]
    after: dict[str, Any]
    iou: float


@dataclass
class Matching:
    persisted: list[Pair]
    appeared: list[dict[str, Any]]  # second-date targets with no partner
    disappeared: list[dict[str, Any]]  # first-date targets with no partner


def iou(a, b) -> float:
    inter = a.intersection(b).area
    if inter <= 0:
        return 0.0
    return float(inter / (a.area + b.area - inter))


def match_targets(before: list[dict[str, Any]], after: list[dict[str, Any]], min_iou: float,
                  grow: float = 0.0) -> Matching:
    """Pairs of `before` and `after` targets (their "geometry" already on the first date's ground) with IoU at
    least `min_iou`, both outlines grown by `grow` map units first (a tolerance). One-to-one, taken greedily
    in order of falling IoU: with the targets of one question rarely overlapping each other, this is the
    assignment an optimal (Hungarian) one would give, without SciPy in the engine's environment."""
    from shapely import STRtree

    def shape(t):
        g = t["geometry"]
        return g.buffer(grow, join_style="mitre") if grow > 0 else g

    b_geoms = [shape(t) for t in before]
    a_geoms = [shape(t) for t in after]
    candidates: list[tuple[float, int, int]] = []
    if b_geoms and a_geoms:
        tree = STRtree(b_geoms)
        for j, g in enumerate(a_geoms):
            for i in tree.query(g):
                v = iou(b_geoms[int(i)], g)
                if v >= min_iou:
                    candidates.append((v, int(i), j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_b: set[int] = set()
    used_a: set[int] = set()
    pairs = []
    for v, i, j in candidates:
        if i in used_b or j in used_a:
            continue
        used_b.add(i)
        used_a.add(j)
        # the IoU reported is of the outlines as found (shift undone), not of the grown ones
        pairs.append(Pair(before[i], after[j], iou(before[i]["geometry"], after[j]["geometry"]) if grow > 0 else v))
    return Matching(
        persisted=sorted(pairs, key=lambda p: p.before["target_id"]),
        appeared=[t for j, t in enumerate(after) if j not in used_a],
        disappeared=[t for i, t in enumerate(before) if i not in used_b],
    )
