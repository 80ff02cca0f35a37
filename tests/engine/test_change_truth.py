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

PIXEL_M = 0.5
ORIGIN = (400000.0, 3300000.0)
# (col, row, width, height) on the first date's pixels; two 112-px tiles over 200 px, as the model was trained
KEPT, GONE, NEW = (12, 20, 28, 28), (150, 30, 30, 30), (60, 64, 26, 26)
SHIFT_PX = 2


def _scene(squares, seed=3):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(10, 110, size=(8, 15, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:112, :200] + rng.normal(0, 10, size=(112, 200, 3))
    for c, r, w, h in squares:
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8).transpose(2, 0, 1)


def _map_box(c, r, w, h):
    x0, y0 = ORIGIN
    return (x0 + c * PIXEL_M, y0 - (r + h) * PIXEL_M, x0 + (c + w) * PIXEL_M, y0 - r * PIXEL_M)


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_tiny_reasoner_finds_what_was_built_and_torn_down(make_geotiff, tmp_path):
    grid = from_origin(*ORIGIN, PIXEL_M, PIXEL_M)
    before = make_geotiff(_scene([KEPT, GONE]), transform=grid, name="2019.tif")
    after_scene = np.roll(_scene([KEPT, NEW], seed=3), SHIFT_PX, axis=2)  # the same ground, flown 2 px off
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
