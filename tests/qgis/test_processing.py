"""`remotereasoner:reason` on real QGIS 3.22 Processing, with the real engine worker (replay + tiny SAM)."""

from __future__ import annotations

import json

import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
    QgsSettings,
    QgsVectorLayer,
    QgsWkbTypes,
)

from rr_support import ORIGIN_X, ORIGIN_Y, SAMPLE, engine_python, px_to_map, tiny_models, write_replay

# three tree crowns of OSBS_029.csv (pixels of the 400 x 400 image)
BOXES_PX = [[19, 39, 66, 87], [160, 150, 215, 205], [300, 310, 372, 380]]
SETTINGS_KEYS = ("engine_python", "backend", "sam", "tile_size", "replay", "model")


@pytest.fixture(scope="module")
def provider(rr_provider):
    yield rr_provider
    from remotereasoner_qgis.bridge import worker_pool

    worker_pool.close_all()


@pytest.fixture
def rr_settings(provider):
    """Point the plugin settings at the engine venv; restore whatever was there after the test."""
    s = QgsSettings()
    saved = {k: s.value("RemoteReasoner/" + k) for k in SETTINGS_KEYS}
    s.setValue("RemoteReasoner/engine_python", engine_python())
    s.remove("RemoteReasoner/sam")
    yield s
    for k, v in saved.items():
        if v is None:
            s.remove("RemoteReasoner/" + k)
        else:
            s.setValue("RemoteReasoner/" + k, v)
    provider.refreshAlgorithms()


def _run(params: dict, feedback: QgsProcessingFeedback | None = None) -> dict:
    import processing

    return processing.run("remotereasoner:reason", params, feedback=feedback or QgsProcessingFeedback())


def _features(path: str) -> tuple:
    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid(), path
    return layer, sorted(layer.getFeatures(), key=lambda f: f["target_id"])


def test_algorithm_parameters_and_settings_defaults(provider, rr_settings):
    rr_settings.setValue("RemoteReasoner/tile_size", 640)
    rr_settings.setValue("RemoteReasoner/sam", "/models/sam_vit_b_01ec64.pth")
    provider.refreshAlgorithms()
    alg = QgsApplication.processingRegistry().algorithmById("remotereasoner:reason")
    assert alg.displayName() == "Reason over raster"
    assert alg.provider().id() == "remotereasoner"
    names = [p.name() for p in alg.parameterDefinitions()]
    assert names[:7] == ["INPUT", "QUERY", "EXTENT", "GRANULARITY", "OUTPUT_BOXES", "OUTPUT_MASKS", "OUTPUT_CONTOURS"]
    advanced = {p.name() for p in alg.parameterDefinitions()
                if p.flags() & QgsProcessingParameterDefinition.Flag.FlagAdvanced}
    assert advanced == {"TILE_SIZE", "OVERLAP", "MAX_PIXELS", "BACKEND", "MODEL", "SAM", "DEVICE", "SIMPLIFY",
                        "MIN_AREA", "REPLAY", "SERVER_URL", "SAM3", "SCORE_THRESHOLD"}
    # defaults follow the plugin settings: tile size, SAM, and all three results once SAM is set
    assert alg.parameterDefinition("TILE_SIZE").defaultValue() == 640
    assert alg.parameterDefinition("SAM").defaultValue() == "/models/sam_vit_b_01ec64.pth"
    assert alg.parameterDefinition("GRANULARITY").defaultValue() == [0, 1, 2]
    assert alg.parameterDefinition("OUTPUT_MASKS").type() == "sink"
    assert {o.name() for o in alg.outputDefinitions()} >= {"OUTPUT_BOXES", "RESULT_GPKG", "RUN_ID"}


def test_extent_is_reprojected_into_the_raster_crs(provider, rr_settings, tmp_path):
    from remotereasoner_qgis.settings import PluginSettings

    alg = QgsApplication.processingRegistry().algorithmById("remotereasoner:reason").create()
    # the raster's UTM extent 404211.9..404251.9 / 3285102.9..3285142.9, given in WGS 84
    params = {"INPUT": str(SAMPLE), "QUERY": "  tree crowns ", "GRANULARITY": [0],
              "EXTENT": "-82.0000,-81.9000,29.6000,29.7000 [EPSG:4326]", "TILE_SIZE": 512, "OVERLAP": 64}
    ctx = QgsProcessingContext()
    options, crs = alg.build_options(params, ctx, str(tmp_path / "r.gpkg"), PluginSettings(model="m"))
    assert crs.authid() == "EPSG:32617"
    assert options.query == "tree crowns" and options.granularity == ("boxes",)
    assert options.raster == str(SAMPLE) and options.tile_size == 512 and options.overlap == 64
    xmin, ymin, xmax, ymax = options.extent
    # 82°W..81.9°W at 29.6..29.7°N in UTM 17N: pyproj's transform_bounds (densified edges) gives
    # 403165.338, 3274801.567, 412935.352, 3285961.975
    assert xmin == pytest.approx(403165.338, abs=0.5) and xmax == pytest.approx(412935.352, abs=0.5)
    assert ymin == pytest.approx(3274801.567, abs=0.5) and ymax == pytest.approx(3285961.975, abs=0.5)
    assert options.extent_crs is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"QUERY": "   "}, "The question is empty"),
        ({"GRANULARITY": [0, 1]}, "need a SAM checkpoint"),
        ({"BACKEND": 1, "REPLAY": None}, "needs a file of recorded answers"),
        ({"BACKEND": 2, "SERVER_URL": ""}, "needs the model server URL"),
    ],
)
def test_bad_parameters_raise_actionable_errors(provider, rr_settings, tmp_path, change, message):
    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    params = {"INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
              "OUTPUT_BOXES": str(tmp_path / "b.gpkg")}
    params.update(change)
    with pytest.raises(QgsProcessingException, match=message):
        _run(params)


def test_missing_engine_is_reported(provider, rr_settings, tmp_path):
    rr_settings.setValue("RemoteReasoner/engine_python", str(tmp_path / "no-venv" / "bin" / "python"))
    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    with pytest.raises(QgsProcessingException, match="engine is not set up"):
        _run({"INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
              "OUTPUT_BOXES": str(tmp_path / "b.gpkg")})


def test_replay_boxes_masks_contours(provider, rr_settings, tmp_path):
    sam = tiny_models() / "sam.pth"
    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    progress: list[float] = []
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(progress.append)
    out = {k: str(tmp_path / f"{k}.gpkg") for k in ("boxes", "masks", "contours")}
    res = _run({
        "INPUT": str(SAMPLE), "QUERY": "the tree crowns", "GRANULARITY": [0, 1, 2],
        "BACKEND": 1, "REPLAY": str(replay), "SAM": str(sam), "DEVICE": "cpu",
        "OUTPUT_BOXES": out["boxes"], "OUTPUT_MASKS": out["masks"], "OUTPUT_CONTOURS": out["contours"],
    }, feedback)

    assert res["OUTPUT_BOXES"] == out["boxes"] and res["RUN_ID"]
    boxes_layer, boxes = _features(out["boxes"])
    assert boxes_layer.crs().authid() == "EPSG:32617"
    assert boxes_layer.wkbType() == QgsWkbTypes.Type.Polygon
    assert len(boxes) == 3
    for feat, (c0, r0, c1, r1) in zip(boxes, BOXES_PX):
        bb = feat.geometry().boundingBox()
        (x0, y1), (x1, y0) = px_to_map(c0, r0), px_to_map(c1, r1)
        assert (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum()) == pytest.approx((x0, y0, x1, y1), abs=1e-6)
        assert feat["query"] == "the tree crowns" and feat["run_id"] == res["RUN_ID"]
        assert "round dark-green" in feat["reasoning"]
    fields = set(boxes_layer.fields().names())
    assert {"run_id", "target_id", "query", "label", "score", "tile_id", "reasoning", "model"} <= fields

    masks_layer, masks = _features(out["masks"])
    contours_layer, contours = _features(out["contours"])
    assert masks_layer.crs().authid() == contours_layer.crs().authid() == "EPSG:32617"
    assert masks_layer.wkbType() == QgsWkbTypes.Type.MultiPolygon
    assert contours_layer.wkbType() == QgsWkbTypes.Type.MultiLineString
    # the engine's own GeoPackage is the reference for what tiny SAM produced
    for name, feats in (("masks", masks), ("contours", contours)):
        ref = QgsVectorLayer(f"{res['RESULT_GPKG']}|layername={name}", name, "ogr")
        assert ref.featureCount() == len(feats)
    # one mask per box with the seeded tiny SAM (it keeps every non-empty mask), one outline per mask
    assert len(masks) == 3 and len(contours) == 3
    box_ids = {f["target_id"] for f in boxes}
    for m in masks:
        assert m["target_id"] in box_ids
        assert m["area_m2"] == pytest.approx(m.geometry().area(), rel=1e-3)
        # a mask lies inside the raster
        bb = m.geometry().boundingBox()
        assert ORIGIN_X - 1e-6 <= bb.xMinimum() and bb.xMaximum() <= ORIGIN_X + 40 + 1e-6
        assert ORIGIN_Y - 40 - 1e-6 <= bb.yMinimum() and bb.yMaximum() <= ORIGIN_Y + 1e-6
    for c in contours:
        assert c["length_m"] == pytest.approx(c.geometry().length(), rel=1e-3)
    assert progress and max(progress) == pytest.approx(100.0)


def test_boxes_only_in_batch_style_temporary_outputs(provider, rr_settings, tmp_path):
    """What the batch dialog and the model builder pass: TEMPORARY_OUTPUT sinks, indices as strings."""
    import processing

    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX[:2])
    ctx = QgsProcessingContext()
    res = processing.run("remotereasoner:reason", {
        "INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": "0", "BACKEND": "1", "REPLAY": str(replay),
        "OUTPUT_BOXES": "TEMPORARY_OUTPUT", "OUTPUT_MASKS": "TEMPORARY_OUTPUT",
    }, context=ctx, feedback=QgsProcessingFeedback(), is_child_algorithm=True)
    layer = ctx.getMapLayer(res["OUTPUT_BOXES"])
    assert layer.featureCount() == 2
    assert layer.crs() == QgsCoordinateReferenceSystem("EPSG:32617")
    assert "OUTPUT_MASKS" not in res  # not asked for: no empty layer is made


def test_cancel_stops_between_tiles(provider, rr_settings, tmp_path):
    # 200 px tiles without overlap: 4 tiles; one answer per tile; cancel on the first progress event
    lines = [
        {"tile_id": t, "raw_text": "<answer>[[20,20,60,60]]</answer>", "input_size": [200, 200]} for t in range(4)
    ]
    import json

    replay = tmp_path / "tiles.jsonl"
    replay.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda _p: feedback.cancel())
    res = _run({
        "INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
        "TILE_SIZE": 200, "OVERLAP": 0, "OUTPUT_BOXES": str(tmp_path / "b.gpkg"),
    }, feedback)
    n = QgsVectorLayer(res["OUTPUT_BOXES"], "b", "ogr").featureCount()
    assert 1 <= n < 4  # the tile in flight finished; the others never ran


def test_runs_inside_a_graphical_model(provider, rr_settings, tmp_path):
    """The model builder runs the algorithm as a child (no GUI inside processAlgorithm)."""
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
    )

    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    model = QgsProcessingModelAlgorithm("trees", "tests")
    child = QgsProcessingModelChildAlgorithm("remotereasoner:reason")
    child.setChildId("reason")
    for name, value in {"INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1,
                        "REPLAY": str(replay)}.items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    output = QgsProcessingModelOutput("boxes", "Boxes")
    output.setChildId("reason")
    output.setChildOutputName("OUTPUT_BOXES")
    child.setModelOutputs({"boxes": output})
    model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    # the model's own parameter for that output: "reason:boxes" (child id: output) in QGIS 3.22,
    # "boxes" (the output's name) in 3.40 and later
    (param,) = [p.name() for p in model.destinationParameterDefinitions()]
    assert param in ("reason:boxes", "boxes")
    dest = str(tmp_path / "model_boxes.gpkg")
    res = processing.run(model, {param: dest}, feedback=QgsProcessingFeedback())
    assert res[param] == dest
    layer = QgsVectorLayer(res[param], "b", "ogr")
    assert layer.featureCount() == 3 and layer.crs().authid() == "EPSG:32617"


def test_engine_errors_become_processing_exceptions(provider, rr_settings, tmp_path):
    """An error event from the worker (here: a corrupt answers file) reaches the user as one sentence."""
    bad = tmp_path / "broken.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match=r"broken\.jsonl line 1 is not JSON") as info:
        _run({"INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(bad),
              "OUTPUT_BOXES": str(tmp_path / "b.gpkg")})
    assert "Traceback" not in str(info.value)
    assert not (tmp_path / "b.gpkg").exists()


def test_processing_log_tells_the_same_as_the_dock(provider, rr_settings, tmp_path):
    """Processing's log: views from 1, each progress line once, and the dock's end sentence for answers
    that could not be read (never a plain "Done")."""
    import json

    unreadable = "<think>I see trees, but I will not say where.</think>I cannot give coordinates."
    replay = tmp_path / "answers.jsonl"
    replay.write_text("".join(json.dumps({"tile_id": t, "raw_text": unreadable, "input_size": [200, 200]}) + "\n"
                              for t in range(4)), encoding="utf-8")
    texts: list[str] = []

    class Feedback(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            texts.append(text)
            super().setProgressText(text)

    feedback = Feedback()
    _run({
        "INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
        "TILE_SIZE": 200, "OVERLAP": 0, "MAX_PIXELS": 200 * 200, "OUTPUT_BOXES": str(tmp_path / "b.gpkg"),
    }, feedback)
    log = feedback.textLog()
    assert "The model's answers could not be read on 4 of 4 views — see Reasoning; try another prompt." in log
    assert "Model reasoning (view 1)" in log and "(view 0)" not in log and "tile 0" not in log.lower()
    assert len(texts) == len(set(texts)), texts  # no line twice
    assert texts[0] == "reading the image · view 1 of 4" and texts[-1] == "writing results · view 4 of 4"
    assert "writing results · view 3 of 4" in texts


@pytest.mark.parametrize("round_", [1, 2])
def test_loaded_outputs_are_styled_and_named_apart_from_the_dock(provider, rr_settings, tmp_path, round_):
    """Outputs loaded into the project carry the dock's styles (resources/styles) and a name of their own; run
    twice, since the processing context deletes its post-processors with itself (the second run needs its own)."""
    from qgis.core import QgsProject

    from remotereasoner_qgis.ui.layers import open_run_layer

    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingOutputLayerDefinition, QgsProcessingUtils

    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    context.setProject(QgsProject.instance())
    alg = QgsApplication.processingRegistry().createAlgorithmById("remotereasoner:reason")
    res, ok = alg.run({
        "INPUT": str(SAMPLE), "QUERY": "the tree crowns", "GRANULARITY": [0], "BACKEND": 1, "REPLAY": str(replay),
        # what runAndLoadResults passes: a temporary output the project loads on completion
        "OUTPUT_BOXES": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", QgsProject.instance()),
    }, context, feedback)
    assert ok
    # What QGIS does for outputs to load (processing.gui.Postprocessing), done here because its GUI helper
    # needs a real iface from QGIS 3.40 on: name the layer from its details, add it, run the post-processor.
    layer_id = res["OUTPUT_BOXES"]
    assert context.willLoadLayerOnCompletion(layer_id)
    details = context.layerToLoadOnCompletionDetails(layer_id)
    loaded = QgsProcessingUtils.mapLayerFromString(layer_id, context)
    details.setOutputLayerName(loaded)
    QgsProject.instance().addMapLayer(context.temporaryLayerStore().takeMapLayer(loaded))
    details.postProcessor().postProcessLayer(loaded, context, feedback)
    layer = QgsProject.instance().mapLayer(layer_id)
    assert layer is not None and layer.featureCount() == 3
    assert layer.name() == "the tree crowns · Boxes (Processing)"
    reference = open_run_layer(res["RESULT_GPKG"], "boxes")  # what the dock shows, styled from boxes.qml
    symbol, expected = layer.renderer().symbol(), reference.renderer().symbol()
    assert symbol.symbolLayer(0).strokeColor() == expected.symbolLayer(0).strokeColor()
    assert symbol.symbolLayer(0).strokeWidth() == expected.symbolLayer(0).strokeWidth() == 0.9
    assert symbol.symbolLayerCount() == expected.symbolLayerCount()
    assert "reasoning" in layer.mapTipTemplate()


# ---------------------------------------------------------------------------------------------
# Modes Ask and Describe: the ANSWER string, the HTML report, the answers layer of view footprints
# ---------------------------------------------------------------------------------------------
ASK, DESCRIBE = 1, 2  # MODE choices


def _replay_answers(tmp_path, answers):
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps({"tile_id": i, "raw_text": a}) + "\n" for i, a in enumerate(answers)))
    return str(path)


def _answer_features(path):
    layer = QgsVectorLayer(path, "answers", "ogr")
    assert layer.isValid() and layer.crs().authid() == "EPSG:32617" and layer.wkbType() == QgsWkbTypes.Type.Polygon
    return sorted(layer.getFeatures(), key=lambda f: f["tile_id"])


def test_ask_gives_the_answer_a_report_and_its_footprint(provider, rr_settings, tmp_path):
    replay = _replay_answers(tmp_path, ["<think>Crowns <b>and</b> gaps.</think><answer>There are 3 trees & a track.</answer>"])
    res = _run({"INPUT": str(SAMPLE), "QUERY": "How many trees?", "MODE": ASK, "BACKEND": 1, "REPLAY": replay,
                "OUTPUT_ANSWERS": str(tmp_path / "answers.gpkg"), "OUTPUT_REPORT": str(tmp_path / "report.html")})
    assert res["ANSWER"] == "There are 3 trees & a track."
    [f] = _answer_features(res["OUTPUT_ANSWERS"])
    bb = f.geometry().boundingBox()
    assert (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum()) == pytest.approx(
        (ORIGIN_X, ORIGIN_Y - 40.0, ORIGIN_X + 40.0, ORIGIN_Y), abs=1e-6)
    assert (f["answer"], f["count"], f["reasoning"]) == ("There are 3 trees & a track.", 3, "Crowns <b>and</b> gaps.")
    html = open(res["OUTPUT_REPORT"], encoding="utf-8").read()
    assert "<h2>Ask: How many trees?</h2>" in html and "There are 3 trees &amp; a track." in html
    assert "Crowns &lt;b&gt;and&lt;/b&gt; gaps." in html  # model text is escaped, never HTML
    assert "OUTPUT_BOXES" not in res  # no boxes asked for


def test_describe_per_tile_without_a_question(provider, rr_settings, tmp_path):
    replay = _replay_answers(tmp_path, [f"<answer>caption {i}</answer>" for i in range(4)])
    feedback = QgsProcessingFeedback()
    res = _run({"INPUT": str(SAMPLE), "MODE": DESCRIBE, "PER_TILE": True, "BACKEND": 1, "REPLAY": replay,
                "TILE_SIZE": 200, "OVERLAP": 0, "MAX_PIXELS": 200 * 200,
                "OUTPUT_ANSWERS": str(tmp_path / "a.gpkg"), "OUTPUT_REPORT": str(tmp_path / "r.html")}, feedback)
    assert res["ANSWER"] == "4 answer(s), one per tile, in the answers layer."
    feats = _answer_features(res["OUTPUT_ANSWERS"])
    assert [f["answer"] for f in feats] == [f"caption {i}" for i in range(4)]
    bb = feats[3].geometry().boundingBox()  # the lower right 20 m x 20 m tile
    assert (bb.xMinimum(), bb.yMinimum(), bb.xMaximum(), bb.yMaximum()) == pytest.approx(
        (ORIGIN_X + 20.0, ORIGIN_Y - 40.0, ORIGIN_X + 40.0, ORIGIN_Y - 20.0), abs=1e-6)
    html = open(res["OUTPUT_REPORT"], encoding="utf-8").read()
    assert html.count("<tr><td>") == 4 and "<td>caption 3</td>" in html


def test_ask_needs_a_question(provider, rr_settings, tmp_path):
    with pytest.raises(QgsProcessingException, match="The question is empty"):
        _run({"INPUT": str(SAMPLE), "QUERY": " ", "MODE": ASK, "BACKEND": 1, "REPLAY": _replay_answers(tmp_path, ["x"])})
