"""The strategy choice in the user's words (Quick / Focused / Thorough) and the model calls it will make over an
extent, known before the run (`contract.calls`), for the dock and Processing alike; no widgets."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsRasterLayer, QgsRectangle

from inference_core.contract.calls import estimate_calls, tile_count
from inference_core.contract.options import RunOptions

from ..i18n import tr

# The order the choice offers them: fewest calls first; `descent` last so that a saved Processing model's index
# of the three earlier choices keeps its meaning.
STRATEGY_ORDER = ("overview", "refine", "tiles", "descent")


def strategy_label(strategy: str) -> str:
    return {
        "overview": tr("Quick — one look at the whole extent"),
        "refine": tr("Focused — one look, then zoom in on each find"),
        "tiles": tr("Thorough — every tile at full resolution"),
        "descent": tr("Deep — closer looks, level by level, at each find"),  # short: a combo is as wide as its longest item
    }.get(strategy, strategy)


def strategy_hint(strategy: str) -> str:
    """When to choose it (the choice's tooltip)."""
    return {
        "overview": tr("One model call. Good for large, obvious targets and for questions about the whole scene; "
                       "small targets can vanish at the reduced resolution."),
        "refine": tr("One call for the overview, then one closer look per candidate, zoomed to fit it: sharper boxes "
                     "in few calls when the targets are few and visible in the overview."),
        "tiles": tr("One call per tile at full resolution: the slowest, and the safest for many or small targets."),
        "descent": tr("One call for the overview, then, level by level twice as fine, one call per part that holds "
                      "a find: also finds smaller targets next to those the overview sees, in a few calls; a small "
                      "target far from any find is missed."),
    }.get(strategy, "")


def extent_pixels(layer: QgsRasterLayer, rect: Optional[QgsRectangle]) -> tuple[int, int]:
    """The extent's size in the raster's pixels (`rect` in the raster CRS; None = the whole layer)."""
    if rect is None:
        return max(1, layer.width()), max(1, layer.height())
    ux, uy = layer.rasterUnitsPerPixelX() or 1.0, layer.rasterUnitsPerPixelY() or 1.0
    return max(1, round(rect.width() / ux)), max(1, round(rect.height() / uy))


def estimate_text(strategy: str, width: int, height: int, options: RunOptions) -> str:
    """"About 676 model calls", or for refine "1 model call + 1 per find (Thorough: 676)"."""
    est = estimate_calls(width, height, 1.0, options, strategy)
    if est.per_find and est.per_find_max > 1:  # descent: one view per level at most, for each find
        return tr("1 model call + up to {levels} per find (Thorough: %n)", None,
                  tile_count(width, height, 1.0, options)).format(levels=est.per_find_max)
    if est.per_find:
        return tr("1 model call + 1 per find (Thorough: %n)", None, tile_count(width, height, 1.0, options))
    return tr("%n model call(s)", None, est.calls)
