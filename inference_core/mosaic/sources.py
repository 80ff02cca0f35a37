"""The files of a mosaic: a folder, a glob, a VRT or a tile index (`gdaltindex`) to checked files with footprints,
and the VRT over them that every part reads (so views, stretch and seams are those of one run over the VRT).

Policy, per file: a file that cannot be read (damaged header or pixels) is skipped and named in the summary: one
bad tile of a delivery of thousands must not stop a night's run, and its area simply has no answers. A file in
another CRS, at another resolution or with other bands is refused up front, naming the file and the `gdalwarp`
fix: mixing it in would silently resample the pixels the model sees, which only the analyst can decide on.
`skip_mismatched=True` (`--skip-mismatched`) skips such files instead, each named in the summary.
"""

from __future__ import annotations

import glob
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Optional, Sequence

from inference_core.common.errors import InputError

RASTER_SUFFIXES = (".tif", ".tiff", ".jp2", ".img")
INDEX_SUFFIXES = (".gpkg", ".shp", ".geojson", ".fgb")
LOCATION_FIELD = "location"  # gdaltindex's default field (-tileindex)
RES_TOLERANCE = 1e-6  # relative: resolutions that differ less are the same grid


@dataclass(frozen=True)
class SourceFile:
    """One readable raster of the mosaic: its path, footprint (map units, its CRS) and grid."""

    path: str
    bounds: tuple[float, float, float, float]
    crs_wkt: Optional[str]
    resolution: tuple[float, float]
    width: int
    height: int
    count: int
    dtype: str
    nodata: Optional[float]

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass
class MosaicSources:
    """The files a mosaic run reads, and the ones it leaves out, each with why."""

    files: list[SourceFile]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)

    @property
    def crs_wkt(self) -> Optional[str]:
        return self.files[0].crs_wkt

    @property
    def resolution(self) -> tuple[float, float]:
        return self.files[0].resolution

    def warnings(self) -> list[str]:
        return [f"{os.path.basename(p)} skipped: {why}" for p, why in self.skipped]

    def file_at(self, x: float, y: float) -> str:
        """The file whose footprint holds (x, y), else the nearest one (a point in a gap between files)."""
        best, best_d = self.files[0], float("inf")
        for f in self.files:
            x0, y0, x1, y1 = f.bounds
            d = max(x0 - x, 0.0, x - x1) ** 2 + max(y0 - y, 0.0, y - y1) ** 2
            if d < best_d:
                best, best_d = f, d
                if d == 0.0:
                    break
        return best.path


def list_inputs(spec: str) -> list[str]:
    """The raster paths a mosaic names: a folder's rasters, a glob's matches, a VRT's sources or a tile index's
    `location` field, sorted; a spec that names none is an InputError saying what was looked for."""
    p = Path(spec).expanduser()
    if p.is_dir():
        paths = sorted(str(q) for q in p.iterdir() if q.suffix.lower() in RASTER_SUFFIXES and q.is_file())
        what = f"no GeoTIFF ({', '.join(RASTER_SUFFIXES)}) in the folder {p}"
    elif any(ch in spec for ch in "*?["):
        paths = sorted(glob.glob(os.path.expanduser(spec)))
        what = f"nothing matches {spec}"
    elif not p.exists():
        raise InputError(f"{spec} does not exist: give a folder of GeoTIFFs, a glob such as 'tiles/*.tif', a VRT "
                         "or a tile index.")
    elif p.suffix.lower() == ".vrt":
        paths = vrt_sources(p)
        what = f"{p.name} names no source file"
    elif p.suffix.lower() in INDEX_SUFFIXES:
        paths = index_locations(p)
        what = f"the tile index {p.name} has no features"
    else:
        raise InputError(f"{p.name} is not a mosaic: give a folder, a glob, a .vrt or a tile index "
                         f"({', '.join(INDEX_SUFFIXES)}); for one raster use `remotereasoner reason`.")
    if not paths:
        raise InputError(f"The mosaic is empty: {what}.")
    return paths


def vrt_sources(path: Path) -> list[str]:
    """The distinct SourceFilename entries of a VRT, resolved as GDAL does (relativeToVRT)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(f"Cannot read the VRT {path.name} ({exc}).") from None
    out: list[str] = []
    for el in root.iter("SourceFilename"):
        name = (el.text or "").strip()
        if el.get("relativeToVRT") == "1" or (el.get("relativeToVRT") is None and not os.path.isabs(name)):
            name = str((path.parent / name).resolve())
        if name not in out:
            out.append(name)
    return out


def index_locations(path: Path) -> list[str]:
    """The `location` field of a tile index (relative paths are relative to the index, as gdaltindex writes)."""
    import pyogrio

    try:
        table = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise InputError(f"Cannot read the tile index {path.name} ({exc}).") from None
    if LOCATION_FIELD not in table.columns:
        raise InputError(f"The tile index {path.name} has no `{LOCATION_FIELD}` field (fields: "
                         f"{', '.join(map(str, table.columns))}); write it with `gdaltindex index.gpkg tiles/*.tif`.")
    out = []
    for loc in table[LOCATION_FIELD]:
        loc = str(loc)
        out.append(loc if os.path.isabs(loc) else str((path.parent / loc).resolve()))
    return sorted(dict.fromkeys(out))


def open_sources(paths: Sequence[str], skip_mismatched: bool = False) -> MosaicSources:
    """Check every file (readable header and pixels; CRS, resolution, bands and type of the first good file)."""
    import rasterio

    good: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        try:
            with rasterio.open(path) as ds:
                ds.read(out_shape=(ds.count, 4, 4))  # a damaged strip/tile shows here, not mid-run
                good.append(SourceFile(
                    path=os.path.abspath(path), bounds=tuple(ds.bounds), crs_wkt=ds.crs.to_wkt() if ds.crs else None,
                    resolution=(abs(ds.res[0]), abs(ds.res[1])), width=ds.width, height=ds.height, count=ds.count,
                    dtype=ds.dtypes[0], nodata=ds.nodata))
        except Exception as exc:  # rasterio/GDAL raise many types for a damaged file; each is this file's fault
            skipped.append((os.path.abspath(path), f"cannot be read ({str(exc).splitlines()[0][:160]})"))
    if not good:
        raise InputError("No file of the mosaic can be read: " + "; ".join(
            f"{os.path.basename(p)} {why}" for p, why in skipped))
    ref = good[0]
    keep, odd = [ref], []
    for f in good[1:]:
        why = _mismatch(ref, f)
        (odd if why else keep).append((f, why) if why else f)
    if odd and not skip_mismatched:
        first = odd[0][0]
        epsg = _epsg(ref.crs_wkt)
        raise InputError(
            "The mosaic's files do not share one grid: " + "; ".join(f"{f.name} {why}" for f, why in odd)
            + f". Warp them to the grid of {ref.name}, e.g. `gdalwarp -t_srs {epsg or 'EPSG:XXXX'} -tr "
            f"{ref.resolution[0]:g} {ref.resolution[1]:g} {first.name} {Path(first.name).stem}_warped.tif`, "
            "or leave them out with --skip-mismatched (each is then named in the summary)."
            + (f" Also unreadable, skipped: {', '.join(os.path.basename(p) for p, _ in skipped)}." if skipped else ""))
    skipped += [(f.path, f"{why} (--skip-mismatched)") for f, why in odd]
    return MosaicSources(keep, skipped)


def _mismatch(ref: SourceFile, f: SourceFile) -> str:
    from pyproj import CRS

    if (ref.crs_wkt is None) != (f.crs_wkt is None) or (
            ref.crs_wkt and not CRS.from_wkt(ref.crs_wkt).equals(CRS.from_wkt(f.crs_wkt))):
        return f"is in {_epsg(f.crs_wkt) or 'another CRS'}, not {_epsg(ref.crs_wkt) or 'the CRS'} of {ref.name}"
    if any(abs(a - b) > RES_TOLERANCE * a for a, b in zip(ref.resolution, f.resolution)):
        return f"has {f.resolution[0]:g} map units per pixel, not {ref.resolution[0]:g} as {ref.name}"
    if f.count != ref.count or f.dtype != ref.dtype:
        return f"has {f.count} band(s) of {f.dtype}, not {ref.count} of {ref.dtype} as {ref.name}"
    return ""


def _epsg(wkt: Optional[str]) -> Optional[str]:
    if not wkt:
        return None
    from pyproj import CRS

    code = CRS.from_wkt(wkt).to_epsg()
    return f"EPSG:{code}" if code else None


def write_vrt(sources: MosaicSources, path: str | os.PathLike) -> str:
    """A VRT placing every file on the grid of the first (same CRS and resolution, checked); returns its path."""
    import rasterio

    files = sources.files
    rx, ry = sources.resolution
    x0 = min(f.bounds[0] for f in files)
    y1 = max(f.bounds[3] for f in files)
    x1 = max(f.bounds[2] for f in files)
    y0 = min(f.bounds[1] for f in files)
    width, height = round((x1 - x0) / rx), round((y1 - y0) / ry)
    with rasterio.open(files[0].path) as ds:
        colors = [c.name.capitalize() for c in ds.colorinterp]
    gdal_type = {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32", "int32": "Int32",
                 "float32": "Float32", "float64": "Float64"}[files[0].dtype]
    lines = [f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">']
    if sources.crs_wkt:
        lines.append(f"  <SRS>{escape(sources.crs_wkt)}</SRS>")
    lines.append(f"  <GeoTransform>{x0!r}, {rx!r}, 0.0, {y1!r}, 0.0, {-ry!r}</GeoTransform>")
    nodata = files[0].nodata
    for b in range(1, files[0].count + 1):
        lines.append(f'  <VRTRasterBand dataType="{gdal_type}" band="{b}">')
        if nodata is not None:
            lines.append(f"    <NoDataValue>{nodata!r}</NoDataValue>")
        if b <= len(colors) and colors[b - 1] not in ("Undefined",):
            lines.append(f"    <ColorInterp>{colors[b - 1]}</ColorInterp>")
        for f in files:
            xoff, yoff = round((f.bounds[0] - x0) / rx), round((y1 - f.bounds[3]) / ry)
            lines += [
                "    <SimpleSource>",
                f'      <SourceFilename relativeToVRT="0">{escape(f.path)}</SourceFilename>',
                f"      <SourceBand>{b}</SourceBand>",
                f'      <SrcRect xOff="0" yOff="0" xSize="{f.width}" ySize="{f.height}" />',
                f'      <DstRect xOff="{xoff}" yOff="{yoff}" xSize="{f.width}" ySize="{f.height}" />',
                "    </SimpleSource>",
            ]
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return os.fspath(path)
