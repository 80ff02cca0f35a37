"""A view is read at the size the model takes it, so a box means the same in model-input and view pixels (issue 31).

Each case writes a real GeoTIFF, replays an answer for a target near the bottom-right corner (where a wrong
scale moves a box most), once in the model's input pixels and once in the view's pixels, under both
coordinate conventions, and checks the box lands on the target within half a model pixel.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, RunOptions
from inference_core.raster.coords import smart_resize
from inference_core.run.pipeline import run

RES = 0.5  # metres per raster pixel
X0, Y0 = 500000.0, 4000000.0


def _map_box(px_box):
    x1, y1, x2, y2 = px_box
    return (X0 + x1 * RES, Y0 - y2 * RES, X0 + x2 * RES, Y0 - y1 * RES)


def _replay(tmp_path, name, boxes_by_tile, input_size=None):
    path = tmp_path / f"{name}.jsonl"
    lines = []
    for tile_id, box in boxes_by_tile.items():
        rec = {"tile_id": tile_id, "raw_text": f"<answer>[{json.dumps([int(v) for v in box])}]</answer>"}
        if input_size is not None:
            rec["input_size"] = list(input_size)
        lines.append(json.dumps(rec))
    path.write_text("\n".join(lines) + "\n")
    return path


def _boxes_and_sizes(out):
    boxes = [g.bounds for g in pyogrio.read_dataframe(out, layer="boxes").geometry]
    with sqlite3.connect(out) as con:
        sizes = [json.loads(s) for (s,) in con.execute("SELECT input_size FROM responses ORDER BY tile_id")]
    return boxes, sizes


@pytest.mark.parametrize("width,height", [(1024, 1024), (1000, 1000), (1200, 800)],
                         ids=["1024x1024", "1000x1000", "1200x800"])
def test_near_budget_extent_box_lands_within_half_a_model_pixel(make_geotiff, tmp_path, width, height):
    assert DEFAULT_MAX_PIXELS < width * height <= 4 / 3 * DEFAULT_MAX_PIXELS  # one view, above the budget
    raster = make_geotiff(np.full((3, height, width), 90, dtype=np.uint8), transform=from_origin(X0, Y0, RES, RES))
    target = (width - 230, height - 180, width - 20, height - 10)  # raster pixels, bottom-right
    mh, mw = smart_resize(height, width, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    assert mw * mh <= DEFAULT_MAX_PIXELS and (mw, mh) != (width, height)
    sx, sy = mw / width, mh / height
    # what a model answering in the pixels it sees writes (integers, as Qwen2.5-VL does)
    in_model = [round(v) for v in (target[0] * sx, target[1] * sy, target[2] * sx, target[3] * sy)]
    half_model_px = 0.5 * RES * max(width / mw, height / mh) + 1e-6  # rounding to integers: at most half
    recordings = {"model-input pixels": _replay(tmp_path, "model", {0: in_model}, input_size=(mw, mh)),
                  "view pixels": _replay(tmp_path, "view", {0: in_model})}  # no size: the view as read
    for label, answers in recordings.items():
        for coordinates in ("model-input", "original-image"):
            out = tmp_path / f"{label[:4]}-{coordinates}.gpkg"
            summary = run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay",
                                     replay=str(answers), coordinates=coordinates))
            assert summary.tiles_total == 1
            [box], [size] = _boxes_and_sizes(out)
            assert size == [mw, mh], (label, coordinates)  # the view was read at the model's size
            assert box == pytest.approx(_map_box(target), abs=half_model_px), (label, coordinates)


@pytest.mark.parametrize("tile_size", [1000, 500], ids=["above-budget", "not-multiple-of-28"])
def test_tile_size_off_the_grid_is_read_at_the_models_size(make_geotiff, tmp_path, tile_size):
    width, height = 3 * tile_size, 2 * tile_size
    raster = make_geotiff(np.full((3, height, width), 90, dtype=np.uint8), transform=from_origin(X0, Y0, RES, RES))
    mh, mw = smart_resize(tile_size, tile_size, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    assert (mw, mh) != (tile_size, tile_size)
    target = (tile_size - 200, tile_size - 150, tile_size - 20, tile_size - 10)  # in the first tile, bottom-right
    s = mw / tile_size
    in_model = [round(v * s) for v in target]
    answers = _replay(tmp_path, "tiles", {0: in_model})
    for coordinates in ("model-input", "original-image"):
        out = tmp_path / f"{coordinates}.gpkg"
        summary = run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay", replay=str(answers),
                                 coordinates=coordinates, tile_size=tile_size, overlap=0))
        assert summary.tiles_total == 6
        [box], sizes = _boxes_and_sizes(out)
        assert sizes == [[mw, mh]] * 6
        assert box == pytest.approx(_map_box(target), abs=0.5 * RES / s + 1e-6), coordinates


@pytest.mark.parametrize("model", ["Qwen/Qwen3-VL-8B-Instruct", "Qwen/Qwen2-VL-7B-Instruct"])
def test_relative_1000_answer_lands_within_half_a_model_pixel(make_geotiff, tmp_path, model):
    """Qwen2-VL and Qwen3-VL answer in 0-1000 of the image's width and height: chosen from the model id."""
    from inference_core.models import prompts

    width, height = 1200, 800
    raster = make_geotiff(np.full((3, height, width), 90, dtype=np.uint8), transform=from_origin(X0, Y0, RES, RES))
    template = prompts.load_template(RunOptions(raster="r", query="q", out="o", model=model))
    assert (template.name, template.coordinates) == ("qwen-vl-relative", "relative-1000")
    target = (width - 230, height - 180, width - 20, height - 10)
    rel = [round(v * 1000 / side) for v, side in zip(target, (width, height, width, height))]
    answers = tmp_path / "q3.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": json.dumps([{"bbox_2d": rel, "label": "field"}])}) + "\n")
    out = tmp_path / "q3.gpkg"
    run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay", replay=str(answers), model=model))
    [box], [size] = _boxes_and_sizes(out)
    mh, mw = smart_resize(height, width, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    assert size == [mw, mh]
    # 0-1000 rounds to a thousandth of the side (0.6 raster px here): within half a model pixel (0.55 px)
    assert box == pytest.approx(_map_box(target), abs=0.5 * RES * width / mw)


def test_qwen2_vl_box_tokens_are_read_relative(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 400, 400), 90, dtype=np.uint8), transform=from_origin(X0, Y0, RES, RES))
    answers = tmp_path / "q2.jsonl"
    text = "<|object_ref_start|>pond<|object_ref_end|><|box_start|>(250,500),(750,1000)<|box_end|>"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": text}) + "\n")
    out = tmp_path / "q2.gpkg"
    run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay", replay=str(answers),
                   model="Qwen/Qwen2-VL-7B-Instruct"))
    [box], _ = _boxes_and_sizes(out)
    assert box == pytest.approx(_map_box((100, 200, 300, 400)), abs=1e-6)


def test_model_template_table():
    from inference_core.contract.conventions import known_template
    from inference_core.models import prompts

    for model, name in (("1e12Leon/RemoteReasoner", "remotereasoner"), ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen2.5-vl"),
                        ("RicardoString/Think2Seg-RS-7B", "think2seg-rs"), ("qwen3-vl:8b", "qwen-vl-relative"),
                        ("/models/Qwen2_VL_2B", "qwen-vl-relative"), ("my-llava", None)):
        assert known_template(model) == name, model
    assert prompts.default_name("my-llava") == "remotereasoner"


def test_unknown_server_model_is_named_in_the_warnings(make_geotiff, tmp_path):
    from tests.engine.openai_stub_server import StubServer

    raster = make_geotiff(np.full((3, 300, 300), 90, dtype=np.uint8))

    def warnings_for(model, **kw):
        with StubServer(models=(model,)) as srv:
            summary = run(RunOptions(raster=str(raster), query="q", out=str(tmp_path / f"{len(kw)}{model[:3]}.gpkg"),
                                     backend="openai", server_url=srv.url, model=model, **kw))
        return [w for w in summary.warnings if "is not one whose box coordinates the engine knows" in w]

    [warning] = warnings_for("my-llava")
    assert "'my-llava'" in warning and "remotereasoner template, as original-image" in warning
    assert warnings_for("Qwen3-VL-8B-Instruct") == []  # a known convention
    assert warnings_for("my-llava", coordinates="model-input") == []  # the user said how its boxes are written
