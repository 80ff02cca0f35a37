"""The shipped tiny trained SAM (resources/tiny_sam/): loaded by the engine's SAM loader, named for what it is,
and its mask IoU measured on held-out synthetic shapes through the engine's predictor (box + centre point)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from inference_core.contract.paths import TINY_SAM
from inference_core.models import shapes
from inference_core.models.segment import load_segmenter

DESCRIPTION = "tiny trained SAM (synthetic shapes), not Segment Anything weights"
TRAINING = json.loads((TINY_SAM.parent / "training.json").read_text())
# The target: a median mask IoU of 0.85 on held-out synthetic shapes (1 000 of them: over 200 the median
# moves by a few hundredths with the seed).
MEDIAN_IOU_FLOOR = 0.85


@pytest.fixture(scope="module")
def segmenter():
    return load_segmenter(str(TINY_SAM), device="cpu")


@pytest.fixture(scope="module")
def held_out_ious(segmenter):
    held = TRAINING["held_out"]
    out = []
    for image, prompt in shapes.held_out(held["seed"], held["count"], segmenter.input_side):
        mask, score = segmenter.predict(image, prompt.box)
        out.append((prompt.kind, shapes.mask_iou(mask, prompt.mask), score))
    return out


def test_it_is_a_small_segment_anything_model_named_for_what_it_is(segmenter):
    from segment_anything.modeling import Sam

    assert isinstance(segmenter.sam, Sam)  # the segment-anything code path real checkpoints take
    assert segmenter.input_side == 128
    assert segmenter.model_id.startswith(DESCRIPTION + " (json:tiny_sam_shapes.pth:")
    assert TINY_SAM.stat().st_size < 5_000_000
    assert TRAINING["description"] == DESCRIPTION
    assert TRAINING["parameters"] == sum(p.numel() for p in segmenter.sam.parameters())


def test_training_record_is_portable():
    text = (TINY_SAM.parent / "training.json").read_text()
    assert not re.search(r'"/(tmp|root|home|work)/', text)  # no absolute paths of the machine that trained it
    assert TRAINING["script"] == "scripts/train_tiny_sam.py" and TRAINING["seconds"] > 0


def test_held_out_median_iou(held_out_ious):
    ious = np.array([iou for _, iou, _ in held_out_ious])
    assert len(ious) == TRAINING["held_out"]["count"] == 1000
    median = float(np.median(ious))
    # the value recorded at training is what the shipped file measures here
    assert median == pytest.approx(TRAINING["held_out"]["median_iou"], abs=0.01)
    assert median >= MEDIAN_IOU_FLOOR


def test_every_setting_is_measured(held_out_ious):
    """Canopies of close crowns and objects faint against their background are the hard cases: each is in the
    held-out set and the record gives its median apart, so a mean over easy shapes cannot hide them."""
    by_setting = TRAINING["held_out"]["median_iou_by_setting"]
    assert set(by_setting) == {"canopy", "distinct", "faint"}
    assert sum(n for n, _ in by_setting.values()) == len(held_out_ious)
    assert all(median >= 0.75 for _, median in by_setting.values())


def test_iou_head_ranks_good_masks_above_bad(held_out_ious):
    """The score the engine writes as `sam_score` tracks the real IoU (it was trained against it)."""
    ious = np.array([iou for _, iou, _ in held_out_ious])
    scores = np.array([s for _, _, s in held_out_ious])
    assert np.corrcoef(ious, scores)[0, 1] > 0.3
