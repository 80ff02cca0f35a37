"""A mosaic on local Ray: a 3x3 mosaic cut from one scene gives the features of one run over the VRT of the same
files (replayed answers per view, and the tiny reasoner live); a killed worker, a killed driver; bad files named."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import plan_tiles

ray = pytest.importorskip("ray")

ORIGIN = (500000.0, 4000000.0)
PX = 0.5
FILE_PX = 100  # 3 x 3 files of 100 x 100 px: edges at 100 and 200 px
TILED = dict(tile_size=112, overlap=28, max_pixels=112 * 112)
# (x1, y1, x2, y2) scene pixels: across the x=100 edge, across both edges at (200, 200), inside one file, across y=100
TARGETS = [(80, 20, 130, 50), (180, 180, 230, 215), (20, 240, 50, 280), (240, 85, 280, 120)]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 1024 ** 2, log_to_driver=False,
             configure_logging=False)
    yield
    ray.shutdown()


def _scene(seed=5):
    rng = np.random.default_rng(seed)
    img = rng.uniform(30, 90, size=(3, 300, 300))
    for x1, y1, x2, y2 in TARGETS:
        img[:, y1:y2, x1:x2] = 230
    return img.astype(np.uint8)


def _cut(make_geotiff, tmp_path, scene=None, crs="EPSG:32633"):
    """The scene cut in 3 x 3 GeoTIFFs in tiles/, sharing edges; returns the folder."""
    scene = _scene() if scene is None else scene
    folder = tmp_path / "tiles"
    folder.mkdir(exist_ok=True)
    for r in range(3):
        for c in range(3):
            arr = scene[:, r * FILE_PX:(r + 1) * FILE_PX, c * FILE_PX:(c + 1) * FILE_PX]
            path = make_geotiff(arr, transform=from_origin(ORIGIN[0] + c * FILE_PX * PX, ORIGIN[1] - r * FILE_PX * PX,
                                                          PX, PX), crs=crs, name=f"r{r}c{c}.tif")
            os.replace(path, folder / path.name)
    return folder


def _gdal_vrt(folder, tmp_path):
    vrt = tmp_path / "reference.vrt"
    subprocess.run(["gdalbuildvrt", "-q", str(vrt), *sorted(str(p) for p in folder.glob("*.tif"))], check=True)
    return vrt


def _answers(vrt, tmp_path):
    """One recorded answer per view of the run over the VRT: the visible part of every target, in view pixels."""
    with RasterSource.open(str(vrt)) as src:
        views = plan_tiles(src, RunOptions(raster=str(vrt), query="q", out="x.gpkg", **TILED))
    rows = []
    for t in views:
        boxes = []
        for x1, y1, x2, y2 in TARGETS:
            vx1, vy1 = max(x1, t.col_off) - t.col_off, max(y1, t.row_off) - t.row_off
            vx2, vy2 = min(x2, t.col_off + t.width) - t.col_off, min(y2, t.row_off + t.height) - t.row_off
            if vx2 > vx1 and vy2 > vy1:
                boxes.append([vx1, vy1, vx2, vy2])
        rows.append({"tile_id": t.tile_id, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                     "input_size": [t.out_width, t.out_height]})
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path, len(views)


def _opts(out, replay, **kw):
    return RunOptions(raster="", query="the bright roofs", out=str(out), backend="replay", replay=str(replay),
                      coordinates="model-input", **TILED, **kw)


def _boxes(path):
    import pyogrio

    df = pyogrio.read_dataframe(path, layer="boxes")
    return sorted(tuple(round(v, 6) for v in g.bounds) for g in df.geometry), df


def _same(a, b, tol):
    assert len(a) == len(b), (a, b)
    for x, y in zip(a, b):
        assert max(abs(p - q) for p, q in zip(x, y)) <= tol, (x, y)


def test_mosaic_gives_the_features_of_one_run_over_the_vrt(make_geotiff, tmp_path, local_ray):
    from inference_core.mosaic.driver import MosaicSettings, run_mosaic
    from inference_core.run.pipeline import run

    folder = _cut(make_geotiff, tmp_path)
    vrt = _gdal_vrt(folder, tmp_path)
    replay, n_views = _answers(vrt, tmp_path)
    one = run(RunOptions.from_dict({**_opts(tmp_path / "one.gpkg", replay).to_dict(), "raster": str(vrt)}))
    assert one.status == "finished"
    events = []
    summary = run_mosaic(MosaicSettings(str(folder), max_views=4), _opts(tmp_path / "mosaic.gpkg", replay),
                         events.append)
    assert summary.status == "finished" and summary.files == 9 and summary.skipped_files == []
    want, _ = _boxes(tmp_path / "one.gpkg")
    got, df = _boxes(tmp_path / "mosaic.gpkg")
    assert len(want) == len(TARGETS)  # each target once in the single run
    _same(got, want, 0.5 * PX)  # within half a model pixel
    expected = sorted((ORIGIN[0] + x1 * PX, ORIGIN[1] - y2 * PX, ORIGIN[0] + x2 * PX, ORIGIN[1] - y1 * PX)
                      for x1, y1, x2, y2 in TARGETS)
    _same(got, expected, 1e-6)  # and at the targets' own map boxes: no duplicate, no half at a file edge
    # each feature names the file holding its centre: target 2 (20..50, 240..280) is in r2c0.tif
    names = {os.path.basename(r): b for r, b in zip(df["raster"], (tuple(g.bounds) for g in df.geometry))}
    assert "r2c0.tif" in names and "r0c1.tif" in names  # (80..130, 20..50): centre x=105 in column 1
    assert summary.parts > 1 and summary.targets_across_parts >= 2
    progress = [e for e in events if e["type"] == "progress"]
    assert progress[-1]["tile"] == progress[-1]["tiles"] == n_views
    # a rerun keeps every part: nothing is asked again
    again = run_mosaic(MosaicSettings(str(folder), max_views=4), _opts(tmp_path / "mosaic.gpkg", replay))
    assert again.parts_reused == again.parts
    _same(_boxes(tmp_path / "mosaic.gpkg")[0], want, 0.5 * PX)
