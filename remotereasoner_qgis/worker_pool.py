"""One shared engine worker per interpreter, reused by the dock and by Processing.

The worker keeps the models warm between questions, so it lives as long as the plugin does;
`close_all()` (plugin unload, QGIS quit) ends it. Runs on one worker are serialised with a lock
because the worker answers `busy` to a second concurrent run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from . import ENGINE_ROOT
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
            from inference_core.client import WorkerClient  # stdlib-only module

            entry = _Entry(WorkerClient(python, env=engine_env(), cwd=ENGINE_ROOT))
            _entries[python] = entry
        return entry


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
