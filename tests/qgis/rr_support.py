"""Helpers for the Processing, qgis_process and package tests: engine interpreter, tiny SAM, replay files."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"
# OSBS_029.tif: 400 x 400 px of 0.1 m, upper-left corner (404211.9, 3285142.9), EPSG:32617
ORIGIN_X, ORIGIN_Y, PIXEL = 404211.9, 3285142.9, 0.1
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # /usr/bin/qgis_process is broken by /etc/default/qgis


def engine_python() -> str:
    """The engine venv's interpreter (scripts/envpath.sh); the worker runs with it, never sys.executable."""
    out = subprocess.run(["bash", "-c", 'source scripts/envpath.sh && echo "$ENGINE_ENV"'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, "bin", "python")


def tiny_models() -> Path:
    """`build/tiny-models` (as `make tiny-models` builds it), built here when missing (~5 s)."""
    out = ROOT / "build" / "tiny-models"
    if not (out / "sam.pth").is_file():
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run([engine_python(), "-m", "inference_core.tiny_models", "--out", str(out)], cwd=ROOT,
                       env=env, check=True, capture_output=True, timeout=300)
    return out


def write_replay(path: Path, boxes_px: list[list[int]], size: tuple[int, int] = (400, 400)) -> Path:
    """A one-tile answer file in RemoteReasoner's grammar; boxes in pixels of a `size` input."""
    text = "<think>Tree crowns are the round dark-green shapes.</think><answer>" + json.dumps(boxes_px) + "</answer>"
    path.write_text(json.dumps({"tile_id": 0, "raw_text": text, "input_size": list(size)}) + "\n", encoding="utf-8")
    return path


def px_to_map(col: float, row: float) -> tuple[float, float]:
    return ORIGIN_X + col * PIXEL, ORIGIN_Y - row * PIXEL
