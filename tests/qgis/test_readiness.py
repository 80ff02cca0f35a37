"""Readiness: no engine / engine without models / ready, from real files (HF cache layout, SAM file,
managed venv marker), and the real dock showing each state through the drop-in readiness_problems."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from qgis.core import QgsSettings

from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge import readiness as rd
from remotereasoner_qgis.bridge.readiness import check_readiness


@pytest.fixture
def hf_cache(tmp_path, monkeypatch):
    cache = tmp_path / "hf"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


def _snapshot(cache: Path, repo: str, files: dict[str, bytes]) -> Path:
    repo_dir = cache / ("models--" + repo.replace("/", "--"))
    rev = "c0ffee" * 6 + "c0ff"
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(rev)
    snap = repo_dir / "snapshots" / rev
    snap.mkdir(parents=True)
    for name, data in files.items():
        (snap / name).write_bytes(data)
    return snap


def test_no_engine(tmp_path, hf_cache):
    cfg = rs.PluginSettings(engine_python=str(tmp_path / "nope" / "bin" / "python"))
    r = check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path / "profile"))
    assert (r.state, r.action) == ("no_engine", "setup_engine")
    assert r.message.startswith(f"No engine interpreter: {tmp_path / 'nope' / 'bin' / 'python'} does not exist")
    # the model problem is listed too, after the engine
    assert len(r.problems) == 2 and "is not downloaded yet" in r.problems[1]


def test_managed_venv_needs_a_finished_setup(tmp_path, hf_cache, engine_py):
    profile = tmp_path / "profile"
    venv = profile / "python" / "remotereasoner-engine"
    (venv / "bin").mkdir(parents=True)
    os.symlink(engine_py, venv / "bin" / "python")
    cfg = rs.PluginSettings(engine_python=str(venv / "bin" / "python"), backend="openai", server_url="http://h:8000/v1")
    r = check_readiness(cfg, ("boxes",), profile_dir=str(profile))
    assert r.state == "no_engine" and f"The engine set-up did not finish ({venv})" in r.message
    marker = rd.write_ready_marker(venv, {"versions": {"torch": "2.14.1"}, "devices": ["cpu"], "secret": "x"})
    assert json.loads(marker.read_text()) == {"cuda_build": None, "cuda_memory": None, "devices": ["cpu"],
                                              "platform": None, "versions": {"torch": "2.14.1"}}
    assert check_readiness(cfg, ("boxes",), profile_dir=str(profile)).state == "ready"


def test_engine_without_models_then_ready(tmp_path, hf_cache, engine_py):
    cfg = rs.PluginSettings(engine_python=engine_py)  # default model: the RemoteReasoner hub id
    r = check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path))
    assert (r.state, r.action) == ("no_models", "models")
    assert r.message == ("RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO) (16.6 GB) is not downloaded yet: download it under "
                         "Set up engine… › Models, or choose a local model folder.")
    snap = _snapshot(hf_cache, "1e12Leon/RemoteReasoner", {
        "config.json": b"{}",
        "model.safetensors.index.json": json.dumps({"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}).encode(),
        "model-1.safetensors": b"1"})
    r = check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path))
    assert r.state == "no_models" and "(model-2.safetensors is missing)" in r.message
    (snap / "model-2.safetensors").write_bytes(b"2")
    assert check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path)) == rd.Readiness("ready", "", "", ())
    r = check_readiness(cfg, ("boxes", "masks"), profile_dir=str(tmp_path))
    assert (r.state, r.action) == ("no_models", "models") and r.message.startswith("Masks and contours need a SAM checkpoint")
    cfg.sam = str(tmp_path / "sam_vit_b_01ec64.pth")
    assert "does not exist" in check_readiness(cfg, ("contours",), profile_dir=str(tmp_path)).message
    Path(cfg.sam).write_bytes(b"sam")
    assert check_readiness(cfg, ("boxes", "masks", "contours"), profile_dir=str(tmp_path)).state == "ready"


def test_local_folder_server_and_replay(tmp_path, hf_cache, engine_py):
    folder = tmp_path / "my-model"
    folder.mkdir()
    cfg = rs.PluginSettings(engine_python=engine_py, model=str(folder))
    r = check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path))
    assert r.state == "no_models" and r.message.startswith(f"The model folder {folder} is not a model: config.json is missing.")
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"w")
    assert check_readiness(cfg, ("boxes",), profile_dir=str(tmp_path)).ready
    server = rs.PluginSettings(engine_python=engine_py, backend="openai")
    r = check_readiness(server, ("boxes",), profile_dir=str(tmp_path))
    assert (r.state, r.action, r.message) == ("no_models", "settings", "No model server: set the server URL in the settings.")
    server.server_url = "http://gpu:8000/v1"
    assert check_readiness(server, ("boxes",), profile_dir=str(tmp_path)).ready
    replay = rs.PluginSettings(engine_python=engine_py, backend="replay", replay=str(tmp_path / "none.jsonl"))
    assert check_readiness(replay, ("boxes",), profile_dir=str(tmp_path)).state == "no_models"


def test_real_dock_shows_the_three_states(qgis_iface, tmp_path, hf_cache, engine_py, monkeypatch):
    """The real dock: each state's message, and the button names the action that fixes it."""
    from remotereasoner_qgis.ui import dock as rdock

    s = QgsSettings()
    s.remove("RemoteReasoner")
    rs.PluginSettings(engine_python=str(tmp_path / "missing" / "python")).save()
    d = rdock.RemoteReasonerDock(qgis_iface)
    try:
        problems = d.refresh_readiness()
        assert problems[0].startswith("No engine interpreter") and not d.run_button.isEnabled()
        assert d.readiness_label.text().split("\n")[0] == problems[0]
        assert d.settings_button.text() == "Set up engine…"
        rs.PluginSettings(engine_python=engine_py).save()
        problems = d.refresh_readiness()
        assert problems == ["RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO) (16.6 GB) is not downloaded yet: download it under "
                            "Set up engine… › Models, or choose a local model folder."]
        assert not d.run_button.isEnabled() and not d.settings_button.isHidden()
        assert d.settings_button.text() == "Models…"
        _snapshot(hf_cache, "1e12Leon/RemoteReasoner", {"config.json": b"{}", "model.safetensors": b"w"})
        assert d.refresh_readiness() == []
        assert d.run_button.isEnabled() and d.readiness_label.isHidden()
    finally:
        d.shutdown()
        s.remove("RemoteReasoner")


def test_models_tab_quick_state_is_the_engine_model_state(tmp_path, hf_cache):
    """The Models tab's state before the engine answers comes from contract.model_state, as the engine's does."""
    from inference_core.contract import catalog
    from inference_core.contract.model_state import entry_state
    from remotereasoner_qgis.ui.models_tab import quick_state

    mllm = next(e for e in catalog.MODELS if e.kind == "mllm")
    sam = next(e for e in catalog.MODELS if e.kind == "sam")
    folder = tmp_path / "models"
    folder.mkdir()
    assert quick_state(mllm, str(folder))["state"] == quick_state(sam, str(folder))["state"] == "absent"
    snap = _snapshot(hf_cache, mllm.source, {"config.json": b"{}"})
    assert quick_state(mllm, str(folder))["state"] == "corrupt"  # no weights
    (snap / "model.safetensors").write_bytes(b"w")
    assert quick_state(mllm, str(folder)) == {"state": "present", "path": str(snap), "detail": ""}
    (folder / (sam.file_name + ".part")).write_bytes(b"x")
    assert quick_state(sam, str(folder))["state"] == "downloading"
    (folder / sam.file_name).write_bytes(b"short")
    assert quick_state(sam, str(folder))["state"] == "corrupt"  # not the catalog's size
    for entry in (mllm, sam):
        state = entry_state(entry, folder)
        assert quick_state(entry, str(folder)) == {"state": state.state, "path": state.path, "detail": state.detail}


def test_sam_2_1_settings_are_usable_by_folder_or_cached_hub_id(tmp_path, monkeypatch):
    """A SAM 2.1 folder or hub id is a SAM setting like a .pth: ready when whole or cached, else the Models tab."""
    import json

    from inference_core.contract.model_state import sam_problem

    folder = tmp_path / "sam2.1"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "sam2"}))
    assert sam_problem(str(folder)) == "model.safetensors is missing"
    (folder / "model.safetensors").write_bytes(b"x")
    assert sam_problem(str(folder)) is None
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    assert sam_problem("facebook/sam2.1-hiera-tiny") == "not downloaded"
    snap = tmp_path / "hf" / "models--facebook--sam2.1-hiera-tiny" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    (snap.parents[1] / "refs").mkdir()
    (snap.parents[1] / "refs" / "main").write_text("abc")
    (snap / "config.json").write_text("{}")
    (snap / "model.safetensors").write_bytes(b"x")
    assert sam_problem("facebook/sam2.1-hiera-tiny") is None
    assert sam_problem(str(tmp_path / "gone.pth")) == "missing"
    cfg = rs.PluginSettings(engine_python="/usr/bin/python3", model=str(folder), sam="facebook/sam2.1-hiera-small")
    problems = [p for p, _ in rd.model_problems(cfg, ("boxes", "masks"))]
    assert "SAM facebook/sam2.1-hiera-small is not downloaded yet: download it in the Models tab." in problems
