"""One `reason` request on the shared worker, followed to its end on the calling thread: wait for the worker,
send, hand each event to its handler (bridge/events.py), cancel when asked. The QgsTask of a dock or history run
and Processing's blocking run both go through `follow_run`."""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional

from inference_core.contract.protocol import ErrorCode

from ..i18n import tr
from . import events, worker_pool

Handler = Callable[[Any], None]


@dataclass(frozen=True)
class RunOutcome:
    """How the worker ended a run: its `done` summary, or a failure (code, message, details); both None when the
    run was cancelled before the worker took it."""

    summary: Optional[dict] = None
    failure: Optional[tuple[str, str, str]] = None


def follow_run(python: str, options: dict[str, Any], handlers: dict[str, Handler], is_canceled: Callable[[], bool],
               on_wait: Callable[[], None] = lambda: None, poll_s: float = 0.2, request: str = "reason",
               fields: Optional[dict[str, Any]] = None) -> RunOutcome:
    """Run `options` on the worker of `python`; `handlers` are events.dispatch's (progress, result, reasoning,
    answer, warning). Another run holding the worker is waited for (`on_wait` once), cancellably. `request`:
    `reason`, or `mosaic` with its `fields` ({"mosaic": MosaicSettings as a dict})."""
    try:
        entry = worker_pool.get(python)
        if not worker_pool.acquire_run(entry.run_lock, is_canceled, on_wait):
            return RunOutcome()
        try:
            return _follow(entry.client, options, handlers, is_canceled, poll_s, request, fields or {})
        finally:
            entry.run_lock.release()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a traceback
        if type(exc).__name__ in ("WorkerDied", "WorkerStartError") or isinstance(exc, OSError):
            tail = getattr(exc, "stderr_tail", None) or []
            tail = "\n".join(map(str, tail)) if isinstance(tail, (list, tuple)) else str(tail)
            return RunOutcome(failure=(ErrorCode.WORKER_DIED, worker_pool.describe_client_error(exc), tail))
        return RunOutcome(failure=(ErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}", traceback.format_exc()))


def _follow(client: Any, options: dict[str, Any], handlers: dict[str, Handler], is_canceled: Callable[[], bool],
            poll_s: float, request: str = "reason", fields: Optional[dict[str, Any]] = None) -> RunOutcome:
    rid = client.send(request, options=options, **(fields or {}))
    stop = threading.Event()

    def watch_cancel() -> None:
        # the client blocks while reading the worker's output, so cancel is watched beside it; the worker stops
        # after the current view and answers `done` with status `cancelled`, keeping the finished views
        while not stop.wait(poll_s):
            if is_canceled():
                try:
                    client.cancel(rid)
                except Exception:  # noqa: BLE001 - cancelling a finished or dead worker is not an error
                    pass
                return

    watcher = threading.Thread(target=watch_cancel, name="remotereasoner-cancel", daemon=True)
    watcher.start()
    try:
        end = events.dispatch(client.events(rid), **handlers)
    finally:
        stop.set()
        watcher.join(timeout=1.0)
    if end.summary is not None:
        return RunOutcome(summary=end.summary)
    if end.error is not None:
        ev = end.error
        return RunOutcome(failure=(str(ev.get("code", ErrorCode.INTERNAL)), str(ev.get("message") or ev.get("code") or ""),
                               str(ev.get("details", "") or "")))
    return RunOutcome(failure=(ErrorCode.WORKER_DIED, tr("The engine ended the run without an answer."), ""))
