"""A change run with the trained tiny reasoner (real transformers code path): two synthetic dates of the same
ground, a square built, one torn down, one kept, the second flight 2 px off; every change found, at its place."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run
from inference_core.run.selftest import fixture_dir

# the same textured ground and squares as the single-date end-to-end test
from test_e2e_tiny_reasoner import ORIGIN, PIXEL_M, _iou, _map_box, _scene

# (col, row, width, height) on the first date's pixels; two 112-px tiles over 200 px, as the model was trained
KEPT, GONE, NEW = (12, 20, 28, 28), (150, 30, 30, 30), (60, 64, 26, 26)
SHIFT_PX = 2


def test_tiny_reasoner_finds_what_was_built_and_torn_down(make_geotiff, tmp_path):
    grid = from_origin(*ORIGIN, PIXEL_M, PIXEL_M)
    before = make_geotiff(_scene({"kept": KEPT, "gone": GONE}), transform=grid, name="2019.tif")
    after_scene = np.roll(_scene({"kept": KEPT, "new": NEW}, seed=3), SHIFT_PX, axis=2)  # the same ground, flown 2 px off
    after = make_geotiff(after_scene, transform=grid, name="2024.tif")
    out = tmp_path / "change.gpkg"
    summary = run(RunOptions(raster=str(before), compare_with=str(after), query="bright squares", out=str(out),
                             model=str(fixture_dir()), prompt="tiny-reasoner", device="cpu", max_new_tokens=64,
                             tile_size=112, overlap=24, max_pixels=112 * 112))
    assert summary.status == "finished"
    assert summary.counts == {"appeared": 1, "disappeared": 1, "persisted": 1}, summary.change
    assert summary.change["shift_x_m"] == pytest.approx(SHIFT_PX * PIXEL_M, abs=0.2)
    layers = {n: pyogrio.read_dataframe(out, layer=n) for n in ("appeared", "disappeared", "persisted")}
    assert _iou(tuple(layers["appeared"].geometry[0].bounds), _map_box(*NEW)) > 0.6
    assert _iou(tuple(layers["disappeared"].geometry[0].bounds), _map_box(*GONE)) > 0.6
    assert _iou(tuple(layers["persisted"].geometry[0].bounds), _map_box(*KEPT)) > 0.6
    assert layers["persisted"].iou[0] > 0.6
    new_m2 = NEW[2] * NEW[3] * PIXEL_M ** 2  # 169 m²
    assert layers["appeared"].area_after[0] == pytest.approx(new_m2, rel=0.3)
    assert summary.change["summary"].startswith("1 appeared (") and summary.change["summary"].endswith("1 persisted")
