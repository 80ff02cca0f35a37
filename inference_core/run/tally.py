"""The tally of a locate run, for "how many / how much": targets found, the area they cover together (their union),
the largest target, and the per-target sum (labelled as such: overlapping targets make it larger than the union)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Tally:
    """Targets of a run and their areas, from the masks when the run made them, else from the boxes.

    `covered_area` is the union of the targets (what "how much" asks); `total_area` the sum of each target's own
    area, larger where targets overlap (SAM masks of neighbouring boxes, a box inside a box). `unit` is "m²" for a
    CRS in metres or degrees (geodesic), "px²" for a raster without georeferencing; `measured_on` the layer.
    """

    targets: int
    total_area: Optional[float]
    largest_area: Optional[float]
    unit: str
    measured_on: str  # "masks" | "boxes"
    covered_area: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def summarize(sink, run_id: str, granularity) -> Tally:
    """The Tally of one run in a GpkgSink (after corrections too: it reads the run's features as they are)."""
    layer = "masks" if "masks" in granularity else "boxes"
    areas = [a for a in sink.target_areas(run_id, layer) if a is not None]
    targets = sink.counts(run_id).get("boxes", 0)
    unit = "m²" if (sink.measurer.factor is not None or sink.measurer.geod is not None) else "px²"
    covered = sink.covered_area(run_id, layer) if areas else None
    return Tally(targets, round(sum(areas), 3) if areas else None, round(max(areas), 3) if areas else None,
                 unit, layer, round(covered, 3) if covered is not None else None)


def overlaps(answer: dict) -> bool:
    """Whether the per-target sum exceeds the covered area by more than rounding (targets overlap)."""
    total, covered = answer.get("total_area"), answer.get("covered_area")
    return total is not None and covered is not None and total > covered * 1.001 + 1e-6


def tally_text(answer: dict) -> str:
    """"3 targets, 1234.5 m² covered (masks), the largest 812.0 m²; the targets' own areas add up to 1400.2 m²
    (they overlap)" (the CLI's end line; the dock words it itself)."""
    n = int(answer.get("targets") or 0)
    text = f"{n} target{'s' if n != 1 else ''}"
    if n and answer.get("total_area") is not None:
        unit = answer.get("unit", "m²")
        covered = answer.get("covered_area")
        covered = answer["total_area"] if covered is None else covered  # a tally written before covered_area
        layer = "box areas" if answer.get("measured_on") == "boxes" else "masks"
        text += f", {covered:.1f} {unit} covered ({layer}), the largest {answer['largest_area']:.1f} {unit}"
        if overlaps(answer):
            text += f"; the targets' own areas add up to {answer['total_area']:.1f} {unit} (they overlap)"
    return text
