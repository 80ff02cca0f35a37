"""A full disk while writing results: recognised in any layer's wording (OSError, SQLite, GDAL) and named as the disk.

SQLite says "database or disk is full" and GDAL wraps it; the user needs to hear which disk is full,
how much is free, and that the views already written are kept for `--resume`.
"""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from typing import Iterator, Optional

from inference_core.common.errors import PipelineError
from inference_core.contract.protocol import ErrorCode

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# How SQLite (SQLITE_FULL), GDAL/pyogrio and the C library word it.
NEARLY_FULL_BYTES = 8 * 1024 * 1024
_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded", "disk full")


def is_disk_full(exc: Optional[BaseException]) -> bool:
    """True when `exc` or an exception it was raised from says the disk (or quota) is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        text = str(exc).lower()
        if any(w in text for w in _FULL_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def nearly_full(path: str) -> bool:
    """Less than `NEARLY_FULL_BYTES` left for this user where `path` lives.

    GDAL often reports a full disk only as "Failed to commit transaction" (the SQLite text goes to its
    log), so a write that fails on a disk this full is taken for a full disk.
    """
    try:
        return shutil.disk_usage(mount_point(path)).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def mount_point(path: str) -> str:
    """The mount point of the file system holding `path` (the disk to free)."""
    p = os.path.dirname(os.path.abspath(path)) or os.sep
    while not os.path.ismount(p):
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    return p


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def disk_full_error(out: str) -> PipelineError:
    """The `disk_full` error for a run writing `out`: which disk, how much is free, what to do."""
    where = mount_point(out)
    try:
        free = f"{_size(shutil.disk_usage(where).free)} free"
    except OSError:
        free = "free space unknown"
    return PipelineError(
        ErrorCode.DISK_FULL,
        f"The disk holding {out} is full ({where}: {free}). Free some space there, then continue with "
        f"--resume --out {out} (the views already written are kept), or start again with --out on another disk.",
    )


@contextmanager
def naming_the_disk(out: str) -> Iterator[None]:
    """Turn a disk-full failure of any write to `out` (GeoPackage, exports) into `disk_full_error`.

    Errors the engine already worded (PipelineError, e.g. a model that cannot load) pass unchanged.
    """
    try:
        yield
    except PipelineError:
        raise
    except Exception as exc:
        if is_disk_full(exc) or nearly_full(out):
            raise disk_full_error(out) from None
        raise
