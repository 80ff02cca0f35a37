"""The long-lived engine worker: `python -m inference_core.service.worker` speaks JSON lines on stdin/stdout.

Models stay warm between requests; one run executes at a time in a run thread while the reading
thread keeps answering `status` and `cancel`. Logs go to stderr; stdout carries protocol lines only.
"""

from __future__ import annotations

import dataclasses
import faulthandler
import importlib.metadata
import logging
import math
import os
import platform
import sys
import threading
import time
import typing
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Optional

from inference_core import __version__
from inference_core.contract.options import OptionsError, RunOptions
from inference_core.contract.protocol import PROTOCOL_VERSION, REQUEST_TYPES, ErrorCode, ProtocolError, decode, encode, error_event, event
from inference_core.models.memory import (
    free_memory,
    is_out_of_memory,
    load_oom_message,
    oom_message,
    retry_note,
    smaller_settings,
)

log = logging.getLogger("inference_core.service.worker")

Emit = Callable[[dict[str, Any]], None]
# run(options, emit, cancel, models) -> RunSummary; the real one is inference_core.run.pipeline.run.
RunFn = Callable[..., Any]

KNOWN_CODES = {v for k, v in vars(ErrorCode).items() if k.isupper()}
# Placeholders so that `load` can reuse RunOptions (it only needs the model fields).
_LOAD_PLACEHOLDERS = {"raster": "", "query": "(load)", "out": ""}


# --------------------------------------------------------------------------------------------
# Request checking (pure functions)
# --------------------------------------------------------------------------------------------


def valid_id(value: Any) -> bool:
    """Request ids are non-empty strings or integers (not booleans); they are echoed back as given."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and 0 < len(value) <= 200) or isinstance(value, int)


def _accepts(tp: Any, value: Any) -> bool:
    """Whether a JSON value fits a RunOptions annotation (str, int, float, bool, Optional, tuples)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return any(_accepts(a, value) for a in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin is tuple:
        if isinstance(value, str):  # RunOptions.from_dict accepts "a,b" for tuple fields
            return typing.get_args(tp)[0] is str or _numbers_csv(value)
        if not isinstance(value, list):
            return False
        args = typing.get_args(tp)
        item = args[0]
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_accepts(item, x) for x in value)
        return len(value) == len(args) and all(_accepts(a, x) for a, x in zip(args, value))
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if tp is str:
        return isinstance(value, str)
    return True  # an annotation this checker does not know: leave it to RunOptions.validate


def _numbers_csv(text: str) -> bool:
    try:
        [float(x) for x in text.split(",") if x]
    except ValueError:
        return False
    return True


_HINTS = typing.get_type_hints(RunOptions)


def options_from_request(raw: Any, *, resume: bool = False, for_load: bool = False) -> RunOptions:
    """Turn a request's `options` object into validated RunOptions; raise OptionsError naming the option."""
    if not isinstance(raw, dict):
        raise OptionsError("'options' must be a JSON object of run options (RunOptions fields).")
    d = dict(raw)
    if for_load:
        for k, v in _LOAD_PLACEHOLDERS.items():
            d.setdefault(k, v)
    for name, value in d.items():
        tp = _HINTS.get(name)
        if tp is not None and not _accepts(tp, value):
            raise OptionsError(f"Option {name!r} has the wrong type ({type(value).__name__}): expected {_describe(tp)}.")
    if resume:
        d["resume"] = True
    opts = RunOptions.from_dict(d)
    if opts.extent is not None and len(opts.extent) != 4:
        raise OptionsError("Option 'extent' must be four numbers: xmin, ymin, xmax, ymax.")
    if opts.extent is not None:
        opts.extent = tuple(float(x) for x in opts.extent)  # type: ignore[assignment]
    if opts.bands is not None:
        try:
            opts.bands = tuple(int(b) for b in opts.bands)
        except ValueError:
            raise OptionsError("Option 'bands' must be 1-based band numbers, e.g. [3, 2, 1].") from None
    return opts.validate()


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return " or ".join(_describe(a) for a in typing.get_args(tp))
    if tp is type(None):
        return "null"
    if origin is tuple:
        return "a list"
    return {bool: "true/false", int: "an integer", float: "a number", str: "a string"}.get(tp, str(tp))


def jsonable(value: Any) -> Any:
    """Make an event body JSON-safe: dataclasses, tuples, bytes (hex), NaN/inf (None), paths."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        try:
            return jsonable(value.item())
        except Exception:  # noqa: BLE001
            pass
    return str(value)


# --------------------------------------------------------------------------------------------
# hello: versions and devices
# --------------------------------------------------------------------------------------------

_DISTRIBUTIONS = {
    "torch": "torch", "torchvision": "torchvision", "transformers": "transformers",
    "segment_anything": "segment-anything", "rasterio": "rasterio", "shapely": "shapely",
    "numpy": "numpy",
}


def package_versions(probe: bool) -> dict[str, Optional[str]]:
    """Installed versions from package metadata (no import); GDAL needs rasterio, so only when probing."""
    versions: dict[str, Optional[str]] = {"python": platform.python_version(), "inference_core": __version__}
    for key, dist in _DISTRIBUTIONS.items():
        try:
            versions[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[key] = None
    versions["gdal"] = None
    if probe:
        try:
            import rasterio

            versions["gdal"] = rasterio.__gdal_version__
        except Exception as exc:  # noqa: BLE001 - a broken install is reported, not fatal
            log.warning("rasterio could not be imported: %s", exc)
    return versions


def device_report() -> dict[str, Any]:
    """Devices torch can use and, for CUDA, free/total memory per device (imports torch)."""
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        return {"devices": ["cpu"], "cuda_memory": [], "torch_error": f"{type(exc).__name__}: {exc}"}
    devices = ["cpu"]
    memory = []
    try:
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                devices.append(f"cuda:{i}")
                free, total = torch.cuda.mem_get_info(i)
                memory.append({"device": f"cuda:{i}", "name": torch.cuda.get_device_name(i),
                               "free_bytes": int(free), "total_bytes": int(total)})
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            devices.append("mps")
    except Exception as exc:  # noqa: BLE001 - a broken driver must not break hello
        log.warning("CUDA query failed: %s", exc)
    return {"devices": devices, "cuda_memory": memory, "cuda_build": getattr(torch.version, "cuda", None)}


# --------------------------------------------------------------------------------------------
# The worker
# --------------------------------------------------------------------------------------------


@dataclass
class CurrentJob:
    """The request the run thread is working on."""

    id: Any
    type: str
    started: float
    cancel: threading.Event = field(default_factory=threading.Event)
    last_progress: Optional[dict[str, Any]] = None
    tiles_written: set = field(default_factory=set)


def _default_run(options: RunOptions, emit: Emit, cancel: threading.Event, models: Any) -> Any:
    from inference_core.run.pipeline import run  # heavy: imported on the first run, never at start

    return run(options, emit=emit, cancel=cancel, models=models)


def _default_models() -> Any:
    from inference_core.models.cache import ModelCache

    return ModelCache()


class Worker:
    """Dispatches requests; `write` sends one event (a dict) to the client and must be thread-safe."""

    def __init__(self, write: Emit, run: Optional[RunFn] = None, models_factory: Optional[Callable[[], Any]] = None):
        self._write_raw = write
        self._write_lock = threading.Lock()
        self._run = run or _default_run
        self._models_factory = models_factory or _default_models
        self._models: Any = None
        self._lock = threading.Lock()  # guards `current` and `_thread`
        self.current: Optional[CurrentJob] = None
        self._thread: Optional[threading.Thread] = None
        self.loaded: dict[str, Any] = {}
        self.stopping = threading.Event()

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
                job = self.current
                if job is not None:
                    job.cancel.set()

    # -- input --------------------------------------------------------------------------------
    def handle_line(self, line: bytes | str) -> None:
        """One request line. Never raises: every problem becomes an `error` event."""
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.send(error_event(None, ErrorCode.BAD_REQUEST, f"Request is not UTF-8 text: {exc.reason}."))
                return
        else:
            text = line
        if not text.strip():
            return  # blank lines (a terminal user pressing Enter) are not requests
        try:
            msg = decode(text)
        except ProtocolError as exc:
            self.send(error_event(None, ErrorCode.BAD_REQUEST, f"Bad request: {exc}."))
            return
        try:
            self.handle(msg)
        except Exception as exc:  # noqa: BLE001 - the worker must survive any request
            log.exception("request failed")
            rid = msg.get("id") if valid_id(msg.get("id")) else None
            self.send(error_event(rid, ErrorCode.INTERNAL, f"Internal error: {type(exc).__name__}: {exc}"))

    def handle(self, msg: dict[str, Any]) -> None:
        rid = msg.get("id")
        if not valid_id(rid):
            self.send(error_event(None, ErrorCode.BAD_REQUEST,
                                  f"Request {msg.get('type')!r} needs an 'id' (a string) that its events will carry."))
            return
        kind = msg["type"]
        handler = {
            "hello": self._hello, "load": self._load, "reason": self._reason, "resume": self._resume,
            "cancel": self._cancel, "status": self._status, "shutdown": self._shutdown,
        }.get(kind)
        if handler is None:
            self.send(error_event(rid, ErrorCode.BAD_REQUEST,
                                  f"Unknown request type {kind!r}: use one of {', '.join(REQUEST_TYPES)}."))
            return
        handler(rid, msg)

    # -- requests -----------------------------------------------------------------------------
    def _hello(self, rid: Any, msg: dict[str, Any]) -> None:
        probe = msg.get("probe", True)
        if not isinstance(probe, bool):
            self.send(error_event(rid, ErrorCode.BAD_REQUEST, "'probe' must be true or false."))
            return
        body: dict[str, Any] = {"protocol": PROTOCOL_VERSION, "pid": os.getpid(),
                                "versions": package_versions(probe), "platform": platform.platform()}
        if probe:
            body.update(device_report())
        self.send(event("hello", rid, **body))

    def _status(self, rid: Any, msg: dict[str, Any], **extra: Any) -> None:
        job = self.current
        current = None
        if job is not None:
            current = {"id": job.id, "type": job.type, "seconds": round(time.monotonic() - job.started, 3),
                       "progress": job.last_progress, "cancelling": job.cancel.is_set()}
        self.send(event("status", rid, busy=job is not None, current=current, models=dict(self.loaded),
                        protocol=PROTOCOL_VERSION, **extra))

    def _cancel(self, rid: Any, msg: dict[str, Any]) -> None:
        target = msg.get("target")
        if not valid_id(target):
            self.send(error_event(rid, ErrorCode.BAD_REQUEST, "'cancel' needs 'target': the id of the request to stop."))
            return
        job = self.current
        accepted = job is not None and job.id == target
        if accepted:
            job.cancel.set()
            log.info("cancel requested for %s", target)
        # A cancel that arrives after the run ended is not an error (the two crossed in the pipes).
        self._status(rid, msg, cancel={"target": target, "accepted": accepted})

    def _shutdown(self, rid: Any, msg: dict[str, Any]) -> None:
        self.stopping.set()
        job = self.current
        if job is not None:
            job.cancel.set()
        self.join(timeout=30.0)
        self.send(event("bye", rid))

    def _reason(self, rid: Any, msg: dict[str, Any], resume: bool = False) -> None:
        try:
            options = options_from_request(msg.get("options"), resume=resume)
        except OptionsError as exc:
            self.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
            return
        self._start(rid, "resume" if resume else "reason", lambda job: self._run_job(job, options))

    def _resume(self, rid: Any, msg: dict[str, Any]) -> None:
        self._reason(rid, msg, resume=True)

    def _load(self, rid: Any, msg: dict[str, Any]) -> None:
        try:
            options = options_from_request(msg.get("options", {}), for_load=True)
        except OptionsError as exc:
            self.send(error_event(rid, ErrorCode.BAD_OPTIONS, str(exc)))
            return
        self._start(rid, "load", lambda job: self._load_job(job, options))

    # -- the run thread -----------------------------------------------------------------------
    def _start(self, rid: Any, kind: str, body: Callable[[CurrentJob], dict[str, Any]]) -> None:
        with self._lock:
            if self.current is not None:
                self.send(error_event(rid, ErrorCode.BUSY,
                                      f"The worker is busy with request {self.current.id!r} ({self.current.type}); "
                                      "wait for it to finish or cancel it first."))
                return
            if self.stopping.is_set():
                self.send(error_event(rid, ErrorCode.BUSY, "The worker is shutting down."))
                return
            job = CurrentJob(id=rid, type=kind, started=time.monotonic())
            self.current = job
            self._thread = threading.Thread(target=self._job_main, args=(job, body), name=f"run-{rid}", daemon=True)
            self._thread.start()

    def _job_main(self, job: CurrentJob, body: Callable[[CurrentJob], dict[str, Any]]) -> None:
        """Run a job; its terminal event goes out after `current` is cleared, so a client that
        sends the next request on `done` never meets `busy`."""
        try:
            terminal = body(job)
        except BaseException as exc:  # noqa: BLE001 - the terminal event must always be sent
            terminal = self._error_for(job, exc)
        self._remember_models()
        with self._lock:
            self.current = None
        self.send(terminal)

    def _error_for(self, job: CurrentJob, exc: BaseException) -> dict[str, Any]:
        if isinstance(exc, OptionsError):
            return error_event(job.id, ErrorCode.BAD_OPTIONS, str(exc))
        code = getattr(exc, "code", None)
        if isinstance(code, str) and code in KNOWN_CODES:
            return error_event(job.id, code, str(exc) or code)
        if is_out_of_memory(exc):
            return error_event(job.id, ErrorCode.OUT_OF_MEMORY, str(exc))
        log.error("request %s failed", job.id, exc_info=exc)
        return error_event(job.id, ErrorCode.INTERNAL,
                           f"Internal error ({type(exc).__name__}: {exc}). The worker log (stderr) has the details.")

    def models(self) -> Any:
        if self._models is None:
            self._models = self._models_factory()
        return self._models

    def _emitter(self, job: CurrentJob) -> Emit:
        def emit(body: dict[str, Any]) -> None:
            message = dict(body)
            message["id"] = job.id
            if message.get("type") == "progress":
                job.last_progress = {k: v for k, v in message.items() if k not in ("id", "type")}
                if message.get("stage") == "write" and message.get("tile") is not None:
                    job.tiles_written.add(message["tile"])
            elif message.get("type") == "result" and message.get("tile_id") is not None:
                job.tiles_written.add(message["tile_id"])
            self.send(message)

        return emit

    def _remember_models(self) -> None:
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

    def _run_job(self, job: CurrentJob, options: RunOptions) -> dict[str, Any]:
        emit = self._emitter(job)
        out_of_memory = False
        try:
            summary = self._run(options, emit, job.cancel, self.models())
        except BaseException as exc:  # noqa: BLE001
            if not is_out_of_memory(exc) or job.cancel.is_set():
                raise
            log.warning("out of memory: %s", exc)
            out_of_memory = True
        # Retried outside the except block so the traceback (and the tensors its frames hold) is gone.
        if out_of_memory:
            return self._retry_after_oom(job, options, emit)
        return event("done", job.id, summary=jsonable(summary))

    def _retry_after_oom(self, job: CurrentJob, options: RunOptions, emit: Emit) -> dict[str, Any]:
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
            return event("done", job.id, summary=jsonable(self._run(retry, emit, job.cancel, self.models())))
        except BaseException as exc:  # noqa: BLE001
            if not is_out_of_memory(exc):
                raise
        free_memory()
        return error_event(job.id, ErrorCode.OUT_OF_MEMORY, oom_message(retry, changed), setting=changed)

    def _load_job(self, job: CurrentJob, options: RunOptions) -> dict[str, Any]:
        emit = self._emitter(job)
        models = self.models()
        steps = [("reasoning model", options.model if options.backend == "transformers" else options.backend,
                  lambda: models.backend(options))]
        if options.needs_sam:
            steps.append(("segmenter", options.sam, lambda: models.segmenter(options)))
        t0 = time.monotonic()
        for i, (what, name, load) in enumerate(steps):
            if job.cancel.is_set():
                return error_event(job.id, ErrorCode.CANCELLED, "Loading was cancelled.")
            emit({"type": "progress", "stage": "load", "step": i, "steps": len(steps), "what": what, "name": name,
                  "tile": None, "tiles": None, "eta_s": None})
            try:
                load()
                continue
            except BaseException as exc:  # noqa: BLE001
                if not is_out_of_memory(exc):
                    raise
            free_memory()
            return error_event(job.id, ErrorCode.OUT_OF_MEMORY, load_oom_message(what))
        emit({"type": "progress", "stage": "load", "step": len(steps), "steps": len(steps), "what": "done",
              "name": None, "tile": None, "tiles": None, "eta_s": None})
        self._remember_models()
        return event("loaded", job.id, models=dict(self.loaded), seconds=round(time.monotonic() - t0, 3))

    def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for the run thread; True when it has ended."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # -- main loop ----------------------------------------------------------------------------
    def serve(self, stdin: BinaryIO) -> None:
        """Read requests until `shutdown` or end of input, then stop the run and return."""
        while not self.stopping.is_set():
            line = stdin.readline()
            if not line:
                log.info("stdin closed; stopping")
                break
            self.handle_line(line)
        self.stopping.set()
        job = self.current
        if job is not None:
            job.cancel.set()
        self.join(timeout=30.0)


def _protocol_stdout() -> Callable[[str], None]:
    """Keep the real stdout for protocol lines and point fd 1 and sys.stdout at stderr.

    Libraries (tqdm, print debugging, C extensions writing to fd 1) would otherwise corrupt the
    protocol stream; after this only `write` reaches the client.
    """
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def write(line: str) -> None:
        out.write(line.encode("utf-8"))

    return write


def main(argv: Optional[list[str]] = None) -> int:
    logging.basicConfig(
        level=os.environ.get("REMOTEREASONER_LOG_LEVEL", "INFO").upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    faulthandler.enable(sys.stderr)  # a segfault leaves a traceback in the client's stderr tail
    write = _protocol_stdout()
    worker = Worker(write)
    log.info("worker ready (protocol %s, pid %s)", PROTOCOL_VERSION, os.getpid())
    try:
        worker.serve(sys.stdin.buffer)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
