"""SHA-256 of weight files, cached by (real path, size, modification time): a model's second load hashes nothing.

Used to verify files whose checksum is known (a hub blob is named after its SHA-256; catalog SAM files have
published ones) and as a model's identity (`model_digest`: its files, not its path). Stdlib only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Optional

CACHE_ENV = "REMOTEREASONER_DIGEST_CACHE"  # a file path; tests point it at a temporary file
CHUNK = 1 << 20
_lock = threading.Lock()


def cache_file() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "remotereasoner" / "sha256.json"


def _key(path: Path) -> tuple[str, str]:
    real = os.path.realpath(path)
    st = os.stat(real)
    return real, f"{st.st_size}:{st.st_mtime_ns}"


def _read() -> dict:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(data: dict) -> None:
    path = cache_file()
    try:  # atomic replace: a reader never sees half a file; a cache that cannot be written only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sha256-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass


def cached_digest(path: str | os.PathLike) -> Optional[str]:
    """The cached SHA-256 of `path` when its size and modification time are those it was hashed at, else None."""
    real, stamp = _key(Path(path))
    entry = _read().get(real)
    return entry.get("sha256") if isinstance(entry, dict) and entry.get("stamp") == stamp else None


def sha256_cached(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file; hashed once per (real path, size, mtime), then read from the cache."""
    real, stamp = _key(Path(path))
    with _lock:
        entry = _read().get(real)
        if isinstance(entry, dict) and entry.get("stamp") == stamp and isinstance(entry.get("sha256"), str):
            return entry["sha256"]
    h = hashlib.sha256()
    with open(real, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    digest = h.hexdigest()
    if _key(Path(real))[1] == stamp:  # not changed while hashed
        with _lock:
            data = _read()
            data[real] = {"stamp": stamp, "sha256": digest}
            _write(data)
    return digest


def model_files(folder: str | os.PathLike) -> list[Path]:
    """The files of a checkpoint folder (weights, config, tokenizer, processor; hidden files left out), or the
    file itself, sorted by name."""
    p = Path(folder)
    if p.is_file():
        return [p]
    if not p.is_dir():
        return []
    return sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))


def model_digest(folder: str | os.PathLike, files: Optional[Iterable[Path]] = None) -> Optional[str]:
    """A model's identity: SHA-256 over its files' names and SHA-256s (None when it has none). The same files
    anywhere are the same model; one byte changed under the same path is another."""
    files = list(files) if files is not None else model_files(folder)
    if not files:
        return None
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}\0{sha256_cached(f)}\n".encode())
    return h.hexdigest()
