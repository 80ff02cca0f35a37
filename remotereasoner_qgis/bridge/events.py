"""One walk over a run's worker events (progress, result, reasoning, warning, then done or error) and the
one table of stage labels, for the dock's task and for Processing alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

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


def progress_percent(event: Event) -> Optional[float]:
    """Overall progress of a `progress` event; tiles are numbered from 0 or 1, both map into 0..100."""
    tiles = event.get("tiles") or 0
    tile = event.get("tile")
    if not tiles or tile is None:
        return None
    done = min(max(float(tile), 0.0), float(tiles))
    # the pipeline numbers tiles from 0 (ARCHITECTURE); a tile equal to `tiles` means "all done"
    share = _STAGE_SHARE.get(str(event.get("stage")), 0.0) if done < tiles else 0.0
    return min(100.0, 100.0 * (done + share) / tiles)


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
        elif kind == "warning":
            warning(str(ev.get("message", "")))
        elif kind == "done":
            return RunEnd(summary=dict(ev.get("summary") or {}))
        elif kind == "error":
            return RunEnd(error=ev)
    return RunEnd()
