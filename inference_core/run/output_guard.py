"""Which existing file `--out` may replace or extend: only a result GeoPackage the engine wrote, never the input.

Checked before any model loads and before the file is opened for writing, so a refused file keeps
every byte. A result GeoPackage is recognised by the tables `contract.schema` defines (docs/SCHEMA.md):
a `runs` table with the engine's fields, and nothing in it that the engine does not write.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from typing import Optional

from inference_core.common.errors import InputError
from inference_core.contract.schema import (
    CHANGE_LAYERS,
    CHANGE_TABLE,
    FEATURE_LAYERS,
    FIELDS,
    GEOMETRY_TYPES,
    LATER_FIELDS,
    TABLES,
    field_names,
)

OUR_LAYERS = (*FEATURE_LAYERS, *TABLES, *CHANGE_LAYERS, CHANGE_TABLE)


@dataclass
class ExistingFile:
    """What is at an output path. `kind`: missing | folder | not_gpkg | gpkg; for a GeoPackage its contents."""

    path: str
    kind: str
    reason: str = ""
    tables: dict[str, str] = field(default_factory=dict)  # gpkg_contents: table name -> data_type
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # our layer names present -> their columns
    geometry: dict[str, str] = field(default_factory=dict)  # our feature layers present -> geometry type

    def schema_problems(self) -> list[str]:
        """Layers named like ours whose fields or geometry differ from `contract.schema` (another tool made them)."""
        problems = []
        for layer, cols in self.columns.items():
            # fields of a later schema version are added on append (GpkgSink), not a sign of another tool
            missing = [n for n in field_names(layer) if n not in cols and n not in LATER_FIELDS.get(layer, ())]
            if missing:
                problems.append(f"its layer '{layer}' has no field {', '.join(missing[:3])}"
                                f"{' …' if len(missing) > 3 else ''}")
            want = GEOMETRY_TYPES.get(layer)
            have = self.geometry.get(layer)
            if want and have is not None and have.upper() not in (want.upper(), "GEOMETRY"):
                problems.append(f"its layer '{layer}' holds {have.lower()} geometries, not {want.lower()}")
        return problems

    def written_by_engine(self) -> tuple[bool, str]:
        """(True, "") for a result GeoPackage the engine wrote and nothing else; else (False, why not)."""
        if self.kind != "gpkg":
            return False, self.reason
        if "runs" not in self.columns:
            return False, "it has no 'runs' table of RemoteReasoner results"
        problems = self.schema_problems()
        if problems:
            return False, problems[0]
        rasters = [t for t, kind in self.tables.items() if kind not in ("features", "attributes")]
        if rasters:
            return False, f"it holds the raster '{rasters[0]}'"
        others = [t for t in self.tables if t not in OUR_LAYERS]
        if others:
            return False, f"it also holds the layer '{others[0]}', which RemoteReasoner did not write"
        return True, ""


def inspect(path: str | os.PathLike) -> ExistingFile:
    """Look at `path` read-only (SQLite's `mode=ro`): never creates, locks for writing or changes it."""
    path = os.fspath(path)
    if not os.path.lexists(path):
        return ExistingFile(path, "missing")
    if os.path.isdir(path):
        return ExistingFile(path, "folder", "it is a folder")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return ExistingFile(path, "not_gpkg", f"it cannot be read: {exc.strerror or exc}")
    if head != b"SQLite format 3\x00":
        return ExistingFile(path, "not_gpkg", "it is not a GeoPackage (not an SQLite file)")
    try:
        with closing(sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)) as con:
            return _read_gpkg(con, path)
    except sqlite3.Error as exc:
        return ExistingFile(path, "not_gpkg", f"it is not a readable GeoPackage ({exc})")


def _read_gpkg(con: sqlite3.Connection, path: str) -> ExistingFile:
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if "gpkg_contents" not in names:
        return ExistingFile(path, "not_gpkg", "it is an SQLite file but not a GeoPackage (no gpkg_contents)")
    tables = {str(t): str(k) for t, k in con.execute("SELECT table_name, data_type FROM gpkg_contents")}
    info = ExistingFile(path, "gpkg", tables=tables)
    geoms = {}
    if "gpkg_geometry_columns" in names:
        geoms = {str(t): str(g) for t, g in con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns")}
    for layer in OUR_LAYERS:
        # a table of that name not registered in gpkg_contents still blocks ours (creating it would fail)
        if layer in names or layer in tables:
            info.columns[layer] = tuple(r[1] for r in con.execute(f'PRAGMA table_info("{layer}")'))
            if layer in FIELDS and layer in geoms:
                info.geometry[layer] = geoms[layer]
    return info


def _same_file(a: str, b: Optional[str]) -> bool:
    if not b:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _suggestion(path: str) -> str:
    stem = path[:-5] if path.lower().endswith(".gpkg") else path
    return f"{stem}_results.gpkg"


def guard_output(path: str | os.PathLike, raster: Optional[str] = None, append: bool = False) -> None:
    """Refuse an `--out` that would destroy or corrupt a file the engine did not write (InputError names the fix).

    Replacing (the default) is allowed only for a result GeoPackage the engine wrote; `append` needs a
    GeoPackage whose layers of our names have our schema. The input raster itself is never an output.
    """
    path = os.fspath(path)
    info = inspect(path)
    if info.kind == "folder":
        raise InputError(f"--out {path} is a folder: give a file name inside it, e.g. "
                         f"{os.path.join(path, 'results.gpkg')}.")
    if info.kind == "missing":
        return
    if _same_file(path, raster):
        raise InputError(f"--out {path} is the input raster: writing there would destroy it. "
                         f"Pick another --out, e.g. {_suggestion(path)}.")
    if append:
        if info.kind != "gpkg":
            raise InputError(f"Cannot --append to {path}: {info.reason}. It is left untouched; pick another --out.")
        problems = info.schema_problems()
        if problems:
            raise InputError(f"Cannot --append to {path}: {problems[0]} (another tool made it). It is left untouched; "
                             f"pick another --out, e.g. {_suggestion(path)}.")
        return
    ours, why = info.written_by_engine()
    if not ours:
        raise InputError(f"--out {path} already exists and RemoteReasoner did not write it ({why}), so it is not "
                         f"replaced. Pick another --out (e.g. {_suggestion(path)}), or move the file away yourself.")
