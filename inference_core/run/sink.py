"""The result GeoPackage of `contract.schema` (boxes, masks, contours or answers, runs, responses; docs/SCHEMA.md),
tile by tile.

Layers are created with pyogrio (GeoPackage VERSION=1.2, readable and updatable by QGIS 3.22's
GDAL 3.6) and features appended with pyogrio. A tile is committed by its `responses` row, written
in one sqlite3 transaction together with the deletion of the features it replaces: a tile is done
exactly when it has a `responses` row. Features of a tile without that row (a crash between the
feature writes and the commit) are removed by `discard_partial_tiles` before a resume, so resumed
runs have no duplicates. sqlite3 only inserts into aspatial tables and deletes rows: GeoPackage's
rtree delete triggers use no spatial SQL functions (the insert/update triggers do, hence pyogrio).
The pipeline reads the file only through this module (`unfinished_run`, `GpkgSink.read_boxes`, ...).

Measures: `area_m2` / `length_m` are planar in the layer CRS converted to metres with the CRS's
linear unit (e.g. UTM: metres in the projection, like QGIS's $area with no ellipsoid); for a
geographic CRS they are geodesic on its ellipsoid (pyproj.Geod). No CRS (pixel coordinates): NULL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import warnings
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from inference_core.common.errors import InputError
from inference_core.run.output_guard import guard_output
from inference_core.contract.schema import (
    ANSWER_LAYER,
    FEATURE_LAYERS,
    FIELDS,
    GEOMETRY_TYPES,
    GPKG_VERSION,
    RUN_STATUSES,
    TABLES,
    field_names,
)


def utc_now() -> str:
    """Timestamp in the GeoPackage DATETIME text form (ISO 8601, UTC, milliseconds)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class RunRecord:
    """One row of the `runs` table."""

    run_id: str
    raster: str
    extent: str
    crs: str
    query: str
    settings: str
    started: str
    finished: Optional[str]
    status: str
    model: str
    tiles_total: int
    warnings: str
    pixels: Optional[str] = None  # JSON: bands shown as red, green, blue and the stretch (RasterSource.pixels_record)


def check_output(path: str | os.PathLike, raster: Optional[str] = None, append: bool = False) -> None:
    """Refuse an output path that cannot become a result GeoPackage (the pipeline asks before any model loads).

    Never the input raster nor a file the engine did not write (`output_guard`).
    """
    path = os.fspath(path)
    check_output_name(path)
    guard_output(path, raster, append)
    _check_writable(path)


def check_output_name(path: str | os.PathLike) -> None:
    """An --out must name a GeoPackage (checked before its lock file is made beside it)."""
    if not os.fspath(path).lower().endswith(".gpkg"):
        raise InputError(f"--out {os.fspath(path)} must be a GeoPackage file name ending in .gpkg.")


def _check_writable(path: str) -> None:
    parent = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(parent):
        raise InputError(f"Cannot write {path}: the folder {parent} does not exist (create it or pick another --out).")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise InputError(f"Cannot write {path}: no write permission (pick another --out).")


def unfinished_run(path: str | os.PathLike) -> Optional[RunRecord]:
    """The newest run of a result GeoPackage if it did not finish, read without opening it for writing.

    Raises InputError when there is no such file or it is not a result GeoPackage.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(f"Nothing to resume: {path} does not exist.")
    try:
        with closing(sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)) as con:
            return _last_unfinished_run(con)
    except sqlite3.Error as exc:
        raise InputError(f"Cannot resume {path}: not a result GeoPackage ({exc}).") from None


def _last_unfinished_run(con: sqlite3.Connection) -> Optional[RunRecord]:
    """The newest run if its status is not `finished` (running when killed, cancelled or failed)."""
    cols = field_names("runs")
    row = con.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY fid DESC LIMIT 1").fetchone()
    rec = RunRecord(**dict(zip(cols, row))) if row is not None else None
    return rec if rec is not None and rec.status != "finished" else None


def answers_by_view_hash(path: str | os.PathLike) -> dict[str, tuple[str, Optional[list]]]:
    """{view_hash: (raw_text, input_size)} of every answered view of a result GeoPackage (`run.reuse`).

    Empty when the file does not exist, is not a result GeoPackage, or predates `view_hash`; read-only.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        return {}
    try:
        with closing(sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)) as con:
            cols = {r[1] for r in con.execute("PRAGMA table_info(responses)")}
            if "view_hash" not in cols:
                return {}
            rows = con.execute("SELECT view_hash, raw_text, input_size FROM responses "
                               "WHERE view_hash IS NOT NULL AND raw_text IS NOT NULL ORDER BY fid").fetchall()
    except sqlite3.Error:
        return {}
    answers = {}
    for key, text, size in rows:
        try:
            answers[str(key)] = (str(text), json.loads(size) if size else None)
        except ValueError:
            continue
    return answers


class Measurer:
    """Area (m²) and length (m) of geometries in one CRS: planar × unit factor, or geodesic if geographic."""

    def __init__(self, crs_wkt: Optional[str]):
        self.factor: Optional[float] = None
        self.geod = None
        if not crs_wkt:
            return
        from pyproj import CRS

        crs = CRS.from_user_input(crs_wkt)
        if crs.is_geographic:
            self.geod = crs.get_geod()
        else:
            axis = crs.axis_info[0] if crs.axis_info else None
            self.factor = float(axis.unit_conversion_factor) if axis is not None else 1.0

    def area_m2(self, geom) -> Optional[float]:
        if self.geod is not None:
            return abs(self.geod.geometry_area_perimeter(geom)[0])
        return geom.area * self.factor**2 if self.factor is not None else None

    def length_m(self, geom) -> Optional[float]:
        if self.geod is not None:
            return self.geod.geometry_length(geom)
        return geom.length * self.factor if self.factor is not None else None


class GpkgSink:
    """Writer of one result GeoPackage. `mode`: "create" replaces the file, "append" adds runs to it.
    `granularity` names the feature layers to make: boxes (always, for locate runs), masks, contours; or
    `answers` alone (ask / describe runs)."""

    def __init__(self, path: str | os.PathLike, crs_wkt: Optional[str], granularity: Sequence[str] = ("boxes",),
                 mode: str = "create"):
        self.path = os.fspath(path)
        self.crs_wkt = crs_wkt
        self.granularity = tuple(granularity)
        self.measurer = Measurer(crs_wkt)
        _check_writable(self.path)
        if mode == "create" and os.path.exists(self.path):
            guard_output(self.path)  # only a result GeoPackage the engine wrote is replaced
            os.remove(self.path)
        if os.path.exists(self.path):
            self._check_existing()
        self._ensure_layers()

    # ------------------------------------------------------------------ schema
    def _existing_layers(self) -> dict[str, Optional[str]]:
        import pyogrio

        try:
            return {str(n): g for n, g in pyogrio.list_layers(self.path)}
        except Exception as exc:
            raise InputError(f"{self.path} exists but is not a GeoPackage ({exc}); pick another --out.") from None

    def _check_existing(self) -> None:
        """Appending to a GeoPackage in another CRS would mix coordinates: refuse with the fix."""
        import pyogrio
        from pyproj import CRS

        layers = self._existing_layers()
        for layer in ("boxes", ANSWER_LAYER):
            if layer not in layers or not self.crs_wkt:
                continue
            other = pyogrio.read_info(self.path, layer=layer).get("crs")
            if other and not CRS.from_user_input(other).equals(CRS.from_user_input(self.crs_wkt)):
                raise InputError(
                    f"{self.path} holds results in {other}, the raster is in another CRS: write to a new --out."
                )

    def _ensure_layers(self) -> None:
        existing = self._existing_layers() if os.path.exists(self.path) else {}
        if ANSWER_LAYER in self.granularity:
            wanted = [ANSWER_LAYER] + list(TABLES)
        else:
            wanted = ["boxes"] + [g for g in ("masks", "contours") if g in self.granularity] + list(TABLES)
        for layer in wanted:
            if layer not in existing:
                self._create_layer(layer, first=not os.path.exists(self.path))
        if existing:
            self._add_missing_columns([layer for layer in wanted if layer in existing])

    def _add_missing_columns(self, layers: Sequence[str]) -> None:
        """A GeoPackage written by an older version (appended to or resumed) gets the schema's newer fields,
        empty for its old rows."""
        sql_type = {"str": "TEXT", "int": "INTEGER", "float": "REAL", "datetime": "DATETIME"}
        with closing(self._connect()) as con, con:
            for layer in layers:
                have = {r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')}
                for name, kind in FIELDS[layer]:
                    if name not in have:
                        con.execute(f'ALTER TABLE "{layer}" ADD COLUMN "{name}" {sql_type[kind]}')

    def _create_layer(self, layer: str, first: bool) -> None:
        from pyogrio.raw import write

        names = field_names(layer)
        data = [_empty(kind) for _, kind in FIELDS[layer]]
        kw: dict[str, Any] = {}
        if first:
            kw["dataset_options"] = {"VERSION": GPKG_VERSION}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "crs was not provided" for pixel-coordinate rasters
            if layer in GEOMETRY_TYPES:
                write(self.path, np.array([], dtype=object), field_data=data, fields=names, layer=layer,
                      driver="GPKG", geometry_type=GEOMETRY_TYPES[layer], crs=self.crs_wkt,
                      promote_to_multi=False, **kw)
            else:
                write(self.path, None, field_data=data, fields=names, layer=layer, driver="GPKG", **kw)

    # ------------------------------------------------------------------ runs
    def start_run(self, record: RunRecord) -> None:
        self._insert("runs", [record.__dict__])

    def finish_run(self, run_id: str, status: str) -> None:
        """Set the run's final status (finished | cancelled | failed) and its finished time."""
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with closing(self._connect()) as con, con:
            con.execute("UPDATE runs SET status = ?, finished = ? WHERE run_id = ?", (status, utc_now(), run_id))

    def set_tiles_total(self, run_id: str, total: int) -> None:
        """The planned views once they are known (`refine`: after the overview)."""
        with closing(self._connect()) as con, con:
            con.execute("UPDATE runs SET tiles_total = ? WHERE run_id = ?", (int(total), run_id))

    def read_response(self, run_id: str, tile_id: int) -> Optional[dict[str, Any]]:
        """The latest `responses` row of one view (raw_text, input_size as [w, h] or None, ...), or None."""
        cols = field_names("responses")
        with closing(self._connect()) as con:
            row = con.execute(f"SELECT {', '.join(cols)} FROM responses WHERE run_id = ? AND tile_id = ? "
                              "ORDER BY rowid DESC LIMIT 1", (run_id, int(tile_id))).fetchone()
        if row is None:
            return None
        rec = dict(zip(cols, row))
        rec["input_size"] = json.loads(rec["input_size"]) if rec.get("input_size") else None
        return rec

    def target_areas(self, run_id: str, layer: str) -> list[Optional[float]]:
        """Area of each target of a run in m² (`Measurer`; masks summed per target, boxes as drawn);
        planar in layer units where the CRS gives no metres (pixel coordinates)."""
        import pyogrio
        import shapely

        fids = self._run_fids(layer, run_id)
        if not fids:
            return []
        _meta, _fids, geoms, fields = pyogrio.raw.read(self.path, layer=layer, fids=fids, columns=["target_id"])
        per_target: dict[int, float] = {}
        for i, wkb in enumerate(geoms if geoms is not None else []):
            geom = shapely.from_wkb(wkb)
            area = self.measurer.area_m2(geom)
            tid = int(fields[0][i])
            per_target[tid] = per_target.get(tid, 0.0) + (geom.area if area is None else area)
        return list(per_target.values())

    def covered_area(self, run_id: str, layer: str) -> Optional[float]:
        """The area the run's features of `layer` cover together (their union: overlapping targets counted once),
        in m² (`Measurer`), planar in layer units where the CRS gives no metres; None when it has none."""
        import pyogrio
        import shapely

        fids = self._run_fids(layer, run_id)
        if not fids:
            return None
        _meta, _fids, geoms, _fields = pyogrio.raw.read(self.path, layer=layer, fids=fids, columns=[])
        shapes = [shapely.from_wkb(wkb) for wkb in (geoms if geoms is not None else []) if wkb is not None]
        if not shapes:
            return None
        union = shapely.union_all(shapely.make_valid(shapes))
        area = self.measurer.area_m2(union)
        return union.area if area is None else area

    def set_status(self, run_id: str, status: str) -> None:
        with closing(self._connect()) as con, con:
            con.execute("UPDATE runs SET status = ?, finished = NULL WHERE run_id = ?", (status, run_id))

    def runs(self) -> list[RunRecord]:
        with closing(self._connect()) as con:
            cols = field_names("runs")
            rows = con.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY fid").fetchall()
        return [RunRecord(**dict(zip(cols, r))) for r in rows]

    def last_unfinished_run(self) -> Optional[RunRecord]:
        """The newest run, if its status is not `finished` (running when killed, cancelled or failed)."""
        with closing(self._connect()) as con:
            return _last_unfinished_run(con)

    def done_tiles(self, run_id: str) -> set[int]:
        with closing(self._connect()) as con:
            return {int(r[0]) for r in con.execute("SELECT tile_id FROM responses WHERE run_id = ?", (run_id,))}

    def discard_partial_tiles(self, run_id: str) -> int:
        """Delete features of tiles that have no `responses` row (interrupted mid-tile); returns the count."""
        n = 0
        with closing(self._connect()) as con, con:
            for layer in self._feature_layers_present(con, with_answers=True):
                n += con.execute(
                    f'DELETE FROM "{layer}" WHERE run_id = ? AND tile_id NOT IN '
                    "(SELECT tile_id FROM responses WHERE run_id = ?)", (run_id, run_id),
                ).rowcount
        return n

    def max_target_id(self, run_id: str) -> int:
        with closing(self._connect()) as con:
            vals = [con.execute(f'SELECT MAX(target_id) FROM "{layer}" WHERE run_id = ?', (run_id,)).fetchone()[0]
                    for layer in self._feature_layers_present(con)]
        return max([v for v in vals if v is not None], default=-1)

    def read_boxes(self, run_id: str) -> list[dict[str, Any]]:
        """Boxes of a run as dicts (target_id, tile_id, score, cut_sides, unconfirmed, bounds) for resuming the merge."""
        import pyogrio
        import shapely

        fids = self._run_fids("boxes", run_id)
        if not fids:
            return []
        meta, _, geoms, fields = pyogrio.raw.read(self.path, layer="boxes", fids=fids,
                                                  columns=["target_id", "tile_id", "score", "cut_sides", "unconfirmed"])
        names = list(meta["fields"])
        out = []
        for i, wkb in enumerate(geoms):
            row = {n: fields[j][i] for j, n in enumerate(names)}
            row["bounds"] = tuple(shapely.from_wkb(wkb).bounds)
            out.append(row)
        return out

    def read_masks(self, run_id: str) -> list[tuple[int, int, bytes]]:
        """Masks of a run as (target_id, tile_id, MultiPolygon WKB) for resuming the mask merge."""
        import pyogrio

        fids = self._run_fids("masks", run_id)
        if not fids:
            return []
        _meta, _fids, geoms, fields = pyogrio.raw.read(self.path, layer="masks", columns=["target_id", "tile_id"],
                                                       fids=fids)
        return [(int(fields[0][i]), int(fields[1][i]), bytes(wkb))
                for i, wkb in enumerate(geoms if geoms is not None else [])]

    def read_targets(self, run_id: str) -> list[dict[str, Any]]:
        """A run's targets for a change match: {target_id, geometry (its mask, else its box; shapely), area_m2,
        reasoning}, one per target_id (a target's mask pieces joined)."""
        import shapely

        with closing(self._connect()) as con:
            present = self._feature_layers_present(con)
        out: dict[int, dict[str, Any]] = {}
        for layer in ("boxes", "masks"):  # boxes first: a target's mask, when it has one, replaces its box
            fids = self._run_fids(layer, run_id) if layer in present else []
            if not fids:
                continue
            wkb_list, fields = self._read_layer(fids, layer)
            mask_layer = layer == "masks"
            for i, wkb in enumerate(wkb_list):
                tid = int(fields[0][i])
                geom = shapely.from_wkb(wkb)
                t = out.setdefault(tid, {"target_id": tid, "reasoning": "", "geometry": None, "from_mask": False})
                if not mask_layer:
                    t["reasoning"] = str(fields[1][i] or "")
                    if not t["from_mask"]:
                        t["geometry"] = geom
                else:
                    t["geometry"] = shapely.union(t["geometry"], geom) if t["from_mask"] else geom
                    t["from_mask"] = True
        for t in out.values():
            t["area_m2"] = self.measurer.area_m2(t["geometry"])
        return [out[k] for k in sorted(out)]

    def _read_layer(self, fids: list[int], layer: str) -> tuple[Any, list]:
        import pyogrio

        cols = ["target_id", "reasoning"] if layer == "boxes" else ["target_id"]
        _meta, _f, geoms, fields = pyogrio.raw.read(self.path, layer=layer, fids=fids, columns=cols)
        return (geoms if geoms is not None else []), fields

    def write_layer(self, layer: str, rows: list[dict[str, Any]]) -> None:
        """Replace every feature of `layer` (a change layer, contract.schema.CHANGE_LAYERS) with `rows`
        ({"geometry": shapely, "properties"}); the layer is made when the file lacks it."""
        import shapely

        if layer not in self._existing_layers():
            self._create_layer(layer, first=False)
        with closing(self._connect()) as con, con:
            con.execute(f'DELETE FROM "{layer}"')
        if not rows:
            return
        geoms = [shapely.MultiPolygon([r["geometry"]]) if r["geometry"].geom_type == "Polygon" else r["geometry"]
                 for r in rows]
        self._append_columns(layer, [r["properties"] for r in rows], geoms)

    def write_table(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Replace the rows of an aspatial table (`changes`), made when the file lacks it."""
        if table not in self._existing_layers():
            self._create_layer(table, first=False)
        with closing(self._connect()) as con, con:
            con.execute(f'DELETE FROM "{table}"')
            self._insert_rows(con, table, rows)

    def read_table(self, table: str) -> list[dict[str, Any]]:
        """Every row of an aspatial table, or [] when the file has no such table."""
        with closing(self._connect()) as con:
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone():
                return []
            cols = field_names(table)
            return [dict(zip(cols, r)) for r in con.execute(f'SELECT {", ".join(cols)} FROM "{table}" ORDER BY fid')]

    def _run_fids(self, layer: str, run_id: str) -> list[int]:
        """Feature ids of one run, selected with a bound parameter: a run id is never pasted into SQL."""
        with closing(self._connect()) as con:
            return [int(r[0]) for r in con.execute(f'SELECT fid FROM "{layer}" WHERE run_id = ? ORDER BY fid',
                                                   (run_id,))]

    def counts(self, run_id: str) -> dict[str, int]:
        """Features of a run per layer; `answers` only when the run has some (a locate run in a file that
        also holds ask runs counts boxes, not "0 answers")."""
        with closing(self._connect()) as con:
            out = {layer: con.execute(f'SELECT COUNT(*) FROM "{layer}" WHERE run_id = ?', (run_id,)).fetchone()[0]
                   for layer in self._feature_layers_present(con, with_answers=True)}
        if not out.get(ANSWER_LAYER):
            out.pop(ANSWER_LAYER, None)
        return out

    def read_answers(self, run_id: str) -> list[dict[str, Any]]:
        """The `answers` rows of a run (every field but the geometry), in tile order."""
        with closing(self._connect()) as con:
            if ANSWER_LAYER not in self._feature_layers_present(con, with_answers=True):
                return []
            cols = field_names(ANSWER_LAYER)
            rows = con.execute(f'SELECT {", ".join(cols)} FROM "{ANSWER_LAYER}" WHERE run_id = ? ORDER BY tile_id',
                               (run_id,)).fetchall()
        return [dict(zip(cols, r)) for r in rows]

    # ------------------------------------------------------------------ corrections (run/correct.py)
    def target_rows(self, run_id: str, target_id: int) -> dict[str, list[dict[str, Any]]]:
        """The rows of one target in each feature layer: {"wkt", "properties"} (every schema field)."""
        import pyogrio

        out: dict[str, list[dict[str, Any]]] = {}
        with closing(self._connect()) as con:
            present = self._feature_layers_present(con)
        for layer in present:
            quoted = run_id.replace("'", "''")
            df = pyogrio.read_dataframe(self.path, layer=layer,
                                        where=f"run_id = '{quoted}' AND target_id = {int(target_id)}")
            names = [n for n in field_names(layer) if n in df.columns]
            out[layer] = [{"wkt": g.wkt, "properties": {n: _plain(row[n]) for n in names}}
                          for g, (_i, row) in zip(df.geometry, df.iterrows())]
        return out

    def delete_target(self, run_id: str, target_id: int, layers: Iterable[str] = FEATURE_LAYERS) -> None:
        with closing(self._connect()) as con, con:
            for layer in self._feature_layers_present(con):
                if layer in layers:
                    con.execute(f'DELETE FROM "{layer}" WHERE run_id = ? AND target_id = ?', (run_id, int(target_id)))

    def write_rows(self, layer: str, run_id: str, rows: list[dict[str, Any]]) -> None:
        """Append feature rows ({"geometry": shapely, "properties"}) keeping each row's own tile_id."""
        by_tile: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            by_tile.setdefault(int(r["properties"].get("tile_id") or 0), []).append(r)
        for tile_id, group in by_tile.items():
            self._append_features(layer, run_id, tile_id, group)

    def add_edit(self, row: dict[str, Any]) -> int:
        """Record one edit; returns its edit_id (1, 2, … within the run)."""
        with closing(self._connect()) as con, con:
            last = con.execute("SELECT MAX(edit_id) FROM edits WHERE run_id = ?", (row["run_id"],)).fetchone()[0]
            edit_id = int(last or 0) + 1
            self._insert_rows(con, "edits", [{**row, "edit_id": edit_id, "created": utc_now()}])
        return edit_id

    def edits(self, run_id: str) -> list[dict[str, Any]]:
        cols = field_names("edits")
        with closing(self._connect()) as con:
            rows = con.execute(f"SELECT {', '.join(cols)} FROM edits WHERE run_id = ? ORDER BY edit_id",
                               (run_id,)).fetchall()
        return [dict(zip(cols, r)) for r in rows]

    def mark_undone(self, run_id: str, edit_id: int) -> None:
        with closing(self._connect()) as con, con:
            con.execute("UPDATE edits SET undone = 1 WHERE run_id = ? AND edit_id = ?", (run_id, edit_id))

    # ------------------------------------------------------------------ tiles
    def write_tile(self, run_id: str, tile_id: int, features: dict[str, list[dict[str, Any]]],
                   response: dict[str, Any], removed: Optional[dict[str, Iterable[int]]] = None) -> None:
        """Write one tile: features per layer ({"geometry": shapely, "properties": {...}}), then commit it.

        The commit is one sqlite3 transaction holding the `responses` row and the deletion of the
        earlier features (`removed`: layer -> target ids) that this tile's features replace.
        `tile_id` of every row is the tile that wrote it, which is what makes both the partial-tile
        clean-up and the "earlier rows only" deletion exact.
        """
        for layer, rows in features.items():
            if rows:
                self._append_features(layer, run_id, tile_id, rows)
        with closing(self._connect()) as con, con:
            for layer, ids in (removed or {}).items():
                ids = [int(i) for i in ids]
                if ids and layer in self._feature_layers_present(con):
                    # Only earlier rows: a target rewritten by this tile keeps the row just appended.
                    con.executemany(f'DELETE FROM "{layer}" WHERE run_id = ? AND target_id = ? AND tile_id != ?',
                                    [(run_id, i, tile_id) for i in ids])
            self._insert_rows(con, "responses", [{**response, "run_id": run_id, "tile_id": tile_id}])

    def write_merged(self, run_id: str, features: dict[str, list[dict[str, Any]]], responses: list[dict[str, Any]],
                     chunk: int = 20_000) -> None:
        """A finished run written at once (a mosaic's merge): features per layer, each row with its own
        `tile_id` among its properties, in chunks; then every `responses` row in one transaction."""
        for layer, rows in features.items():
            for start in range(0, len(rows), chunk):
                self._append_features(layer, run_id, None, rows[start:start + chunk])
        with closing(self._connect()) as con, con:
            self._insert_rows(con, "responses", [{**r, "run_id": run_id} for r in responses])

    def append_features(self, run_id: str, tile_id: int, features: dict[str, list[dict[str, Any]]]) -> None:
        """Write part of a tile's features ahead of its `write_tile` (a view with thousands of masks, in batches):
        they count once `write_tile` commits the tile, and a crash before that leaves them to
        `discard_partial_tiles`, like any feature of an uncommitted tile."""
        for layer, rows in features.items():
            if rows:
                self._append_features(layer, run_id, tile_id, rows)

    def _append_features(self, layer: str, run_id: str, tile_id: Optional[int], rows: list[dict[str, Any]]) -> None:
        geoms = [r["geometry"] for r in rows]
        props = []
        for r, g in zip(rows, geoms):
            p = {**r.get("properties", {}), "run_id": run_id}
            if tile_id is not None:  # else the row's own (write_merged)
                p["tile_id"] = tile_id
            if layer == "masks" and p.get("area_m2") is None:
                p["area_m2"] = self.measurer.area_m2(g)
            if layer == "contours" and p.get("length_m") is None:
                p["length_m"] = self.measurer.length_m(g)
            props.append(p)
        self._append_columns(layer, props, geoms)

    def _append_columns(self, layer: str, props: list[dict[str, Any]], geoms: list) -> None:
        """Append features to `layer` in one columnar pyogrio write, in the schema's field order."""
        import shapely
        from pyogrio.raw import write

        schema = FIELDS[layer]
        values = [[p.get(n) for p in props] for n, _ in schema]
        data = [_column(v, kind) for v, (_, kind) in zip(values, schema)]
        # None in an integer field (an answer's count when it names no number) is written as NULL
        masks = [np.array([x is None for x in v]) if kind == "int" and None in v else None
                 for v, (_, kind) in zip(values, schema)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            write(self.path, shapely.to_wkb(np.array(geoms, dtype=object)), field_data=data,
                  field_mask=masks if any(m is not None for m in masks) else None,
                  fields=[n for n, _ in schema], layer=layer, driver="GPKG", append=True,
                  geometry_type=GEOMETRY_TYPES[layer], crs=self.crs_wkt, promote_to_multi=False)

    # ------------------------------------------------------------------ sqlite helpers
    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def _feature_layers_present(con: sqlite3.Connection, with_answers: bool = False) -> list[str]:
        """The locate layers in the file (they share target_id), and `answers` too when asked."""
        names = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
        layers = FEATURE_LAYERS + ((ANSWER_LAYER,) if with_answers else ())
        return [layer for layer in layers if layer in names]

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        with closing(self._connect()) as con, con:
            self._insert_rows(con, table, rows)

    @staticmethod
    def _insert_rows(con: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
        cols = field_names(table)
        con.executemany(
            f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
            [tuple(_sql_value(r.get(c)) for c in cols) for r in rows],
        )


def _sql_value(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _plain(value: Any) -> Any:
    """A dataframe cell as JSON-ready Python (NaN / NaT -> None, numpy scalars -> int / float)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


def _empty(kind: str) -> np.ndarray:
    return {"str": np.array([], dtype=object), "int": np.array([], dtype=np.int64),
            "float": np.array([], dtype=np.float64), "datetime": np.array([], dtype="datetime64[ms]")}[kind]


def _column(values: list[Any], kind: str) -> np.ndarray:
    if kind == "int":
        return np.array([0 if v is None else int(v) for v in values], dtype=np.int64)  # None: masked by the caller
    if kind == "float":  # NaN is written as NULL (pyogrio nan_as_null)
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    return np.array([None if v is None else (v if isinstance(v, str) else json.dumps(v)) for v in values], dtype=object)
