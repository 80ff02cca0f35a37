"""`qgis_process run remotereasoner:reason` with the packaged plugin enabled in a test profile."""

from __future__ import annotations

import json
import subprocess

import pytest
from qgis.core import QgsVectorLayer, QgsWkbTypes

from rr_support import QGIS_PROCESS, SAMPLE, clean_env, deploy, engine_python, package_zip, tiny_models, write_replay

BOXES_PX = [[19, 39, 66, 87], [160, 150, 215, 205], [300, 310, 372, 380]]


@pytest.fixture(scope="module")
def config_root(tmp_path_factory):
    """QGIS_CUSTOM_CONFIG_PATH for qgis_process (3.22 has no --profile): the ZIP deployed into its
    `profiles/default`, the plugin enabled, its engine set to the test engine venv."""
    root = tmp_path_factory.mktemp("qgis_process_config")
    deploy(package_zip(), root / "profiles" / "default",
           ini_extra=f"[RemoteReasoner]\nengine_python={engine_python()}\n")
    return root


def qgis_process(config_root, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([QGIS_PROCESS, *args], env=clean_env(QGIS_CUSTOM_CONFIG_PATH=str(config_root),
                                                               QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=timeout)


def test_run_boxes_masks_contours(config_root, tmp_path):
    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    sam = tiny_models() / "sam.pth"
    out = {k: tmp_path / f"{k}.gpkg" for k in ("boxes", "masks", "contours")}
    proc = qgis_process(
        config_root, "--json", "run", "remotereasoner:reason", "--",
        f"INPUT={SAMPLE}", "QUERY=the tree crowns", "GRANULARITY=0", "GRANULARITY=1", "GRANULARITY=2",
        "BACKEND=1", f"REPLAY={replay}", f"SAM={sam}", "DEVICE=cpu",
        f"OUTPUT_BOXES={out['boxes']}", f"OUTPUT_MASKS={out['masks']}", f"OUTPUT_CONTOURS={out['contours']}",
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert result["algorithm_details"]["id"] == "remotereasoner:reason"
    assert result["results"]["OUTPUT_BOXES"] == str(out["boxes"])
    expected = {"boxes": (3, QgsWkbTypes.Type.Polygon), "masks": (3, QgsWkbTypes.Type.MultiPolygon),
                "contours": (3, QgsWkbTypes.Type.MultiLineString)}
    for name, (count, wkb) in expected.items():
        layer = QgsVectorLayer(str(out[name]), name, "ogr")
        assert layer.isValid() and layer.featureCount() == count, name
        assert layer.wkbType() == wkb and layer.crs().authid() == "EPSG:32617"
        assert {f["query"] for f in layer.getFeatures()} == {"the tree crowns"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["INPUT=/nonexistent/scene.tif", "QUERY=trees"], "INPUT"),
        ([f"INPUT={SAMPLE}", "QUERY="], "QUERY"),  # QGIS itself rejects an empty mandatory string
        ([f"INPUT={SAMPLE}", "QUERY=   "], "The question is empty"),
    ],
)
def test_bad_input_fails_with_a_message(config_root, tmp_path, args, message):
    replay = write_replay(tmp_path / "answers.jsonl", BOXES_PX)
    proc = qgis_process(config_root, "run", "remotereasoner:reason", "--", *args, "GRANULARITY=0", "BACKEND=1",
                        f"REPLAY={replay}", f"OUTPUT_BOXES={tmp_path / 'b.gpkg'}")
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "b.gpkg").exists()
