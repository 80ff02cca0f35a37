"""BoxMerger: IoU / IoS duplicates across tiles, seam halves joined, same-tile boxes untouched, scale."""

from __future__ import annotations

import random

from inference_core.geometry import box_merge
from inference_core.geometry.box_merge import BoxMerger, cut_sides
from inference_core.common.records import Detection


def det(tid, tile, box, score=None, cuts=()):
    return Detection(tid, tile, (0, 0, 0, 0), box, score=score, extra={"cut_sides": tuple(cuts)})


def test_iou_duplicate_keeps_higher_score_with_earliest_id():
    m = BoxMerger()
    assert [d.target_id for d in m.add([det(0, 0, (0, 0, 10, 10), 0.4)]).kept] == [0]
    out = m.add([det(1, 1, (1, 0, 11, 10), 0.9)])  # IoU 9/11 = 0.82
    assert out.removed == [0]
    assert [(d.target_id, d.box_map, d.score) for d in out.kept] == [(0, (1, 0, 11, 10), 0.9)]
    out = m.add([det(2, 2, (0.5, 0, 10.5, 10), 0.1)])  # worse duplicate: dropped
    assert out.kept == [] and out.removed == []
    assert len(m.kept) == 1


def test_ios_duplicate_keeps_larger_box_when_no_scores():
    m = BoxMerger()
    m.add([det(0, 0, (0, 0, 20, 10))])
    out = m.add([det(1, 1, (12, 0, 20, 10))])  # IoU 0.4, IoS 1.0: a clipped copy
    assert out.kept == [] and out.removed == []
    m2 = BoxMerger()
    m2.add([det(0, 0, (12, 0, 20, 10))])
    out = m2.add([det(1, 1, (0, 0, 20, 10))])
    assert out.removed == [0] and out.kept[0].box_map == (0, 0, 20, 10) and out.kept[0].target_id == 0


def test_seam_halves_become_one_union_box():
    # Tile 0 ends at x=100 (inner seam), tile 1 starts at x=80. A 60-unit object spans 60..120.
    m = BoxMerger()
    m.add([det(0, 0, (60, 10, 100, 30), cuts=("xmax",))])
    out = m.add([det(1, 1, (80, 11, 120, 30), cuts=("xmin",))])  # IoU 0.33, IoS 0.5: only the seam rule joins
    assert out.removed == [0]
    assert len(out.kept) == 1 and out.kept[0].box_map == (60, 10, 120, 30) and out.kept[0].target_id == 0
    assert out.kept[0].extra["cut_sides"] == ()


def test_distinct_neighbours_stay_apart():
    m = BoxMerger()
    m.add([det(0, 0, (60, 10, 100, 30), cuts=("xmax",))])
    # Overlaps and passes the seam, but spans a different range along it (y 28..60): another object.
    out = m.add([det(1, 1, (95, 28, 130, 60))])
    assert out.removed == [] and len(out.kept) == 1
    # Same tile: never merged, even when identical.
    out = m.add([det(2, 5, (0, 100, 10, 110)), det(3, 5, (0, 100, 10, 110))])
    assert [d.target_id for d in out.kept] == [2, 3]


def test_cut_sides_from_pixel_box():
    inner = {"left": False, "top": False, "right": True, "bottom": True}
    north_up = (0.1, 0, 1000, 0, -0.1, 2000)
    assert cut_sides((10, 10, 112, 50), (112, 112), inner, north_up) == ("xmax",)
    assert cut_sides((0, 0, 50, 111.8), (112, 112), inner, north_up) == ("ymin",)
    assert cut_sides((0, 0, 50, 50), (112, 112), inner, north_up) == ()


def test_many_boxes_use_the_index(monkeypatch):
    tested = []  # the pairs of boxes compared exactly: only those the STRtrees found intersecting
    intersection = box_merge.box_intersection
    monkeypatch.setattr(box_merge, "box_intersection", lambda a, b: tested.append((a, b)) or intersection(a, b))
    rnd = random.Random(1)
    m = BoxMerger()
    tid = 0
    for tile in range(200):
        ox, oy = (tile % 20) * 90, (tile // 20) * 90
        batch = []
        for _ in range(50):
            x, y = ox + rnd.uniform(0, 100), oy + rnd.uniform(0, 100)
            batch.append(det(tid, tile, (x, y, x + 3, y + 3), score=rnd.random()))
            tid += 1
        m.add(batch)
    # 10 000 boxes: a few hundred pairs touch across tiles (372 with this seed); a scan would compare 4.975e7
    assert 0 < len(tested) < 1000
    assert all(a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3] for a, b in tested)  # all touch
    kept = m.kept
    assert 9000 < len(kept) <= 10000
