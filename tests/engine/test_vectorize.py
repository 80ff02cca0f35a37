"""Mask vectorisation: exact areas, holes, map coordinates, simplification, and parity with gdal_polygonize.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin

from inference_core.geometry.vectorize import contours_of, mask_to_multipolygon

T = from_origin(500000.0, 4000000.0, 0.5, 0.5)  # 0.5 m pixels, UTM-like origin


def ring_mask() -> np.ndarray:
    m = np.zeros((80, 100), bool)
    m[10:30, 20:40] = True  # 20x20 px square ...
    m[17:23, 27:33] = False  # ... with a 6x6 px hole
    m[50:55, 70:75] = True  # separate 5x5 px blob
    return m


def test_square_with_hole_and_blob_exact():
    mp = mask_to_multipolygon(ring_mask(), T)
    assert mp.geom_type == "MultiPolygon" and mp.is_valid
    parts = sorted(mp.geoms, key=lambda p: -p.area)
    assert len(parts) == 2
    big, small = parts
    assert big.area == pytest.approx((400 - 36) * 0.25)  # 91 m²
    assert small.area == pytest.approx(6.25)
    assert big.exterior.bounds == (500010.0, 3999985.0, 500020.0, 3999995.0)
    assert len(big.interiors) == 1
    assert shapely.Polygon(big.interiors[0]).bounds == (500013.5, 3999988.5, 500016.5, 3999991.5)
    assert small.bounds == (500035.0, 3999972.5, 500037.5, 3999975.0)


def test_affine_tuple_empty_and_bad_shape():
    mp = mask_to_multipolygon(ring_mask(), tuple(T)[:6])
    assert mp.area == pytest.approx(97.25)
    assert mask_to_multipolygon(np.zeros((5, 5), bool), T) is None
    with pytest.raises(ValueError, match="2-D"):
        mask_to_multipolygon(np.zeros((2, 5, 5), bool), T)


def test_min_area_and_simplify_in_map_units():
    assert len(mask_to_multipolygon(ring_mask(), T, min_area=10.0).geoms) == 1  # the 6.25 m² blob dropped
    yy, xx = np.mgrid[0:200, 0:200]
    disc = (xx - 100) ** 2 + (yy - 100) ** 2 < 80**2
    raw = mask_to_multipolygon(disc, T)
    simple = mask_to_multipolygon(disc, T, simplify=1.0)
    n_raw = shapely.get_num_coordinates(raw)
    n_simple = shapely.get_num_coordinates(simple)
    assert n_simple < n_raw / 4
    assert simple.is_valid
    assert simple.area == pytest.approx(raw.area, rel=0.02)  # 1 m tolerance on a 40 m radius
    assert raw.area == pytest.approx(disc.sum() * 0.25)


def test_diagonal_pixels_are_separate_valid_parts():
    m = np.zeros((4, 4), bool)
    m[0, 0] = m[1, 1] = True
    mp = mask_to_multipolygon(m, T)
    assert len(mp.geoms) == 2 and mp.is_valid and mp.area == pytest.approx(0.5)


def test_contours_are_rings_with_perimeter_length():
    mp = mask_to_multipolygon(ring_mask(), T)
    c = contours_of(mp)
    assert c.geom_type == "MultiLineString"
    assert len(c.geoms) == 3  # two shells + one hole
    assert c.length == pytest.approx(4 * 10 + 4 * 3 + 4 * 2.5)
    assert contours_of(None).is_empty


GDAL_POLYGONIZE = "/usr/bin/gdal_polygonize.py"


def gdal_polygonize(mask: np.ndarray, transform, tmp_path) -> tuple[int, float]:
    """Polygon count and total area of the True pixels by GDAL's own gdal_polygonize.py."""
    import rasterio

    src = tmp_path / "mask.tif"
    with rasterio.open(src, "w", driver="GTiff", width=mask.shape[1], height=mask.shape[0], count=1,
                       dtype="uint8", crs="EPSG:32633", transform=transform, nodata=0) as dst:
        dst.write(mask.astype("uint8"), 1)
    out = tmp_path / "gdal.geojson"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    # nodata=0 makes GDAL polygonise only the mask pixels, as we do.
    subprocess.run([GDAL_POLYGONIZE, "-q", "-of", "GeoJSON", str(src), str(out)], check=True, env=env)
    feats = json.loads(out.read_text())["features"]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in feats]
    return len(geoms), float(sum(g.area for g in geoms))


@pytest.mark.skipif(not shutil.which(GDAL_POLYGONIZE), reason="Debian gdal-bin/python3-gdal not installed")
def test_same_count_and_area_as_gdal_polygonize(tmp_path):
    rng = np.random.default_rng(7)
    noise = rng.random((60, 60))
    # Blobby mask with holes and diagonal contacts: upsampled noise thresholded.
    mask = np.kron(noise > 0.55, np.ones((5, 5), bool))
    mask[::7, ::3] ^= True
    mp = mask_to_multipolygon(mask, T)
    n, area = gdal_polygonize(mask, T, tmp_path)
    assert len(mp.geoms) == n
    assert n > 50
    assert mp.area == pytest.approx(area, rel=1e-12)
    assert mp.area == pytest.approx(mask.sum() * 0.25)
