"""GDAL around every pixel read: the bounded block cache (`gdal_env`) and the one message for a damaged file
(`damaged_message`), shared by the raster source's reads and the pre-run probe of raster/checks.py."""

from __future__ import annotations

import os

# GDAL's block cache during reads. GDAL's default is 5 % of RAM (1.15 GB on a 23 GB machine), and a
# full-raster pass fills it, so peak memory tracked the machine, not the tile. One row of tiles needs
# about width x tile height x bands bytes (20000 px x 1008 x 3 = 60 MB). A GDAL_CACHEMAX the user
# set in the environment wins.
GDAL_CACHE_BYTES = 128 * 2**20


def gdal_env():
    """Context for reads: the bounded block cache (rasterio.Env applies it to GDAL at once)."""
    import contextlib

    import rasterio

    if os.environ.get("GDAL_CACHEMAX"):
        return contextlib.nullcontext()
    return rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_BYTES)


def damaged_message(path: str, exc: BaseException) -> str:
    """The one message for pixels that cannot be read (truncated file, broken block, missing VRT source)."""
    return (f"Cannot read the pixels of {os.path.basename(path)}: the file is damaged or incomplete "
            f"({gdal_cause(exc)}). Copy or download it again; `gdalinfo -checksum {os.path.basename(path)}` "
            f"shows whether GDAL can read every block.")


def gdal_cause(exc: BaseException) -> str:
    """GDAL's own words: rasterio's "Read failed. See previous exception" hides them in the cause chain."""
    texts = []
    seen = exc
    while seen is not None and len(texts) < 8:
        text = str(seen).strip().splitlines()[0] if str(seen).strip() else ""
        if text and "See previous exception" not in text:
            texts.append(text)
        seen = seen.__cause__ or seen.__context__
    return texts[-1] if texts else type(exc).__name__
