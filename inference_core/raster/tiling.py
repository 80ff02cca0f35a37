"""Plan the views the model sees: one view when the extent fits the pixel budget, else overlapping tiles."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from inference_core.common.records import TileSpec
from inference_core.contract.calls import axis_count, fits_one_view, output_size, tile_sides
from inference_core.contract.options import FIND_ALL, MAX_ASPECT_RATIO, PATCH_PX
from inference_core.raster.coords import smart_resize

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource


def axis_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of `tile` px with `overlap` px along an axis of `length` px.

    The fewest tiles with at least `overlap` px shared between neighbours, spread evenly from 0 to
    `length - tile`: the last tile ends exactly at `length` (no slivers) and the overlap is uniform
    instead of one heavily overlapping last tile. A length that fits in one tile gives [0].
    """
    n = axis_count(length, tile, overlap)
    if n == 1:
        return [0]
    span = length - tile
    return [round(i * span / (n - 1)) for i in range(n)]


def gsd_scale(source: "RasterSource", gsd: float | None) -> float:
    """Source pixels per output pixel: > 1 shrinks the image (coarser GSD), 1 without `gsd`."""
    if not gsd:
        return 1.0
    rx, ry = source.resolution
    return gsd / math.sqrt(rx * ry)


def model_view_size(out_w: int, out_h: int, options: "RunOptions", *, grid: bool = True) -> tuple[int, int]:
    """(width, height) a view of out_w x out_h px is read at: the size the reasoner takes it at.

    The reference's loader resizes every image with qwen_vl_utils' smart_resize (vision_process.py:134-144)
    before the model sees it. Reading the view at that size here (rather than at out size, then resized by
    the backend) makes the model's input pixels and the view's pixels one grid, so a box means the same
    under both coordinate conventions (`model-input`, `original-image`): a 1024², 1000² or 1200x800 extent,
    or a --tile-size of 1000 or 500 px, no longer shrinks or stretches boxes (issue 31).

    With `grid=False` (one view of a whole extent) a view the model only rounds to its 28-px grid (at most
    half a patch per side, sides within the budget) keeps its size, as the reference's images keep theirs
    (RemoteReasoner.py:231-235 loads the file as is); only a view the model shrinks to the budget is read
    at the model's size. SAM 3 (find-all) is no Qwen: its views keep their size. A view over Qwen's
    aspect-ratio limit keeps its size too, for `run.limits.check_view_shapes` to refuse with the fix.
    """
    if options.mode == FIND_ALL or max(out_w, out_h) / max(1, min(out_w, out_h)) > MAX_ASPECT_RATIO:
        return out_w, out_h
    if not grid and grid_rounded(out_w, out_h) <= options.max_pixels:
        return out_w, out_h
    h, w = smart_resize(out_h, out_w, options.min_pixels, options.max_pixels)
    return w, h


def grid_rounded(width: int, height: int) -> int:
    """Pixels of a view with each side rounded to the 28-px grid: above the budget, smart_resize shrinks it
    to the budget (qwen_vl_utils 0.0.11 vision_process.py:76-81; raster.coords.smart_resize)."""
    return round(width / PATCH_PX) * PATCH_PX * round(height / PATCH_PX) * PATCH_PX


def plan_overview(source: "RasterSource", options: "RunOptions", tile_id: int = 0, stage: str = "overview") -> TileSpec:
    """One view of the whole extent at the model's pixel budget (the `overview` strategy, `single_view`).

    With `options.gsd` the extent is resampled by `gsd_scale`. An extent the model shrinks to the budget
    is read at the model's size (`model_view_size`), so a large extent is never read whole and the model's
    pixels are the view's; one within the budget is read as is. The view reads the whole-pixel extent
    window, so its transform (view pixels -> map) is exact.
    """
    c0, r0, w, h = source.window
    s = gsd_scale(source, options.gsd)
    out_w, out_h = model_view_size(*output_size(w, h, s), options, grid=False)
    return TileSpec(tile_id, c0, r0, w, h, out_w, out_h, source.window_transform(c0, r0, w, h, out_w, out_h), stage)


def plan_tiles(source: "RasterSource", options: "RunOptions") -> list[TileSpec]:
    """TileSpecs over `source.window` in row-major order (tile_id 0, 1, ... left to right, top down).

    One view (`plan_overview`) when the resampled extent fits SINGLE_VIEW_SLACK x the budget or with
    `options.single_view`. Otherwise tiles of `options.tile_size` output pixels overlapping by
    `options.overlap` output pixels (sizes resampled by `gsd_scale` with `options.gsd`), each reading a
    whole-pixel source window, so its transform (output pixels -> map) is exact.
    """
    c0, r0, w, h = source.window
    s = gsd_scale(source, options.gsd)
    if fits_one_view(w, h, s, options) or options.single_view:
        return [plan_overview(source, options, stage="tile")]
    return tiles_over(source, options, source.window)


def tiles_over(source: "RasterSource", options: "RunOptions", window: tuple[int, int, int, int],
               first_id: int = 0, stage: str = "tile") -> list[TileSpec]:
    """Overlapping tiles of `options.tile_size` output pixels over a raster pixel `window`, row-major,
    numbered from `first_id`; tiles end at the window, never beyond it. Each is read at the model's size
    (`model_view_size`): a tile size above the budget or not a multiple of 28 px is read smaller or larger."""
    c0, r0, w, h = window
    s = gsd_scale(source, options.gsd)
    tile_src, overlap_src = tile_sides(s, options)
    cols = axis_starts(w, tile_src, overlap_src)
    rows = axis_starts(h, tile_src, overlap_src)
    tiles: list[TileSpec] = []
    for r in rows:
        th = min(tile_src, h)
        oh = options.tile_size if th == tile_src else max(1, round(th / s))
        for c in cols:
            tw = min(tile_src, w)
            ow = options.tile_size if tw == tile_src else max(1, round(tw / s))
            ow, oh_read = model_view_size(ow, oh, options)
            col, row = c0 + c, r0 + r
            tiles.append(TileSpec(first_id + len(tiles), col, row, tw, th, ow, oh_read,
                                  source.window_transform(col, row, tw, th, ow, oh_read), stage))
    return tiles


def tile_edges(tile: TileSpec, source_window: tuple[int, int, int, int]) -> dict[str, bool]:
    """Which sides of a tile are inner seams (True) rather than the extent border (False)."""
    c0, r0, w, h = source_window
    return {
        "left": tile.col_off > c0,
        "top": tile.row_off > r0,
        "right": tile.col_off + tile.width < c0 + w,
        "bottom": tile.row_off + tile.height < r0 + h,
    }
