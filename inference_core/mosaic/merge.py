"""The one writer of a mosaic run: the partial GeoPackages merged into one result with the single-run schema.

Boxes of different parts go through the seam merge of a single run (geometry/box_merge.py: duplicates by IoU /
IoS, halves cut by a seam joined into their union), with a part playing the role a view plays there: boxes of
one part were merged already, and a target cut by the edge between two files was cut by a seam between views of
the same plan, so it joins exactly as it would in one run over the VRT. A merged target's mask is the union of its
members' masks. Every feature's `raster` field names the source file holding the centre of its box."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Any, Sequence

from inference_core.common.records import Detection
from inference_core.geometry.box_merge import BoxMerger
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

    from inference_core.geometry.vectorize import contours_of

    merger = BoxMerger.from_options(options, seam_tolerance=seam_tolerance)
    rows: dict[int, dict[str, Any]] = {}  # global id -> its box row
    masks: dict[int, Any] = {}  # global id -> its mask geometry
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
        for r in _rows(path, "masks"):
            g = local.get(int(r["target_id"]))
            if g is not None:
                masks[g] = r["geometry"] if g not in masks else shapely.union(masks[g], r["geometry"])
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
        pieces = [masks[m] for m in sorted(members) if m in masks]
        if pieces and ("masks" in layers or "contours" in layers):
            geom = shapely.union_all(pieces)
            if geom.geom_type == "Polygon":
                geom = shapely.MultiPolygon([geom])
            sam = {"model": row.get("model"), "query": row.get("query"), "stage": row.get("stage"),
                   "prompt": row.get("prompt"), "gsd": row.get("gsd"), "raster": src, "target_id": new_id,
                   "tile_id": tile}
            if "masks" in layers:
                features["masks"].append({"geometry": geom, "properties": {**sam, "area_m2": sink.measurer.area_m2(geom)}})
            if "contours" in layers:
                line = contours_of(geom)
                features["contours"].append({"geometry": line, "properties": {
                    **sam, "length_m": sink.measurer.length_m(line)}})
        if len({rows[m]["_part_index"] for m in members}) > 1:
            cut_by_parts += 1
    # the one writer, in bulk: a county's hundreds of thousands of views are not written one by one
    sink.write_merged(run_id, features, [{k: v for k, v in r.items() if k not in ("fid", "run_id")} for r in responses])
    sink.finish_run(run_id, "finished")
    return MergedRun(run_id, sink.counts(run_id), cut_by_parts)


def record_for(spec: str, sources: MosaicSources, bounds, options, warnings: list[str], model: str) -> RunRecord:
    """The mosaic run's `runs` row: the mosaic as the raster, the VRT's bounds, every option but secrets."""
    from pyproj import CRS

    epsg = CRS.from_wkt(sources.crs_wkt).to_epsg() if sources.crs_wkt else None
    return RunRecord(run_id="", raster=os.path.abspath(spec), extent=json.dumps(list(bounds)),
                     crs=f"EPSG:{epsg}" if epsg else (sources.crs_wkt or ""), query=options.query,
                     settings=options.settings_json(), started=utc_now(), finished=None, status="running",
                     model=model, tiles_total=0, warnings=json.dumps(warnings))
