"""Where a transformers model folder comes from: a local folder, or a hub id in (or fetched into) the cache."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from inference_core.contract.catalog import MODELS
from inference_core.contract.model_state import (
    TRANSFORMERS_OFFLINE,
    hub_blob_mismatch,
    hub_snapshot,
    looks_like_hub_id,
    missing_file,
    offline_env,
    weights_problem,
)


def download_hint(repo_id: str) -> str:
    """Where a catalog model can be downloaded: the plugin's Models tab or the engine's model store CLI."""
    key = next((m.key for m in MODELS if m.source == repo_id), "KEY")
    return f"the plugin's Models tab, or `python -m inference_core.models.store download {key} --folder DIR`"


@dataclass(frozen=True)
class FolderKind:
    """What the messages of `locate_folder` call the model, the id they give as an example, and its error."""

    label: str  # "SAM 2.1", "SAM 3"
    example: str  # a hub id of this kind
    error: type[Exception]
    fetch_advice: str  # after "Cannot fetch …": what to check
    model_types: tuple[str, ...] = ()  # config.json model_type values of this kind
    family: str = ""  # the name in "holds a … model, not SAM 2"
    other_advice: str = ""  # after that: what to pass instead


def locate_folder(source: str, kind: FolderKind) -> tuple[Path, Optional[str]]:
    """(local folder, hub id or None) of `source`: a folder as it is, or a hub id from the Hugging Face cache,
    downloaded once when it is not there (config, processor and safetensors only; never offline)."""
    p = Path(source).expanduser()
    if p.is_dir():
        return p, None
    if not looks_like_hub_id(source):
        raise kind.error(f"{kind.label} folder not found: {p}. Check the path, or pass a hub id like {kind.example} "
                         f"(download it first with {download_hint(kind.example)}).")
    snap = hub_snapshot(source)
    missing = missing_file(snap) if snap is not None else "config.json"
    if missing is None:
        return snap, source  # type: ignore[return-value]
    if offline_env(TRANSFORMERS_OFFLINE):
        where = "not in the Hugging Face cache" if snap is None else f"only partly in the Hugging Face cache (no {missing})"
        raise kind.error(f"{source} is {where} and downloads are off (HF_HUB_OFFLINE=1): download it on a connected "
                         f"machine ({download_hint(source)}), unset HF_HUB_OFFLINE, or pass a local {kind.label} folder.")
    from inference_core.models.downloads import DownloadError, download_hub

    entry = next((m for m in MODELS if m.source == source), None)
    try:
        return download_hub(source, size_hint=entry.size_bytes if entry else None), source
    except DownloadError as exc:
        raise kind.error(str(exc)) from None
    except Exception as exc:  # huggingface_hub: gated, unknown repo, network
        if type(exc).__name__ == "GatedRepoError":
            from inference_core.models.store import gated_message

            raise kind.error(gated_message(source)) from None
        raise kind.error(f"Cannot fetch {source} from the Hugging Face Hub ({type(exc).__name__}: {exc}). "
                         f"{kind.fetch_advice}") from None


def read_folder_config(folder: Path, kind: FolderKind) -> dict[str, Any]:
    """config.json of a model folder of `kind`; `kind.error` when it is missing, unreadable or another model."""
    path = folder / "config.json"
    if not path.is_file():
        raise kind.error(f"{folder} has no config.json: a {kind.label} folder is one saved with save_pretrained "
                         f"(config.json, model.safetensors, processor files), e.g. {kind.example}.")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise kind.error(f"Cannot read {path} ({exc}): the {kind.label} folder is damaged; download it again.") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in kind.model_types:
        raise kind.error(f"{folder.name} holds a {model_type or 'unknown'} model, not {kind.family} (config.json "
                         f"model_type should be {kind.model_types[0]}): {kind.other_advice}")
    return config


def check_folder_files(folder: Path, repo_id: Optional[str], kind: FolderKind) -> None:
    """Before a load: every file of the folder is there, each weights file is as long as its own header says,
    and a hub file still hashes to the SHA-256 the hub named it by; `kind.error` naming the fix otherwise."""
    name = repo_id or folder.name
    missing = missing_file(folder)
    if missing:
        raise kind.error(f"{folder} lacks {missing}: the {kind.label} download is incomplete; download it again.")
    damaged = weights_problem(folder)
    if damaged:
        raise kind.error(f"The weights of {kind.label} {name} are damaged: {damaged}. Re-download with "
                         f"{download_hint(repo_id or kind.example)}.")
    bad = [w.name for w in sorted(folder.glob("*.safetensors")) if hub_blob_mismatch(w)]
    if bad:
        raise kind.error(f"{', '.join(bad)} of {name} is damaged (its SHA-256 no longer matches the hub's): delete "
                         f"it from the Hugging Face cache and download it again.")


def load_checked(model_cls: Any, folder: Path, kind: FolderKind, **kwargs: Any) -> Any:
    """`model_cls.from_pretrained(folder)` from local files only, quietly (the `*_video` -> image-model note is
    expected for Meta's hub checkpoints); `kind.error` when it does not load or its weights leave part of the
    architecture empty (a damaged checkpoint or another model's)."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        model, info = model_cls.from_pretrained(str(folder), local_files_only=True, output_loading_info=True,
                                                **kwargs)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise kind.error(f"Cannot load {kind.label} from {folder.name} ({detail}): download it again or check the "
                         f"folder.") from None
    finally:
        hf_logging.set_verbosity(verbosity)
    if info.get("missing_keys"):
        names = ", ".join(sorted(info["missing_keys"])[:3])
        raise kind.error(f"The weights in {folder.name} do not fill the {kind.family} architecture of its config.json "
                         f"(missing {names}...): the checkpoint is damaged or from another model.")
    return model
