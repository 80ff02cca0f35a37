"""Typed records that flow through the pipeline: the tiles the model sees and the detections it yields (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 (x right, y down in pixels)
Affine6 = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f (rasterio/affine order)


@dataclass(frozen=True)
class TileSpec:
    """One view the model looks at.

    `col_off/row_off/width/height` is the raster pixel window read; `out_width/out_height` is the
    image size handed to the model after optional GSD resampling; `transform` maps image pixels
    (of the out size) to map coordinates. `stage` is what the view is for (strategies: overview |
    refine | tile), recorded on the features it yields.
    """

    tile_id: int
    col_off: int
    row_off: int
    width: int
    height: int
    out_width: int
    out_height: int
    transform: Affine6
    stage: str = "tile"

    @property
    def window(self) -> tuple[int, int, int, int]:
        return (self.col_off, self.row_off, self.width, self.height)


@dataclass
class Detection:
    """One target: a box in tile pixels and in map coordinates, plus optional mask geometry (WKB)."""

    target_id: int
    tile_id: int
    box_px: Box
    box_map: Box  # xmin, ymin, xmax, ymax in the raster CRS
    label: Optional[str] = None
    score: Optional[float] = None
    reasoning: str = ""
    mask_wkb: Optional[bytes] = None
    sam_score: Optional[float] = None
    extra: dict[str, Any] = field(default_factory=dict)
