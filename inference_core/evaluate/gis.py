"""Compare a result GeoPackage's masks (or boxes) with a reference polygon layer over a raster's
grid: pixel IoU as in the benchmarks (rasterised window by window, memory bounded) plus per-object
matching at IoU >= 0.5 for analysts counting objects.
"""

from __future__ import annotations

import sqlite3
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np

from inference_core.evaluate.metrics import SampleScore, Summary, box_score, summarize

BLOCK = 4096  # rasterise in windows of BLOCK x BLOCK pixels: memory does not grow with the raster


class CompareError(ValueError):
    """Inputs that cannot be compared; the message names the fix."""


@dataclass
class ObjectMatch:
    """One-to-one matching of predicted and reference objects at IoU >= threshold (greedy, best first)."""

    n_pred: int
    n_ref: int
    matched: int
    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]
    threshold: float = 0.5


@dataclass
class Comparison:
    """Pixel counts on the raster grid, areas in map units, the benchmark summary and object matching."""

    layer: str
    intersection_px: int
    union_px: int
    pred_px: int
    ref_px: int
    pixel_area: float  # map units squared per pixel
    summary: Summary
    objects: ObjectMatch
    box_iou: float
    crs: Optional[str]
    notes: list[str] = field(default_factory=list)

    @property
    def iou(self) -> float:
        return 1.0 if self.union_px == 0 else self.intersection_px / self.union_px

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["iou"] = self.iou
        return d


def _newest_run(gpkg: Path) -> Optional[str]:
    try:
        con = sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT run_id FROM runs ORDER BY started DESC, rowid DESC LIMIT 1").fetchone()
        return row[0] if row else None
    except sqlite3.Error:
        return None
    finally:
        con.close()


def _read(path: Path, layer: Optional[str], what: str):
    import pyogrio

    if not path.exists():
        raise CompareError(f"{what} {path} does not exist.")
    try:
        layers = [name for name, geom in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError subclasses
        raise CompareError(f"Cannot open {what} {path}: {exc}. Use a GeoPackage, Shapefile or GeoJSON.") from None
    if layer is not None and layer not in layers:
        raise CompareError(f"{what} {path.name} has no layer {layer!r}; its layers: {', '.join(layers)}.")
    try:
        return pyogrio.read_dataframe(path, layer=layer or layers[0]) if layers else None
    except Exception as exc:
        raise CompareError(f"Cannot read {what} {path}: {exc}.") from None


def _polygons(gdf) -> list:
    import shapely

    if gdf is None or len(gdf) == 0:
        return []
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    geoms = geoms[~shapely.is_missing(geoms)]
    keep = np.isin(shapely.get_type_id(geoms), (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    geoms = geoms[keep]
    geoms = geoms[~shapely.is_empty(geoms)]
    return list(shapely.make_valid(geoms))


def _to_crs(gdf, crs, what: str, notes: list[str]):
    if gdf is None or crs is None:
        return gdf
    if gdf.crs is None:
        notes.append(f"{what} has no CRS: taken to be in the raster's CRS.")
        return gdf
    if not gdf.crs.equals(crs):
        notes.append(f"{what} reprojected from {gdf.crs.to_string()} to the raster CRS.")
        return gdf.to_crs(crs)
    return gdf


def match_objects(pred: list, ref: list, threshold: float = 0.5) -> ObjectMatch:
    """Greedy one-to-one matching by polygon IoU (STRtree finds candidate pairs, areas vectorised)."""
    import shapely

    matched = 0
    if pred and ref:
        p = np.asarray(pred, dtype=object)
        r = np.asarray(ref, dtype=object)
        tree = shapely.STRtree(r)
        pi, ri = tree.query(p, predicate="intersects")
        if pi.size:
            inter = shapely.area(shapely.intersection(p[pi], r[ri]))
            union = shapely.area(p[pi]) + shapely.area(r[ri]) - inter
            iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            order = np.argsort(-iou, kind="stable")
            used_p: set[int] = set()
            used_r: set[int] = set()
            for k in order:
                if iou[k] < threshold - 1e-12:
                    break
                a, b = int(pi[k]), int(ri[k])
                if a not in used_p and b not in used_r:
                    used_p.add(a)
                    used_r.add(b)
                    matched += 1
    n_p, n_r = len(pred), len(ref)
    precision = matched / n_p if n_p else None
    recall = matched / n_r if n_r else None
    f1 = (2 * matched / (n_p + n_r)) if (n_p + n_r) else None
    return ObjectMatch(n_p, n_r, matched, precision, recall, f1, threshold)


def pixel_counts(pred: list, ref: list, width: int, height: int, transform, block: int = BLOCK) -> tuple[int, int, int, int]:
    """(intersection, union, pred, ref) pixel counts of two geometry sets burnt on a raster grid.

    Window by window: only geometries touching a window are burnt into it (STRtree on bounds).
    """
    import shapely
    from rasterio import features, windows

    p = np.asarray(pred, dtype=object)
    r = np.asarray(ref, dtype=object)
    ptree = shapely.STRtree(p) if p.size else None
    rtree = shapely.STRtree(r) if r.size else None
    counts = np.zeros(4, dtype=np.int64)
    for row in range(0, height, block):
        for col in range(0, width, block):
            win = windows.Window(col, row, min(block, width - col), min(block, height - row))
            wt = windows.transform(win, transform)
            box = shapely.box(*windows.bounds(win, transform))
            shape = (int(win.height), int(win.width))

            def burn(tree, geoms):
                if tree is None:
                    return np.zeros(shape, dtype=bool)
                idx = tree.query(box, predicate="intersects")
                if idx.size == 0:
                    return np.zeros(shape, dtype=bool)
                return features.rasterize(((g, 1) for g in geoms[idx]), out_shape=shape, transform=wt,
                                          fill=0, dtype="uint8").astype(bool)

            a, b = burn(ptree, p), burn(rtree, r)
            counts += (np.count_nonzero(a & b), np.count_nonzero(a | b), np.count_nonzero(a), np.count_nonzero(b))
    return tuple(int(c) for c in counts)  # type: ignore[return-value]


def compare(result: str | Path, reference: str | Path, raster: str | Path, layer: str = "masks",
            reference_layer: Optional[str] = None, run_id: Optional[str] = None, block: int = BLOCK) -> Comparison:
    """Compare `result` (a run GeoPackage) with `reference` polygons on `raster`'s pixel grid.

    `layer` is the result layer to score ("masks", or "boxes" for a boxes-only run); features of the
    newest run are used unless `run_id` names one. Both layers are reprojected to the raster CRS.
    """
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning
    from shapely.geometry import box as shp_box

    result, reference, raster = Path(result).expanduser(), Path(reference).expanduser(), Path(raster).expanduser()
    if layer not in ("masks", "boxes"):
        raise CompareError(f"--layer {layer!r}: use masks or boxes.")
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(raster) as ds:
                width, height, transform, crs = ds.width, ds.height, ds.transform, ds.crs
    except rasterio.errors.RasterioIOError as exc:
        raise CompareError(f"Cannot open the raster {raster}: {exc}.") from None
    pred_gdf = _read(result, layer, "Result")
    run = run_id or _newest_run(result)
    if run is not None and pred_gdf is not None and "run_id" in pred_gdf.columns:
        pred_gdf = pred_gdf[pred_gdf["run_id"] == run]
    ref_gdf = _read(reference, reference_layer, "Reference")
    pred_gdf = _to_crs(pred_gdf, crs, "The result", notes)
    ref_gdf = _to_crs(ref_gdf, crs, "The reference", notes)
    pred, ref = _polygons(pred_gdf), _polygons(ref_gdf)
    if ref_gdf is not None and len(ref_gdf) and not ref:
        raise CompareError(f"Reference {reference.name} holds no polygons: compare needs a polygon layer.")
    inter, union, npx, rpx = pixel_counts(pred, ref, width, height, transform, block)
    score = SampleScore(
        sample_id=result.stem, intersection=inter, union=union, pred_pixels=npx, gt_pixels=rpx,
        box_iou=box_score([g.bounds for g in pred] or None, _envelope(ref)), n_pred=len(pred),
    )
    objects = match_objects(pred, [shp_box(*g.bounds) for g in ref] if layer == "boxes" else ref)
    if layer == "boxes":
        notes.append("Boxes are matched against the reference objects' bounding boxes.")
    return Comparison(
        layer=layer, intersection_px=inter, union_px=union, pred_px=npx, ref_px=rpx,
        pixel_area=abs(transform.a * transform.e - transform.b * transform.d), summary=summarize([score]),
        objects=objects, box_iou=float(score.box_iou or 0.0), crs=crs.to_string() if crs else None, notes=notes,
    )


def _envelope(geoms: list) -> Optional[tuple[float, float, float, float]]:
    if not geoms:
        return None
    b = np.array([g.bounds for g in geoms])
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def format_comparison(c: Comparison) -> str:
    """Plain-text table for the terminal (percentages with two decimals, areas in map units)."""
    s = c.summary
    pct = lambda v: "–" if v is None else f"{100 * v:.2f} %"  # noqa: E731
    lines = [
        f"Layer compared      : {c.layer}" + (f" (CRS {c.crs})" if c.crs else " (pixel coordinates)"),
        f"IoU (= gIoU = cIoU) : {pct(c.iou)}",
        f"Intersection        : {c.intersection_px} px  ({c.intersection_px * c.pixel_area:.2f} map units²)",
        f"Union               : {c.union_px} px  ({c.union_px * c.pixel_area:.2f} map units²)",
        f"Predicted / ref.    : {c.pred_px} px / {c.ref_px} px",
        "Pr@0.5..0.9         : " + "  ".join(f"{k}:{pct(v)}" for k, v in s.precision.items()),
        f"Acc@0.5 (box)       : {pct(s.acc_box)}  (envelope IoU {pct(c.box_iou)})",
        f"Objects @IoU>=0.5   : {c.objects.matched} matched of {c.objects.n_pred} predicted / {c.objects.n_ref} reference"
        f" — precision {pct(c.objects.precision)}, recall {pct(c.objects.recall)}, F1 {pct(c.objects.f1)}",
    ]
    lines += [f"Note: {n}" for n in c.notes]
    return "\n".join(lines)
