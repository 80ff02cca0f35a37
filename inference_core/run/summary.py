"""What a run did (`RunSummary`): the `done` event's body, the CLI's last screen, and every mode's result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class RunSummary:
    """What a run did; `status` is finished | cancelled | failed."""

    run_id: str
    status: str
    out: str
    counts: dict[str, int] = field(default_factory=dict)
    tiles_done: int = 0
    tiles_total: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    parse_errors: int = 0
    exports: list[str] = field(default_factory=list)
    skipped_nodata: int = 0  # views with no valid pixel, not sent to the model (run.limits, docs/robustness.md)
    answer_summary: Optional[str] = None  # ask/describe: the answer, or the per-tile summary (run/answers.py)
    answer_view: Optional[list[int]] = None  # ask/describe, one view: [width, height] the model saw the extent at
    strategy: str = "tiles"
    tally: dict[str, Any] = field(default_factory=dict)  # run/tally.Tally: targets, the area they cover, the largest
    overview_reasoning: str = ""  # the whole-extent view's reasoning (overview, refine)
    # the bands shown as red, green, blue and the stretch to 8 bits (raster.source.RasterSource.pixels_record)
    pixels: dict[str, Any] = field(default_factory=dict)
    reused: int = 0  # views answered from an identical earlier view in `responses`, without a model call
    # find-all: instances SAM 3 scored at or below the threshold (views asked in this session):
    # {"dropped": N, "threshold": t, "best_score": s}; empty when none was dropped
    below_threshold: dict[str, Any] = field(default_factory=dict)
    unconfirmed: int = 0  # refine: overview candidates kept because their refine view's answer was unusable
    dropped: int = 0  # refine: overview candidates a readable refine answer did not confirm (removed)
    # a change run (run/change/): its summary line, how the dates were aligned, both dates' run ids, areas
    change: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
