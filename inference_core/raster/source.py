"""Open a raster with rasterio, resolve the extent to a pixel window, pick bands and read 8-bit RGB windows.

Memory stays bounded: every read is windowed, and the contrast stretch comes from one decimated read.
"""

from __future__ import annotations

import math
import os
import warnings as _warnings
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from inference_core.common.errors import InputError
from inference_core.common.records import Affine6
from inference_core.contract.options import DEFAULT_STRETCH
from inference_core.raster.coords import map_box_to_pixel, pixel_box_to_map, window_transform
from inference_core.raster.gdal_io import damaged_message
from inference_core.raster.gdal_io import gdal_env as _gdal_env

# Long side of the decimated read used to compute the 2-98 % stretch once per source.
STRETCH_SAMPLE_SIDE = 1024
STRETCH_PERCENTILES = (2.0, 98.0)
# Pixel coordinates closer than this to an integer are taken as that integer (float noise in affines).
_SNAP = 1e-6
# A downscaled read that goes through more raster pixels than this (of the overview GDAL reads from, or of the raster
# itself without one) is read in strips of whole output rows, each reported as it completes: a 400 000 px-wide
# raster without overviews takes minutes to read for one view. Strips of whole output rows give the pixels of one
# read (exactly where they start on whole rows of what GDAL reads; see read_strips and docs/robustness.md).
STRIP_READ_PX = 50_000_000
STRIP_MIN_SCALE = 2  # raster pixels an output pixel, at least, on both axes
# (strips read, strips in all): called after each strip of a long read.
ReadProgress = Callable[[int, int], None]


@dataclass
class BandStretch:
    """Per-band linear stretch to 0..255: value lo -> 0, hi -> 255 (clipped); `method` is how lo/hi were
    chosen (contract.options.STRETCHES, or `values` when given)."""

    lo: tuple[float, ...]
    hi: tuple[float, ...]
    method: str = "per-band"


# How the bands shown as red, green, blue were chosen (RasterSource.bands_from, the run's `pixels` record).
BANDS_GIVEN, BANDS_LABELLED, BANDS_GUESSED, BANDS_FIRST, BANDS_GREY = (
    "given", "colour interpretation", "guessed", "first three", "grey")


def bands_guessed_warning(name: str, count: int, bands: Sequence[int]) -> str:
    """The run's warning when a raster of more than three bands names none red, green or blue."""
    return (f"{name} has {count} bands and none is marked red, green or blue: bands {','.join(map(str, bands))} "
            f"are shown to the model as red, green, blue. If that is not its colour order (a Blue, Green, Red, "
            f"NIR image is common), give the bands, e.g. --bands 3,2,1 (in QGIS, the layer's renderer bands are used).")


def _snap_floor(v: float) -> int:
    r = round(v)
    return int(r) if abs(v - r) < _SNAP else math.floor(v)


def _snap_ceil(v: float) -> int:
    r = round(v)
    return int(r) if abs(v - r) < _SNAP else math.ceil(v)


@dataclass
class RasterSource:
    """An open raster plus the run's extent (as a pixel window), band choice and 8-bit stretch.

    Pixel windows are `(col_off, row_off, width, height)` in the full raster's pixel grid.
    Invalid pixels (nodata, alpha = 0, dataset mask = 0, non-finite floats) read as black with
    `valid = False`. Nodata is per pixel, not per band: a pixel is invalid only when *all* chosen
    bands equal the nodata value. That matters for `OSBS_029.tif`, which declares nodata = 255 on a
    uint8 RGB photo: a pixel saturated in one band (a bright roof in red) stays valid; only pixels
    that are 255 in every band are treated as empty.
    """

    path: str
    width: int
    height: int
    crs_wkt: Optional[str]
    epsg: Optional[int]
    transform: Affine6
    georeferenced: bool
    window: tuple[int, int, int, int]
    bands: tuple[int, ...]
    dtype: str
    warnings: list[str] = field(default_factory=list)
    stretch: Optional[BandStretch] = None
    bands_from: str = BANDS_GIVEN  # BANDS_*: how `bands` were chosen
    _ds: object = field(default=None, repr=False)
    _palette: Optional[np.ndarray] = field(default=None, repr=False)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        bands: Optional[Sequence[int]] = None,
        extent: Optional[Sequence[float]] = None,
        extent_crs: Optional[str] = None,
        stretch: str = DEFAULT_STRETCH,
        stretch_values: Optional[Sequence[float]] = None,
    ) -> "RasterSource":
        """Open `path`; `extent` = (xmin, ymin, xmax, ymax) in `extent_crs` (None = raster CRS); `stretch` and
        `stretch_values` as contract.options.RunOptions (how values become 8-bit colours)."""
        import rasterio
        from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

        path = os.fspath(path)
        if not os.path.exists(path) and "://" not in path and not path.startswith("/vsi"):
            raise InputError(f"Raster not found: {path} (check the path).")
        try:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore", NotGeoreferencedWarning)
                ds = rasterio.open(path)
        except RasterioIOError as exc:
            raise InputError(
                f"Cannot read {path} as a raster ({_first_line(exc)}): use a GDAL-readable image such as GeoTIFF."
            ) from None
        try:
            return cls._from_dataset(ds, path, bands, extent, extent_crs, stretch, stretch_values)
        except RasterioIOError as exc:  # the stretch sample hit a damaged block
            ds.close()
            raise InputError(damaged_message(path, exc)) from None
        except BaseException:
            ds.close()
            raise

    @classmethod
    def _from_dataset(cls, ds, path, bands, extent, extent_crs, stretch=DEFAULT_STRETCH,
                      stretch_values=None) -> "RasterSource":
        from affine import Affine

        warns: list[str] = []
        crs = ds.crs
        transform = ds.transform
        has_transform = transform != Affine.identity()
        georef = crs is not None or has_transform
        if not georef:
            warns.append(
                f"{os.path.basename(path)} has no georeferencing: results are in pixel coordinates "
                "(x = column, y = row, y down) with no CRS."
            )
        elif crs is None:
            warns.append(f"{os.path.basename(path)} has a geotransform but no CRS: results carry no CRS.")
        chosen, bands_from = cls._choose_bands(ds, bands)
        if bands_from == BANDS_GUESSED:
            warns.append(bands_guessed_warning(os.path.basename(path), ds.count, chosen))
        palette = None
        if len(chosen) == 1:
            palette = _palette_lut(ds, chosen[0])
            chosen = (chosen[0],) * 3
        window = cls._resolve_window(ds, extent, extent_crs, georef)
        epsg = None
        if crs is not None:
            try:
                epsg = crs.to_epsg()
            except Exception:  # pragma: no cover - PROJ lookup trouble is not fatal
                epsg = None
        src = cls(
            path=path, width=ds.width, height=ds.height,
            crs_wkt=crs.to_wkt() if crs is not None else None, epsg=epsg,
            transform=tuple(transform)[:6], georeferenced=georef, window=window, bands=chosen,
            dtype=ds.dtypes[chosen[0] - 1], warnings=warns, bands_from=bands_from, _ds=ds, _palette=palette,
        )
        if palette is not None:
            return src
        if stretch_values:
            v = [float(x) for x in stretch_values]
            pairs = [(v[0], v[1])] * 3 if len(v) == 2 else [(v[0], v[1]), (v[2], v[3]), (v[4], v[5])]
            blank = _blank_stretch(os.path.basename(path), src.dtype, v, pairs)
            if blank:
                raise InputError(blank)
            src.stretch = BandStretch(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), "values")
        elif stretch == "none":
            src.stretch = BandStretch((0.0,) * 3, (255.0,) * 3, "none") if src.dtype != "uint8" else None
        elif stretch == "per-band" or src.dtype != "uint8":  # joint leaves 8-bit data as it is
            src.stretch = src._compute_stretch(joint=stretch != "per-band")
        return src

    def chosen_stretch_note(self) -> Optional[str]:
        """A warning when the stretch was chosen (`--stretch none`, `--stretch-values`), not measured, and shows the
        data's 2-98 % in a sliver of the 256 levels: a nearly uniform view. One decimated read of the extent, so
        run.limits.preflight asks once a run (never a mosaic's parts, which get the driver's values)."""
        if self.stretch is None or self.stretch.method not in ("values", "none"):
            return None
        return _dim_view(os.path.basename(self.path), self.stretch, self._compute_stretch(joint=True))

    def pixels_record(self) -> dict:
        """How this run's values became the model's colours: the bands shown as red, green, blue (and how they
        were chosen) and the stretch (method, low and high value per band; none for 8-bit data as it is)."""
        st = self.stretch
        return {"bands": list(self.bands), "bands_from": self.bands_from, "dtype": self.dtype,
                "stretch": st.method if st else ("palette" if self._palette is not None else "none"),
                "low": [round(v, 6) for v in st.lo] if st else None,
                "high": [round(v, 6) for v in st.hi] if st else None}

    @staticmethod
    def _choose_bands(ds, bands: Optional[Sequence[int]]) -> tuple[tuple[int, ...], str]:
        """(bands, how chosen): explicit bands (1 or 3), else red/green/blue by colour interpretation, else 1-2-3
        (a guess when there are more data bands), else grey."""
        from rasterio.enums import ColorInterp

        count = ds.count
        if bands:
            bands = tuple(int(b) for b in bands)
            bad = [b for b in bands if not 1 <= b <= count]
            if bad:
                raise InputError(
                    f"Band {bad[0]} does not exist: {os.path.basename(ds.name)} has {count} band(s); "
                    f"use --bands with numbers from 1 to {count}."
                )
            if len(bands) not in (1, 3):
                raise InputError(f"--bands needs 1 band (grey) or 3 bands (red,green,blue), got {len(bands)}.")
            return bands, BANDS_GIVEN
        interp = list(ds.colorinterp)
        rgb = []
        for wanted in (ColorInterp.red, ColorInterp.green, ColorInterp.blue):
            rgb.append(interp.index(wanted) + 1 if wanted in interp else None)
        if all(rgb):
            return tuple(rgb), BANDS_LABELLED  # type: ignore[return-value]
        data_bands = [i + 1 for i, ci in enumerate(interp) if ci != ColorInterp.alpha] or [1]
        if len(data_bands) > 3:  # e.g. Blue, Green, Red, NIR without labels: 1,2,3 would swap red and blue
            return tuple(data_bands[:3]), BANDS_GUESSED
        if len(data_bands) == 3:
            return tuple(data_bands), BANDS_FIRST
        return (data_bands[0],), BANDS_GREY

    @staticmethod
    def _resolve_window(ds, extent, extent_crs, georef) -> tuple[int, int, int, int]:
        """The extent as a pixel window clipped to the raster; InputError when it misses the raster."""
        full = (0, 0, ds.width, ds.height)
        if extent is None:
            return full
        xmin, ymin, xmax, ymax = (float(v) for v in extent)
        raster_crs = ds.crs
        if extent_crs:
            from rasterio.crs import CRS
            from rasterio.errors import CRSError
            from rasterio.warp import transform_bounds

            try:
                ecrs = CRS.from_user_input(extent_crs)
            except CRSError:
                raise InputError(f"Unknown extent CRS {extent_crs!r}: use e.g. EPSG:4326.") from None
            if raster_crs is None:
                raise InputError(
                    "The raster has no CRS, so an extent in another CRS cannot be placed: "
                    "give --extent in the raster's own coordinates without ':EPSG'."
                )
            if ecrs != raster_crs:
                given = (xmin, ymin, xmax, ymax)
                try:
                    xmin, ymin, xmax, ymax = transform_bounds(ecrs, raster_crs, xmin, ymin, xmax, ymax, densify_pts=21)
                except Exception:  # noqa: BLE001 - PROJ refuses coordinates outside the CRS
                    xmin = math.nan
                if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
                    raise InputError(
                        f"The extent {_fmt_box(given)} in {extent_crs} cannot be placed in the raster's CRS (it lies "
                        f"outside the area where that CRS is defined, e.g. longitude -180..180 and latitude "
                        f"-90..90 in EPSG:4326): give an extent around the raster.")
        px0, py0, px1, py1 = map_box_to_pixel((xmin, ymin, xmax, ymax), tuple(ds.transform)[:6])
        if not all(math.isfinite(v) for v in (px0, py0, px1, py1)):  # 1e308 in map units overflows in pixels
            px0, py0, px1, py1 = (max(min(v, 2.0**62), -2.0**62) if v == v else 0.0 for v in (px0, py0, px1, py1))
        c0 = max(_snap_floor(px0), 0)
        r0 = max(_snap_floor(py0), 0)
        c1 = min(_snap_ceil(px1), ds.width)
        r1 = min(_snap_ceil(py1), ds.height)
        if c1 <= c0 or r1 <= r0:
            b = ds.bounds
            where = ds.crs.to_string() if ds.crs is not None else "pixel coordinates"
            raise InputError(
                f"The extent {_fmt_box((xmin, ymin, xmax, ymax))} lies outside the raster, whose bounds are "
                f"{_fmt_box((b.left, b.bottom, b.right, b.top))} in {where}: give an extent that overlaps it."
            )
        return (c0, r0, c1 - c0, r1 - r0)

    # ------------------------------------------------------------------ geometry
    @property
    def resolution(self) -> tuple[float, float]:
        """Pixel size (x, y) in map units (positive), rotation-aware."""
        a, b, _c, d, e, _f = self.transform
        return (math.hypot(a, d), math.hypot(b, e))

    @property
    def extent_bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the pixel window in map units."""
        c, r, w, h = self.window
        return pixel_box_to_map((c, r, c + w, r + h), self.transform)

    def window_transform(
        self, col_off: int, row_off: int, width: int, height: int,
        out_width: Optional[int] = None, out_height: Optional[int] = None,
    ) -> Affine6:
        """Affine from pixels of a (col_off, row_off, width, height) read resampled to out size -> map."""
        return window_transform(self.transform, col_off, row_off, width, height, out_width, out_height)

    # ------------------------------------------------------------------ reading
    def overview_factors(self) -> list[int]:
        """The decimation factors of the raster's overviews (GDAL reads a downscaled window from the closest one;
        empty when it has none, and a downscaled read then goes through every pixel)."""
        try:
            return list(self._ds.overviews(self.bands[0])) if self._ds is not None else []
        except Exception:  # a driver without overviews
            return []

    def read_strips(self, row_off: int, width: int, height: int, out_width: int, out_height: int,
                    boundless: bool = False) -> list[tuple[int, int]]:
        """The output rows [(first, end), ...] a read of `width` x `height` raster pixels from row `row_off` to
        `out_width` x `out_height` is done in: one read, or strips of whole output rows for a long downscaled read
        (about STRIP_READ_PX pixels of the overview GDAL reads from, or of the raster itself).

        Edges go where a strip is read from the same overview as the whole and GDAL's rounding of its window to the
        overview's rows cuts none of it (`_strip_levels_kept`, `_strip_start_kept`), on a whole row of what GDAL
        reads where one is in reach (`_strip_edge_whole`): then the pixels are those of one read."""
        one = [(0, out_height)]
        # below 2 raster pixels an output pixel GDAL's averaging depends on where a read starts; such a read is at
        # most 4 x the view's own pixels anyway
        if boundless or width < STRIP_MIN_SCALE * out_width or height < STRIP_MIN_SCALE * out_height:
            return one
        level = self._overview_used(width, height, out_width, out_height)
        fx, fy = self._overview_shape(level)[2] if level is not None else (1.0, 1.0)
        read_px = width * height / (fx * fy)
        if read_px <= STRIP_READ_PX:
            return one
        rows = max(1, math.ceil(out_height / math.ceil(read_px / STRIP_READ_PX)))

        def edge_fits(start: int, edge: int) -> bool:  # strip [start, edge) and the next one from `edge`
            return (self._strip_levels_kept(width, height, out_width, out_height, start, edge)
                    and self._strip_start_kept(row_off, width, height, out_width, out_height, edge))

        edges = [0]
        while edges[-1] + rows < out_height:
            start = edges[-1]
            reach = [e for e in range(start + rows, min(out_height, start + 4 * rows)) if edge_fits(start, e)]
            if not reach:
                break  # the rest in one strip
            # an edge on a whole row of what GDAL reads gives the very pixels of one read; elsewhere GDAL's averaging
            # rounds a value differently now and then (1 of 255 levels; from an overview a few rows more, where GDAL's
            # own one read works in chunks: docs/robustness.md)
            whole = [e for e in reach[:rows] if self._strip_edge_whole(row_off, height, out_height, e, level)]
            edges.append((whole or reach)[0])
        while len(edges) > 1 and not self._strip_levels_kept(width, height, out_width, out_height, edges[-1],
                                                             out_height):
            edges.pop()  # the last strip read from another overview: joined to the one before
        edges.append(out_height)
        return list(zip(edges[:-1], edges[1:]))

    def _strip_edge_whole(self, row_off: int, height: int, out_height: int, edge: int, level: Optional[int]) -> bool:
        """Whether output row `edge` starts on a whole row of the raster (and of the overview `level` GDAL reads)."""
        top = row_off + edge * height / out_height
        if level is not None:
            top /= self._overview_shape(level)[2][1]
        return abs(top - round(top)) < 1e-9

    def _overview_used(self, width: int, height: int, out_width: int, out_height: int,
                       threshold: float = 1.01) -> Optional[int]:
        """The overview level GDAL reads a `width` x `height` window at `out_width` x `out_height` from (its rule:
        the most reduced overview under the least reduced axis' factor times `threshold`, 1.01 for averaging, 1.2
        for the nearest neighbour of the masks), or None for the raster itself."""
        if out_height == 1 or width / out_width < height / out_height:
            desired = width / out_width
        else:
            desired = height / out_height
        best, best_factor = None, 1.0
        for level in range(len(self.overview_factors())):
            f = min(self._overview_shape(level)[2])
            if best_factor < f < desired * threshold:
                best, best_factor = level, f
        return best

    def _overview_shape(self, level: int) -> tuple[int, int, tuple[float, float]]:
        """(width, height, (x factor, y factor)) of overview `level` (GDAL's size: the raster's divided, rounded up)."""
        f = self.overview_factors()[level]
        w, h = -(-self.width // f), -(-self.height // f)
        return w, h, (self.width / w, self.height / h)

    def _strip_levels_kept(self, width: int, height: int, out_width: int, out_height: int, start: int,
                           end: int) -> bool:
        """Whether output rows [start, end) read alone come from the overviews the whole read comes from (data:
        averaging; masks: nearest neighbour)."""
        h = (end - start) * height / out_height
        return all(self._overview_used(width, int(max(1, h)), out_width, end - start, threshold)
                   == self._overview_used(width, height, out_width, out_height, threshold) for threshold in (1.01, 1.2))

    def _strip_start_kept(self, row_off: int, width: int, height: int, out_width: int, out_height: int,
                          start: int) -> bool:
        """Whether a strip from output row `start` keeps its first row whole: from an overview, GDAL rounds the
        window's integer start to the overview's rows (halves up) and reads none above it."""
        top = row_off + start * height / out_height
        for threshold in (1.01, 1.2):
            level = self._overview_used(width, height, out_width, out_height, threshold)
            if level is None:
                continue
            ov_h, (_fx, fy) = self._overview_shape(level)[1], self._overview_shape(level)[2]
            if min(ov_h - 1, int(int(top) / fy + 0.5)) > top / fy + 1e-9:
                return False
        return True

    def read_rgb(
        self, col_off: int, row_off: int, width: int, height: int,
        out_width: Optional[int] = None, out_height: Optional[int] = None,
        progress: Optional[ReadProgress] = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rgb uint8 HxWx3, valid bool HxW) for a raster pixel window, resampled to out size.

        Parts of the window outside the raster are padded black and invalid. A long downscaled read goes in strips
        of whole output rows (`read_strips`), `progress(strips read, strips)` after each.
        """
        from rasterio.enums import Resampling
        from rasterio.windows import Window

        ow = int(out_width or width)
        oh = int(out_height or height)
        unique = tuple(dict.fromkeys(self.bands))
        win = Window(col_off, row_off, width, height)
        boundless = col_off < 0 or row_off < 0 or col_off + width > self.width or row_off + height > self.height
        if (ow, oh) == (width, height):
            resampling = Resampling.nearest
        else:  # averaging when shrinking avoids aliasing; bilinear when enlarging
            resampling = Resampling.average if ow * oh < width * height else Resampling.bilinear
        from rasterio.errors import RasterioIOError

        ds = self._ds
        try:
            with _gdal_env():
                strips = self.read_strips(row_off, width, height, ow, oh, boundless)
                if len(strips) == 1:
                    data, masks = self._read(ds, unique, win, ow, oh, boundless, resampling)
                else:
                    data, masks = self._read_strips(ds, unique, win, ow, oh, strips, resampling, progress)
        except RasterioIOError as exc:  # a block the probe of raster.checks did not sample
            raise InputError(damaged_message(self.path, exc)) from None
        # Nodata per pixel: invalid only where every chosen band is masked (see the class docstring).
        valid = (masks > 0).any(axis=0)
        if np.issubdtype(data.dtype, np.floating):
            valid &= np.isfinite(data).all(axis=0)
        planes = [data[unique.index(b)] for b in self.bands]
        rgb = self._to_uint8(planes)
        rgb[~valid] = 0
        return rgb, valid

    @staticmethod
    def _read(ds, unique, win, ow, oh, boundless, resampling):
        from rasterio.enums import Resampling

        # No fill_value: rasterio would write it over every nodata pixel of *each band*, breaking the
        # all-bands nodata rule; padding and invalid pixels are blackened below from the masks.
        data = ds.read(unique, window=win, out_shape=(len(unique), oh, ow), boundless=boundless,
                       resampling=resampling)
        masks = ds.read_masks(unique, window=win, out_shape=(len(unique), oh, ow), boundless=boundless,
                              resampling=Resampling.nearest)
        return data, masks

    @classmethod
    def _read_strips(cls, ds, unique, win, ow, oh, strips, resampling, progress):
        """`_read` strip by strip: each strip is the window's rows that make output rows [first, end) (a fractional
        window, which GDAL takes as such), so every output pixel is made from the same raster pixels as in one read."""
        from rasterio.windows import Window

        data = masks = None
        step = win.height / oh  # raster rows per output row
        for k, (first, end) in enumerate(strips):
            sub = Window(win.col_off, win.row_off + first * step, win.width, (end - first) * step)
            d, m = cls._read(ds, unique, sub, ow, end - first, False, resampling)
            if data is None:
                data = np.empty((len(unique), oh, ow), dtype=d.dtype)
                masks = np.empty((len(unique), oh, ow), dtype=m.dtype)
            data[:, first:end], masks[:, first:end] = d, m
            if progress is not None:
                progress(k + 1, len(strips))
        return data, masks

    def _to_uint8(self, planes: list[np.ndarray]) -> np.ndarray:
        if self._palette is not None:
            idx = np.clip(planes[0], 0, len(self._palette) - 1).astype(np.intp)
            return self._palette[idx]
        if self.stretch is None:  # uint8 passes through
            return np.ascontiguousarray(np.stack(planes, axis=-1).astype(np.uint8, copy=False))
        out = np.empty(planes[0].shape + (3,), dtype=np.uint8)
        for i, p in enumerate(planes):
            lo, hi = self.stretch.lo[i], self.stretch.hi[i]
            scaled = (np.nan_to_num(p.astype(np.float32), nan=lo) - lo) * (255.0 / (hi - lo))
            out[..., i] = np.clip(scaled, 0, 255).round().astype(np.uint8)
        return out

    def _compute_stretch(self, joint: bool = True) -> BandStretch:
        """2-98 % over the valid pixels of a decimated read of the extent: of the three chosen bands together
        (`joint`: one range, so their balance, a red-dominant scene's red, is kept) or of each band."""
        from rasterio.enums import Resampling
        from rasterio.windows import Window

        c, r, w, h = self.window
        scale = min(1.0, STRETCH_SAMPLE_SIDE / max(w, h))
        ow, oh = max(1, round(w * scale)), max(1, round(h * scale))
        unique = tuple(dict.fromkeys(self.bands))
        win = Window(c, r, w, h)
        with _gdal_env():
            data = self._ds.read(unique, window=win, out_shape=(len(unique), oh, ow), resampling=Resampling.nearest)
            masks = self._ds.read_masks(unique, window=win, out_shape=(len(unique), oh, ow),
                                        resampling=Resampling.nearest)
        valid = (masks > 0).any(axis=0)

        def limits(values: np.ndarray) -> tuple[float, float]:
            values = values[np.isfinite(values)]
            if values.size == 0:
                return 0.0, 1.0
            low, high = (float(v) for v in np.percentile(values, STRETCH_PERCENTILES))
            return (low, high) if high > low else (low, low + 1.0)  # flat: keep it visible, no division by zero

        if joint:
            low, high = limits(np.concatenate([data[unique.index(b)][valid].astype(np.float64) for b in self.bands]))
            return BandStretch((low,) * 3, (high,) * 3, "joint")
        pairs = [limits(data[unique.index(b)][valid].astype(np.float64)) for b in self.bands]
        return BandStretch(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), "per-band")

    def close(self) -> None:
        if self._ds is not None:
            self._ds.close()
            self._ds = None

    def __enter__(self) -> "RasterSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _palette_lut(ds, band: int) -> Optional[np.ndarray]:
    """RGB lookup table for a paletted band, else None."""
    from rasterio.enums import ColorInterp

    if ds.colorinterp[band - 1] != ColorInterp.palette:
        return None
    try:
        cmap = ds.colormap(band)
    except ValueError:
        return None
    size = max(256, max(cmap) + 1)
    lut = np.zeros((size, 3), dtype=np.uint8)
    for k, rgba in cmap.items():
        lut[k] = rgba[:3]
    return lut


# The stretch scales values in float32: stretch values beyond its range overflow to infinity (a black view).
_STRETCH_MAX = float(np.finfo(np.float32).max)
# A chosen stretch (`--stretch none`, `--stretch-values`) that shows the data's 2-98 % range in fewer of the 256 levels
# than this, or leaves less than this share of that range unclipped, earns a warning (a nearly uniform view).
_DIM_LEVELS = 16
_DIM_KEPT = 0.1


def _blank_stretch(name: str, dtype: str, values: Sequence[float], pairs) -> Optional[str]:
    """Why --stretch-values would show the model a blank view of this raster (None when they would not): a value
    beyond float32, or a band whose every possible value (the data type's range) falls in one of the 256 levels."""
    given = ",".join(f"{x:g}" for x in values)
    if any(abs(x) > _STRETCH_MAX for x in values) or any(hi - lo > _STRETCH_MAX for lo, hi in pairs):
        return (f"--stretch-values {given} are too large to scale (beyond {_STRETCH_MAX:.3g}): every pixel would come "
                f"out black. Give values within {name}'s data, or leave --stretch-values out to have its 2-98 % "
                f"measured.")
    info = np.iinfo(dtype) if np.issubdtype(np.dtype(dtype), np.integer) else np.finfo(dtype)
    low, high = float(info.min), float(info.max)
    for (lo, hi), colour in zip(pairs, ("red", "green", "blue")):
        if (min(hi, high) - max(lo, low)) * 255.0 / (hi - lo) < 1.0:
            return (f"--stretch-values {given} put every value a {dtype} raster can hold ({low:,.6g} to {high:,.6g}) "
                    f"in one colour level of {colour}: {name} would be shown to the model as a blank view. Give "
                    f"values within its data, or leave --stretch-values out to have its 2-98 % measured.")
    return None


def _dim_view(name: str, chosen: "BandStretch", data: "BandStretch") -> Optional[str]:
    """A warning when the chosen stretch (`--stretch none`: values as they are; `--stretch-values`) shows the
    data's 2-98 % range (`data`, over the three bands) in fewer than _DIM_LEVELS of the 256 levels of every colour,
    or leaves under _DIM_KEPT of that range unclipped."""
    overlap = [max(0.0, min(dhi, hi) - max(dlo, lo)) for lo, hi, dlo, dhi in zip(chosen.lo, chosen.hi, data.lo,
                                                                                   data.hi)]
    levels = [o * 255.0 / (hi - lo) for o, lo, hi in zip(overlap, chosen.lo, chosen.hi)]
    kept = [o / max(dhi - dlo, 1e-12) for o, dlo, dhi in zip(overlap, data.lo, data.hi)]  # of the data not clipped
    if max(levels) >= _DIM_LEVELS and max(kept) >= _DIM_KEPT:
        return None
    lo, hi = min(data.lo), max(data.hi)
    mid = (lo + hi) / 2
    tone = "black" if mid <= chosen.lo[0] + (chosen.hi[0] - chosen.lo[0]) / 2 else "white"
    how = ("--stretch none shows the values as they are (0 to 255)" if chosen.method == "none" else
           f"--stretch-values {','.join(f'{v:g}' for v in _pairs_given(chosen))} stretch "
           f"{chosen.lo[0]:g}..{chosen.hi[0]:g} to 0..255")
    what = (f"{max(levels):.0f} of 256 levels" if max(levels) < _DIM_LEVELS else
            f"{100 * max(kept):.0f} % of their range unclipped")
    return (f"{how}, but 96 % of {name}'s values lie between {lo:.4g} and {hi:.4g}: the model sees them in "
            f"{what}, a view almost {tone}. Leave --stretch and --stretch-values out for the 2-98 % stretch, or "
            f"give --stretch-values {lo:.4g},{hi:.4g}.")


def _pairs_given(st: "BandStretch") -> list[float]:
    """--stretch-values as given: LO,HI when the three bands share them, else the six."""
    if len(set(zip(st.lo, st.hi))) == 1:
        return [st.lo[0], st.hi[0]]
    return [v for pair in zip(st.lo, st.hi) for v in pair]


def _fmt_box(b: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:.10g}" for v in b) + ")"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
