"""The two dates on one grid: their common extent in the first date's CRS, and the second date read onto the
first date's pixel grid (a warped VRT beside the output) when their CRS, resolution or alignment differ."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Optional, Sequence

from inference_core.common.errors import InputError

# Written into the VRT's metadata: the engine replaces only a VRT it wrote itself (docs/robustness.md).
VRT_TAG = "REMOTEREASONER_CHANGE"
# Grids closer than this share of a pixel are the same grid (floating-point noise in geotransforms).
SAME_GRID_PX = 1e-6


@dataclass(frozen=True)
class CommonGrid:
    """Where the two dates meet: `bounds` (xmin, ymin, xmax, ymax) in the first date's CRS (`crs_wkt`); the
    second date is read from `after_read`, which is `after` itself or a VRT of it on the first date's grid."""

    before: str
    after: str
    after_read: str
    crs_wkt: str
    bounds: tuple[float, float, float, float]
    warped: bool
    note: str  # one line saying how the second date was read, for the summary and the `changes` table


def after_vrt_path(out: str) -> str:
    """The second date on the first date's grid, beside the output: `result.gpkg` -> `result.after.vrt`."""
    stem = out[:-5] if out.lower().endswith(".gpkg") else out
    return stem + ".after.vrt"


def _open(path: str, which: str):
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

    if not os.path.exists(path) and "://" not in path and not path.startswith("/vsi"):
        raise InputError(f"The {which} raster was not found: {path} (check the path).")
    if os.path.exists(path):  # the VRT names its source: absolute, so it opens from any working directory
        path = os.path.abspath(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise InputError(f"Cannot read the {which} raster {path} ({str(exc).splitlines()[0]}): use a GDAL-readable "
                         "image such as GeoTIFF.") from None
    if ds.crs is None:
        ds.close()
        raise InputError(f"The {which} raster {path} has no coordinate reference system: two dates can only be "
                         "compared over the same ground; assign its CRS (QGIS: Raster > Projections > Assign "
                         "Projection, or gdal_edit.py -a_srs) and try again.")
    return ds


def _fmt(b: Sequence[float]) -> str:
    return ", ".join(f"{v:.6g}" for v in b)


def common_grid(before: str, after: str, out: str, extent: Optional[Sequence[float]] = None,
                extent_crs: Optional[str] = None, write: bool = True) -> CommonGrid:
    """The dates' common extent (within `extent` when given) on the first date's grid; InputError when they
    do not overlap. With `write`, the VRT of the second date on that grid is written when one is needed."""
    from rasterio.warp import transform_bounds

    if os.path.exists(before) and os.path.exists(after) and os.path.samefile(before, after):
        raise InputError(f"Both dates are the same file ({before}): nothing can change between them. Give the "
                         "second date's raster as AFTER (an image of the same ground taken at another time).")
    b_ds = _open(before, "first date's (before)")
    try:
        a_ds = _open(after, "second date's (after)")
        try:
            crs = b_ds.crs
            box = tuple(b_ds.bounds)
            a_box = transform_bounds(a_ds.crs, crs, *a_ds.bounds, densify_pts=21)
            common = (max(box[0], a_box[0]), max(box[1], a_box[1]), min(box[2], a_box[2]), min(box[3], a_box[3]))
            res_x, res_y = abs(b_ds.transform.a), abs(b_ds.transform.e)
            if common[2] - common[0] < res_x or common[3] - common[1] < res_y:
                raise InputError(
                    f"The two dates do not overlap: {os.path.basename(before)} covers {_fmt(box)} and "
                    f"{os.path.basename(after)} covers {_fmt(a_box)} (both in the first date's CRS, "
                    f"{crs.to_string()}). Pick two rasters of the same ground.")
            if extent is not None:
                e_box = transform_bounds(extent_crs, crs, *extent, densify_pts=21) if extent_crs else tuple(extent)
                common = (max(common[0], e_box[0]), max(common[1], e_box[1]),
                          min(common[2], e_box[2]), min(common[3], e_box[3]))
                if common[2] - common[0] < res_x or common[3] - common[1] < res_y:
                    raise InputError(f"The extent {_fmt(extent)} lies outside the ground both dates cover "
                                     f"({_fmt(box)} and {_fmt(a_box)} in {crs.to_string()}): pick an extent inside it.")
            same = a_ds.crs == crs and a_ds.shape == b_ds.shape and all(
                abs(p - q) <= SAME_GRID_PX * max(res_x, res_y) for p, q in zip(a_ds.transform, b_ds.transform))
            if same:
                return CommonGrid(before, after, after, crs.to_wkt(), common, False,
                                  "both dates on the same grid")
            vrt = after_vrt_path(out)
            if write:
                _write_vrt(a_ds, b_ds, vrt)
            a_res = (abs(a_ds.transform.a), abs(a_ds.transform.e))
            note = (f"the second date ({a_ds.crs.to_string()}, {a_res[0]:.3g} × {a_res[1]:.3g} per pixel) read onto "
                    f"the first date's grid ({crs.to_string()}, {res_x:.3g} × {res_y:.3g}) through {vrt}")
            return CommonGrid(before, after, vrt, crs.to_wkt(), common, True, note)
        finally:
            a_ds.close()
    finally:
        b_ds.close()


def _write_vrt(a_ds, b_ds, path: str) -> None:
    """The second date warped onto the first date's grid (bilinear; outside its footprint transparent), as a
    VRT file: both dates' views then cover the same pixels, so the two runs plan the same views."""
    import rasterio
    import rasterio.shutil
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT

    if os.path.exists(path) and not _ours(path):
        raise InputError(f"{path} exists and was not written by RemoteReasoner: move it, or pick another --out "
                         "(the second date's view on the first date's grid is written there).")
    kw = {"nodata": a_ds.nodata} if a_ds.nodata is not None else {"add_alpha": True}
    with WarpedVRT(a_ds, crs=b_ds.crs, transform=b_ds.transform, width=b_ds.width, height=b_ds.height,
                   resampling=Resampling.bilinear, **kw) as vrt:
        rasterio.shutil.copy(vrt, path, driver="VRT")
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(**{VRT_TAG: os.path.abspath(a_ds.name)})


def _ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return VRT_TAG in fh.read(1_000_000)
    except OSError:
        return False
