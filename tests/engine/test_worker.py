"""The engine worker: request checking, OOM retry, and real worker subprocesses running replay and tiny-model runs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inference_core.contract.client import WorkerClient, WorkerDied
from inference_core.contract.options import OptionsError
from inference_core.contract.protocol import EVENT_TYPES, ErrorCode, encode
from inference_core.service.dispatch import Worker
from inference_core.service.messages import jsonable, options_from_request

# 560 x 560 px at 0.5 m cut into 56-px tiles without overlap: 100 tiles, one replayed box in each.
SIDE, TILE, PIXEL = 560, 56, 0.5
ORIGIN_X, ORIGIN_Y = 500000.0, 4000000.0
N_TILES = (SIDE // TILE) ** 2
BOX = (10, 12, 30, 40)  # x1, y1, x2, y2 in tile pixels (the tile is the model input: 56 x 56)


# --------------------------------------------------------------------------------------------
# pure functions
# --------------------------------------------------------------------------------------------


def test_options_from_request_checks_types_and_values():
    base = {"raster": "a.tif", "query": "tanks", "out": "o.gpkg"}
    opts = options_from_request({**base, "extent": [0, 0, 10, 5], "bands": [3, 2, 1], "granularity": "boxes"})
    assert opts.extent == (0.0, 0.0, 10.0, 5.0) and opts.bands == (3, 2, 1) and opts.granularity == ("boxes",)
    assert options_from_request(base, resume=True).resume is True
    for bad, name in [({"tile_size": "1008"}, "tile_size"), ({"tile_size": True}, "tile_size"),
                      ({"simplify": "x"}, "simplify"), ({"append": 1}, "append"), ({"query": 3}, "query"),
                      ({"extent": [0, 0, "a", 1]}, "extent")]:
        with pytest.raises(OptionsError, match=f"Option '{name}' has the wrong type"):
            options_from_request({**base, **bad})
    for bad, words in [({"gsd": float("nan")}, "Option 'gsd' holds NaN"),
                       ({"extent": [0, 0, float("inf"), 1]}, "Option 'extent' holds infinity")]:
        with pytest.raises(OptionsError, match=words):  # JSON NaN/Infinity are named, not "wrong type"
            options_from_request({**base, **bad})
    with pytest.raises(OptionsError, match="Unknown option"):
        options_from_request({**base, "tile": 3})
    with pytest.raises(OptionsError, match="Missing option"):
        options_from_request({"raster": "a.tif"})
    with pytest.raises(OptionsError, match="too small"):
        options_from_request({**base, "tile_size": 20})
    with pytest.raises(OptionsError, match="must be a JSON object"):
        options_from_request([1, 2])
    # load fills the run fields it does not need
    assert options_from_request({"backend": "replay", "replay": "r.jsonl"}, for_load=True).backend == "replay"


def test_jsonable_handles_dataclasses_bytes_and_nan():
    from dataclasses import dataclass

    @dataclass
    class S:
        a: tuple
        b: float
        c: bytes

    assert jsonable({"s": S((1, 2), float("inf"), b"\x01\xff"), 3: np.float32(1.5)}) == {
        "s": {"a": [1, 2], "b": None, "c": "01ff"}, "3": 1.5}


def test_in_process_bad_requests_each_get_one_error():
    out: list[str] = []
    w = Worker(out.append)
    for line in [b"\xff\xfe\n", b"{not json\n", b"[1]\n", b'{"id": "a"}\n', b'{"type": "hello"}\n',
                 b'{"type": "fly", "id": "x"}\n', b'{"type": "cancel", "id": "c"}\n',
                 b'{"type": "reason", "id": "r", "options": {"raster": "a", "query": "q", "out": "o", "overlap": -1}}\n',
                 b"   \n"]:
        w.handle_line(line)
    events = [json.loads(x) for x in out]
    assert [e["type"] for e in events] == ["error"] * 8
    assert [e["code"] for e in events] == ["bad_request"] * 7 + ["bad_options"]
    assert [e["id"] for e in events] == [None, None, None, None, None, "x", "c", "r"]
    assert "overlap" in events[-1]["message"]
    assert w.current is None


# --------------------------------------------------------------------------------------------
# run fixtures (real rasterio files, replay answers)
# --------------------------------------------------------------------------------------------


def _write_case(tmp_path: Path, make_geotiff, side: int = SIDE) -> dict:
    rng = np.random.default_rng(5)
    raster = make_geotiff(rng.integers(1, 250, size=(3, side, side), dtype=np.uint8), crs="EPSG:32633")
    replay = tmp_path / "answers.jsonl"
    n = (side // TILE) ** 2
    replay.write_text("".join(json.dumps({"tile_id": t, "raw_text": f"<think>tile {t}</think><answer>[{list(BOX)}]</answer>"}) + "\n"
                              for t in range(n)))
    return {"raster": str(raster), "query": "the bright squares", "out": str(tmp_path / "result.gpkg"),
            "backend": "replay", "replay": str(replay), "tile_size": TILE, "overlap": 0,
            "max_pixels": TILE * TILE, "min_pixels": TILE * TILE}


def expected_box(tile_id: int, side: int = SIDE) -> tuple[float, float, float, float]:
    per_row = side // TILE
    r, c = divmod(tile_id, per_row)
    x1, y1, x2, y2 = BOX
    return (ORIGIN_X + (c * TILE + x1) * PIXEL, ORIGIN_Y - (r * TILE + y2) * PIXEL,
            ORIGIN_X + (c * TILE + x2) * PIXEL, ORIGIN_Y - (r * TILE + y1) * PIXEL)


def read_boxes(gpkg: str):
    import pyogrio

    return pyogrio.read_dataframe(gpkg, layer="boxes")


def run_rows(gpkg: str) -> list[tuple[str, str]]:
    with sqlite3.connect(gpkg) as con:
        return con.execute("SELECT run_id, status FROM runs ORDER BY rowid").fetchall()


def result_tiles(events) -> list[int]:
    return [e["tile_id"] for e in events if e["type"] == "result"]


@pytest.fixture(scope="module")
def client():
    c = WorkerClient(sys.executable)
    yield c
    c.close()


# --------------------------------------------------------------------------------------------
# a real worker subprocess
# --------------------------------------------------------------------------------------------


def torch_mapped(pid: int) -> bool:
    """Whether a live process has torch's shared libraries (libtorch*.so) mapped: it imported torch (Linux)."""
    rows = (line.split(maxsplit=5) for line in Path(f"/proc/{pid}/maps").read_text().splitlines())
    return any(len(row) == 6 and Path(row[5]).name.startswith("libtorch") for row in rows)  # row[5]: the file


def test_hello_round_trip(client):
    quick = client.hello(probe=False, timeout=60)
    assert not torch_mapped(client.pid)  # no torch import on start or for hello(probe=False)
    assert quick["type"] == "hello" and quick["protocol"] == 1 and quick["pid"] == client.pid
    assert quick["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    import rasterio
    import torch
    import transformers

    assert quick["versions"]["torch"] == torch.__version__.split("+")[0]
    assert quick["versions"]["transformers"] == transformers.__version__
    assert quick["versions"]["segment_anything"] == "1.0"
    assert quick["versions"]["rasterio"] == rasterio.__version__
    full = client.hello(probe=True, timeout=120)
    assert torch_mapped(client.pid)  # the probe asks torch for the devices
    assert full["versions"]["gdal"] == rasterio.__gdal_version__
    assert full["devices"][0] == "cpu"
    assert len(full["cuda_memory"]) == torch.cuda.device_count() == len(full["devices"]) - 1 - ("mps" in full["devices"])
    st = client.call("status", timeout=30)
    assert st["busy"] is False and st["current"] is None


def test_bad_requests_keep_the_worker_serving(client):
    pid = client.pid
    err = client.call("reason", timeout=30, options={"raster": "a.tif", "query": "q", "out": "o.gpkg", "batch_size": "2"})
    assert (err["type"], err["code"]) == ("error", ErrorCode.BAD_OPTIONS) and "batch_size" in err["message"]
    err = client.call("teleport", timeout=30)
    assert err["code"] == ErrorCode.BAD_REQUEST and err["id"].startswith("r") and "teleport" in err["message"]
    err = client.call("reason", timeout=60, options={"raster": "/nonexistent/x.tif", "query": "q", "out": "/tmp/o.gpkg",
                                                     "backend": "replay", "replay": "/nonexistent/a.jsonl"})
    assert err["type"] == "error" and err["code"] in (ErrorCode.INPUT, ErrorCode.BAD_OPTIONS)
    assert "x.tif" in err["message"] or "a.jsonl" in err["message"]
    assert client.alive and client.pid == pid


def test_reason_streams_progress_results_and_done_matching_the_gpkg(client, tmp_path, make_geotiff):
    side = TILE * 6  # 36 tiles
    opts = _write_case(tmp_path, make_geotiff, side=side)
    n_tiles = (side // TILE) ** 2
    events = list(client.request("reason", timeout=120, options=opts))
    rid = events[0]["id"]
    assert all(e["id"] == rid for e in events)
    types = [e["type"] for e in events]
    assert types[-1] == "done" and "progress" in types and types.count("result") == n_tiles
    assert set(types) <= set(EVENT_TYPES)  # the protocol lists every event the worker sends
    progress = [e for e in events if e["type"] == "progress" and e.get("tiles")]
    assert {e["tiles"] for e in progress} == {n_tiles}
    assert sorted(result_tiles(events)) == list(range(n_tiles))
    summary = events[-1]["summary"]
    assert summary["status"] == "finished" and summary["tiles_done"] == summary["tiles_total"] == n_tiles
    assert summary["counts"]["boxes"] == n_tiles and summary["out"] == opts["out"]
    # The GeoPackage holds exactly what the events announced.
    event_boxes = {f["properties"]["target_id"]: (e["tile_id"], f["wkt"])
                   for e in events if e["type"] == "result" for f in e["features"]["boxes"]}
    df = read_boxes(opts["out"])
    assert len(df) == len(event_boxes) == n_tiles
    assert set(df["target_id"]) == set(event_boxes)
    assert set(df["run_id"]) == {summary["run_id"]}
    for _, row in df.iterrows():
        assert row["tile_id"] == event_boxes[row["target_id"]][0]
        assert row.geometry.bounds == pytest.approx(expected_box(int(row["tile_id"]), side), abs=0.25)
    assert run_rows(opts["out"]) == [(summary["run_id"], "finished")]
    st = client.call("status", timeout=30)
    assert st["busy"] is False and st["models"]["segmenter"] is None
    assert st["models"]["backend"] == {"backend": "replay", "model": "replay:answers.jsonl", "replay": opts["replay"],
                                       "answers": n_tiles}


def test_busy_status_and_cancel_within_one_tile(client, tmp_path, make_geotiff):
    opts = _write_case(tmp_path, make_geotiff, side=SIDE * 2)  # 400 tiles: long enough to act mid-run
    total = (2 * SIDE // TILE) ** 2
    rid = client.send("reason", options=opts)
    events = []
    for ev in client.events(rid, timeout=120):
        events.append(ev)
        if len(result_tiles(events)) == 3:
            break
    busy = client.call("reason", timeout=30, options=opts)
    assert busy["code"] == ErrorCode.BUSY and rid in busy["message"]
    st = client.call("status", timeout=30)
    assert st["busy"] is True and st["current"]["id"] == rid and st["current"]["type"] == "reason"
    ack = client.call("cancel", timeout=30, target=rid)
    assert ack["type"] == "status" and ack["cancel"] == {"target": rid, "accepted": True}
    at_cancel = ack["current"]["progress"]["tile"]  # the tile being worked on when the cancel landed
    events += list(client.events(rid, timeout=120))
    summary = events[-1]["summary"]
    assert events[-1]["type"] == "done" and summary["status"] == "cancelled"
    # Stops within one tile: at most the tile in progress is finished after the cancel.
    assert summary["tiles_done"] <= at_cancel + 2 < total
    assert summary["tiles_done"] == len(result_tiles(events))
    assert run_rows(opts["out"]) == [(summary["run_id"], "cancelled")]
    assert len(read_boxes(opts["out"])) == summary["tiles_done"]  # finished tiles stay
    late = client.call("cancel", timeout=30, target=rid)
    assert late["cancel"] == {"target": rid, "accepted": False} and late["busy"] is False


def test_kill_9_mid_run_then_resume_completes_without_duplicates(tmp_path, make_geotiff):
    opts = _write_case(tmp_path, make_geotiff)  # 100 tiles; killed after the 5th is reported
    total = N_TILES
    c = WorkerClient(sys.executable)
    try:
        rid = c.send("reason", options=opts)
        seen: list[int] = []
        with pytest.raises(WorkerDied) as died:
            for ev in c.events(rid, timeout=120):
                if ev["type"] == "result":
                    seen.append(ev["tile_id"])
                    if len(seen) == 5:
                        os.kill(c.pid, signal.SIGKILL)
        assert died.value.exit_code == -signal.SIGKILL
        assert "exit code -9" in str(died.value) and "restarted on the next request" in str(died.value)
        assert not c.alive
        before = read_boxes(opts["out"])
        assert set(seen) <= set(before["tile_id"])  # every tile reported before the kill is on disk
        assert len(before) < total
        assert run_rows(opts["out"])[0][1] not in ("finished", "cancelled")
        with sqlite3.connect(opts["out"]) as con:  # a tile is done once its responses row is committed
            done = {r[0] for r in con.execute("SELECT tile_id FROM responses")}
        assert set(seen) <= done
        old_pid = c.pid
        events = list(c.request("resume", timeout=120, options=opts))
        assert c.pid != old_pid and c.restarts == 1
        assert events[-1]["type"] == "done"
        resumed = result_tiles(events)
        # only the missing tiles; a tile killed between its features and its responses row is done again
        # (its features are removed first, so nothing is duplicated: see below)
        assert not set(resumed) & done and set(resumed) == set(range(total)) - done
        after = read_boxes(opts["out"])
        assert len(after) == total and after["tile_id"].is_unique and after["target_id"].is_unique
        assert sorted(after["tile_id"]) == list(range(total))
        assert run_rows(opts["out"])[-1][1] == "finished"
        with sqlite3.connect(opts["out"]) as con:
            assert con.execute("SELECT COUNT(*), COUNT(DISTINCT tile_id) FROM responses").fetchone() == (total, total)
    finally:
        c.close()


def test_reason_on_tiny_transformers_model(client, tmp_path, sample_tif, tiny_models):
    out = tmp_path / "tiny.gpkg"
    opts = {"raster": str(sample_tif), "query": "the tree crowns", "out": str(out), "backend": "transformers",
            "model": str(tiny_models.mllm_dir), "device": "cpu", "dtype": "float32", "max_new_tokens": 8,
            "max_pixels": 112 * 112, "min_pixels": 56 * 56, "tile_size": 224, "overlap": 0}
    loaded = client.call("load", timeout=300, options={k: v for k, v in opts.items() if k not in ("raster", "query", "out")})
    assert loaded["type"] == "loaded", loaded
    assert loaded["models"]["backend"]["backend"] == "transformers" and loaded["models"]["backend"]["device"] == "cpu"
    assert str(tiny_models.mllm_dir) in loaded["models"]["backend"]["model"]
    events = list(client.request("reason", timeout=300, options=opts))
    assert events[-1]["type"] == "done", events[-1]
    summary = events[-1]["summary"]
    # 400 px at 224-px tiles without overlap: starts 0 and 176 per axis -> 4 tiles, each with a responses row.
    assert summary["status"] == "finished" and summary["tiles_total"] == summary["tiles_done"] == 4
    assert {e["tiles"] for e in events if e["type"] == "progress" and e.get("tiles")} == {4}
    with sqlite3.connect(out) as con:
        rows = con.execute("SELECT tile_id, raw_text FROM responses ORDER BY tile_id").fetchall()
    assert [r[0] for r in rows] == [0, 1, 2, 3] and all(isinstance(r[1], str) for r in rows)
    assert summary["counts"].get("boxes", 0) == len(read_boxes(str(out))) == sum(
        len(e["features"]["boxes"]) for e in events if e["type"] == "result")


# --------------------------------------------------------------------------------------------
# out of memory: the replay backend raises the backend's OOM error (in-process worker loop)
# --------------------------------------------------------------------------------------------


def _in_process(request: dict) -> list[dict]:
    out: list[str] = []
    w = Worker(out.append)
    w.handle_line(encode(request))
    assert w.join(timeout=120)
    w.handle_line(encode({"type": "status", "id": "s"}))
    return [json.loads(x) for x in out]


def test_oom_once_retries_with_half_the_batch_and_resumes(tmp_path, make_geotiff, monkeypatch):
    from inference_core.models.backends.base import BackendOOM
    from inference_core.models.backends.replay import ReplayBackend

    opts = {**_write_case(tmp_path, make_geotiff, side=TILE * 4), "batch_size": 4}
    real = ReplayBackend.reason
    calls = {"n": 0}

    def reason_oom_on_second_batch(self, requests):
        calls["n"] += 1
        # The first batch of 4 tiles is written; the second runs out of memory, and so does the
        # pipeline's halving (2, then 1 view per call): the run fails and the worker takes over.
        if calls["n"] in (2, 3, 4):
            raise BackendOOM("CUDA out of memory (injected by the test)")
        return real(self, requests)

    monkeypatch.setattr(ReplayBackend, "reason", reason_oom_on_second_batch)
    events = _in_process({"type": "reason", "id": "r1", "options": opts})
    warning = next(e for e in events if e["type"] == "warning" and e.get("setting"))
    assert (warning["setting"], warning["old"], warning["new"]) == ("batch_size", 4, 2)
    done = next(e for e in events if e["type"] == "done")
    assert done["summary"]["status"] == "finished" and done["summary"]["tiles_total"] == 16
    df = read_boxes(opts["out"])
    assert sorted(df["tile_id"]) == list(range(16)) and df["target_id"].is_unique  # resumed: no duplicates
    assert events[-1]["type"] == "status" and events[-1]["busy"] is False


def test_oom_twice_gives_a_clear_error_naming_the_setting(tmp_path, make_geotiff, monkeypatch):
    from inference_core.models.backends.base import BackendOOM
    from inference_core.models.backends.replay import ReplayBackend

    opts = {**_write_case(tmp_path, make_geotiff, side=TILE * 4), "tile_size": 112, "max_pixels": 112 * 112}
    seen_sizes = []

    def always_oom(self, requests):
        seen_sizes.append(requests[0].image.size)
        raise BackendOOM("CUDA out of memory (injected by the test)")

    monkeypatch.setattr(ReplayBackend, "reason", always_oom)
    events = _in_process({"type": "reason", "id": "r1", "options": opts})
    err = next(e for e in events if e["type"] == "error")
    assert err["code"] == ErrorCode.OUT_OF_MEMORY and err["setting"] == "tile_size" and err["id"] == "r1"
    assert "--tile-size 84" in err["message"] and "Lower --batch-size or --tile-size" in err["message"]
    assert seen_sizes == [(112, 112), (84, 84)]  # first try, then the one retry with 25 % smaller tiles
    assert events[-1]["type"] == "status" and events[-1]["busy"] is False  # the worker still serves


def test_stdout_carries_protocol_lines_only(tmp_path):
    # Python prints and C-level writes to fd 1 (tqdm, print debugging, extensions) go to stderr.
    code = ("import os, sys; from inference_core.service.stdout_guard import protocol_stdout; w = protocol_stdout(); "
            "print('python noise'); sys.stdout.flush(); os.write(1, b'c noise\\n'); w('{\"type\":\"bye\",\"id\":\"x\"}\\n')")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=tmp_path, check=True)
    assert out.stdout == b'{"type":"bye","id":"x"}\n'
    assert b"python noise" in out.stderr and b"c noise" in out.stderr
