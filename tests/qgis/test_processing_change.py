"""`remotereasoner:change` ("Locate changes") on real QGIS Processing with the real engine worker: two dates of
OSBS_029 with recorded answers (a crown kept, one gone, one new), the three change layers in the sinks, styled."""

from __future__ import annotations

import shutil

from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

from rr_support import SAMPLE, px_to_map, write_replay
from test_processing import BOXES_PX, provider, rr_settings  # noqa: F401 - fixtures

NEW_PX = [40, 250, 90, 300]


def test_locate_changes_writes_the_three_layers(provider, rr_settings, tmp_path):  # noqa: F811
    second = tmp_path / "OSBS_029_later.tif"
    shutil.copy(SAMPLE, second)  # the same ground, flown again
    first_answers = write_replay(tmp_path / "first.jsonl", BOXES_PX)
    second_answers = write_replay(tmp_path / "second.jsonl", BOXES_PX[:2] + [NEW_PX])
    alg = QgsApplication.processingRegistry().createAlgorithmById("remotereasoner:change")
    assert alg is not None and alg.displayName() == "Locate changes"
    names = {p.name() for p in alg.parameterDefinitions()}
    assert {"INPUT", "COMPARE", "QUERY", "TOLERANCE", "MIN_IOU", "STRATEGY", "GRANULARITY"} <= names
    assert not names & {"PER_TILE", "OUTPUT_ANSWERS", "OUTPUT_BOXES"}
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    context.setProject(QgsProject.instance())
    res, ok = alg.run({"INPUT": str(SAMPLE), "COMPARE": str(second), "QUERY": "tree crowns", "GRANULARITY": [0],
                       "BACKEND": 1, "REPLAY": str(first_answers), "REPLAY_AFTER": str(second_answers),
                       "OUTPUT_APPEARED": "TEMPORARY_OUTPUT", "OUTPUT_DISAPPEARED": "TEMPORARY_OUTPUT",
                       "OUTPUT_PERSISTED": "TEMPORARY_OUTPUT"}, context, feedback)
    assert ok, feedback.textLog()
    assert (res["APPEARED"], res["DISAPPEARED"], res["PERSISTED"]) == (1, 1, 2)
    assert res["SUMMARY"].startswith("1 appeared (") and res["SUMMARY"].endswith(", 2 persisted")
    layers = {n: context.getMapLayer(res[f"OUTPUT_{n.upper()}"]) for n in ("appeared", "disappeared", "persisted")}
    assert {n: l.featureCount() for n, l in layers.items()} == {"appeared": 1, "disappeared": 1, "persisted": 2}
    assert layers["appeared"].crs().authid() == "EPSG:32617"
    box = next(layers["appeared"].getFeatures()).geometry().boundingBox()
    x1, y1 = px_to_map(NEW_PX[0], NEW_PX[1])
    assert abs(box.xMinimum() - x1) < 0.01 and abs(box.yMaximum() - y1) < 0.01
    gone = next(layers["disappeared"].getFeatures())
    assert gone["before_target_id"] == 2 and gone["area_before"] > 0
    assert "shift measured" in feedback.textLog()
    # loaded into the project, each output gets the dock's style (green / red / grey)
    from remotereasoner_qgis.processing.reason_algorithm import StyleOutput

    for name, rgb in (("appeared", (44, 160, 44)), ("disappeared", (214, 39, 40)), ("persisted", (140, 140, 140))):
        StyleOutput(name).postProcessLayer(layers[name], context, feedback)
        color = layers[name].renderer().symbol().color()
        assert (color.red(), color.green(), color.blue()) == rgb, name
