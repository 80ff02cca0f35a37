"""bridge/run_session.RunController, the one run life: a request built from the settings and the dock's choices
(refused with the fix before anything is written), a real replay run on OSBS_029 blocking (Processing's way) and
as a QgsTask (the dock's and the history's way), and the dock, Processing and the history panel all going
through it."""

from __future__ import annotations

import os
import re

import pytest
from qgis.core import QgsProcessingFeedback, QgsVectorLayer

from conftest import write_replay
from rr_support import SAMPLE, px_to_map
from test_dock import TWO_TREES, _replay_settings, run_dock
from test_processing import provider  # noqa: F401 - the Processing provider fixture

from remotereasoner_qgis.bridge.events import SUCCESS
from remotereasoner_qgis.bridge.run_session import RunController, RunRefused

TREE_PX = [(10, 20, 110, 120), (200, 200, 300, 280)]  # TWO_TREES's boxes on the 400 x 400 image


def whole(_layer):
    return None, ""


def boxes_of(gpkg: str) -> list[float]:
    """xmin, ymin, xmax, ymax of each box of the run's GeoPackage, in target order, one flat list."""
    layer = QgsVectorLayer(f"{gpkg}|layername=boxes", "boxes", "ogr")
    assert layer.isValid(), gpkg
    feats = sorted(layer.getFeatures(), key=lambda f: f["target_id"])
    boxes = [f.geometry().boundingBox() for f in feats]
    return [v for b in boxes for v in (b.xMinimum(), b.yMinimum(), b.xMaximum(), b.yMaximum())]


def expected_boxes() -> list[float]:
    out = []
    for c0, r0, c1, r1 in TREE_PX:
        (x0, y1), (x1, y0) = px_to_map(c0, r0), px_to_map(c1, r1)
        out += [x0, y0, x1, y1]
    return out


def test_a_request_from_settings_and_choices(raster, clean_settings, tmp_path, tiny_models):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]), tile_size=448, overlap=56,
                     sam=str(tiny_models["sam"]))
    runs = RunController()
    rect = raster.extent()
    rect.setXMaximum(rect.xMinimum() + 20.0)
    request = runs.new_request(raster, "  the tree crowns ", "locate", ("boxes", "contours"),
                               lambda _l: (rect, ""))
    assert os.path.dirname(request.out) == str(tmp_path / "out") and not os.path.exists(request.out)
    assert re.fullmatch(r"\d{8}-\d{6}_the-tree-crowns\.gpkg", os.path.basename(request.out))
    assert (request.title, request.granularity, request.mode, request.temporary) == (
        "the tree crowns", ("boxes", "contours"), "locate", False)
    o = request.options
    assert (o["raster"], o["query"], o["out"], o["backend"], o["tile_size"]) == (
        raster.source(), "the tree crowns", request.out, "replay", 448)
    assert (list(o["granularity"]), o["sam"]) == (["boxes", "contours"], str(tiny_models["sam"]))
    assert o["extent"] == pytest.approx([rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()])
    assert runs.readiness_state.ready

    describe = runs.new_request(raster, "", "describe", ("boxes",), whole)
    assert describe.title == "Describe" and describe.options["mode"] == "describe" and describe.options.get("extent") is None


@pytest.mark.parametrize("question, layer, granularity, extent_of, message", [
    ("", "raster", ("boxes",), whole, "Type a question first"),
    ("trees", None, ("boxes",), whole, "Choose a raster layer"),
    ("trees", "raster", (), whole, "Tick at least one of Boxes, Masks, Contours"),
    ("trees", "raster", ("boxes",), lambda _l: (None, "The extent does not overlap the raster OSBS_029."),
     "The extent does not overlap the raster OSBS_029."),
])
def test_a_request_is_refused_with_the_fix(raster, clean_settings, tmp_path, question, layer, granularity,
                                           extent_of, message):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    with pytest.raises(RunRefused) as refused:
        RunController().new_request(raster if layer else None, question, "locate", granularity, extent_of)
    assert message in str(refused.value) and not refused.value.settings
    assert not os.path.exists(tmp_path / "out") or os.listdir(tmp_path / "out") == []


def test_masks_without_sam_are_refused_as_a_settings_fix(raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]), sam="")
    with pytest.raises(RunRefused) as refused:
        RunController().new_request(raster, "trees", "locate", ("boxes", "masks"), whole)
    assert refused.value.settings and "SAM" in str(refused.value)


def test_blocking_run_follows_every_event(raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    runs = RunController()
    request = runs.new_request(raster, "the two tree crowns", "locate", ("boxes",), whole)
    seen: dict[str, list] = {"progress": [], "result": [], "reasoning": []}
    handlers = {name: seen[name].append for name in seen}
    outcome = runs.run_blocking(request, clean_settings.engine_python, handlers, lambda: False)
    assert outcome.failure is None
    s = outcome.summary
    assert (s["status"], s["out"], s["counts"]["boxes"]) == ("finished", request.out, 2)
    assert runs.end.level == SUCCESS and "2" in runs.end.text
    assert sum(len(ev["features"]["boxes"]) for ev in seen["result"]) == 2
    assert seen["progress"] and "Two crowns stand out" in seen["reasoning"][0]["text"]
    assert boxes_of(request.out) == pytest.approx(expected_boxes(), abs=1e-6)
    assert not runs.running()


def test_task_run_emits_the_end(qtbot, raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    runs = RunController()
    request = runs.new_request(raster, "the two tree crowns", "locate", ("boxes",), whole)
    results = []
    runs.result.connect(results.append)
    with qtbot.waitSignal(runs.finished, timeout=90_000) as blocker:
        assert runs.start(request) is not None and runs.running()
        assert runs.start(request) is None  # one run at a time
    summary = blocker.args[0]
    assert (summary["status"], summary["out"], summary["counts"]["boxes"]) == ("finished", request.out, 2)
    assert runs.end.level == SUCCESS and not runs.running() and runs.request is request
    assert len(results) == 1 and boxes_of(request.out) == pytest.approx(expected_boxes(), abs=1e-6)


@pytest.fixture
def spied(monkeypatch):
    """Every RunController.start / run_blocking call, as (how, request), passed through to the real method."""
    calls = []
    start, blocking = RunController.start, RunController.run_blocking

    def spy_start(self, request, *a, **kw):
        calls.append(("task", request))
        return start(self, request, *a, **kw)

    def spy_blocking(self, request, *a, **kw):
        calls.append(("blocking", request))
        return blocking(self, request, *a, **kw)

    monkeypatch.setattr(RunController, "start", spy_start)
    monkeypatch.setattr(RunController, "run_blocking", spy_blocking)
    return calls


def test_dock_and_history_go_through_the_controller(qtbot, dock, raster, clean_settings, tmp_path, spied):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "the two tree crowns")
    assert [(how, r.out, r.title) for how, r in spied] == [("task", summary["out"], "the two tree crowns")]
    assert dock.runs.end.level == SUCCESS and dock.status.status_label.text() == dock.runs.end.text

    panel = dock.analyst.history
    panel.refresh()
    with qtbot.waitSignal(panel.runDone, timeout=90_000) as blocker:
        assert panel.rerun(0) is not None
    redo, layers = blocker.args
    assert [how for how, _r in spied] == ["task", "task"]
    request = spied[1][1]
    assert request.out == redo["out"] != summary["out"] and request.options["replay"] == summary["out"]
    assert panel.runs.end.level == SUCCESS and panel.status_label.text() == panel.runs.end.text
    assert layers.layers["boxes"].featureCount() == 2


def test_processing_goes_through_the_controller(provider, clean_settings, tmp_path, spied):  # noqa: F811
    import processing

    replay = write_replay(tmp_path / "a.jsonl", [TWO_TREES])
    res = processing.run("remotereasoner:reason", {
        "INPUT": str(SAMPLE), "QUERY": "the two tree crowns", "GRANULARITY": [0], "BACKEND": 1,
        "REPLAY": str(replay), "DEVICE": "cpu", "OUTPUT_BOXES": str(tmp_path / "boxes.gpkg")},
        feedback=QgsProcessingFeedback())
    assert [(how, r.out, r.granularity) for how, r in spied] == [("blocking", res["RESULT_GPKG"], ("boxes",))]
    assert boxes_of(res["RESULT_GPKG"]) == pytest.approx(expected_boxes(), abs=1e-6)
