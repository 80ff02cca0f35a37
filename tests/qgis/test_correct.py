"""Correct by clicking in real QGIS: a run with the tiny SAM, a mask selected, points clicked through the map
tool (QgsMapMouseEvent on the canvas) re-segment it in the layer and the GeoPackage (area asserted), undo
restores it; add a box, delete a false one; the edits table records every edit."""

from __future__ import annotations

import sqlite3

import pytest
from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle, QgsVectorLayer
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt

from conftest import write_replay
from test_dock import XMIN, YMAX, _replay_settings, run_dock

CROWNS = "<answer>[[100,100,200,200],[250,250,330,330]]</answer>"


def mask_of(gpkg: str, target: int):
    layer = QgsVectorLayer(f"{gpkg}|layername=masks", "m", "ogr")
    feats = [f for f in layer.getFeatures() if f["target_id"] == target]
    return (feats[0].geometry().asWkt(6), feats[0]["area_m2"]) if feats else (None, None)


def click(qtbot, panel, canvas, x: float, y: float, button):
    """Release a mouse button on the canvas pixel of map point (x, y): what a user's click does."""
    px = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    event = QgsMapMouseEvent(canvas, QEvent.Type.MouseButtonRelease, QPoint(int(round(px.x())), int(round(px.y()))),
                             button, button, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.correctionDone, timeout=120_000) as blocker:
        canvas.mapTool().canvasReleaseEvent(event)
    result, error = blocker.args
    assert result is not None, error
    return result


def test_points_undo_add_delete(qtbot, qgis_iface, dock, raster, clean_settings, tmp_path, tiny_models):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [CROWNS]), sam=str(tiny_models["sam"]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_granularity(("boxes", "masks", "contours"))
    summary, _ = run_dock(qtbot, dock, "the tree crowns")
    assert summary["counts"]["masks"] == 2
    gpkg = summary["out"]
    masks = dock.run_layers.layers["masks"]
    before_wkt, before_area = mask_of(gpkg, 0)
    canvas = qgis_iface.mapCanvas()
    canvas.resize(800, 800)
    canvas.setDestinationCrs(raster.crs())
    canvas.setExtent(raster.extent())
    canvas.refresh()
    panel = dock.analyst.correct
    masks.selectByExpression('"target_id" = 0')
    assert panel.start_points() is not None and canvas.mapTool() is panel.tool
    # a right click (background) in the middle of target 0's box, then a left click near its corner
    r1 = click(qtbot, panel, canvas, XMIN + 15.0, YMAX - 15.0, Qt.MouseButton.RightButton)
    assert r1["action"] == "refine" and r1["target_id"] == 0 and r1["embedding_cached"] is True
    assert r1["features"]["masks"] or r1["area_m2"] is None
    r2 = click(qtbot, panel, canvas, XMIN + 11.0, YMAX - 11.0, Qt.MouseButton.LeftButton)
    [(x1, y1, l1), (x2, y2, l2)] = [tuple(p) for p in panel.points]
    tol = canvas.mapUnitsPerPixel()  # a click lands on a whole canvas pixel
    assert (l1, l2) == (0, 1) and x1 == pytest.approx(XMIN + 15.0, abs=tol) and y2 == pytest.approx(YMAX - 11.0, abs=tol)
    wkt, area = mask_of(gpkg, 0)
    assert wkt != before_wkt and area == pytest.approx(r2["area_m2"])
    # the layer on the map shows the GeoPackage's new mask
    [f] = [f for f in masks.getFeatures() if f["target_id"] == 0]
    assert f["area_m2"] == pytest.approx(area) and f.geometry().area() == pytest.approx(area, rel=1e-6)
    assert "re-segmented" in panel.status_label.text()
    # undo twice: back to the run's mask
    panel.stop_points()
    for _ in range(2):
        with qtbot.waitSignal(panel.correctionDone, timeout=60_000):
            assert panel.undo() is not None
    assert mask_of(gpkg, 0) == (before_wkt, before_area)
    [f] = [f for f in masks.getFeatures() if f["target_id"] == 0]
    assert f["area_m2"] == pytest.approx(before_area)
    # add a missed object with a box, delete target 1
    with qtbot.waitSignal(panel.correctionDone, timeout=60_000) as blocker:
        panel.add_box(QgsRectangle(XMIN + 2.0, YMAX - 8.0, XMIN + 8.0, YMAX - 2.0))
    assert blocker.args[0]["target_id"] == 2
    boxes = dock.run_layers.layers["boxes"]
    assert sorted(f["target_id"] for f in boxes.getFeatures()) == [0, 1, 2]
    boxes.selectByExpression('"target_id" = 1')
    masks.removeSelection()
    with qtbot.waitSignal(panel.correctionDone, timeout=60_000) as blocker:
        panel.delete_selected()
    assert sorted(f["target_id"] for f in boxes.getFeatures()) == [0, 2]
    assert dock.results.table.rowCount() == 2
    # the dock's summary follows the edit: 2 targets, the area the masks left on the map cover together
    tally = blocker.args[0]["tally"]
    union = QgsGeometry.unaryUnion([f.geometry() for f in masks.getFeatures()])
    assert tally["targets"] == 2 and tally["covered_area"] == pytest.approx(union.area(), rel=1e-6)
    assert dock.status.tally_label.text().startswith("2 targets · ")
    assert f"{union.area():,.1f} m² covered (masks)" in dock.status.tally_label.text()
    con = sqlite3.connect(gpkg)
    rows = con.execute("SELECT action, target_id, undone FROM edits ORDER BY edit_id").fetchall()
    con.close()
    assert rows == [("refine", 0, 1), ("refine", 0, 1), ("undo", 0, 0), ("undo", 0, 0), ("add", 2, 0),
                    ("delete", 1, 0)]
