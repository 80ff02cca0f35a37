"""Client for the engine worker (standard library only: the QGIS plugin imports it).

Starts `python -m inference_core.service` with a given interpreter, sends requests, routes events to
per-request queues, detects a dead worker and restarts it on the next request.
"""

from __future__ import annotations

import collections
import itertools
import logging
import os
import queue
import subprocess
import sys
import threading
from typing import Any, Iterator, Mapping, Optional, Sequence

from inference_core.contract.protocol import TERMINAL_EVENTS, ErrorCode, ProtocolError, decode, encode
from inference_core.contract.protocol import request as make_request
from inference_core.contract.paths import ENGINE_ROOT

log = logging.getLogger("inference_core.contract.client")

STDERR_LINES = 40
# The folder that holds `inference_core/`: the worker imports the same package as this client.
PACKAGE_PARENT = str(ENGINE_ROOT)


class WorkerDied(RuntimeError):
    """The worker process ended while a request was in flight; the next request starts a new one."""

    code = ErrorCode.WORKER_DIED

    def __init__(self, exit_code: Optional[int], stderr_tail: Sequence[str]):
        self.exit_code = exit_code
        self.stderr_tail = list(stderr_tail)
        tail = "\n".join(self.stderr_tail[-10:])
        how = "was killed by a signal" if exit_code is not None and exit_code < 0 else "exited"
        super().__init__(
            f"The engine worker {how} (exit code {exit_code}) during the request; it is restarted on the next "
            f"request. Last lines of its log:\n{tail}" if tail else
            f"The engine worker {how} (exit code {exit_code}) during the request; it is restarted on the next request."
        )


class WorkerStartError(RuntimeError):
    """The worker interpreter could not be started (wrong path, not executable)."""

    code = ErrorCode.WORKER_DIED


class _Died:
    """Queue sentinel: the process behind this request has ended."""

    def __init__(self, exit_code: Optional[int], stderr_tail: list[str]):
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


class _Process:
    """One worker process with its reader threads; replaced as a whole when it dies."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Optional[str]):
        kwargs: dict[str, Any] = {}
        if sys.platform == "win32":  # no console window pops up behind QGIS
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            self.popen = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, cwd=cwd, bufsize=0, close_fds=True, **kwargs,
            )
        except OSError as exc:
            raise WorkerStartError(f"Could not start the engine worker with {argv[0]!r}: {exc}. "
                                   "Check the engine Python path in the settings.") from None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self.queues: dict[str, queue.Queue] = {}
        self.unrouted: collections.deque[dict[str, Any]] = collections.deque(maxlen=100)
        self.lock = threading.Lock()  # guards queues + the dead flag
        self.dead: Optional[_Died] = None
        self.stderr_thread = threading.Thread(target=self._read_stderr, name="worker-stderr", daemon=True)
        self.stdout_thread = threading.Thread(target=self._read_stdout, name="worker-stdout", daemon=True)
        self.stderr_thread.start()
        self.stdout_thread.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.dead is None and self.popen.poll() is None

    def register(self, rid: str) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            if self.dead is not None:
                q.put(self.dead)
            self.queues[rid] = q
        return q

    def forget(self, rid: str) -> None:
        with self.lock:
            self.queues.pop(rid, None)

    def _read_stderr(self) -> None:
        assert self.popen.stderr is not None
        for raw in iter(self.popen.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.stderr_tail.append(line)
            log.debug("worker: %s", line)

    def _read_stdout(self) -> None:
        assert self.popen.stdout is not None
        for raw in iter(self.popen.stdout.readline, b""):
            try:
                msg = decode(raw.decode("utf-8", "replace"))
            except ProtocolError as exc:
                log.warning("worker sent a line that is not a protocol message (%s): %r", exc, raw[:200])
                continue
            rid = msg.get("id")
            with self.lock:
                q = self.queues.get(rid) if isinstance(rid, str) else None
            if q is not None:
                q.put(msg)
            else:
                self.unrouted.append(msg)
                log.debug("event for no waiting request: %s", msg.get("type"))
        # stdout closed: the process is ending. Collect its exit code and the rest of its stderr.
        try:
            code: Optional[int] = self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        self.stderr_thread.join(timeout=2)
        died = _Died(code, list(self.stderr_tail))
        with self.lock:
            self.dead = died
            pending = list(self.queues.values())
        for q in pending:
            q.put(died)

    def write(self, line: str) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(line.encode("utf-8"))
        self.popen.stdin.flush()

    def stop(self, timeout: float) -> Optional[int]:
        """Wait for exit, then terminate, then kill; close the pipes."""
        for step in (None, "terminate", "kill"):
            if step == "terminate":
                self.popen.terminate()
            elif step == "kill":
                self.popen.kill()
            try:
                code = self.popen.wait(timeout=timeout if step != "kill" else 10)
                break
            except subprocess.TimeoutExpired:
                code = None
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.stdout_thread.join(timeout=2)
        return code


class WorkerClient:
    """Talks to one engine worker process.

    `python` is the engine interpreter (required: inside QGIS `sys.executable` is not a usable Python).
    Thread-safe: requests may be sent from several threads; each request's events go to its own queue.
    """

    def __init__(self, python: str, env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None,
                 args: Optional[Sequence[str]] = None):
        if not python:
            raise ValueError("WorkerClient needs the engine Python interpreter path (python=...).")
        self.python = str(python)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.args = list(args or [])
        self._proc: Optional[_Process] = None
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._owner: dict[str, _Process] = {}  # request id -> the process it was sent to
        self.restarts = 0

    # -- process ------------------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        env = dict(os.environ if self.env is None else self.env)
        parts = [PACKAGE_PARENT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != PACKAGE_PARENT]
        env["PYTHONPATH"] = os.pathsep.join(parts)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONIOENCODING"] = "utf-8"
        return env

    def start(self) -> None:
        """Start the worker if it is not running (a dead one is replaced)."""
        with self._lock:
            if self._proc is not None and self._proc.alive():
                return
            if self._proc is not None:
                self._proc.stop(timeout=1)
                self.restarts += 1
            argv = [self.python, "-m", "inference_core.service", *self.args]
            self._proc = _Process(argv, self._environment(), self.cwd)
            log.info("engine worker started: pid %s", self._proc.pid)

    @property
    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.alive()

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None else None

    def stderr_tail(self) -> list[str]:
        return list(self._proc.stderr_tail) if self._proc is not None else []

    # -- requests -----------------------------------------------------------------------------
    def send(self, type_: str, **fields: Any) -> str:
        """Send a request without waiting; returns its id for `events(id)`. Starts the worker if needed."""
        with self._lock:
            self.start()
            proc = self._proc
            assert proc is not None
            rid = f"r{next(self._ids)}"
            proc.register(rid)
            self._owner[rid] = proc
            try:
                proc.write(encode(make_request(type_, rid, **fields)))
            except (BrokenPipeError, OSError, ValueError):
                # The process died between start and write; the reader thread delivers WorkerDied.
                log.warning("could not write to the worker: it has exited")
            return rid

    def next_event(self, rid: str, timeout: Optional[float] = None) -> Optional[dict[str, Any]]:
        """The next event of request `rid`, or None when none arrived within `timeout` seconds.

        Raises WorkerDied when the worker ended before the request finished.
        """
        proc = self._owner.get(rid)
        if proc is None:
            raise KeyError(f"no request {rid!r} in flight")
        q = proc.queues.get(rid)
        if q is None:
            raise KeyError(f"request {rid!r} has already finished")
        try:
            item = q.get(timeout=timeout) if timeout is None or timeout > 0 else q.get_nowait()
        except queue.Empty:
            return None
        if isinstance(item, _Died):
            self._finish(rid)
            raise WorkerDied(item.exit_code, item.stderr_tail)
        if item.get("type") in TERMINAL_EVENTS:
            self._finish(rid)
        return item

    def events(self, rid: str, timeout: Optional[float] = None) -> Iterator[dict[str, Any]]:
        """Yield the events of `rid` up to and including its terminal event.

        `timeout` bounds the wait for each event (TimeoutError); WorkerDied when the worker dies.
        """
        while True:
            ev = self.next_event(rid, timeout)
            if ev is None:
                raise TimeoutError(f"no event from the worker for request {rid} in {timeout} s")
            yield ev
            if ev.get("type") in TERMINAL_EVENTS:
                return

    def request(self, type_: str, timeout: Optional[float] = None, **fields: Any) -> Iterator[dict[str, Any]]:
        """Send a request and yield its events until a terminal one (done, error, hello, ...)."""
        rid = self.send(type_, **fields)
        return self.events(rid, timeout)

    def call(self, type_: str, timeout: Optional[float] = None, **fields: Any) -> dict[str, Any]:
        """Send a request and return only its terminal event (for hello, status, load, ...)."""
        last: dict[str, Any] = {}
        for last in self.request(type_, timeout=timeout, **fields):
            pass
        return last

    def hello(self, probe: bool = True, timeout: Optional[float] = 120.0) -> dict[str, Any]:
        return self.call("hello", timeout=timeout, probe=probe)

    def cancel(self, rid: str) -> None:
        """Ask the worker to stop request `rid` (within one tile); its events end with `done` (cancelled)."""
        proc = self._owner.get(rid)
        with self._lock:
            if proc is None or not proc.alive() or proc is not self._proc:
                return  # nothing to cancel: finished, or its worker is gone
            cid = f"r{next(self._ids)}"
            try:
                proc.write(encode(make_request("cancel", cid, target=rid)))  # the acknowledgement is not awaited
            except (BrokenPipeError, OSError, ValueError):
                pass

    def _finish(self, rid: str) -> None:
        proc = self._owner.pop(rid, None)
        if proc is not None:
            proc.forget(rid)

    def close(self, timeout: float = 10.0) -> Optional[int]:
        """Ask the worker to shut down, then terminate/kill it after `timeout`; returns its exit code."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None:
                return None
            if proc.alive():
                try:
                    proc.write(encode(make_request("shutdown", f"r{next(self._ids)}")))
                    proc.popen.stdin.close()  # type: ignore[union-attr]
                except (BrokenPipeError, OSError, ValueError):
                    pass
            code = proc.stop(timeout)
            self._owner = {k: v for k, v in self._owner.items() if v is not proc}
            return code

    def __enter__(self) -> "WorkerClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        try:
            proc = self._proc
            if proc is not None and proc.alive():
                proc.popen.kill()
        except Exception:  # noqa: BLE001
            pass


__all__ = ["WorkerClient", "WorkerDied", "WorkerStartError", "PACKAGE_PARENT"]
