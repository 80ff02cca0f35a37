"""One walk over a run's worker events (progress, result, reasoning, answer, warning, then done or error) and the
one table of stage labels, for the dock's task and for Processing alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from qgis.PyQt.QtCore import QLocale

from ..i18n import tr

Event = dict[str, Any]

# Share of one tile's progress reached when a stage starts (the pipeline's order of stages).
_STAGE_SHARE = {"read": 0.0, "reason": 0.1, "segment": 0.7, "write": 0.9}


def stage_label(stage: str) -> str:
    """What the pipeline is doing in a `progress` event, for the user; an unknown stage as it is."""
    return {
        "read": tr("reading the image"),
        "reason": tr("asking the model"),
        "segment": tr("segmenting"),
        "write": tr("writing results"),
    }.get(stage, stage)


def step_label(step: str) -> str:
    """The strategy's step of a `progress` event ("" for plain tiles, which need no word)."""
    return {"overview": tr("overview"), "refine": tr("zooming in")}.get(step, "")


def view_number(event: Event) -> Optional[int]:
    """The 1-based number of the view a `progress` event is about, or None. The pipeline's `tile` counts the
    views finished so far: the view in work is the next one, except for `write`, sent once the view is done."""
    tiles = int(event.get("tiles") or 0)
    tile = event.get("tile")
    if not tiles or tile is None:
        return None
    done = int(tile)
    number = done if str(event.get("stage")) == "write" else done + 1
    return min(max(number, 1), tiles)


def progress_text(event: Event) -> str:
    """"asking the model · view 3 of 9" for a `progress` event ("" without tiles)."""
    number = view_number(event)
    if number is None:
        return ""
    stage = stage_label(str(event.get("stage", "")))
    strips = int(event.get("strips") or 0)
    if strips:  # a long read in strips: how far it is
        stage = tr("{stage}, {done} of {total} strips").format(stage=stage, done=int(event.get("strip") or 0),
                                                              total=strips)
    text = tr("{stage} · view {i} of {n}").format(stage=stage, i=number, n=int(event["tiles"]))
    step = step_label(str(event.get("step") or ""))
    return f"{step} · {text}" if step else text


def progress_percent(event: Event) -> Optional[float]:
    """Overall progress of a `progress` event (0..100): the views finished plus the share of the one in work."""
    tiles = event.get("tiles") or 0
    tile = event.get("tile")
    if not tiles or tile is None:
        return None
    done = min(max(float(tile), 0.0), float(tiles))
    stage = str(event.get("stage"))
    # `write` comes after the view is counted as finished; `tile` == `tiles` means all done
    share = _STAGE_SHARE.get(stage, 0.0) if done < tiles and stage != "write" else 0.0
    if stage == "read" and event.get("strips") and done < tiles:  # a long read moves up to where asking starts
        share = _STAGE_SHARE["reason"] * int(event.get("strip") or 0) / int(event["strips"])
    return min(100.0, 100.0 * (done + share) / tiles)


# ---------------------------------------------------------------------------------------------
# How a run ended, in words: the one wording for the dock and Processing
# ---------------------------------------------------------------------------------------------
SUCCESS, WARNING, INFO, CRITICAL = "success", "warning", "info", "critical"
_COUNT_ORDER = ("boxes", "masks", "contours")


def count_text(name: str, n: int) -> str:
    """"1 box", "3 masks", in the user's language (plural forms)."""
    n = int(n)
    if name == "boxes":
        return tr("%n box(es)", None, n)
    if name == "masks":
        return tr("%n mask(s)", None, n)
    if name == "contours":
        return tr("%n contour(s)", None, n)
    if name == "answers":
        return tr("%n answer(s)", None, n)
    return f"{n} {name}"


def counts_text(counts: dict, granularity: Sequence[str] = ()) -> str:
    """"2 boxes, 1 mask": every kind asked for (`granularity`) or written (`counts`), in a fixed order."""
    names = [n for n in _COUNT_ORDER if n in counts or n in granularity]
    names += [n for n in counts if n not in names]
    return tr(", ").join(count_text(n, counts.get(n) or 0) for n in names or ("boxes",))


def number_text(value: float, decimals: int = 1) -> str:
    """A number in the user's locale (QGIS sets QLocale's default): "55,858.6" in English, "55 858,6" in French."""
    return QLocale().toString(float(value), "f", decimals)


def tally_text(summary: dict) -> str:
    """The tally of a locate run from its `done` summary (or a correction's result): "3 targets · 1,234.5 m²
    covered (masks) · the largest 812.0 m²", then the per-target sum where targets overlap ("" when none)."""
    answer = summary.get("tally") or {}
    if "targets" not in answer:
        return ""
    n = int(answer.get("targets") or 0)
    text = tr("%n target(s)", None, n)
    if n and answer.get("total_area") is not None:
        unit = str(answer.get("unit") or "m²")
        total = float(answer["total_area"])
        covered = total if answer.get("covered_area") is None else float(answer["covered_area"])
        layer = tr("box areas") if answer.get("measured_on") == "boxes" else tr("masks")
        text += " · " + tr("{covered} {unit} covered ({layer}) · the largest {largest} {unit}").format(
            covered=number_text(covered), largest=number_text(float(answer["largest_area"])), unit=unit, layer=layer)
        if total > covered * 1.001 + 1e-6:  # the sum counts overlaps again: said as such, never as the area
            text += " · " + tr("the targets' own areas add up to {total} {unit} (they overlap)").format(
                total=number_text(total), unit=unit)
    return text


def dropped_text(summary: dict) -> str:
    """Find-all: what the score threshold hid ("" when nothing was dropped)."""
    below = summary.get("below_threshold") or {}
    n = int(below.get("dropped") or 0)
    if not n:
        return ""
    return tr("Dropped %n instance(s) under the score threshold {threshold} (best score {best}).", None, n).format(
        threshold=number_text(float(below.get("threshold") or 0), 2), best=number_text(float(below.get("best_score") or 0), 2))


def _square_metres(value: Any) -> str:
    return f"{float(value):,.0f}".replace(",", " ") + " m²"


def change_text(summary: dict) -> str:
    """A change run's line from its `done` summary: "12 appeared (3 410 m²), 3 disappeared (410 m²), 41 persisted"
    in the user's language ("" for a run on one date)."""
    change = summary.get("change") or {}
    counts = summary.get("counts") or {}
    if "persisted" not in counts or not change:
        return ""
    parts = []
    for name, area in (("appeared", change.get("appeared_m2")), ("disappeared", change.get("disappeared_m2")),
                       ("persisted", None)):
        n = int(counts.get(name) or 0)
        text = {"appeared": tr("%n appeared", None, n), "disappeared": tr("%n disappeared", None, n),
                "persisted": tr("%n persisted", None, n)}[name]
        parts.append(text + (f" ({_square_metres(area)})" if n and area is not None else ""))
    return tr(", ").join(parts)


def unreadable_text(unread: int, views: int) -> str:
    return tr("The model's answers could not be read on {k} of %n view(s) — see Reasoning; try another prompt.",
              None, views).format(k=unread)


@dataclass(frozen=True)
class EndState:
    """What the user is told when a run ends: `level` (success | warning | info | critical), the sentence,
    and a word or two for a progress bar."""

    level: str
    text: str
    short: str


def end_state(summary: dict, granularity: Sequence[str] = ()) -> EndState:
    """The end of a run from its `done` summary: found N, answers unreadable on K of N views, cancelled with
    K of N views kept, or failed with the reason. Never a success when no answer could be read."""
    status = str(summary.get("status") or "finished")
    counts = dict(summary.get("counts") or {})
    done = int(summary.get("tiles_done") or 0)
    total = int(summary.get("tiles_total") or 0)
    unread = int(summary.get("parse_errors") or 0)
    found = tr("Found {counts}.").format(counts=counts_text(counts, granularity))
    if "answers" in counts:  # an ask / describe run answers in text (run/answers.py); an unreadable one is no answer
        readable = max(0, int(counts["answers"]) - unread)
        counts = {**counts, "answers": readable}
        found = tr("Answered on %n view(s).", None, readable)
    if change_text(summary):  # two dates compared (docs/guide/change.md)
        found = tr("Changes: {line}.").format(line=change_text(summary))
    if status == "failed":
        warnings = [str(w) for w in summary.get("warnings") or () if str(w).strip()]
        return failure_state(warnings[-1] if warnings else tr("the engine stopped the run."))
    if status == "cancelled":
        if not total:
            return EndState(INFO, tr("Cancelled before the first view: nothing was kept."), tr("Cancelled"))
        text = tr("Cancelled: {k} of %n view(s) kept.", None, total).format(k=done)
        if done:
            text += " " + found
        if unread:
            text += " " + unreadable_text(unread, done)
        return EndState(WARNING if unread else INFO, text, tr("Cancelled"))
    found += side_notes(summary)
    dropped = dropped_text(summary)
    if dropped and not any(counts.values()):  # nothing kept, all under the threshold: never a green "Found 0"
        return EndState(WARNING, found + " " + dropped + " " + tr("Lower the score threshold to see them."),
                        tr("All under the threshold"))
    if dropped:
        found += " " + dropped
    if unread and unread >= done and not any(counts.values()):
        return EndState(WARNING, unreadable_text(unread, total or done) + side_notes(summary), tr("Answers unreadable"))
    if unread:
        return EndState(WARNING, found + " " + unreadable_text(unread, total or done), tr("Done, some answers unreadable"))
    return EndState(SUCCESS, found, tr("Done"))


def side_notes(summary: dict) -> str:
    """What a finished run did besides asking the model: views with no data skipped (never asked), answers
    reused from identical views already in the output (no model call), refine's overview finds kept
    unconfirmed or dropped; empty when none of these happened."""
    notes = ""
    skipped = int(summary.get("skipped_nodata") or 0)
    reused = int(summary.get("reused") or 0)
    if skipped:
        notes += " " + tr("%n view(s) with no data skipped.", None, skipped)
    if reused:
        notes += " " + tr("%n answer(s) reused from identical views in the output, without asking the model.",
                          None, reused)
    unconfirmed = int(summary.get("unconfirmed") or 0)
    dropped = int(summary.get("dropped") or 0)
    if unconfirmed:  # refine: kept where the overview put them, field `unconfirmed` = 1
        notes += " " + tr("%n overview find(s) kept unconfirmed: their closer look gave no usable answer.",
                          None, unconfirmed)
    if dropped:
        notes += " " + tr("%n overview find(s) dropped: not found again on a closer look.", None, dropped)
    return notes


def failure_state(reason: str) -> EndState:
    reason = str(reason).strip() or tr("unknown error")
    return EndState(CRITICAL, tr("Failed: {reason}").format(reason=reason), tr("Failed"))


@dataclass(frozen=True)
class RunEnd:
    """How the events of a run ended: its `done` summary, its `error` event, or neither (the stream
    stopped without a terminal event)."""

    summary: Optional[dict] = None
    error: Optional[Event] = None


def _ignore(_value: Any) -> None:
    pass


def dispatch(
    events: Iterable[Event],
    progress: Callable[[Event], None] = _ignore,
    result: Callable[[Event], None] = _ignore,
    reasoning: Callable[[Event], None] = _ignore,
    warning: Callable[[str], None] = _ignore,
    answer: Callable[[Event], None] = _ignore,
) -> RunEnd:
    """Hand each event of a `reason` request to its callback until `done` or `error`, and say which.

    Exceptions of the event source (the worker died, ...) pass through: each caller turns them into
    its own message.
    """
    for ev in events:
        kind = ev.get("type")
        if kind == "progress":
            progress(ev)
        elif kind == "result":
            result(ev)
        elif kind == "reasoning":
            reasoning(ev)
        elif kind == "answer":
            answer(ev)
        elif kind == "warning":
            warning(str(ev.get("message", "")))
        elif kind == "done":
            return RunEnd(summary=dict(ev.get("summary") or {}))
        elif kind == "error":
            return RunEnd(error=ev)
    return RunEnd()
