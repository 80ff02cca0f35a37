"""The one writer of a mosaic run: the partial GeoPackages merged into one result with the single-run schema.

Boxes of different parts go through the seam merge of a single run (geometry/box_merge.py: duplicates by IoU /
IoS, halves cut by a seam joined into their union), with a part playing the role a view plays there: boxes of
one part were merged already, and a target cut by the edge between two files was cut by a seam between views of
the same plan, so it joins exactly as it would in one run over the VRT. Masks go through the single run's mask
merge (geometry/mask_merge.py) with the tile ids of the views that made them; the order differs from one run's, so
a mask may differ by some pixels along a seam. Every feature's `raster` field names the file holding the centre of
its box."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Any, Sequence

from inference_core.common.records import Detection
from inference_core.geometry.box_merge import BoxMerger
from inference_core.geometry.mask_merge import MaskMerger
from inference_core.mosaic.parts import Part
from inference_core.mosaic.sources import MosaicSources
from inference_core.run.sink import GpkgSink, RunRecord, utc_now

BOX_KEEP = ("query", "label", "reasoning", "model", "stage", "prompt", "gsd")  # from the kept box's own row


@dataclass
class MergedRun:
    """The merged result: its run id and the counts per layer."""

    run_id: str
    counts: dict[str, int]
    targets_cut_by_parts: int  # targets whose boxes came from more than one part (file edges, part seams)


def _rows(path: str, layer: str) -> list[dict[str, Any]]:
    import pyogrio

    try:
        df = pyogrio.read_dataframe(path, layer=layer)
    except Exception:  # the layer is absent (boxes only were asked)
        return []
    return [{**{k: (None if v != v else v) if isinstance(v, float) else v for k, v in r.items() if k != "geometry"},
             "geometry": r["geometry"]} for r in df.to_dict("records")]


def _responses(path: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM responses ORDER BY tile_id")]


def _run_row(path: str) -> dict[str, Any]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        con.row_factory = sqlite3.Row
        return dict(con.execute("SELECT * FROM runs LIMIT 1").fetchone())


def merge_partials(out: str, partials: Sequence[tuple[Part, str]], sources: MosaicSources, options, run_id: str,
                   record: RunRecord, seam_tolerance: float) -> MergedRun:
    """Write `out` from the partials (part, path) in part order; `record` is the mosaic run's `runs` row."""
    import shapely

    merger = BoxMerger.from_options(options, seam_tolerance=seam_tolerance)
    rows: dict[int, dict[str, Any]] = {}  # global id -> its box row
    mask_merger = MaskMerger(tolerance=seam_tolerance)  # geometry/mask_merge.py: pieces joined across seams
    mask_rows: dict[int, dict[str, Any]] = {}  # global id -> its mask row
    groups: dict[int, set[int]] = {}  # kept target id -> the global ids it holds
    responses: list[dict[str, Any]] = []
    gid = 0
    model = ""
    for part, path in partials:
        local: dict[int, int] = {}
        dets = []
        for r in _rows(path, "boxes"):
            local[int(r["target_id"])] = gid
            rows[gid] = {**r, "_part_index": part.index}
            sides = tuple(s for s in (r.get("cut_sides") or "").split(",") if s)
            dets.append(Detection(gid, part.index, (0, 0, 0, 0), tuple(r["geometry"].bounds), score=r.get("score"),
                                  extra={"cut_sides": sides, "gid": gid}))
            gid += 1
        for r in _rows(path, "masks"):  # with their views' tile ids, as the single run's mask merge saw them
            g = local.get(int(r["target_id"]))
            if g is not None:
                mask_rows[g] = r
                mask_merger.add(Detection(g, int(r["tile_id"]), (0, 0, 0, 0), (0, 0, 0, 0),
                                          mask_wkb=shapely.to_wkb(r["geometry"]), sam_score=r.get("sam_score")))
        outcome = merger.add(dets)
        for d in outcome.kept:
            members = {d.extra["gid"]}
            for t in d.extra.get("merged_from", ()):
                members |= groups.pop(t, {t})
            groups[d.target_id] = members
        responses += _responses(path)
        model = model or _run_row(path).get("model") or ""
    kept = {k: d for k, d in ((d.target_id, d) for d in merger.kept)}
    crs_wkt = sources.crs_wkt
    layers = ("boxes", *[g for g in options.granularity if g in ("masks", "contours")])
    sink = GpkgSink(out, crs_wkt, layers, mode="create")
    sink.start_run(RunRecord(**{**record.__dict__, "run_id": run_id, "model": model or record.model,
                                "tiles_total": len(responses)}))
    features: dict[str, list[dict]] = {k: [] for k in layers}
    final_of: dict[int, tuple[int, str]] = {}  # global id -> (the target it is part of, its source file)
    cut_by_parts = 0
    for new_id, tid in enumerate(sorted(kept)):
        d = kept[tid]
        row = rows[d.extra["gid"]]
        members = groups.get(tid, {d.extra["gid"]})
        x0, y0, x1, y1 = d.box_map
        src = sources.file_at((x0 + x1) / 2, (y0 + y1) / 2)
        prov = {k: row.get(k) for k in BOX_KEEP}
        tile = int(row["tile_id"])
        features["boxes"].append({"geometry": shapely.box(*d.box_map), "properties": {
            **prov, "target_id": new_id, "tile_id": tile, "score": d.score,
            "cut_sides": ",".join(d.extra.get("cut_sides", ())), "raster": src}})
        for m in members:
            final_of[m] = (new_id, src)
        if len({rows[m]["_part_index"] for m in members}) > 1:
            cut_by_parts += 1
    if "masks" in layers or "contours" in layers:
        _mask_features(features, layers, mask_merger, mask_rows, final_of, sink)
    # the one writer, in bulk: a county's hundreds of thousands of views are not written one by one
    sink.write_merged(run_id, features, [{k: v for k, v in r.items() if k not in ("fid", "run_id")} for r in responses])
    sink.finish_run(run_id, "finished")
    return MergedRun(run_id, sink.counts(run_id), cut_by_parts)


def _mask_features(features, layers, mask_merger: MaskMerger, mask_rows, final_of, sink) -> None:
    """The merged masks (and their contours), each under the target its pieces' boxes became; a mask whose boxes
    all were dropped as duplicates is dropped with them (the single run never segments those)."""
    import shapely

    from inference_core.geometry.vectorize import contours_of

    by_target: dict[int, list] = {}
    geoms = mask_merger.geometries  # the kept masks' shapes (their detections keep no WKB)
    for gid, det in sorted(mask_merger.detections.items()):
        ids = [gid, *det.extra.get("merged_target_ids", ())]
        finals = sorted(final_of[i] for i in ids if i in final_of)
        if finals:
            by_target.setdefault(finals[0][0], []).append((gid, det, finals[0][1]))
    for new_id, pieces in sorted(by_target.items()):
        gid, det, src = pieces[0]
        geom = geoms[gid]
        if len(pieces) > 1:  # halves whose masks do not touch: one mask per target all the same
            geom = shapely.union_all([geom, *(geoms[p[0]] for p in pieces[1:])])
        if geom.geom_type == "Polygon":
            geom = shapely.MultiPolygon([geom])
        row = mask_rows[gid]
        props = {k: row.get(k) for k in ("query", "model", "stage", "prompt", "gsd", "sam_model", "tile_id")}
        props.update(target_id=new_id, raster=src, sam_score=det.sam_score)
        if "masks" in layers:
            features["masks"].append({"geometry": geom, "properties": {**props, "area_m2": sink.measurer.area_m2(geom)}})
        if "contours" in layers:
            line = contours_of(geom)
            features["contours"].append({"geometry": line, "properties": {
                **{k: v for k, v in props.items() if k not in ("sam_model", "sam_score")},
                "length_m": sink.measurer.length_m(line)}})


def record_for(spec: str, sources: MosaicSources, bounds, options, warnings: list[str], model: str) -> RunRecord:
    """The mosaic run's `runs` row: the mosaic as the raster, the VRT's bounds, every option but secrets."""
    from pyproj import CRS

    epsg = CRS.from_wkt(sources.crs_wkt).to_epsg() if sources.crs_wkt else None
    return RunRecord(run_id="", raster=os.path.abspath(spec), extent=json.dumps(list(bounds)),
                     crs=f"EPSG:{epsg}" if epsg else (sources.crs_wkt or ""), query=options.query,
                     settings=options.settings_json(), started=utc_now(), finished=None, status="running",
                     model=model, tiles_total=0, warnings=json.dumps(warnings))
