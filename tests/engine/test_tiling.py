"""Tile plans: single view under the pixel budget, overlapping tiles without slivers, GSD resampling."""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import axis_starts, plan_tiles, tile_edges


def _opts(**kw) -> RunOptions:
    base = dict(raster="x.tif", query="q", out="o.gpkg", tile_size=112, overlap=28, max_pixels=12544)
    base.update(kw)
    return RunOptions(**base)


def test_axis_starts_shift_last_tile_back():
    assert axis_starts(100, 112, 28) == [0]
    assert axis_starts(112, 112, 28) == [0]
    assert axis_starts(300, 112, 28) == [0, 63, 125, 188]  # evenly spread, overlap >= 28
    assert axis_starts(196, 112, 28) == [0, 84]


def test_single_view_when_extent_fits(sample_tif):
    with RasterSource.open(sample_tif) as src:
        tiles = plan_tiles(src, _opts(max_pixels=400 * 400))
        assert len(tiles) == 1
        t = tiles[0]
        assert (t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height) == (0, 0, 400, 400, 400, 400)
        assert t.transform == pytest.approx(src.transform)


def test_overlapping_tiles_row_major_inside_extent(sample_tif):
    ext = (404211.9 + 5.0, 3285142.9 - 35.0, 404211.9 + 35.0, 3285142.9 - 5.0)  # 300x300 px at (50, 50)
    with RasterSource.open(sample_tif, extent=ext) as src:
        assert src.window == (50, 50, 300, 300)
        tiles = plan_tiles(src, _opts())
    assert [t.tile_id for t in tiles] == list(range(16))
    offs = [0, 63, 125, 188]
    assert [(t.col_off, t.row_off) for t in tiles] == [(50 + c, 50 + r) for r in offs for c in offs]
    assert all((t.width, t.height, t.out_width, t.out_height) == (112,) * 4 for t in tiles)
    last = tiles[-1]
    assert last.col_off + last.width == 350 and last.row_off + last.height == 350
    assert last.transform == pytest.approx((0.1, 0, 404211.9 + 23.8, 0, -0.1, 3285142.9 - 23.8))
    edges = tile_edges(tiles[0], (50, 50, 300, 300))
    assert edges == {"left": False, "top": False, "right": True, "bottom": True}
    assert tile_edges(tiles[5], (50, 50, 300, 300)) == {"left": True, "top": True, "right": True, "bottom": True}


def test_gsd_resampling(make_geotiff):
    arr = np.zeros((3, 400, 300), dtype=np.uint8)
    path = make_geotiff(arr, transform=from_origin(600000.0, 5000000.0, 0.5, 0.5), name="g.tif")
    with RasterSource.open(path) as src:
        one = plan_tiles(src, _opts(gsd=2.0, max_pixels=100 * 100))  # 75 x 100 out pixels
        assert len(one) == 1 and (one[0].out_width, one[0].out_height) == (75, 100)
        assert one[0].transform == pytest.approx((2.0, 0, 600000.0, 0, -2.0, 5000000.0))
        tiles = plan_tiles(src, _opts(gsd=1.0))  # 150 x 200 out px > 12544: tiles of 112 out = 224 src px
        assert {(t.width, t.height, t.out_width, t.out_height) for t in tiles} == {(224, 224, 112, 112)}
        assert sorted({t.col_off for t in tiles}) == [0, 76] and sorted({t.row_off for t in tiles}) == [0, 88, 176]
        t = tiles[1]
        assert t.transform == pytest.approx((1.0, 0, 600000.0 + 76 * 0.5, 0, -1.0, 5000000.0))
