"""What the analyst sees of a raster layer, for the model to see the same: the renderer's red, green and blue
bands and its contrast min/max, as the run's `bands` and `stretch_values` (contract.options.RunOptions)."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsSingleBandGrayRenderer


def _range(enhancement: Any) -> tuple[float, float] | None:
    """(min, max) of a band's contrast enhancement, or None when the band is shown unstretched."""
    if enhancement is None:
        return None
    if enhancement.contrastEnhancementAlgorithm() == QgsContrastEnhancement.ContrastEnhancementAlgorithm.NoEnhancement:
        return None
    low, high = float(enhancement.minimumValue()), float(enhancement.maximumValue())
    return (low, high) if high > low else None


def renderer_pixels(layer: Any) -> dict[str, Any]:
    """`bands` (and `stretch_values` when every shown band is stretched) from the layer's renderer: a
    multiband colour renderer's red, green, blue bands and their contrast min/max, or a single-band grey
    renderer's band and min/max. Empty for other renderers (paletted, pseudocolour: the engine's own choice)."""
    renderer = layer.renderer() if layer is not None else None
    if isinstance(renderer, QgsMultiBandColorRenderer):
        bands = (renderer.redBand(), renderer.greenBand(), renderer.blueBand())
        if min(bands) < 1:  # a colour left empty ("not set"): the engine chooses
            return {}
        ranges = [_range(e) for e in (renderer.redContrastEnhancement(), renderer.greenContrastEnhancement(),
                                       renderer.blueContrastEnhancement())]
    elif isinstance(renderer, QgsSingleBandGrayRenderer):
        bands = (renderer.grayBand(),)
        ranges = [_range(renderer.contrastEnhancement())]
    else:
        return {}
    out: dict[str, Any] = {"bands": bands}
    if all(r is not None for r in ranges):
        values = [v for r in ranges for v in r]  # type: ignore[union-attr]
        out["stretch_values"] = tuple(values)  # lo,hi (grey) or three lo,hi pairs
    return out
