"""Typed access to the plugin's QgsSettings (prefix `RemoteReasoner/`, keys in docs/ARCHITECTURE.md).

No secret is ever stored here: the server API key and the Hugging Face token live in QGIS's authentication
database and only their config ids (`auth_cfg`, `hf_auth_cfg`) are kept; `resolve_api_key` reads them at run time.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, fields
from typing import Optional

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProject, QgsSettings

from inference_core.contract import envsetup
from inference_core.contract.options import DEFAULT_MODEL, LEGACY_OVERLAP, LEGACY_TILE_SIZE, RunOptions

PREFIX = "RemoteReasoner/"
HISTORY_MAX = 30
# The engine's default of every run option (RunOptions' field defaults; never validated nor run): the
# settings below, the settings dialog and the Processing parameters start from it, never from literals.
RUN_DEFAULTS = RunOptions(raster="", query="", out="")


def default_engine_python() -> str:
    """The managed engine venv's interpreter inside the active QGIS profile (set up by the engine set-up dialog)."""
    return str(envsetup.default_engine_python(QgsApplication.qgisSettingsDirPath()))


@dataclass
class PluginSettings:
    """One snapshot of the settings; `load()` reads QgsSettings, `save()` writes them back."""

    engine_python: str = ""
    backend: str = RUN_DEFAULTS.backend  # transformers | openai | replay (recorded answers, demos/tests)
    model: str = DEFAULT_MODEL  # hub id or local folder (transformers backend)
    prompt: str = ""  # template name or path; "" = the default for the model
    coordinates: str = ""  # model-input | original-image; "" = what the prompt template says
    sam: str = ""  # SAM checkpoint (.pth); needed for masks and contours
    device: str = RUN_DEFAULTS.device
    dtype: str = RUN_DEFAULTS.dtype
    tile_size: int = RUN_DEFAULTS.tile_size
    overlap: int = RUN_DEFAULTS.overlap
    max_pixels: int = RUN_DEFAULTS.max_pixels
    output_dir: str = ""  # "" = beside the project file, else a temp folder
    server_url: str = ""
    server_model: str = ""
    auth_cfg: str = ""  # QgsAuthManager config id holding the API key
    concurrency: int = RUN_DEFAULTS.concurrency
    replay: str = ""  # answers file for backend "replay"
    mode: str = RUN_DEFAULTS.mode  # the dock's last mode choice (it reopens in it; readiness checks its models)
    sam3: str = RUN_DEFAULTS.sam3  # find-all's SAM 3: hub id or folder
    score_threshold: float = RUN_DEFAULTS.score_threshold  # find-all: keep instances scoring above this

    @classmethod
    def load(cls) -> "PluginSettings":
        s = QgsSettings()
        out = cls()
        for f in fields(cls):
            default = getattr(out, f.name)
            raw = s.value(PREFIX + f.name, None)
            if raw is None or raw == "":
                continue
            try:
                value = int(raw) if isinstance(default, int) else float(raw) if isinstance(default, float) else str(raw)
            except (TypeError, ValueError):
                continue  # a hand-edited bad value falls back to the default
            setattr(out, f.name, value)
        if not out.engine_python:
            out.engine_python = default_engine_python()
        if (out.tile_size, out.overlap) == (LEGACY_TILE_SIZE, LEGACY_OVERLAP):
            # Earlier versions' default tile (1008/128, resized to 896 px by the model anyway): stored
            # unchanged, it moves to today's default, which reaches the model unresized.
            out.tile_size, out.overlap = RUN_DEFAULTS.tile_size, RUN_DEFAULTS.overlap
            s.setValue(PREFIX + "tile_size", out.tile_size)
            s.setValue(PREFIX + "overlap", out.overlap)
        return out

    def save(self) -> None:
        s = QgsSettings()
        for f in fields(self):
            s.setValue(PREFIX + f.name, getattr(self, f.name))


def output_dir(settings: PluginSettings, project: Optional[QgsProject] = None) -> tuple[str, bool]:
    """Where run GeoPackages go: the configured folder, else beside the project file, else a temp
    folder. Returns (folder, is_temporary) so the dock can tell the user results are not kept."""
    if settings.output_dir:
        return settings.output_dir, False
    project = project or QgsProject.instance()
    home = project.absolutePath() if project.fileName() else ""
    if home:
        return os.path.join(home, "remotereasoner"), False
    return os.path.join(tempfile.gettempdir(), "remotereasoner"), True


def load_history() -> list[str]:
    raw = QgsSettings().value(PREFIX + "history", "[]")
    try:
        items = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    except ValueError:
        return []
    return [str(x) for x in items if str(x).strip()]


def add_to_history(question: str) -> list[str]:
    """Most recent first, without duplicates, at most HISTORY_MAX entries."""
    question = question.strip()
    items = [q for q in load_history() if q != question]
    if question:
        items.insert(0, question)
    items = items[:HISTORY_MAX]
    QgsSettings().setValue(PREFIX + "history", json.dumps(items, ensure_ascii=False))
    return items


def models_folder() -> str:
    """Where SAM checkpoints are downloaded: the setting, else a folder in the QGIS profile."""
    value = str(QgsSettings().value(PREFIX + "models_dir", "") or "")
    return value or os.path.join(QgsApplication.qgisSettingsDirPath(), "remotereasoner", "models")


def set_models_folder(path: str) -> None:
    QgsSettings().setValue(PREFIX + "models_dir", path)


def offline_setting() -> bool:
    """The user's offline switch (Models tab): never download, use only files already here."""
    return str(QgsSettings().value(PREFIX + "offline", False)).lower() in ("true", "1")


def set_offline_setting(value: bool) -> None:
    QgsSettings().setValue(PREFIX + "offline", bool(value))


def hf_auth_cfg() -> str:
    """The QgsAuthManager config id holding the Hugging Face token (gated models: SAM 3); never the token."""
    return str(QgsSettings().value(PREFIX + "hf_auth_cfg", "") or "")


def set_hf_auth_cfg(config_id: str) -> None:
    QgsSettings().setValue(PREFIX + "hf_auth_cfg", config_id or "")


def resolve_api_key(auth_cfg: str) -> Optional[str]:
    """The API key stored under an authentication config (Basic: password; token methods: token/key)."""
    if not auth_cfg:
        return None
    conf = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(auth_cfg, conf, True):
        return None
    for key in ("password", "token", "key", "apikey"):
        value = conf.config(key, "")
        if value:
            return value
    return None

