"""The dock's strategy choice (Quick / Focused / Thorough): kept in the settings, mapped to RunOptions, the model
calls it will make shown before the run; a Focused run through the real worker (replay answers) replaces the
overview's candidate by the refine view's box and shows the answer in numbers; Processing's Strategy parameter."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsRectangle, QgsSettings

from conftest import write_replay
from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge.run_options import run_options

XMIN, YMAX = 404211.9, 3285142.9  # OSBS_029.tif: 400 x 400 px of 0.1 m in EPSG:32617


def _small_tiles(cfg):
    # 112 px tiles, 28 px overlap, a 112² budget: the 400 px sample is 5 x 5 = 25 tiles, its overview 112 x 112
    cfg.tile_size, cfg.overlap, cfg.max_pixels = 112, 28, 112 * 112
    cfg.save()


def _choose(dock, strategy):
    dock.question.strategy_choice.combo.setCurrentIndex(dock.question.strategy_choice.combo.findData(strategy))


def test_choice_offers_three_strategies_and_keeps_the_last_one(dock, clean_settings):
    combo = dock.question.strategy_choice.combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["overview", "refine", "tiles", "descent"]
    assert [combo.itemText(i).split(" —")[0] for i in range(combo.count())] == ["Quick", "Focused", "Thorough", "Deep"]
    assert dock.question.strategy_choice.strategy() == "tiles"  # the engine's default, from contract.options
    _choose(dock, "refine")
    assert QgsSettings().value("RemoteReasoner/strategy") == "refine"
    cfg = rs.PluginSettings.load()
    assert cfg.strategy == "refine"
    assert run_options(cfg, "r.tif", "q", "o.gpkg", ("boxes",)).strategy == "refine"
    QgsSettings().setValue("RemoteReasoner/strategy", "zoom")  # a hand-edited value falls back to the default
    assert rs.PluginSettings.load().strategy == "tiles"


def test_estimate_shows_the_model_calls_before_the_run(dock, raster, clean_settings):
    _small_tiles(clean_settings)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    _choose(dock, "tiles")
    assert dock.question.update_estimate() == "25 model calls"
    assert dock.question.strategy_choice.estimate_label.text() == "25 model calls"
    _choose(dock, "overview")
    assert dock.question.strategy_choice.estimate_label.text() == "1 model call"
    _choose(dock, "refine")
    assert dock.question.strategy_choice.estimate_label.text() == "1 model call + 1 per find (Thorough: 25)"
    _choose(dock, "descent")  # the 400 px sample seen at 3.6x, then 1.8x, then native: up to 2 views per find
    assert dock.question.strategy_choice.estimate_label.text() == "1 model call + up to 2 per find (Thorough: 25)"
    # a drawn rectangle of 20 m x 10 m = 200 x 100 px: 2 x 1 tiles of 112 px with 28 px overlap... 3 x 1
    dock.question.extent.set_drawn_extent(QgsRectangle(XMIN, YMAX - 10.0, XMIN + 20.0, YMAX), raster.crs())
    _choose(dock, "tiles")
    assert dock.question.strategy_choice.estimate_label.text() == "3 model calls"
    # with the default 896 px tiles the whole sample fits one view: every strategy is one call
    clean_settings.tile_size, clean_settings.overlap, clean_settings.max_pixels = 896, 112, 896 * 896
    clean_settings.save()
    dock.question.extent.set_source("layer")
    for strategy in ("tiles", "overview", "refine", "descent"):
        _choose(dock, strategy)
        assert dock.question.strategy_choice.estimate_label.text() == "1 model call", strategy


def test_focused_run_replaces_the_candidate_and_shows_the_answer(qtbot, dock, raster, clean_settings, tmp_path):
    # overview (112 px view of 400 px): one candidate at [10,10,20,20] -> raster px (35.7, 35.7, 71.4, 71.4);
    # its refine window is the 112 px window at (0, 0), where the model answers [20,20,50,50] at native 0.1 m
    answers = ["<think>one bright roof</think><answer>[[10,10,20,20]]</answer>", "<answer>[[20,20,50,50]]</answer>"]
    _small_tiles(clean_settings)
    clean_settings.backend, clean_settings.replay = "replay", str(write_replay(tmp_path / "a.jsonl", answers, (112, 112)))
    clean_settings.coordinates = "model-input"
    clean_settings.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    _choose(dock, "refine")
    results = []
    task = dock.start_run("the bright roof")
    assert task is not None, dock.last_message
    task.resultEvent.connect(results.append)
    progress = []
    task.progressEvent.connect(lambda ev: progress.append(dock.status.progress.format()))
    with qtbot.waitSignal(dock.runCompleted, timeout=90_000) as blocker:
        pass
    summary = blocker.args[0]
    assert (summary["status"], summary["strategy"], summary["tiles_total"]) == ("finished", "refine", 2)
    assert any(p.startswith("overview · ") and p.endswith("view 1 of 1") for p in progress), progress
    assert any(p.startswith("zooming in · ") and "view 2 of 2" in p for p in progress), progress
    boxes = dock.run_layers.layers["boxes"]
    feats = list(boxes.getFeatures())
    assert len(feats) == 1 and feats[0]["stage"] == "refine" and feats[0]["gsd"] == pytest.approx(0.1)
    bb = feats[0].geometry().boundingBox()
    assert tuple(round(v, 2) for v in (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum())) == \
        (round(XMIN + 2.0, 2), round(YMAX - 5.0, 2), round(XMIN + 5.0, 2), round(YMAX - 2.0, 2))
    assert dock.status.tally_label.text() == "1 target · 9.0 m² covered (box areas) · the largest 9.0 m²"
    assert "one bright roof" in dock.reasoning_text.toPlainText()


def test_processing_strategy_parameter(rr_provider, clean_settings, sample_tif, tmp_path):
    reg, prov = QgsApplication.processingRegistry(), rr_provider
    QgsSettings().setValue("RemoteReasoner/strategy", "overview")
    prov.refreshAlgorithms()
    alg = reg.algorithmById("remotereasoner:reason")
    param = alg.parameterDefinition("STRATEGY")
    assert [o.split(" —")[0] for o in param.options()] == ["Quick", "Focused", "Thorough", "Deep"]
    assert param.defaultValue() == 0  # the setting: overview = Quick
    options, _crs = alg.create().build_options({"INPUT": str(sample_tif), "QUERY": "roofs", "GRANULARITY": [0],
                                                "STRATEGY": 1}, QgsProcessingContext(), str(tmp_path / "r.gpkg"),
                                               rs.PluginSettings.load())
    assert options.strategy == "refine"
