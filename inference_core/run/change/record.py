"""What a change GeoPackage says about itself: whether a file holds a change run, and which of its two
dates' runs are done (read-only), so `--resume` continues the interrupted date and then the match."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Any, Optional

from inference_core.common.errors import InputError
from inference_core.contract.schema import field_names
from inference_core.run.sink import RunRecord

DATES = ("before", "after")  # the runs table's first row is the first date's run, the second the second's


@dataclass
class ChangeState:
    """The runs of a change GeoPackage in order (first date, then second when started) and the change options
    recorded with the first date's run."""

    runs: list[RunRecord]
    settings: dict[str, Any]

    def done(self, index: int) -> bool:
        return len(self.runs) > index and self.runs[index].status == "finished"

    def started(self, index: int) -> bool:
        return len(self.runs) > index


def _runs(path: str) -> list[RunRecord]:
    cols = field_names("runs")
    with closing(sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)) as con:
        rows = con.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY fid").fetchall()
    return [RunRecord(**dict(zip(cols, r))) for r in rows]


def _settings(rec: RunRecord) -> Optional[dict[str, Any]]:
    try:
        value = json.loads(rec.settings) if isinstance(rec.settings, (str, bytes)) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def change_output(path: str) -> bool:
    """Whether `path` is a result GeoPackage whose first run is the first date of a change run."""
    if not path or not os.path.isfile(path):
        return False
    try:
        runs = _runs(path)
    except sqlite3.Error:
        return False  # not a result GeoPackage: the one-raster resume says so
    first = _settings(runs[0]) if runs else None
    return bool(first and first.get("compare_with"))


def change_state(path: str) -> ChangeState:
    """The two dates' runs of a change GeoPackage; InputError naming the fix when it cannot be continued."""
    try:
        runs = _runs(path)
    except sqlite3.Error as exc:
        raise InputError(f"Cannot resume {path}: not a readable result GeoPackage ({exc}).") from None
    settings = _settings(runs[0]) if runs else None
    if not settings or not settings.get("compare_with"):
        raise InputError(f"Cannot resume {path}: it holds no change run (start a new one with another --out).")
    if len(runs) > len(DATES):
        raise InputError(f"Cannot resume {path}: it holds {len(runs)} runs, a change run has two (start a new one).")
    return ChangeState(runs, settings)
