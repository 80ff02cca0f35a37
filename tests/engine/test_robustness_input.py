"""Hostile inputs (rasters, questions, extents, options, answers, model files, protocol): each a specific exit code
and message, before any model loads where possible; runaways bounded (docs/robustness.md)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from inference_core.cli.argv import attach_negative_values
from inference_core.cli.main import build_parser, main
from inference_core.contract.model_state import safetensors_problem, weights_problem
from inference_core.contract.options import DEFAULT_MAX_BOXES, MAX_QUERY_CHARS, OptionsError, RunOptions
from inference_core.models.parsing import MAX_TEXT, parse_answer
from inference_core.run.limits import NODATA_SKIPPED, estimate_tiles

ROOT = Path(__file__).resolve().parents[2]
# A model folder that does not exist: a check that reports its own error ran before any model was loaded.
NO_MODEL = "/nonexistent/remotereasoner-model"


def _cli(capsys, *argv):
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _reason(capsys, raster, out, *extra, model=NO_MODEL):
    return _cli(capsys, "reason", raster, "-q", "trees", "-o", out, "--model", model, "--device", "cpu", *extra)


def _one_line_error(err: str) -> str:
    assert err.startswith("remotereasoner: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert "internal error" not in err and "Model folder not found" not in err, err  # specific, before the model
    return err


def _answers(path: Path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def _responses(gpkg) -> list[tuple]:
    with sqlite3.connect(gpkg) as con:
        return con.execute("SELECT tile_id, raw_text, parse_error FROM responses ORDER BY tile_id").fetchall()


# ------------------------------------------------------------------ rasters
@pytest.fixture
def plain_tif(make_geotiff):
    """An uncompressed, striped 3-band GeoTIFF: truncating it cuts strips GDAL will fail to read."""
    rng = np.random.default_rng(0)
    return make_geotiff(rng.integers(0, 255, (3, 200, 200), dtype=np.uint8), name="plain.tif", compress=None,
                        tiled=False)


def test_truncated_geotiff_refused_before_the_model(plain_tif, tmp_path, capsys):
    data = plain_tif.read_bytes()
    bad = tmp_path / "truncated.tif"
    bad.write_bytes(data[: len(data) // 2])
    rc, out, err = _reason(capsys, bad, tmp_path / "r.gpkg")
    assert rc == 2 and "Cannot read the pixels of truncated.tif: the file is damaged or incomplete" in _one_line_error(err)
    assert "TIFFReadEncodedStrip" in err and "gdalinfo -checksum truncated.tif" in err
    assert not (tmp_path / "r.gpkg").exists() and out == ""


def test_vrt_with_a_missing_source_names_the_file(plain_tif, tmp_path, capsys):
    vrt = tmp_path / "mosaic.vrt"
    bands = "".join(
        f'<VRTRasterBand dataType="Byte" band="{b}"><SimpleSource><SourceFilename relativeToVRT="1">gone.tif'
        f'</SourceFilename><SourceBand>{b}</SourceBand></SimpleSource></VRTRasterBand>' for b in (1, 2, 3))
    vrt.write_text(f'<VRTDataset rasterXSize="200" rasterYSize="200"><SRS>EPSG:32633</SRS>'
                   f'<GeoTransform>500000, 0.5, 0, 4000000, 0, -0.5</GeoTransform>{bands}</VRTDataset>')
    rc, _, err = _reason(capsys, vrt, tmp_path / "r.gpkg")
    assert rc == 2 and "mosaic.vrt refers to missing file(s):" in _one_line_error(err)
    assert "gone.tif" in err and "gdalbuildvrt" in err


def test_thin_strip_refused_for_qwen_before_the_model(make_geotiff, tmp_path, capsys):
    strip = make_geotiff(np.full((3, 3, 1000), 90, np.uint8), name="strip.tif")
    rc, _, err = _reason(capsys, strip, tmp_path / "r.gpkg")
    assert rc == 2 and "View 1 is 1000 x 3 px, 333 times longer than wide" in _one_line_error(err)
    assert "up to 200:1" in err
    # 600 x 3 is 200:1 exactly, which Qwen's smart_resize accepts: no refusal, the next error is the model's
    ok = make_geotiff(np.full((3, 3, 600), 90, np.uint8), name="ok.tif")
    rc, _, err = _reason(capsys, ok, tmp_path / "r2.gpkg")
    assert rc == 3 and "Model folder not found" in err


def test_ask_and_describe_refuse_a_thin_strip_and_skip_views_without_data(make_geotiff, tmp_path, capsys):
    strip = make_geotiff(np.full((3, 3, 1000), 90, np.uint8), name="strip.tif")
    rc, _, err = _reason(capsys, strip, tmp_path / "r.gpkg", "--mode", "ask")
    assert rc == 2 and "333 times longer than wide" in _one_line_error(err)
    empty = make_geotiff(np.zeros((3, 64, 64), np.uint8), nodata=0, name="empty.tif")
    out = tmp_path / "a.gpkg"
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": "<answer>A forest.</answer>"}])
    rc, stdout, err = _cli(capsys, "reason", empty, "--mode", "describe", "-o", out, "--backend", "replay",
                           "--replay", replay, "--json")
    assert rc == 0, err
    summary = json.loads(stdout)
    assert summary["skipped_nodata"] == 1 and summary["counts"] == {"answers": 0} and summary["tiles_done"] == 1
    assert _responses(out) == [(0, "", NODATA_SKIPPED)]  # done, never asked: no answer invented for no data


def _nodata_half(make_geotiff):
    """1200 x 600 px with nodata 0: the left 600 columns empty, the right half data."""
    a = np.zeros((3, 600, 1200), np.uint8)
    a[:, :, 600:] = 120
    return make_geotiff(a, nodata=0, name="half.tif")


def test_all_nodata_raster_is_skipped_and_counted(make_geotiff, tmp_path, capsys):
    empty = make_geotiff(np.zeros((3, 64, 64), np.uint8), nodata=0, name="empty.tif")
    out = tmp_path / "r.gpkg"
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": "<answer>[[1,1,20,20]]</answer>"}])
    rc, stdout, err = _cli(capsys, "reason", empty, "-q", "x", "-o", out, "--backend", "replay", "--replay", replay)
    assert rc == 0, err
    assert stdout.splitlines()[0].endswith(": finished (1 of 1 view(s) had no data and were skipped)")
    assert "skipped    1 view(s) with no data" in stdout and "boxes      0 feature(s)" in stdout
    assert "empty.tif holds no data in the extent" in err
    assert _responses(out) == [(0, "", NODATA_SKIPPED)]  # done (resume skips it), never asked


def test_nodata_views_of_a_tiled_run_are_not_sent(make_geotiff, tmp_path, capsys):
    raster = _nodata_half(make_geotiff)
    out = tmp_path / "r.gpkg"
    # tiles of 448 px over 1200 x 600: 3 columns x 2 rows; the left column (x 0..447) is all nodata
    rows = [{"tile_id": i, "raw_text": "<answer>[[10,10,60,60]]</answer>"} for i in range(6)]
    replay = _answers(tmp_path / "a.jsonl", rows)
    rc, stdout, err = _cli(capsys, "reason", raster, "-q", "x", "-o", out, "--backend", "replay", "--replay", replay,
                           "--tile-size", "448", "--overlap", "56", "--max-pixels", "200704", "--json")
    assert rc == 0, err
    summary = json.loads(stdout)
    assert summary["tiles_total"] == 6 and summary["tiles_done"] == 6
    assert summary["skipped_nodata"] == 2 and summary["counts"]["boxes"] > 0
    skipped = [r[0] for r in _responses(out) if r[2] == NODATA_SKIPPED]
    assert skipped == [0, 3]  # the two tiles of the left column
    with sqlite3.connect(out) as con:
        tiles_with_boxes = {r[0] for r in con.execute("SELECT DISTINCT tile_id FROM boxes")}
    assert not tiles_with_boxes & {0, 3}


# ------------------------------------------------------------------ questions
def test_a_105_kb_question_is_refused_before_the_model(sample_tif, tmp_path, capsys):
    rc, _, err = _cli(capsys, "reason", sample_tif, "-q", "tank " * 21000, "-o", tmp_path / "r.gpkg",
                      "--model", NO_MODEL)
    assert rc == 2 and f"The question is 105000 characters long; the limit is {MAX_QUERY_CHARS}" in _one_line_error(err)
    RunOptions("a.tif", "x" * MAX_QUERY_CHARS, "o.gpkg").validate()  # the limit itself is accepted


# ------------------------------------------------------------------ extents
@pytest.mark.parametrize("extent, expected", [
    ("--extent=-inf,-inf,inf,inf", "--extent holds infinity"),
    ("--extent=nan,0,1,1", "--extent holds NaN"),
    ("--extent=-1e300,-1e300,1e300,1e300:4326", "cannot be placed in the raster's CRS"),
])
def test_non_finite_and_unplaceable_extents(extent, expected, sample_tif, tmp_path, capsys):
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", extent)
    assert rc == 2 and expected in _one_line_error(err)


def test_huge_extent_in_the_raster_crs_is_clipped_to_the_raster(sample_tif, tmp_path, capsys):
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": "<answer>[[0,0,40,40]]</answer>"}])
    rc, stdout, err = _cli(capsys, "reason", sample_tif, "-q", "x", "-o", tmp_path / "r.gpkg", "--backend", "replay",
                           "--replay", replay, "--extent=-1e300,-1e300,1e300,1e300", "--json")
    assert rc == 0, err
    assert json.loads(stdout)["tiles_total"] == 1 and json.loads(stdout)["counts"] == {"boxes": 1}


def _examples_with_extent():
    """Every `--extent …` argument written in the command-line guide (docs/guide/command-line.md, where the
    README's CLI section moved) and in `reason --help` (formatted wide enough that argparse does not wrap a
    coordinate list at its minus signs)."""
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, {"COLUMNS": "400"}):
        help_text = build_parser()._subparsers._group_actions[0].choices["reason"].format_help()
    texts = {"command-line.md": (ROOT / "docs" / "guide" / "command-line.md").read_text(encoding="utf-8"), "--help": help_text}
    return [(where, m.group(0)) for where, t in texts.items() for m in re.finditer(r"--extent[ =]-?[\d.]+(?:,-?[\d.]+){3}(?::\w+)?", t)]


def test_documented_and_help_extent_examples_parse():
    examples = _examples_with_extent()
    assert {w for w, _ in examples} == {"command-line.md", "--help"} and any("=-81.99" in e for _, e in examples)
    for where, example in examples:
        argv = ["reason", "r.tif", "-q", "x", "-o", "o.gpkg", *example.split(" ", 1)]
        args = build_parser().parse_args(attach_negative_values(argv))
        (xmin, ymin, xmax, ymax), _crs = args.extent
        assert xmax > xmin and ymax > ymin, (where, example)
    # both spellings of the guide's lon/lat example give the same extent
    a = build_parser().parse_args(attach_negative_values(["reason", "r", "-o", "o", "--extent", "-81.99,29.68,-81.97,29.70:4326"]))
    b = build_parser().parse_args(["reason", "r", "-o", "o", "--extent=-81.99,29.68,-81.97,29.70:4326"])
    assert a.extent == b.extent == ((-81.99, 29.68, -81.97, 29.70), "EPSG:4326")


def test_extent_with_a_leading_minus_runs_end_to_end(sample_tif, tmp_path, capsys):
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--extent", "-81.99,29.68,-81.98,29.69:4326")
    assert rc == 2 and "lies outside the raster" in _one_line_error(err)  # parsed and placed, not an argparse error


# ------------------------------------------------------------------ options
@pytest.mark.parametrize("flag, value, expected", [
    ("--max-new-tokens", "0", "--max-new-tokens 0 leaves the model no room to answer"),
    ("--max-new-tokens", "-5", "--max-new-tokens -5 leaves the model no room to answer"),
    ("--max-boxes", "0", "--max-boxes and --max-tiles must be at least 1"),
    ("--max-tiles", "0", "--max-boxes and --max-tiles must be at least 1"),
])
def test_impossible_limits_are_bad_options(flag, value, expected, sample_tif, tmp_path, capsys):
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", flag, value)
    assert rc == 2 and expected in _one_line_error(err)


@pytest.fixture
def past_preflight(monkeypatch) -> list[str]:
    """What each run reached after the pre-flight, in order: "models" (the model cache a one-off run makes before
    any loader) and the mode whose run plans the views. Empty: the run stopped in the pre-flight."""
    import inference_core.models.cache as cache
    import inference_core.run.pipeline as pipeline

    reached: list[str] = []

    class RecordingCache(cache.ModelCache):
        def __init__(self, *args, **kwargs):
            reached.append("models")
            super().__init__(*args, **kwargs)

    def recording_mode_run(mode: str):
        reached.append(mode)
        return real_mode_run(mode)

    real_mode_run = pipeline.mode_run
    monkeypatch.setattr(cache, "ModelCache", RecordingCache)  # pipeline imports it at the call
    monkeypatch.setattr(pipeline, "mode_run", recording_mode_run)
    return reached


def test_gsd_planning_3364_tiles_is_refused_with_the_estimate(sample_tif, tmp_path, capsys, past_preflight):
    # --gsd 0.0125 is 8 times finer than the raster (allowed); 7-px tiles plan 58 x 58 views
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--gsd", "0.0125", "--tile-size", "56",
                         "--overlap", "0", "--max-tiles", "1000")
    assert past_preflight == []  # refused from the estimate: no views planned, no model cache made
    assert rc == 2 and "This run would send 3,364 views to the model" in _one_line_error(err)
    assert "the limit is 1,000 (--max-tiles)" in err and "a coarser --gsd (the raster's own is 0.1" in err
    assert "--max-tiles 3364 if you mean it" in err
    assert not (tmp_path / "r.gpkg").exists()
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--gsd", "0.0125", "--tile-size", "56",
                         "--overlap", "0", "--max-tiles", "1000", "--mode", "ask", "--per-tile")
    assert rc == 2 and "This run would send 3,364 views" in err


@pytest.mark.parametrize("extra", [
    ("--strategy", "tiles"), ("--strategy", "overview"), ("--strategy", "refine"), ("--strategy", "descent"),
    ("--mode", "ask"), ("--mode", "ask", "--per-tile"), ("--mode", "describe"),
    ("--mode", "find-all", "--sam3", NO_MODEL),
])
def test_an_absurd_gsd_is_refused_before_the_model_for_every_strategy_and_mode(extra, sample_tif, tmp_path, capsys,
                                                                                past_preflight):
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--gsd", "1e-7", *extra)
    assert past_preflight == []  # refused in the pre-flight: no views planned, no model cache made
    assert rc == 2 and "--gsd 1e-07 is 1,000,000 times finer than the raster's own pixels (0.1 map units)" in \
        _one_line_error(err)
    assert "Use --gsd 0.0125 or coarser (at most 8 times finer than the raster)" in err
    assert f"every view ({extra[0]} {extra[1]})" in err
    assert not (tmp_path / "r.gpkg").exists()
    # 8 times finer is allowed: the run goes on to the model (here a folder that does not exist: exit 3)
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--gsd", "0.0125", *extra)
    assert rc == 3, err
    mode = extra[1] if extra[0] == "--mode" else "locate"
    assert past_preflight == ["models", mode]  # the recorder sees a run that gets past the pre-flight


def test_planned_views_of_every_strategy_go_through_one_check(sample_tif):
    """check_planned_views is the pre-flight of any planned views: count, one-pixel views, memory."""
    from inference_core.common.errors import PipelineError
    from inference_core.common.records import TileSpec
    from inference_core.raster.source import RasterSource
    from inference_core.run.limits import check_planned_views, estimate_memory

    def view(i, w, h, ow, oh):
        return TileSpec(i, 0, 0, w, h, ow, oh, (1.0, 0.0, 0.0, 0.0, -1.0, 0.0), "refine")

    opts = RunOptions(str(sample_tif), "x", "o.gpkg", max_tiles=5)
    with RasterSource.open(sample_tif) as src:
        check_planned_views([view(i, 100, 100, 896, 896) for i in range(4)], src, opts, already=1)  # 5: fits
        with pytest.raises(PipelineError, match=r"would send 6 views to the model \(--strategy tiles\); the limit is 5"):
            check_planned_views([view(i, 100, 100, 896, 896) for i in range(5)], src, opts, already=1)
        with pytest.raises(PipelineError, match=r"View 2 reads 1 x 1 raster pixel\(s\)") as err:
            check_planned_views([view(0, 100, 100, 896, 896), view(1, 1, 1, 896, 896)], src, opts)
        assert err.value.code == "bad_options"
        # 8 views in flight of 896² px at 16 bytes, and 500 targets of 64 kB: 134 MB
        assert estimate_memory([view(0, 100, 100, 896, 896)], RunOptions(str(sample_tif), "x", "o.gpkg",
                                                                       backend="transformers")) == \
            8 * 896 * 896 * 16 + 500 * 64 * 1024
        with pytest.raises(PipelineError, match=r"would need about 119,209.3 GB of memory \(views of up to "
                                                r"1,000,000 x 1,000,000 px") as err:
            check_planned_views([view(0, 100, 100, 1_000_000, 1_000_000)], src, opts)
        assert err.value.code == "out_of_memory" and "this machine has" in str(err.value)
        assert "--gsd, or a lower --max-boxes" in str(err.value)  # no "--strategy tiles": it is tiles already


def test_tile_estimate_is_the_plan(sample_tif):
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    with RasterSource.open(sample_tif) as src:
        for kw in ({}, {"gsd": 0.01, "tile_size": 448, "overlap": 56}, {"gsd": 0.003}, {"tile_size": 112, "overlap": 0,
                                                                                         "max_pixels": 3136}):
            opts = RunOptions(str(sample_tif), "x", "o.gpkg", **kw)
            assert estimate_tiles(src, opts)[0] == len(plan_tiles(src, opts)), kw


# ------------------------------------------------------------------ answers
def test_10000_boxes_with_masks_are_capped_and_warned(sample_tif, tiny_models, tmp_path, capsys):
    rng = np.random.default_rng(1)
    xy = rng.integers(0, 360, (10_000, 2))
    boxes = [[int(x), int(y), int(x) + 30, int(y) + 30] for x, y in xy]
    answer = json.dumps(boxes, separators=(",", ":"))  # 10 000 boxes within parsing's 200 000 characters
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": f"<answer>{answer}</answer>",
                                              "input_size": [400, 400]}])
    # What the cap saves is counted here (masks made), not timed: speed belongs in benchmarks/.
    rc, stdout, err = _cli(capsys, "reason", sample_tif, "-q", "x", "-o", tmp_path / "r.gpkg", "--backend", "replay",
                           "--replay", replay, "--granularity", "boxes,masks", "--sam", tiny_models.sam_path,
                           "--max-boxes", "40", "--device", "cpu", "--json")
    assert rc == 0, err
    summary = json.loads(stdout)
    assert "View 1 of 1: the answer listed 10,000 boxes; only the first 40 are kept (--max-boxes 40)" in summary["warnings"][0]
    assert summary["counts"]["boxes"] <= 40 and summary["counts"]["masks"] <= 40  # merged duplicates only lower it


def test_default_box_cap(sample_tif, tmp_path, capsys):
    boxes = [[i % 390, (i // 390) % 390, i % 390 + 5, (i // 390) % 390 + 5] for i in range(10_000)]
    answer = json.dumps(boxes, separators=(",", ":"))
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": answer, "input_size": [400, 400]}])
    rc, stdout, err = _cli(capsys, "reason", sample_tif, "-q", "x", "-o", tmp_path / "r.gpkg", "--backend", "replay",
                           "--replay", replay, "--json")
    assert rc == 0, err
    summary = json.loads(stdout)
    assert f"only the first {DEFAULT_MAX_BOXES} are kept" in summary["warnings"][0]
    assert 0 < summary["counts"]["boxes"] <= DEFAULT_MAX_BOXES


@pytest.mark.parametrize("text, expected", [
    ("<answer>[[1e2, 2E1, 3.5e+2, 4.0E2]]</answer>", (100.0, 20.0, 350.0, 400.0)),
    ("<answer>[[+10, 20., .5e2, 60]]</answer>", (10.0, 20.0, 50.0, 60.0)),
    ('[{"bbox_2d": [1e2, 2e1, 3e2, 4e2], "label": "tank"}]', (100.0, 20.0, 300.0, 400.0)),
    ("<answer>[[1.5E-1, 2, 30, 4e1]]</answer>", (0.15, 2.0, 30.0, 40.0)),
])
def test_boxes_in_any_json_number_form(text, expected):
    parsed = parse_answer(text)
    assert parsed.error is None and parsed.boxes == [expected]


def test_an_answer_too_long_says_so():
    text = "<think>" + "a" * 2_000_000 + "</think><answer>[[1,2,3,4]]</answer>"
    parsed = parse_answer(text)
    assert parsed.boxes == [] and parsed.error.startswith(f"the answer was too long ({len(text):,} characters; only "
                                                          f"the first {MAX_TEXT:,} are read)")
    assert "no box list found" not in parsed.error
    assert parse_answer("<answer>[[1,2,3,4]]</answer>" + "b" * 300_000).boxes == [(1.0, 2.0, 3.0, 4.0)]


# ------------------------------------------------------------------ models
def _copy_model(tiny_models, tmp_path) -> Path:
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_models.mllm_dir, folder)
    return folder


@pytest.mark.parametrize("damage, expected", [
    ("truncate", "model.safetensors is {n} bytes but its header says {full}"),
    ("pad", "model.safetensors is {n} bytes but its header says {full}"),
    ("header", "model.safetensors has a damaged header"),
])
def test_damaged_weights_in_a_model_folder(damage, expected, tiny_models, sample_tif, tmp_path, capsys):
    folder = _copy_model(tiny_models, tmp_path)
    weights = folder / "model.safetensors"
    full = weights.stat().st_size
    data = weights.read_bytes()
    if damage == "truncate":
        weights.write_bytes(data[: full // 2])
    elif damage == "pad":
        weights.write_bytes(data + b"\0" * 100)
    else:
        weights.write_bytes(data[:8] + b"\xff" * 16 + data[24:])
    n = weights.stat().st_size
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", model=folder)
    assert rc == 3, err
    assert f"The weights of {folder} are damaged: " + expected.format(n=n, full=full) in _one_line_error(err)
    assert err.rstrip().endswith("Copy the folder again from where you got it.")  # the user's own folder


def test_weights_problem_reads_the_index(tmp_path):
    def st(data: bytes) -> bytes:
        header = json.dumps({"t": {"dtype": "U8", "shape": [len(data)], "data_offsets": [0, len(data)]}}).encode()
        return len(header).to_bytes(8, "little") + header + data

    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(
        {"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}))
    (tmp_path / "model-1.safetensors").write_bytes(st(b"one"))
    assert weights_problem(tmp_path) == "missing weight file model-2.safetensors"
    (tmp_path / "model-2.safetensors").write_bytes(st(b"two")[:-1])
    assert weights_problem(tmp_path) == f"model-2.safetensors is {len(st(b'two')) - 1} bytes but its header says {len(st(b'two'))}"
    (tmp_path / "model-2.safetensors").write_bytes(st(b"two"))
    assert weights_problem(tmp_path) is None
    (tmp_path / "x.safetensors").write_bytes(b"\x01")
    assert safetensors_problem(tmp_path / "x.safetensors") == "x.safetensors is 1 bytes, too short for a safetensors file"


@pytest.mark.parametrize("change, expected", [
    ({"encoder_embed_dim": -5}, "SAM dimension encoder_embed_dim = -5 is not an integer from 1 to 8192"),
    ({"img_size": 10_000_000}, "SAM dimension img_size = 10000000 is not an integer from 16 to 4096"),
    ({"encoder_depth": 128, "encoder_embed_dim": 8192, "encoder_num_heads": 128},
     "SAM dimensions describe a 103 G-parameter image encoder"),
    ({"encoder_depth": "two"}, "SAM dimension encoder_depth = 'two' is not an integer"),
    ({"pixel_std": [0, 1, 1]}, "SAM dimension pixel_std = [0, 1, 1] must be positive"),
    ({"encoder_global_attn_indexes": [7]}, "SAM dimension encoder_global_attn_indexes = [7] must list block numbers from 0 to"),
])
def test_absurd_sam_dimension_files_refused_before_any_model(change, expected, tiny_models, sample_tif, tmp_path, capsys):
    import shutil

    sam = tmp_path / "custom_sam.pth"
    shutil.copy(tiny_models.sam_path, sam)
    config = json.loads(Path(tiny_models.sam_path).with_suffix(".json").read_text())
    config.update(change)
    sam.with_suffix(".json").write_text(json.dumps(config))
    rc, _, err = _reason(capsys, sample_tif, tmp_path / "r.gpkg", "--granularity", "boxes,masks", "--sam", sam)
    assert rc == 3 and f"custom_sam.json: {expected}" in _one_line_error(err)
    assert "Fix or delete it, or pass --sam-type vit_b|vit_l|vit_h." in err


# ------------------------------------------------------------------ protocol
def test_worker_nan_extent_says_nan():
    from tests.engine.test_worker_fuzz import RawWorker

    w = RawWorker()
    try:
        line = json.dumps({"type": "reason", "id": "n1", "options": {
            "raster": "a.tif", "query": "x", "out": "o.gpkg", "extent": [float("nan"), 0, 1, 1]}})
        ev = w.ask(line.encode())
        assert ev["type"] == "error" and ev["id"] == "n1" and ev["code"] == "bad_options"
        assert ev["message"] == "Option 'extent' holds NaN: give finite numbers."
        ev = w.ask(json.dumps({"type": "reason", "id": "n2", "options": {
            "raster": "a.tif", "query": "x", "out": "o.gpkg", "max_new_tokens": 0}}).encode())
        assert ev["code"] == "bad_options" and "--max-new-tokens 0" in ev["message"]
    finally:
        assert w.close() == 0


def test_options_validate_names_non_finite_values():
    with pytest.raises(OptionsError, match="--extent holds NaN"):
        RunOptions("a.tif", "x", "o.gpkg", extent=(float("nan"), 0.0, 1.0, 1.0)).validate()


def test_masks_of_a_large_view_stream_to_the_file_in_batches(sample_tif, tiny_models, tmp_path, capsys, monkeypatch):
    """The command line (no result events) writes a view's masks in batches as SAM makes them and frees them:
    the same features as a run in one batch, written in several appends."""
    import pyogrio

    import inference_core.run.targets as targets
    from inference_core.run.pipeline import run
    from inference_core.run.sink import GpkgSink

    rng = np.random.default_rng(7)
    xy = rng.integers(0, 360, (12, 2))
    boxes = [[int(x), int(y), int(x) + 30, int(y) + 30] for x, y in xy]
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                                              "input_size": [400, 400]}])
    kw = dict(backend="replay", replay=replay, granularity=("boxes", "masks", "contours"),
              sam=str(tiny_models.sam_path), device="cpu", iou_threshold=0.99)
    kept = run(RunOptions(str(sample_tif), "x", str(tmp_path / "kept.gpkg"), **kw))  # result events wanted
    monkeypatch.setattr(targets, "MASK_WRITE_BATCH", 4)
    appends = []
    real = GpkgSink.append_features
    monkeypatch.setattr(GpkgSink, "append_features", lambda self, r, t, f: appends.append(
        {k: len(v) for k, v in f.items()}) or real(self, r, t, f))
    rc, stdout, err = _cli(capsys, "reason", sample_tif, "-q", "x", "-o", tmp_path / "streamed.gpkg", "--backend",
                           "replay", "--replay", replay, "--granularity", "boxes,masks,contours", "--sam",
                           tiny_models.sam_path, "--device", "cpu", "--iou-threshold", "0.99", "--json")
    assert rc == 0, err
    n = kept.counts["masks"]
    assert n == 12 and json.loads(stdout)["counts"] == kept.counts
    assert appends == [{"masks": 4, "contours": 4}, {"masks": 4, "contours": 4}]  # the last 4 with the tile's commit
    for layer in ("boxes", "masks", "contours"):
        a = pyogrio.read_dataframe(tmp_path / "kept.gpkg", layer=layer).sort_values("target_id")
        b = pyogrio.read_dataframe(tmp_path / "streamed.gpkg", layer=layer).sort_values("target_id")
        assert list(a["target_id"]) == list(b["target_id"]), layer
        assert [g.wkb for g in a.geometry] == [g.wkb for g in b.geometry], layer


def test_masks_of_a_large_view_stream_through_the_worker_in_batches(sample_tif, tiny_models, tmp_path, monkeypatch):
    """The worker (the dock's and Processing's road) writes a view's masks in batches as SAM makes them, and sends
    each batch as a partial `result` event (masks and contours, no boxes), then the view's last event with its
    boxes: no event holds more than a batch of masks. Applied as the dock applies them (removed, then added),
    the events give exactly the GeoPackage's targets; its fields are those of every mask."""
    import pyogrio

    import inference_core.run.targets as targets
    from inference_core.contract.protocol import encode
    from inference_core.service.dispatch import Worker

    rng = np.random.default_rng(11)
    xy = rng.integers(0, 370, (40, 2))
    boxes = [[int(x), int(y), int(x) + 24, int(y) + 24] for x, y in xy]
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                                              "input_size": [400, 400]}])
    monkeypatch.setattr(targets, "MASK_WRITE_BATCH", 8)
    out_lines: list[str] = []
    worker = Worker(out_lines.append)
    out = tmp_path / "w.gpkg"
    worker.handle_line(encode({"type": "reason", "id": "r", "options": {
        "raster": str(sample_tif), "query": "dots", "out": str(out), "backend": "replay", "replay": replay,
        "granularity": ["boxes", "masks", "contours"], "sam": str(tiny_models.sam_path), "device": "cpu",
        "iou_threshold": 0.99}}))
    assert worker.join(timeout=300)
    events = [json.loads(line) for line in out_lines]
    assert events[-1]["type"] == "done", events[-1]
    summary = events[-1]["summary"]
    results = [e for e in events if e["type"] == "result"]
    partial = [e for e in results if e.get("partial")]
    n = summary["counts"]["masks"]
    assert summary["counts"]["boxes"] == 40 and n >= 30
    assert len(partial) == (n - 1) // 8 and len(results) == len(partial) + 1  # the last batch with the boxes
    assert all(set(e["features"]) == {"masks", "contours"} and len(e["features"]["masks"]) == 8 for e in partial)
    assert results[-1].get("partial") is None and len(results[-1]["features"]["boxes"]) == 40
    assert len(results[-1]["features"]["masks"]) == n - 8 * len(partial)
    live: dict[str, dict[int, dict]] = {"boxes": {}, "masks": {}, "contours": {}}  # LiveRun.add's rule
    for e in results:
        for layer, gone in e["removed"].items():
            for t in gone:
                live[layer].pop(int(t), None)
        for layer, feats in e["features"].items():
            live[layer].update({f["properties"]["target_id"]: f for f in feats})
    for layer in ("boxes", "masks", "contours"):
        df = pyogrio.read_dataframe(out, layer=layer)
        assert sorted(df["target_id"]) == sorted(live[layer]), layer
        assert set(df["tile_id"]) == {0} and set(df["run_id"]) == {summary["run_id"]}
    masks = pyogrio.read_dataframe(out, layer="masks").sort_values("target_id")
    assert len(masks) == n and (masks["area_m2"] > 0).all() and masks["sam_score"].notna().all()
    assert set(masks["sam_model"]) == {live["masks"][int(masks["target_id"].iloc[0])]["properties"]["sam_model"]}
    for t, geom, area in zip(masks["target_id"], masks.geometry, masks["area_m2"]):
        sent = live["masks"][int(t)]["properties"]
        assert sent["area_m2"] == pytest.approx(area) and sent["tile_id"] == 0
        assert geom.area == pytest.approx(area)
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("finished",)]


def test_a_long_read_reports_progress_strip_by_strip_in_the_run_and_the_cli(make_geotiff, tmp_path, capsys,
                                                                           monkeypatch):
    """Ask on a 2940 x 2940 px raster seen at 420 x 420 px, without overviews, reads its view in strips of whole
    output rows (1 M raster px each here): a `progress` event of stage `read` per strip, in order, with the view's
    place (view 1 of 1); the model gets the very pixels of one read; the CLI prints how far the read is."""
    import inference_core.raster.source as source
    from inference_core.run.answers import AnswerRun
    from inference_core.run.pipeline import run

    rng = np.random.default_rng(8)
    raster = make_geotiff(rng.integers(0, 255, (3, 2940, 2940), dtype=np.uint8), tiled=True, name="wide.tif")
    replay = _answers(tmp_path / "a.jsonl", [{"tile_id": 0, "raw_text": "<answer>Fields.</answer>"}])
    seen: list[bytes] = []
    ask = AnswerRun._request

    def spy(self, t, prompt):
        request = ask(self, t, prompt)
        seen.append(request.image.tobytes())
        return request

    monkeypatch.setattr(AnswerRun, "_request", spy)
    options = dict(raster=str(raster), query="What is there?", mode="ask", backend="replay", replay=replay,
                   answer_max_pixels=200_000)
    run(RunOptions(out=str(tmp_path / "one.gpkg"), **options))  # one read (50 M raster px a strip by default)
    monkeypatch.setattr(source, "STRIP_READ_PX", 1_000_000)
    events: list[dict] = []
    summary = run(RunOptions(out=str(tmp_path / "strips.gpkg"), **options), emit=events.append)
    assert summary.status == "finished" and summary.answer_summary == "Fields."
    reads = [e for e in events if e["type"] == "progress" and e.get("strips")]
    assert [(e["strip"], e["strips"]) for e in reads] == [(k, 9) for k in range(1, 10)]
    assert all(e["stage"] == "read" and e["tile"] == 0 and e["tiles"] == 1 for e in reads)
    assert len(seen) == 2 and seen[0] == seen[1] and len(seen[0]) == 420 * 420 * 3
    rc, _, err = _cli(capsys, "reason", str(raster), "-q", "What is there?", "--mode", "ask", "-o",
                      str(tmp_path / "cli.gpkg"), "--backend", "replay", "--replay", replay, "--answer-max-pixels",
                      "200000")
    assert rc == 0
    lines = [line for line in err.splitlines() if "strips of the raster" in line]
    assert lines[0] == "tile 1/1: read 1/9 strips of the raster (11%)"
    assert lines[-1] == "tile 1/1: read 9/9 strips of the raster (100%)" and len(lines) == 9


def test_a_downscaled_view_of_a_raster_without_overviews_says_what_gdaladdo_would_save(tmp_path, monkeypatch):
    """A 40 000 x 40 000 px raster (sparse: a few kB on disk) without overviews: the overview and ask views name
    the read and the gdaladdo command; with overviews (GDAL then reads from them), no note."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.transform import from_origin

    import inference_core.run.limits as limits
    from inference_core.raster.source import RasterSource
    from inference_core.run.answers import plan_answer_views
    from inference_core.run.strategies import plan_strategy

    big = tmp_path / "huge.tif"
    with rasterio.open(big, "w", driver="GTiff", width=40_000, height=40_000, count=3, dtype="uint8", crs="EPSG:32633",
                       transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), tiled=True, sparse_ok=True) as ds:
        ds.write(np.full((3, 256, 256), 200, np.uint8), window=((0, 256), (0, 256)))
    assert big.stat().st_size < 2_000_000
    with RasterSource.open(big) as src:
        # the overview at the locate budget (868 px); ask at the reference's answer budget (12.8 MP: 3 556 px)
        for opts, side, levels, after, times in (
                (RunOptions(str(big), "x", "o.gpkg", strategy="overview"), "868", "2 4 8 16 32", "1,562,500", "1,024"),
                (RunOptions(str(big), "x", "o.gpkg", mode="ask"), "3,556", "2 4 8", "25,000,000", "64")):
            views = plan_strategy(src, opts).views if opts.mode == "locate" else plan_answer_views(src, opts)
            notes = limits.check_planned_views(views, src, opts)
            assert notes == [f"huge.tif has no overviews: view 1 reads all 1,600,000,000 pixels of the extent to make "
                             f"{side} x {side} (this can take minutes). `gdaladdo -r average huge.tif {levels}` builds "
                             f"them once; the view would then read about {after} pixels ({times} times fewer)."]
    small = tmp_path / "small.tif"
    with rasterio.open(small, "w", driver="GTiff", width=4000, height=4000, count=3, dtype="uint8", crs="EPSG:32633",
                       transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), tiled=True) as ds:
        ds.write(np.full((3, 4000, 4000), 90, np.uint8))
    monkeypatch.setattr(limits, "SLOW_READ_PX", 1_000_000)
    opts = RunOptions(str(small), "x", "o.gpkg", strategy="overview")
    with RasterSource.open(small) as src:
        assert "small.tif has no overviews" in limits.check_planned_views(plan_strategy(src, opts).views, src, opts)[0]
    with rasterio.open(small, "r+") as ds:
        ds.build_overviews([2, 4, 8], Resampling.average)
    with RasterSource.open(small) as src:
        assert src.overview_factors() == [2, 4, 8]
        assert limits.check_planned_views(plan_strategy(src, opts).views, src, opts) == []
