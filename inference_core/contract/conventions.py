"""How each known model is run (standard library only): the prompt template a model id gets, and with it the
coordinate space of its boxes, and the run settings a template's authors used — one table each."""

from __future__ import annotations

import os
from typing import Any, Optional

REMOTEREASONER = "remotereasoner"
QWEN25VL = "qwen2.5-vl"
THINK2SEG = "think2seg-rs"
QWEN_RELATIVE = "qwen-vl-relative"

# Model id (or folder name) -> template, first match wins; the template's front matter states its coordinate
# space. Qwen2.5-VL answers in absolute pixels of its input (technical report, arXiv 2502.13923);
# Qwen2-VL (report arXiv 2409.12191: boxes "normalized within [0, 1000)") and Qwen3-VL ("relative coordinates
# ranging from 0 to 1000", QwenLM/Qwen3-VL cookbooks/2d_grounding.ipynb, its first cell) answer relative.
MODEL_TEMPLATES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("remotereasoner",), REMOTEREASONER),
    (("think2seg",), THINK2SEG),
    (("qwen3-vl", "qwen3_vl", "qwen3vl"), QWEN_RELATIVE),
    (("qwen2-vl", "qwen2_vl", "qwen2vl"), QWEN_RELATIVE),
    (("qwen2.5-vl", "qwen2_5", "qwen2.5vl"), QWEN25VL),
)

# Settings a template's authors ran it with, used when a run leaves them at the engine's defaults (the command
# line without --tile-size / --sam; the dock with the tile size at its default). Think2Seg-RS was evaluated on
# images resized to 840 x 840 (Ricardo-XZ/Think2Seg-RS src/eval/test_think2seg-rs_qwen.py:69 `--resize_size`
# default 840) with SAM 2.1 Hiera-Small (:56 `--sam_model_size` default 'small'; geo_reward_func_ultra.py
# `init_sam2` maps it to sam2.1_hiera_small.pt). 840 = 30 x 28: a tile reaches the model unresized.
TEMPLATE_RUN_DEFAULTS: dict[str, dict[str, Any]] = {
    THINK2SEG: {"tile_size": 840, "sam": "facebook/sam2.1-hiera-small"},
}


def known_template(model: Optional[str]) -> Optional[str]:
    """The template MODEL_TEMPLATES gives a model id or folder, or None when the id is in no row."""
    m = (model or "").lower()
    for needles, name in MODEL_TEMPLATES:
        if any(n in m for n in needles):
            return name
    return None


def default_template(model: Optional[str]) -> str:
    """Template for a model id or folder (MODEL_TEMPLATES); an id in no row gets RemoteReasoner's."""
    return known_template(model) or REMOTEREASONER


def run_template(prompt: Optional[str], model: Optional[str]) -> str:
    """The name of the template a run uses: `prompt` (a name, or a .txt path: its file name), else the model's."""
    if prompt and prompt.strip():
        return os.path.splitext(os.path.basename(prompt.strip()))[0]
    return default_template(model)


def template_run_defaults(prompt: Optional[str], model: Optional[str]) -> dict[str, Any]:
    """The settings the run's template's authors used (TEMPLATE_RUN_DEFAULTS), {} for the others."""
    return dict(TEMPLATE_RUN_DEFAULTS.get(run_template(prompt, model), {}))
