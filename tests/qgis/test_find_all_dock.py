"""Find-all in the plugin: the dock's mode choice (saved, with the noun-phrase hint and its suggestion), readiness
for SAM 3, the dense-answer hint, a real run of the tiny SAM 3 through the worker from the dock's choice, the
settings -> RunOptions mapping, Processing's mode parameter, and the Models tab's SAM 3 row and token."""

from __future__ import annotations

import json
import sqlite3

import pytest

from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge.run_options import run_options
from remotereasoner_qgis.ui import dock as rd
from remotereasoner_qgis.ui.mode_hints import looks_dense, suggest_phrase


@pytest.mark.parametrize("question, phrase", [
    ("find all the storage tanks next to the pier", "storage tank"),
    ("every tree crown in the clearing", "tree crown"),
    ("Locate the buildings with blue roofs", "building"),
    ("the field most likely flooded after the dam broke", "field"),
    ("ships", "ship"),
    ("where are the", None),
])
def test_suggested_noun_phrase(question, phrase):
    assert suggest_phrase(question) == phrase


def test_dense_answers():
    assert not looks_dense({})
    assert not looks_dense({0: 3, 1: 5, 2: 2})
    assert looks_dense({i: 3 for i in range(10)})  # 30 in all
    assert looks_dense({0: 9, 1: 9, 2: 1})  # two views at the same high count
    assert not looks_dense({0: 9, 1: 7})


def test_mode_choice_is_one_combo_saved_and_says_what_find_all_wants(dock, clean_settings):
    combo = dock.question.mode_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["locate", "ask", "describe", "find-all"]
    assert dock.question.mode() == "locate" and dock.question.mode_hint.isHidden()
    dock.question.question_edit.setPlainText("the storage tanks next to the pier")
    assert dock.question.mode_hint.isHidden()  # locate takes any question
    dock.question.set_mode("find-all")
    assert rs.PluginSettings.load().mode == "find-all"
    assert not dock.question.mode_hint.isHidden()
    assert dock.question.mode_hint.text() == "Find all takes a short noun phrase, not a sentence: try “storage tank”."
    dock.question.question_edit.setPlainText("storage tank")
    assert "short noun phrase naming the objects" in dock.question.mode_hint.text()
    assert not dock.question.check_masks.isHidden()  # find-all keeps the granularity choice (Ask/Describe hide it)
    again = rd.RemoteReasonerDock(dock.iface)  # a new dock starts in the saved mode
    try:
        assert again.question.mode() == "find-all" and "short noun phrase" in again.question.mode_hint.text()
    finally:
        again.shutdown()
        again.deleteLater()


def test_find_all_readiness_asks_for_sam3_not_the_reasoner(dock, clean_settings, tmp_path, monkeypatch, tiny_models):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hf"))
    cfg = clean_settings
    cfg.model = str(tmp_path / "no-reasoner")  # find-all never needs it
    cfg.save()
    dock.question.set_mode("find-all")
    problems = dock.refresh_readiness()
    assert len(problems) == 1 and "Find-all needs SAM 3" in problems[0] and "gated" in problems[0]
    assert dock.settings_button.text() == "Models…" and not dock.run_button.isEnabled()
    cfg = rs.PluginSettings.load()
    cfg.sam3 = str(tiny_models["sam3"])
    cfg.save()
    dock.question.check_masks.setChecked(True)  # masks come from SAM 3: no SAM checkpoint asked for
    assert dock.refresh_readiness() == [] and dock.run_button.isEnabled()


def test_settings_to_run_options_for_find_all(clean_settings, tiny_models):
    cfg = clean_settings
    cfg.mode, cfg.sam3, cfg.score_threshold, cfg.sam = "find-all", str(tiny_models["sam3"]), 0.35, "/no/sam.pth"
    cfg.save()
    loaded = rs.PluginSettings.load()
    assert (loaded.mode, loaded.score_threshold) == ("find-all", 0.35)
    # the run's mode comes from the dock (or Processing), never from the saved choice
    assert run_options(loaded, "a.tif", "trees", "o.gpkg", ("boxes",)).mode == "locate"
    o = run_options(loaded, "a.tif", " tree crown ", "o.gpkg", ("boxes", "masks"), mode="find-all")
    assert (o.mode, o.sam3, o.score_threshold, o.sam, o.query) == ("find-all", str(tiny_models["sam3"]), 0.35, None,
                                                                   "tree crown")


def test_dock_find_all_run_reaches_the_engine(qtbot, dock, raster, clean_settings, tiny_models):
    from tests.qgis.test_dock import run_dock

    cfg = clean_settings
    cfg.sam3, cfg.score_threshold, cfg.device = str(tiny_models["sam3"]), 0.0, "cpu"
    cfg.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_granularity(("boxes", "masks", "contours"))
    dock.question.mode_combo.setCurrentIndex(dock.question.mode_combo.findData("find-all"))  # as a user picks it
    assert dock.refresh_readiness() == []
    summary, results = run_dock(qtbot, dock, "tree crown", timeout_ms=180_000)
    assert summary["status"] == "finished" and summary["tiles_done"] == 1
    # threshold 0: every one of the tiny SAM 3's 20 queries is an instance (random weights, real code)
    assert summary["counts"]["boxes"] == 20 == summary["counts"]["masks"]
    boxes = dock.run_layers.layers["boxes"]
    scores = [f["score"] for f in boxes.getFeatures()]
    assert len(scores) == 20 and all(0.0 < s < 1.0 for s in scores)
    assert {f["reasoning"] for f in boxes.getFeatures()} <= {"", None}
    assert {f["model"] for f in boxes.getFeatures()} == {f["model"] for f in dock.run_layers.layers["masks"].getFeatures()}
    with sqlite3.connect(summary["out"]) as db:
        settings = json.loads(db.execute("select settings from runs").fetchone()[0])
    assert settings["mode"] == "find-all" and settings["sam3"] == str(tiny_models["sam3"])
    assert "SAM 3 found 20 instance(s)" in dock.reasoning_text.toPlainText()
    assert dock.question.mode_hint.text().startswith("Find all:")  # no dense-answer hint after find-all


def test_dense_locate_answer_suggests_find_all(dock, clean_settings):
    dock.question.question_edit.setPlainText("every tree crown in the clearing")
    text = dock.question.mode_hint.dense_hint("locate", {0: 9, 1: 9, 3: 2}, "every tree crown in the clearing")
    assert text == "Many objects per view (20 in all): Find all (SAM 3) with “tree crown” may find every one of them."
    assert not dock.question.mode_hint.isHidden()
    assert dock.question.mode_hint.dense_hint("find-all", {0: 50}, "tree crown") == ""
    assert dock.question.mode_hint.dense_hint("ask", {0: 50}, "how many trees?") == ""


def test_processing_mode_parameter_builds_find_all_options(clean_settings, raster, tiny_models):
    from qgis.core import QgsProcessingContext

    from remotereasoner_qgis.processing.reason_algorithm import ReasonAlgorithm

    alg = ReasonAlgorithm()
    alg.initAlgorithm()
    mode = alg.parameterDefinition("MODE")
    assert mode.options()[3] == "Find all: every instance of a noun phrase (SAM 3)" and mode.defaultValue() == 0
    params = {"INPUT": raster, "QUERY": "tree crown", "GRANULARITY": [0, 1], "MODE": 3,
              "SAM3": str(tiny_models["sam3"]), "SCORE_THRESHOLD": 0.4, "TILE_SIZE": 896, "OVERLAP": 112,
              "MAX_PIXELS": 802816, "BACKEND": 0, "SIMPLIFY": 0.0, "MIN_AREA": 0.0}
    options, _crs = alg.build_options(params, QgsProcessingContext(), "o.gpkg", rs.PluginSettings.load())
    assert (options.mode, options.sam3, options.score_threshold, options.sam) == (
        "find-all", str(tiny_models["sam3"]), 0.4, None)
    assert options.granularity == ("boxes", "masks")


def test_models_tab_sam3_row_token_and_use(qgis_iface, clean_settings, tmp_path, monkeypatch, tiny_models):
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    from remotereasoner_qgis.bridge.engine_env import engine_env
    from remotereasoner_qgis.ui.models_tab import ModelsWidget

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hf"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    clean_settings.mode, clean_settings.sam3 = "find-all", "facebook/sam3"  # the dock in find-all, SAM 3 chosen
    clean_settings.save()
    w = ModelsWidget()
    row = next(i for i in range(w.table.rowCount()) if w.table.item(i, 0).data(256) == "sam3")
    assert w.table.item(row, 3).text() == "facebook/sam3" and w.table.item(row, 2).text() == "SAM License"
    assert "gated" in w.table.item(row, 2).toolTip()
    assert w.in_use() == set() and w.chosen_absent() == {"sam3"}  # absent: never marked in use beside "absent"
    assert w.table.item(row, 1).text() == "3.5 GB" and w.state_of("sam3") == "absent"
    w.select("sam3")
    assert "gated on Hugging Face" in w.status.text() and "No token yet" in w.status.text()
    # a token in QGIS's authentication database, named by its config id only
    am = QgsApplication.authManager()
    if not am.masterPasswordIsSet():
        am.setMasterPassword("test-master", True)
    conf = QgsAuthMethodConfig("Basic")
    conf.setName("hf")
    conf.setConfig("username", "me")
    conf.setConfig("password", "hf_secret_token")
    stored = am.storeAuthenticationConfig(conf)
    if isinstance(stored, tuple):  # PyQGIS hands the config back with its new id
        stored, conf = stored
    assert stored and conf.id()
    w.hf_auth_select.setConfigId(conf.id())
    assert rs.hf_auth_cfg() == conf.id()
    assert engine_env(offline=True)["HF_TOKEN"] == "hf_secret_token"
    assert "hf_secret_token" not in json.dumps({k: str(v) for k, v in rs.PluginSettings.load().__dict__.items()})
    assert "gated on Hugging Face" in w.status.text() and "No token yet" not in w.status.text()
    assert w.use_local(str(tiny_models["sam3"])) and rs.PluginSettings.load().sam3 == str(tiny_models["sam3"])


def test_sam3_is_marked_in_use_only_in_find_all_mode(qgis_iface, clean_settings, tmp_path, monkeypatch):
    from remotereasoner_qgis.ui.models_tab import ModelsWidget

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hf"))
    assert "sam3" not in ModelsWidget().chosen()  # locate runs never load SAM 3
    cfg = rs.PluginSettings.load()
    cfg.mode = "find-all"
    cfg.save()
    w = ModelsWidget()
    assert "sam3" in w.chosen() and w.state_of("sam3") == "absent"
    assert "sam3" not in w.in_use()  # not on disk: chosen, never "in use" beside "absent"


def test_dock_threshold_drops_are_said_and_all_dropped_is_a_warning(qtbot, dock, raster, clean_settings, tiny_models):
    """The dock's Score threshold row (find-all only) is the run's threshold; a run that kept nothing because
    every instance scored under it ends as a warning that says how many it dropped."""
    from remotereasoner_qgis.bridge.events import WARNING
    from tests.qgis.test_dock import run_dock

    cfg = clean_settings
    cfg.sam3, cfg.device = str(tiny_models["sam3"]), "cpu"
    cfg.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.set_mode("locate")
    assert dock.question.score_threshold.isHidden()
    dock.question.mode_combo.setCurrentIndex(dock.question.mode_combo.findData("find-all"))
    assert not dock.question.score_threshold.isHidden()
    dock.question.score_threshold.spin.setValue(0.99)  # as a user types it
    assert rs.PluginSettings.load().score_threshold == 0.99
    summary, _ = run_dock(qtbot, dock, "tree crown", timeout_ms=180_000)
    assert summary["status"] == "finished" and summary["counts"]["boxes"] == 0
    below = summary["below_threshold"]
    # the tiny SAM 3's 20 queries, random weights: every one scoring above the floor and under 0.99 is dropped
    assert below["threshold"] == 0.99 and 1 <= below["dropped"] <= 20 and 0.05 < below["best_score"] <= 0.99
    end = dock.runs.end
    assert end.level == WARNING
    assert f"Dropped {below['dropped']} instance" in end.text and "under the score threshold 0.99" in end.text
