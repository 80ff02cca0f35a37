"""The dock on a laptop (issue 34): the first raster added to an empty project with the dock open raises
nothing; the dock and its dialogs fit 1280x800 and 1366x768."""

from __future__ import annotations

import sys

import pytest

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer, QgsRectangle


def test_first_raster_into_empty_project_raises_nothing(dock, qgis_iface, sample_tif, monkeypatch):
    """Empty project, dock on "Current map view": adding the first raster (QGIS sets the project CRS from it
    while the canvas still shows the empty project's world extent) shows no Python error dialog."""
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: caught.append(exc))
    assert dock.question.extent.source() == "view"
    canvas = qgis_iface.mapCanvas()
    # what an empty project's canvas shows: nothing (an empty rectangle) in geographic coordinates
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas.setExtent(QgsRectangle())
    layer = QgsRasterLayer(str(sample_tif), "OSBS_029")
    QgsProject.instance().addMapLayer(layer)
    dock.question.layer_combo.setLayer(layer)
    canvas.extentsChanged.emit()
    assert caught == []
    assert dock.question.update_estimate() == ""  # no estimate for a view that is nowhere yet
    extent, why = dock.question.extent.requested_extent(layer)
    assert extent is None and "EPSG:32617" in why and "Whole layer" in why
    # once the map shows the raster, the view is an extent again and the estimate is back
    canvas.setDestinationCrs(layer.crs())
    canvas.setExtent(layer.extent())
    extent, why = dock.question.extent.requested_extent(layer)
    assert why == "" and extent.width() == pytest.approx(40.0, abs=0.2)
    assert dock.question.update_estimate() != ""
    assert caught == []
