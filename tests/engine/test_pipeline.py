"""pipeline.run with the replay backend on real GeoTIFFs: exact map boxes, seams, parse errors, cancel, resume."""

from __future__ import annotations

import json
import sqlite3
import threading

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.models.backends.base import BackendOOM
from inference_core.raster.coords import smart_resize
from inference_core.common.errors import PipelineError
from inference_core.contract.options import RunOptions
from inference_core.models.parsing import parse_answer
from inference_core.run.pipeline import run
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import plan_tiles

ORIGIN = (500000.0, 4000000.0)
PX = 0.5
TILED = dict(tile_size=112, overlap=28, max_pixels=12544)
# The target: raster pixels x 100..190, y 20..50 (wider than a tile's overlap, so no tile sees it whole).
TARGET_PX = (100, 20, 190, 50)


def _raster(make_geotiff):
    arr = np.full((3, 300, 300), 40, dtype=np.uint8)
    x1, y1, x2, y2 = TARGET_PX
    arr[:, y1:y2, x1:x2] = 230
    return make_geotiff(arr, transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), crs="EPSG:32633")


def _expected_map(box_px):
    x1, y1, x2, y2 = box_px
    return (ORIGIN[0] + x1 * PX, ORIGIN[1] - y2 * PX, ORIGIN[0] + x2 * PX, ORIGIN[1] - y1 * PX)


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _replay_for_tiles(tmp_path, raster, opts_kw, scale=2, extra=None):
    """Answers as a model would give them: the visible part of the target, in resized-input pixels."""
    with RasterSource.open(raster) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(raster), query="q", out="x.gpkg", **opts_kw))
    rows = []
    for t in tiles:
        x1, y1, x2, y2 = TARGET_PX
        vx1, vy1 = max(x1, t.col_off) - t.col_off, max(y1, t.row_off) - t.row_off
        vx2, vy2 = min(x2, t.col_off + t.width) - t.col_off, min(y2, t.row_off + t.height) - t.row_off
        size = [t.out_width * scale, t.out_height * scale]
        if vx2 > vx1 and vy2 > vy1:
            text = f"<think>a bright roof</think><answer>[[{vx1 * scale},{vy1 * scale},{vx2 * scale},{vy2 * scale}]]</answer>"
        else:
            text = "<think>nothing here</think><answer>[]</answer>"
        if extra and t.tile_id in extra:
            text = extra[t.tile_id]
        rows.append({"tile_id": t.tile_id, "raw_text": text, "input_size": size})
    return _write_jsonl(tmp_path / "answers.jsonl", rows), tiles


def _opts(raster, out, replay, **kw):
    # These answers are in the model's resized-input pixels (Qwen2.5-VL's convention), said explicitly:
    # the RemoteReasoner template's own default is the view's pixels (see test_original_image_coordinates).
    kw.setdefault("coordinates", "model-input")
    return RunOptions(raster=str(raster), query="the bright roof", out=str(out), backend="replay",
                      replay=str(replay), **kw)


def test_single_view_resized_input_to_map(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    ih, iw = smart_resize(300, 300, 4 * 28 * 28, 1024 * 28 * 28)  # what Qwen2.5-VL would have seen: 308 x 308
    s = iw / 300
    box_in = [round(v * s) for v in TARGET_PX]  # the model answers in integers of its resized input
    replay = _write_jsonl(tmp_path / "a.jsonl", [{"tile_id": 0, "input_size": [iw, ih],
                                                  "raw_text": f"<think>roof</think><answer>[{box_in}]</answer>"}])
    events = []
    summary = run(_opts(raster, tmp_path / "r.gpkg", replay), emit=events.append)
    assert summary.status == "finished" and summary.tiles_total == 1 and summary.counts == {"boxes": 1}
    df = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="boxes")
    assert df.crs.to_epsg() == 32633
    assert df.geometry[0].bounds == pytest.approx(_expected_map(TARGET_PX), abs=PX / 2)
    assert df["reasoning"][0] == "roof" and df["query"][0] == "the bright roof"
    types = [e["type"] for e in events]
    assert types.count("result") == 1 and "reasoning" in types and types[-1] == "progress"
    res = next(e for e in events if e["type"] == "result")
    assert res["features"]["boxes"][0]["properties"]["target_id"] == 0 and res["removed"] == {"boxes": []}


def test_tiled_target_across_seams_is_one_box(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    replay, tiles = _replay_for_tiles(tmp_path, raster, TILED)
    assert len(tiles) == 16
    summary = run(_opts(raster, tmp_path / "r.gpkg", replay, **TILED))
    assert summary.tiles_done == 16 and summary.parse_errors == 0
    df = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="boxes")
    assert len(df) == 1
    assert df.geometry[0].bounds == pytest.approx(_expected_map(TARGET_PX), abs=PX / 2)
    con = sqlite3.connect(tmp_path / "r.gpkg")
    assert sorted(r[0] for r in con.execute("SELECT tile_id FROM responses")) == list(range(16))
    assert con.execute("SELECT status, tiles_total FROM runs").fetchone() == ("finished", 16)


def test_malformed_answers_are_recorded_not_fatal(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    bad = {3: "I think there is a roof somewhere", 7: "<answer>[[1, 2, oops]]</answer>"}
    replay, _ = _replay_for_tiles(tmp_path, raster, TILED, extra=bad)
    events = []
    summary = run(_opts(raster, tmp_path / "r.gpkg", replay, **TILED), emit=events.append)
    assert summary.status == "finished" and summary.parse_errors == 2
    con = sqlite3.connect(tmp_path / "r.gpkg")
    rows = dict(con.execute("SELECT tile_id, parse_error FROM responses WHERE parse_error IS NOT NULL"))
    assert rows == {3: "no box list found in the answer", 7: "no box list found in the answer"}
    assert con.execute("SELECT raw_text FROM responses WHERE tile_id = 3").fetchone()[0] == bad[3]
    assert sum(1 for e in events if e["type"] == "warning" and e["message"].startswith("View 4 of ")) == 1


def test_cancel_then_resume_has_no_duplicates(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    replay, _ = _replay_for_tiles(tmp_path, raster, TILED)
    out = tmp_path / "r.gpkg"
    cancel = threading.Event()

    def emit(ev):
        if ev["type"] == "result" and ev["tile_id"] == 1:
            cancel.set()

    summary = run(_opts(raster, out, replay, **TILED), emit=emit, cancel=cancel)
    assert summary.status == "cancelled" and summary.tiles_done == 2
    con = sqlite3.connect(out)
    assert con.execute("SELECT status FROM runs").fetchone()[0] == "cancelled"
    con.close()
    events = []
    resumed = run(RunOptions(raster="ignored.tif", query="ignored", out=str(out), resume=True), emit=events.append)
    assert resumed.run_id == summary.run_id and resumed.status == "finished" and resumed.tiles_done == 16
    assert sorted({e["tile_id"] for e in events if e["type"] == "result"}) == list(range(2, 16))
    df = pyogrio.read_dataframe(out, layer="boxes")
    assert len(df) == 1 and df.geometry[0].bounds == pytest.approx(_expected_map(TARGET_PX), abs=PX / 2)
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT tile_id) FROM responses").fetchone() == (16, 16)
    with pytest.raises(PipelineError, match="Nothing to resume"):
        run(RunOptions(raster="x", query="x", out=str(out), resume=True))


class _OOMBackend:
    name, model_id = "transformers", "tiny"

    def __init__(self):
        self.calls = []

    def reason(self, requests):
        self.calls.append(len(requests))
        raise BackendOOM("CUDA out of memory. Tried to allocate 2.00 GiB")

    def close(self):
        pass


class _Models:
    """Stands in for ModelCache only to hand out a backend that fails the way a full GPU does."""

    def __init__(self, backend):
        self._b = backend

    def backend(self, options):
        return self._b


def test_out_of_memory_retries_then_names_the_settings(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    backend = _OOMBackend()
    opts = RunOptions(raster=str(raster), query="roof", out=str(tmp_path / "r.gpkg"), batch_size=4, **TILED)
    with pytest.raises(PipelineError) as err:
        run(opts, models=_Models(backend))
    assert err.value.code == ErrorCode.OUT_OF_MEMORY
    assert "--batch-size (now 4)" in err.value.message and "--tile-size (now 112)" in err.value.message
    assert backend.calls == [4, 2, 1]  # halved down to one view
    con = sqlite3.connect(tmp_path / "r.gpkg")
    assert con.execute("SELECT status FROM runs").fetchone()[0] == "failed"


def test_bad_input_is_a_pipeline_error_before_any_tile(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    with pytest.raises(PipelineError) as err:
        run(RunOptions(raster=str(raster), query="  ", out=str(tmp_path / "r.gpkg")))
    assert err.value.code == ErrorCode.BAD_OPTIONS
    with pytest.raises(PipelineError) as err:
        run(RunOptions(raster=str(raster), query="q", out=str(tmp_path / "r.gpkg"), extent=(0, 0, 1, 1)))
    assert err.value.code == ErrorCode.INPUT and "outside the raster" in err.value.message
    assert not (tmp_path / "r.gpkg").exists()


@pytest.mark.slow
def test_tiny_qwen_end_to_end_every_tile_answered(make_geotiff, tmp_path, tiny_models):
    """The real transformers path on CPU: random-weight text is recorded per tile, never a crash."""
    arr = np.random.default_rng(3).integers(0, 255, size=(3, 112, 180), dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX))
    opts = RunOptions(raster=str(raster), query="the bright roof", out=str(tmp_path / "r.gpkg"),
                      model=str(tiny_models.mllm_dir), device="cpu", max_new_tokens=8, **TILED)
    summary = run(opts)
    assert summary.status == "finished" and summary.tiles_total == summary.tiles_done == 2
    con = sqlite3.connect(tmp_path / "r.gpkg")
    rows = con.execute("SELECT tile_id, raw_text, parse_error, input_size FROM responses ORDER BY tile_id").fetchall()
    assert [r[0] for r in rows] == [0, 1]
    for _tile, text, error, size in rows:
        assert isinstance(text, str)
        assert json.loads(size) == [112, 112]  # smart_resize of a 112 px tile under max_pixels 12544
        assert error == parse_answer(text).error  # the stored error is the parser's verdict on the stored text
    assert summary.parse_errors == sum(1 for r in rows if r[2] is not None)
    assert con.execute("SELECT model FROM runs").fetchone()[0]


@pytest.mark.slow
def test_masks_and_contours_layers_with_tiny_sam(make_geotiff, tmp_path, tiny_models):
    raster = _raster(make_geotiff)
    replay, _ = _replay_for_tiles(tmp_path, raster, TILED)
    opts = _opts(raster, tmp_path / "r.gpkg", replay, granularity=("boxes", "masks", "contours"),
                 sam=str(tiny_models.sam_path), device="cpu", **TILED)
    events = []
    summary = run(opts, emit=events.append)
    assert summary.status == "finished"
    layers = {str(n) for n, _ in pyogrio.list_layers(tmp_path / "r.gpkg")}
    assert {"boxes", "masks", "contours", "runs", "responses"} <= layers
    assert summary.counts["boxes"] == 1
    masks = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="masks")
    contours = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="contours")
    # Every written mask has its contour with the same target id, areas in m² from the UTM CRS.
    assert sorted(masks["target_id"]) == sorted(contours["target_id"])
    assert masks.crs.to_epsg() == 32633
    np.testing.assert_allclose(masks["area_m2"], masks.geometry.area)
    assert any(e["type"] == "progress" and e["stage"] == "segment" for e in events)


def test_raster_without_georeferencing_gives_pixel_coordinates(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 60, 80), 90, dtype=np.uint8), crs=None, name="plain.tif")
    replay = _write_jsonl(tmp_path / "a.jsonl", [{"tile_id": 0, "input_size": [160, 120],
                                                  "raw_text": "<answer>[[20,40,60,80]]</answer>"}])
    summary = run(_opts(raster, tmp_path / "r.gpkg", replay))
    assert summary.status == "finished" and "no georeferencing" in summary.warnings[0]
    df = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="boxes")
    assert df.crs is None
    assert df.geometry[0].bounds == (10.0, 20.0, 30.0, 40.0)  # x = column, y = row (down)
    con = sqlite3.connect(tmp_path / "r.gpkg")
    assert "no georeferencing" in json.loads(con.execute("SELECT warnings FROM runs").fetchone()[0])[0]
