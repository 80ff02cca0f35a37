"""Engine set-up: nvidia-smi parsing -> torch build, and a real venv + pip install from a local wheel."""

import sys

import pytest

from inference_core.contract.envsetup import (
    EnvInstaller, EnvPlan, EnvSetupError, GpuInfo, choose_torch_build, detect_gpus, parse_nvidia_smi,
)
from tests.support.offline import make_wheel

CSV_550 = "NVIDIA GeForce RTX 3060, 550.54.15, 12288\n"
CSV_TWO_580 = "NVIDIA H100 80GB HBM3, 580.82.07, 81559\nNVIDIA H100 80GB HBM3, 580.82.07, 81559\n"
CSV_570 = "NVIDIA RTX A4000, 570.133.07, 16376\n"
CSV_565 = "Tesla T4, 565.57.01, 15360\n"
TABLE_470 = """+-----------------------------------------------------------------------------+
| NVIDIA-SMI 470.182.03   Driver Version: 470.182.03   CUDA Version: 11.4     |
|-------------------------------+----------------------+----------------------+
|   0  Quadro P2000        Off  | 00000000:01:00.0 Off |                  N/A |
| 49%   40C    P8     5W /  75W |      1MiB /  5059MiB |      0%      Default |
+-------------------------------+----------------------+----------------------+
"""
FAILED = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"


@pytest.mark.parametrize(
    "output, gpus, build",
    [
        (CSV_550, [GpuInfo("NVIDIA GeForce RTX 3060", "550.54.15", 12288)], "cpu"),
        (CSV_TWO_580, [GpuInfo("NVIDIA H100 80GB HBM3", "580.82.07", 81559)] * 2, "cu130"),
        (CSV_570, [GpuInfo("NVIDIA RTX A4000", "570.133.07", 16376)], "cu128"),
        (CSV_565, [GpuInfo("Tesla T4", "565.57.01", 15360)], "cu126"),
        (TABLE_470, [GpuInfo("Quadro P2000", "470.182.03", 5059)], "cpu"),
        (FAILED, [], "cpu"),
        ("", [], "cpu"),
    ],
)
def test_nvidia_smi_to_torch_build(output, gpus, build):
    parsed = parse_nvidia_smi(output)
    assert parsed == gpus
    assert choose_torch_build(parsed) == build
    assert detect_gpus(runner=lambda cmd: output) == gpus


@pytest.fixture(scope="module")
def venv_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("envsetup")
    wheels = tmp / "wheels"
    wheels.mkdir()
    make_wheel(wheels)
    return tmp, wheels


def _plan(tmp, wheels, req_text):
    req = tmp / f"req-{abs(hash(req_text))}.txt"
    req.write_text(req_text)
    base = getattr(sys, "_base_executable", sys.executable)
    return EnvPlan(tmp / "venv", base, "none", req, ["--no-index", "--find-links", str(wheels)])


def test_real_venv_install_with_progress_and_repeat(venv_env):
    import subprocess

    tmp, wheels = venv_env
    events = []
    python = EnvInstaller(_plan(tmp, wheels, "# pinned\nrrtestpkg==1.0\n")).run(events.append)
    out = subprocess.run([str(python), "-c", "import rrtestpkg; print(rrtestpkg.VALUE)"], capture_output=True, text=True)
    assert out.stdout.strip() == "1.0"
    fractions = [e["fraction"] for e in events if e["type"] == "progress" and e["step"] == "Installing the engine"]
    assert fractions[-1] == 1.0 and len(fractions) >= 2
    assert any("Successfully installed rrtestpkg-1.0" in e.get("line", "") for e in events)
    # a second run repairs/reuses: no new venv, pip says it is already satisfied
    again = []
    EnvInstaller(_plan(tmp, wheels, "rrtestpkg==1.0\n")).run(again.append)
    assert not any(e.get("line", "").endswith(" -m venv " + str(tmp / "venv")) for e in again)
    assert any("already satisfied" in e.get("line", "") for e in again)


def test_failing_install_reports_pip_tail(venv_env):
    tmp, wheels = venv_env
    with pytest.raises(EnvSetupError) as err:
        EnvInstaller(_plan(tmp, wheels, "doesnotexist-rr==9.9\n")).run()
    assert "Installing the engine failed" in str(err.value)
    assert "No matching distribution found for doesnotexist-rr==9.9" in err.value.log_tail


def test_cancel_stops_pip(venv_env):
    tmp, wheels = venv_env
    inst = EnvInstaller(_plan(tmp, wheels, "rrtestpkg==1.0\n"))

    def emit(e):  # cancel as soon as pip starts talking
        if e["type"] == "log" and e["line"].startswith("$ ") and "pip" in e["line"]:
            inst.cancel()

    with pytest.raises(EnvSetupError, match="cancelled"):
        inst.run(emit)
