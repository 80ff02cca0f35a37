"""Qwen2.5-VL input sizing (`smart_resize`) and box rescaling from model input to tile pixels."""

from __future__ import annotations

import math

from inference_core.common.records import Box
from inference_core.contract.options import PATCH_PX


def smart_resize(height: int, width: int, min_pixels: int, max_pixels: int, factor: int = PATCH_PX) -> tuple[int, int]:
    """(height, width) the Qwen2.5-VL processor resizes an image to.

    Sides rounded to multiples of `factor`, total pixels within [min_pixels, max_pixels], aspect
    kept as closely as the rounding allows — the same rule as transformers' Qwen2-VL image
    processor, so boxes the model returns can be mapped back exactly.
    """
    if height < 1 or width < 1:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if max(height, width) / min(height, width) > 200:
        raise ValueError(f"aspect ratio over 200 is not supported by Qwen2.5-VL ({width}x{height})")
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


def pixel_box_to_map(box: Box, transform: tuple[float, float, float, float, float, float]) -> Box:
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
