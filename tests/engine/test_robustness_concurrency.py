"""One writer per output (run/out_lock.py): a second run to the same --out is refused naming the first, before any
model loads; two real processes started 0.3 s apart never lose a view; a dead holder's lock is taken over."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.common.errors import InputError
from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.raster.source import RasterSource
from inference_core.raster.tiling import plan_tiles
from inference_core.run.out_lock import Holder, OutputLock, lock_path
from inference_core.run.pipeline import run

TILED = dict(tile_size=112, overlap=28, max_pixels=12544)  # 16 views of a 300 x 300 raster
TILED_ARGS = ["--tile-size", "112", "--overlap", "28", "--max-pixels", "12544"]


def _env(repo_root):
    return {**os.environ, "PYTHONPATH": str(repo_root), "REMOTEREASONER_LOG_LEVEL": "WARNING"}


@pytest.fixture
def tiled(make_geotiff, tmp_path):
    """A 300 x 300 raster of 16 views and a replay file with 3 boxes in each view."""
    arr = np.random.default_rng(3).integers(0, 255, (3, 300, 300), dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")
    with RasterSource.open(raster) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(raster), query="q", out="x.gpkg", **TILED))
    assert len(tiles) == 16
    rows = [{"tile_id": t.tile_id, "raw_text": "<answer>[[4,4,20,20],[40,40,60,70],[80,10,100,30]]</answer>",
             "input_size": [t.out_width, t.out_height]} for t in tiles]
    replay = tmp_path / "answers.jsonl"
    replay.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return raster, replay


def _db(out, sql):
    con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_held_output_is_refused_naming_the_holder_before_the_model(sample_tif, tmp_path):
    out = tmp_path / "r.gpkg"
    with OutputLock(out, "every roof") as held:
        held.note_run("20260101T000000-abcdef")
        assert os.path.exists(lock_path(out))
        # a transformers model that does not exist: refused for the lock, so no model load was tried
        with pytest.raises(InputError) as err:
            run(RunOptions(raster=str(sample_tif), query="trees", out=str(out), backend="transformers",
                           model=str(tmp_path / "no-such-model")))
        msg = str(err.value)
        assert err.value.code == ErrorCode.INPUT
        assert f"pid {os.getpid()}" in msg and "run 20260101T000000-abcdef" in msg and "'every roof'" in msg
        assert re.search(r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", msg) and "pick another --out" in msg
        assert not out.exists()  # nothing was made
        # a correction is refused the same way while a run holds the file
        from inference_core.run.correct import Correction, correct

        with pytest.raises(InputError, match="being written by another run"):
            correct(Correction(str(out), "undo"), None)
    assert not os.path.exists(lock_path(out))  # released: the file is gone


def test_the_lock_is_released_after_a_run_and_after_a_refused_one(sample_tif, tmp_path, repo_root):
    out = tmp_path / "r.gpkg"
    replay = repo_root / "resources" / "sample" / "OSBS_029.answers.jsonl"
    s = run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay)))
    assert s.status == "finished" and s.counts["boxes"] == 61
    assert not os.path.exists(lock_path(out))
    with pytest.raises(InputError, match="Band 9 does not exist"):  # fails after the claim: released all the same
        run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay),
                       bands=(9,)))
    assert not os.path.exists(lock_path(out))
    s = run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay)))
    assert s.counts["boxes"] == 61


def test_a_dead_holders_lock_is_taken_over(sample_tif, tmp_path, repo_root):
    out = tmp_path / "r.gpkg"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from inference_core.run.out_lock import OutputLock; "
         f"OutputLock({str(out)!r}, 'old query').claim(); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env=_env(repo_root))
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(InputError, match=f"pid {holder.pid}.*'old query'"):
        OutputLock(out).claim()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert Holder.read(lock_path(out)).pid == holder.pid  # the dead process's file is still there...
    replay = repo_root / "resources" / "sample" / "OSBS_029.answers.jsonl"
    s = run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay)))
    assert s.status == "finished" and s.counts["boxes"] == 61  # ...and its lock is free: taken over
    assert not os.path.exists(lock_path(out))


def test_out_in_a_folder_that_takes_no_files_is_not_writable_not_disk_full(sample_tif, tmp_path):
    with pytest.raises(InputError) as err:
        run(RunOptions(raster=str(sample_tif), query="trees", out="/proc/x.gpkg", backend="replay",
                       replay=str(tmp_path / "none.jsonl")))
    assert "Cannot write /proc/x.gpkg: the folder /proc is not writable" in str(err.value)
    assert "full" not in str(err.value)
    with pytest.raises(InputError, match="the folder .*nowhere does not exist"):
        run(RunOptions(raster=str(sample_tif), query="trees", out=str(tmp_path / "nowhere" / "x.gpkg"),
                       backend="replay", replay=str(tmp_path / "none.jsonl")))


@pytest.mark.slow
def test_two_processes_to_one_out_0_3_s_apart_never_lose_a_view(tiled, tmp_path, repo_root):
    raster, replay = tiled
    outcomes = []
    for i in range(10):
        out = tmp_path / f"same{i}.gpkg"
        cmd = [sys.executable, "-m", "inference_core", "reason", str(raster), "-q", "squares", "-o", str(out),
               "--backend", "replay", "--replay", str(replay), "--quiet", *TILED_ARGS]
        first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))
        time.sleep(0.3)
        second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(repo_root))
        results = []
        for proc, other in ((first, second), (second, first)):
            _, err = proc.communicate(timeout=300)
            assert proc.returncode in (0, 2), err  # never an internal error (70) nor a failed run
            assert "internal error" not in err and "Traceback" not in err
            if proc.returncode == 2:  # refused: names the run that holds the file, its pid and query
                assert f"is being written by another run (pid {other.pid}" in err and "'squares'" in err, err
            results.append(proc.returncode)
        assert 0 in results
        runs = _db(out, "SELECT run_id, status FROM runs")
        assert len(runs) == 1 and runs[0][1] == "finished"  # the winner's run, whole (a later one replaced it whole)
        assert _db(out, "SELECT COUNT(DISTINCT tile_id) FROM responses") == [(16,)]
        assert _db(out, "SELECT COUNT(*) FROM boxes")[0][0] > 16
        assert not os.path.exists(lock_path(out))
        outcomes.append(tuple(results))
    # the two orders both happen in practice; every pair ended with one whole run and no error
    assert len(outcomes) == 10 and any(2 in o for o in outcomes)  # the lock was really contended


def test_a_stale_lock_file_with_garbage_is_taken_over_and_a_live_one_still_refuses(sample_tif, tmp_path, repo_root):
    out = tmp_path / "r.gpkg"
    with open(lock_path(out), "wb") as fh:
        fh.write(b"\x00\xffnot json")  # left by a crash, no process holds it
    replay = repo_root / "resources" / "sample" / "OSBS_029.answers.jsonl"
    s = run(RunOptions(raster=str(sample_tif), query="crowns", out=str(out), backend="replay", replay=str(replay)))
    assert s.status == "finished" and s.counts["boxes"] == 61 and not os.path.exists(lock_path(out))
    with OutputLock(out) as held:
        os.truncate(lock_path(out), 0)  # its description lost: the lock itself still holds
        with pytest.raises(InputError, match=r"being written by another run \(another process\)"):
            OutputLock(out).claim()
        assert held.fd is not None
