"""Segmentation and box metrics with the LISA / SegEarth-R1 definitions, vectorised with numpy.

gIoU = mean of per-sample IoUs (empty prediction and empty ground truth count 1.0),
cIoU = total intersection / total union, Pr@t = share of samples with IoU >= t,
Acc@0.5 = share of samples whose predicted box has IoU >= 0.5 with the ground-truth box.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from inference_core.geometry.boxes import box_iou

PRECISION_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
BOX_THRESHOLD = 0.5


@dataclass
class SampleScore:
    """One evaluated sample: pixel counts, the box comparison, and its grouping keys."""

    sample_id: str
    intersection: int  # pixels in prediction AND ground truth
    union: int  # pixels in prediction OR ground truth
    pred_pixels: int
    gt_pixels: int
    box_iou: Optional[float] = None  # None when the sample has no box comparison
    n_pred: int = 0  # predicted instances (boxes)
    category: Optional[str] = None
    split: Optional[str] = None
    status: str = "ok"  # ok | failed (pipeline error: scored as an empty prediction)
    cached: bool = False

    @property
    def iou(self) -> float:
        return float(sample_ious(np.array([self.intersection]), np.array([self.union]))[0])

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["iou"] = self.iou
        return d


@dataclass
class Summary:
    """Aggregate metrics over a set of samples (all values in 0..1; None where undefined)."""

    n: int
    giou: Optional[float]
    ciou: Optional[float]
    precision: dict[str, float] = field(default_factory=dict)  # "0.5" -> share with IoU >= 0.5
    acc_box: Optional[float] = None  # Acc@0.5 for boxes
    mean_box_iou: Optional[float] = None
    n_box: int = 0  # samples with a box comparison
    n_failed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def mask_counts(pred: np.ndarray, gt: np.ndarray) -> tuple[int, int]:
    """(intersection, union) pixel counts of two binary masks of the same shape."""
    pred = np.asarray(pred, dtype=bool)
    gt = np.asarray(gt, dtype=bool)
    if pred.shape != gt.shape:
        raise ValueError(f"prediction {pred.shape} and ground truth {gt.shape} masks differ in shape")
    return int(np.count_nonzero(pred & gt)), int(np.count_nonzero(pred | gt))


def sample_ious(intersection: np.ndarray, union: np.ndarray) -> np.ndarray:
    """Per-sample IoU; a zero union (both masks empty) counts 1.0, as in LISA's gIoU."""
    inter = np.asarray(intersection, dtype=np.float64)
    uni = np.asarray(union, dtype=np.float64)
    out = np.ones_like(inter)
    nz = uni > 0
    out[nz] = inter[nz] / uni[nz]
    return out


def envelope(boxes: Optional[Sequence[Sequence[float]]]) -> Optional[tuple[float, float, float, float]]:
    """The box enclosing all `boxes` (x1, y1, x2, y2), or None for no boxes."""
    if boxes is None:
        return None
    arr = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if arr.shape[0] == 0:
        return None
    return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))


def mask_box(mask: np.ndarray) -> Optional[tuple[float, float, float, float]]:
    """Pixel-edge bounding box of a binary mask (x1, y1, x2, y2 with x2 = last column + 1), None if empty."""
    mask = np.asarray(mask, dtype=bool)
    cols = np.flatnonzero(mask.any(axis=0))
    if cols.size == 0:
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    return (float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1))


def box_score(pred_boxes: Optional[Sequence[Sequence[float]]], gt_box: Optional[Sequence[float]]) -> float:
    """IoU of the envelope of the predicted boxes with the ground-truth box.

    Both empty counts 1.0 (the model correctly answered "nothing"); exactly one empty counts 0.
    """
    pred = envelope(pred_boxes)
    if gt_box is None or pred is None:
        return 1.0 if (gt_box is None and pred is None) else 0.0
    return float(box_iou(np.array([pred]), np.array([gt_box], dtype=np.float64))[0])


def summarize(scores: Iterable[SampleScore]) -> Summary:
    """gIoU, cIoU, Pr@0.5..0.9 and box Acc@0.5 over `scores`."""
    scores = list(scores)
    n = len(scores)
    if n == 0:
        return Summary(n=0, giou=None, ciou=None, precision={}, acc_box=None)
    inter = np.fromiter((s.intersection for s in scores), dtype=np.float64, count=n)
    uni = np.fromiter((s.union for s in scores), dtype=np.float64, count=n)
    ious = sample_ious(inter, uni)
    total_union = uni.sum()
    # All samples empty/empty: nothing to get wrong, cIoU is 1 like every per-sample IoU.
    ciou = float(inter.sum() / total_union) if total_union > 0 else 1.0
    precision = {f"{t:.1f}": float(np.mean(ious >= t - 1e-12)) for t in PRECISION_THRESHOLDS}
    box = np.array([s.box_iou for s in scores if s.box_iou is not None], dtype=np.float64)
    return Summary(
        n=n,
        giou=float(ious.mean()),
        ciou=ciou,
        precision=precision,
        acc_box=float(np.mean(box >= BOX_THRESHOLD - 1e-12)) if box.size else None,
        mean_box_iou=float(box.mean()) if box.size else None,
        n_box=int(box.size),
        n_failed=sum(1 for s in scores if s.status != "ok"),
    )


def breakdown(scores: Iterable[SampleScore], key: str) -> dict[str, Summary]:
    """Summaries per value of `key` ("category" or "split"); samples without that key are left out."""
    groups: dict[str, list[SampleScore]] = {}
    for s in scores:
        value = getattr(s, key)
        if value is not None and value != "":
            groups.setdefault(str(value), []).append(s)
    return {k: summarize(v) for k, v in sorted(groups.items())}
