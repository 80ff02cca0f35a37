"""Where the plugin and the engine live on disk: a leaf module every other plugin module may import."""

from __future__ import annotations

import os

# realpath: a development install is often a symlink to the checkout, where inference_core sits beside it.
PLUGIN_DIR = os.path.dirname(os.path.realpath(__file__))


def _engine_root() -> str:
    """The folder that holds `inference_core/` and `resources/`: `engine/` inside the plugin when
    packaged, the repository root in development."""
    packaged = os.path.join(PLUGIN_DIR, "engine")
    if os.path.isdir(os.path.join(packaged, "inference_core")):
        return packaged
    return os.path.dirname(PLUGIN_DIR)


ENGINE_ROOT = _engine_root()
