"""A mosaic on local Ray: a 3x3 mosaic cut from one scene gives the features of one run over the VRT of the same
files (replayed answers per view, and the tiny reasoner live); a killed worker, a killed driver; bad files named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def bright_boxes(call) -> str:
    """A stand-in model that looks at the pixels: the box of every bright region of the image it was sent."""
    from rasterio.features import shapes

    bright = (np.asarray(call.images[0].convert("L")) > 200).astype(np.uint8)
    boxes = []
    for geom, _v in shapes(bright, mask=bright.astype(bool)):
        xs = [p[0] for p in geom["coordinates"][0]]
        ys = [p[1] for p in geom["coordinates"][0]]
        boxes.append([int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))])
    return f"<answer>{json.dumps(sorted(boxes))}</answer>"


def _served(out, url, **kw):
    return RunOptions(raster="", query="the bright roofs", out=str(out), backend="openai", server_url=url,
                      model="remote-reasoner", coordinates="model-input", timeout=10.0, retries=2, concurrency=1,
                      **TILED, **kw)


def _expected():
    return sorted((ORIGIN[0] + x1 * PX, ORIGIN[1] - y2 * PX, ORIGIN[0] + x2 * PX, ORIGIN[1] - y1 * PX)
                  for x1, y1, x2, y2 in TARGETS)


def _ray_part_workers():
    import psutil

    found = []
    for p in psutil.process_iter(["cmdline"]):
        cmd = p.info.get("cmdline") or []
        if cmd and cmd[0].startswith("ray::run_part"):
            found.append(p)
    return found


def test_a_worker_killed_mid_run_gives_the_same_result(make_geotiff, tmp_path, local_ray):
    from openai_stub_server import StubServer

    from inference_core.mosaic.driver import MosaicSettings, run_mosaic

    folder = _cut(make_geotiff, tmp_path)
    killed = []

    def emit(ev):  # the first time a part is half-way on a worker, that worker's process is killed
        if ev["type"] == "progress" and not killed and 0 < ev["tile"] < ev["tiles"] and ev["workers"]:
            workers = _ray_part_workers()
            if workers:
                killed.append(workers[0].pid)
                workers[0].kill()

    with StubServer(bright_boxes, latency=0.25) as stub:
        summary = run_mosaic(MosaicSettings(str(folder), max_views=4, servers=[stub.url]),
                             _served(tmp_path / "killed.gpkg", stub.url), emit)
    assert killed, "no Ray worker was running a part to kill"
    assert summary.status == "finished"
    got, _ = _boxes(tmp_path / "killed.gpkg")
    _same(got, _expected(), 1e-6)  # every target once: no duplicate from the retried part, no hole
    import sqlite3

    with sqlite3.connect(tmp_path / "killed.gpkg") as con:  # every view answered exactly once
        ids = [r[0] for r in con.execute("SELECT tile_id FROM responses")]
    assert sorted(ids) == list(range(summary.tiles_total))


def test_a_killed_driver_resumes_without_redoing_finished_parts(make_geotiff, tmp_path):
    import time

    from openai_stub_server import StubServer

    folder = _cut(make_geotiff, tmp_path)
    out = tmp_path / "resumed.gpkg"
    parts = tmp_path / "resumed.parts"
    with StubServer(bright_boxes, latency=0.3) as stub:
        cmd = [sys.executable, "-m", "inference_core", "mosaic", str(folder), "-q", "the bright roofs", "-o", str(out),
               "--backend", "openai", "--server-url", stub.url, "--model", "remote-reasoner",
               "--coordinates", "model-input", "--tile-size", "112", "--overlap", "28", "--max-pixels", "12544",
               "--concurrency", "1", "--workers", "1", "--views-per-part", "3", "--quiet", "--json"]
        driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(list(parts.glob("*.done.json"))) < 2 and driver.poll() is None:
            time.sleep(0.1)
        driver.kill()  # SIGKILL: no clean-up of any kind
        driver.wait()
        while _ray_part_workers() and time.monotonic() < deadline:  # its orphaned Ray workers go with their raylet
            time.sleep(0.2)
        done_before = {p.name: p.stat().st_mtime_ns for p in parts.glob("*.done.json")}
        assert len(done_before) >= 2 and not out.exists()
        asked_before = len(stub.chat_requests)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        summary = json.loads(proc.stdout)
        asked_after = len(stub.chat_requests) - asked_before
    assert summary["parts_reused"] >= len(done_before)
    for name, mtime in done_before.items():  # the finished parts were not run again
        assert (parts / name).stat().st_mtime_ns == mtime
    finished_views = sum(json.loads((parts / n).read_text())["views"] for n in done_before)
    assert asked_after <= summary["tiles_total"] - finished_views
    _same(_boxes(out)[0], _expected(), 1e-6)


def test_a_corrupt_file_and_one_in_another_crs_are_each_named_and_nothing_else_is_lost(make_geotiff, tmp_path,
                                                                                        local_ray):
    from inference_core.common.errors import InputError
    from inference_core.mosaic.driver import MosaicSettings, run_mosaic

    folder = _cut(make_geotiff, tmp_path)
    (folder / "r1c1.tif").write_bytes((folder / "r1c1.tif").read_bytes()[:700])  # truncated in transfer
    make_geotiff(np.zeros((3, 50, 50), np.uint8), crs="EPSG:32632", name="utm32.tif")
    os.replace(tmp_path / "utm32.tif", folder / "utm32.tif")
    vrt = _gdal_vrt(folder, tmp_path)
    replay, _ = _answers(vrt, tmp_path)
    with pytest.raises(InputError) as refused:  # up front, before any model or Ray
        run_mosaic(MosaicSettings(str(folder), max_views=4), _opts(tmp_path / "bad.gpkg", replay))
    msg = str(refused.value)
    assert "utm32.tif is in EPSG:32632, not EPSG:32633" in msg and "gdalwarp -t_srs EPSG:32633" in msg
    assert "r1c1.tif" in msg and not (tmp_path / "bad.gpkg").exists()
    summary = run_mosaic(MosaicSettings(str(folder), max_views=4, skip_mismatched=True),
                         _opts(tmp_path / "bad.gpkg", replay))
    assert summary.status == "finished" and summary.files == 8  # 9 + 1 files, 2 left out
    assert sorted(os.path.basename(p) for p in summary.skipped_files) == ["r1c1.tif", "utm32.tif"]
    assert any(w.startswith("r1c1.tif skipped: cannot be read") for w in summary.warnings)
    assert any(w.startswith("utm32.tif skipped: is in EPSG:32632") for w in summary.warnings)
    got, df = _boxes(tmp_path / "bad.gpkg")
    # every target is found: r1c1 (100..200 px) holds none wholly, and the answers of its views still place
    # the parts of targets that lie in neighbouring files
    _same(got, _expected(), 1e-6)
    assert "r1c1.tif" not in {os.path.basename(r) for r in df["raster"]}


def test_tiny_reasoner_mosaic_matches_one_run_over_the_vrt(make_geotiff, tmp_path, local_ray):
    """The trained tiny reasoner live in the Ray workers: the same pixels, the same answers, the same targets."""
    from inference_core.mosaic.driver import MosaicSettings, run_mosaic
    from inference_core.run.pipeline import run
    from inference_core.run.selftest import fixture_dir

    rng = np.random.default_rng(3)
    coarse = rng.uniform(10, 110, size=(22, 22, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:300, :300] + rng.normal(0, 10, size=(300, 300, 3))
    for c, r, w, h in ((86, 40, 28, 28), (188, 186, 28, 28), (30, 230, 30, 30)):  # across x=100; both; inside
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    folder = _cut(make_geotiff, tmp_path, np.clip(img, 0, 255).astype(np.uint8).transpose(2, 0, 1))
    vrt = _gdal_vrt(folder, tmp_path)
    live = dict(query="bright squares", model=str(fixture_dir()), prompt="tiny-reasoner", device="cpu",
                max_new_tokens=64, tile_size=112, overlap=24, max_pixels=112 * 112)
    one = run(RunOptions(raster=str(vrt), out=str(tmp_path / "one.gpkg"), **live))
    summary = run_mosaic(MosaicSettings(str(folder), max_views=3), RunOptions(raster="", out=str(tmp_path / "m.gpkg"),
                                                                               **live))
    assert one.status == summary.status == "finished" and summary.tiles_total == one.tiles_total
    want, _ = _boxes(tmp_path / "one.gpkg")
    got, _ = _boxes(tmp_path / "m.gpkg")
    assert want, "the tiny reasoner found nothing: the comparison would be empty"
    _same(got, want, 0.5 * PX)


def test_the_worker_runs_a_mosaic_request_with_progress_across_workers(make_geotiff, tmp_path):
    """What QGIS sends: `mosaic` {options, mosaic} -> progress (step mosaic, views done / total), done {summary}."""
    from inference_core.contract.client import WorkerClient

    folder = _cut(make_geotiff, tmp_path)
    replay, n_views = _answers(_gdal_vrt(folder, tmp_path), tmp_path)
    opts = {**_opts(tmp_path / "w.gpkg", replay).to_dict(), "raster": str(folder)}
    with WorkerClient(sys.executable) as client:
        events = list(client.request("mosaic", timeout=240, options=opts,
                                     mosaic={"mosaic": str(folder), "workers": 2, "max_views": 4}))
    done = events[-1]
    assert done["type"] == "done", events[-3:]
    assert done["summary"]["files"] == 9 and done["summary"]["counts"]["boxes"] == len(TARGETS)
    steps = [e for e in events if e["type"] == "progress"]
    assert steps and all(e["step"] == "mosaic" and e["tiles"] == n_views for e in steps)
    assert steps[-1]["tile"] == n_views and steps[-1]["parts_done"] == steps[-1]["parts"] == done["summary"]["parts"]
    _same(_boxes(tmp_path / "w.gpkg")[0], _expected(), 1e-6)


def test_a_folder_a_glob_a_vrt_and_a_tile_index_name_the_same_files(make_geotiff, tmp_path):
    from inference_core.common.errors import InputError
    from inference_core.mosaic.sources import list_inputs, open_sources, write_vrt

    folder = _cut(make_geotiff, tmp_path)
    files = sorted(str(p) for p in folder.glob("*.tif"))
    index = tmp_path / "index.gpkg"
    subprocess.run(["gdaltindex", "-f", "GPKG", str(index), *files], check=True, capture_output=True)  # absolute `location`s, as a delivery's
    vrt = _gdal_vrt(folder, tmp_path)
    assert list_inputs(str(folder)) == files
    assert list_inputs(str(folder / "r*c*.tif")) == files
    assert list_inputs(str(vrt)) == files
    assert list_inputs(str(index)) == files
    with pytest.raises(InputError, match="The mosaic is empty: nothing matches"):
        list_inputs(str(folder / "*.jp2"))
    with pytest.raises(InputError, match="for one raster use `remotereasoner reason`"):
        list_inputs(files[0])
    # the VRT written here places every file where gdalbuildvrt does: the same grid, the same pixels
    import rasterio

    ours = write_vrt(open_sources(files), tmp_path / "ours.vrt")
    with rasterio.open(ours) as a, rasterio.open(vrt) as b:
        assert a.transform == b.transform and a.shape == b.shape and a.crs == b.crs
        assert (a.read() == b.read()).all()


def test_hostile_mosaic_inputs_are_refused_before_ray_and_leave_nothing(make_geotiff, tmp_path, capsys):
    """An empty folder, a folder of no rasters, the tile index itself as --out, --bands the files lack,
    --stretch-values no uint8 reaches: each one line (exit 2) before Ray starts; the tile index keeps its bytes and
    no OUT.parts/ is left behind (before: a refused run left OUT.parts/mosaic.vrt). A result written inside the
    mosaic's folder is never taken for one of its files."""
    import hashlib

    from inference_core.cli.main import main
    from inference_core.mosaic.sources import list_inputs

    folder = _cut(make_geotiff, tmp_path)
    files = sorted(str(p) for p in folder.glob("*.tif"))
    index = tmp_path / "index.gpkg"
    subprocess.run(["gdaltindex", "-f", "GPKG", str(index), *files], check=True, capture_output=True)
    digest = hashlib.sha256(index.read_bytes()).hexdigest()
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("no rasters here")
    replay = tmp_path / "a.jsonl"
    replay.write_text("")
    out = tmp_path / "m.gpkg"
    for mosaic, extra, words in (
            (tmp_path / "empty", [], "The mosaic is empty: no GeoTIFF (.tif, .tiff, .jp2, .img) in the folder"),
            (tmp_path / "notes", [], "The mosaic is empty: no GeoTIFF"),
            (index, ["-o", str(index)], "index.gpkg already exists and RemoteReasoner did not write it"),
            (folder, ["--bands", "5,1,2"], "Band 5 does not exist: mosaic.vrt has 3 band(s)"),
            (folder, ["--stretch-values", "70000,80000"], "put every value a uint8 raster can hold (0 to 255) in one "
                                                          "colour level of red")):
        argv = ["mosaic", str(mosaic), "-q", "x", "-o", str(out), "--backend", "replay", "--replay", str(replay),
                *extra, "--quiet"]
        rc = main(argv)
        err = capsys.readouterr().err
        assert rc == 2 and words in err and err.count("\n") == 1, err
        assert not out.exists() and not (tmp_path / "m.parts").exists(), mosaic
    assert hashlib.sha256(index.read_bytes()).hexdigest() == digest and not (tmp_path / "index.parts").exists()
    (folder / "result.gpkg").write_bytes(index.read_bytes())  # a result (and its parts) inside the folder
    (folder / "result.parts").mkdir()
    (folder / "result.parts" / "mosaic.vrt").write_text("<VRTDataset/>")
    assert list_inputs(str(folder)) == files


def test_a_part_that_fails_is_one_clear_error_not_a_ray_traceback(make_geotiff, tmp_path, local_ray):
    from inference_core.common.errors import PipelineError
    from inference_core.contract.protocol import ErrorCode
    from inference_core.mosaic.driver import MosaicSettings, run_mosaic

    folder = _cut(make_geotiff, tmp_path)
    dead = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    with pytest.raises(PipelineError) as failed:
        run_mosaic(MosaicSettings(str(folder), max_views=8, servers=[dead]),
                   RunOptions.from_dict({**_served(tmp_path / "dead.gpkg", dead).to_dict(), "retries": 0}))
    assert failed.value.code == ErrorCode.SERVER, failed.value
    assert "127.0.0.1:9" in str(failed.value) and "ray::" not in str(failed.value)
    assert not (tmp_path / "dead.gpkg").exists()


def test_two_servers_share_the_parts_each_with_bounded_views_in_flight(make_geotiff, tmp_path, local_ray):
    from openai_stub_server import StubServer

    from inference_core.mosaic.driver import MosaicSettings, run_mosaic

    folder = _cut(make_geotiff, tmp_path)
    with StubServer(bright_boxes, latency=0.2) as a, StubServer(bright_boxes, latency=0.2) as b:
        summary = run_mosaic(MosaicSettings(str(folder), max_views=2, servers=[a.url, b.url], parts_per_server=1),
                             _served(tmp_path / "two.gpkg", a.url))
        asked = (len(a.chat_requests), len(b.chat_requests))
        peaks = (a.max_in_flight, b.max_in_flight)
    assert summary.status == "finished" and sum(asked) == summary.tiles_total
    assert min(asked) >= 2, asked  # both servers answered parts
    assert max(peaks) <= 1, peaks  # 1 part per server x --concurrency 1
    _same(_boxes(tmp_path / "two.gpkg")[0], _expected(), 1e-6)


def test_masks_of_targets_across_file_edges_are_one_feature_each(make_geotiff, tmp_path, local_ray, tiny_models):
    """The tiny SAM in the Ray workers: the masks and contours of one run over the VRT (its masks merged across
    seams as there: the tiny SAM's loose masks of two neighbouring targets may touch and become one)."""
    import pyogrio

    from inference_core.mosaic.driver import MosaicSettings, run_mosaic
    from inference_core.run.pipeline import run

    folder = _cut(make_geotiff, tmp_path)
    vrt = _gdal_vrt(folder, tmp_path)
    replay, _ = _answers(vrt, tmp_path)
    masks = dict(granularity=("boxes", "masks", "contours"), sam=str(tiny_models.sam_path), device="cpu")
    run(RunOptions.from_dict({**_opts(tmp_path / "one.gpkg", replay, **masks).to_dict(), "raster": str(vrt)}))
    summary = run_mosaic(MosaicSettings(str(folder), max_views=4), _opts(tmp_path / "m.gpkg", replay, **masks))
    one = pyogrio.read_dataframe(tmp_path / "one.gpkg", layer="masks")
    got = pyogrio.read_dataframe(tmp_path / "m.gpkg", layer="masks")
    assert summary.counts["boxes"] == len(TARGETS) and summary.counts["masks"] == summary.counts["contours"] == len(one)
    boxes = pyogrio.read_dataframe(tmp_path / "m.gpkg", layer="boxes")
    assert set(got["target_id"]) <= set(boxes["target_id"])  # each mask joins a box of its target
    # the same ground: each mask of the mosaic is mostly one mask of the single run (the merge order differs from
    # one run's, so pieces along seams may differ by some pixels; 0.87 IoU at worst when this was written)
    for g in got.geometry:
        best = max(g.intersection(o).area / g.union(o).area for o in one.geometry)
        assert best > 0.8, best


@pytest.mark.parametrize("stretch", ["joint", "per-band"])
def test_every_part_reads_the_colours_of_one_run_over_the_vrt(make_geotiff, tmp_path, local_ray, stretch):
    """16-bit tiles: the stretch is taken once over the whole mosaic (the one run's), with the method asked for,
    and every part reads with exactly those values (its runs.pixels), not a stretch of its own."""
    import sqlite3

    from inference_core.mosaic.driver import PARTS_SUFFIX, MosaicSettings, run_mosaic

    scene = (_scene().astype(np.uint16) * np.array([40, 20, 10], np.uint16)[:, None, None])  # a red-dominant scene
    folder = _cut(make_geotiff, tmp_path, scene)
    vrt = _gdal_vrt(folder, tmp_path)
    replay, _ = _answers(vrt, tmp_path)
    with RasterSource.open(str(vrt), stretch=stretch) as src:
        want = [round(v, 6) for v in src.stretch.lo], [round(v, 6) for v in src.stretch.hi]
    assert (len(set(want[0])) == 1) == (stretch == "joint")  # joint: one range for the three bands
    out = tmp_path / "mosaic.gpkg"
    summary = run_mosaic(MosaicSettings(str(folder), max_views=4), _opts(out, replay, stretch=stretch))
    assert summary.status == "finished" and summary.parts > 1
    partials = [p for p in Path(str(out)[:-5] + PARTS_SUFFIX).glob("*.gpkg")]
    assert len(partials) == summary.parts
    for part in partials:
        with sqlite3.connect(part) as con:
            [(pixels,)] = con.execute("SELECT pixels FROM runs").fetchall()
        record = json.loads(pixels)
        assert (record["low"], record["high"]) == want, part.name
