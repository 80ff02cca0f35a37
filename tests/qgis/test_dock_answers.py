"""Ask and Describe in the dock: real runs through the engine worker (replay answers) show the recorded answer
large with its reasoning folded beneath, copyable, and the `answers` layer of view footprints carrying them."""

from __future__ import annotations

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QApplication

from conftest import write_replay
from test_dock import RASTER_EXTENT, XMIN, YMAX, _replay_settings, rect_tuple, run_dock

THREE = "<think>Three crowns stand apart in the clearing.</think><answer>There are 3 trees.</answer>"


def _answers_layer(dock):
    layer = dock.run_layers.layers["answers"]
    assert layer.crs().authid() == "EPSG:32617"
    return sorted(layer.getFeatures(), key=lambda f: f["tile_id"])


def test_ask_shows_the_recorded_answer_and_its_reasoning(qtbot, dock, raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [THREE]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_mode("ask")
    assert dock.question.mode() == "ask" and dock.refresh_readiness() == []
    assert dock.answer_panel.isVisibleTo(dock) and not dock.results.table.isVisibleTo(dock)
    assert not dock.question.check_masks.isVisibleTo(dock) and dock.question.per_tile_check.isVisibleTo(dock)
    summary, _ = run_dock(qtbot, dock, "How many trees are there?")
    assert summary["status"] == "finished" and summary["counts"] == {"answers": 1}
    assert summary["answer_summary"] == "There are 3 trees."
    panel = dock.answer_panel
    assert panel.answer() == "There are 3 trees."
    assert panel.reasoning() == "Three crowns stand apart in the clearing."
    # the resolution the model saw the 400 x 400 px extent at, from the run's summary
    assert summary["answer_view"] == [400, 400]
    assert panel.resolution_label.isVisibleTo(dock) and panel.resolution_label.text() == (
        "The model saw the extent at 400 × 400 px.")
    assert panel.reasoning_box.isCollapsed()  # folded beneath the answer
    assert panel.answer_label.font().pointSizeF() > dock.font().pointSizeF()  # shown large
    assert panel.copy() == "There are 3 trees.\n\nThree crowns stand apart in the clearing."
    assert QApplication.clipboard().text() == panel.copy()
    assert dock.last_message == ("success", "Answered on 1 view.") and dock.status.progress.format() == "Done"
    # the footprint of the one view: the whole raster, in its CRS, carrying the answer
    group = QgsProject.instance().layerTreeRoot().findGroup("How many trees are there?")
    [feature] = _answers_layer(dock)
    assert [c.layer() for c in group.children()] == [dock.run_layers.layers["answers"]]
    assert rect_tuple(feature.geometry().boundingBox()) == tuple(round(v, 2) for v in RASTER_EXTENT)
    assert (feature["answer"], feature["count"], feature["mode"]) == ("There are 3 trees.", 3, "ask")
    assert feature["question"] == "How many trees are there?" and feature["view_width"] == 400
    # Export… writes the answers layer
    written = dock.export_to("geojson", str(tmp_path / "exp" / "trees.geojson"))
    assert [w.rsplit("/", 1)[1] for w in written] == ["trees_answers.geojson"]


def test_per_tile_answers_are_one_footprint_per_tile(qtbot, dock, raster, clean_settings, tmp_path):
    answers = [f"<think>tile {i}</think><answer>There are {i + 1} trees.</answer>" for i in range(4)]
    # 200 px tiles without overlap over the 400 x 400 px sample: 4 views of 20 m x 20 m
    _replay_settings(clean_settings, write_replay(tmp_path / "t.jsonl", answers, (200, 200)), tile_size=200,
                     overlap=0, max_pixels=200 * 200)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_mode("ask")
    dock.question.per_tile_check.setChecked(True)
    summary, _ = run_dock(qtbot, dock, "How many trees are in this tile?")
    assert summary["tiles_total"] == 4 and summary["counts"] == {"answers": 4}
    feats = _answers_layer(dock)
    assert [f["tile_id"] for f in feats] == [0, 1, 2, 3]
    assert [f["answer"] for f in feats] == [f"There are {i + 1} trees." for i in range(4)]
    assert [f["count"] for f in feats] == [1, 2, 3, 4]
    for f in feats:
        row, col = divmod(f["tile_id"], 2)
        x0, y1 = XMIN + 20.0 * col, YMAX - 20.0 * row
        assert rect_tuple(f.geometry().boundingBox()) == tuple(round(v, 2) for v in (x0, y1 - 20.0, x0 + 20.0, y1))
    assert dock.answer_panel.answer() == "Sum of per-tile counts: 10 over 4 of 4 tiles."  # worded by the dock (translated)
    assert not dock.answer_panel.resolution_label.isVisibleTo(dock)  # per tile: each tile's own size
    text = dock.answer_panel.reasoning()
    assert "Tile 1: There are 1 trees.\ntile 0" in text and "Tile 4: There are 4 trees." in text
    assert dock.last_message == ("success", "Answered on 4 views.")


def test_describe_needs_no_question(qtbot, dock, raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "d.jsonl", [
        "<think>Canopy, a clearing, a track.</think><answer>A pine forest with a sandy clearing.</answer>"]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_mode("describe")
    summary, _ = run_dock(qtbot, dock, "")
    assert summary["answer_summary"] == "A pine forest with a sandy clearing."
    assert dock.answer_panel.answer() == "A pine forest with a sandy clearing."
    assert QgsProject.instance().layerTreeRoot().findGroup("Describe") is not None
    [feature] = _answers_layer(dock)
    assert (feature["mode"], feature["question"], feature["reasoning"]) == ("describe", "", "Canopy, a clearing, a track.")
    dock.question.set_mode("locate")  # back to Locate: the boxes' widgets again
    assert dock.results.table.isVisibleTo(dock) and not dock.answer_panel.isVisibleTo(dock)


@pytest.mark.parametrize("mode", ["ask", "locate"])
def test_a_question_is_needed_to_ask_or_locate(dock, raster, mode):
    dock.question.layer_combo.setLayer(raster)
    dock.question.set_mode(mode)
    assert dock.start_run("") is None and dock.last_message[0] == "warning"


def test_before_a_run_and_an_unreadable_describe(qtbot, dock, raster, clean_settings, tmp_path):
    """Before any run the panel says where the answer will appear (nothing is awaited); an answer that cannot be
    read is said to be unreadable, never shown as an answer, never counted as one, and not copyable."""
    dock.question.set_mode("ask")
    panel = dock.answer_panel
    assert panel.answer() == "Press Reason on extent: the model's answer appears here." and not panel.copy_button.isEnabled()
    _replay_settings(clean_settings, write_replay(tmp_path / "u.jsonl", ["<think>A forest, I think.</think><answer></answer>"]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_mode("describe")
    summary, _ = run_dock(qtbot, dock, "")
    assert summary["status"] == "finished" and summary["parse_errors"] == 1 and summary["counts"] == {"answers": 1}
    assert panel.answer() == "The model's answer could not be read — what it said is under Reasoning."
    assert "(no answer)" not in panel.answer() and panel.reasoning() == "A forest, I think."
    assert not panel.copy_button.isEnabled()
    want = "The model's answers could not be read on 1 of 1 view — see Reasoning; try another prompt."
    assert dock.last_message == ("warning", want) and "Answered" not in dock.runs.end.text


def test_per_tile_line_in_french(qgis_app):
    """The per-tile sum is worded by the dock in the user's language (plural forms), not the engine's English."""
    import subprocess

    from conftest import ROOT
    from remotereasoner_qgis import i18n
    from remotereasoner_qgis.ui.answer_panel import AnswerPanel

    subprocess.run(["make", "-s", "-C", str(ROOT), "translations"], check=True, capture_output=True)
    translator = i18n.install_translator("fr")
    assert translator is not None
    try:
        panel = AnswerPanel()
        for i, count in enumerate((1, None, 3, 4)):
            panel.add({"tile_id": i, "tiles": 4, "answer": f"{count} arbres" if count else "des arbres", "count": count})
        panel.finish({"answer_summary": "Sum of per-tile counts: 8 over 3 of 4 tile(s) (1 gave no number)."}, overlap=56)
        assert panel.answer() == ("Somme des comptes par tuile : 8 sur 3 de 4 tuiles. 1 tuile n’a donné aucun nombre. "
                                  "Les tuiles se chevauchent de 56 px : un objet dans un chevauchement peut être "
                                  "compté deux fois.")
        assert "tile(s)" not in panel.answer() and panel.copy_button.isEnabled()
    finally:
        i18n.remove_translator(translator)
