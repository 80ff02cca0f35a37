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


@pytest.mark.parametrize("lang, want", [
    ("fr", "Démo : réponses enregistrées (étiquettes humaines), pas un modèle réel, pour OSBS_029.tif, couche entière, "
           "quelle que soit la question."),
    ("zh_CN", None),
])
def test_demo_line_is_all_in_the_users_language(clean_settings, lang, want):
    """The shipped recording's labels are translated with the line around them (a user's own recording is shown as
    written); no English left inside the French or Chinese demo line."""
    import subprocess

    from conftest import ROOT
    from remotereasoner_qgis import i18n
    from remotereasoner_qgis.bridge.first_run import SAMPLE_ANSWERS
    from remotereasoner_qgis.bridge.readiness import recorded_notice

    subprocess.run(["make", "-s", "-C", str(ROOT), "translations"], check=True, capture_output=True)
    clean_settings.backend, clean_settings.replay = "replay", str(SAMPLE_ANSWERS)
    translator = i18n.install_translator(lang)
    assert translator is not None
    try:
        line = recorded_notice(clean_settings, ("boxes",))
    finally:
        i18n.remove_translator(translator)
    assert "recorded answers" not in line and "whole layer" not in line and "whatever" not in line
    if want:
        assert line.startswith(want)
    else:
        assert "录制的回答（人工标注），不是真实模型" in line and "OSBS_029.tif，整个图层" in line
