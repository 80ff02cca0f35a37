"""The dock tells the truth: how a run ended (found N, answers unreadable on K of N views, cancelled with K
of N views kept, failed: reason) in the dock and the message bar (Processing's log: test_processing.py); plural
forms in every language; views numbered from 1. Real runs through the engine worker (replay answers)."""

from __future__ import annotations

import pytest

from conftest import CANCEL_VIEWS, cancellable_replay, write_replay
from test_dock import _replay_settings, run_dock

from remotereasoner_qgis.bridge import events

UNREADABLE = "<think>I see trees, but I will not say where.</think>I cannot give coordinates."


def _four_views(clean_settings, tmp_path, answers):
    """200 px tiles without overlap over the 400 x 400 px sample: 4 views, one recorded answer each."""
    replay = write_replay(tmp_path / "answers.jsonl", answers, (200, 200))
    return _replay_settings(clean_settings, replay, tile_size=200, overlap=0, max_pixels=200 * 200)


def test_unreadable_answers_are_a_warning_not_a_success(qtbot, qgis_iface, dock, raster, clean_settings, tmp_path):
    _four_views(clean_settings, tmp_path, [UNREADABLE] * 4)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    progress_texts = []
    dock.status.progress.valueChanged.connect(lambda _v: progress_texts.append(dock.status.progress.format()))
    summary, _ = run_dock(qtbot, dock, "the tree crowns")
    assert summary["status"] == "finished" and summary["parse_errors"] == summary["tiles_total"] == 4
    want = "The model's answers could not be read on 4 of 4 views — see Reasoning; try another prompt."
    assert dock.last_message == ("warning", want)
    assert (dock.runs.end.level, dock.runs.end.text) == ("warning", want)
    assert dock.status.status_label.text() == want and not dock.status.status_label.isHidden()
    assert dock.status.progress.format() == "Answers unreadable" != "Done"
    # the reasoning panel holds what the model said, views numbered from 1
    reasoning = dock.reasoning_text.toPlainText()
    assert "View 1:" in reasoning and "View 4:" in reasoning and "View 0" not in reasoning
    assert "I see trees" in reasoning
    assert not any("view 0" in t or "tile" in t.lower() for t in progress_texts), progress_texts


def test_some_unreadable_answers_are_counted(qtbot, dock, raster, clean_settings, tmp_path):
    _four_views(clean_settings, tmp_path, ["<answer>[[20,20,60,60]]</answer>", UNREADABLE,
                                           "<answer>[[20,20,60,60]]</answer>", UNREADABLE])
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "small things")
    assert summary["counts"]["boxes"] == 2 and summary["parse_errors"] == 2
    assert dock.last_message == ("warning", "Found 2 boxes. The model's answers could not be read on 2 of 4 views "
                                            "— see Reasoning; try another prompt.")


def test_one_box_is_singular(qtbot, dock, raster, clean_settings, tmp_path):
    _four_views(clean_settings, tmp_path, ["<answer>[[20,20,60,60]]</answer>"] + ["<answer>[]</answer>"] * 3)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    run_dock(qtbot, dock, "one thing")
    assert dock.last_message == ("success", "Found 1 box.")
    assert dock.status.progress.format() == "Done"


def test_cancel_says_how_many_views_were_kept(qtbot, dock, raster, clean_settings, tmp_path):
    cancellable_replay(clean_settings, tmp_path)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "small things", on_result=lambda ev: dock.cancel_run())
    k, total = summary["tiles_done"], summary["tiles_total"]
    assert summary["status"] == "cancelled" and total == CANCEL_VIEWS and 1 <= k < total
    boxes = f"{k} box" if k == 1 else f"{k} boxes"
    assert dock.last_message == ("info", f"Cancelled: {k} of {total} views kept. Found {boxes}.")
    assert dock.status.status_label.text() == dock.last_message[1]
    assert dock.status.progress.format() == "Cancelled"


def test_model_that_fails_to_load(qtbot, dock, raster, clean_settings, tmp_path):
    """A model folder that is not a usable model: the engine's whole message, no .gpkg named, no traceback."""
    model = tmp_path / "broken-model"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "qwen2_5_vl"}', encoding="utf-8")
    (model / "model.safetensors").write_bytes(b"\0" * 1000)
    clean_settings.model, clean_settings.device = str(model), "cpu"
    clean_settings.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    assert dock.refresh_readiness() == []  # the files are there; only loading tells
    assert dock.start_run("trees") is not None
    with qtbot.waitSignal(dock.runErrored, timeout=180_000) as blocker:
        pass
    code, message = blocker.args
    assert code == "model" and str(model) in message
    # to its last word; never "download it again" for a folder of ones own
    assert message.rstrip().endswith("Copy the folder again from where you got it.")
    assert dock.runs.end.level == "critical" and dock.runs.end.text == f"Failed: {message}"
    assert dock.status.status_label.text() == f"Failed: {message}" and dock.status.status_label.wordWrap()
    assert dock.status.progress.format() == "Failed"
    assert ".gpkg" not in dock.status.output_label.text() and ".gpkg" not in dock.status.status_label.text()
    level, text = dock.last_message
    assert level == "critical" and text.startswith(f"Failed: {message}") and "Traceback" not in text


def test_end_state_sentences():
    e = events.end_state({"status": "finished", "counts": {"boxes": 3, "masks": 1}, "tiles_done": 9,
                          "tiles_total": 9, "parse_errors": 0})
    assert (e.level, e.text, e.short) == ("success", "Found 3 boxes, 1 mask.", "Done")
    e = events.end_state({"status": "finished", "counts": {}, "tiles_done": 1, "tiles_total": 1}, ("boxes", "masks"))
    assert e.text == "Found 0 boxes, 0 masks."
    e = events.end_state({"status": "finished", "counts": {"boxes": 0}, "tiles_done": 1, "tiles_total": 1,
                          "parse_errors": 1})
    assert e.level == "warning" and e.text.startswith("The model's answers could not be read on 1 of 1 view —")
    e = events.end_state({"status": "cancelled", "counts": {}})
    assert (e.level, e.text) == ("info", "Cancelled before the first view: nothing was kept.")
    e = events.end_state({"status": "failed", "counts": {"boxes": 0}, "warnings": ["out of memory on view 3"]})
    assert (e.level, e.text, e.short) == ("critical", "Failed: out of memory on view 3", "Failed")
    # views never sent to the model are said: no data (skipped), an identical view already answered (reused)
    e = events.end_state({"status": "finished", "counts": {"boxes": 2}, "tiles_done": 9, "tiles_total": 9,
                          "skipped_nodata": 1, "reused": 4})
    assert (e.level, e.text) == ("success", "Found 2 boxes. 1 view with no data skipped. 4 answers reused from "
                                            "identical views in the output, without asking the model.")
    # refine: overview finds kept unconfirmed (their closer look unusable) or dropped (a closer look found nothing)
    e = events.end_state({"status": "finished", "counts": {"boxes": 3}, "tiles_done": 4, "tiles_total": 4,
                          "parse_errors": 2, "unconfirmed": 2, "dropped": 1})
    assert e.level == "warning" and e.text.startswith(
        "Found 3 boxes. 2 overview finds kept unconfirmed: their closer look gave no usable answer. 1 overview "
        "find dropped: not found again on a closer look. "), e.text


@pytest.mark.parametrize("lang, one, three", [("fr", "1 boîte", "3 boîtes"), ("zh_CN", "1 个框", "3 个框")])
def test_plural_forms_in_every_language(qgis_app, lang, one, three):
    import subprocess

    from conftest import ROOT
    from remotereasoner_qgis import i18n

    subprocess.run(["bash", str(ROOT / "scripts" / "translations.sh")], check=True, capture_output=True, timeout=120)
    translator = i18n.install_translator(lang)
    assert translator is not None
    try:
        assert events.count_text("boxes", 1) == one and events.count_text("boxes", 3) == three
        text = events.end_state({"status": "finished", "counts": {"boxes": 3}, "tiles_done": 1,
                                 "tiles_total": 1}).text
        assert three in text and "boxes" not in text
    finally:
        i18n.remove_translator(translator)


def test_views_are_numbered_from_one():
    # the pipeline's `tile` counts finished views; `write` comes once the view is counted
    seq = [("read", 0), ("reason", 0), ("write", 1), ("read", 1), ("reason", 1), ("segment", 1), ("write", 2)]
    texts = [events.progress_text({"stage": s, "tile": t, "tiles": 2}) for s, t in seq]
    assert texts == ["reading the image · view 1 of 2", "asking the model · view 1 of 2",
                     "writing results · view 1 of 2", "reading the image · view 2 of 2",
                     "asking the model · view 2 of 2", "segmenting · view 2 of 2", "writing results · view 2 of 2"]
    pct = [events.progress_percent({"stage": s, "tile": t, "tiles": 2}) for s, t in seq]
    assert pct == sorted(pct) and pct[-1] == 100.0


def test_a_long_read_in_strips_shows_how_far_it_is():
    """The engine reads a huge extent's view in strips (raster.source.read_rgb), one `progress` event each: the
    dock's line says how many, and the bar moves while the read goes on, up to where asking starts."""
    reads = [{"stage": "read", "step": "tile", "tile": 0, "tiles": 1, "strip": k, "strips": 4} for k in (1, 2, 4)]
    assert [events.progress_text(e) for e in reads] == [
        "reading the image, 1 of 4 strips · view 1 of 1", "reading the image, 2 of 4 strips · view 1 of 1",
        "reading the image, 4 of 4 strips · view 1 of 1"]
    pct = [events.progress_percent(e) for e in reads]
    assert pct == [2.5, 5.0, 10.0] and events.progress_percent({"stage": "reason", "tile": 0, "tiles": 1}) == 10.0


def test_result_message_is_not_hidden_under_task_complete(qtbot, qgis_iface, dock, raster, clean_settings, tmp_path,
                                                          monkeypatch):
    """QGIS pushes "Task complete" to the message bar when a long task ends (where the desktop shows no
    notifications): the run's own message is pushed after it, so it is the one on top."""
    from qgis.core import QgsApplication, QgsTask

    _four_views(clean_settings, tmp_path, ["<answer>[[20,20,60,60]]</answer>"] * 3 + ["<answer>[]</answer>"])
    bar = qgis_iface.messageBar()
    pushed: list[str] = []
    push = bar.pushMessage
    monkeypatch.setattr(bar, "pushMessage", lambda *a, **k: (pushed.append(str(a[1] if len(a) > 1 else a[0])),
                                                              push(*a, **k)))

    def like_qgis(_task_id, status):  # QgisApp::onTaskCompleteShowNotify, its message-bar fallback
        if status == QgsTask.TaskStatus.Complete:
            bar.pushInfo("Task complete", "RemoteReasoner: small things")

    QgsApplication.taskManager().statusChanged.connect(like_qgis)
    try:
        dock.question.layer_combo.setLayer(raster)
        dock.question.extent.set_source("layer")
        run_dock(qtbot, dock, "small things")
    finally:
        QgsApplication.taskManager().statusChanged.disconnect(like_qgis)
    assert "RemoteReasoner: small things" in pushed
    assert pushed[-1] == "Found 3 boxes."


def test_plural_counts_in_english():
    assert [events.count_text("masks", n) for n in (0, 1, 2)] == ["0 masks", "1 mask", "2 masks"]
    assert [events.count_text("boxes", n) for n in (1, 5)] == ["1 box", "5 boxes"]
    assert events.count_text("contours", 1) == "1 contour"


def test_drawn_rectangle_stays_on_the_map(qgis_iface, dock, raster):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    canvas = qgis_iface.mapCanvas()
    utm = QgsCoordinateReferenceSystem("EPSG:32617")
    canvas.setDestinationCrs(utm)
    canvas.setExtent(raster.extent())
    target = QgsRectangle(404216.9, 3285117.9, 404226.9, 3285137.9)
    # what the Draw… tool does: drawing ends, the previous map tool comes back, the rectangle stays
    dock.question.extent.start_drawing()
    assert canvas.mapTool() is dock.question.extent._map_tool
    dock.question.extent._map_tool.extentChanged.emit(target)
    assert canvas.mapTool() is not dock.question.extent._map_tool
    assert dock.question.extent.combo.currentData() == "drawn" and dock.question.extent.drawn_visible()
    band = dock.question.extent.rubber_band.asGeometry().boundingBox()
    assert [round(v, 3) for v in (band.xMinimum(), band.yMinimum(), band.xMaximum(), band.yMaximum())] == \
        [404216.9, 3285117.9, 404226.9, 3285137.9]
    assert dock.question.extent.clear_button.isEnabled()
    # another extent source hides it; the drawn one shows it again
    dock.question.extent.set_source("view")
    assert not dock.question.extent.drawn_visible()
    dock.question.extent.set_source("drawn")
    assert dock.question.extent.drawn_visible()
    # the canvas changes CRS: the rectangle follows (WGS 84 degrees now)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    bb = dock.question.extent.rubber_band.asGeometry().boundingBox()
    assert -82.0 < bb.xMinimum() < bb.xMaximum() < -81.9 and 29.6 < bb.yMinimum() < bb.yMaximum() < 29.8
    # cleared: off the map, and a run says why it has no extent
    dock.question.extent.clear_button.click()
    assert not dock.question.extent.drawn_visible() and not dock.question.extent.clear_button.isEnabled()
    assert dock.question.extent.requested_extent(raster)[1].startswith("No rectangle drawn")


def _memory_layer(name, rows):
    """A result layer with the schema's fields: rows of (geometry, attributes)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsProject, QgsVectorLayer

    from remotereasoner_qgis.bridge.schema_fields import field_list, geometry_name

    layer = QgsVectorLayer(geometry_name(name), name, "memory")
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32617"))
    layer.dataProvider().addAttributes(field_list(name))
    layer.updateFields()
    feats = []
    for geom, attrs in rows:
        f = QgsFeature(layer.fields())
        f.setGeometry(geom)
        for k, v in attrs.items():
            f[k] = v
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer, False)
    return layer


def test_results_table_mask_area_else_box_area_and_why(dock):
    from qgis.core import QgsGeometry, QgsProject, QgsRectangle

    from remotereasoner_qgis.ui.layers import RunLayers

    x, y = 404211.9, 3285102.9
    boxes = _memory_layer("boxes", [(QgsGeometry.fromRect(QgsRectangle(x + 10 * i, y, x + 10 * i + 10, y + 10)),
                                     {"target_id": i, "query": "trees"}) for i in range(3)])
    masks = _memory_layer("masks", [(QgsGeometry.fromRect(QgsRectangle(x + 11, y + 1, x + 17, y + 8)),
                                     {"target_id": 1, "query": "trees", "area_m2": 42.0})])
    group = QgsProject.instance().layerTreeRoot().addGroup("trees")
    dock.run_layers = RunLayers("", "trees", None, ("boxes", "masks"), group, {"boxes": boxes, "masks": masks})
    dock.fill_results()
    table = dock.results.table
    assert [table.item(r, 2).text() for r in range(3)] == ["100.0", "42.0", "100.0"]
    assert table.horizontalHeaderItem(2).text() == "Area (m²): mask, else box (italic)"
    assert [table.item(r, 2).font().italic() for r in range(3)] == [True, False, True]
    assert table.item(0, 2).toolTip() == "Box area: SAM found no mask for this target."
    assert table.isColumnHidden(1)  # the model gave no labels
    assert dock.results.note.text() == "3 boxes, 1 mask: 2 boxes had no mask (SAM found nothing)."
    assert not dock.results.note.isHidden()
    # every target with a mask: the header says so, no note
    masks2 = _memory_layer("masks", [(QgsGeometry.fromRect(QgsRectangle(x + 10 * i, y, x + 10 * i + 5, y + 5)),
                                      {"target_id": i, "query": "trees", "area_m2": 25.0}) for i in range(3)])
    dock.run_layers.layers["masks"] = masks2
    dock.fill_results()
    assert table.horizontalHeaderItem(2).text() == "Mask area (m²)" and dock.results.note.isHidden()


def test_results_table_labels_from_a_run(qtbot, dock, raster, clean_settings, tmp_path):
    answer = '```json\n[{"bbox_2d": [10,20,110,120], "label": "oak"}, {"bbox_2d": [200,200,300,280], "label": "pine"}]\n```'
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [answer]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    run_dock(qtbot, dock, "the trees")
    table = dock.results.table
    assert not table.isColumnHidden(1)
    assert [table.item(r, 1).text() for r in range(2)] == ["oak", "pine"]
    assert table.horizontalHeaderItem(2).text() == "Box area (m²)"
    assert [table.item(r, 2).text() for r in range(2)] == ["100.0", "80.0"]
    assert dock.results.note.isHidden()  # masks were not asked for


def test_box_area_in_square_metres_in_a_geographic_crs():
    from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsRectangle

    from remotereasoner_qgis.ui.layers import area_m2

    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    a = area_m2(QgsGeometry.fromRect(QgsRectangle(-81.98, 29.69, -81.9799, 29.6901)), wgs)
    assert 100 < a < 115  # 0.0001° x 0.0001° at 29.7° N: about 9.7 m x 11.1 m
    utm = QgsCoordinateReferenceSystem("EPSG:32617")
    assert area_m2(QgsGeometry.fromRect(QgsRectangle(0, 0, 10, 8)), utm) == 80.0


def test_repeated_runs_number_their_groups_and_leave_no_empty_one(qtbot, dock, raster, clean_settings, tmp_path):
    from qgis.core import QgsLayerTree, QgsProject

    root = QgsProject.instance().layerTreeRoot()

    def groups():
        return [c.name() for c in root.children() if QgsLayerTree.isGroup(c)]

    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", ["<answer>[[10,20,110,120]]</answer>"]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    for _ in range(3):
        run_dock(qtbot, dock, "the big tree")
    assert groups() == ["the big tree (3)", "the big tree (2)", "the big tree"]
    assert all(len(root.findGroup(g).children()) == 1 for g in groups())
    # a run that found nothing: no group, no layers, the message says so
    _replay_settings(clean_settings, write_replay(tmp_path / "none.jsonl", ["<answer>[]</answer>"]))
    n_layers = len(QgsProject.instance().mapLayers())
    summary, _ = run_dock(qtbot, dock, "unicorns")
    assert summary["counts"]["boxes"] == 0
    assert "unicorns" not in groups() and len(QgsProject.instance().mapLayers()) == n_layers
    assert dock.run_layers is None and not dock.results.export_button.isEnabled()
    assert dock.last_message == ("success", "Found 0 boxes.")
    # a run that failed: no group either
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    _replay_settings(clean_settings, bad)
    dock.start_run("broken")
    with qtbot.waitSignal(dock.runErrored, timeout=60_000):
        pass
    assert "broken" not in groups()


def test_export_suggests_a_file_name(qtbot, dock, raster, clean_settings, tmp_path, monkeypatch):
    from remotereasoner_qgis.ui import export as rd_export

    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", ["<answer>[[10,20,110,120]]</answer>"]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "The big Tree!")
    asked = []
    monkeypatch.setattr(rd_export.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (asked.append(a), ("", ""))[1]))
    assert dock.export_dialog() == []  # cancelled
    suggested = asked[0][2]
    assert suggested == str(tmp_path / "out" / "the-big-tree_export.gpkg")


def test_progress_bar_and_history_look_like_what_they_are(dock, clean_settings):
    from qgis.PyQt.QtWidgets import QToolButton

    assert "::chunk" in dock.status.progress.styleSheet() and "#9cc68f" in dock.status.progress.styleSheet()
    assert isinstance(dock.question.history_button, QToolButton)
    assert dock.question.history_button.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup
    assert not dock.question.history_button.isEnabled()  # no questions asked yet
