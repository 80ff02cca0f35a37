"""Run the full engine pipeline over a benchmark, sample by sample, with a prediction cache, then
score it (metrics.py) and write the report (report.py). An interrupted run resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from inference_core.contract.options import RunOptions
from inference_core.evaluate.datasets import DatasetError, Sample, read_dataset
from inference_core.evaluate.metrics import SampleScore, box_score, mask_counts
from inference_core.evaluate.result import EvaluationResult
from inference_core.raster.coords import map_box_to_pixel

Emit = Callable[[dict], None]
CACHE_VERSION = 1
# Options that differ per sample or do not change a prediction: left out of the cache fingerprint.
_NOT_FINGERPRINTED = {"raster", "query", "out", "replay", "resume", "append", "formats", "api_key",
                      "api_key_env", "concurrency", "timeout", "retries", "extent", "extent_crs"}
# Errors that hit every sample alike: stop the evaluation instead of failing each sample.
_FATAL_CODES = {"model", "bad_options", "out_of_memory", "server"}


class EvaluationError(RuntimeError):
    """The evaluation cannot run (bad dataset, model, options); the message names the fix."""


@dataclass
class Prediction:
    """What the pipeline predicted for one sample, on the image's pixel grid."""

    mask: np.ndarray  # bool (height, width)
    boxes: np.ndarray  # (n, 4) x1, y1, x2, y2 pixels
    # "sam" | "boxes" (boxes rasterised: no SAM given, or no mask saved) | "saved" (a saved mask PNG)
    mask_source: str
    seconds: float = 0.0
    fingerprint: str = ""


# ---------------------------------------------------------------------------------------------
# cache


def cache_name(sample_id: str) -> str:
    """A file-name-safe, collision-free stem for a sample id (ids may hold '/' or spaces)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", sample_id).strip("._") or "sample"
    if safe != sample_id:
        safe = f"{safe[:80]}-{hashlib.sha1(sample_id.encode()).hexdigest()[:8]}"
    return safe


def fingerprint(options: RunOptions, sample: Sample, replay_lines: Sequence[str] = ()) -> str:
    """Hash of everything that decides a sample's prediction: settings, image, question, replayed text."""
    settings = {k: v for k, v in options.to_dict().items() if k not in _NOT_FINGERPRINTED}
    blob = json.dumps({"v": CACHE_VERSION, "settings": settings, "image": os.path.abspath(sample.image),
                       "question": sample.question, "replay": list(replay_lines)}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def save_prediction(path: Path, pred: Prediction) -> None:
    """Write atomically: a half-written file never looks like a finished sample."""
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(
        tmp, mask=np.packbits(pred.mask, axis=None), shape=np.array(pred.mask.shape, dtype=np.int64),
        boxes=np.asarray(pred.boxes, dtype=np.float64).reshape(-1, 4),
        meta=np.array(json.dumps({"mask_source": pred.mask_source, "seconds": pred.seconds,
                                  "fingerprint": pred.fingerprint, "version": CACHE_VERSION})),
    )
    os.replace(tmp, path)


def load_prediction(path: Path, expected_fingerprint: Optional[str] = None) -> Optional[Prediction]:
    """The cached prediction, or None when absent, unreadable or made with other settings."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if expected_fingerprint is not None and meta.get("fingerprint") != expected_fingerprint:
                return None
            shape = tuple(int(v) for v in z["shape"])
            mask = np.unpackbits(z["mask"], count=shape[0] * shape[1]).reshape(shape).astype(bool)
            return Prediction(mask, z["boxes"].reshape(-1, 4), meta["mask_source"], float(meta.get("seconds", 0.0)),
                              meta.get("fingerprint", ""))
    except (OSError, ValueError, KeyError):
        return None


# ---------------------------------------------------------------------------------------------
# replay answers per sample


def read_replay_by_sample(path: Path) -> dict[str, list[str]]:
    """sample_id -> its JSON lines (without `sample_id`) from an evaluation replay .jsonl."""
    from inference_core.models.backends.replay import json_lines

    out: dict[str, list[str]] = {}
    example = '{"sample_id": "0001", "tile_id": 0, "raw_text": "<answer>[[1,2,30,40]]</answer>"}'
    for lineno, obj in json_lines(path, example, EvaluationError):
        if not isinstance(obj, dict) or "sample_id" not in obj:
            raise EvaluationError(
                f"{path.name} line {lineno} has no \"sample_id\": an evaluation replay file needs one per line, "
                f"e.g. {example}."
            )
        sid = str(obj.pop("sample_id"))
        out.setdefault(sid, []).append(json.dumps(obj, sort_keys=True))
    return out


# ---------------------------------------------------------------------------------------------
# predictions back on the image grid


def image_grid(path: str) -> tuple[int, int, Any]:
    """(width, height, affine) of an image as the pipeline sees it (identity when not georeferenced)."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        try:
            with rasterio.open(path) as ds:
                return ds.width, ds.height, ds.transform
        except rasterio.errors.RasterioIOError as exc:
            raise DatasetError(f"Cannot open the image {path}: {exc}.") from None


def _read_layer(gpkg: Path, layer: str, run_id: Optional[str]):
    import pyogrio

    try:
        if layer not in {name for name, _ in pyogrio.list_layers(gpkg)}:
            return None
        gdf = pyogrio.read_dataframe(gpkg, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    if run_id is not None and "run_id" in gdf.columns:
        gdf = gdf[gdf["run_id"] == run_id]
    return gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty]


def prediction_from_gpkg(gpkg: Path, width: int, height: int, transform: Any, use_masks: bool,
                         run_id: Optional[str] = None) -> Prediction:
    """Rasterise a result GeoPackage's masks (or its boxes, without SAM) onto the image grid."""
    from rasterio import features

    boxes_gdf = _read_layer(gpkg, "boxes", run_id)
    masks_gdf = _read_layer(gpkg, "masks", run_id) if use_masks else None
    boxes = []
    if boxes_gdf is not None:
        affine6 = tuple(transform)[:6]
        boxes = [map_box_to_pixel(tuple(b), affine6) for b in boxes_gdf.geometry.bounds.to_numpy()]
    source = "sam" if use_masks else "boxes"
    geoms = list(masks_gdf.geometry) if use_masks and masks_gdf is not None else (
        list(boxes_gdf.geometry) if not use_masks and boxes_gdf is not None else [])
    if geoms:
        burnt = features.rasterize(((g, 1) for g in geoms), out_shape=(height, width), transform=transform,
                                   fill=0, dtype="uint8")
        mask = burnt.astype(bool)
    else:
        mask = np.zeros((height, width), dtype=bool)
    return Prediction(mask, np.asarray(boxes, dtype=np.float64).reshape(-1, 4), source)


# ---------------------------------------------------------------------------------------------
# the evaluation loop


def _as_options(template: RunOptions | dict[str, Any]) -> RunOptions:
    if isinstance(template, RunOptions):
        return template
    d = dict(template)
    d.setdefault("raster", "")
    d.setdefault("query", "-")
    d.setdefault("out", "")
    return RunOptions.from_dict(d)


def _sample_options(template: RunOptions, sample: Sample, out: Path, replay: Optional[Path]) -> RunOptions:
    granularity = ("boxes", "masks") if template.sam else ("boxes",)
    return dataclasses.replace(
        template, raster=sample.image, query=sample.question, out=str(out), granularity=granularity,
        replay=str(replay) if replay else template.replay, extent=None, extent_crs=None, formats=(),
        append=False, resume=False,
    )


def score_sample(sample: Sample, pred: Optional[Prediction], width: int, height: int, status: str, cached: bool,
                 gt: Optional[np.ndarray] = None) -> SampleScore:
    """Score one prediction (None: scored as empty) against the sample's ground truth on its grid."""
    gt = sample.gt_mask() if gt is None else gt
    if gt.shape != (height, width):
        raise DatasetError(
            f"Sample {sample.sample_id}: the ground-truth mask is {gt.shape[1]}x{gt.shape[0]} but the image is "
            f"{width}x{height}; masks must cover the image pixel for pixel."
        )
    pmask = pred.mask if pred is not None else np.zeros_like(gt)
    pboxes = pred.boxes if pred is not None else np.zeros((0, 4))
    inter, union = mask_counts(pmask, gt)
    return SampleScore(
        sample_id=sample.sample_id, intersection=inter, union=union, pred_pixels=int(pmask.sum()),
        gt_pixels=int(gt.sum()), box_iou=box_score(pboxes if len(pboxes) else None, sample.gt_box(gt)),
        n_pred=int(len(pboxes)), category=sample.category, split=sample.split, status=status, cached=cached,
    )


def evaluate(
    dataset_dir: str | Path,
    layout: str,
    options_template: RunOptions | dict[str, Any],
    out_dir: str | Path,
    split: Optional[str] = None,
    limit: Optional[int] = None,
    emit: Optional[Emit] = None,
    cancel: Optional[threading.Event] = None,
    models: Any = None,
    pipeline_run: Optional[Callable[..., Any]] = None,
) -> EvaluationResult:
    """Evaluate `options_template`'s model on a dataset; write the report into `out_dir`.

    Each sample runs the full pipeline (`pipeline.run`) on its image with its question; the
    prediction is cached in `out_dir/cache/<id>.pred.npz` and reused when the settings are the same.
    `emit` receives `{"type": "progress", "stage": "evaluate", ...}` events and pipeline warnings;
    setting `cancel` stops after the current sample (the report covers the samples done).
    """

    emit = emit or (lambda _ev: None)
    template = _as_options(options_template)
    if template.backend == "replay" and not template.replay:
        raise EvaluationError("The replay backend needs --replay: a .jsonl with a \"sample_id\" on every line, or a folder of <id>.jsonl files.")
    out_dir = Path(out_dir).expanduser()
    cache = out_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    samples = read_dataset(dataset_dir, layout, split)
    if limit is not None:
        samples = samples[: max(0, int(limit))]
    if not samples:
        raise EvaluationError(f"No samples to evaluate in {dataset_dir} (layout {layout}, split {split or 'default'}).")

    replay_by_sample: Optional[dict[str, list[str]]] = None
    replay_dir: Optional[Path] = None
    if template.backend == "replay":
        rpath = Path(template.replay).expanduser()
        if rpath.is_dir():
            replay_dir = rpath
        elif rpath.is_file() and rpath.suffix.lower() in (".jsonl", ".ndjson"):
            replay_by_sample = read_replay_by_sample(rpath)
        else:
            raise EvaluationError(f"--replay {rpath} must be a .jsonl with sample_id lines or a folder of per-sample files.")

    def replay_for(sample: Sample) -> tuple[Optional[Path], list[str]]:
        name = cache_name(sample.sample_id)
        if replay_by_sample is not None:
            lines = replay_by_sample.get(sample.sample_id, [])
            if not lines:
                return None, []
            path = cache / f"{name}.replay.jsonl"
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            return path, lines
        if replay_dir is not None:
            for cand in (replay_dir / f"{name}.jsonl", replay_dir / f"{name}.gpkg"):
                if cand.is_file():
                    digest = hashlib.sha256(cand.read_bytes()).hexdigest()
                    return cand, [digest]
            return None, []
        return None, []

    # First pass: which samples are already done with these settings (for honest counts and ETA).
    plans = []
    for s in samples:
        lines = replay_by_sample.get(s.sample_id, []) if replay_by_sample is not None else []
        if replay_dir is not None:
            lines = replay_for(s)[1]
        fp = fingerprint(template, s, lines)
        plans.append((s, fp, load_prediction(cache / f"{cache_name(s.sample_id)}.pred.npz", fp) is not None))
    to_compute = sum(1 for *_x, hit in plans if not hit)

    if pipeline_run is None and to_compute:
        from inference_core.run.pipeline import run as pipeline_run  # type: ignore[no-redef]
    own_models = models is None and to_compute > 0
    if own_models:
        from inference_core.models.cache import ModelCache

        models = ModelCache()  # one cache for all samples: the model loads once
    try:
        return _run_samples(plans, to_compute, template, cache, replay_for, pipeline_run, models, emit, cancel,
                            out_dir, dataset_dir, layout, split, limit, samples)
    finally:
        if own_models and hasattr(models, "close"):
            models.close()


def _run_samples(plans, to_compute, template, cache, replay_for, pipeline_run, models, emit, cancel,
                 out_dir, dataset_dir, layout, split, limit, samples) -> EvaluationResult:
    """The sample loop of `evaluate` (models are loaded by then), then the report."""
    from inference_core.evaluate.report import write_report

    scores: list[SampleScore] = []
    computed = cached = failed = 0
    compute_seconds = 0.0
    cancelled = False
    failures: dict[str, str] = {}
    t_start = time.monotonic()
    for i, (sample, fp, hit) in enumerate(plans):
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        width, height, transform = image_grid(sample.image)
        pred_path = cache / f"{cache_name(sample.sample_id)}.pred.npz"
        pred = load_prediction(pred_path, fp) if hit else None
        status = "ok"
        if pred is not None:
            cached += 1
            from_cache = True
        else:
            from_cache = False
            t0 = time.monotonic()
            gpkg = cache / f"{cache_name(sample.sample_id)}.gpkg"
            for stale in (gpkg, gpkg.with_name(gpkg.name + "-journal")):
                if stale.exists():
                    stale.unlink()
            replay_path, _ = replay_for(sample)
            summary = None
            if template.backend == "replay" and replay_path is None:
                failures[sample.sample_id] = f"no replay answer recorded for sample {sample.sample_id}"
                status = "failed"
            else:
                opts = _sample_options(template, sample, gpkg, replay_path)

                def forward(ev: dict, _sid: str = sample.sample_id) -> None:
                    if ev.get("type") == "warning":
                        emit({"type": "warning", "message": f"[{_sid}] {ev.get('message', '')}"})

                try:
                    summary = pipeline_run(opts, emit=forward, cancel=cancel, models=models)
                except Exception as exc:  # PipelineError / BackendError carry a code and a message
                    code = getattr(exc, "code", None)
                    if code in _FATAL_CODES:
                        raise EvaluationError(f"Sample {sample.sample_id}: {exc}") from None
                    if code is None and not isinstance(exc, (OSError, ValueError)):
                        raise
                    failures[sample.sample_id] = str(exc)
                    status = "failed"
            if summary is not None and getattr(summary, "status", "finished") == "cancelled":
                cancelled = True
                break
            if summary is not None and getattr(summary, "status", "finished") == "failed":
                failures[sample.sample_id] = "; ".join(getattr(summary, "warnings", []) or []) or "pipeline run failed"
                status = "failed"
            if status == "ok":
                pred = prediction_from_gpkg(gpkg, width, height, transform, use_masks=bool(template.sam),
                                            run_id=getattr(summary, "run_id", None))
                pred.seconds = time.monotonic() - t0
                pred.fingerprint = fp
                save_prediction(pred_path, pred)
                computed += 1
            else:
                failed += 1  # not cached: a re-run tries it again
            compute_seconds += time.monotonic() - t0
        scores.append(score_sample(sample, pred, width, height, status, from_cache))
        done_compute = computed + failed
        remaining = to_compute - done_compute
        eta = (compute_seconds / done_compute) * max(remaining, 0) if done_compute else None
        emit({"type": "progress", "stage": "evaluate", "sample": i + 1, "samples": len(plans),
              "sample_id": sample.sample_id, "computed": computed, "cached": cached, "failed": failed,
              "eta_s": eta, "elapsed_s": time.monotonic() - t_start})

    result = EvaluationResult(
        scores=scores, computed=computed, cached=cached, failed=failed, total=len(plans), cancelled=cancelled,
        mask_source="sam" if template.sam else "boxes",
    )
    result.report, result.files = write_report(
        out_dir, result, dataset={"dir": str(Path(dataset_dir).expanduser().resolve()), "layout": layout,
                                  "split": split, "limit": limit},
        settings={k: v for k, v in template.to_dict().items() if k not in ("raster", "query", "out", "api_key")},
        failures=failures, seconds=time.monotonic() - t_start, samples={s.sample_id: s for s in samples},
    )
    return result
