"""Whether a model's files are on disk and whole: absent, downloading, present or corrupt — the one copy.

Standard library only, so the plugin can show a state before any engine exists; the engine's model
store reports the same states (with SHA-256 checks where the catalog publishes a digest).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from inference_core.contract.catalog import ModelEntry
from inference_core.contract.options import SAM1_TYPES

STATES = ("absent", "downloading", "present", "corrupt")
CHUNK = 1 << 20


@dataclass
class ModelState:
    state: str  # one of STATES
    path: Optional[str] = None
    detail: str = ""

    @property
    def present(self) -> bool:
        return self.state == "present"


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


HUB_OFFLINE = ("HF_HUB_OFFLINE",)
TRANSFORMERS_OFFLINE = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def offline_env(variables: tuple[str, ...] = HUB_OFFLINE, environ: Optional[dict] = None) -> bool:
    """Offline mode as the libraries read it: any of `variables` set to 1/true/yes/on.

    Downloads follow huggingface_hub (HF_HUB_OFFLINE); loading a model also honours transformers'
    own TRANSFORMERS_OFFLINE (pass TRANSFORMERS_OFFLINE).
    """
    env = os.environ if environ is None else environ
    return any(str(env.get(var, "")).strip().lower() in ("1", "true", "yes", "on") for var in variables)


def hf_hub_cache() -> Path:
    """The Hugging Face cache folder, from the same environment variables huggingface_hub reads."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "huggingface" / "hub"


def hub_repo_dir(repo_id: str, cache: Optional[str | Path] = None) -> Path:
    return Path(cache or hf_hub_cache()) / ("models--" + repo_id.replace("/", "--"))


def hub_snapshot(repo_id: str, cache: Optional[str | Path] = None) -> Optional[Path]:
    """The cached snapshot folder of `repo_id` (refs/main), or None when not downloaded."""
    repo_dir = hub_repo_dir(repo_id, cache)
    try:
        rev = (repo_dir / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    snap = repo_dir / "snapshots" / rev
    return snap if snap.is_dir() else None


def missing_file(folder: Path) -> Optional[str]:
    """The first file a checkpoint folder lacks (config, index, a weight shard), or None when whole.

    A hub snapshot file is a symlink to a blob: `exists()` is False when the blob is gone.
    """
    folder = Path(folder)
    if not (folder / "config.json").exists():
        return "config.json"
    index = folder / "model.safetensors.index.json"
    if index.exists():
        try:
            shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return index.name
        missing = [s for s in shards if not (folder / s).exists()]
        return missing[0] if missing else None
    if any(folder.glob("*.safetensors")) or (folder / "pytorch_model.bin").exists():
        return None
    return "model.safetensors"


# A safetensors header is at most 100 MB (the safetensors crate's MAX_HEADER_SIZE).
SAFETENSORS_MAX_HEADER = 100_000_000


def weight_files(folder: str | Path) -> list[Path]:
    """The safetensors files of a checkpoint folder: those its index names, else every *.safetensors."""
    folder = Path(folder)
    index = folder / "model.safetensors.index.json"
    try:
        shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
        return [folder / s for s in shards]
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return sorted(folder.glob("*.safetensors"))


def safetensors_problem(path: str | Path) -> Optional[str]:
    """Why a .safetensors file is not whole, from its own header (no tensor is read), or None.

    The format (huggingface/safetensors README): 8 bytes little-endian header length N, N bytes of JSON
    giving each tensor's `data_offsets` [begin, end) into the data that follows, so the file must be
    exactly 8 + N + the largest end. A truncated or padded download, or a damaged header, shows here.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                return f"{path.name} is {size} bytes, too short for a safetensors file"
            n = int.from_bytes(head, "little")
            if n > min(SAFETENSORS_MAX_HEADER, size - 8):
                return f"{path.name} has a damaged header (length {n} in a file of {size} bytes)"
            header = json.loads(fh.read(n).decode("utf-8"))
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    except (ValueError, UnicodeDecodeError):
        return f"{path.name} has a damaged header (not JSON)"
    if not isinstance(header, dict):
        return f"{path.name} has a damaged header (not a JSON object)"
    ends = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(v, int) for v in offsets)):
            return f"{path.name} has a damaged header (tensor {name!r} without data_offsets)"
        ends.append(offsets[1])
    expected = 8 + n + max(ends, default=0)
    if size != expected:
        return f"{path.name} is {size} bytes but its header says {expected}"
    return None


def weights_problem(folder: str | Path) -> Optional[str]:
    """Why a checkpoint folder's weights are damaged (a missing shard, a shard of the wrong size), or None.

    Sizes only: every shard the index (model.safetensors.index.json) names must exist and be exactly the
    size its own header gives, so it costs one small read per shard, not a hash of many GB. (The index's
    `total_size` is not compared: how shared tensors are counted in it differs between transformers versions.)
    """
    folder = Path(folder)
    files = weight_files(folder)
    for f in files:
        if not f.exists():
            return f"missing weight file {f.name}"
        problem = safetensors_problem(f)
        if problem:
            return problem
    return None


def _missing_detail(missing: str) -> str:
    if missing == "model.safetensors.index.json":
        return f"{missing} is unreadable"
    return f"missing weight file(s): {missing}"


_SHA256_NAME = re.compile(r"[0-9a-f]{64}")


def hub_blob_mismatch(path: str | Path) -> bool:
    """True when a hub snapshot file no longer hashes to the SHA-256 its blob is named after.

    huggingface_hub stores an LFS file as `blobs/<its SHA-256>` (the hub's published hash) and links the
    snapshot file to it; a file that is no such link (a copied folder, a git-sha blob) cannot be checked.
    """
    target = Path(os.path.realpath(path))
    if not _SHA256_NAME.fullmatch(target.name) or target.parent.name != "blobs":
        return False
    from inference_core.contract.digests import sha256_cached

    return sha256_cached(target) != target.name  # hashed once per file version (size, mtime), then cached


def hub_state(repo_id: str, cache: Optional[str | Path] = None, verify: bool = False) -> ModelState:
    """State of a hub model in the Hugging Face cache: config and every weight file of its index present.

    `verify` also hashes the weight files against their blob names (seconds per GB).
    """
    blobs = hub_repo_dir(repo_id, cache) / "blobs"
    partial = sorted(blobs.glob("*.incomplete")) if blobs.is_dir() else []
    snapshot = hub_snapshot(repo_id, cache)
    if snapshot is None or not (snapshot / "config.json").exists():
        if partial:
            return ModelState("downloading", None, f"{sum(p.stat().st_size for p in partial)} bytes in partial files")
        return ModelState("absent")
    missing = missing_file(snapshot)
    if missing:
        if partial:
            return ModelState("downloading", str(snapshot), "weight files still downloading")
        return ModelState("corrupt", str(snapshot), _missing_detail(missing))
    if verify:
        bad = [f.name for f in sorted(snapshot.glob("*.safetensors")) if hub_blob_mismatch(f)]
        if bad:
            return ModelState("corrupt", str(snapshot), f"SHA-256 mismatch: {', '.join(bad)}")
    return ModelState("present", str(snapshot))


def sam_state(entry: ModelEntry, folder: str | Path, verify: bool = False) -> ModelState:
    """State of a catalog SAM checkpoint in `folder`; `verify` also hashes it (seconds for vit_h)."""
    path = Path(folder) / (entry.file_name or "")
    if path.is_file():
        size = path.stat().st_size
        if entry.size_bytes and size != entry.size_bytes:
            return ModelState("corrupt", str(path), f"size {size} != {entry.size_bytes}")
        if verify and entry.sha256 and sha256_of(path) != entry.sha256:
            return ModelState("corrupt", str(path), "SHA-256 mismatch")
        return ModelState("present", str(path))
    part = path.with_name(path.name + ".part")
    if part.is_file():
        return ModelState("downloading", str(part), f"{part.stat().st_size} bytes so far")
    return ModelState("absent")


def entry_state(entry: ModelEntry, folder: str | Path, cache: Optional[str | Path] = None,
                verify: bool = False) -> ModelState:
    """State of any catalog entry: SAM 1 files in the models folder, SAM 2.1 and language models in the hub cache.

    `verify` hashes SAM checkpoints of both kinds; language models (many GB) are only checked for completeness.
    """
    if entry.kind == "sam":
        return sam_state(entry, folder, verify=verify)
    return hub_state(entry.source, cache, verify=verify and entry.kind in ("sam2", "sam3"))


SAM1_SUFFIXES = (".pth", ".pt", ".bin")


def looks_like_path(value: str) -> bool:
    """A local path rather than a hub id: absolute, relative (./, ~), Windows-style, or deeper than owner/name."""
    return (value.startswith(("/", ".", "~")) or "\\" in value or (len(value) > 1 and value[1] == ":")
            or value.count("/") > 1)


def looks_like_hub_id(value: str) -> bool:
    """A Hugging Face hub id, "owner/name", rather than a folder."""
    return value.count("/") == 1 and not looks_like_path(value)


def sam_kind(value: str, sam_type: Optional[str] = None) -> str:
    """Which SAM a `--sam` value names, as a catalog kind: "sam" (a SAM 1 checkpoint file) or "sam2".

    SAM 2.1 is a transformers folder (config.json + safetensors) or a hub id such as
    facebook/sam2.1-hiera-tiny; a file, or a missing path ending in .pth/.pt/.bin, is SAM 1 (whose
    loader reports the missing file or refuses Meta's SAM 2 .pt). For a path that does not exist, a SAM 1
    `sam_type` also means SAM 1, so the message names the missing checkpoint.
    """
    p = Path(value).expanduser()
    if p.is_file():
        return "sam"
    if p.is_dir():
        return "sam2"
    if sam_type in SAM1_TYPES or p.suffix.lower() in SAM1_SUFFIXES:
        return "sam"
    return "sam2"


SAM2_MODEL_TYPES = ("sam2", "sam2_video")


def folder_model_type(folder: str | Path) -> Optional[str]:
    """`model_type` in a model folder's config.json (e.g. qwen2_5_vl, sam2), None when unreadable."""
    try:
        config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = config.get("model_type") if isinstance(config, dict) else None
    return value if isinstance(value, str) else None


def sam_problem(value: str, cache: Optional[str | Path] = None) -> Optional[str]:
    """Why a SAM setting cannot be used as it stands, in a few words (None: usable).

    A SAM 1 checkpoint must be a file; a SAM 2.1 folder must be whole (config.json and weights); a SAM 2.1
    hub id must be in the Hugging Face cache (the worker loads it from there; the Models tab downloads it).
    """
    kind = sam_kind(value)
    path = Path(value).expanduser()
    if kind == "sam":
        return None if path.is_file() else "missing"
    if path.is_dir():
        missing = missing_file(path)
        return f"{missing} is missing" if missing else None
    if looks_like_hub_id(value):
        return None if hub_state(value, cache).present else "not downloaded"
    return "missing"
