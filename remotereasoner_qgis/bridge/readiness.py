"""Is the plugin ready to run? One of no_engine / no_models / ready, with a sentence and the action
that fixes it. File-system checks only (no subprocess): the dock calls this on every checkbox toggle.
Whether model files are whole is contract.model_state's answer, the one the engine gives too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from inference_core.contract.envsetup import default_venv_dir
from inference_core.contract.model_state import hub_snapshot, looks_like_hub_id, missing_file, sam_problem
from inference_core.contract.options import FIND_ALL
from inference_core.contract.paths import TINY_SAM_DESCRIPTION

from ..i18n import tr
from ..settings import PluginSettings

# Written into the managed venv by the set-up dialog once the install and the worker's hello succeeded.
READY_MARKER = "remotereasoner-engine.json"

# Actions the dock offers next to the message.
ACTION_SETUP = "setup_engine"  # open Set up engine… (Engine tab)
ACTION_MODELS = "models"  # open Set up engine… (Models tab)
ACTION_SETTINGS = "settings"  # open the settings dialog
STATES = ("no_engine", "no_models", "ready")


@dataclass(frozen=True)
class Readiness:
    state: str  # no_engine | no_models | ready
    message: str  # the first problem ("" when ready)
    action: str  # setup_engine | models | settings | "" (ready)
    problems: tuple[str, ...] = field(default_factory=tuple)  # every problem, most important first
    notice: str = ""  # ready, but not with a live model (recorded answers): what they are, what a real model needs

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def _catalog_title(source: str) -> str:
    from inference_core.contract import catalog  # stdlib-only module

    for m in catalog.MODELS:
        if m.source == source:
            return f"{m.title} ({m.size_bytes / 1e9:.1f} GB)"
    return source


def in_managed_venv(python: str, profile_dir: str) -> bool:
    """Whether `python` is the managed venv's in the QGIS profile (the one the set-up dialog makes): as
    written or resolved, since a venv's python is often a symlink to the base interpreter."""
    venv = default_venv_dir(profile_dir)
    return os.path.realpath(python).startswith(os.path.realpath(str(venv)) + os.sep) or \
        os.path.abspath(python).startswith(os.path.abspath(str(venv)) + os.sep)


def engine_problem(settings: PluginSettings, profile_dir: Optional[str] = None) -> Optional[str]:
    py = settings.engine_python
    if not py or not os.path.isfile(py) or not os.access(py, os.X_OK):
        return tr("No engine interpreter: {path} does not exist or is not executable. "
                  "Set up the engine (Set up engine…) or set the engine Python in the settings.").format(path=py or "-")
    # Only the managed venv carries the marker; an interpreter the user chose is trusted as it is.
    if profile_dir and in_managed_venv(py, profile_dir):
        venv = default_venv_dir(profile_dir)
        if not (venv / READY_MARKER).is_file():
            return tr("The engine set-up did not finish ({path}): run Set up engine… again "
                      "(it repairs the environment).").format(path=str(venv))
    return None


def model_problems(settings: PluginSettings, granularity: tuple[str, ...]) -> list[tuple[str, str]]:
    """(message, action) for each missing model, server or file."""
    if settings.mode == FIND_ALL:  # SAM 3 alone: no reasoner, no box-prompted SAM
        return find_all_problems(settings)
    out: list[tuple[str, str]] = []
    if settings.backend == "openai":
        if not settings.server_url:
            out.append((tr("No model server: set the server URL in the settings."), ACTION_SETTINGS))
    elif settings.backend == "replay":
        if not settings.replay or not os.path.isfile(settings.replay):
            out.append((tr("No recorded answers file: set the replay file in the settings."), ACTION_SETTINGS))
    else:
        model = settings.model.strip()
        if not model:
            out.append((tr("No model: download one under Set up engine… › Models, or choose a local model folder."),
                        ACTION_MODELS))
        elif looks_like_hub_id(model):
            snap = hub_snapshot(model)
            missing = missing_file(snap) if snap is not None else "all"
            if missing == "all":
                out.append((tr("{model} is not downloaded yet: download it under Set up engine… › Models, "
                               "or choose a local model folder.").format(model=_catalog_title(model)), ACTION_MODELS))
            elif missing:
                out.append((tr("The download of {model} is incomplete ({file} is missing): download it again under "
                               "Set up engine… › Models (it resumes).").format(model=model, file=missing), ACTION_MODELS))
        else:
            folder = Path(os.path.expanduser(model))
            if not folder.is_dir():
                out.append((tr("The model folder {path} does not exist: choose it again in the settings.").format(path=model),
                            ACTION_MODELS))
            else:
                missing = missing_file(folder)
                if missing:
                    out.append((tr("The model folder {path} is not a model: {file} is missing. Choose the folder that "
                                   "holds config.json and the weights.").format(path=model, file=missing), ACTION_MODELS))
    prompt = settings.prompt.strip()
    if prompt.lower().endswith(".txt") and not os.path.isfile(os.path.expanduser(prompt)):
        out.append((tr("The prompt file {path} does not exist: choose the prompt again in the settings.").format(
            path=prompt), ACTION_SETTINGS))
    if "masks" in granularity or "contours" in granularity:
        if not settings.sam:
            out.append((tr("Masks and contours need a SAM checkpoint: set it in the settings or tick boxes only."),
                        ACTION_MODELS))
        else:
            problem = sam_problem(settings.sam)
            if problem == "not downloaded":
                out.append((tr("SAM {name} is not downloaded yet: download it in the Models tab.").format(name=settings.sam),
                            ACTION_MODELS))
            elif problem:
                out.append((tr("The SAM checkpoint {path} does not exist: choose it again in the settings.").format(
                    path=settings.sam), ACTION_MODELS))
    return out


def find_all_problems(settings: PluginSettings) -> list[tuple[str, str]]:
    """What keeps a find-all run from starting: SAM 3 not downloaded (gated: access and a token) or its folder
    not a model."""
    sam3 = settings.sam3.strip()
    if looks_like_hub_id(sam3):
        snap = hub_snapshot(sam3)
        if snap is None or missing_file(snap):
            return [(tr("Find-all needs SAM 3 ({model}), which is not downloaded yet: it is gated, so request access "
                        "on huggingface.co/facebook/sam3, set your Hugging Face token in Set up engine… › Models and "
                        "download it there.").format(model=_catalog_title(sam3)), ACTION_MODELS)]
        return []
    folder = Path(os.path.expanduser(sam3))
    missing = missing_file(folder) if folder.is_dir() else "config.json"
    if missing:
        return [(tr("The SAM 3 folder {path} is not a model ({file} is missing): choose it again under Set up "
                    "engine… › Models.").format(path=sam3, file=missing), ACTION_MODELS)]
    return []


def check_readiness(settings: PluginSettings, granularity: tuple[str, ...] = ("boxes",),
                    profile_dir: Optional[str] = None) -> Readiness:
    """The plugin's state for the dock. `profile_dir` (default: the QGIS profile folder) locates the
    managed venv, whose set-up must have finished."""
    if profile_dir is None:
        from qgis.core import QgsApplication

        profile_dir = QgsApplication.qgisSettingsDirPath()
    engine = engine_problem(settings, profile_dir)
    models = model_problems(settings, tuple(granularity))
    problems = tuple(([engine] if engine else []) + [m for m, _ in models])
    if engine:
        return Readiness("no_engine", engine, ACTION_SETUP, problems)
    if models:
        return Readiness("no_models", models[0][0], models[0][1], problems)
    notice = recorded_notice(settings, tuple(granularity))
    return Readiness("ready", "", ACTION_MODELS if notice else "", (), notice)


def _tiny_sam(path: str) -> str:
    """Which tiny SAM 1 a state_dict is, from its dimensions file: "trained" for the shipped tiny trained SAM
    (its description, contract.paths), "random" for another tiny input (the test SAM of models/tiny.py, 128 px,
    random weights), "" otherwise. Published SAMs take 1024-px images."""
    dims = Path(os.path.expanduser(path)).with_suffix(".json")
    try:
        config = json.loads(dims.read_text(encoding="utf-8"))
        if config.get("description") == TINY_SAM_DESCRIPTION:
            return "trained"
        return "random" if int(config.get("img_size", 1024)) < 1024 else ""
    except (OSError, ValueError, TypeError, AttributeError):
        return ""


def _shipped_label(text: str) -> str:
    """The labels of the shipped sample's recording (scripts/record_sample_answers.py) in the user's language; a
    recording of the user's own is shown as it is written."""
    return {"recorded answers (human labels), not a live model": tr("recorded answers (human labels), not a live model"),
            "OSBS_029.tif, whole layer": tr("{file}, whole layer").format(file="OSBS_029.tif")}.get(text, text)


def recorded_notice(settings: PluginSettings, granularity: tuple[str, ...]) -> str:
    """For a replay of labelled recorded answers (contract.recorded): that they are recorded, not a live model,
    for which view, and what a real model needs. "" for a live model or an unlabelled replay."""
    from inference_core.contract.recorded import recording

    if settings.backend != "replay" or not settings.replay:
        return ""
    rec = recording(settings.replay)
    if not rec.model:
        return ""
    text = tr("Demo: {model}, for {view}, whatever the question.").format(
        model=_shipped_label(rec.model), view=_shipped_label(rec.view or os.path.basename(settings.replay)))
    tiny = _tiny_sam(settings.sam) if ("masks" in granularity or "contours" in granularity) and settings.sam else ""
    if tiny == "trained":
        text += " " + tr("Masks: tiny SAM trained on synthetic shapes (not Segment Anything weights).")
    elif tiny == "random":
        text += " " + tr("Masks: tiny test SAM (random weights).")
    return text + " " + tr("Real model: RemoteReasoner-7B (16.6 GB) or a server.")


def readiness_problems(settings: PluginSettings, granularity: tuple[str, ...]) -> list[str]:
    """Drop-in replacement for `settings.readiness_problems` ([] = ready)."""
    return list(check_readiness(settings, granularity).problems)


def write_ready_marker(venv_dir: str | Path, hello: dict) -> Path:
    """Record a finished set-up (versions and devices from the worker's hello) in the managed venv."""
    path = Path(venv_dir) / READY_MARKER
    keep = {k: hello.get(k) for k in ("versions", "devices", "cuda_memory", "cuda_build", "platform")}
    path.write_text(json.dumps(keep, indent=1, sort_keys=True), encoding="utf-8")
    return path


__all__ = ["ACTION_MODELS", "ACTION_SETTINGS", "ACTION_SETUP", "READY_MARKER", "Readiness", "check_readiness",
           "in_managed_venv", "readiness_problems", "recorded_notice", "write_ready_marker"]
