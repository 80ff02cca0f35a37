"""Which run a mode is (`mode_run`) and which options a resumed run takes from the caller (`RUNTIME_OPTIONS`):
shared by the one-raster entry point (run/pipeline.py) and the two-date change run (run/change/runner.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from inference_core.contract.options import ANSWER_MODES, FIND_ALL

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.run.core import RunCore
    from inference_core.run.summary import RunSummary

# Options a resumed run takes from the caller; everything else comes from the run's recorded settings,
# so the tile plan, prompt, model and geometry parameters are those of the interrupted run.
RUNTIME_OPTIONS = ("device", "dtype", "batch_size", "concurrency", "api_key", "api_key_env", "server_url",
                   "timeout", "retries", "formats", "reuse")


def mode_run(mode: str) -> "Callable[[RunCore], RunSummary]":
    """The run of `mode` (contract.options.MODES), imported on first use: each mode is its own module."""
    if mode in ANSWER_MODES:  # text answers instead of targets
        from inference_core.run.answers import run_answers

        return run_answers
    if mode == FIND_ALL:  # SAM 3's instances of a noun phrase, no reasoner
        from inference_core.run.find_all import run_find_all

        return run_find_all
    from inference_core.run.locate import run_locate

    return run_locate
