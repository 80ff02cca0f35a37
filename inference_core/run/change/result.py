"""A change run's result: the rows of the appeared / disappeared / persisted layers and of the `changes` table,
and the summary line ("12 appeared (3 410 m²), 3 disappeared, 41 persisted")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from inference_core.run.change.match import Matching


@dataclass(frozen=True)
class Alignment:
    """How the second date was put on the first date's ground: `measured` (its shift undone) or `tolerance`
    (no shift measured; outlines grown by `tolerance_m` before the overlap test)."""

    how: str
    dx_m: float = 0.0
    dy_m: float = 0.0
    px: float = 0.0
    tolerance_m: Optional[float] = None

    def describe(self) -> str:
        if self.how == "tolerance":
            return f"tolerance {self.tolerance_m:g} m (no shift measured; outlines grown by it before matching)"
        return (f"shift measured: {self.dx_m:+.2f} m east, {self.dy_m:+.2f} m north ({self.px:.1f} px), "
                "undone before matching")


def _area(value: Optional[float]) -> str:
    return f"{value:,.0f}".replace(",", " ") + " m²"


def summary_line(m: Matching) -> str:
    """'12 appeared (3 410 m²), 3 disappeared (120 m²), 41 persisted' (areas when the CRS gives metres)."""
    def part(n: int, what: str, targets: list[dict[str, Any]]) -> str:
        areas = [t.get("area_m2") for t in targets]
        if n and all(a is not None for a in areas):
            return f"{n} {what} ({_area(sum(areas))})"
        return f"{n} {what}"

    return ", ".join((part(len(m.appeared), "appeared", m.appeared),
                      part(len(m.disappeared), "disappeared", m.disappeared), f"{len(m.persisted)} persisted"))


def total_area(targets: list[dict[str, Any]]) -> Optional[float]:
    areas = [t.get("area_m2") for t in targets]
    return float(sum(areas)) if areas and all(a is not None for a in areas) else (0.0 if not areas else None)


def layer_rows(m: Matching, base: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """{layer: rows}; appeared and persisted take the second date's outline (its shift undone: on the first
    date's ground), disappeared the first date's. `base`: the fields every row shares (query, runs, rasters)."""
    rows: dict[str, list[dict[str, Any]]] = {"appeared": [], "disappeared": [], "persisted": []}
    n = 0

    def row(kind: str, geom, b: Optional[dict], a: Optional[dict], iou: Optional[float]) -> dict[str, Any]:
        nonlocal n
        n += 1
        return {"geometry": geom, "properties": {
            **base, "change_id": n, "change": kind, "iou": iou,
            "before_target_id": b["target_id"] if b else None, "after_target_id": a["target_id"] if a else None,
            "area_before": b.get("area_m2") if b else None, "area_after": a.get("area_m2") if a else None,
            "reasoning_before": b.get("reasoning", "") if b else "", "reasoning_after": a.get("reasoning", "") if a else ""}}

    for a in m.appeared:
        rows["appeared"].append(row("appeared", a["geometry"], None, a, None))
    for b in m.disappeared:
        rows["disappeared"].append(row("disappeared", b["geometry"], b, None, None))
    for p in m.persisted:
        rows["persisted"].append(row("persisted", p.after["geometry"], p.before, p.after, round(p.iou, 4)))
    return rows
