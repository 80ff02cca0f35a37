"""One writer per output: a run (or a correction) claims `<out>.lock` with fcntl.flock for its whole life, before any
model loads; a second one to the same --out is refused, naming the running one (pid, started, query)."""

from __future__ import annotations

import errno
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from inference_core.common.errors import InputError

try:  # POSIX; on Windows the OS already refuses a second writer of an open file, and no lock is taken
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"


def lock_path(out: str | os.PathLike) -> str:
    return os.fspath(out) + LOCK_SUFFIX


@dataclass
class Holder:
    """What the lock file says about the run holding it."""

    pid: Optional[int] = None
    run_id: str = ""
    started: str = ""
    query: str = ""
    host: str = ""

    @classmethod
    def read(cls, path: str) -> "Holder":
        try:
            with open(path, encoding="utf-8") as fh:
                d = json.loads(fh.read() or "{}")
        except (OSError, ValueError):
            return cls()
        if not isinstance(d, dict):
            return cls()
        pid = d.get("pid")
        return cls(pid if isinstance(pid, int) else None, str(d.get("run_id") or ""), str(d.get("started") or ""),
                   str(d.get("query") or ""), str(d.get("host") or ""))

    def describe(self) -> str:
        parts = [f"pid {self.pid}" if self.pid else "another process"]
        if self.host and self.host != socket.gethostname():
            parts[0] += f" on {self.host}"
        if self.started:
            parts.append(f"started {self.started}")
        if self.run_id:
            parts.append(f"run {self.run_id}")
        if self.query:
            q = self.query if len(self.query) <= 80 else self.query[:77] + "…"
            parts.append(f"query {q!r}")
        return ", ".join(parts)


class OutputLock:
    """The claim of one run on one output; `claim()` then `release()` (or use it as a context manager)."""

    def __init__(self, out: str | os.PathLike, query: str = "", what: str = "run"):
        self.out = os.fspath(out)
        self.path = lock_path(self.out)
        self.query = query
        self.what = what
        self.fd: Optional[int] = None
        self.holder = Holder()

    def claim(self) -> "OutputLock":
        """Take the lock or raise InputError naming the run that holds it. A lock left by a dead process is free:
        the kernel drops a flock when its process ends, however it ends (kill -9 included)."""
        for _ in range(20):  # the file may be removed by its releasing holder between our open and our flock
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except OSError as exc:
                raise InputError(_cannot_create(self.out, exc)) from None
            if fcntl is None:  # pragma: no cover - Windows
                self.fd = fd
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    held = Holder.read(self.path)
                    raise InputError(
                        f"--out {self.out} is being written by another run ({held.describe()}); it is left untouched. "
                        f"Wait for that run to finish (or stop it), or pick another --out.") from None
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):  # a file system without flock (some NFS)
                    self.fd = os.open(self.path, os.O_RDWR)
                    break
                raise InputError(_cannot_create(self.out, exc)) from None
            try:  # the file we locked must still be the one at the path (not removed by a holder releasing it)
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if same:
                self.fd = fd
                break
            os.close(fd)
        else:  # pragma: no cover - 20 releases in a row between open and flock
            raise InputError(f"--out {self.out} is being claimed by other runs again and again; pick another --out.")
        self.holder = Holder(os.getpid(), "", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
                             self.query, socket.gethostname())
        self._write()
        return self

    def note_run(self, run_id: str) -> None:
        """The run id, once the run has one (the lock is claimed before it exists)."""
        if self.fd is not None and run_id != self.holder.run_id:
            self.holder.run_id = run_id
            self._write()

    def _write(self) -> None:
        data: dict[str, Any] = {"pid": self.holder.pid, "run_id": self.holder.run_id, "started": self.holder.started,
                                "query": self.holder.query, "host": self.holder.host, "what": self.what}
        blob = json.dumps(data).encode("utf-8")
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, blob, 0)
        except OSError:  # the lock itself holds; only its description could not be written (disk full)
            pass

    def release(self) -> None:
        """Remove the lock file, then drop the lock (a waiting claimer re-checks the path, see `claim`)."""
        if self.fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        try:
            os.close(self.fd)  # closing drops the flock
        finally:
            self.fd = None

    def __enter__(self) -> "OutputLock":
        return self.claim() if self.fd is None else self

    def __exit__(self, *exc) -> None:
        self.release()


def _cannot_create(out: str, exc: OSError) -> str:
    """Why a lock file beside `out` cannot be made: the output cannot be written either (never 'disk full' here)."""
    parent = os.path.dirname(os.path.abspath(out)) or "."
    if exc.errno == errno.ENOENT and not os.path.isdir(parent):
        return f"Cannot write {out}: the folder {parent} does not exist (create it or pick another --out)."
    if exc.errno == errno.ENOSPC:
        return f"Cannot write {out}: the disk holding {parent} is full (free space or pick another --out)."
    why = "it accepts no new files" if exc.errno == errno.ENOENT else (exc.strerror or str(exc))  # e.g. /proc
    return f"Cannot write {out}: the folder {parent} is not writable ({why}); pick another --out in a folder you can write."
