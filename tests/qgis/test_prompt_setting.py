"""The prompt and the box coordinates are chosen in the settings dialog and reach the engine: the RunOptions of
a run carry them, and the run's `runs.settings` records them."""

from __future__ import annotations

import json

from qgis.core import QgsSettings

from conftest import write_replay
from test_dock import _replay_settings, run_dock

from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge.run_options import options_for_run
from remotereasoner_qgis.ui import settings_dialog as sd

MY_PROMPT = "---\ncoordinates: model-input\n---\nFind {query} in this image. Answer <answer>[[x1,y1,x2,y2]]</answer>.\n"


def _items(combo):
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def test_prompt_combo_lists_the_templates(clean_settings, tmp_path, monkeypatch):
    own = tmp_path / "own-prompts"
    own.mkdir()
    (own / "my-roofs.txt").write_text("Roofs only: {query}", encoding="utf-8")
    (own / "notes.txt").write_text("not a template: no question in it", encoding="utf-8")
    monkeypatch.setenv("REMOTEREASONER_PROMPTS", str(own))
    dlg = sd.SettingsDialog()
    items = _items(dlg.prompt_combo)
    assert items[0] == ("Default for the model", "") and dlg.prompt_combo.currentIndex() == 0
    assert items[-1] == ("Choose file…", sd.CHOOSE_FILE)
    names = [data for _text, data in items[1:-1]]
    assert names == ["my-roofs", "qwen-vl-relative", "qwen2.5-vl", "remotereasoner", "think2seg-rs", "tiny-reasoner"]
    assert _items(dlg.coordinates_combo) == [
        ("As the prompt template says", ""), ("Pixels of the resized model input (model-input)", "model-input"),
        ("Pixels of the view before resizing (original-image)", "original-image"),
        ("0 to 1000 across the image, Qwen2-VL / Qwen3-VL (relative-1000)", "relative-1000")]
    # a name is saved as a name
    dlg.prompt_combo.setCurrentIndex(names.index("think2seg-rs") + 1)
    dlg._prompt_chosen(dlg.prompt_combo.currentIndex())
    dlg.accept()
    assert QgsSettings().value("RemoteReasoner/prompt") == "think2seg-rs"
    assert rs.PluginSettings.load().coordinates == ""


def test_choose_file_and_coordinates_reach_the_run_options(clean_settings, tmp_path, monkeypatch):
    path = tmp_path / "my prompt.txt"
    path.write_text(MY_PROMPT, encoding="utf-8")
    monkeypatch.setattr(sd.QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    dlg = sd.SettingsDialog()
    dlg._prompt_chosen(dlg.prompt_combo.findData(sd.CHOOSE_FILE))  # what picking "Choose file…" does
    assert dlg.prompt_combo.currentText() == "File: my prompt.txt" and dlg.prompt() == str(path)
    dlg.coordinates_combo.setCurrentIndex(dlg.coordinates_combo.findData("original-image"))
    dlg.accept()
    s = QgsSettings()
    assert (s.value("RemoteReasoner/prompt"), s.value("RemoteReasoner/coordinates")) == (str(path), "original-image")
    cfg = rs.PluginSettings.load()
    options = options_for_run(cfg, "/data/x.tif", "roofs", ("boxes",), None, str(tmp_path / "r.gpkg"), None)
    assert (options["prompt"], options["coordinates"]) == (str(path), "original-image")
    # the dialog opens on the chosen file
    again = sd.SettingsDialog()
    assert again.prompt_combo.currentText() == "File: my prompt.txt"
    assert again.prompt_combo.currentData() == str(path)
    assert again.coordinates_combo.currentData() == "original-image"
    # a cancelled file dialog keeps the choice
    monkeypatch.setattr(sd.QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    again._prompt_chosen(again.prompt_combo.findData(sd.CHOOSE_FILE))
    assert again.prompt() == str(path) and again.prompt_combo.currentData() == str(path)


def test_missing_prompt_file_blocks_the_run(dock, clean_settings, tmp_path):
    clean_settings.prompt = str(tmp_path / "gone.txt")
    clean_settings.save()
    assert dock.refresh_readiness() == [
        f"The prompt file {tmp_path / 'gone.txt'} does not exist: choose the prompt again in the settings."]


def test_run_with_a_custom_prompt_records_it(qtbot, dock, raster, clean_settings, tmp_path):
    from qgis.core import QgsVectorLayer

    path = tmp_path / "my-prompt.txt"
    path.write_text(MY_PROMPT, encoding="utf-8")
    replay = write_replay(tmp_path / "a.jsonl", ["<answer>[[10,20,110,120]]</answer>"])
    _replay_settings(clean_settings, replay, prompt=str(path), coordinates="original-image")
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "roofs")
    assert summary["status"] == "finished" and summary["counts"]["boxes"] == 1
    runs = QgsVectorLayer(f"{summary['out']}|layername=runs", "runs", "ogr")
    settings = json.loads(next(runs.getFeatures())["settings"])
    assert (settings["prompt"], settings["coordinates"]) == (str(path), "original-image")
