"""Where the engine's files are: the folder holding `inference_core/`, `resources/` and the requirements.

In the repository that folder is the checkout; in the plugin ZIP it is `remotereasoner_qgis/engine/`.
"""

from __future__ import annotations

from pathlib import Path

ENGINE_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ENGINE_ROOT / "resources"
REQUIREMENTS = ENGINE_ROOT / "requirements-engine.txt"
PROMPTS = RESOURCES / "prompts"
TINY_REASONER = RESOURCES / "tiny_reasoner"
