"""How many model calls a run makes, known before it runs: the tile grid arithmetic, shared by the engine's
tile planner (raster/tiling.py) and the plugin's estimate shown beside the strategy choice (stdlib only)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from inference_core.contract.options import DESCENT_LAST_STEP, SINGLE_VIEW_SLACK, RunOptions


def axis_count(length: int, tile: int, overlap: int) -> int:
    """Tiles of `tile` px sharing at least `overlap` px that cover `length` px (1 when it fits one tile)."""
    if length <= tile:
        return 1
    return math.ceil((length - overlap) / (tile - overlap))


def output_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """The extent's size in view pixels once resampled by `scale` (source pixels per view pixel)."""
    return max(1, round(width / scale)), max(1, round(height / scale))


def fits_one_view(width: int, height: int, scale: float, options: RunOptions) -> bool:
    """True when `tiles` plans one view: the resampled extent is within SINGLE_VIEW_SLACK x the budget."""
    out_w, out_h = output_size(width, height, scale)
    return out_w * out_h <= SINGLE_VIEW_SLACK * options.max_pixels


def tile_sides(scale: float, options: RunOptions) -> tuple[int, int]:
    """(tile, overlap) in source pixels: the option sizes in view pixels times `scale`, overlap below the tile."""
    tile_src = max(1, round(options.tile_size * scale))
    return tile_src, min(round(options.overlap * scale), tile_src - 1)


def tile_count(width: int, height: int, scale: float, options: RunOptions) -> int:
    """The views `tiles` plans over a width x height px extent (raster/tiling.plan_tiles makes exactly these)."""
    if fits_one_view(width, height, scale, options) or options.single_view:
        return 1
    tile_src, overlap_src = tile_sides(scale, options)
    return axis_count(width, tile_src, overlap_src) * axis_count(height, tile_src, overlap_src)


@dataclass(frozen=True)
class CallEstimate:
    """Model calls before the run: exactly `calls`, plus one per candidate the overview finds when `per_find`."""

    calls: int
    per_find: bool = False
    per_find_max: int = 1  # `descent`: up to one view per level below the overview for each find


def estimate_calls(width: int, height: int, scale: float, options: RunOptions,
                   strategy: Optional[str] = None) -> CallEstimate:
    """Model calls of a run over a width x height px extent: `tiles` one per tile, `overview` one, `refine`
    one plus at most one per candidate, `descent` one plus a few per candidate (one view per level that holds
    it), or one when the extent fits a view."""
    strategy = strategy or options.strategy
    tiles = tile_count(width, height, scale, options)
    if strategy == "tiles":
        return CallEstimate(tiles)
    if strategy == "overview" or tiles == 1:
        return CallEstimate(1)
    if strategy == "descent":
        return CallEstimate(1, per_find=True, per_find_max=descent_levels(width, height, scale, options))
    return CallEstimate(1, per_find=True)


def descent_levels(width: int, height: int, scale: float, options: RunOptions) -> int:
    """The levels `descent` plans below the overview (run/strategies.plan_level): halving the overview's scale
    (about sqrt(extent / budget) source px per view px) until within DESCENT_LAST_STEP of `scale`."""
    parent = max(scale, math.sqrt(width * height / options.max_pixels))
    n = 0
    while parent >= DESCENT_LAST_STEP * scale:
        parent = max(scale, parent / 2)
        n += 1
    return n
