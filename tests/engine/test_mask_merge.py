"""Cross-tile mask merge: seam pieces join, same-tile neighbours stay apart, the index scales."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from inference_core.geometry.mask_merge import REBUILD_MIN, MaskMerger
from inference_core.common.records import Detection


def det(tid: int, tile: int, geom, score: float = 0.9) -> Detection:
    mp = MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom
    return Detection(target_id=tid, tile_id=tile, box_px=(0, 0, 1, 1), box_map=tuple(mp.bounds),
                     label="tank", mask_wkb=mp.wkb, sam_score=score)


def test_pieces_touching_across_a_seam_join():
    m = MaskMerger(tolerance=0.25)  # half of a 0.5 m pixel
    a = m.add(det(1, tile=0, geom=box(0, 0, 10, 5)))
    assert a.removed == [] and a.write.target_id == 1
    b = m.add(det(2, tile=1, geom=box(10, 1, 14, 4), score=0.7))  # shares the seam x = 10
    assert b.removed == [1]
    assert b.write.target_id == 1
    g = shapely.from_wkb(b.write.mask_wkb)
    assert g.geom_type == "MultiPolygon" and len(g.geoms) == 1
    assert g.area == pytest.approx(50 + 12)
    assert b.write.box_map == (0.0, 0.0, 14.0, 5.0)
    assert b.write.sam_score == 0.9
    assert b.write.extra["merged_target_ids"] == [2] and b.write.extra["tiles"] == [0, 1]
    assert len(m) == 1


def test_gap_within_half_pixel_joins_but_farther_does_not():
    m = MaskMerger(tolerance=0.25)
    m.add(det(1, 0, box(0, 0, 10, 10)))
    assert m.add(det(2, 1, box(10.2, 0, 20, 10))).removed == [1]  # 0.2 m gap: rounding at a seam
    assert m.add(det(3, 2, box(21, 0, 30, 10))).removed == []  # 1 m apart: another object
    assert sorted(m.geometries) == [1, 3]


def test_same_tile_neighbours_stay_distinct():
    m = MaskMerger(tolerance=0.25)
    m.add(det(1, 0, box(0, 0, 10, 10)))
    out = m.add(det(2, 0, box(10, 0, 20, 10)))  # touching, but both seen in tile 0
    assert out.removed == [] and out.write.target_id == 2
    assert len(m) == 2


def test_overlapping_duplicates_from_overlapping_tiles_join_and_chain():
    m = MaskMerger(tolerance=0.25)
    m.add(det(5, 0, box(0, 0, 10, 10)))
    m.add(det(6, 1, box(30, 0, 40, 10)))
    # a piece in tile 2 bridging both: all three become one object keeping the earliest id (5)
    out = m.add(det(7, 2, box(8, 2, 32, 8)))
    assert out.removed == [5, 6]
    assert out.write.target_id == 5
    g = shapely.from_wkb(out.write.mask_wkb)
    assert g.area == pytest.approx(100 + 100 + 24 * 6 - 2 * 2 * 6)
    assert len(m) == 1


def test_detection_without_mask_passes_through():
    m = MaskMerger()
    d = Detection(target_id=1, tile_id=0, box_px=(0, 0, 1, 1), box_map=(0, 0, 1, 1))
    out = m.add(d)
    assert out.write is d and out.removed == [] and len(m) == 0


def test_many_masks_use_the_index(monkeypatch):
    tested = []  # geometries each exact distance test looked at: the index finds the candidates, not a scan
    dwithin = shapely.dwithin
    monkeypatch.setattr(shapely, "dwithin", lambda a, *rest, **kw: tested.append(np.size(a)) or dwithin(a, *rest, **kw))
    m = MaskMerger(tolerance=0.25)
    n = 3000
    for i in range(n):  # a grid of separate squares, each from its own tile
        x, y = (i % 60) * 3.0, (i // 60) * 3.0
        assert m.add(det(i, i, box(x, y, x + 2, y + 2))).removed == []
    assert len(m) == n
    # each mask was tested against at most the REBUILD_MIN masks added since the index was last built, not
    # all those before it (a scan: n (n - 1) / 2 = 4,498,500 tests)
    assert max(tested) <= REBUILD_MIN and sum(tested) < n * REBUILD_MIN
    # one piece bridging two squares of the grid merges exactly those two
    out = m.add(det(n, n, box(1.5, 0.5, 3.5, 1.5)))
    assert out.removed == [0, 1]
