"""Compare a run with a reference layer: the reference (any CRS, any provider) exported to a temporary
GeoPackage, the engine's `remotereasoner compare --json` run as a subprocess, its report read back."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any, Callable, Optional

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFields,
    QgsProject,
    QgsVectorFileWriter,
    QgsWkbTypes,
)

from inference_core.contract.comparison import COMPARE_LAYERS, ComparisonReport

from ..paths import ENGINE_ROOT
from ..i18n import tr
from .engine_env import worker_env

COMPARE_TIMEOUT_S = 1800  # a comparison rasterises window by window; hours of imagery stay well below this


class CompareFailed(Exception):
    """The comparison could not be made; the message is the engine's sentence (it names the fix)."""


@dataclass
class ExportedReference:
    """The reference as the engine reads it: `path` (a GeoPackage) and, per exported fid - 1, the source fid."""

    path: str
    source_fids: list[int]

    def source_fid(self, exported_fid: int) -> Optional[int]:
        return self.source_fids[exported_fid - 1] if 1 <= exported_fid <= len(self.source_fids) else None


def export_reference(source: Any, folder: str, is_canceled: Callable[[], bool] = lambda: False) -> ExportedReference:
    """Write the polygons of `source` (a QgsVectorLayer or Processing feature source) with its CRS to
    `folder`/reference.gpkg, geometry only; features are written in order so the exported fid k is the k-th
    source feature. Raises CompareFailed for a layer that is not polygons."""
    if QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.GeometryType.PolygonGeometry:
        raise CompareFailed(tr("The reference must be a polygon layer (the objects you digitised)."))
    path = os.path.join(folder, "reference.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "reference"
    writer = QgsVectorFileWriter.create(path, QgsFields(), source.wkbType(), source.sourceCrs(),
                                        QgsProject.instance().transformContext() if QgsProject.instance()
                                        else QgsCoordinateTransformContext(), options)
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise CompareFailed(tr("Cannot write the reference to {path}: {reason}").format(path=path, reason=writer.errorMessage()))
    fids: list[int] = []
    for f in source.getFeatures():
        if is_canceled():
            break
        out = QgsFeature(QgsFields())
        out.setGeometry(f.geometry())
        writer.addFeature(out)
        fids.append(int(f.id()))
    del writer  # closes the file
    return ExportedReference(path, fids)


def compare_command(python: str, result_gpkg: str, reference: str, layer: str, json_out: str,
                    run_id: Optional[str] = None, raster: Optional[str] = None) -> list[str]:
    """The engine's command line; without `raster` the engine takes the run's own."""
    if layer not in COMPARE_LAYERS:
        raise CompareFailed(tr("Compare masks or boxes, not {layer}.").format(layer=layer))
    cmd = [python, "-m", "inference_core", "compare", result_gpkg, reference, "--layer", layer, "--json", json_out]
    if run_id:
        cmd += ["--run-id", run_id]
    if raster:
        cmd += ["--raster", raster]
    return cmd


def run_compare(python: str, result_gpkg: str, reference: ExportedReference, layer: str,
                run_id: Optional[str] = None, raster: Optional[str] = None,
                on_process: Callable[[subprocess.Popen], None] = lambda p: None) -> ComparisonReport:
    """Run the engine's compare; the report's reference ids are the source layer's fids."""
    if not python or not os.path.isfile(python):
        raise CompareFailed(tr("The RemoteReasoner engine is not set up (no Python at '{path}'): use RemoteReasoner ▸ "
                               "Set up engine.").format(path=python or "-"))
    json_out = os.path.join(os.path.dirname(reference.path), "comparison.json")
    cmd = compare_command(python, result_gpkg, reference.path, layer, json_out, run_id, raster)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env(),
                                cwd=ENGINE_ROOT)
        on_process(proc)
        _out, err = proc.communicate(timeout=COMPARE_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CompareFailed(tr("The engine could not compare: {reason}").format(reason=exc)) from None
    if proc.returncode != 0 or not os.path.isfile(json_out):
        lines = [ln for ln in (err or "").strip().splitlines() if ln.strip()]
        message = lines[-1] if lines else tr("the engine stopped (exit status {rc})").format(rc=proc.returncode)
        raise CompareFailed(message.removeprefix("error: "))
    with open(json_out, encoding="utf-8") as fh:
        report = ComparisonReport.from_dict(json.load(fh))
    for obj in report.per_object:
        if obj.source == "reference":
            obj.id = reference.source_fid(obj.id) if reference.source_fid(obj.id) is not None else obj.id
        elif obj.partner is not None:
            obj.partner = reference.source_fid(obj.partner) if reference.source_fid(obj.partner) is not None else obj.partner
    return report


def compare_layer(python: str, result_gpkg: str, reference_source: Any, layer: str, run_id: Optional[str] = None,
                  raster: Optional[str] = None, is_canceled: Callable[[], bool] = lambda: False,
                  on_process: Callable[[subprocess.Popen], None] = lambda p: None) -> ComparisonReport:
    """Export `reference_source` to a temporary folder and compare; the folder is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="rr-compare-") as folder:
        ref = export_reference(reference_source, folder, is_canceled)
        return run_compare(python, result_gpkg, ref, layer, run_id, raster, on_process)
