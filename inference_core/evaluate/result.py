"""What an evaluation gives (`EvaluationResult`): the samples' scores and the counts the report prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inference_core.evaluate.metrics import SampleScore


@dataclass
class EvaluationResult:
    """Scores plus the bookkeeping the report prints: how many samples were computed vs cached."""

    scores: list[SampleScore]
    computed: int
    cached: int
    failed: int
    total: int
    cancelled: bool
    mask_source: str  # run level: "sam" | "boxes" | "saved" | "mixed" (report.MASK_SOURCES)
    report: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
