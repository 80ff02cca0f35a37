"""smart_resize matches transformers' Qwen2-VL rule; boxes rescale, clamp and map exactly."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inference_core.common.records import TileSpec
from inference_core.raster.coords import (
    clamp_box,
    map_box_to_pixel,
    pixel_box_to_map,
    pixel_sides_to_map,
    raster_box_to_window,
    rescale_box,
    smart_resize,
    tile_box_to_raster,
    window_box_to_raster,
    window_transform,
)
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


def test_map_box_to_pixel_inverts_pixel_box_to_map():
    north_up = (0.1, 0, 1000, 0, -0.1, 2000)
    assert map_box_to_pixel((1001, 1990, 1002, 1995), north_up) == pytest.approx((10, 50, 20, 100))
    assert pixel_box_to_map(map_box_to_pixel((1001, 1990, 1002, 1995), north_up), north_up) == pytest.approx(
        (1001, 1990, 1002, 1995))


def test_pixel_sides_follow_the_axis_directions():
    assert pixel_sides_to_map((0.1, 0, 1000, 0, -0.1, 2000)) == {
        "left": "xmin", "right": "xmax", "top": "ymax", "bottom": "ymin"}
    assert pixel_sides_to_map((-0.1, 0, 1000, 0, 0.1, 2000)) == {
        "left": "xmax", "right": "xmin", "top": "ymin", "bottom": "ymax"}
    assert pixel_sides_to_map((0.1, 0.01, 1000, 0, -0.1, 2000)) is None  # rotated: no map sides


def test_window_boxes_and_transforms():
    t = TileSpec(3, 100, 40, 200, 100, 100, 50, (1, 0, 0, 0, -1, 0))
    assert tile_box_to_raster((10, 5, 20, 25), t) == (120.0, 50.0, 140.0, 90.0)
    assert window_box_to_raster((10, 5, 20, 25), t.window, (100, 50)) == (120.0, 50.0, 140.0, 90.0)
    assert raster_box_to_window((120.0, 50.0, 140.0, 90.0), t.window, (100, 50)) == (10.0, 5.0, 20.0, 25.0)
    # 2 m pixels, a window at (10, 20) of 50 x 50 read at 25 x 25: 4 m output pixels
    assert window_transform((2.0, 0, 1000.0, 0, -2.0, 2000.0), 10, 20, 50, 50, 25, 25) == pytest.approx(
        (4.0, 0, 1020.0, 0, -4.0, 1960.0))
