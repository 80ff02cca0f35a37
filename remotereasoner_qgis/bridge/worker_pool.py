"""One shared engine worker per interpreter, reused by the dock and by Processing.

The worker keeps the models warm between questions, so it lives as long as the plugin does;
`close_all()` (plugin unload, QGIS quit) ends it. Runs on one worker are serialised with a lock
because the worker answers `busy` to a second concurrent run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from ..paths import ENGINE_ROOT
from ..i18n import tr
from .engine_env import engine_env


@dataclass
class _Entry:
    client: Any
    run_lock: threading.Lock = field(default_factory=threading.Lock)


_entries: dict[str, _Entry] = {}
_guard = threading.Lock()


def get(python: str) -> _Entry:
    """The shared client for this interpreter (started lazily by the client on first request)."""
    with _guard:
        entry = _entries.get(python)
        if entry is None:
            from inference_core.contract.client import WorkerClient  # stdlib-only module

            entry = _Entry(WorkerClient(python, env=engine_env(), cwd=ENGINE_ROOT))
            _entries[python] = entry
        return entry


def acquire_run(lock: threading.Lock, cancelled: Callable[[], bool], on_wait: Callable[[], None] = lambda: None) -> bool:
    """Wait for the worker's run lock (a dock or Processing run may hold it) while staying
    cancellable; `on_wait` is called once if there is a wait. False when cancelled meanwhile."""
    waited = False
    while not lock.acquire(timeout=0.2):
        if not waited:
            on_wait()
            waited = True
        if cancelled():
            return False
    return True


def describe_client_error(exc: BaseException) -> str:
    """One user-actionable sentence for a client-side failure (the worker died, cannot start, ...)."""
    name = type(exc).__name__
    if name == "WorkerDied":
        tail = [str(x) for x in (getattr(exc, "stderr_tail", None) or []) if str(x).strip()][-5:]
        return tr("The engine process stopped unexpectedly (exit code {code}). Check the engine set-up in the RemoteReasoner settings; its last output was: {tail}").format(
            code=getattr(exc, "exit_code", "?"), tail=" | ".join(tail) or "-")
    if name == "WorkerStartError" or isinstance(exc, (FileNotFoundError, PermissionError)):
        return tr("The engine Python cannot be started ({error}). Set up the engine or choose its interpreter in the RemoteReasoner settings.").format(error=exc)
    return tr("The engine failed: {error}").format(error=exc)


def close_all() -> None:
    """Stop every worker (unload / quit). Safe to call twice."""
    with _guard:
        entries = list(_entries.values())
        _entries.clear()
    for entry in entries:
        try:
            entry.client.close()
        except Exception:  # noqa: BLE001 - a dead worker is already closed
            pass
