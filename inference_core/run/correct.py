"""Correct a run's results by clicking: re-segment one object with SAM from its box plus positive / negative
points (reusing the cached image embedding of the window the run used), add a missed object from a box,
delete a false one, undo; every edit is a row of the GeoPackage's `edits` table (docs/SCHEMA.md)."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Optional

from inference_core.common.errors import InputError
from inference_core.contract.options import RunOptions
from inference_core.contract.schema import EDIT_ACTIONS, FEATURE_LAYERS

Point = tuple[float, float, int]  # map x, map y, label (1 = the object, 0 = background)


@dataclass
class Correction:
    """One edit asked for: `target_id` (refine, delete), `box` in map units (add; refine: default the target's
    box), `points` in map units (refine)."""

    gpkg: str
    action: str
    run_id: Optional[str] = None
    target_id: Optional[int] = None
    points: list[Point] = field(default_factory=list)
    box: Optional[tuple[float, float, float, float]] = None
    device: Optional[str] = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Correction":
        if not isinstance(d, dict) or not d.get("gpkg") or d.get("action") not in EDIT_ACTIONS:
            raise InputError(f"A correction needs 'gpkg' and 'action' (one of {', '.join(EDIT_ACTIONS)}).")
        try:
            points = [(float(x), float(y), 1 if int(lb) else 0) for x, y, lb in d.get("points") or ()]
            box = tuple(float(v) for v in d["box"]) if d.get("box") is not None else None
            target = int(d["target_id"]) if d.get("target_id") is not None else None
        except (TypeError, ValueError):
            raise InputError("'points' must be [[x, y, label], …] and 'box' [xmin, ymin, xmax, ymax] in map units.") from None
        return cls(str(d["gpkg"]), d["action"], d.get("run_id"), target, points, box,  # type: ignore[arg-type]
                   d.get("device")).validate()

    def validate(self) -> "Correction":
        """Refuse non-finite points and a box that is not one (InputError; nothing is changed)."""
        points, box = self.points, self.box
        bad = [f"point {i + 1} ({x}, {y})" for i, (x, y, _lb) in enumerate(points) if not _finite(x, y)]
        if bad:  # NaN would reach SAM as a prompt and leave the target with no mask and no contour
            raise InputError(f"'points' must be finite map coordinates: {', '.join(bad[:3])} is not. Click inside "
                             f"the image again; nothing was changed.")
        if box is not None and not _finite(*box):
            raise InputError(f"'box' must be four finite map coordinates, not {list(box)}; nothing was changed.")
        if box is not None and (len(box) != 4 or not (box[2] > box[0] and box[3] > box[1])):
            raise InputError("'box' must be [xmin, ymin, xmax, ymax] with xmax > xmin and ymax > ymin.")
        return self


def _finite(*values: float) -> bool:
    import math

    return all(math.isfinite(v) for v in values)


def check_inside(points: list[Point], box, bounds: tuple[float, float, float, float], crs: str) -> None:
    """Refuse click points (and a box) off the run's extent of the raster: SAM would be prompted outside the pixels it sees.

    The message says how far off the farthest one is and which extent it was checked against."""
    x0, y0, x1, y1 = bounds
    far = []
    for i, (x, y, _lb) in enumerate(points):
        dx = max(x0 - x, 0.0, x - x1)
        dy = max(y0 - y, 0.0, y - y1)
        if dx or dy:
            far.append((max(dx, dy), f"point {i + 1} ({_num(x)}, {_num(y)})"))
    if box is not None and (box[2] <= x0 or box[0] >= x1 or box[3] <= y0 or box[1] >= y1):
        gap = max(x0 - box[2], box[0] - x1, y0 - box[3], box[1] - y1, 0.0)
        far.append((gap, f"the box ({', '.join(_num(v) for v in box)})"))
    if far:
        dist, what = max(far)
        raise InputError(f"{what} lies {_num(dist, ',')} map units outside the run's extent on the raster "
                         f"({', '.join(_num(v) for v in bounds)}{', ' + crs if crs else ''}); nothing was changed. "
                         f"Click on the image.")


def _num(v: float, sep: str = "") -> str:
    """A map coordinate or distance as written, to the millimetre: 404211.9, 1,000,000."""
    return format(v, f"{sep}.3f").rstrip("0").rstrip(".")


@dataclass
class CorrectionResult:
    """What changed: the target's rows now (layer -> [{"wkt", "properties"}], empty when deleted)."""

    action: str
    run_id: str
    target_id: int
    edit_id: int
    features: dict[str, list[dict[str, Any]]]
    area_m2: Optional[float] = None
    embedding_cached: Optional[bool] = None
    seconds: float = 0.0
    segment_seconds: float = 0.0
    tally: dict[str, Any] = field(default_factory=dict)  # the run's tally after the edit (run/tally.py)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _run_row(gpkg: str, run_id: Optional[str]) -> tuple[str, dict[str, Any], str]:
    """(run_id, recorded settings, crs WKT) of `run_id` or the newest run."""
    try:
        with closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as con:
            if run_id:
                row = con.execute("SELECT run_id, settings, crs FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            else:
                row = con.execute("SELECT run_id, settings, crs FROM runs ORDER BY fid DESC LIMIT 1").fetchone()
    except sqlite3.Error as exc:
        raise InputError(f"Cannot correct {gpkg}: not a result GeoPackage ({exc}).") from None
    if row is None:
        raise InputError(f"{gpkg} has no run {run_id!r}." if run_id else f"{gpkg} holds no run.")
    return row[0], json.loads(row[1] or "{}"), row[2] or ""


def _run_model(gpkg: str, run_id: str) -> Optional[str]:
    with closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as con:
        row = con.execute("SELECT model FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return row[0] if row else None


def run_options(settings: dict[str, Any], gpkg: str, device: Optional[str]) -> RunOptions:
    known = {k: v for k, v in settings.items() if k in RunOptions.__dataclass_fields__}
    known.update(out=gpkg, resume=False, append=True)
    if device:
        known["device"] = device
    return RunOptions.from_dict(known)


def correct(req: Correction, models) -> CorrectionResult:
    """Apply one correction to the GeoPackage; `models` is the worker's warm ModelCache (its segmenter keeps
    the run's embeddings). The result carries the run's tally as it now is, so a summary shown beside the layers
    follows the edit (a deleted target leaves the count and the covered area)."""
    from inference_core.run.out_lock import OutputLock
    from inference_core.run.sink import GpkgSink
    from inference_core.run.tally import summarize

    req.validate()
    with OutputLock(req.gpkg, f"({req.action} a target)", what="correction"):  # never while a run writes the file
        result = _correct(req, models)
        _run_id, settings, crs_wkt = _run_row(req.gpkg, result.run_id)
        granularity = tuple(run_options(settings, req.gpkg, req.device).granularity)
        result.tally = summarize(GpkgSink(req.gpkg, crs_wkt or None, granularity, mode="append"), result.run_id,
                                 granularity).to_dict()
        return result


def _correct(req: Correction, models) -> CorrectionResult:
    from inference_core.run.sink import GpkgSink

    t0 = time.perf_counter()
    run_id, settings, crs_wkt = _run_row(req.gpkg, req.run_id)
    options = run_options(settings, req.gpkg, req.device)
    sink = GpkgSink(req.gpkg, crs_wkt or None, tuple(options.granularity) + ("masks", "contours") if options.sam
                    else options.granularity, mode="append")
    if req.action == "undo":
        return _undo(sink, run_id, t0)
    if req.action == "delete":
        target = _need_target(req)
        before = sink.target_rows(run_id, target)
        if not any(before.values()):
            raise InputError(f"Run {run_id} has no target {target} to delete.")
        sink.delete_target(run_id, target)
        edit = sink.add_edit({"run_id": run_id, "action": "delete", "target_id": target, "points": "[]", "box": None,
                              "before": json.dumps(before), "undone": 0})
        return CorrectionResult("delete", run_id, target, edit, {name: [] for name in FEATURE_LAYERS},
                                seconds=time.perf_counter() - t0)
    if not options.sam:
        raise InputError("This run has no SAM: correcting masks needs one (redo its post-processing with a SAM first).")
    return _segment(req, sink, options, run_id, t0, models)


def _need_target(req: Correction) -> int:
    if req.target_id is None:
        raise InputError(f"'{req.action}' needs the target_id of the feature to change.")
    return req.target_id


def _segment(req: Correction, sink, options: RunOptions, run_id: str, t0: float, models) -> CorrectionResult:
    import shapely

    from inference_core.geometry.vectorize import contours_of
    from inference_core.models.segment import segment_prompted
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    before: dict[str, list[dict[str, Any]]] = {}
    if req.action == "refine":
        target = _need_target(req)
        before = sink.target_rows(run_id, target)
        if not before.get("boxes"):
            raise InputError(f"Run {run_id} has no box for target {target}.")
        box_row = before["boxes"][0]
        box = req.box or shapely.from_wkt(box_row["wkt"]).bounds
        props = dict(box_row["properties"])
    else:  # add: a new target from a drawn box
        if req.box is None:
            raise InputError("'add' needs the box of the missed object, [xmin, ymin, xmax, ymax] in map units.")
        target, box = sink.max_target_id(run_id) + 1, req.box
        props = {}
    source = RasterSource.open(options.raster, options.bands, options.extent, options.extent_crs,
                               options.stretch, options.stretch_values)
    try:
        check_inside(list(req.points), box, source.extent_bounds, f"EPSG:{source.epsg}" if source.epsg else "")
        segmenter = models.segmenter(options)  # after the checks: a refused click loads no SAM
        tiles = plan_tiles(source, options)
        tile = _tile_for(tiles, props.get("tile_id"), box)
        mask = segment_prompted(segmenter, source, tile, box, list(req.points), options)
        prov = _provenance(props, options, tile, _run_model(req.gpkg, run_id))
    finally:
        source.close()
    rows: dict[str, list[dict[str, Any]]] = {"masks": [], "contours": []}
    area = None
    if mask.geometry is not None:
        area = sink.measurer.area_m2(mask.geometry)
        rows["masks"].append({"geometry": mask.geometry, "properties": {
            **prov, "target_id": target, "tile_id": tile.tile_id, "area_m2": area, "sam_score": mask.score,
            "sam_model": segmenter.model_id}})
        line = contours_of(mask.geometry)
        rows["contours"].append({"geometry": line, "properties": {
            **prov, "target_id": target, "tile_id": tile.tile_id, "length_m": sink.measurer.length_m(line)}})
    sink.delete_target(run_id, target, layers=("masks", "contours"))
    if req.action == "add":
        sink.write_rows("boxes", run_id, [{"geometry": shapely.box(*box), "properties": {
            **prov, "target_id": target, "tile_id": tile.tile_id, "label": None, "score": None,
            "reasoning": "added by hand", "cut_sides": ""}}])
    for layer, items in rows.items():
        if items and layer in sink.granularity:
            sink.write_rows(layer, run_id, items)
    edit = sink.add_edit({"run_id": run_id, "action": req.action, "target_id": target,
                          "points": json.dumps([list(p) for p in req.points]), "box": json.dumps(list(box)),
                          "sam_model": segmenter.model_id, "area_m2": area, "before": json.dumps(before), "undone": 0})
    return CorrectionResult(req.action, run_id, target, edit, sink.target_rows(run_id, target), area, mask.cached,
                            time.perf_counter() - t0, mask.embed_seconds + mask.predict_seconds)


def _tile_for(tiles, tile_id, box):
    """The target's own view, else the first view holding the box's centre (an added object)."""
    if tile_id is not None:
        for t in tiles:
            if t.tile_id == int(tile_id):
                return t
    from inference_core.raster.coords import map_box_to_pixel

    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for t in tiles:
        x, y = map_box_to_pixel((cx, cy, cx, cy), t.transform)[:2]
        if 0 <= x < t.out_width and 0 <= y < t.out_height:
            return t
    raise InputError("The box lies outside the run's extent: draw it over the area the run covered.")


def _provenance(props: dict[str, Any], options: RunOptions, tile, model: Optional[str]) -> dict[str, Any]:
    """The provenance fields of the target (kept from its box), or of the run for an added object (its model,
    prompt template, and the view's gsd at the view's own scale)."""
    import math
    import os

    from inference_core.models.prompts import load_template

    a, b, _c, d, e, _f = tile.transform[:6]
    keep = ("query", "raster", "model", "prompt", "gsd")
    base = {"query": options.query, "raster": os.path.abspath(options.raster), "model": model,
            "prompt": load_template(options).name, "gsd": math.sqrt(abs(a * e - b * d))}
    return {k: props.get(k) if props.get(k) is not None else base[k] for k in keep}


def _undo(sink, run_id: str, t0: float) -> CorrectionResult:
    import shapely

    live = [e for e in sink.edits(run_id) if e["action"] != "undo" and not e["undone"]]
    if not live:
        raise InputError("Nothing to undo: this run has no edit left.")
    last = live[-1]
    target = int(last["target_id"])
    before = json.loads(last["before"] or "{}")
    sink.delete_target(run_id, target)
    for layer, items in before.items():
        if items and layer in sink.granularity + ("boxes",):
            sink.write_rows(layer, run_id, [{"geometry": shapely.from_wkt(i["wkt"]), "properties": i["properties"]}
                                            for i in items])
    sink.mark_undone(run_id, int(last["edit_id"]))
    edit = sink.add_edit({"run_id": run_id, "action": "undo", "target_id": target, "points": "[]", "box": None,
                          "undoes": int(last["edit_id"]), "before": None, "undone": 0})
    rows = sink.target_rows(run_id, target)
    area = rows["masks"][0]["properties"].get("area_m2") if rows.get("masks") else None
    return CorrectionResult("undo", run_id, target, edit, rows, area, seconds=time.perf_counter() - t0)
