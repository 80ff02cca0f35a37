"""Where the engine's files are: the folder holding `inference_core/`, `resources/` and the requirements.

In the repository that folder is the checkout; in the plugin ZIP it is `remotereasoner_qgis/engine/`.
"""

from __future__ import annotations

import os
from pathlib import Path

ENGINE_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ENGINE_ROOT / "resources"
REQUIREMENTS = ENGINE_ROOT / "requirements-engine.txt"
PROMPTS = RESOURCES / "prompts"
TINY_REASONER = RESOURCES / "tiny_reasoner"
# The sample orthophoto and its recorded answers (its 61 human-labelled crowns in the model's answer
# grammar, written by scripts/record_sample_answers.py): the first-run demo replays them.
SAMPLE_RASTER = RESOURCES / "sample" / "OSBS_029.tif"
SAMPLE_ANSWERS = RESOURCES / "sample" / "OSBS_029.answers.jsonl"
# The folder of the user's own prompt templates, looked up before PROMPTS (models.prompts.search_dirs).
PROMPTS_ENV = "REMOTEREASONER_PROMPTS"


def prompt_dirs() -> list[Path]:
    """Where prompt template names are looked up: $REMOTEREASONER_PROMPTS first, then the shipped folder."""
    override = os.environ.get(PROMPTS_ENV)
    return ([Path(override).expanduser()] if override else []) + [PROMPTS]


# The shipped template of each text-answer mode (run/answers.py: the reference's VQA and captioning
# instructions); they are no Locate templates, so the list below leaves them out.
MODE_TEMPLATES = {"ask": "remotereasoner-ask", "describe": "remotereasoner-describe"}
# Ask / describe over two dates in one turn (a change question, experimental: docs/guide/change.md).
CHANGE_TEMPLATES = {"ask": "change-ask", "describe": "change-describe"}


def prompt_template_names() -> list[str]:
    """The Locate template names a run can be given (file stems of the `.txt` files holding `{query}`; a
    system text such as r1-system.txt, read by a template, is not one; nor the MODE_TEMPLATES), sorted.
    Stdlib only: the plugin lists them."""
    names = set()
    for folder in prompt_dirs():
        if not folder.is_dir():
            continue
        for path in folder.glob("*.txt"):
            try:
                if "{query}" in path.read_text(encoding="utf-8"):
                    names.add(path.stem)
            except (OSError, UnicodeDecodeError):
                continue
    return sorted(names - set(MODE_TEMPLATES.values()) - set(CHANGE_TEMPLATES.values()))
