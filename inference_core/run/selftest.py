"""The self-test: a pipeline check (reason -> SAM -> vectorise -> GeoPackage) on a synthetic raster.

It runs the real engine with a tiny model trained only to find bright squares, so it proves the
installation works on this device; it says nothing about the accuracy of a real model.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from inference_core.contract.options import DEFAULT_DEVICE
from inference_core.contract.paths import TINY_REASONER

QUERY = "bright squares"
PROMPT = "tiny-reasoner"
SCENE_PX = 112  # the size the tiny model was trained on: one view, no resize
PIXEL_M = 0.5
ORIGIN = (500000.0, 4000000.0)  # upper-left corner, EPSG:32633
CRS = "EPSG:32633"
# (col, row, width, height) of the bright squares in scene pixels
SQUARES_PX = ((14, 18, 30, 30), (66, 58, 32, 26))
LABEL = "Pipeline self-test (tiny test model; checks the installation, not a real model)"


@dataclass
class SelftestResult:
    passed: bool
    device: str
    checks: dict[str, bool]
    timings_s: dict[str, float]
    boxes_found: int
    best_iou: list[float]
    message: str
    out: Optional[str] = None
    errors: list[str] = field(default_factory=list)


def fixture_dir() -> Path:
    """The trained tiny reasoner, under resources/ beside inference_core (repository and plugin ZIP)."""
    folder = TINY_REASONER
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"The self-test model is missing ({folder}): reinstall the plugin or engine.")
    return folder


def square_boxes_map() -> list[tuple[float, float, float, float]]:
    """The squares as (xmin, ymin, xmax, ymax) in map coordinates."""
    x0, y0 = ORIGIN
    return [(x0 + c * PIXEL_M, y0 - (r + h) * PIXEL_M, x0 + (c + w) * PIXEL_M, y0 - r * PIXEL_M)
            for c, r, w, h in SQUARES_PX]


def write_scene(path: Path, seed: int = 5) -> Path:
    """A dim, blocky, noisy RGB GeoTIFF with bright squares at SQUARES_PX (what the tiny model learned)."""
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(seed)
    coarse = rng.uniform(10, 110, size=(SCENE_PX // 14, SCENE_PX // 14, 3))
    img = np.kron(coarse, np.ones((14, 14, 1))) + rng.normal(0, 10, size=(SCENE_PX, SCENE_PX, 3))
    for c, r, w, h in SQUARES_PX:
        img[r:r + h, c:c + w] = 230.0 + rng.normal(0, 6, size=(h, w, 3))
    data = np.clip(img, 0, 255).astype(np.uint8).transpose(2, 0, 1)
    profile = dict(driver="GTiff", width=SCENE_PX, height=SCENE_PX, count=3, dtype="uint8", crs=CRS,
                   transform=from_origin(ORIGIN[0], ORIGIN[1], PIXEL_M, PIXEL_M), photometric="RGB")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def _iou(a, b) -> float:
    from inference_core.geometry.boxes import box_iou

    return float(box_iou(a, b)[0])


def run_selftest(device: str = DEFAULT_DEVICE, workdir: Optional[Path] = None, model: Optional[str] = None) -> SelftestResult:
    """Build the scene and a tiny SAM, run the whole pipeline, check the GeoPackage; never raises."""
    from inference_core.models.devices import resolve_device

    timings: dict[str, float] = {}
    errors: list[str] = []
    try:
        dev = resolve_device(device)
    except Exception as exc:  # noqa: BLE001
        return SelftestResult(False, device, {}, {}, 0, [], f"FAIL: {exc}", errors=[str(exc)])
    tmp = tempfile.TemporaryDirectory(prefix="rr-selftest-") if workdir is None else None
    work = Path(tmp.name if tmp else workdir)
    work.mkdir(parents=True, exist_ok=True)
    checks: dict[str, bool] = {}
    best: list[float] = []
    found = 0
    out = work / "selftest.gpkg"
    try:
        t0 = time.perf_counter()
        raster = write_scene(work / "selftest.tif")
        from inference_core.models.tiny import write_tiny_sam

        sam_path, _ = write_tiny_sam(work)  # random tiny SAM: exercises the mask path, not mask quality
        timings["prepare"] = time.perf_counter() - t0

        from inference_core.contract.options import RunOptions
        from inference_core.run.pipeline import run

        options = RunOptions(raster=str(raster), query=QUERY, out=str(out), granularity=("boxes", "masks", "contours"),
                             backend="transformers", model=str(model or fixture_dir()), prompt=PROMPT,
                             sam=str(sam_path), device=dev, max_new_tokens=64)
        t0 = time.perf_counter()
        summary = run(options)
        timings["pipeline"] = time.perf_counter() - t0
        checks["run finished"] = summary.status == "finished"

        import pyogrio

        t0 = time.perf_counter()
        layers = {name for name, _ in pyogrio.list_layers(out)}
        checks["GeoPackage layers"] = {"boxes", "masks", "contours", "runs", "responses"} <= layers
        boxes = pyogrio.read_dataframe(out, layer="boxes")
        found = len(boxes)
        truth = square_boxes_map()
        got = [tuple(g.bounds) for g in boxes.geometry]
        best = [round(max((_iou(t, g) for g in got), default=0.0), 3) for t in truth]
        checks["every square found (IoU > 0.5, map units)"] = all(v > 0.5 for v in best)
        checks["nothing found elsewhere"] = found == len(truth)
        masks = pyogrio.read_dataframe(out, layer="masks")
        checks["masks written in the raster CRS"] = len(masks) > 0 and masks.crs is not None and masks.crs.to_epsg() == 32633
        timings["check"] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - the self-test reports, it does not crash
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    passed = bool(checks) and all(checks.values()) and not errors
    message = ("PASS" if passed else "FAIL") + f": {LABEL} on {dev}"
    return SelftestResult(passed, dev, checks, {k: round(v, 2) for k, v in timings.items()}, found, best, message,
                          out=str(out) if tmp is None else None, errors=errors)


def format_result(result: SelftestResult) -> str:
    lines = [result.message]
    for name, ok in result.checks.items():
        lines.append(f"  [{'ok' if ok else 'FAIL'}] {name}")
    lines.append(f"  boxes found: {result.boxes_found}; best IoU per square: {result.best_iou}")
    lines.append("  timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result.timings_s.items()))
    lines += [f"  error: {e}" for e in result.errors]
    return "\n".join(lines)
