"""What `--resume` continues: the newest unfinished run of a result GeoPackage and its recorded settings.

A damaged file (SQLite reports corruption, no runs, settings that are not a JSON object) gets a
message naming the fix instead of an internal error or a wrong "its last run finished".
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from typing import Any

from inference_core.common.errors import InputError
from inference_core.run.sink import RunRecord, unfinished_run

_FIX = "start a new run with another --out (the file is left as it is)"


def _damaged(path: str, what: str) -> InputError:
    return InputError(f"Cannot resume {path}: {what}; {_FIX}.")


def _check_integrity(path: str) -> None:
    """SQLite's own page check (read-only): a damaged file must not be resumed into."""
    try:
        with closing(sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)) as con:
            verdict = con.execute("PRAGMA quick_check(1)").fetchone()[0]
            n_runs = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.Error as exc:
        raise _damaged(path, f"it is not a readable result GeoPackage ({exc})") from None
    if verdict != "ok":
        raise _damaged(path, f"the GeoPackage is damaged (SQLite: {verdict})")
    if not n_runs:
        raise _damaged(path, "it holds no run to continue")


def resumable_run(path: str | os.PathLike) -> RunRecord:
    """The run `--resume` continues; InputError with the fix when there is none or the file is damaged."""
    path = os.fspath(path)
    rec = unfinished_run(path)  # missing file / not SQLite: its own message
    _check_integrity(path)
    if rec is None:
        raise InputError(f"Nothing to resume in {path}: its last run finished (start a new run instead).")
    return rec


def recorded_settings(rec: RunRecord, path: str) -> dict[str, Any]:
    """The run's settings as recorded in `runs.settings` (a JSON object of RunOptions fields)."""
    try:
        settings = json.loads(rec.settings) if isinstance(rec.settings, (str, bytes)) else None
    except ValueError as exc:
        raise _damaged(path, f"the settings of run {rec.run_id} are not JSON ({exc})") from None
    if not isinstance(settings, dict):
        raise _damaged(path, f"the settings of run {rec.run_id} are not a JSON object of options")
    return settings
