"""Model manager operations: states (SAM folder, real HF cache layout), and the JSON-lines CLI the plugin
runs, downloading from a loopback HTTP server: progress, wrong SHA-256, no space, offline, cancel + resume."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inference_core.contract import catalog; from inference_core.models import store as model_ops
from inference_core.models.downloads import DownloadError
from tests.support.offline import file_server
from tests.support.hub_cache import add_file, hub_snapshot  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = bytes(range(256)) * 12288  # 3 MiB: downloads write 1 MiB blocks
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def server():
    with file_server(PAYLOAD) as state:
        yield state


def _catalog_file(tmp_path: Path, base_url: str, sha: str = SHA, hub_size: int = 1000) -> Path:
    rows = [
        {"key": "test-sam", "title": "Test SAM", "kind": "sam", "source": f"{base_url}/sam_test_0000.pth",
         "size_bytes": len(PAYLOAD), "licence": "MIT", "sha256": sha, "sam_type": "vit_b"},
        {"key": "test-hub", "title": "Test hub model", "kind": "mllm", "source": "rr-test/tiny-vl",
         "size_bytes": hub_size, "licence": "MIT"},
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


def _cli(*args: str, env_extra: dict | None = None, stdin=None):
    # The engine tests run with HF_HUB_OFFLINE=1; these downloads only reach the loopback server.
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env.update(PYTHONPATH=str(ROOT), **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "inference_core.models.store", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=stdin or subprocess.DEVNULL, text=True, env=env, cwd=ROOT)


def _events(proc) -> tuple[list[dict], int]:
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    return [json.loads(line) for line in out.splitlines()], proc.returncode


def test_state_of_the_real_catalog_in_an_empty_folder(tmp_path):
    rows = model_ops.models_state(tmp_path / "models", cache_dir=str(tmp_path / "hf"))
    assert [r["key"] for r in rows] == [m.key for m in catalog.MODELS]
    assert {r["state"] for r in rows} == {"absent"}
    sam_b = next(r for r in rows if r["key"] == "sam-vit-b")
    assert (sam_b["size_bytes"], sam_b["licence"], sam_b["sam_type"]) == (375_042_383, "Apache-2.0", "vit_b")
    assert rows[0]["source"] == "1e12Leon/RemoteReasoner"


def test_sam_states_partial_wrong_size_present(tmp_path):
    entries = model_ops.load_entries(_catalog_file(tmp_path, "http://127.0.0.1:9"))
    folder = tmp_path / "models"
    folder.mkdir()
    state = lambda: {r["key"]: r for r in model_ops.models_state(folder, str(tmp_path / "hf"), entries)}["test-sam"]
    (folder / "sam_test_0000.pth.part").write_bytes(PAYLOAD[:1000])
    assert (state()["state"], state()["detail"]) == ("downloading", "1000 bytes so far")
    (folder / "sam_test_0000.pth").write_bytes(PAYLOAD[:-1])
    assert state()["state"] == "corrupt" and state()["detail"] == f"size {len(PAYLOAD) - 1} != {len(PAYLOAD)}"
    (folder / "sam_test_0000.pth").write_bytes(PAYLOAD)
    assert state()["state"] == "present" and state()["path"] == str(folder / "sam_test_0000.pth")






def test_hub_states_in_a_real_cache_layout(tmp_path):
    cache = tmp_path / "hf"
    assert model_ops.hub_state("rr-test/tiny-vl", str(cache)).state == "absent"
    snap = hub_snapshot(cache)
    add_file(snap, "config.json", b'{"model_type": "qwen2_5_vl"}')
    index = {"weight_map": {"a.weight": "model-00001-of-00002.safetensors", "b.weight": "model-00002-of-00002.safetensors"}}
    add_file(snap, "model.safetensors.index.json", json.dumps(index).encode())
    add_file(snap, "model-00001-of-00002.safetensors", b"shard one")
    st = model_ops.hub_state("rr-test/tiny-vl", str(cache))
    assert (st.state, st.detail) == ("corrupt", "missing weight file(s): model-00002-of-00002.safetensors")
    (snap.parents[1] / "blobs" / "feedbeef.incomplete").write_bytes(b"x" * 10)
    assert model_ops.hub_state("rr-test/tiny-vl", str(cache)).state == "downloading"
    add_file(snap, "model-00002-of-00002.safetensors", b"shard two")
    st = model_ops.hub_state("rr-test/tiny-vl", str(cache))
    assert (st.state, st.path) == ("present", str(snap))


def test_cli_download_progress_then_present(server, tmp_path):
    cat = _catalog_file(tmp_path, server.url)
    folder = tmp_path / "models"
    events, rc = _events(_cli("download", "test-sam", "--folder", str(folder), "--catalog", str(cat)))
    assert rc == 0
    progress = [e for e in events if e["type"] == "progress"]
    assert progress[0]["done"] == 0 and progress[0]["total"] == len(PAYLOAD)
    assert progress[-1]["done"] == len(PAYLOAD)
    assert events[-1]["type"] == "done" and events[-1]["path"] == str(folder / "sam_test_0000.pth")
    assert (folder / "sam_test_0000.pth").read_bytes() == PAYLOAD
    states, rc = _events(_cli("state", "--folder", str(folder), "--catalog", str(cat), "--verify",
                              "--cache-dir", str(tmp_path / "hf")))
    by_key = {e["key"]: e for e in states}
    assert rc == 0 and by_key["test-sam"]["state"] == "present" and by_key["sam-vit-h"]["state"] == "absent"
    assert len(states) == len(catalog.MODELS) + 2
    # A second download of a present model makes no request.
    n = len(server.requests)
    events, rc = _events(_cli("download", "test-sam", "--folder", str(folder), "--catalog", str(cat)))
    assert rc == 0 and events[-1]["type"] == "done" and len(server.requests) == n


def test_cli_wrong_sha256_rejected_and_partial_removed(server, tmp_path):
    cat = _catalog_file(tmp_path, server.url, sha="0" * 64)
    folder = tmp_path / "models"
    events, rc = _events(_cli("download", "test-sam", "--folder", str(folder), "--catalog", str(cat)))
    assert rc == 1 and events[-1]["type"] == "error" and events[-1]["code"] == "download"
    assert "SHA-256" in events[-1]["message"] and "removed" in events[-1]["message"]
    assert sorted(p.name for p in folder.iterdir()) == []


def test_no_space_reported_before_any_request(server, tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    cat = _catalog_file(tmp_path, server.url, hub_size=10**16)  # 10 PB
    events, rc = _events(_cli("download", "test-hub", "--folder", str(tmp_path / "m"), "--catalog", str(cat),
                              "--cache-dir", str(tmp_path / "hf")))
    assert rc == 1 and "Not enough disk space" in events[-1]["message"] and "10000000.00 GB needed" in events[-1]["message"]
    # the SAM path checks before the first request too
    rows = json.loads(cat.read_text())
    rows[0]["size_bytes"] = 10**16
    cat.write_text(json.dumps(rows))
    with pytest.raises(DownloadError, match="Not enough disk space"):
        model_ops.download("test-sam", tmp_path / "m", entries=model_ops.load_entries(cat))
    assert server.requests == []


def test_offline_refuses_without_network(server, tmp_path):
    cat = _catalog_file(tmp_path, server.url)
    events, rc = _events(_cli("download", "test-sam", "--folder", str(tmp_path / "m"), "--catalog", str(cat), "--offline"))
    assert rc == 1 and events[-1]["message"].startswith("Offline mode is on, so Test SAM cannot be downloaded.")
    assert server.requests == []


def test_cancel_keeps_partial_then_resume(server, tmp_path):
    server.delay = 0.01  # 192 chunks of 16 KiB -> about 2 s per file
    cat = _catalog_file(tmp_path, server.url)
    folder = tmp_path / "models"
    proc = _cli("download", "test-sam", "--folder", str(folder), "--catalog", str(cat), "--stdin-control",
                stdin=subprocess.PIPE)
    part = folder / "sam_test_0000.pth.part"
    deadline = time.monotonic() + 20
    while not (part.exists() and part.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.stdin.write("cancel\n")
    proc.stdin.flush()
    events, rc = _events(proc)
    assert rc == 2 and events[-1]["code"] == "cancelled" and "resume" in events[-1]["message"]
    kept = part.stat().st_size
    assert 0 < kept < len(PAYLOAD)
    server.delay = 0.0
    events, rc = _events(_cli("download", "test-sam", "--folder", str(folder), "--catalog", str(cat)))
    assert rc == 0 and (folder / "sam_test_0000.pth").read_bytes() == PAYLOAD
    assert server.requests[-1] == ("/sam_test_0000.pth", f"bytes={kept}-")
    assert any(e.get("resumed") for e in events)


def test_unknown_key_and_bad_catalog(tmp_path):
    events, rc = _events(_cli("download", "sam-vit-x", "--folder", str(tmp_path)))
    assert rc == 1 and events[-1]["message"].startswith("Unknown model 'sam-vit-x': use one of remotereasoner-7b,")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    events, rc = _events(_cli("state", "--folder", str(tmp_path), "--catalog", str(bad)))
    assert rc == 1 and "is not a JSON list of model entries" in events[-1]["message"]
