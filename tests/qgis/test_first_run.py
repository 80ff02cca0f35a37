"""`make run`'s start-up (bridge/first_run.start, what scripts/run_qgis.sh calls) on a fresh profile: pressing
*Reason on extent* on the sample gives its 61 recorded crowns as boxes, masks and contours, labelled recorded,
the masks drawn by the shipped tiny trained SAM (the SAM scripts/run_qgis.sh passes)."""

from __future__ import annotations

import pytest
from qgis.core import QgsProject, QgsSettings

import remotereasoner_qgis as rr
from inference_core.contract.paths import TINY_SAM, TINY_SAM_DESCRIPTION
from remotereasoner_qgis.bridge import first_run
from remotereasoner_qgis.bridge.readiness import check_readiness
from remotereasoner_qgis.settings import PluginSettings

XMIN, YMAX = 404211.9, 3285142.9  # OSBS_029's upper-left corner, 0.1 m pixels, EPSG:32617
LABEL = "recorded answers (human labels), not a live model"


@pytest.fixture
def fresh_profile(tmp_path):
    """No RemoteReasoner settings at all (a profile `make deploy` just made), but the output folder."""
    s = QgsSettings()
    s.remove("RemoteReasoner")
    s.setValue("RemoteReasoner/output_dir", str(tmp_path / "out"))
    yield s
    s.remove("RemoteReasoner")


@pytest.fixture
def plugin(qgis_iface, monkeypatch):
    import qgis.utils

    qgis_iface.mainWindow().show()
    p = rr.classFactory(qgis_iface)
    p.initGui()
    monkeypatch.setattr(qgis.utils, "iface", qgis_iface)
    monkeypatch.setitem(qgis.utils.plugins, "remotereasoner_qgis", p)
    yield p
    p.unload()


def test_first_run_settings_only_where_unset(fresh_profile, engine_py, tiny_models):
    done = first_run.apply_settings(engine_py, str(tiny_models["sam"]))
    assert done.demo and set(done.written) == {"engine_python", "backend", "replay", "sam"}
    cfg = PluginSettings.load()
    assert (cfg.backend, cfg.sam, cfg.engine_python) == ("replay", str(tiny_models["sam"]), engine_py)
    assert cfg.replay.endswith("resources/sample/OSBS_029.answers.jsonl")
    # a second start, and a user's own choice, are never overwritten
    fresh_profile.setValue("RemoteReasoner/engine_python", "/opt/my/python")
    fresh_profile.setValue("RemoteReasoner/backend", "transformers")
    fresh_profile.setValue("RemoteReasoner/model", "/models/RemoteReasoner")
    assert first_run.apply_settings(engine_py, "/elsewhere/sam.pth").written == ()
    cfg = PluginSettings.load()
    assert (cfg.backend, cfg.model, cfg.engine_python, cfg.sam) == (
        "transformers", "/models/RemoteReasoner", "/opt/my/python", str(tiny_models["sam"]))


def test_user_who_chose_a_server_keeps_it(fresh_profile, engine_py, tiny_models):
    fresh_profile.setValue("RemoteReasoner/server_url", "http://gpu:8000/v1")
    assert first_run.apply_settings(engine_py, str(tiny_models["sam"])).written == ("engine_python",)
    assert PluginSettings.load().backend == "transformers"


def test_make_run_start_then_reason_on_extent_gives_the_crowns(qtbot, qgis_new_project, fresh_profile, plugin,
                                                                 engine_py):
    started = first_run.start(engine_python=engine_py, sam=str(TINY_SAM), profile="test")
    assert started.demo
    dock = plugin.dock
    assert dock is not None and dock.isVisible()
    layer = dock.question.layer_combo.currentLayer()
    assert layer is not None and layer.name() == "OSBS_029"
    assert dock.question.granularity() == ("boxes", "masks", "contours")
    assert dock.question.question_edit.toPlainText() == "every tree crown"
    # the dock says what it is and what a real model needs, and offers the Models tab
    state = check_readiness(PluginSettings.load(), dock.question.granularity())
    assert state.ready and state.action == "models"
    line = dock.readiness_label.text()
    assert dock.readiness_label.isVisibleTo(dock) and LABEL in line and "for OSBS_029.tif, whole layer, whatever the question" in line
    assert line.startswith("Demo: " + LABEL)
    assert "RemoteReasoner-7B (16.6 GB) or a server" in line
    assert "Masks: tiny SAM trained on synthetic shapes (not Segment Anything weights)." in line
    assert dock.settings_button.text() == "Get a real model (Models tab)…" and dock.settings_button.isVisibleTo(dock)
    assert dock.run_button.isEnabled()

    ended = []
    dock.runCompleted.connect(lambda summary: ended.append(summary))
    dock.runErrored.connect(lambda code, message: ended.append({"status": "failed", "message": message}))
    dock.run_button.click()
    qtbot.waitUntil(lambda: bool(ended), timeout=300_000)  # a cold engine start on a loaded 2-core VM
    summary = ended[0]
    assert summary["status"] == "finished", summary
    # the tiny trained SAM leaves one crown's mask empty (tests/engine/test_demo.py measures its masks)
    assert summary["status"] == "finished" and summary["counts"] == {"boxes": 61, "masks": 61, "contours": 61}
    assert any(LABEL in w for w in summary["warnings"])
    layers = dock.run_layers.layers
    assert {k: v.featureCount() for k, v in layers.items()} == {"boxes": 61, "masks": 61, "contours": 61}
    boxes = layers["boxes"]
    assert boxes.crs().authid() == "EPSG:32617"
    first = next(f for f in boxes.getFeatures() if f["target_id"] == 0)
    bb = first.geometry().boundingBox()  # the first human crown: pixels [203, 67, 227, 90]
    assert (round(bb.xMinimum(), 2), round(bb.yMinimum(), 2), round(bb.xMaximum(), 2), round(bb.yMaximum(), 2)) == (
        round(XMIN + 20.3, 2), round(YMAX - 9.0, 2), round(XMIN + 22.7, 2), round(YMAX - 6.7, 2))
    assert first["model"] == "replay: " + LABEL
    masks = list(layers["masks"].getFeatures())
    assert all(f.geometry().area() > 0 for f in masks)
    assert all(f["sam_model"].startswith(TINY_SAM_DESCRIPTION) for f in masks)  # named for what it is
    assert dock.status.progress.format() == "Done" and dock.status.status_label.text() == "Found 61 boxes, 61 masks, 61 contours."
    assert LABEL in dock.readiness_label.text()  # still said after the run
    assert QgsProject.instance().layerTreeRoot().findGroup("every tree crown") is not None


def test_recorded_answers_on_another_view_fail_with_the_fix(qtbot, qgis_new_project, fresh_profile, plugin,
                                                             engine_py):
    from qgis.core import QgsRectangle

    first_run.start(engine_python=engine_py, sam=str(TINY_SAM), profile="test")
    dock = plugin.dock
    dock.question.extent.set_source("drawn")
    dock.question.extent.set_drawn_extent(QgsRectangle(XMIN, YMAX - 20, XMIN + 20, YMAX), dock.question.layer_combo.currentLayer().crs())
    with qtbot.waitSignal(dock.runErrored, timeout=300_000) as blocker:
        dock.run_button.click()
    code, message = blocker.args
    assert code == "input" and "recorded for one view only (OSBS_029.tif, whole layer)" in message
    assert dock.status.status_label.text().startswith("Failed: ")


def test_settings_dialog_shows_the_replay_and_ends_it(fresh_profile, engine_py, tiny_models):
    from remotereasoner_qgis.ui.settings_dialog import SettingsDialog

    first_run.apply_settings(engine_py, str(tiny_models["sam"]))
    dlg = SettingsDialog()
    assert dlg.replay_radio.isVisibleTo(dlg) and dlg.replay_radio.isChecked()
    assert not dlg.model_edit.isEnabled() and not dlg.server_url_edit.isEnabled()
    assert dlg.values().backend == "replay"  # OK without a change keeps the demo
    dlg.local_radio.setChecked(True)
    assert dlg.model_edit.isEnabled() and dlg.values().backend == "transformers"
    dlg.server_radio.setChecked(True)
    assert dlg.server_url_edit.isEnabled() and dlg.values().backend == "openai"
    # a profile that never replayed does not offer it
    fresh_profile.setValue("RemoteReasoner/backend", "transformers")
    assert not SettingsDialog().replay_radio.isVisibleTo(dlg)


def test_demo_line_names_the_tiny_sam_it_uses(tiny_models):
    """The shipped trained SAM and the random test fixture are told apart by their dimensions files."""
    from remotereasoner_qgis.bridge.readiness import recorded_notice
    from inference_core.contract.paths import SAMPLE_ANSWERS

    def line(sam, granularity=("boxes", "masks")):
        return recorded_notice(PluginSettings(backend="replay", replay=str(SAMPLE_ANSWERS), sam=sam), granularity)

    trained, random = "Masks: tiny SAM trained on synthetic shapes (not Segment Anything weights).", \
        "Masks: tiny test SAM (random weights)."
    assert trained in line(str(TINY_SAM)) and random not in line(str(TINY_SAM))
    assert random in line(str(tiny_models["sam"])) and trained not in line(str(tiny_models["sam"]))
    assert "Masks:" not in line(str(TINY_SAM), ("boxes",))
