"""Checks of an open raster before any model loads: VRT sources present, pixels readable, data not all nodata.

Reads are decimated (at most `PROBE_SIDE` px on the long side of the extent), so the check takes
milliseconds on a 20 000 px raster; a damaged block the probe misses is still reported by `read_rgb`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from inference_core.common.errors import InputError
from inference_core.raster.gdal_io import damaged_message, gdal_env

# Long side of the decimated probe read: the same size as the stretch sample (source.STRETCH_SAMPLE_SIDE).
PROBE_SIDE = 1024


@dataclass(frozen=True)
class ProbeResult:
    """What the probe saw: the share of valid (not nodata / alpha / masked) pixels in the extent."""

    valid_fraction: float

    @property
    def all_nodata(self) -> bool:
        return self.valid_fraction == 0.0


def missing_sources(ds) -> list[str]:
    """Files a dataset refers to (a VRT's sources, a TIFF's .ovr) that are not on disk."""
    files = list(getattr(ds, "files", None) or [])[1:]
    return [f for f in files if "://" not in f and not f.startswith("/vsi") and not os.path.exists(f)]


def probe(source) -> ProbeResult:
    """Raise InputError when the extent's pixels cannot be read; else the share of valid pixels."""
    import numpy as np
    from rasterio.enums import Resampling
    from rasterio.errors import RasterioIOError
    from rasterio.windows import Window

    ds = source._ds
    missing = missing_sources(ds)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise InputError(f"{os.path.basename(source.path)} refers to missing file(s): {shown}. Restore them, or "
                         f"rebuild the VRT from the files that exist (gdalbuildvrt).")
    c, r, w, h = source.window
    scale = min(1.0, PROBE_SIDE / max(w, h))
    ow, oh = max(1, round(w * scale)), max(1, round(h * scale))
    unique = tuple(dict.fromkeys(source.bands))
    try:
        with gdal_env():
            data = ds.read(unique, window=Window(c, r, w, h), out_shape=(len(unique), oh, ow),
                           resampling=Resampling.nearest)
            masks = ds.read_masks(unique, window=Window(c, r, w, h), out_shape=(len(unique), oh, ow),
                                  resampling=Resampling.nearest)
    except RasterioIOError as exc:
        raise InputError(damaged_message(source.path, exc)) from None
    valid = (masks > 0).any(axis=0)  # the all-bands nodata rule of RasterSource.read_rgb
    if np.issubdtype(data.dtype, np.floating):
        valid &= np.isfinite(data).all(axis=0)
    return ProbeResult(float(valid.mean()) if valid.size else 0.0)
