"""The dock's Export…: where it proposes to write (beside the run's GeoPackage, named after the question) and
the file dialog choosing the format; the writing itself is layers.export_layers."""

from __future__ import annotations

import os
from typing import Optional

from qgis.PyQt.QtWidgets import QFileDialog, QWidget

from ..bridge.run_paths import run_file_name
from ..i18n import tr
from .layers import RunLayers


def export_suggestion(run_layers: Optional[RunLayers], question: str = "") -> str:
    """Where Export… proposes to write: beside the run's GeoPackage, named after the question."""
    folder = os.path.dirname(run_layers.gpkg) if run_layers and run_layers.gpkg else ""
    slug = run_file_name(question or (run_layers.question if run_layers else ""))
    name = slug.split("_", 1)[1][:-len(".gpkg")]  # the question's part of the run file name
    return os.path.join(folder or os.path.expanduser("~"), f"{name}_export.gpkg")


def ask_export_path(parent: QWidget, suggestion: str) -> tuple[str, str]:
    """(format, path) chosen in a save dialog; ("", "") when cancelled."""
    filters = {tr("GeoPackage (*.gpkg)"): "gpkg", tr("ESRI Shapefile (*.shp)"): "shp",
               tr("GeoJSON (*.geojson)"): "geojson"}
    path, chosen = QFileDialog.getSaveFileName(parent, tr("Export results"), suggestion, ";;".join(filters))
    return (filters.get(chosen, "gpkg"), path) if path else ("", "")
