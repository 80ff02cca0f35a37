"""Boolean masks to MultiPolygons in map coordinates (rasterio.features.shapes), and their contours."""

from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np
import shapely
from affine import Affine
from rasterio import features
from shapely.geometry import MultiLineString, MultiPolygon

TransformLike = Union[Affine, Sequence[float]]


def as_affine(transform: TransformLike) -> Affine:
    """An `Affine` from an Affine or a 6-tuple (a, b, c, d, e, f) as records.Affine6 stores it."""
    if isinstance(transform, Affine):
        return transform
    vals = tuple(float(v) for v in transform)
    if len(vals) < 6:
        raise ValueError(f"an affine transform needs 6 numbers (a, b, c, d, e, f), got {len(vals)}")
    return Affine(*vals[:6])


def _crop(mask: np.ndarray, transform: Affine) -> tuple[np.ndarray, Affine]:
    """Cut the mask to the rows/columns holding True pixels and shift the affine to match.

    SAM masks cover a whole window but an object is usually small; polygonising only its bounding
    rectangle keeps the cost proportional to the object, not the window.
    """
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return mask[r0:r1, c0:c1], transform @ Affine.translation(int(c0), int(r0))


def _polygons(shapes) -> np.ndarray:
    """GeoJSON-like polygons (from features.shapes) to a shapely array in a few vectorised calls.

    Building every ring from one coordinate array (shapely.linearrings/polygons with indices) avoids
    a Python-level Polygon constructor per part, which dominates on masks with thousands of parts.
    """
    rings: list = []
    ring_of_poly: list[int] = []
    for k, (g, _value) in enumerate(shapes):
        for ring in g["coordinates"]:
            rings.append(ring)
            ring_of_poly.append(k)
    if not rings:
        return np.empty(0, dtype=object)
    lengths = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    coords = np.array([xy for r in rings for xy in r], dtype=np.float64)
    ring_geoms = shapely.linearrings(coords, indices=np.repeat(np.arange(len(rings)), lengths))
    return shapely.polygons(ring_geoms, indices=np.asarray(ring_of_poly))


def _polygon_parts(geom) -> list:
    """Polygons inside any geometry (make_valid can return collections with lines or points)."""
    parts = shapely.get_parts(geom)
    out = []
    for p in parts:
        if p.geom_type == "Polygon" and not p.is_empty:
            out.append(p)
        elif p.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_polygon_parts(p))
    return out


def mask_to_multipolygon(
    mask: np.ndarray, transform: TransformLike, simplify: float = 0.0, min_area: float = 0.0
) -> Optional[MultiPolygon]:
    """Polygonise the True pixels of `mask` through `transform` (pixel -> map).

    Holes are kept; `simplify` is a tolerance and `min_area` a per-part minimum, both in map units
    (squared for the area). Returns a valid MultiPolygon, or None when nothing is left.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f"mask must be 2-D (rows, cols), got shape {mask.shape}")
    mask = mask.astype(bool, copy=False)
    if not mask.any():
        return None
    sub, aff = _crop(mask, as_affine(transform))
    # 4-connectivity is GDAL's polygonize default: diagonal neighbours are separate parts, so the
    # rings never self-touch and the result is valid without repair in the common case.
    geoms = _polygons(features.shapes(sub.view(np.uint8), mask=sub, connectivity=4, transform=aff))
    if simplify > 0:
        geoms = shapely.simplify(geoms, simplify, preserve_topology=True)
    if min_area > 0:
        geoms = geoms[shapely.area(geoms) >= min_area]
    if len(geoms) == 0:
        return None
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
        geoms = np.array([p for g in geoms for p in _polygon_parts(g)], dtype=object)
    mp = MultiPolygon(list(geoms))
    # Parts straight from polygonize never overlap; simplified neighbours can, so only then check
    # the whole and dissolve overlaps into one valid shape.
    if (simplify > 0 or bad.any()) and not mp.is_valid:
        mp = MultiPolygon(_polygon_parts(shapely.make_valid(mp)))
    return None if mp.is_empty else mp


def contours_of(multipolygon) -> MultiLineString:
    """Outlines (outer rings and hole rings) of a (Multi)Polygon as one MultiLineString."""
    if multipolygon is None or multipolygon.is_empty:
        return MultiLineString()
    lines = shapely.get_parts(shapely.boundary(multipolygon))
    return MultiLineString(list(lines))
