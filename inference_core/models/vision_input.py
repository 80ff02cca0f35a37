"""The image the model sees: a view resized by Qwen2.5-VL's rule, the same pixels for every backend.

The reference's loader resizes with qwen_vl_utils' `smart_resize` and PIL's default BICUBIC filter and
then calls the processor with `do_resize=False` (qwen_vl_utils vision_process.py:134-144; ms-swift
swift/llm/template/template/qwen.py:248-249). The engine does the same here, so the transformers
backend and a server behind the openai backend receive identical pixels, and the pixel budget the
user sets is the one the model sees (a checkpoint's own `max_pixels` never overrides it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inference_core.contract.options import PATCH_PX
from inference_core.raster.coords import smart_resize

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image


def model_input(image: "Image", min_pixels: int, max_pixels: int) -> tuple["Image", tuple[int, int]]:
    """The RGB image at the size Qwen2.5-VL takes within the budget, and that size as (width, height).

    Raises ValueError for sizes Qwen2.5-VL cannot take (aspect ratio over 200).
    """
    from PIL import Image as PILImage

    img = image if image.mode == "RGB" else image.convert("RGB")
    height, width = smart_resize(img.height, img.width, min_pixels, max_pixels)
    if (width, height) != img.size:
        img = img.resize((width, height), PILImage.Resampling.BICUBIC)
    return img, (width, height)


def image_tokens(size: tuple[int, int]) -> int:
    """Tokens the image occupies in the prompt: one per 28x28 block (14-px patches merged 2x2)."""
    return (size[0] // PATCH_PX) * (size[1] // PATCH_PX)
