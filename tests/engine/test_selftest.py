"""`remotereasoner selftest`: the full pipeline with the trained tiny reasoner fixture on a synthetic raster."""

from __future__ import annotations

import argparse
import json

import numpy as np

from inference_core.run import selftest


def test_scene_has_bright_squares_at_the_stated_map_positions(tmp_path):
    import rasterio

    path = selftest.write_scene(tmp_path / "scene.tif")
    with rasterio.open(path) as ds:
        assert ds.crs.to_epsg() == 32633 and ds.width == ds.height == 112
        data = ds.read()
        for (c, r, w, h), (xmin, ymin, xmax, ymax) in zip(selftest.SQUARES_PX, selftest.square_boxes_map()):
            assert data[:, r + h // 2, c + w // 2].min() > 190  # inside: bright
            assert ds.index(xmin + 0.25, ymax - 0.25) == (r, c)  # upper-left pixel of the square
            assert ds.index(xmax - 0.25, ymin + 0.25) == (r + h - 1, c + w - 1)
        assert np.median(data) < 120  # the background is dim
    assert selftest.square_boxes_map()[0] == (500007.0, 3999976.0, 500022.0, 3999991.0)


def test_selftest_with_the_trained_fixture_passes_on_cpu(tmp_path):
    result = selftest.run_selftest("cpu", workdir=tmp_path)
    assert result.errors == []
    assert result.checks["run finished"] and result.checks["GeoPackage layers"]
    assert result.boxes_found == 2
    assert all(v > 0.5 for v in result.best_iou), result.best_iou
    assert result.passed and result.message.startswith("PASS: Pipeline self-test")
    assert set(result.timings_s) == {"prepare", "pipeline", "check"}
    assert (tmp_path / "selftest.gpkg").is_file()


def test_selftest_reports_failure_of_an_untrained_model_without_raising(tiny_models, tmp_path):
    result = selftest.run_selftest("cpu", workdir=tmp_path, model=str(tiny_models.mllm_dir))
    assert not result.passed and result.message.startswith("FAIL: ")
    assert result.checks["run finished"] is True  # the pipeline itself ran
    assert result.checks["every square found (IoU > 0.5, map units)"] is False
    text = selftest.format_result(result)
    assert "[FAIL] every square found" in text and "[ok] run finished" in text


def test_selftest_cli_json_and_bad_device(capsys):
    from inference_core.cli import selftest as selftest_cli

    parser = argparse.ArgumentParser(prog="remotereasoner")
    selftest_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["selftest", "--device", "tpu", "--json"])
    assert args.func(args) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["passed"] is False
    assert out["message"].startswith("FAIL: Unknown device 'tpu': use auto, cpu, cuda or cuda:N.")
