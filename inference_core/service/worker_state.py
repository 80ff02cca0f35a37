"""What the worker's request handlers share (`WorkerState`): the output to the client, the run thread, the
run function, the warm model cache and the snapshot of what it has loaded."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import encode
from inference_core.service.jobs import CurrentJob, Emit, JobThread
from inference_core.service.messages import jsonable

log = logging.getLogger(__name__)

# run(options, emit, cancel, models) -> RunSummary; the real one is inference_core.run.pipeline.run.
RunFn = Callable[..., Any]


def _default_run(options: RunOptions, emit: Emit, cancel: threading.Event, models: Any) -> Any:
    from inference_core.run.pipeline import run  # heavy: imported on the first run, never at start

    return run(options, emit=emit, cancel=cancel, models=models)


def _default_models() -> Any:
    from inference_core.models.cache import ModelCache

    return ModelCache()


class WorkerState:
    """The worker's shared state; `write` sends one event (a dict) to the client and must be thread-safe."""

    def __init__(self, write: Emit, run: Optional[RunFn] = None, models_factory: Optional[Callable[[], Any]] = None):
        self._write_raw = write
        self._write_lock = threading.Lock()
        self.run = run or _default_run
        self._models_factory = models_factory or _default_models
        self._models: Any = None
        self.loaded: dict[str, Any] = {}
        self.stopping = threading.Event()
        self.jobs = JobThread(self.send, on_end=self.remember_models, stopping=self.stopping)

    @property
    def current(self) -> Optional[CurrentJob]:
        """The job the run thread is working on, or None."""
        return self.jobs.current

    # -- output -------------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        try:
            line = encode(message)
        except (TypeError, ValueError):
            line = encode(jsonable(message))
        with self._write_lock:
            try:
                self._write_raw(line)  # type: ignore[arg-type]
            except (BrokenPipeError, OSError, ValueError):
                # The client is gone: nobody can read results any more; stop the run and exit.
                log.error("protocol output closed; stopping")
                self.stopping.set()
                self.jobs.cancel_current()

    # -- the warm models ----------------------------------------------------------------------
    def models(self) -> Any:
        if self._models is None:
            self._models = self._models_factory()
        return self._models

    def remember_models(self) -> None:
        """Snapshot what the model cache holds, from the job thread.

        `status` reads this snapshot: asking the cache from the reading thread would wait on its lock
        while a model loads (minutes for a 7B checkpoint).
        """
        loaded = getattr(self._models, "loaded", None)
        if callable(loaded):
            try:
                self.loaded = jsonable(loaded())
            except Exception:  # noqa: BLE001 - status must not fail because of a description
                log.debug("models.loaded() failed", exc_info=True)

    def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for the run thread; True when it has ended."""
        return self.jobs.join(timeout)
