"""Evaluation metrics against hand-computed values on small synthetic masks and boxes."""

from __future__ import annotations

import numpy as np
import pytest

from inference_core.geometry.boxes import box_iou
from inference_core.evaluate.metrics import (
    SampleScore, box_score, breakdown, envelope, mask_box, mask_counts, sample_ious, summarize,
)


def _mask(shape, *rects):
    m = np.zeros(shape, dtype=bool)
    for r0, r1, c0, c1 in rects:
        m[r0:r1, c0:c1] = True
    return m


def _score(sid, pred, gt, **kw):
    inter, union = mask_counts(pred, gt)
    return SampleScore(sid, inter, union, int(pred.sum()), int(gt.sum()), **kw)


def test_mask_counts_overlapping_squares():
    pred = _mask((8, 8), (0, 4, 0, 4))
    gt = _mask((8, 8), (2, 6, 2, 6))
    assert mask_counts(pred, gt) == (4, 28)
    assert _score("a", pred, gt).iou == pytest.approx(4 / 28)


def test_empty_prediction_and_empty_truth_counts_one():
    empty = np.zeros((5, 7), dtype=bool)
    s = _score("e", empty, empty)
    assert (s.intersection, s.union) == (0, 0)
    assert s.iou == 1.0


def test_no_prediction_against_a_target_counts_zero():
    s = _score("n", np.zeros((8, 8), bool), _mask((8, 8), (0, 4, 0, 4)))
    assert (s.intersection, s.union, s.gt_pixels) == (0, 16, 16)
    assert s.iou == 0.0
    # and a prediction where there is no target is also 0
    s2 = _score("f", _mask((8, 8), (0, 1, 0, 3)), np.zeros((8, 8), bool))
    assert s2.iou == 0.0 and s2.union == 3


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in shape"):
        mask_counts(np.zeros((3, 3)), np.zeros((3, 4)))


def test_summarize_giou_ciou_precision_by_hand():
    g = _mask((8, 8), (0, 4, 0, 4))
    scores = [
        _score("overlap", _mask((8, 8), (0, 4, 0, 4)), _mask((8, 8), (2, 6, 2, 6))),  # 4/28
        _score("empty", np.zeros((8, 8), bool), np.zeros((8, 8), bool)),  # 1.0, adds 0/0
        _score("missed", np.zeros((8, 8), bool), g),  # 0, adds 0/16
        _score("perfect", g, g),  # 1.0, adds 16/16
    ]
    s = summarize(scores)
    assert s.n == 4
    assert s.giou == pytest.approx((1 / 7 + 1 + 0 + 1) / 4)  # 15/28
    assert s.ciou == pytest.approx((4 + 0 + 0 + 16) / (28 + 0 + 16 + 16))  # 1/3
    assert s.precision == {"0.5": 0.5, "0.6": 0.5, "0.7": 0.5, "0.8": 0.5, "0.9": 0.5}
    assert s.acc_box is None and s.n_box == 0


def test_precision_threshold_is_inclusive():
    # IoU exactly 0.7 (7 of 10 pixels) counts at Pr@0.7 but not at Pr@0.8.
    s = summarize([SampleScore("x", 7, 10, 7, 10)])
    assert s.precision["0.7"] == 1.0 and s.precision["0.8"] == 0.0
    assert s.giou == pytest.approx(0.7) and s.ciou == pytest.approx(0.7)


def test_all_empty_dataset_has_ciou_one_and_empty_summary_is_none():
    s = summarize([SampleScore("a", 0, 0, 0, 0), SampleScore("b", 0, 0, 0, 0)])
    assert s.giou == 1.0 and s.ciou == 1.0
    none = summarize([])
    assert none.n == 0 and none.giou is None and none.ciou is None


def test_box_iou_envelope_and_mask_box():
    assert box_iou(np.array([[0, 0, 10, 10]]), np.array([[5, 0, 15, 10]]))[0] == pytest.approx(50 / 150)
    assert box_iou(np.array([[0, 0, 1, 1]]), np.array([[2, 2, 3, 3]]))[0] == 0.0
    assert envelope([[0, 0, 2, 2], [8, 8, 10, 10]]) == (0.0, 0.0, 10.0, 10.0)
    assert envelope([]) is None
    m = _mask((20, 30), (3, 7, 10, 12), (5, 6, 20, 21))
    assert mask_box(m) == (10.0, 3.0, 21.0, 7.0)
    assert mask_box(np.zeros((4, 4), bool)) is None


def test_box_score_and_acc_at_half():
    assert box_score([[0, 0, 10, 10]], (0, 0, 10, 20)) == pytest.approx(0.5)
    assert box_score(None, None) == 1.0
    assert box_score([], (0, 0, 5, 5)) == 0.0
    assert box_score([[0, 0, 5, 5]], None) == 0.0
    # two predicted boxes: their envelope (0,0,10,10) is compared, IoU with (0,0,10,10) = 1
    assert box_score([[0, 0, 4, 4], [6, 6, 10, 10]], (0, 0, 10, 10)) == 1.0
    scores = [
        SampleScore("a", 1, 1, 1, 1, box_iou=0.5),
        SampleScore("b", 1, 1, 1, 1, box_iou=0.49),
        SampleScore("c", 1, 1, 1, 1, box_iou=1.0),
        SampleScore("d", 1, 1, 1, 1, box_iou=None),
    ]
    s = summarize(scores)
    assert s.n_box == 3
    assert s.acc_box == pytest.approx(2 / 3)
    assert s.mean_box_iou == pytest.approx((0.5 + 0.49 + 1.0) / 3)


def test_breakdown_per_category_and_split():
    scores = [
        SampleScore("a", 1, 2, 1, 2, category="tank", split="val"),
        SampleScore("b", 2, 2, 2, 2, category="tank", split="test"),
        SampleScore("c", 0, 4, 0, 4, category="ship", split="test"),
        SampleScore("d", 3, 3, 3, 3, category=None, split="test"),
    ]
    cats = breakdown(scores, "category")
    assert list(cats) == ["ship", "tank"]
    assert cats["tank"].n == 2 and cats["tank"].giou == pytest.approx(0.75) and cats["tank"].ciou == pytest.approx(0.75)
    assert cats["ship"].giou == 0.0
    splits = breakdown(scores, "split")
    assert splits["test"].n == 3 and splits["test"].ciou == pytest.approx(5 / 9)
    assert splits["val"].giou == pytest.approx(0.5)


def test_sample_ious_vectorised():
    out = sample_ious(np.array([0, 3, 0]), np.array([0, 4, 5]))
    np.testing.assert_allclose(out, [1.0, 0.75, 0.0])
