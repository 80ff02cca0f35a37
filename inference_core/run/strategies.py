"""How an extent becomes model calls (contract.options.STRATEGIES): `tiles` asks every tile; `overview` asks one
downscaled view of the whole extent; `refine` asks the overview, then one view zoomed to fit each of its
candidates (or of a few that fit together), whose answer replaces them; `descent` asks the overview, then level
by level twice as fine, only the cells holding a find. The pipeline asks the views; this module plans them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from inference_core.common.records import Box, Detection, TileSpec
from inference_core.contract.calls import tile_count, tile_sides
from inference_core.contract.options import DESCENT_LAST_STEP, FRAMED_SLACK, REFINE_CONTEXT, REFINE_SLACK_VIEW_PX
from inference_core.raster.coords import tile_box_to_raster
from inference_core.raster.tiling import axis_starts, gsd_scale, model_view_size, plan_overview, plan_tiles
from inference_core.raster.windows import centred_window, group_candidates, long_side

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource

OVERVIEW_ID = 0  # the overview is view 0; refine views are numbered from 1 in plan order


@dataclass
class StrategyPlan:
    """The views of a run so far and, for `refine`, which candidates (target ids) each refine view replaces.

    `refining`: the first view's boxes are candidates, not results (a `refine` run whose extent needs more
    than one view; when the extent fits one view the overview is already at full resolution and final).
    """

    strategy: str
    views: list[TileSpec]
    refining: bool = False
    replaces: dict[int, tuple[int, ...]] = field(default_factory=dict)
    descending: bool = False  # `descent` over an extent larger than one view: levels follow the overview

    def is_candidates(self, view: TileSpec) -> bool:
        """True for the view whose boxes are candidates for refine views (refine's overview)."""
        return self.refining and view.tile_id == OVERVIEW_ID and view.stage == "overview"

    def add_refine(self, source: "RasterSource", options: "RunOptions", candidates: Sequence[Detection]) -> list[TileSpec]:
        """Plan the refine views of the overview's candidates, append them and return them."""
        planned = plan_refine(source, options, self.views[0], candidates, first_id=OVERVIEW_ID + 1)
        for view, ids in planned:
            self.replaces[view.tile_id] = ids
        self.views = self.views[:1] + [v for v, _ in planned]
        return self.views[1:]

    def add_level(self, source: "RasterSource", options: "RunOptions", parents: Sequence[TileSpec],
                  boxes: Sequence[Box]) -> list[TileSpec]:
        """`descent`: plan the next level below `parents` from their boxes (raster px), append it and return it."""
        level = plan_level(source, options, max(view_scale(v) for v in parents), boxes, first_id=len(self.views))
        self.views = self.views + level
        return level


def view_scale(view: TileSpec) -> float:
    """Raster pixels per view pixel along the coarser axis: how fine a view sees (smaller is finer)."""
    return max(view.width / view.out_width, view.height / view.out_height)


def plan_strategy(source: "RasterSource", options: "RunOptions") -> StrategyPlan:
    """The first views of a run: every tile (`tiles`) or the overview (`overview`, `refine`)."""
    if options.strategy == "tiles":
        return StrategyPlan("tiles", plan_tiles(source, options))
    _c0, _r0, w, h = source.window
    several = tile_count(w, h, gsd_scale(source, options.gsd), options) > 1
    return StrategyPlan(options.strategy, [plan_overview(source, options, tile_id=OVERVIEW_ID)],
                        refining=several and options.strategy == "refine",
                        descending=several and options.strategy == "descent")


def plan_refine(source: "RasterSource", options: "RunOptions", overview: TileSpec, candidates: Sequence[Detection],
                first_id: int) -> list[tuple[TileSpec, tuple[int, ...]]]:
    """(view, candidate target ids it replaces) for the overview's candidates: zoom to fit.

    Each candidate with REFINE_CONTEXT of its side around it on every side (and at least REFINE_SLACK_VIEW_PX
    overview pixels: an overview box may be off by a pixel or two) gets ONE square view of `options.tile_size`
    view pixels at the finest ground sample distance at which it fits: native (or `options.gsd`) when it fits
    one tile, else the window is widened and read downscaled. A candidate is never split across views (a view
    of only the inside of an object is no question a model was trained to answer). Candidates that mostly
    overlap, or fit one view together, share it (raster.windows.group_candidates). A group that would need a
    view as coarse as the overview gets none: the overview's answer is already the finest view of it (its
    candidates stay, final). Deterministic: a resumed run plans the same views from the same overview answer.
    """
    s = gsd_scale(source, options.gsd)
    side, _overlap = tile_sides(s, options)
    ov_scale = view_scale(overview)
    boxes = [tile_box_to_raster(d.box_px, overview) for d in candidates]
    margins = [max(REFINE_CONTEXT * long_side(b), REFINE_SLACK_VIEW_PX * ov_scale) for b in boxes]
    out: list[tuple[TileSpec, tuple[int, ...]]] = []
    next_id = first_id
    for group in group_candidates(boxes, margins, side):
        scale = max(s, long_side(group.area) / options.tile_size)  # raster px per view px
        if scale >= ov_scale:
            continue
        wside = max(side, math.ceil(scale * options.tile_size))
        col, row, w, h = centred_window(group.area, wside, wside, source.window)
        ow, oh = max(1, round(w / scale)), max(1, round(h / scale))
        if w == wside and h == wside:
            ow = oh = options.tile_size
        ow, oh = model_view_size(ow, oh, options)  # the model's pixels are the view's (raster.tiling)
        view = TileSpec(next_id, col, row, w, h, ow, oh, source.window_transform(col, row, w, h, ow, oh), "refine")
        out.append((view, tuple(candidates[i].target_id for i in group.members)))
        next_id += 1
    return out


def refined_ids(source: "RasterSource", options: "RunOptions", overview: TileSpec,
                candidates: Sequence[Detection]) -> set[int]:
    """The candidates (target ids) some refine view will answer for; the others are final as the overview found them."""
    return {i for _v, ids in plan_refine(source, options, overview, candidates, OVERVIEW_ID + 1) for i in ids}


def plan_level(source: "RasterSource", options: "RunOptions", parent_scale: float, boxes: Sequence[Box],
               first_id: int) -> list[TileSpec]:
    """`descent`: the next level below views of `parent_scale` (raster px per view px), twice as fine (never
    finer than native or `options.gsd`): the extent's grid of `options.tile_size` views at that scale,
    overlapping by `options.overlap` view px, of which only the cells that hold a box of the level above.

    Each box that a cell there frames (contract.options.FRAMED_SLACK) picks the one cell that holds it with the
    most room (among the cells holding its centre); a larger box stands as its level found it.
    None when the parents were within DESCENT_LAST_STEP of the finest scale. Row-major, numbered from `first_id`.
    """
    s = gsd_scale(source, options.gsd)
    if parent_scale < DESCENT_LAST_STEP * s:  # the parents were (nearly) at the finest scale already
        return []
    scale = max(s, parent_scale / 2)
    c0, r0, w, h = source.window
    side = min(max(1, round(options.tile_size * scale)), max(w, h))
    overlap = min(round(options.overlap * scale), side - 1)
    cols = [c0 + c for c in axis_starts(w, min(side, w), overlap)]
    rows = [r0 + r for r in axis_starts(h, min(side, h), overlap)]
    cw, ch = min(side, w), min(side, h)
    chosen: set[tuple[int, int]] = set()
    for b in boxes:
        if long_side(b) * (1 + 2 * REFINE_CONTEXT) > FRAMED_SLACK * side:
            continue
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2

        def room(cell: tuple[int, int]) -> float:
            col, row = cell
            return min(b[0] - col, b[1] - row, col + cw - b[2], row + ch - b[3])

        cells = [(col, row) for row in rows for col in cols
                 if col <= cx < col + cw and row <= cy < row + ch] or [(cols[0], rows[0])]
        chosen.add(max(cells, key=room))
    out = []
    for row in rows:
        for col in cols:
            if (col, row) in chosen:
                ow, oh = model_view_size(max(1, round(cw / scale)), max(1, round(ch / scale)), options)
                out.append(TileSpec(first_id + len(out), col, row, cw, ch, ow, oh,
                                    source.window_transform(col, row, cw, ch, ow, oh), "refine"))
    return out
