"""RasterSource on real GeoTIFFs: extent in any CRS, bands, stretch, nodata/alpha, no georeferencing."""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.common.errors import InputError
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.source import RasterSource


def test_sample_metadata_and_nodata_rule(sample_tif):
    with RasterSource.open(sample_tif) as src:
        assert (src.width, src.height, src.epsg, src.bands) == (400, 400, 32617, (1, 2, 3))
        assert src.transform == pytest.approx((0.1, 0.0, 404211.9, 0.0, -0.1, 3285142.9))
        assert src.window == (0, 0, 400, 400)
        assert src.georeferenced and src.warnings == [] and src.stretch is None
        rgb, valid = src.read_rgb(0, 0, 400, 400)
    import rasterio

    with rasterio.open(sample_tif) as ds:
        raw = ds.read()
    all255 = (raw == 255).all(axis=0)
    # nodata=255 is per pixel: only pixels 255 in all three bands are invalid (461 of them),
    # pixels saturated in one band only (2126 have some 255) stay valid with their values.
    assert int((~valid).sum()) == int(all255.sum()) == 461
    some255 = (raw == 255).any(axis=0) & ~all255
    assert some255.sum() == 2126 - 461
    assert np.array_equal(rgb[some255], np.moveaxis(raw, 0, -1)[some255])
    assert (rgb[~valid] == 0).all()


def test_extent_in_raster_crs_and_in_wgs84(sample_tif):
    # 2 m x 1 m box starting 1 m right, 0.5 m down of the top-left corner.
    ext = (404212.9, 3285140.4, 404214.9, 3285142.4)
    with RasterSource.open(sample_tif, extent=ext) as src:
        assert src.window == (10, 5, 20, 20)
        assert src.extent_bounds == pytest.approx(ext)
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:32617", "EPSG:4326", always_xy=True)
    lon0, lat0 = t.transform(404221.9, 3285122.9)
    lon1, lat1 = t.transform(404231.9, 3285132.9)
    with RasterSource.open(sample_tif, extent=(lon0, lat0, lon1, lat1), extent_crs="EPSG:4326") as src:
        c, r, w, h = src.window
        # 10 m x 10 m in UTM: 100 px plus at most a pixel of rounding from the geographic envelope.
        assert abs(c - 100) <= 1 and abs(r - 100) <= 1 and 100 <= w <= 102 and 100 <= h <= 102


def test_extent_outside_names_bounds_and_crs(sample_tif):
    with pytest.raises(InputError) as err:
        RasterSource.open(sample_tif, extent=(0, 0, 10, 10))
    assert err.value.code == ErrorCode.INPUT
    assert "outside the raster" in err.value.message and "404211.9" in err.value.message
    assert "EPSG:32617" in err.value.message


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="Raster not found"):
        RasterSource.open(tmp_path / "nope.tif")
    bad = tmp_path / "notes.tif"
    bad.write_text("not an image")
    with pytest.raises(InputError, match="Cannot read .*notes.tif as a raster"):
        RasterSource.open(bad)


def test_unknown_band_lists_band_count(sample_tif):
    with pytest.raises(InputError, match="Band 4 does not exist: OSBS_029.tif has 3 band"):
        RasterSource.open(sample_tif, bands=(4, 2, 1))
    with RasterSource.open(sample_tif, bands=(3, 2, 1)) as src:
        rgb, _ = src.read_rgb(0, 0, 4, 4)
        with RasterSource.open(sample_tif) as ref:
            rgb0, _ = ref.read_rgb(0, 0, 4, 4)
        assert np.array_equal(rgb, rgb0[..., ::-1])


def test_uint16_stretch_is_2_98_percent_and_fixed(make_geotiff):
    ramp = np.arange(100 * 100, dtype=np.uint16).reshape(100, 100) * 3 + 1000
    arr = np.stack([ramp, ramp, ramp])
    path = make_geotiff(arr, name="u16.tif")
    with RasterSource.open(path) as src:
        lo, hi = np.percentile(ramp, [2, 98])
        assert src.stretch.lo == pytest.approx((lo,) * 3) and src.stretch.hi == pytest.approx((hi,) * 3)
        rgb, valid = src.read_rgb(0, 0, 100, 100)
        assert valid.all() and rgb.dtype == np.uint8
        assert rgb[0, 0, 0] == 0 and rgb[99, 99, 0] == 255
        mid = ramp[50, 50]
        assert rgb[50, 50, 0] == round((mid - lo) / (hi - lo) * 255)
        # Stretch is per source, not per window: a sub-window keeps the same mapping.
        sub, _ = src.read_rgb(50, 50, 10, 10)
        assert sub[0, 0, 0] == rgb[50, 50, 0]


def test_one_band_grey_float_nan_and_alpha(make_geotiff):
    grey = np.linspace(0, 1, 64 * 64, dtype=np.float32).reshape(64, 64)
    grey[0, 0] = np.nan
    path = make_geotiff(grey, name="grey.tif")
    with RasterSource.open(path) as src:
        assert src.bands == (1, 1, 1)
        rgb, valid = src.read_rgb(0, 0, 64, 64)
        assert not valid[0, 0] and valid.sum() == 64 * 64 - 1
        assert (rgb[..., 0] == rgb[..., 2]).all() and tuple(rgb[0, 0]) == (0, 0, 0)
    rgba = np.full((4, 20, 20), 120, dtype=np.uint8)
    rgba[3, :, :10] = 0  # transparent left half
    path = make_geotiff(rgba, name="rgba.tif", photometric="RGB", alpha="YES")
    with RasterSource.open(path) as src:
        assert src.bands == (1, 2, 3)
        rgb, valid = src.read_rgb(0, 0, 20, 20)
        assert valid[:, 10:].all() and not valid[:, :10].any()
        assert (rgb[:, :10] == 0).all() and (rgb[:, 10:] == 120).all()


def test_no_georeferencing_uses_pixel_coordinates(make_geotiff):
    arr = np.full((3, 30, 40), 7, dtype=np.uint8)
    path = make_geotiff(arr, crs=None, name="plain.tif")
    with RasterSource.open(path, extent=(5, 2, 15, 12)) as src:
        assert not src.georeferenced and src.crs_wkt is None
        assert src.transform == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
        assert "no georeferencing" in src.warnings[0]
        assert src.window == (5, 2, 10, 10)
        assert src.window_transform(5, 2, 10, 10, 20, 20) == pytest.approx((0.5, 0, 5, 0, 0.5, 2))


def test_boundless_and_resampled_reads(make_geotiff):
    arr = np.full((3, 50, 50), 200, dtype=np.uint8)
    path = make_geotiff(arr, transform=from_origin(1000.0, 2000.0, 2.0, 2.0), name="b.tif")
    with RasterSource.open(path) as src:
        rgb, valid = src.read_rgb(40, 40, 20, 20)
        assert rgb.shape == (20, 20, 3)
        assert valid[:10, :10].all() and not valid[10:, :].any() and not valid[:, 10:].any()
        assert (rgb[:10, :10] == 200).all() and (rgb[10:] == 0).all()
        small, v = src.read_rgb(0, 0, 50, 50, 25, 25)
        assert small.shape == (25, 25, 3) and v.all() and (small == 200).all()
        assert src.window_transform(10, 20, 50, 50, 25, 25) == pytest.approx((4.0, 0, 1020.0, 0, -4.0, 1960.0))


def _one_read_and_strips(src, window, out, monkeypatch, strip_px):
    """(one read, read in strips, the strips' progress calls, the strips) of `window` at `out` size."""
    import inference_core.raster.source as source

    monkeypatch.setattr(source, "STRIP_READ_PX", 10 ** 12)
    one = src.read_rgb(*window, *out)
    monkeypatch.setattr(source, "STRIP_READ_PX", strip_px)
    calls: list[tuple[int, int]] = []
    strips = src.read_strips(window[1], window[2], window[3], *out)
    parts = src.read_rgb(*window, *out, progress=lambda done, total: calls.append((done, total)))
    return one, parts, calls, strips


def test_a_long_read_in_strips_gives_the_pixels_of_one_read(make_geotiff, monkeypatch):
    """A downscaled read of many raster pixels goes in strips of whole output rows, each reported as it completes;
    the pixels (16-bit values stretched, a nodata block) are those of one read, from the raster and from its
    overviews."""
    import rasterio
    from rasterio.enums import Resampling

    rng = np.random.default_rng(3)
    arr = rng.integers(1, 4000, (3, 2000, 2400), dtype=np.uint16)
    arr[:, 300:700, 100:900] = 0
    for overviews, out, strip_px in (([], (960, 800), 400_000), ([2, 4], (600, 500), 40_000),
                                     ([2, 4], (480, 400), 40_000), ([2], (800, 640), 100_000)):
        path = make_geotiff(arr, nodata=0, tiled=True, name=f"ovr{''.join(map(str, overviews))}.tif")
        if overviews:
            with rasterio.open(path, "r+") as ds:
                ds.build_overviews(overviews, Resampling.average)
        with RasterSource.open(path) as src:
            assert src.overview_factors() == overviews
            (rgb1, valid1), (rgb2, valid2), calls, strips = _one_read_and_strips(
                src, (0, 0, 2400, 2000), out, monkeypatch, strip_px)
        assert len(strips) >= 6 and strips[0][0] == 0 and strips[-1][1] == out[1]
        assert all(a[1] == b[0] for a, b in zip(strips, strips[1:]))  # whole output rows, end to end
        assert calls == [(k, len(strips)) for k in range(1, len(strips) + 1)]
        assert np.array_equal(valid1, valid2) and int((~valid1).sum()) > 10_000
        assert np.array_equal(rgb1, rgb2), (overviews, out, int((rgb1 != rgb2).sum()))


def test_a_long_read_at_any_scale_differs_from_one_read_by_rounding_at_most(make_geotiff, monkeypatch):
    """At a scale whose strips cannot start on whole raster rows, GDAL's averaging rounds a few values the other
    way: the same valid pixels, at most 1 of 255 levels apart, on under 0.1 % of the values; a read of a window
    under 2 raster pixels an output pixel, or of few pixels, stays one read."""
    rng = np.random.default_rng(4)
    arr = rng.integers(0, 255, (3, 1300, 1900), dtype=np.uint8)
    path = make_geotiff(arr, tiled=True)
    with RasterSource.open(path) as src:
        (rgb1, valid1), (rgb2, valid2), calls, strips = _one_read_and_strips(
            src, (9, 177, 1800, 1011), (765, 430), monkeypatch, 100_000)
        assert len(strips) > 10 and len(calls) == len(strips)
        assert np.array_equal(valid1, valid2)
        diff = np.abs(rgb1.astype(int) - rgb2)
        assert diff.max() <= 1 and (diff > 0).mean() < 0.001
        assert src.read_strips(0, 1800, 1000, 1000, 600) == [(0, 600)]  # 1.8 raster px an output px
        import inference_core.raster.source as source

        monkeypatch.setattr(source, "STRIP_READ_PX", 50_000_000)
        assert src.read_strips(0, 1900, 1300, 190, 130) == [(0, 130)]  # 2.5 M px: one read
