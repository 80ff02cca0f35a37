"""Coordinates, once: Qwen2.5-VL input sizing, model input <-> tile pixels <-> raster pixels <-> map, box clamping.

Boxes are (x1, y1, x2, y2) in pixels (x right, y down) or (xmin, ymin, xmax, ymax) in map units;
transforms are 6-tuples (a, b, c, d, e, f) in rasterio/affine order (`records.Affine6`). A window is
(col_off, row_off, width, height) of raster pixels, read resampled to an `out_size` (width, height).
"""

from __future__ import annotations

import math

from typing import Optional

from inference_core.common.records import Affine6, Box, TileSpec
from inference_core.contract.options import MAX_ASPECT_RATIO, PATCH_PX


def smart_resize(height: int, width: int, min_pixels: int, max_pixels: int, factor: int = PATCH_PX) -> tuple[int, int]:
    """(height, width) the Qwen2.5-VL processor resizes an image to.

    Sides rounded to multiples of `factor`, total pixels within [min_pixels, max_pixels], aspect
    kept as closely as the rounding allows — the same rule as transformers' Qwen2-VL image
    processor, so boxes the model returns can be mapped back exactly.
    """
    if height < 1 or width < 1:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if max(height, width) / min(height, width) > MAX_ASPECT_RATIO:
        raise ValueError(f"aspect ratio over {MAX_ASPECT_RATIO} is not supported by Qwen2.5-VL ({width}x{height})")
    # No lower clamp here: a side under factor/2 rounds to 0 and the min_pixels branch scales it up,
    # exactly as transformers does.
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def rescale_box(box: Box, input_size: tuple[int, int], image_size: tuple[int, int]) -> Box:
    """Map a box from the model's input pixels (w, h) to the tile image's pixels (w, h)."""
    sx = image_size[0] / input_size[0]
    sy = image_size[1] / input_size[1]
    x1, y1, x2, y2 = box
    return (x1 * sx, y1 * sy, x2 * sx, y2 * sy)


def clamp_box(box: Box, width: float, height: float) -> Box | None:
    """Order corners, clamp to [0, width] x [0, height]; None when the result has no area."""
    x1, y1, x2, y2 = box
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    x1, x2 = min(max(x1, 0.0), width), min(max(x2, 0.0), width)
    y1, y2 = min(max(y1, 0.0), height), min(max(y2, 0.0), height)
    if x2 - x1 <= 0 or y2 - y1 <= 0:
        return None
    return (x1, y1, x2, y2)


def pixel_box_to_map(box: Box, transform: Affine6) -> Box:
    """Pixel box -> (xmin, ymin, xmax, ymax) in map units through an affine (a, b, c, d, e, f).

    Rotated/sheared rasters are handled by taking the envelope of the four transformed corners.
    """
    a, b, c, d, e, f = transform
    x1, y1, x2, y2 = box
    xs, ys = [], []
    for px, py in ((x1, y1), (x2, y1), (x2, y2), (x1, y2)):
        xs.append(a * px + b * py + c)
        ys.append(d * px + e * py + f)
    return (min(xs), min(ys), max(xs), max(ys))


def map_box_to_pixel(box_map: Box, transform: Affine6) -> Box:
    """(xmin, ymin, xmax, ymax) in map units -> pixel box (x1, y1, x2, y2) of an image with `transform`."""
    from affine import Affine

    inv = ~Affine(*transform)
    xs, ys = [], []
    for x, y in ((box_map[0], box_map[1]), (box_map[2], box_map[3]), (box_map[0], box_map[3]), (box_map[2], box_map[1])):
        px, py = inv @ (x, y)
        xs.append(px)
        ys.append(py)
    return (min(xs), min(ys), max(xs), max(ys))


def pixel_sides_to_map(transform: Affine6) -> Optional[dict[str, str]]:
    """Which map side ('xmin'...'ymax') each pixel side (left/top/right/bottom) of an image becomes.

    None for a rotated or sheared transform: its pixel sides are not map sides.
    """
    a, b, _c, d, e, _f = transform
    if b != 0 or d != 0:
        return None
    return {
        "left": "xmin" if a > 0 else "xmax", "right": "xmax" if a > 0 else "xmin",
        "top": "ymax" if e < 0 else "ymin", "bottom": "ymin" if e < 0 else "ymax",
    }


def window_transform(transform: Affine6, col_off: int, row_off: int, width: int, height: int,
                     out_width: Optional[int] = None, out_height: Optional[int] = None) -> Affine6:
    """The affine of a window's pixels, read resampled to the out size, given the raster's `transform`."""
    from affine import Affine

    ow = out_width or width
    oh = out_height or height
    t = Affine(*transform) @ Affine.translation(col_off, row_off) @ Affine.scale(width / ow, height / oh)
    return tuple(t)[:6]


def window_box_to_raster(box: Box, window: tuple[int, int, int, int], out_size: tuple[int, int]) -> Box:
    """A box in the pixels of a window read at `out_size` -> full-raster pixels."""
    col, row, w, h = window
    sx, sy = w / out_size[0], h / out_size[1]
    x1, y1, x2, y2 = box
    return (col + x1 * sx, row + y1 * sy, col + x2 * sx, row + y2 * sy)


def raster_box_to_window(box: Box, window: tuple[int, int, int, int], out_size: tuple[int, int]) -> Box:
    """A box in full-raster pixels -> the pixels of a window read at `out_size` (inverse of the above)."""
    col, row, w, h = window
    sx, sy = out_size[0] / w, out_size[1] / h
    x1, y1, x2, y2 = box
    return ((x1 - col) * sx, (y1 - row) * sy, (x2 - col) * sx, (y2 - row) * sy)


def tile_box_to_raster(box_px: Box, tile: TileSpec) -> Box:
    """Tile image pixels (out size) -> full-raster pixels."""
    return window_box_to_raster(box_px, tile.window, (tile.out_width, tile.out_height))
