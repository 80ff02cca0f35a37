"""The runs in an output folder, read from each GeoPackage's `runs` table through QGIS's OGR provider, and
the options that resume an interrupted run or redo a past run's post-processing from its recorded answers.

OGR rather than the engine: listing must be instant when the panel opens, and starting the engine's
Python (seconds of imports) for a few rows of SQLite would not be; QGIS's own GeoPackage driver reads them in
milliseconds on the main thread. A file the engine is writing is skipped (its lock would stall the read)."""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from qgis.core import QgsFeatureRequest, QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QDateTime, Qt

from inference_core.contract.options import RunOptions
from inference_core.contract.schema import FEATURE_LAYERS

# `runs.status` of a run that ended; anything else (running when QGIS or the engine died, cancelled, failed)
# can be resumed.
FINISHED = "finished"


@dataclass
class RunEntry:
    """One row of a GeoPackage's `runs` table and its feature counts."""

    gpkg: str
    run_id: str
    query: str
    raster: str
    started: str
    finished: Optional[str]
    status: str
    model: str
    tiles_total: int
    settings: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def resumable(self) -> bool:
        return self.status != FINISHED

    @property
    def granularity(self) -> tuple[str, ...]:
        """The layers the run has features in (else the ones it asked for)."""
        have = tuple(n for n in FEATURE_LAYERS if self.counts.get(n))
        return have or tuple(self.settings.get("granularity") or ("boxes",))


def iso_text(value: Any) -> str:
    """A `datetime` column as ISO 8601 text ("2026-12-06T18:21:58…"): OGR hands GeoPackage dates to Python as
    QDateTime (or QDate), whose str() is "PyQt5.QtCore.QDateTime(…)"; NULL is ""."""
    if isinstance(value, QDateTime):
        return value.toUTC().toString(Qt.DateFormat.ISODate) if value.isValid() else ""
    if isinstance(value, QDate):
        return value.toString(Qt.DateFormat.ISODate) if value.isValid() else ""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return ""
    return str(value)


def _table(gpkg: str, name: str) -> Optional[QgsVectorLayer]:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    return layer if layer.isValid() else None


def read_runs(gpkg: str) -> list[RunEntry]:
    """The runs of one result GeoPackage, oldest first ([] for a file that is not one)."""
    runs = _table(gpkg, "runs")
    if runs is None or "run_id" not in runs.fields().names():
        return []
    entries = []
    for f in runs.getFeatures():
        try:
            settings = json.loads(f["settings"] or "{}")
        except (TypeError, ValueError):
            settings = {}
        entries.append(RunEntry(
            gpkg=gpkg, run_id=str(f["run_id"]), query=str(f["query"] or ""), raster=str(f["raster"] or ""),
            started=iso_text(f["started"]), finished=iso_text(f["finished"]) or None, status=str(f["status"] or ""),
            model=str(f["model"] or ""), tiles_total=int(f["tiles_total"] or 0),
            settings=settings if isinstance(settings, dict) else {}))
    del runs
    for name in FEATURE_LAYERS:
        layer = _table(gpkg, name)
        for e in entries:
            e.counts[name] = 0
        if layer is None:  # e.g. no masks table in a boxes-only run
            continue
        for e in entries:
            quoted = e.run_id.replace("'", "''")
            req = QgsFeatureRequest().setFilterExpression(f"\"run_id\" = '{quoted}'")
            req.setFlags(QgsFeatureRequest.Flag.NoGeometry).setNoAttributes()
            e.counts[name] = sum(1 for _ in layer.getFeatures(req))
    return entries


def list_runs(folder: str, skip: Iterable[str] = ()) -> list[RunEntry]:
    """Every run of every GeoPackage in `folder`, newest first; files in `skip` (being written) are left out."""
    skip = {os.path.abspath(p) for p in skip if p}
    entries: list[RunEntry] = []
    for path in glob.glob(os.path.join(glob.escape(folder), "*.gpkg")):
        if os.path.abspath(path) not in skip:
            entries += read_runs(path)
    return sorted(entries, key=lambda e: (e.started, e.run_id), reverse=True)


def resume_options(entry: RunEntry, runtime: RunOptions) -> dict[str, Any]:
    """The `reason` request that continues `entry` where it stopped: the engine takes the recorded settings
    from the GeoPackage; `runtime` (the current settings) gives device, precision, server and key."""
    options = RunOptions.from_dict({**runtime.to_dict(secrets=True), "raster": entry.raster, "query": entry.query,
                                    "out": entry.gpkg, "resume": True, "append": False})
    return options.validate().to_dict(secrets=True)


def rerun_options(entry: RunEntry, out: str, sam: Optional[str], simplify: float, min_area: float,
                  granularity: Optional[tuple[str, ...]] = None) -> dict[str, Any]:
    """A new run over the same raster, extent and tiles as `entry`, answered by its recorded answers (replay of
    its GeoPackage: the model is not asked again), with other SAM / simplify / minimum-area settings."""
    recorded = {k: v for k, v in entry.settings.items() if k in RunOptions.__dataclass_fields__}
    recorded.update(raster=entry.raster or recorded.get("raster", ""), query=entry.query or recorded.get("query", ""),
                    out=out, backend="replay", replay=entry.gpkg, sam=sam or None, simplify=float(simplify),
                    min_area=float(min_area), resume=False, append=False, formats=())
    if granularity is not None:
        recorded["granularity"] = tuple(granularity)
    elif not sam:
        recorded["granularity"] = ("boxes",)
    return RunOptions.from_dict(recorded).validate().to_dict(secrets=False)
