"""The tally of a locate run, for "how many / how much": targets found, their total and largest area."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Tally:
    """Targets of a run and their areas, from the masks when the run made them, else from the boxes.

    `unit` is "m²" for a CRS in metres or degrees (geodesic), "px²" for a raster without georeferencing.
    """

    targets: int
    total_area: Optional[float]
    largest_area: Optional[float]
    unit: str
    measured_on: str  # "masks" | "boxes"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def summarize(sink, run_id: str, granularity) -> Tally:
    """The Tally of one run in a GpkgSink."""
    layer = "masks" if "masks" in granularity else "boxes"
    areas = [a for a in sink.target_areas(run_id, layer) if a is not None]
    targets = sink.counts(run_id).get("boxes", 0)
    unit = "m²" if (sink.measurer.factor is not None or sink.measurer.geod is not None) else "px²"
    return Tally(targets, round(sum(areas), 3) if areas else None, round(max(areas), 3) if areas else None,
                         unit, layer)


def tally_text(answer: dict) -> str:
    """"3 targets, 1234.5 m² in all, the largest 812.0 m²" (the CLI's end line; the dock words it itself)."""
    n = int(answer.get("targets") or 0)
    text = f"{n} target{'s' if n != 1 else ''}"
    if n and answer.get("total_area") is not None:
        unit = answer.get("unit", "m²")
        text += f", {answer['total_area']:.1f} {unit} in all, the largest {answer['largest_area']:.1f} {unit}"
        if answer.get("measured_on") == "boxes":
            text += " (box areas)"
    return text
