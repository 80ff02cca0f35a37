"""Keeps the reasoning backend, the SAM segmenter and find-all's SAM 3 loaded between runs; reloads only what a
run changes."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Hashable, Optional

from inference_core.models.memory import free_memory

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.models.backends.base import ReasonBackend
    from inference_core.contract.options import RunOptions
    from inference_core.models.segment import Segmenter


def _file_key(path: Optional[str]) -> tuple:
    """A file's (or folder's) identity for reloading: resolved path plus size and mtime, so an edited file reloads.
    A hub id that is no path keys on itself."""
    if not path:
        return (None,)
    p = Path(path).expanduser()
    try:
        if p.is_dir():  # a SAM 2.1 folder: its files, so weights replaced in place reload too
            stats = sorted((f.name, f.stat()) for f in p.iterdir() if f.is_file())
            return (str(p.resolve()), *((name, st.st_size, st.st_mtime_ns) for name, st in stats))
        st = p.stat()
        return (str(p.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return (str(p),)  # missing: the loader raises the user-facing error


def _device(device: str) -> str:
    from inference_core.models.devices import resolve_device

    return resolve_device(device)


def backend_key(options: "RunOptions") -> Hashable:
    """What makes a different backend: settings that need a reload. max_new_tokens does not (applied in place)."""
    kind = options.backend
    if kind == "transformers":
        return (kind, options.model, _device(options.device), (options.dtype or "auto").lower(),
                options.min_pixels, options.max_pixels)
    if kind == "replay":
        return (kind, _file_key(options.replay))
    if kind == "openai":
        # the key is a digest, so the API key itself is never kept outside the backend
        secret = hashlib.sha256((options.api_key or "").encode()).hexdigest()
        return (kind, options.server_url, options.model, options.api_key_env, secret, options.concurrency,
                options.timeout, options.retries, options.min_pixels, options.max_pixels, options.max_new_tokens)
    return (kind,)


def segmenter_key(options: "RunOptions") -> Hashable:
    return (_file_key(options.sam), options.sam_type, _device(options.device))


def finder_key(options: "RunOptions") -> Hashable:
    """SAM 3's reload key; the score threshold is not part of it (applied in place)."""
    return (_file_key(options.sam3), _device(options.device), (options.dtype or "auto").lower())


class ModelCache:
    """One loaded backend and one segmenter, reused while a run's options ask for the same ones.

    Loading the next model first frees the previous one, so two 7B models never sit on a GPU at once.
    Thread-safe: the worker loads from its job thread while `loaded()` may be read for `status`.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._backend: Optional["ReasonBackend"] = None
        self._backend_key: Optional[Hashable] = None
        self._segmenter: Optional["Segmenter"] = None
        self._segmenter_key: Optional[Hashable] = None
        self._segmenter_info: dict[str, Any] = {}
        self._finder: Any = None  # models.sam3.Sam3Finder
        self._finder_key: Optional[Hashable] = None

    def finder(self, options: "RunOptions"):
        """SAM 3 for the find-all mode (`options.sam3`), loaded on first use, its threshold set from `options`."""
        key = finder_key(options)
        with self._lock:
            if self._finder is None or key != self._finder_key:
                self._drop_finder()
                from inference_core.models.devices import resolve_device
                from inference_core.models.sam3 import load_sam3

                self._finder = load_sam3(options.sam3, resolve_device(options.device), options.dtype)
                self._finder_key = key
            self._finder.configure(score_threshold=options.score_threshold)
            return self._finder

    def _drop_finder(self) -> None:
        if self._finder is not None:
            self._finder.close()
            self._finder = None
            self._finder_key = None
            free_memory()

    def backend(self, options: "RunOptions") -> "ReasonBackend":
        """The backend for `options`, loaded on first use or when a reload-relevant setting changed."""
        key = backend_key(options)
        with self._lock:
            if self._backend is None or key != self._backend_key:
                self._drop_backend()
                from inference_core.models.backends.factory import make_backend

                self._backend = make_backend(options)
                self._backend_key = key
            elif options.backend == "transformers":
                configure = getattr(self._backend, "configure", None)
                if configure is not None:
                    configure(max_new_tokens=options.max_new_tokens)
            return self._backend

    def segmenter(self, options: "RunOptions") -> "Segmenter":
        """The SAM segmenter for `options.sam` / `sam_type` / `device`, kept warm with its embedding cache."""
        key = segmenter_key(options)
        with self._lock:
            if self._segmenter is None or key != self._segmenter_key:
                self._drop_segmenter()
                from inference_core.models.segment import load_segmenter

                self._segmenter = load_segmenter(options.sam, options.sam_type, options.device)
                self._segmenter_key = key
                self._segmenter_info = {
                    "sam": options.sam, "sam_type": options.sam_type,
                    "device": getattr(self._segmenter, "device", None),
                    "model_id": getattr(self._segmenter, "model_id", None),
                }
            return self._segmenter

    def loaded(self) -> dict[str, Any]:
        """What is in memory, JSON-ready (no secrets): {"backend": {...} | None, "segmenter": {...} | None}, and
        "finder": {...} once SAM 3 is loaded."""
        with self._lock:
            backend = None
            if self._backend is not None:
                describe = getattr(self._backend, "describe", None)
                backend = describe() if describe else {"backend": self._backend.name}
                backend.setdefault("backend", self._backend.name)
                backend.setdefault("model", self._backend.model_id)
            out = {"backend": backend, "segmenter": dict(self._segmenter_info) if self._segmenter else None}
            if self._finder is not None:  # find-all's SAM 3, only once a find-all run loaded it
                out["finder"] = {"model": self._finder.model_id, "device": self._finder.device}
            return out

    def _drop_backend(self) -> None:
        if self._backend is not None:
            try:
                self._backend.close()
            finally:
                self._backend = None
                self._backend_key = None
                free_memory()

    def _drop_segmenter(self) -> None:
        if self._segmenter is not None:
            self._segmenter = None
            self._segmenter_key = None
            self._segmenter_info = {}
            free_memory()

    def close(self) -> None:
        """Unload everything (worker shutdown, or before switching device)."""
        with self._lock:
            self._drop_backend()
            self._drop_segmenter()
            self._drop_finder()
