"""Fixtures for the QGIS-side tests (real QGIS 3.22 offscreen through pytest-qgis).

The engine runs in its own interpreter (`make engine-python`), exactly as in QGIS: these tests
start the real worker and never import the ML stack into this process.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"


def engine_python() -> str:
    out = subprocess.run(["make", "-C", str(ROOT), "-s", "engine-python"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture(scope="session")
def engine_py() -> str:
    py = engine_python()
    if not os.access(py, os.X_OK):
        pytest.fail(f"engine interpreter {py} missing: run `make setup`")
    return py




@pytest.fixture
def sample_tif() -> Path:
    return SAMPLE


@pytest.fixture
def clean_settings(tmp_path, engine_py, tiny_models):
    """Isolated plugin settings, ready to run: engine = the test engine venv, model = the tiny
    Qwen2.5-VL folder, output in tmp_path; restored after."""
    from qgis.core import QgsSettings

    s = QgsSettings()
    s.remove("RemoteReasoner")
    from remotereasoner_qgis.settings import PluginSettings

    cfg = PluginSettings(engine_python=engine_py, model=str(tiny_models["mllm"]), output_dir=str(tmp_path / "out"))
    cfg.save()
    yield cfg
    s.remove("RemoteReasoner")


def write_replay(path: Path, answers: list[str], input_size=(400, 400)) -> Path:
    """A replay file: one recorded answer per line, in tile order."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, text in enumerate(answers):
            fh.write(json.dumps({"tile_id": i, "raw_text": text, "input_size": list(input_size)}) + "\n")
    return path


CANCEL_VIEWS = 64


def cancellable_replay(clean_settings, tmp_path: Path):
    """Replay settings for a run to cancel: 64 views of 56 px (the smallest the model takes, no overlap) over the
    400 x 400 px sample, one 15-px box each. A cancel sent on the first result reaches the worker long before the
    last view; with 25 views a fast worker could answer them all first (seen on CI and in the 3.44 matrix)."""
    answers = ["<answer>[[5,5,20,20]]</answer>"] * CANCEL_VIEWS
    clean_settings.backend = "replay"
    clean_settings.replay = str(write_replay(tmp_path / "many.jsonl", answers, (56, 56)))
    clean_settings.tile_size, clean_settings.overlap, clean_settings.max_pixels = 56, 0, 56 * 56
    clean_settings.save()
    return clean_settings


@pytest.fixture
def raster(sample_tif, qgis_new_project):
    """OSBS_029 (400 x 400 px of 0.1 m, EPSG:32617) as a raster layer of the project."""
    from qgis.core import QgsProject, QgsRasterLayer

    layer = QgsRasterLayer(str(sample_tif), "OSBS_029")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)  # the project owns (and deletes) it
    return layer


@pytest.fixture
def dock(qgis_iface, clean_settings):
    """The Reason-on-extent dock with the test settings (engine venv, tiny models)."""
    from remotereasoner_qgis.ui import dock as rd

    d = rd.RemoteReasonerDock(qgis_iface)
    yield d
    d.shutdown()
    d.deleteLater()


@pytest.fixture(autouse=True)
def _clean_project():
    """Each test starts with an empty project and leaves none of its layers behind."""
    from qgis.core import QgsProject

    QgsProject.instance().clear()
    yield
    QgsProject.instance().clear()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory, engine_py):
    """Offline tiny Qwen2.5-VL + SAM, built by the engine interpreter (never in this process)."""
    out = tmp_path_factory.mktemp("tiny-models")
    proc = subprocess.run([engine_py, "-m", "inference_core.models.tiny", "--out", str(out)],
                          capture_output=True, text=True, cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {"mllm": out / "mllm", "sam": out / "sam.pth", "sam3": out / "sam3"}


@pytest.fixture(scope="session", autouse=True)
def _stop_workers():
    """The shared engine worker lives for the session (warm models); stop it at the end."""
    yield
    from remotereasoner_qgis.bridge import worker_pool

    worker_pool.close_all()


@pytest.fixture(scope="session")
def rr_provider(qgis_processing):
    """The plugin's Processing provider, registered once and referenced for the whole session. A Python provider
    whose object is collected (a test's local variable) leaves QGIS a provider without algorithms for every
    later test, so tests take this one instead of registering their own."""
    from qgis.core import QgsApplication

    from remotereasoner_qgis.processing.provider import RemoteReasonerProvider

    reg = QgsApplication.processingRegistry()
    prov = reg.providerById("remotereasoner")
    if prov is None:
        prov = RemoteReasonerProvider()
        assert reg.addProvider(prov)
    yield prov
