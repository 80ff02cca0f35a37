"""Score predictions made elsewhere (another model, another tool) with the same metric code.

A predictions folder holds, per sample, `<sample_id>.png` (a mask on the image's pixel grid,
non-zero = target) and/or `<sample_id>.json` (boxes `[[x1, y1, x2, y2], ...]` in image pixels).
`remotereasoner evaluate DATASET --layout L --predictions DIR --out REPORT` reads them instead of
running a model; the format is documented in docs/evaluation.md.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from inference_core.evaluate.datasets import DatasetError, read_dataset, read_mask_png
from inference_core.evaluate.metrics import SampleScore, mask_box
from inference_core.evaluate.result import EvaluationResult
from inference_core.evaluate.runner import EvaluationError, Prediction, cache_name, score_sample

Emit = Callable[[dict], None]
MASK_SUFFIX = ".png"
BOXES_SUFFIX = ".json"
_BOXES_EXAMPLE = '[[12, 30, 60, 88]] (or {"boxes": [[12, 30, 60, 88]]}; [] = nothing found)'


class PredictionError(ValueError):
    """One sample's saved prediction is unreadable; the sample is reported as failed."""


@dataclass(frozen=True)
class SavedFiles:
    """The prediction files found for one sample (either may be missing)."""

    mask: Optional[Path] = None
    boxes: Optional[Path] = None

    @property
    def empty(self) -> bool:
        return self.mask is None and self.boxes is None


def prediction_files(folder: Path, sample_id: str) -> SavedFiles:
    """`<id>.png` / `<id>.json` in `folder`; an id with '/' (EarthReason `val/0001`) may name a
    subfolder, and the file-name-safe stem of the prediction cache (`runner.cache_name`) is also tried.
    """
    found: dict[str, Optional[Path]] = {"mask": None, "boxes": None}
    for stem in dict.fromkeys((sample_id, cache_name(sample_id))):  # ordered, without duplicates
        rel = Path(stem)
        if rel.is_absolute() or ".." in rel.parts:  # an id must not name a file outside the folder
            continue
        for key, suffix in (("mask", MASK_SUFFIX), ("boxes", BOXES_SUFFIX)):
            cand = folder / f"{stem}{suffix}"
            if found[key] is None and cand.is_file():
                found[key] = cand
    return SavedFiles(**found)


def read_boxes_file(path: Path) -> np.ndarray:
    """Boxes (n, 4) x1, y1, x2, y2 from a JSON file; PredictionError names what is wrong."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PredictionError(f"{path.name} is not valid JSON: {exc}. Expected {_BOXES_EXAMPLE}.") from None
    if isinstance(data, dict):
        data = data.get("boxes")
    try:
        arr = np.asarray(data if data is not None else [], dtype=np.float64)
        arr = arr.reshape(-1, 4) if arr.size else np.zeros((0, 4))
    except (TypeError, ValueError):
        raise PredictionError(f"{path.name} does not hold boxes; expected {_BOXES_EXAMPLE}.") from None
    if not np.isfinite(arr).all():
        raise PredictionError(f"{path.name} holds a box with a non-finite coordinate.")
    if (arr[:, 2] < arr[:, 0]).any() or (arr[:, 3] < arr[:, 1]).any():
        raise PredictionError(f"{path.name}: boxes must be [x1, y1, x2, y2] with x2 >= x1 and y2 >= y1 (pixels).")
    return arr


def rasterize_boxes(boxes: np.ndarray, width: int, height: int) -> np.ndarray:
    """Boxes burnt as a mask with rasterio's pixel-centre rule: the rule `evaluate` applies to a
    run's box polygons without SAM (runner.prediction_from_gpkg), so both paths give the same pixels."""
    if not len(boxes):
        return np.zeros((height, width), dtype=bool)
    from rasterio import features
    from rasterio.transform import Affine
    from shapely.geometry import box

    shapes = ((box(*map(float, b)), 1) for b in boxes)
    return features.rasterize(shapes, out_shape=(height, width), transform=Affine.identity(),
                              fill=0, dtype="uint8").astype(bool)


def load_saved_prediction(files: SavedFiles, width: int, height: int) -> Prediction:
    """A Prediction from saved files on a (height, width) grid.

    Mask only: the predicted box is the mask's bounding box (the rule used for ground truth
    without a box). Boxes only: the mask is the boxes rasterised, as a run without SAM.
    """
    boxes = read_boxes_file(files.boxes) if files.boxes is not None else None
    if files.mask is not None:
        try:
            mask = read_mask_png(files.mask)
        except DatasetError as exc:
            raise PredictionError(str(exc)) from None
        if mask.shape != (height, width):
            raise PredictionError(f"{files.mask.name} is {mask.shape[1]}x{mask.shape[0]}; the image is "
                                  f"{width}x{height}. Masks must cover the image pixel for pixel.")
        if boxes is None:
            env = mask_box(mask)
            boxes = np.asarray([env] if env else [], dtype=np.float64).reshape(-1, 4)
        return Prediction(mask, boxes, "saved")
    if boxes is None:
        raise PredictionError("no prediction file")
    return Prediction(rasterize_boxes(boxes, width, height), boxes, "boxes")


def run_mask_source(sources: set[str]) -> str:
    """The report's mask source for the samples read: saved, boxes, or mixed."""
    if sources == {"boxes"}:
        return "boxes"
    return "mixed" if len(sources) > 1 else "saved"


def score_predictions(
    dataset_dir: str | Path,
    layout: str,
    predictions_dir: str | Path,
    out_dir: str | Path,
    split: Optional[str] = None,
    limit: Optional[int] = None,
    emit: Optional[Emit] = None,
    cancel: Optional[threading.Event] = None,
) -> EvaluationResult:
    """Score the saved predictions in `predictions_dir` on a dataset; write the report into `out_dir`.

    A sample without a prediction file, or with an unreadable one, is failed: scored as an empty
    prediction and listed in the report. No model runs and nothing is cached (reading is cheap).
    The grid is the ground truth's, so the images themselves are needed only for folder samples
    without a mask.
    """
    from inference_core.evaluate.report import write_report

    emit = emit or (lambda _ev: None)
    pred_dir = Path(predictions_dir).expanduser()
    if not pred_dir.is_dir():
        raise EvaluationError(f"--predictions {pred_dir} is not a folder of <sample_id>.png / <sample_id>.json files.")
    samples = read_dataset(dataset_dir, layout, split)
    if limit is not None:
        samples = samples[: max(0, int(limit))]
    if not samples:
        raise EvaluationError(f"No samples to evaluate in {dataset_dir} (layout {layout}, split {split or 'default'}).")
    files = {s.sample_id: prediction_files(pred_dir, s.sample_id) for s in samples}
    if all(f.empty for f in files.values()):
        first = samples[0].sample_id
        raise EvaluationError(
            f"{pred_dir} has no prediction for any of the {len(samples)} samples: expected files such as "
            f"{first}{MASK_SUFFIX} or {first}{BOXES_SUFFIX}, named by sample id."
        )

    t_start = time.monotonic()
    scores: list[SampleScore] = []
    failures: dict[str, str] = {}
    sources: set[str] = set()
    cancelled = False
    for i, sample in enumerate(samples):
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        gt = sample.gt_mask()
        height, width = gt.shape
        try:
            pred: Optional[Prediction] = load_saved_prediction(files[sample.sample_id], width, height)
            sources.add(pred.mask_source)
        except PredictionError as exc:
            pred = None
            failures[sample.sample_id] = str(exc)
        scores.append(score_sample(sample, pred, width, height, "ok" if pred else "failed", False, gt=gt))
        emit({"type": "progress", "stage": "evaluate", "sample": i + 1, "samples": len(samples),
              "sample_id": sample.sample_id, "computed": len(scores) - len(failures), "cached": 0,
              "failed": len(failures), "eta_s": _eta(t_start, i + 1, len(samples)),
              "elapsed_s": time.monotonic() - t_start})

    result = EvaluationResult(
        scores=scores, computed=len(scores) - len(failures), cached=0, failed=len(failures), total=len(samples),
        cancelled=cancelled, mask_source=run_mask_source(sources),
    )
    result.report, result.files = write_report(
        Path(out_dir).expanduser(), result,
        dataset={"dir": str(Path(dataset_dir).expanduser().resolve()), "layout": layout, "split": split,
                 "limit": limit},
        settings={"predictions": str(pred_dir.resolve())}, failures=failures,
        seconds=time.monotonic() - t_start, samples={s.sample_id: s for s in samples},
    )
    return result


def _eta(t_start: float, done: int, total: int) -> Optional[float]:
    elapsed = time.monotonic() - t_start
    eta = elapsed / done * (total - done) if done else None
    return None if eta is None or math.isnan(eta) else eta
