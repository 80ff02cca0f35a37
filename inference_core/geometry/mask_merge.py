"""Join mask pieces of one object that several tiles saw (overlapping or touching across a seam)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import shapely
from shapely.geometry import MultiPolygon

REBUILD_MIN = 64  # pending geometries checked linearly before the STRtree is rebuilt


@dataclass
class MergeOutcome:
    """What the sink does after `MaskMerger.add`.

    `write` is the mask row to write now. `removed` lists target ids whose previously written mask
    rows are now stale and must be deleted before writing (`write.target_id` is among them when an
    earlier mask grew).
    """

    write: object  # records.Detection
    removed: list[int] = field(default_factory=list)


@dataclass
class _Kept:
    det: object  # records.Detection as last written
    geom: object  # shapely (Multi)Polygon
    tiles: frozenset[int]


def _as_multipolygon(geom) -> MultiPolygon:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return MultiPolygon(parts)


class NoMerge:
    """The merger of a one-view run: no other tile to merge with, so no mask is kept (memory stays flat)."""

    def __len__(self) -> int:
        return 0

    def add(self, det) -> MergeOutcome:
        return MergeOutcome(write=det, removed=[])


class MaskMerger:
    """Incremental cross-tile mask merge with a spatial index.

    A new mask that overlaps or comes within `tolerance` map units (about half a pixel) of a kept
    mask found in *another* tile is unioned with it; the earliest target id survives. Masks from the
    same tile never merge, so distinct objects side by side in one view stay distinct.
    """

    def __init__(self, tolerance: float = 0.0):
        self.tolerance = float(tolerance)
        self._kept: dict[int, _Kept] = {}
        # STRtree is static: index a snapshot and scan the few geometries added since (amortised rebuild).
        self._tree: Optional[shapely.STRtree] = None
        self._tree_ids: np.ndarray = np.empty(0, dtype=np.int64)
        self._pending: list[int] = []

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def detections(self) -> dict[int, object]:
        """The kept masks' detections by target id (`extra["merged_target_ids"]`: the ids each one absorbed)."""
        return {tid: k.det for tid, k in self._kept.items()}

    @property
    def geometries(self) -> dict[int, object]:
        return {tid: k.geom for tid, k in self._kept.items()}

    def _rebuild(self) -> None:
        ids = np.fromiter(self._kept.keys(), dtype=np.int64, count=len(self._kept))
        self._tree = shapely.STRtree([self._kept[int(i)].geom for i in ids]) if len(ids) else None
        self._tree_ids = ids
        self._pending = []

    def _candidates(self, geom) -> list[int]:
        found: set[int] = set()
        if self._tree is not None:
            idx = self._tree.query(geom, predicate="dwithin", distance=self.tolerance)
            found.update(int(i) for i in self._tree_ids[idx])
        if self._pending:
            pend = [t for t in self._pending if t in self._kept]
            near = shapely.dwithin(np.array([self._kept[t].geom for t in pend], dtype=object), geom, self.tolerance)
            found.update(t for t, ok in zip(pend, near) if ok)
        # the tree snapshot may still hold geometries that were merged away or grew since
        return [t for t in found if t in self._kept and shapely.dwithin(self._kept[t].geom, geom, self.tolerance)]

    def _insert(self, tid: int, kept: _Kept) -> None:
        self._kept[tid] = kept
        self._pending.append(tid)
        if len(self._pending) > max(REBUILD_MIN, int(len(self._kept) ** 0.5)):
            self._rebuild()

    def add(self, det) -> MergeOutcome:
        """Register one detection's mask; returns the row to write and the stale rows to delete."""
        if not det.mask_wkb:
            return MergeOutcome(write=det, removed=[])
        geom = shapely.from_wkb(det.mask_wkb)
        partners = sorted(t for t in self._candidates(geom) if det.tile_id not in self._kept[t].tiles)
        if not partners:  # kept as its geometry only: the WKB would hold every mask a second time
            self._insert(det.target_id, _Kept(dataclasses.replace(det, mask_wkb=None), geom, frozenset({det.tile_id})))
            return MergeOutcome(write=det, removed=[])

        survivor = self._kept[partners[0]]
        pieces = [self._kept[t].geom for t in partners] + [geom]
        union = _as_multipolygon(shapely.make_valid(shapely.union_all(pieces)))
        tiles = frozenset({det.tile_id}).union(*(self._kept[t].tiles for t in partners))
        scores = [s for s in [self._kept[t].det.sam_score for t in partners] + [det.sam_score] if s is not None]
        base = survivor.det
        merged = dataclasses.replace(
            base,
            mask_wkb=union.wkb,
            box_map=tuple(float(v) for v in union.bounds),
            sam_score=max(scores) if scores else None,
            extra={**base.extra, "merged_target_ids": sorted(set(partners[1:]) | {det.target_id}
                                                             | set(base.extra.get("merged_target_ids", []))),
                   "tiles": sorted(tiles)},
        )
        for t in partners:
            del self._kept[t]
        self._insert(base.target_id, _Kept(dataclasses.replace(merged, mask_wkb=None), union, tiles))
        return MergeOutcome(write=merged, removed=list(partners))
