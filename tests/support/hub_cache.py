"""A Hugging Face hub cache laid out on disk as huggingface_hub writes it, for model-state tests."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REV = "0123456789abcdef0123456789abcdef01234567"


def hub_snapshot(cache: Path, repo: str = "rr-test/tiny-vl", rev: str = REV) -> Path:
    """huggingface_hub's layout: refs/main -> snapshots/<rev>/<file> -> ../../blobs/<SHA-256 of the file>."""
    repo_dir = cache / ("models--" + repo.replace("/", "--"))
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(rev)
    (repo_dir / "blobs").mkdir()
    snap = repo_dir / "snapshots" / rev
    snap.mkdir(parents=True)
    return snap


def add_file(snap: Path, name: str, data: bytes) -> Path:
    """One file of a snapshot: its blob, named by its SHA-256, and the snapshot's symlink to it."""
    blob = snap.parents[1] / "blobs" / hashlib.sha256(data).hexdigest()
    blob.write_bytes(data)
    (snap / name).symlink_to(os.path.relpath(blob, snap))
    return blob
