"""The parts on Ray: each part is a Ray task (retried when its worker dies) running the single-raster run core over
the mosaic's VRT for its views into its own partial GeoPackage; the driver bounds the parts in flight per model
server, follows views done across workers (a progress actor) and keeps every finished partial for a rerun."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from inference_core.mosaic.parts import Part

Emit = Callable[[dict], None]
PART_RETRIES = 3  # a part whose worker died (killed, out of memory, node lost) is run again this many times
POLL_S = 0.5  # how often the driver reads the views done across workers
LOCAL_OBJECT_STORE = 200 * 1024 ** 2  # embedded Ray: partial results are files, the object store stays small
DONE_SUFFIX = ".done.json"  # written after a partial is complete: its input hash and summary

_MODELS = None  # the worker process's warm models: Ray reuses a worker for the next part, the model stays loaded


class PartFailed(Exception):
    """A part's PipelineError on its way from a Ray worker to the driver (code, message)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message


@dataclass
class PartOutcome:
    """What one part did (the `done.json` beside its partial)."""

    part_id: str
    input_hash: str
    status: str
    views: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    parse_errors: int = 0
    skipped_nodata: int = 0
    pid: int = 0


def partial_paths(parts_dir: str, part: Part) -> tuple[str, str]:
    gpkg = os.path.join(parts_dir, part.partial_name())
    return gpkg, gpkg[:-5] + DONE_SUFFIX


def finished(parts_dir: str, part: Part) -> Optional[PartOutcome]:
    """The outcome of a part already done with the same inputs (a rerun keeps it), else None."""
    gpkg, done = partial_paths(parts_dir, part)
    try:
        with open(done, encoding="utf-8") as fh:
            outcome = PartOutcome(**json.load(fh))
    except (OSError, ValueError, TypeError):
        return None
    if outcome.input_hash != part.input_hash or outcome.status != "finished" or not os.path.exists(gpkg):
        return None
    return outcome


def run_part(options: dict, part: Part, parts_dir: str, tracker=None) -> PartOutcome:
    """One part in this process: the run core over the VRT (`options["raster"]`), the part's views only, into
    `<part_id>.gpkg` (written under a temporary name and renamed when complete, so a killed worker leaves no
    partial; the driver deletes leftover temporary files when the mosaic is merged)."""
    global _MODELS
    from inference_core.common.errors import PipelineError
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource
    from inference_core.run.core import RunCore
    from inference_core.run.targets import TargetRun

    gpkg, done = partial_paths(parts_dir, part)
    pid = os.getpid()
    # Our own temporary name: a worker of a killed driver may still be writing its copy of this part.
    tmp = f"{gpkg[:-5]}.{pid}.tmp.gpkg"
    for stale in (tmp, done):  # a part redone: the earlier partial's record goes first
        if os.path.exists(stale):
            os.remove(stale)
    o = RunOptions.from_dict({**options, "out": tmp, "append": False, "resume": False, "formats": ["gpkg"]})

    def emit(ev: dict) -> None:
        if tracker is not None and ev.get("type") == "progress" and ev.get("stage") == "write":
            tracker.update.remote(part.part_id, int(ev.get("tile", 0)), pid)

    emit.wants_results = False  # type: ignore[attr-defined]  # the driver shows no features: none are built

    if _MODELS is None:
        from inference_core.models.cache import ModelCache

        _MODELS = ModelCache()
    t0 = time.monotonic()
    source = RasterSource.open(o.raster, o.bands, stretch=o.stretch, stretch_values=o.stretch_values)
    try:
        core = RunCore(o, source, emit, None, _MODELS, t0)
        summary = TargetRun(core, _step(o.mode), only=part.view_ids).execute()
    except PipelineError as exc:  # to the driver as plain data: Ray pickles a task's exception by its args
        raise PartFailed(exc.code, exc.message) from None
    finally:
        source.close()
    os.replace(tmp, gpkg)
    outcome = PartOutcome(part.part_id, part.input_hash, summary.status, len(part.view_ids),
                          round(time.monotonic() - t0, 3), summary.warnings, summary.parse_errors,
                          summary.skipped_nodata, pid)
    with open(done, "w", encoding="utf-8") as fh:
        json.dump(outcome.__dict__, fh)
    return outcome


def _step(mode: str):
    from inference_core.contract.options import FIND_ALL

    if mode == FIND_ALL:
        from inference_core.run.find_all import FinderStep

        return FinderStep()
    from inference_core.run.locate import ReasonerStep

    return ReasonerStep()


@dataclass
class Placement:
    """Where parts run: the model servers shared across parts (round robin, at most `per_server` parts in
    flight at each), and the Ray resources of one part (`num_gpus=1` for a local model where GPUs exist)."""

    servers: list[str]
    per_server: int
    num_gpus: float = 0.0

    def server_of(self, part: Part) -> Optional[str]:
        return self.servers[part.index % len(self.servers)] if self.servers else None


def start_ray(address: Optional[str], workers: Optional[int]):
    """Ray: the cluster at `address`, else an embedded local one with `workers` CPUs (default: all); returns
    whether this call started it (then `stop_ray` ends it)."""
    import ray

    if ray.is_initialized():
        return False
    kw: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
    if address:
        ray.init(address=address, **kw)
    else:
        # "local": a new embedded instance, never a `ray start` cluster found on this machine by chance
        ray.init(address="local", num_cpus=workers or os.cpu_count() or 1, object_store_memory=LOCAL_OBJECT_STORE,
                 **kw)
    return True


def gpus_available() -> float:
    import ray

    return float(ray.cluster_resources().get("GPU", 0.0))


def execute(options: dict, parts: Sequence[Part], parts_dir: str, placement: Placement, emit: Emit,
            views_total: int, views_before: int, cancel=None) -> list[PartOutcome]:
    """Run `parts` on Ray, at most `placement.per_server` parts per server in flight; progress events as views
    finish on any worker (views done / total, ETA from this run's pace). Raises the first part's error; `cancel`
    set: the parts in flight are stopped, the finished ones returned."""
    import ray

    tracker = _Tracker.remote()
    # max_calls=0 (no limit): Ray ends a GPU task's worker after each call by default, which would load the
    # model again for every part; kept, one worker per GPU holds its model warm from part to part.
    remote = ray.remote(max_retries=PART_RETRIES, num_cpus=0 if placement.num_gpus else 1,
                        num_gpus=placement.num_gpus, max_calls=0)(run_part)
    waiting = list(parts)
    running: dict[Any, Part] = {}
    per_server: dict[Optional[str], int] = {}
    outcomes: list[PartOutcome] = []
    t0 = time.monotonic()
    done_views = 0  # of finished parts this run
    while waiting or running:
        if cancel is not None and cancel.is_set():
            _cancel(running)
            break
        for part in list(waiting):  # submit what the servers' bounds allow
            server = placement.server_of(part)
            if server is not None and per_server.get(server, 0) >= placement.per_server:
                continue
            opts = {**options, "server_url": server} if server is not None else options
            running[remote.remote(opts, part, parts_dir, tracker)] = part
            per_server[server] = per_server.get(server, 0) + 1
            waiting.remove(part)
        ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
        for ref in ready:
            part = running.pop(ref)
            per_server[placement.server_of(part)] -= 1
            try:
                outcome = ray.get(ref)
            except ray.exceptions.RayTaskError as exc:  # the part's own error (bad model, server down, ...)
                _cancel(running)
                raise _user_error(part, getattr(exc, "cause", None)) from None
            outcomes.append(outcome)
            done_views += outcome.views
        in_parts = ray.get(tracker.views.remote([p.part_id for p in running.values()]))
        now = done_views + in_parts
        elapsed = time.monotonic() - t0
        todo = views_total - views_before
        eta = round(elapsed / now * (todo - now), 1) if now else None
        emit({"type": "progress", "stage": "write", "step": "mosaic", "tile": views_before + now,
              "tiles": views_total, "eta_s": eta, "parts_done": len(outcomes), "parts": len(parts),
              "workers": len(running)})
    return outcomes


def _user_error(part: Part, cause: Optional[BaseException]) -> Exception:
    """A part's failure as the engine's one-line error (not Ray's traceback): a PipelineError as raised in the
    worker (server down, model missing, disk full: its own code and fix), anything else naming the part."""
    from inference_core.common.errors import PipelineError
    from inference_core.contract.protocol import ErrorCode

    if isinstance(cause, (PipelineError, PartFailed)):
        return PipelineError(cause.code, cause.message)
    return PipelineError(ErrorCode.INTERNAL, f"Part {part.part_id} of the mosaic failed: {type(cause).__name__}: "
                         f"{cause} (finished parts are kept; run the command again with --debug for details)")


def _cancel(running: dict) -> None:
    import ray

    for ref in running:
        ray.cancel(ref, force=True)


def stop_ray() -> None:
    import ray

    ray.shutdown()


def _tracker_class():
    import ray

    @ray.remote(num_cpus=0)
    class Tracker:
        """Views written per running part (a retried part starts again from 0), read by the driver."""

        def __init__(self):
            self.done: dict[str, int] = {}

        def update(self, part_id: str, views: int, pid: int) -> None:
            # set, not added: a retried part (another worker, `pid`) counts again from its first view
            self.done[part_id] = views

        def views(self, part_ids: list[str]) -> int:
            return sum(self.done.get(p, 0) for p in part_ids)

    return Tracker


class _Lazy:
    """`_Tracker.remote()` without importing Ray at module import (the module is imported by the CLI's parser)."""

    def remote(self):
        return _tracker_class().remote()


_Tracker = _Lazy()
