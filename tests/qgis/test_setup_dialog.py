"""Set up engine…: recorded nvidia-smi output, QGIS proxy -> pip/download environment, a REAL venv
installed from a local wheel folder in a QgsTask (progress, log, repeat, failure, cancel), the worker's
hello from it; Models tab downloads through the engine subprocess from a loopback server."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import Qt

from inference_core.contract import catalog, envsetup
from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge import engine_env as ee
from remotereasoner_qgis.bridge import readiness
from remotereasoner_qgis.ui import models_tab as mm
from remotereasoner_qgis.ui.setup_dialog import SetupDialog, describe_hello
from tests.support.offline import file_server, make_wheel

CSV_570 = "NVIDIA RTX A4000, 570.133.07, 16376\n"
FAILED = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
PAYLOAD = bytes(range(256)) * 12288  # 3 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


# -- helpers ---------------------------------------------------------------------------------------

@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Plugin settings and proxy settings cleared before and after."""
    s = QgsSettings()
    for group in ("RemoteReasoner", "proxy"):
        s.remove(group)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    yield s
    for group in ("RemoteReasoner", "proxy"):
        s.remove(group)


# -- detection and proxy ---------------------------------------------------------------------------

def test_dialog_shows_recorded_gpu_and_proposes_the_cuda_build(isolated, tmp_path):
    dlg = SetupDialog(runner=lambda cmd: CSV_570, profile_dir=str(tmp_path),
                      pythons=[envsetup.PythonCandidate("/usr/bin/python3.11", (3, 11))])
    try:
        assert dlg.gpu_label.text() == "NVIDIA RTX A4000 — driver 570.133.07, 16.0 GB"
        assert dlg.torch_combo.currentData() == "cu128" and dlg.torch_combo.currentText() == "CUDA 12.8 (cu128)"
        assert dlg.python_combo.currentText() == "Python 3.11 — /usr/bin/python3.11"
        venv = str(tmp_path / "python" / "remotereasoner-engine")
        assert dlg.managed_radio.toolTip() == venv  # the text shortens a long path in the middle
        assert dlg.managed_radio.text().endswith("/python/remotereasoner-engine") and len(dlg.managed_radio.text()) < 90
        plan = dlg.plan()
        assert (plan.venv_dir, plan.base_python, plan.torch_build, plan.extra_pip_args) == \
            (tmp_path / "python" / "remotereasoner-engine", "/usr/bin/python3.11", "cu128", [])
        assert plan.requirements == envsetup.engine_requirements()
        # an existing conda-style interpreter: pip installs into its prefix, no new venv
        dlg.existing_radio.setChecked(True)
        dlg.existing_edit.setFilePath("/opt/conda/envs/rr/bin/python")
        assert dlg.plan().venv_dir == Path("/opt/conda/envs/rr")
        assert dlg.plan().python == Path("/opt/conda/envs/rr/bin/python")
        assert dlg.tabs.tabText(1) == "Models" and dlg.models.table.rowCount() == len(catalog.MODELS)
    finally:
        dlg.deleteLater()
    dlg = SetupDialog(runner=lambda cmd: FAILED, profile_dir=str(tmp_path), pythons=[])
    try:
        assert dlg.gpu_label.text().startswith("none found") and dlg.torch_combo.currentData() == "cpu"
        assert dlg.python_combo.currentData() == "" and dlg.install() is None
        assert "No Python 3.10 or newer was found" in dlg.log.toPlainText()
    finally:
        dlg.deleteLater()


def test_qgis_proxy_to_environment_never_shows_the_password(isolated, tmp_path):
    assert ee.proxy_url() is None
    for k, v in {"proxyEnabled": True, "proxyType": "HttpProxy", "proxyHost": "proxy.example", "proxyPort": "3128",
                 "proxyUser": "bob", "proxyPassword": "s@cret:1"}.items():
        isolated.setValue("proxy/" + k, v)
    url = ee.proxy_url()
    assert url == "http://bob:s%40cret%3A1@proxy.example:3128"
    env = ee.engine_env(offline=False)
    assert env["HTTPS_PROXY"] == env["http_proxy"] == url and "HF_HUB_OFFLINE" not in env
    assert ee.redact(f"ProxyError('Cannot connect to proxy {url}') s@cret:1", url) == \
        "ProxyError('Cannot connect to proxy http://bob:***@proxy.example:3128') ***"
    dlg = SetupDialog(runner=lambda cmd: "", profile_dir=str(tmp_path), pythons=[])
    try:
        assert dlg.proxy_label.text() == "http://bob:***@proxy.example:3128"
    finally:
        dlg.deleteLater()
    assert ee.engine_env(offline=True)["HF_HUB_OFFLINE"] == "1"
    isolated.setValue("proxy/proxyType", "DefaultProxy")  # the system proxy: pip reads it itself
    assert ee.proxy_url() is None


# -- a real install ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheels")
    make_wheel(folder)
    return folder


def _dialog(tmp_path: Path, wheels: Path, req_text: str, profile: Path) -> SetupDialog:
    req = tmp_path / f"req-{abs(hash(req_text))}.txt"
    req.write_text(req_text)
    base = getattr(sys, "_base_executable", sys.executable)
    py = envsetup.find_pythons((base,))
    dlg = SetupDialog(runner=lambda cmd: "", requirements=req, profile_dir=str(profile), pythons=py)
    dlg.wheels_edit.setFilePath(str(wheels))
    return dlg


def test_real_install_progress_hello_repair_failure_cancel(isolated, tmp_path, wheels, qtbot):
    profile = tmp_path / "profile"
    dlg = _dialog(tmp_path, wheels, "# pinned\nrrtestpkg==1.0\n", profile)
    steps: list[int] = []
    try:
        assert (dlg.plan().torch_build, dlg.plan().extra_pip_args) == ("none", ["--no-index", "--find-links", str(wheels)])
        dlg.progress.valueChanged.connect(steps.append)
        with qtbot.waitSignal(dlg.helloShown, timeout=180_000) as hello:
            with qtbot.waitSignal(dlg.installFinished, timeout=120_000) as done:
                task = dlg.install()
                assert task is not None and not dlg.install_button.isEnabled() and dlg.cancel_button.isEnabled()
        venv_py = profile / "python" / "remotereasoner-engine" / "bin" / "python"
        assert done.args == [True, str(venv_py)]
        log = dlg.log.toPlainText()
        assert "Successfully installed rrtestpkg-1.0" in log and " -m venv " in log
        assert steps[-1] == 100 and any(0 < s < 100 for s in steps)
        assert rs.PluginSettings.load().engine_python == str(venv_py)
        # the worker started from the new venv and said hello: Python there, the ML stack not
        ok, body = hello.args
        assert ok and body["versions"]["python"].startswith(f"{sys.version_info[0]}.")
        assert body["versions"]["torch"] is None and body["devices"] == ["cpu"]
        text = dlg.hello_label.text()
        assert "torch not installed" in text and "Missing: torch, transformers, segment_anything, rasterio." in text
        # ... so the managed set-up is not finished: the dock says so
        r = readiness.check_readiness(rs.PluginSettings.load(), ("boxes",), profile_dir=str(profile))
        assert r.state == "no_engine" and "did not finish" in r.message

        # repeat = repair: the venv is reused, pip finds everything in place
        with qtbot.waitSignal(dlg.helloShown, timeout=180_000):
            with qtbot.waitSignal(dlg.installFinished, timeout=120_000) as again:
                dlg.install()
        assert again.args[0] is True
        assert "already satisfied" in dlg.log.toPlainText() and " -m venv " not in dlg.log.toPlainText()
    finally:
        dlg.deleteLater()

    # a failing install shows pip's last lines and keeps the settings
    bad = _dialog(tmp_path, wheels, "doesnotexist-rr==9.9\n", profile)
    try:
        with qtbot.waitSignal(bad.installFinished, timeout=120_000) as failed:
            bad.install()
        assert failed.args[0] is False and failed.args[1].startswith("Installing the engine failed (exit 1)")
        assert "No matching distribution found for doesnotexist-rr==9.9" in bad.log.toPlainText()
        assert bad.progress.value() == 0 and bad.install_button.isEnabled()
    finally:
        bad.deleteLater()

    # cancel as soon as pip starts (a direct connection runs in the task's thread, before pip ends)
    dlg = _dialog(tmp_path, wheels, "rrtestpkg==1.0\n", profile)
    try:
        def on_line(line: str) -> None:
            if line.startswith("$ ") and " -m pip " in line:
                dlg.task.cancel()

        dlg.installStarting.connect(lambda task: task.logLine.connect(on_line, Qt.ConnectionType.DirectConnection))
        with qtbot.waitSignal(dlg.installFinished, timeout=120_000) as cancelled:
            dlg.install()
        assert cancelled.args[0] is False and "cancelled" in cancelled.args[1]
        assert dlg.install_button.isEnabled() and not dlg.cancel_button.isEnabled()
    finally:
        dlg.deleteLater()


def test_describe_hello_with_gpu():
    hello = {"versions": {"python": "3.11.2", "torch": "2.14.1", "transformers": "5.24.0", "segment_anything": "1.0",
                          "rasterio": "1.4.4", "gdal": "3.9.3", "numpy": "2.4.0", "inference_core": "0.1.0"},
             "devices": ["cpu", "cuda:0"], "cuda_build": "12.8",
             "cuda_memory": [{"device": "cuda:0", "name": "NVIDIA H100 80GB HBM3", "free_bytes": 84_000_000_000,
                              "total_bytes": 85_520_000_000}]}
    assert describe_hello(hello, lambda s: s).split("\n") == [
        "Python 3.11.2 · inference_core 0.1.0 · torch 2.14.1 · transformers 5.24.0 · segment-anything 1.0 · "
        "rasterio 1.4.4 · GDAL 3.9.3 · numpy 2.4.0",
        "Devices: cpu, cuda:0 (CUDA 12.8)",
        "cuda:0: NVIDIA H100 80GB HBM3, 84.0 GB free of 85.5 GB",
    ]


# -- Models tab ----------------------------------------------------------------------------------------

@pytest.fixture
def models_server():
    with file_server(PAYLOAD) as server:
        yield server


@pytest.fixture
def models_env(isolated, tmp_path, engine_py, models_server):
    """A catalog with one SAM checkpoint served by the loopback server."""
    url = f"{models_server.url}/sam_test_0000.pth"
    cat = tmp_path / "catalog.json"
    cat.write_text(json.dumps([{"key": "test-sam", "title": "Test SAM", "kind": "sam", "source": url,
                                "size_bytes": len(PAYLOAD), "licence": "MIT", "sha256": SHA, "sam_type": "vit_b"}]))
    rs.PluginSettings(engine_python=engine_py).save()
    rs.set_models_folder(str(tmp_path / "models"))
    return cat


def _models(cat: Path, qtbot) -> mm.ModelsWidget:
    from inference_core.models.store import load_entries

    w = mm.ModelsWidget(entries=load_entries(cat), catalog_file=str(cat))
    qtbot.addWidget(w)
    return w


def test_models_tab_download_uses_the_checkpoint(models_env, tmp_path, qtbot):
    w = _models(models_env, qtbot)
    n = len(catalog.MODELS)  # the shipped catalog's rows, then the test file's one
    assert w.table.rowCount() == n + 1 and w.state_of("test-sam") == "absent"
    row = [w.table.item(n, j).text() for j in range(5)]
    assert row == ["Test SAM", "3 MB", "MIT", models_env.read_text().split('"source": "')[1].split('"')[0], "absent"]
    assert [w.table.item(0, j).text() for j in (0, 1, 2, 3)] == [
        "RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO)", "16.6 GB", "see the model card", "1e12Leon/RemoteReasoner"]
    assert w.table.item(0, 2).toolTip() == "see the model card (Qwen2.5-VL-7B base: Apache-2.0)"  # the whole licence
    w.select("test-sam")
    assert w.download_button.isEnabled() and w.local_button.text() == "Use a local file…"
    with qtbot.waitSignal(w.statesChanged, timeout=60_000) as states:
        with qtbot.waitSignal(w.downloadFinished, timeout=60_000) as done:
            w.download_button.click()
    target = tmp_path / "models" / "sam_test_0000.pth"
    assert done.args == [True, str(target)] and target.read_bytes() == PAYLOAD
    assert w.progress.value() == 100
    by_key = {r["key"]: r for r in states.args[0]}
    assert by_key["test-sam"]["state"] == "present" and by_key["remotereasoner-7b"]["state"] == "absent"
    assert w.table.item(n, 4).text() == "present"
    # nothing was configured: the downloaded checkpoint is now the one runs use
    cfg = rs.PluginSettings.load()
    assert cfg.sam == str(target)
    r = readiness.check_readiness(cfg, ("boxes", "masks"), profile_dir=str(tmp_path))
    assert r.state == "no_models" and "Masks" not in r.message  # only the 16.6 GB model is missing now


def test_models_tab_wrong_checksum_offline_and_cancel(models_env, models_server, tmp_path, qtbot):
    rows = json.loads(models_env.read_text())
    rows[0]["sha256"] = "0" * 64
    models_env.write_text(json.dumps(rows))
    w = _models(models_env, qtbot)
    with qtbot.waitSignal(w.downloadFinished, timeout=60_000) as bad:
        w.download("test-sam")
    assert bad.args[0] is False and "SHA-256" in bad.args[1] and "removed" in bad.args[1]
    assert list((tmp_path / "models").iterdir()) == [] and rs.PluginSettings.load().sam == ""
    qtbot.waitUntil(lambda: w.task is None, timeout=30_000)  # the state refresh after the download

    w.offline_check.setChecked(True)
    assert rs.offline_setting() is True
    n = len(models_server.requests)
    with qtbot.waitSignal(w.downloadFinished, timeout=60_000) as offline:
        w.download("test-sam")
    assert offline.args[1].startswith("Offline mode is on, so Test SAM cannot be downloaded.")
    assert len(models_server.requests) == n
    qtbot.waitUntil(lambda: w.task is None, timeout=30_000)

    w.offline_check.setChecked(False)
    rows[0]["sha256"] = SHA
    models_env.write_text(json.dumps(rows))
    models_server.delay = 0.01
    part = tmp_path / "models" / "sam_test_0000.pth.part"
    with qtbot.waitSignal(w.downloadFinished, timeout=60_000) as cancelled:
        w.download("test-sam")
        qtbot.waitUntil(lambda: part.exists() and part.stat().st_size > 0, timeout=30_000)
        w.cancel_button.click()
    assert cancelled.args[0] is False and "cancelled" in cancelled.args[1]
    assert 0 < part.stat().st_size < len(PAYLOAD)


def test_use_local_folder_and_a_model_that_does_not_load(models_env, tmp_path, qtbot):
    w = _models(models_env, qtbot)
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    assert w.use_local(str(folder)) is False
    assert w.status.text().startswith(f"{folder} is not a model folder: config.json is missing.")
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertModel"]}))
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    with qtbot.waitSignal(w.settingsChanged, timeout=1000):
        assert w.use_local(str(folder)) is True
    assert rs.PluginSettings.load().model == str(folder)
    with qtbot.waitSignal(w.loadChecked, timeout=120_000) as checked:
        w.test_load()
    ok, why = checked.args
    assert ok is False and why.startswith(f"{folder} is a bert model, not Qwen2.5-VL: the transformers backend runs")
    assert w.status.text() == f"{folder} does not load: {why}"


def test_selftest_button_runs_the_engine_pipeline_check(isolated, tmp_path, engine_py, qtbot):
    """Self-test: the engine runs reason -> SAM -> vectorise -> GeoPackage with the shipped tiny reasoner
    and the dialog reports the pass with its timings, labelled as an installation check."""
    dlg = SetupDialog(runner=lambda cmd: "", profile_dir=str(tmp_path))
    try:
        task = dlg.selftest(engine_py)
        assert task is not None and not dlg.selftest_button.isEnabled()
        with qtbot.waitSignal(task.selftestDone, timeout=300_000) as sig:
            pass
        passed, result, error = sig.args
        assert passed, (result, error)
        assert result["checks"]["every square found (IoU > 0.5, map units)"] is True
        assert all(iou > 0.5 for iou in result["best_iou"]) and result["boxes_found"] == len(result["best_iou"])
        text = dlg.hello_label.text()
        assert text.startswith("Self-test passed on cpu") and "not of a real model" in text
        assert dlg.selftest_button.isEnabled()
        assert dlg.selftest(str(tmp_path / "nope")) is None
        assert dlg.hello_label.text().startswith("No engine at")
    finally:
        dlg.done(0)


def test_models_tab_uses_sam_2_1_for_masks_never_as_the_reasoner(models_env, tmp_path, qtbot):
    w = _models(models_env, qtbot)
    before = rs.PluginSettings.load()
    assert w.use("sam2.1-hiera-tiny")
    cfg = rs.PluginSettings.load()
    assert cfg.sam == "facebook/sam2.1-hiera-tiny" and (cfg.backend, cfg.model) == (before.backend, before.model)
    folder = tmp_path / "sam2.1-local"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "sam2"}))
    (folder / "model.safetensors").write_bytes(b"x")
    assert w.use_local(str(folder))
    cfg = rs.PluginSettings.load()
    assert cfg.sam == str(folder) and cfg.model == before.model


def test_check_engine_tests_the_interpreter_in_use(isolated, tmp_path, engine_py, qtbot):
    """Check engine starts the interpreter runs use (the engine_python setting, else the managed venv), the
    dialog names it, and Install / repair is the default button only while the engine does not work."""
    managed = str(envsetup.default_engine_python(str(tmp_path)))
    dlg = SetupDialog(runner=lambda cmd: "", profile_dir=str(tmp_path), pythons=[])
    try:
        assert dlg.managed_radio.isChecked() and dlg.in_use_label.text() == f"{managed} (not set up yet)"
        assert dlg.install_button.isDefault() and not dlg.check_button.isDefault()
        assert dlg.check_engine() is None and dlg.hello_label.text().startswith(f"No engine at {managed}")
    finally:
        dlg.deleteLater()

    rs.PluginSettings(engine_python=engine_py).save()  # an interpreter of one's own (not the managed venv)
    dlg = SetupDialog(runner=lambda cmd: "", profile_dir=str(tmp_path), pythons=[])
    try:
        assert dlg.existing_radio.isChecked() and dlg.existing_edit.filePath() == engine_py
        assert dlg.in_use_label.text() == engine_py
        assert dlg.check_button.isDefault() and not dlg.install_button.isDefault()
        with qtbot.waitSignal(dlg.helloShown, timeout=180_000) as shown:
            task = dlg.check_engine()
            assert task is not None and task.python == engine_py
        assert shown.args[0] is True
        assert f"The engine is ready: {engine_py}" in dlg.hello_label.text()
        assert rs.PluginSettings.load().engine_python == engine_py
    finally:
        dlg.deleteLater()
