"""What `remotereasoner compare --json` writes and the plugin reads (standard library only): the whole-layer
metrics and one `ObjectScore` per predicted and per reference object."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Optional

# ObjectScore.status values: a prediction matched to a reference, a prediction matching none (false alarm),
# a reference no prediction matched (miss).
MATCHED, FALSE_ALARM, MISSED = "matched", "false", "missed"
OBJECT_STATUSES = (MATCHED, FALSE_ALARM, MISSED)
COMPARE_LAYERS = ("masks", "boxes")  # the result layers `compare` scores
MATCH_THRESHOLD = 0.5  # object IoU at or above which a prediction and a reference are one object


@dataclass
class ObjectScore:
    """One object of either side. `source` is "predicted" (id = the result's target_id) or "reference" (id =
    the feature's fid in the reference file); `iou` is its best IoU with any object of the other side and
    `partner` that object's id; `wkt` its geometry in the raster CRS."""

    source: str
    id: int
    status: str
    iou: float
    partner: Optional[int]
    wkt: str


@dataclass
class ComparisonReport:
    """The numbers of one comparison (pixel IoU = gIoU = cIoU for one layer, object counts)."""

    layer: str
    iou: float
    intersection_px: int
    union_px: int
    pred_px: int
    ref_px: int
    pixel_area: float
    crs: Optional[str]
    matched: int
    n_pred: int
    n_ref: int
    giou: Optional[float] = None
    ciou: Optional[float] = None
    run_id: Optional[str] = None
    raster: Optional[str] = None
    notes: list[str] = field(default_factory=list)
    per_object: list[ObjectScore] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return self.n_ref - self.matched

    @property
    def false_alarms(self) -> int:
        return self.n_pred - self.matched

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ComparisonReport":
        """From the engine's JSON (`Comparison.to_dict`); keys it does not know are ignored."""
        objects = d.get("objects") or {}
        summary = d.get("summary") or {}
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names and k not in ("per_object",)}
        kw.update(matched=int(objects.get("matched", 0)), n_pred=int(objects.get("n_pred", 0)),
                  n_ref=int(objects.get("n_ref", 0)), giou=summary.get("giou"), ciou=summary.get("ciou"))
        kw["per_object"] = [ObjectScore(**o) for o in d.get("per_object") or []]
        return cls(**kw)
