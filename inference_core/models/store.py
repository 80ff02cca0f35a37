"""Model manager operations run in the engine env: the state of every catalog model and downloads,
as JSON lines for the QGIS plugin (`python -m inference_core.models.store state|download ...`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

from inference_core.contract import catalog
from inference_core.contract.catalog import ModelEntry
from inference_core.contract.model_state import entry_state, hub_repo_dir, hub_state
from inference_core.contract.model_state import offline_env as offline
from inference_core.models.downloads import (
    DownloadError,
    check_space,
    download_hub,
    download_url,
)

Emit = Callable[[dict], None]
# How often the hub download monitor reports bytes on disk (huggingface_hub reports nothing we can relay).
HUB_POLL_S = 0.5


def load_entries(extra: Optional[Path] = None) -> list[ModelEntry]:
    """The catalog, with entries from a JSON file (a list of ModelEntry fields) added or replacing by key.

    The file is how a site points downloads at an internal mirror: same key, another `source`.
    """
    entries = {m.key: m for m in catalog.MODELS}
    if extra is not None:
        try:
            rows = json.loads(Path(extra).read_text(encoding="utf-8"))
            for row in rows:
                entries[row["key"]] = ModelEntry(**row)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise DownloadError(f"The model list {extra} is not a JSON list of model entries ({exc}); fix or remove it.") from None
    return list(entries.values())


def find_entry(key: str, entries: Sequence[ModelEntry]) -> ModelEntry:
    for m in entries:
        if m.key == key:
            return m
    raise DownloadError(f"Unknown model {key!r}: use one of {', '.join(m.key for m in entries)}.")


def models_state(folder: str | Path, cache_dir: Optional[str] = None, entries: Optional[Sequence[ModelEntry]] = None,
                 verify: bool = False) -> list[dict]:
    """One dict per catalog entry: its fields plus `state` (absent|downloading|present|corrupt), `path`, `detail`."""
    out = []
    for entry in entries or catalog.MODELS:
        st = entry_state(entry, Path(folder), cache_dir, verify)
        out.append({**asdict(entry), "state": st.state, "path": st.path, "detail": st.detail})
    return out


def _blob_bytes(blobs: Path) -> int:
    try:
        return sum(p.stat().st_size for p in blobs.iterdir() if p.is_file())
    except OSError:
        return 0


def _download_hub(entry: ModelEntry, emit: Emit, cancel: Optional[threading.Event], cache_dir: Optional[str]) -> Path:
    """snapshot_download in a thread while this one reports the bytes in the cache and watches cancel.

    huggingface_hub cannot be interrupted mid-file; a cancelled download leaves `.incomplete` blobs
    that the next attempt resumes. The CLI exits right after a cancel, which ends the thread.
    """
    blobs = hub_repo_dir(entry.source, cache_dir) / "blobs"
    result: dict = {}

    def work() -> None:
        try:
            result["path"] = download_hub(entry.source, cache_dir=cache_dir, emit=lambda e: None,
                                          size_hint=entry.size_bytes)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            result["error"] = exc

    t = threading.Thread(target=work, name=f"hub-{entry.key}", daemon=True)
    t.start()
    emit({"type": "progress", "stage": "download", "done": _blob_bytes(blobs), "total": entry.size_bytes})
    while t.is_alive():
        t.join(HUB_POLL_S)
        if cancel is not None and cancel.is_set():
            raise DownloadError("Download cancelled; start it again to resume where it stopped.")
        emit({"type": "progress", "stage": "download", "done": min(_blob_bytes(blobs), entry.size_bytes),
              "total": entry.size_bytes})
    if "error" in result:
        raise _hub_error(entry, result["error"])
    emit({"type": "progress", "stage": "download", "done": entry.size_bytes, "total": entry.size_bytes})
    return Path(result["path"])


def gated_message(repo_id: str) -> str:
    """What to do about a gated hub model (SAM 3): access on its page, then a token the engine can read."""
    return (f"{repo_id} is gated: request access on https://huggingface.co/{repo_id} (accept its licence), then give "
            "the engine a Hugging Face token with read access — the Models tab's \"Hugging Face token…\" (kept in "
            "QGIS's authentication database) or HF_TOKEN in the environment — and download again.")


def _hub_error(entry: ModelEntry, exc: BaseException) -> BaseException:
    """huggingface_hub's exceptions as messages that say what to do."""
    if isinstance(exc, DownloadError):
        return exc
    name = type(exc).__name__
    if name in ("GatedRepoError",):
        return DownloadError(gated_message(entry.source))
    if name in ("RepositoryNotFoundError", "RevisionNotFoundError"):
        return DownloadError(f"{entry.source} was not found on the hub; check the model id or the mirror list.")
    return DownloadError(f"Could not download {entry.source} ({name}: {exc}). Check the network or proxy "
                         "settings; starting again resumes the partial files.")


def download(entry_key: str, folder: str | Path, emit: Emit = lambda e: None, cancel: Optional[threading.Event] = None,
             entries: Optional[Sequence[ModelEntry]] = None, cache_dir: Optional[str] = None) -> Path:
    """Download one catalog model (SAM into `folder`, hub models into the HF cache); returns its path.

    Raises DownloadError with a message for the user (offline, no space, bad checksum, network, cancel).
    """
    entry = find_entry(entry_key, entries or catalog.MODELS)
    folder = Path(folder)
    state = entry_state(entry, folder, cache_dir)
    if state.state == "present" and state.path:
        emit({"type": "progress", "stage": "download", "done": entry.size_bytes, "total": entry.size_bytes})
        return Path(state.path)
    if offline():
        where = folder if entry.kind == "sam" else "the Hugging Face cache"
        raise DownloadError(f"Offline mode is on, so {entry.title} cannot be downloaded. Turn offline mode off, "
                            f"or copy the files into {where} and choose them with \"Use a local folder…\".")
    if entry.kind == "sam":
        assert entry.file_name
        part = folder / (entry.file_name + ".part")
        have = part.stat().st_size if part.exists() else 0
        # Checked before the first request: a full disk must never be found out half-way.
        check_space(folder, max(entry.size_bytes - have, 0))
        return download_url(entry.source, folder / entry.file_name, entry.sha256, entry.size_bytes, emit, cancel)
    return _download_hub(entry, emit, cancel, cache_dir)


# -- command line (the plugin runs this with the engine interpreter) ---------------------------------

def _printer() -> Emit:
    lock = threading.Lock()

    def emit(ev: dict) -> None:
        with lock:
            sys.stdout.write(json.dumps(ev) + "\n")
            sys.stdout.flush()

    return emit


def _watch_stdin(cancel: threading.Event) -> None:
    """`--stdin-control`: a line "cancel", or stdin closing (QGIS gone), cancels the download."""
    def read() -> None:
        for line in sys.stdin:
            if line.strip() == "cancel":
                break
        cancel.set()

    threading.Thread(target=read, name="stdin-control", daemon=True).start()


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m inference_core.models.store",
                                 description="Model states and downloads for the RemoteReasoner model manager (JSON lines).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("state", "download"):
        p = sub.add_parser(name)
        if name == "download":
            p.add_argument("key", help="catalog key, e.g. sam-vit-b")
            p.add_argument("--stdin-control", action="store_true", help="cancel on a 'cancel' line or when stdin closes")
        else:
            p.add_argument("--verify", action="store_true", help="hash SAM checkpoints (slow for vit_h)")
        p.add_argument("--folder", required=True, help="where SAM checkpoints go")
        p.add_argument("--cache-dir", default=None, help="Hugging Face cache (default: HF_HUB_CACHE / ~/.cache/huggingface/hub)")
        p.add_argument("--catalog", default=None, help="JSON list of extra/mirror model entries")
        p.add_argument("--offline", action="store_true", help="never touch the network (sets HF_HUB_OFFLINE=1)")
    args = ap.parse_args(argv)
    if args.offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
    emit = _printer()
    try:
        entries = load_entries(Path(args.catalog) if args.catalog else None)
        if args.cmd == "state":
            for row in models_state(args.folder, args.cache_dir, entries, verify=args.verify):
                emit({"type": "model", **row})
            return 0
        cancel = threading.Event()
        if args.stdin_control:
            _watch_stdin(cancel)
        t0 = time.monotonic()
        path = download(args.key, args.folder, emit, cancel, entries, args.cache_dir)
        emit({"type": "done", "key": args.key, "path": str(path), "seconds": round(time.monotonic() - t0, 2)})
        return 0
    except DownloadError as exc:
        cancelled = "cancelled" in str(exc)
        emit({"type": "error", "code": "cancelled" if cancelled else "download", "message": str(exc)})
        return 2 if cancelled else 1
    except Exception as exc:  # noqa: BLE001 - the plugin shows the message, never a traceback
        emit({"type": "error", "code": "internal", "message": f"{type(exc).__name__}: {exc}"})
        return 1


__all__ = ["download", "entry_state", "find_entry", "hub_state", "load_entries", "main", "models_state", "offline"]


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # A cancelled hub download leaves its thread blocked in a socket read: leave without joining it.
    os._exit(code)

