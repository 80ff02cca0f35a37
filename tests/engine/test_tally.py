"""The tally counts overlapping targets once: the covered area is the union of the run's features (the per-target
sum is reported apart, as such), measured on the layer it names, and it follows corrections (a deleted target)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.run.correct import Correction, correct
from inference_core.run.pipeline import run
from inference_core.run.tally import tally_text

PX = 0.5  # metres per pixel


def _run(make_geotiff, tmp_path, answer: str):
    raster = make_geotiff(np.full((3, 112, 112), 60, dtype=np.uint8), transform=from_origin(500000.0, 4000000.0, PX, PX),
                          crs="EPSG:32633")
    replay = tmp_path / "a.jsonl"
    replay.write_text(json.dumps({"tile_id": 0, "raw_text": answer, "input_size": [112, 112]}) + "\n")
    opts = RunOptions(raster=str(raster), query="things", out=str(tmp_path / "o.gpkg"), backend="replay",
                      replay=str(replay), tile_size=112, overlap=0, max_pixels=112 * 112, coordinates="model-input")
    return run(opts)


def test_overlapping_targets_are_counted_once(make_geotiff, tmp_path):
    # two 40 x 40 px boxes overlapping on 20 x 20 px, and a 10 x 10 px box inside the first one
    s = _run(make_geotiff, tmp_path, "<answer>[[10,10,50,50],[30,30,70,70],[15,15,25,25]]</answer>")
    t = s.tally
    px2 = PX * PX
    assert t["targets"] == 3 and t["measured_on"] == "boxes" and t["unit"] == "m²"
    assert t["total_area"] == pytest.approx((1600 + 1600 + 100) * px2)  # each target's own area, summed
    assert t["covered_area"] == pytest.approx((1600 + 1600 - 400) * px2)  # the union: 700 m², not 825
    assert t["largest_area"] == pytest.approx(1600 * px2)
    assert tally_text(t) == ("3 targets, 700.0 m² covered (box areas), the largest 400.0 m²; "
                             "the targets' own areas add up to 825.0 m² (they overlap)")


def test_the_tally_follows_a_deleted_target(make_geotiff, tmp_path):
    s = _run(make_geotiff, tmp_path, "<answer>[[10,10,50,50],[60,60,70,70]]</answer>")
    assert s.tally["targets"] == 2 and s.tally["covered_area"] == pytest.approx((1600 + 100) * PX * PX)
    first = correct(Correction(s.out, "delete", s.run_id, target_id=0), models=None)
    assert first.tally["targets"] == 1 and first.tally["covered_area"] == pytest.approx(100 * PX * PX)
    last = correct(Correction(s.out, "delete", s.run_id, target_id=1), models=None)
    assert last.tally["targets"] == 0 and last.tally["covered_area"] is None
    assert tally_text(last.tally) == "0 targets"
    undone = correct(Correction(s.out, "undo", s.run_id), models=None)
    assert undone.tally["targets"] == 1 and undone.tally["covered_area"] == pytest.approx(100 * PX * PX)
