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

from inference_core.contract.comparison import (
    COMPARE_LAYERS,
    FALSE_ALARM,
    MATCH_THRESHOLD,
    MATCHED,
    MISSED,
    ObjectScore,
)
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
    threshold: float = MATCH_THRESHOLD
    # (predicted index, reference index, IoU) of each matched pair
    pairs: list[tuple[int, int, float]] = field(default_factory=list)


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
    per_object: list[ObjectScore] = field(default_factory=list)
    run_id: Optional[str] = None
    raster: Optional[str] = None

    @property
    def iou(self) -> float:
        return 1.0 if self.union_px == 0 else self.intersection_px / self.union_px

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["iou"] = self.iou
        return d


def _run_row(gpkg: Path, run_id: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(run_id, raster) of `run_id`, or of the newest run; (None, None) without a readable `runs` table."""
    if not gpkg.exists():
        return None, None
    try:
        con = sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, None
    try:
        cols = {r[1] for r in con.execute("PRAGMA table_info(runs)")}
        raster = "raster" if "raster" in cols else "NULL"
        if run_id is None:
            row = con.execute(f"SELECT run_id, {raster} FROM runs ORDER BY started DESC, rowid DESC LIMIT 1").fetchone()
        else:
            row = con.execute(f"SELECT run_id, {raster} FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:  # scoring nothing would read as "0 predicted, all missed"
                present = [r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY started, rowid")]
                listed = ", ".join(present[-10:]) + (f" (and {len(present) - 10} older)" if len(present) > 10 else "")
                raise CompareError(f"{gpkg.name} has no run {run_id!r}: its runs are {listed or 'none'}. Give one of "
                                   f"them with --run-id, or leave --run-id out for the newest.")
        return (row[0], row[1]) if row else (run_id, None)
    except sqlite3.Error:
        return run_id, None
    finally:
        con.close()


def _read(path: Path, layer: Optional[str], what: str, fid: bool = False):
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
        gdf = pyogrio.read_dataframe(path, layer=layer or layers[0], fid_as_index=fid) if layers else None
    except Exception as exc:
        raise CompareError(f"Cannot read {what} {path}: {exc}.") from None
    if gdf is not None and not hasattr(gdf, "geometry"):  # a table (CSV, an attribute layer): no geometry field
        raise CompareError(f"{what} {path.name} (layer {layer or layers[0]!r}) has no geometry field: compare needs "
                           f"a polygon layer (GeoPackage, Shapefile or GeoJSON).")
    return gdf


def _polygons(gdf) -> list:
    return _polygons_with_rows(gdf)[0]


def _polygons_with_rows(gdf) -> tuple[list, list[int]]:
    """The valid polygonal geometries of `gdf` and the positions of their rows."""
    import shapely

    if gdf is None or len(gdf) == 0:
        return [], []
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    rows = np.arange(len(geoms))
    keep = ~shapely.is_missing(geoms)
    keep[keep] = np.isin(shapely.get_type_id(geoms[keep]), (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    keep[keep] = ~shapely.is_empty(geoms[keep])
    return list(shapely.make_valid(geoms[keep])), [int(r) for r in rows[keep]]


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


def pair_ious(pred: list, ref: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(predicted index, reference index, polygon IoU) of every intersecting pair (STRtree, vectorised)."""
    import shapely

    if not pred or not ref:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    p = np.asarray(pred, dtype=object)
    r = np.asarray(ref, dtype=object)
    pi, ri = shapely.STRtree(r).query(p, predicate="intersects")
    if not pi.size:
        return pi, ri, np.zeros(0)
    inter = shapely.area(shapely.intersection(p[pi], r[ri]))
    union = shapely.area(p[pi]) + shapely.area(r[ri]) - inter
    return pi, ri, np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def match_objects(pred: list, ref: list, threshold: float = MATCH_THRESHOLD) -> ObjectMatch:
    """Greedy one-to-one matching by polygon IoU, best pair first."""
    matched = 0
    pairs: list[tuple[int, int, float]] = []
    pi, ri, iou = pair_ious(pred, ref)
    if pi.size:
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
                pairs.append((a, b, float(iou[k])))
                matched += 1
    n_p, n_r = len(pred), len(ref)
    precision = matched / n_p if n_p else None
    recall = matched / n_r if n_r else None
    f1 = (2 * matched / (n_p + n_r)) if (n_p + n_r) else None
    return ObjectMatch(n_p, n_r, matched, precision, recall, f1, threshold, pairs)


def object_scores(pred: list, pred_ids: list[int], ref: list, ref_ids: list[int], match: ObjectMatch,
                  pred_shapes: Optional[list] = None) -> list[ObjectScore]:
    """One ObjectScore per predicted and per reference object: matched ones carry their pair's IoU and
    partner, the others (false alarms, misses) their best IoU with any object of the other side.
    `pred_shapes` are the geometries to report for the predictions (default: `pred`)."""
    pi, ri, iou = pair_ious(pred, ref)
    best_p = np.zeros(len(pred))
    best_r = np.zeros(len(ref))
    partner_p: list[Optional[int]] = [None] * len(pred)
    partner_r: list[Optional[int]] = [None] * len(ref)
    for a, b, v in zip(pi.tolist(), ri.tolist(), iou.tolist(), strict=True):
        if v > best_p[a]:
            best_p[a], partner_p[a] = v, ref_ids[b]
        if v > best_r[b]:
            best_r[b], partner_r[b] = v, pred_ids[a]
    status_p, status_r = [FALSE_ALARM] * len(pred), [MISSED] * len(ref)
    for a, b, v in match.pairs:
        status_p[a], status_r[b] = MATCHED, MATCHED
        best_p[a], partner_p[a], best_r[b], partner_r[b] = v, ref_ids[b], v, pred_ids[a]
    shapes = pred_shapes or pred
    out = [ObjectScore("predicted", pred_ids[i], status_p[i], float(best_p[i]), partner_p[i], shapes[i].wkt)
           for i in range(len(pred))]
    out += [ObjectScore("reference", ref_ids[j], status_r[j], float(best_r[j]), partner_r[j], ref[j].wkt)
            for j in range(len(ref))]
    return out


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


def compare(result: str | Path, reference: str | Path, raster: Optional[str | Path] = None, layer: str = "masks",
            reference_layer: Optional[str] = None, run_id: Optional[str] = None, block: int = BLOCK) -> Comparison:
    """Compare `result` (a run GeoPackage) with `reference` polygons on `raster`'s pixel grid.

    `layer` is the result layer to score ("masks", or "boxes" for a boxes-only run); features of the
    newest run are used unless `run_id` names one. Both layers are reprojected to the raster CRS.
    Without `raster`, the run's own raster (its `runs` row) gives the grid.
    """
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning
    from shapely.geometry import box as shp_box

    result, reference = Path(result).expanduser(), Path(reference).expanduser()
    if layer not in COMPARE_LAYERS:
        raise CompareError(f"--layer {layer!r}: use masks or boxes.")
    run, run_raster = _run_row(result, run_id)
    if raster is None:
        if not run_raster:
            raise CompareError(f"{result.name} does not name the raster of its run: give it with --raster.")
        raster = run_raster
    raster = Path(raster).expanduser()
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(raster) as ds:
                width, height, transform, crs = ds.width, ds.height, ds.transform, ds.crs
    except rasterio.errors.RasterioIOError as exc:
        raise CompareError(f"Cannot open the raster {raster}: {exc}.") from None
    pred_gdf = _read(result, layer, "Result")
    if run is not None and pred_gdf is not None and "run_id" in pred_gdf.columns:
        pred_gdf = pred_gdf[pred_gdf["run_id"] == run]
    ref_gdf = _read(reference, reference_layer, "Reference", fid=True)
    pred_gdf = _to_crs(pred_gdf, crs, "The result", notes)
    ref_gdf = _to_crs(ref_gdf, crs, "The reference", notes)
    (pred, pred_rows), (ref, ref_rows) = _polygons_with_rows(pred_gdf), _polygons_with_rows(ref_gdf)
    pred_ids = ([int(pred_gdf["target_id"].iloc[r]) for r in pred_rows] if pred_gdf is not None and "target_id" in pred_gdf.columns
                else [r + 1 for r in pred_rows])
    ref_ids = [int(ref_gdf.index[r]) for r in ref_rows] if ref_rows else []
    if ref_gdf is not None and len(ref_gdf) and not ref:
        raise CompareError(f"Reference {reference.name} holds no polygons: compare needs a polygon layer.")
    inter, union, npx, rpx = pixel_counts(pred, ref, width, height, transform, block)
    score = SampleScore(
        sample_id=result.stem, intersection=inter, union=union, pred_pixels=npx, gt_pixels=rpx,
        box_iou=box_score([g.bounds for g in pred] or None, _envelope(ref)), n_pred=len(pred),
    )
    ref_objects = [shp_box(*g.bounds) for g in ref] if layer == "boxes" else ref
    objects = match_objects(pred, ref_objects)
    per_object = object_scores(pred, pred_ids, ref_objects, ref_ids, objects)
    if layer == "boxes":
        notes.append("Boxes are matched against the reference objects' bounding boxes.")
    return Comparison(
        layer=layer, intersection_px=inter, union_px=union, pred_px=npx, ref_px=rpx,
        pixel_area=abs(transform.a * transform.e - transform.b * transform.d), summary=summarize([score]),
        objects=objects, box_iou=float(score.box_iou or 0.0), crs=crs.to_string() if crs else None, notes=notes,
        per_object=per_object, run_id=run, raster=str(raster),
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
        f"Missed / false      : {c.objects.n_ref - c.objects.matched} missed, {c.objects.n_pred - c.objects.matched} false",
    ]
    lines += [f"Note: {n}" for n in c.notes]
    return "\n".join(lines)
