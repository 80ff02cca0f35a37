"""End to end through the CLI with the trained tiny reasoner: squares at known map positions, one across a seam."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from rasterio.transform import from_origin

from inference_core.run.selftest import fixture_dir

PIXEL_M = 0.5
ORIGIN = (400000.0, 3300000.0)
# (col, row, width, height): A only in tile 0, B across the seam (tiles overlap on cols 88..111), C only in tile 1
SQUARES = {"A": (12, 20, 28, 28), "B": (96, 62, 28, 26), "C": (150, 30, 30, 30)}


def _scene(squares, seed=3):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(10, 110, size=(8, 15, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:112, :200] + rng.normal(0, 10, size=(112, 200, 3))
    for c, r, w, h in squares.values():
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


def _reason(raster, out, tmp_path, extra=()):
    cmd = [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "bright squares", "-o", str(out),
           "--model", str(fixture_dir()), "--prompt", "tiny-reasoner", "--device", "cpu", "--max-new-tokens", "64",
           # two 112 px tiles over the 200 px wide raster: the size the tiny model was trained on
           "--tile-size", "112", "--overlap", "24", "--max-pixels", str(112 * 112), "--quiet", "--json", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_cli_finds_squares_at_their_map_positions_across_a_seam(make_geotiff, tmp_path):
    import pyogrio

    raster = make_geotiff(_scene(SQUARES), transform=from_origin(*ORIGIN, PIXEL_M, PIXEL_M), crs="EPSG:32633")
    out = tmp_path / "squares.gpkg"
    _reason(raster, out, tmp_path)
    boxes = pyogrio.read_dataframe(out, layer="boxes")
    assert boxes.crs.to_epsg() == 32633
    assert sorted(boxes["tile_id"].unique().tolist()) == [0, 1]
    got = [tuple(g.bounds) for g in boxes.geometry]
    for name, sq in SQUARES.items():
        best = max(_iou(_map_box(*sq), g) for g in got)
        assert best > 0.5, (name, best, got)
    assert len(boxes) == 3  # the seam square once, nothing else
    responses = pyogrio.read_dataframe(out, layer="responses")
    assert len(responses) == 2 and responses["raw_text"].str.contains("<answer>").all()


def test_cli_finds_nothing_where_there_is_nothing(make_geotiff, tmp_path):
    import pyogrio

    raster = make_geotiff(_scene({}), transform=from_origin(*ORIGIN, PIXEL_M, PIXEL_M), crs="EPSG:32633",
                          name="empty.tif")
    out = tmp_path / "empty.gpkg"
    _reason(raster, out, tmp_path)
    assert len(pyogrio.read_dataframe(out, layer="boxes")) == 0
    responses = pyogrio.read_dataframe(out, layer="responses")
    assert len(responses) == 2 and responses["raw_text"].str.contains(r"<answer>\[\]</answer>", regex=True).all()


def test_worker_finds_the_squares_and_writes_masks(make_geotiff, tmp_path, tiny_models):
    """The same scene through the long-lived worker (warm model), with SAM: every square found once in
    map coordinates, each box with its mask and contour in the raster CRS."""
    import pyogrio

    from inference_core.contract.client import WorkerClient
    from inference_core.contract.options import RunOptions

    raster = make_geotiff(_scene(SQUARES), transform=from_origin(*ORIGIN, PIXEL_M, PIXEL_M), crs="EPSG:32633")
    out = tmp_path / "worker.gpkg"
    opts = RunOptions(raster=str(raster), query="bright squares", out=str(out), model=str(fixture_dir()),
                      prompt="tiny-reasoner", device="cpu", max_new_tokens=64, tile_size=112, overlap=24,
                      max_pixels=112 * 112, granularity=("boxes", "masks", "contours"), sam=str(tiny_models.sam_path))
    client = WorkerClient(sys.executable)
    try:
        events = list(client.request("reason", timeout=300, options=opts.to_dict(secrets=True)))
    finally:
        client.close()
    assert events[-1]["type"] == "done", events[-1]
    assert events[-1]["summary"]["status"] == "finished"
    boxes = pyogrio.read_dataframe(out, layer="boxes")
    masks = pyogrio.read_dataframe(out, layer="masks")
    contours = pyogrio.read_dataframe(out, layer="contours")
    got = [tuple(g.bounds) for g in boxes.geometry]
    assert len(got) == 3 and all(max(_iou(_map_box(*sq), g) for g in got) > 0.5 for sq in SQUARES.values()), got
    assert masks.crs.to_epsg() == contours.crs.to_epsg() == 32633
    # The tiny SAM has random weights: its masks' shapes mean nothing, and masks from different tiles that
    # overlap are joined into one object (mask_merge), so only the links are checked: every mask belongs to
    # a box and has its contour.
    assert len(masks) >= 1
    assert set(masks["target_id"]) <= set(boxes["target_id"])
    assert sorted(masks["target_id"]) == sorted(contours["target_id"])
    streamed = sum(len(e["features"].get("boxes", [])) for e in events if e["type"] == "result")
    assert streamed >= 3
