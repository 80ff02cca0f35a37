"""Export the feature layers of a result GeoPackage to Shapefile or GeoJSON (one file per layer).

Shapefile: field names go through the fixed map `SHP_FIELD_NAMES` (DBF allows 10 characters; a
fixed map keeps names stable between runs instead of GDAL's automatic `_1` suffixes), text is UTF-8
(a `.cpg` file says so) and values over 254 bytes are truncated, with a note in the log.
GeoJSON: written in the layer (raster) CRS with a `crs` member, like GDAL's default, so coordinates
match the GeoPackage and the raster exactly; RFC 7946 (WGS 84 only) is available with `rfc7946=True`.
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import Optional

import numpy as np

from inference_core.contract.schema import ANSWER_LAYER, FEATURE_LAYERS, GEOMETRY_TYPES

log = logging.getLogger(__name__)

# Fields longer than 10 characters -> their Shapefile name. Every other name is kept as is.
SHP_FIELD_NAMES = {
    "tiles_total": "tiles_tot",
    "parse_error": "parse_err",
    "input_size": "input_size",
    "sam_score": "sam_score",
    "reasoning": "reasoning",
    "target_id": "target_id",
    "cut_sides": "cut_sides",
    "view_width": "view_w",
    "view_height": "view_h",
    "unconfirmed": "unconfirmd",
}
DBF_TEXT_LIMIT = 254  # bytes per DBF text field
FORMATS = {"shp": ("ESRI Shapefile", ".shp"), "geojson": ("GeoJSON", ".geojson")}


def shp_field_name(name: str) -> str:
    """The Shapefile name of a GeoPackage field (fixed map, else the first 10 characters)."""
    return SHP_FIELD_NAMES.get(name, name[:10])


def layer_path(dest: str | os.PathLike, fmt: str, layer: str) -> str:
    """`out.shp` + boxes -> `out_boxes.shp`; a folder -> `folder/boxes.shp`."""
    dest = os.fspath(dest)
    ext = FORMATS[fmt][1]
    if os.path.isdir(dest):
        return os.path.join(dest, layer + ext)
    stem = dest[: -len(ext)] if dest.lower().endswith(ext) else dest
    return f"{stem}_{layer}{ext}"


def _truncate_text(values: np.ndarray, field: str, layer: str) -> np.ndarray:
    out = values.copy()
    cut = 0
    for i, v in enumerate(values):
        if isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_LIMIT:
            out[i] = v.encode("utf-8")[:DBF_TEXT_LIMIT].decode("utf-8", errors="ignore")
            cut += 1
    if cut:
        log.warning("Shapefile export: %d value(s) of %s.%s longer than %d bytes were truncated "
                    "(the GeoPackage keeps the full text).", cut, layer, field, DBF_TEXT_LIMIT)
    return out


def export(gpkg_path: str | os.PathLike, fmt: str, dest: str | os.PathLike,
           layers: Optional[tuple[str, ...]] = None, rfc7946: bool = False) -> list[str]:
    """Write each feature layer present in `gpkg_path` as `fmt` ("shp" | "geojson"); return the paths."""
    import pyogrio
    from pyogrio.raw import read, write

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use shp or geojson")
    driver = FORMATS[fmt][0]
    present = {str(n) for n, _ in pyogrio.list_layers(gpkg_path)}
    written = []
    for layer in layers or (*FEATURE_LAYERS, ANSWER_LAYER):
        if layer not in present:
            continue
        meta, _fids, geoms, fields = read(gpkg_path, layer=layer)
        names = list(meta["fields"])
        data = [np.asarray(f) for f in fields]
        kw: dict = {}
        if fmt == "shp":
            data = [(_truncate_text(d, n, layer) if d.dtype == object else d) for d, n in zip(data, names)]
            names = [shp_field_name(n) for n in names]
            kw["layer_options"] = {"ENCODING": "UTF-8"}
        elif rfc7946:
            kw["layer_options"] = {"RFC7946": "YES"}
        path = layer_path(dest, fmt, layer)
        if os.path.exists(path):  # replace earlier exports (drivers differ on overwriting)
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg") if fmt == "shp" else (".geojson",):
                p = path[: -len(FORMATS[fmt][1])] + ext
                if os.path.exists(p):
                    os.remove(p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            write(path, geoms if geoms is not None else np.array([], dtype=object), field_data=data, fields=names,
                  layer=layer, driver=driver, geometry_type=GEOMETRY_TYPES[layer], crs=meta.get("crs"),
                  promote_to_multi=False, **kw)
        written.append(path)
    return written
