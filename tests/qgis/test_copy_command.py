"""Copy as command: the dock's command lines for the current question, extent and settings, run for real — the
CLI line with the engine's Python, the qgis_process line with the packaged plugin — give back the run's boxes."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest
from qgis.core import QgsRectangle, QgsVectorLayer

from conftest import ROOT, write_replay
from rr_support import QGIS_PROCESS, clean_env, deploy, package_zip
from test_dock import TWO_TREES, _replay_settings, run_dock


def boxes_of(path: str, table: str = "|layername=boxes") -> list[tuple]:
    layer = QgsVectorLayer(path + table, "b", "ogr")
    assert layer.isValid(), path
    return sorted((f["target_id"], f["query"], f.geometry().asWkt(3)) for f in layer.getFeatures())


def test_copied_commands_reproduce_the_run(qtbot, dock, raster, clean_settings, tmp_path, engine_py):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    dock.question.layer_combo.setLayer(raster)
    # a rectangle drawn in the raster's CRS: 35 m x 30 m from the upper-left corner, both crowns inside
    dock.question.extent.set_drawn_extent(QgsRectangle(404211.9, 3285112.9, 404246.9, 3285142.9), raster.crs())
    summary, _ = run_dock(qtbot, dock, "the two biggest tree crowns")
    assert summary["counts"]["boxes"] == 2
    want = boxes_of(summary["out"])
    assert len(want) == 2

    panel = dock.analyst.command
    cmds = panel.refresh()
    assert cmds is not None, panel.notes_label.text()
    assert panel.cli_text.toPlainText() == cmds.cli
    argv = shlex.split(cmds.cli)
    # as pasted: the engine folder on PYTHONPATH and the engine venv's Python by its full path
    assert argv[:6] == [f"PYTHONPATH={ROOT}", engine_py, "-m", "inference_core", "reason", raster.source()]
    assert argv[argv.index("--query") + 1] == "the two biggest tree crowns"
    assert argv[argv.index("--backend") + 1] == "replay" and argv[argv.index("--replay") + 1] == str(tmp_path / "a.jsonl")
    xmin, ymin, xmax, ymax = (float(v) for v in argv[argv.index("--extent") + 1].split(","))
    assert (xmin, ymin, xmax, ymax) == pytest.approx((404211.9, 3285112.9, 404246.9, 3285142.9), abs=1e-6)
    out = argv[argv.index("--out") + 1]
    assert os.path.dirname(out) == str(tmp_path / "out") and out != summary["out"]

    # the CLI line exactly as copied, in a shell started elsewhere without PYTHONPATH: the venv that Set up
    # engine builds does not hold inference_core, so a bare `python -m inference_core` would fail here
    shell_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run(cmds.cli, shell=True, cwd=tmp_path, env=shell_env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert boxes_of(out) == want

    # the qgis_process line, with the packaged plugin in a fresh profile whose engine is the test venv
    config = tmp_path / "qgis_config"
    deploy(package_zip(), config / "profiles" / "default", ini_extra=f"[RemoteReasoner]\nengine_python={engine_py}\n")
    qargv = shlex.split(cmds.qgis_process)
    # Debian's qgis_process wrapper adds --noversioncheck, which qgis_process 3.22 refuses: the real binary
    assert qargv[:4] == [QGIS_PROCESS, "run", "remotereasoner:reason", "--"]
    assert "BACKEND=1" in qargv and "GRANULARITY=0" in qargv
    extent = next(a for a in qargv if a.startswith("EXTENT="))
    assert extent.endswith(" [EPSG:32617]")  # QGIS's order: xmin,xmax,ymin,ymax [CRS]
    assert [float(v) for v in extent[7:-13].split(",")] == pytest.approx([404211.9, 404246.9, 3285112.9, 3285142.9])
    boxes_out = next(a.split("=", 1)[1] for a in qargv if a.startswith("OUTPUT_BOXES="))
    # exactly as copied, through the shell (the profile is that machine's: QGIS_CUSTOM_CONFIG_PATH)
    proc = subprocess.run(cmds.qgis_process, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=clean_env(QGIS_CUSTOM_CONFIG_PATH=str(config), QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert boxes_of(boxes_out, "") == want  # a Processing sink file holds one layer


def test_openai_commands_carry_no_secret(dock, raster, clean_settings, monkeypatch):
    from remotereasoner_qgis import settings as rs

    clean_settings.backend, clean_settings.server_url, clean_settings.auth_cfg = "openai", "http://gpu:8000/v1", "abc1234"
    clean_settings.server_model = "remote-reasoner"
    clean_settings.save()
    monkeypatch.setattr(rs, "resolve_api_key", lambda _cfg: pytest.fail("the commands must not read the key"))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    dock.question.question_edit.setPlainText("ships")
    cmds = dock.analyst.command.refresh()
    argv = shlex.split(cmds.cli)
    assert argv[argv.index("--api-key-env") + 1] == "REMOTEREASONER_API_KEY"
    assert argv[argv.index("--server-url") + 1] == "http://gpu:8000/v1"
    assert argv[argv.index("--model") + 1] == "remote-reasoner"
    assert "abc1234" not in cmds.cli + cmds.qgis_process
    assert any("REMOTEREASONER_API_KEY" in n for n in cmds.notes)


def test_no_question_no_command(dock, raster):
    dock.question.layer_combo.setLayer(raster)
    dock.question.question_edit.setPlainText("")
    assert dock.analyst.command.refresh() is None
    assert dock.analyst.command.notes_label.text() == "Type a question first."
    assert not dock.analyst.command.copy_cli_button.isEnabled()


def test_qgis_process_executable_per_packaging(tmp_path):
    """Debian (a qgis_process.bin beside the wrapper): the binary by its full path, which QGIS 3.22 runs as pasted;
    a packaging without it (Windows, macOS, the QGIS 3.40 matrix image): `qgis_process` itself."""
    from remotereasoner_qgis.processing.command import qgis_process_executable

    assert qgis_process_executable("/usr") == QGIS_PROCESS == "/usr/bin/qgis_process.bin"
    (tmp_path / "bin").mkdir()
    assert qgis_process_executable(str(tmp_path)) == "qgis_process"
    # the wrapper itself is what fails on 3.22 (the reason for the choice, measured here); newer QGIS knows the
    # flag it adds (3.44.15 in the matrix lists its algorithms through it), and the binary runs on both
    from qgis.core import Qgis

    proc = subprocess.run(["/usr/bin/qgis_process", "list"], capture_output=True, text=True, timeout=120,
                          env=clean_env(QT_QPA_PLATFORM="offscreen"))
    if Qgis.QGIS_VERSION_INT < 32300:
        assert "--noversioncheck not known" in proc.stdout + proc.stderr
    else:
        assert proc.returncode == 0 and "Available algorithms" in proc.stdout, proc.stderr[-500:]
