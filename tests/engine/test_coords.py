"""smart_resize matches transformers' Qwen2-VL rule; boxes rescale, clamp and map exactly."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inference_core.raster.coords import clamp_box, pixel_box_to_map, rescale_box, smart_resize
from inference_core.contract.options import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000))
def test_smart_resize_equals_transformers(h, w):
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize as ref

    if max(h, w) / min(h, w) > 200:
        return
    assert smart_resize(h, w, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS) == ref(
        h, w, factor=28, min_pixels=DEFAULT_MIN_PIXELS, max_pixels=DEFAULT_MAX_PIXELS
    )


def test_smart_resize_known_values():
    assert smart_resize(400, 400, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS) == (392, 392)
    assert smart_resize(1008, 1008, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS) == (896, 896)
    h, w = smart_resize(1008, 1008, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    assert h * w <= DEFAULT_MAX_PIXELS and h % 28 == 0 and w % 28 == 0
    assert smart_resize(10, 100, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS) == (28, 196)
    with pytest.raises(ValueError):
        smart_resize(0, 10, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)


def test_rescale_clamp_and_map():
    # a box the model gave on its 392x392 input of a 400x400 tile
    assert rescale_box((98, 196, 196, 392), (392, 392), (400, 400)) == (100.0, 200.0, 200.0, 400.0)
    assert clamp_box((-5, 10, 50, 500), 400, 400) == (0.0, 10.0, 50.0, 400.0)
    assert clamp_box((30, 10, 10, 40), 400, 400) == (10.0, 10.0, 30.0, 40.0)
    assert clamp_box((500, 10, 600, 40), 400, 400) is None
    # 0.1 m pixels, origin (1000, 2000), y down
    assert pixel_box_to_map((10, 20, 30, 40), (0.1, 0.0, 1000.0, 0.0, -0.1, 2000.0)) == pytest.approx(
        (1001.0, 1996.0, 1003.0, 1998.0)
    )
