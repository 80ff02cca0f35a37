"""How an extent becomes model calls (contract.options.STRATEGIES): `tiles` asks every tile; `overview` asks one
downscaled view of the whole extent; `refine` asks the overview, then a native-resolution window around each
of its candidates, whose answer replaces them. The pipeline asks the views; this module plans them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from inference_core.common.records import Detection, TileSpec
from inference_core.contract.calls import tile_count, tile_sides
from inference_core.contract.options import REFINE_CONTEXT, REFINE_SLACK_VIEW_PX
from inference_core.raster.coords import tile_box_to_raster
from inference_core.raster.tiling import (
    gsd_scale,
    model_view_size,
    plan_overview,
    plan_tiles,
    tiles_over,
)
from inference_core.raster.windows import (
    centred_window,
    clip_to,
    fits,
    group_candidates,
)

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

    def is_candidates(self, view: TileSpec) -> bool:
        """True for the view whose boxes are candidates for refine views (refine's overview)."""
        return self.refining and view.tile_id == OVERVIEW_ID and view.stage == "overview"

    def add_refine(self, source: "RasterSource", options: "RunOptions", candidates: Sequence[Detection]) -> list[TileSpec]:
        """Plan the refine views of the overview's candidates, append them and return them."""
        planned = plan_refine(source, options, self.views[0], candidates, first_id=OVERVIEW_ID + 1)
        for view, ids in planned:
            if ids:
                self.replaces[view.tile_id] = ids
        self.views = self.views[:1] + [v for v, _ in planned]
        return self.views[1:]


def plan_strategy(source: "RasterSource", options: "RunOptions") -> StrategyPlan:
    """The first views of a run: every tile (`tiles`) or the overview (`overview`, `refine`)."""
    if options.strategy == "tiles":
        return StrategyPlan("tiles", plan_tiles(source, options))
    _c0, _r0, w, h = source.window
    refining = options.strategy == "refine" and tile_count(w, h, gsd_scale(source, options.gsd), options) > 1
    return StrategyPlan(options.strategy, [plan_overview(source, options, tile_id=OVERVIEW_ID)], refining)


def plan_refine(source: "RasterSource", options: "RunOptions", overview: TileSpec, candidates: Sequence[Detection],
                first_id: int) -> list[tuple[TileSpec, tuple[int, ...]]]:
    """(view, candidate target ids it replaces) for the overview's candidates.

    Each candidate, with REFINE_CONTEXT of its side around it, gets a window of one tile (`options.tile_size`
    view pixels read at native resolution, or at `options.gsd`) centred on it within the extent; candidates
    that overlap, or fit one window together, share it. A group larger than one window is tiled over its
    area (stage `tile`); the last of those tiles replaces the group's candidates, so a run stopped half-way
    keeps them. Deterministic: a resumed run plans the same views from the same overview answer.
    """
    s = gsd_scale(source, options.gsd)
    side, _overlap = tile_sides(s, options)
    view_px = max(overview.width / overview.out_width, overview.height / overview.out_height)
    boxes = [tile_box_to_raster(d.box_px, overview) for d in candidates]
    margins = [max(REFINE_CONTEXT * max(b[2] - b[0], b[3] - b[1]), REFINE_SLACK_VIEW_PX * view_px) for b in boxes]
    out: list[tuple[TileSpec, tuple[int, ...]]] = []
    next_id = first_id
    for group in group_candidates(boxes, margins, side):
        ids = tuple(candidates[i].target_id for i in group.members)
        if fits(group.area, side):
            col, row, w, h = centred_window(group.area, side, side, source.window)
            ow = options.tile_size if w == side else max(1, round(w / s))
            oh = options.tile_size if h == side else max(1, round(h / s))
            ow, oh = model_view_size(ow, oh, options)  # the model's pixels are the view's (raster.tiling)
            view = TileSpec(next_id, col, row, w, h, ow, oh, source.window_transform(col, row, w, h, ow, oh), "refine")
            out.append((view, ids))
            next_id += 1
            continue
        tiles = tiles_over(source, options, clip_to(group.area, source.window), first_id=next_id)
        out += [(t, ids if i == len(tiles) - 1 else ()) for i, t in enumerate(tiles)]
        next_id += len(tiles)
    return out
