"""Refine views' de-duplication (geometry/view_merge.py) on the case of issue 32: a view's edge cuts a crown, the
model draws the crown with a 2 px sliver of its neighbour; the seam rule of tiles joins that box with the
neighbour (two targets become one), the refine views' rule keeps both; pieces and repeats are still removed."""

from __future__ import annotations

from inference_core.common.records import Detection
from inference_core.geometry.box_merge import BoxMerger
from inference_core.geometry.view_merge import ViewBox, ViewDeduper

# map = pixel coordinates here (x right, y up does not matter for boxes); crowns A (50..100) and B (0..50) touch
A_WITH_SLIVER = (48.0, 0.0, 100.0, 50.0)  # view 1's left edge is at x = 48: cut there
B = (0.0, 0.0, 50.0, 50.0)


def _det(tid, tile, box, cut=()):
    return Detection(tid, tile, (0, 0, 0, 0), box, extra={"cut_sides": cut})


def test_a_box_cut_by_a_view_edge_is_never_joined_with_its_neighbour():
    seam = BoxMerger(seam_tolerance=0.5)
    seam.add([_det(0, 1, A_WITH_SLIVER, ("xmin",))])
    joined = seam.add([_det(1, 2, B)])
    assert [d.box_map for d in joined.kept] == [(0.0, 0.0, 100.0, 50.0)] and joined.removed == [0]  # one box: wrong

    views = ViewDeduper()
    views.add([ViewBox(_det(0, 1, A_WITH_SLIVER, ("xmin",)), cut=True, scale=1.0, slack=1.0)])
    out = views.add([ViewBox(_det(1, 2, B), cut=False, scale=1.0, slack=1.0)])
    assert [d.box_map for d in out.kept] == [B] and out.removed == []
    assert sorted(b.det.box_map for b in views.kept.values()) == [B, A_WITH_SLIVER]  # two targets, two boxes


def test_pieces_and_repeats_across_views_leave_one_box_from_the_finest_view():
    views = ViewDeduper()
    # a sliver of A (cut by view 1's right edge) first; then view 2 shows A whole: the sliver goes
    views.add([ViewBox(_det(0, 1, (50.0, 0.0, 53.0, 50.0), ("xmax",)), cut=True, scale=2.0, slack=2.0)])
    whole = views.add([ViewBox(_det(1, 2, (50.0, 0.0, 100.0, 50.0)), cut=False, scale=2.0, slack=2.0)])
    assert [d.target_id for d in whole.kept] == [1] and whole.removed == [0]
    # view 3 sees A whole again, coarser: dropped; view 4, finer: replaces it
    assert views.add([ViewBox(_det(2, 3, (49.0, 0.0, 101.0, 50.0)), cut=False, scale=3.0)]).kept == []
    finer = views.add([ViewBox(_det(3, 4, (50.0, 1.0, 100.0, 50.0)), cut=False, scale=1.0)])
    assert [d.target_id for d in finer.kept] == [3] and finer.removed == [1]
    # a later piece of A is dropped; a candidate a view will answer for is never removed by another view
    assert views.add([ViewBox(_det(4, 5, (95.0, 0.0, 100.0, 50.0), ("xmin",)), cut=True, scale=1.0)]).kept == []
    views.seed([ViewBox(_det(9, 0, (200.0, 0.0, 260.0, 60.0)), cut=False, scale=4.0, candidate=True)])
    other = views.add([ViewBox(_det(5, 6, (200.0, 0.0, 260.0, 60.0)), cut=False, scale=1.0)])
    assert [d.target_id for d in other.kept] == [5] and other.removed == [] and 9 in views.kept
