"""Signals end runs as `cancelled` (CLI and worker, real subprocesses); kill -9 leaves `running` and resumes exactly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pyogrio
import pytest
from rasterio.transform import from_origin

from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import StubServer

TILED = dict(tile_size=112, overlap=28, max_pixels=12544)  # 16 views of a 300 x 300 raster
TILED_ARGS = ["--tile-size", "112", "--overlap", "28", "--max-pixels", "12544"]
ANSWER = "<answer>[[10,10,60,60]]</answer>"


def _raster(make_geotiff):
    arr = np.full((3, 300, 300), 40, dtype=np.uint8)
    arr[:, 20:50, 100:190] = 230
    return make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")


def _env(repo_root):
    return {**os.environ, "PYTHONPATH": str(repo_root), "REMOTEREASONER_LOG_LEVEL": "WARNING"}


def _count(out, sql) -> int:
    """A count read while another process writes the file (busy: try again)."""
    try:
        con = sqlite3.connect(f"file:{out}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute(sql).fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _wait_for(out, sql, at_least, proc, limit=120.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the process ended early (rc {proc.returncode}): {proc.stderr.read()!r}")
        if os.path.exists(out) and _count(out, sql) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError(f"{sql} never reached {at_least}")


def _status(out) -> str:
    con = sqlite3.connect(out)
    try:
        return con.execute("SELECT status FROM runs ORDER BY fid DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def _resume_with(server_url, out):
    return run(RunOptions(raster="", query="(resume)", out=str(out), resume=True, server_url=server_url,
                          backend="openai"))


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_cli_signal_ends_the_run_cancelled_then_resume_finishes(sig, code, make_geotiff, tmp_path, repo_root):
    raster = _raster(make_geotiff)
    out = tmp_path / "r.gpkg"
    with StubServer(answer=ANSWER, latency=0.25) as stub:
        proc = subprocess.Popen(
            [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "roofs", "-o", str(out),
             "--backend", "openai", "--server-url", stub.url, "--model", "remote-reasoner", "--concurrency", "1",
             "--quiet", *TILED_ARGS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))
        _wait_for(out, "SELECT COUNT(*) FROM responses", 2, proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert "interrupted" in err and "--resume" in err and "Traceback" not in err
        assert _status(out) == "cancelled"
        done_before = _count(out, "SELECT COUNT(*) FROM responses")
        assert 2 <= done_before < 16
        summary = _resume_with(stub.url, out)
    assert summary.status == "finished" and summary.tiles_done == 16 and _status(out) == "finished"
    assert _count(out, "SELECT COUNT(DISTINCT tile_id) FROM responses") == 16
    assert _count(out, "SELECT COUNT(*) FROM responses") == 16


def _worker(repo_root):
    return subprocess.Popen([sys.executable, "-m", "inference_core.service"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_worker_signal_sends_done_cancelled_and_marks_the_run(sig, code, make_geotiff, tmp_path, repo_root):
    raster = _raster(make_geotiff)
    out = tmp_path / "w.gpkg"
    with StubServer(answer=ANSWER, latency=0.25) as stub:
        options = RunOptions(raster=str(raster), query="roofs", out=str(out), backend="openai",
                             server_url=stub.url, model="remote-reasoner", concurrency=1, **TILED).to_dict()
        proc = _worker(repo_root)
        proc.stdin.write(json.dumps({"type": "reason", "id": "r1", "options": options}) + "\n")
        proc.stdin.flush()
        events = []
        while True:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            events.append(json.loads(line))
            if events[-1]["type"] == "result" and events[-1]["tile_id"] >= 1:
                break
        proc.send_signal(sig)
        rest, err = proc.communicate(timeout=60)
        events += [json.loads(x) for x in rest.splitlines() if x.strip()]
        assert proc.returncode == code, err
        done = [e for e in events if e["type"] == "done"]
        assert len(done) == 1 and done[0]["id"] == "r1" and done[0]["summary"]["status"] == "cancelled"
        assert not [e for e in events if e["type"] == "error"]
        assert _status(out) == "cancelled" and "Traceback" not in err
        summary = _resume_with(stub.url, out)
    assert summary.status == "finished" and summary.tiles_done == 16


@pytest.mark.slow
def test_kill_9_leaves_running_and_resume_finishes(make_geotiff, tmp_path, repo_root):
    raster = _raster(make_geotiff)
    out = tmp_path / "k.gpkg"
    with StubServer(answer=ANSWER, latency=0.25) as stub:
        proc = subprocess.Popen(
            [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "roofs", "-o", str(out),
             "--backend", "openai", "--server-url", stub.url, "--model", "remote-reasoner", "--concurrency", "1",
             "--quiet", *TILED_ARGS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))
        _wait_for(out, "SELECT COUNT(*) FROM responses", 3, proc)
        proc.kill()
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert _status(out) == "running"  # nothing could run on SIGKILL
        summary = _resume_with(stub.url, out)
    assert summary.status == "finished" and summary.tiles_done == 16
    assert _count(out, "SELECT COUNT(*) FROM responses") == 16
    assert summary.counts["boxes"] == len(pyogrio.read_dataframe(out, layer="boxes"))


def _many_boxes(tmp_path, tiles, per_view, seed=1):
    """A large answer per view: `per_view` small boxes spread over it, in the view's pixels."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in tiles:
        boxes = []
        for _ in range(per_view):
            x, y = int(rng.integers(0, t.out_width - 12)), int(rng.integers(0, t.out_height - 12))
            boxes.append([x, y, x + int(rng.integers(4, 12)), y + int(rng.integers(4, 12))])
        rows.append({"tile_id": t.tile_id, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                     "input_size": [t.out_width, t.out_height]})
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.slow
def test_kill_9_during_masks_of_a_large_answer_resumes_to_the_uninterrupted_counts(make_geotiff, tmp_path,
                                                                                    repo_root, tiny_models):
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    arr = np.random.default_rng(0).integers(0, 255, (3, 112, 196), dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")
    kw = dict(granularity=("boxes", "masks", "contours"), sam=str(tiny_models.sam_path), device="cpu",
              coordinates="original-image", **TILED)
    with RasterSource.open(raster) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(raster), query="q", out="x.gpkg", **kw))
    assert len(tiles) == 2
    replay = _many_boxes(tmp_path, tiles, per_view=100)  # 200 boxes: SAM takes most of each view's time
    ref = run(RunOptions(raster=str(raster), query="dots", out=str(tmp_path / "ref.gpkg"), backend="replay",
                         replay=str(replay), **kw))
    assert ref.status == "finished" and ref.counts["boxes"] > 150 and ref.counts["masks"] > 0

    out = tmp_path / "killed.gpkg"
    proc = subprocess.Popen(
        [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "dots", "-o", str(out),
         "--backend", "replay", "--replay", str(replay), "--granularity", "boxes,masks,contours",
         "--sam", str(tiny_models.sam_path), "--device", "cpu", "--coordinates", "original-image", "--quiet",
         *TILED_ARGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))
    _wait_for(out, "SELECT COUNT(*) FROM responses", 1, proc, limit=600)
    proc.kill()  # view 2 is being segmented: its 100 boxes are merged, SAM is on them
    proc.communicate(timeout=30)
    assert _status(out) == "running"
    assert _count(out, "SELECT COUNT(*) FROM responses") == 1
    assert _count(out, "SELECT COUNT(*) FROM masks WHERE tile_id = 1") == 0

    resumed = run(RunOptions(raster="", query="(resume)", out=str(out), resume=True, device="cpu"))
    assert resumed.status == "finished" and resumed.tiles_done == 2
    assert resumed.counts == ref.counts
    for layer in ("boxes", "masks", "contours"):
        a = pyogrio.read_dataframe(tmp_path / "ref.gpkg", layer=layer).sort_values("target_id")
        b = pyogrio.read_dataframe(out, layer=layer).sort_values("target_id")
        assert list(a["target_id"]) == list(b["target_id"]), layer
        assert [g.wkb for g in a.geometry] == [g.wkb for g in b.geometry], layer


def test_ignored_signals_stay_ignored_and_sigterm_raises_stopped():
    from inference_core.common.signals import Stopped, exit_code_for, install_stop_handlers

    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
        assert install_stop_handlers()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        with pytest.raises(Stopped) as stopped:
            signal.raise_signal(signal.SIGTERM)
        assert isinstance(stopped.value, KeyboardInterrupt) and exit_code_for(stopped.value) == 143
        assert exit_code_for(KeyboardInterrupt()) == 130
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
