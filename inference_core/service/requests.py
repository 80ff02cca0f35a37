"""The worker's answer to each request type: hello, load, reason, resume, cancel, status, shutdown.

A handler checks its request and either answers at once (hello, status, cancel, shutdown) or starts
a job on the run thread (load, reason, resume) whose body is defined here too. docs/PROTOCOL.md
lists the fields of every request and event.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import platform
import time
from typing import TYPE_CHECKING, Any, Callable

from inference_core.contract.options import FIND_ALL, OptionsError, RunOptions
from inference_core.contract.protocol import PROTOCOL_VERSION, ErrorCode, error_event, event
from inference_core.models.memory import (
    free_memory,
    is_out_of_memory,
    load_oom_message,
    oom_message,
    retry_note,
    smaller_settings,
)
from inference_core.service.diagnostics import device_report, package_versions
from inference_core.service.jobs import CurrentJob, Emit
from inference_core.service.messages import jsonable, options_from_request, valid_id

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.service.worker_state import WorkerState

log = logging.getLogger(__name__)

Message = dict[str, Any]
Handler = Callable[["WorkerState", Any, Message], None]


# ------------------------------------------------------------------------------------- answered at once
def hello(worker: "WorkerState", rid: Any, msg: Message) -> None:
    probe = msg.get("probe", True)
    if not isinstance(probe, bool):
        worker.send(error_event(rid, ErrorCode.BAD_REQUEST, "'probe' must be true or false."))
        return
    body: dict[str, Any] = {"protocol": PROTOCOL_VERSION, "pid": os.getpid(),
                            "versions": package_versions(probe), "platform": platform.platform()}
    if probe:
        body.update(device_report())
    worker.send(event("hello", rid, **body))


def status(worker: "WorkerState", rid: Any, msg: Message, **extra: Any) -> None:
    job = worker.current
    current = None
    if job is not None:
        current = {"id": job.id, "type": job.type, "seconds": round(time.monotonic() - job.started, 3),
                   "progress": job.last_progress, "cancelling": job.cancel.is_set()}
    worker.send(event("status", rid, busy=job is not None, current=current, models=dict(worker.loaded),
                      protocol=PROTOCOL_VERSION, **extra))


def cancel(worker: "WorkerState", rid: Any, msg: Message) -> None:
    target = msg.get("target")
    if not valid_id(target):
        worker.send(error_event(rid, ErrorCode.BAD_REQUEST, "'cancel' needs 'target': the id of the request to stop."))
        return
    job = worker.current
    accepted = job is not None and job.id == target
    if accepted:
        job.cancel.set()
        log.info("cancel requested for %s", target)
    # A cancel that arrives after the run ended is not an error (the two crossed in the pipes).
    status(worker, rid, msg, cancel={"target": target, "accepted": accepted})


def shutdown(worker: "WorkerState", rid: Any, msg: Message) -> None:
    worker.stopping.set()
    worker.jobs.cancel_current()
    worker.join(timeout=30.0)
    worker.send(event("bye", rid))


# ------------------------------------------------------------------------------------- started as jobs
def reason(worker: "WorkerState", rid: Any, msg: Message, resume: bool = False) -> None:
    try:
        options = options_from_request(msg.get("options"), resume=resume)
    except OptionsError as exc:
        worker.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
        return
    worker.jobs.start(rid, "resume" if resume else "reason", lambda job: run_job(worker, job, options))


def resume(worker: "WorkerState", rid: Any, msg: Message) -> None:
    reason(worker, rid, msg, resume=True)


def load(worker: "WorkerState", rid: Any, msg: Message) -> None:
    try:
        options = options_from_request(msg.get("options", {}), for_load=True)
    except OptionsError as exc:
        worker.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
        return
    worker.jobs.start(rid, "load", lambda job: load_job(worker, job, options))


def correct(worker: "WorkerState", rid: Any, msg: Message) -> None:
    from inference_core.common.errors import InputError
    from inference_core.run.correct import Correction

    try:
        req = Correction.from_dict(msg.get("correction"))
    except InputError as exc:
        worker.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
        return
    worker.jobs.start(rid, "correct", lambda job: correct_job(worker, job, req))


def mosaic(worker: "WorkerState", rid: Any, msg: Message) -> None:
    """One question over a mosaic on Ray (inference_core.mosaic): `options` as for reason, `mosaic` its settings."""
    from inference_core.contract.mosaic import MosaicSettings

    try:
        settings = MosaicSettings.from_dict(msg.get("mosaic"))
        raw = msg.get("options")
        if isinstance(raw, dict) and settings.servers:
            raw = {**raw, "server_url": settings.servers[0]}
        options = options_from_request(raw)
    except (OptionsError, TypeError) as exc:
        worker.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
        return
    worker.jobs.start(rid, "mosaic", lambda job: mosaic_job(worker, job, settings, options))


HANDLERS: dict[str, Handler] = {
    "hello": hello, "load": load, "reason": reason, "resume": resume, "correct": correct, "mosaic": mosaic,
    "cancel": cancel, "status": status, "shutdown": shutdown,
}


def correct_job(worker: "WorkerState", job: CurrentJob, req) -> dict[str, Any]:
    """One correction with the warm segmenter (its embedding cache holds the run's windows)."""
    from inference_core.run.correct import correct as apply_correction

    result = apply_correction(req, worker.models())
    worker.remember_models()
    return event("corrected", job.id, result=jsonable(result.to_dict()))


# ------------------------------------------------------------------------------------- job bodies
def run_job(worker: "WorkerState", job: CurrentJob, options: RunOptions) -> dict[str, Any]:
    """A run; out of memory once: the retry of `models.memory.smaller_settings`."""
    emit = worker.jobs.emitter(job)
    out_of_memory = False
    try:
        summary = worker.run(options, emit, job.cancel, worker.models())
    except BaseException as exc:  # noqa: BLE001
        if not is_out_of_memory(exc) or job.cancel.is_set():
            raise
        log.warning("out of memory: %s", exc)
        out_of_memory = True
    # Retried outside the except block so the traceback (and the tensors its frames hold) is gone.
    if out_of_memory:
        return _retry_after_oom(worker, job, options, emit)
    return event("done", job.id, summary=jsonable(summary))


def mosaic_job(worker: "WorkerState", job: CurrentJob, settings, options: RunOptions) -> dict[str, Any]:
    """A mosaic run: its parts on Ray workers (their own models), progress across them, `done` with the summary."""
    from inference_core.mosaic.driver import run_mosaic

    return event("done", job.id, summary=jsonable(run_mosaic(settings, options, worker.jobs.emitter(job), job.cancel)))


def _retry_after_oom(worker: "WorkerState", job: CurrentJob, options: RunOptions, emit: Emit) -> dict[str, Any]:
    """Free memory and retry once with a smaller batch or tile; `done`, or an error naming the setting."""
    free_memory()
    retry, changed = smaller_settings(options)
    # Resume keeps finished tiles only while the tile plan is unchanged (same tile size) or when
    # this already was a resume; a new tile size plans different tiles, so it starts afresh.
    same_plan = changed == "batch_size"
    retry = dataclasses.replace(retry, resume=(same_plan and bool(job.tiles_written)) or options.resume)
    old = getattr(options, changed)
    new = getattr(retry, changed)
    note = retry_note(changed, old, new)
    log.warning(note)
    emit({"type": "warning", "message": note, "setting": changed, "old": old, "new": new})
    try:
        return event("done", job.id, summary=jsonable(worker.run(retry, emit, job.cancel, worker.models())))
    except BaseException as exc:  # noqa: BLE001
        if not is_out_of_memory(exc):
            raise
    free_memory()
    return error_event(job.id, ErrorCode.OUT_OF_MEMORY, oom_message(retry, changed), setting=changed)


def load_job(worker: "WorkerState", job: CurrentJob, options: RunOptions) -> dict[str, Any]:
    """Load the reasoning model (and the segmenter when masks are asked for), or find-all's SAM 3, into the warm
    cache."""
    emit = worker.jobs.emitter(job)
    models = worker.models()
    steps = [("reasoning model", options.model if options.backend == "transformers" else options.backend,
              lambda: models.backend(options))]
    if options.mode == FIND_ALL:  # find-all runs SAM 3 alone
        steps = [("SAM 3", options.sam3, lambda: models.finder(options))]
    if options.needs_sam:
        steps.append(("segmenter", options.sam, lambda: models.segmenter(options)))
    t0 = time.monotonic()
    for i, (what, name, load_step) in enumerate(steps):
        if job.cancel.is_set():
            return error_event(job.id, ErrorCode.CANCELLED, "Loading was cancelled.")
        emit({"type": "progress", "stage": "load", "step": i, "steps": len(steps), "what": what, "name": name,
              "tile": None, "tiles": None, "eta_s": None})
        try:
            load_step()
            continue
        except BaseException as exc:  # noqa: BLE001
            if not is_out_of_memory(exc):
                raise
        free_memory()
        return error_event(job.id, ErrorCode.OUT_OF_MEMORY, load_oom_message(what))
    emit({"type": "progress", "stage": "load", "step": len(steps), "steps": len(steps), "what": "done",
          "name": None, "tile": None, "tiles": None, "eta_s": None})
    worker.remember_models()
    return event("loaded", job.id, models=dict(worker.loaded), seconds=round(time.monotonic() - t0, 3))
