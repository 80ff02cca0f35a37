"""Model downloads: SAM checkpoints by URL (resume, SHA-256, disk-space check) and hub models via
huggingface_hub (its own resume and cache). Standard library only except the lazy hub import.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional

from inference_core.contract.model_state import hf_hub_cache, sha256_of

Emit = Callable[[dict], None]
CHUNK = 1 << 20
# Keep this much free beyond the file itself: a full disk breaks far more than the download.
DISK_MARGIN = 512 << 20


class DownloadError(RuntimeError):
    """A download failed; the message says what to do."""

    code = "download"  # protocol.ErrorCode.DOWNLOAD




def check_space(folder: Path, needed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < needed + DISK_MARGIN:
        raise DownloadError(
            f"Not enough disk space in {folder}: {needed / 1e9:.2f} GB needed (+0.5 GB margin), "
            f"{free / 1e9:.2f} GB free. Free some space or choose another models folder."
        )


def _content_length(headers) -> Optional[int]:
    value = headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def download_url(url: str, dest: Path, sha256: Optional[str] = None, size_hint: Optional[int] = None,
                 emit: Emit = lambda e: None, cancel: Optional[threading.Event] = None,
                 timeout: float = 60.0, retries: int = 3) -> Path:
    """Download `url` to `dest` through `dest.part`, resuming a partial file with an HTTP Range request.

    The disk-space check runs before the first byte; a wrong SHA-256 deletes the file and raises;
    a cut connection is retried (resuming) up to `retries` times. Proxies come from the environment
    (HTTP(S)_PROXY), which the plugin fills from QGIS's proxy settings.
    """
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    attempt = 0
    while True:
        have = part.stat().st_size if part.exists() else 0
        req = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resumed = have > 0 and resp.status == 206
                if have and not resumed:
                    have = 0  # server ignored the range: start over
                length = _content_length(resp.headers)
                total = (have + length) if length is not None else size_hint
                if attempt == 0 and total:
                    check_space(dest.parent, max(total - have, 0))
                emit({"type": "progress", "stage": "download", "done": have, "total": total, "resumed": resumed})
                t_last = 0.0
                with open(part, "ab" if resumed else "wb") as fh:
                    while True:
                        if cancel is not None and cancel.is_set():
                            raise DownloadError("Download cancelled; start it again to resume where it stopped.")
                        block = resp.read(CHUNK)
                        if not block:
                            break
                        fh.write(block)
                        have += len(block)
                        now = time.monotonic()
                        if now - t_last > 0.2:
                            emit({"type": "progress", "stage": "download", "done": have, "total": total})
                            t_last = now
                if total is not None and have < total:
                    raise ConnectionError(f"connection closed at {have} of {total} bytes")
            break
        except (ConnectionError, TimeoutError, urllib.error.URLError, OSError) as exc:
            if isinstance(exc, urllib.error.HTTPError) and exc.code not in (408, 429, 500, 502, 503, 504):
                raise DownloadError(f"The server refused {url}: HTTP {exc.code} {exc.reason}.") from None
            attempt += 1
            if attempt > retries:
                raise DownloadError(
                    f"Could not download {url} ({exc}). Check the network or proxy settings; "
                    "starting again resumes the partial file."
                ) from None
            emit({"type": "warning", "message": f"connection problem ({exc}); resuming (try {attempt}/{retries})"})
            time.sleep(min(2.0 ** attempt * 0.1, 5.0))
    if sha256:
        digest = sha256_of(part)
        if digest != sha256:
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"{dest.name} is corrupt: SHA-256 {digest[:12]}… does not match the published {sha256[:12]}…; "
                "the file was removed — download it again."
            )
    os.replace(part, dest)
    emit({"type": "progress", "stage": "download", "done": have, "total": have})
    return dest


def download_hub(repo_id: str, cache_dir: Optional[str] = None, emit: Emit = lambda e: None,
                 size_hint: Optional[int] = None) -> Path:
    """snapshot_download into the user's HF cache (resume built in); honours HF_HUB_OFFLINE."""
    from huggingface_hub import snapshot_download  # engine env only
    from huggingface_hub.errors import LocalEntryNotFoundError

    if size_hint:
        check_space(Path(cache_dir or hf_hub_cache()), size_hint)
    emit({"type": "progress", "stage": "download", "done": 0, "total": size_hint})
    try:
        path = snapshot_download(repo_id, cache_dir=cache_dir,
                                 allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model", "*.jinja", "*.py"])
    except LocalEntryNotFoundError:
        raise DownloadError(
            f"{repo_id} is not in the local cache and offline mode is on (HF_HUB_OFFLINE=1). "
            "Turn offline mode off to download it, or choose a local model folder."
        ) from None
    emit({"type": "progress", "stage": "download", "done": size_hint, "total": size_hint})
    return Path(path)
