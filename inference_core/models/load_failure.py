"""A model that fails to load, said plainly: transformers' exception reduced to what went wrong (never "look at the
above report", a log the user does not see), and advice that fits where the model came from."""

from __future__ import annotations

import re
from pathlib import Path

from inference_core.contract.catalog import MODELS
from inference_core.contract.model_state import hf_hub_cache

# transformers' own pointers to a log report printed before the exception (utils/loading_report.py)
_REPORT_SENTENCE = re.compile(r"[^.!]*\b(above report|For details look)\b[^.!]*[.!]?\s*", re.I)


def plain_reason(exc: BaseException) -> str:
    """What went wrong, in a sentence: shapes that do not match config.json, weights that cannot be converted, or
    the exception's first line without transformers' references to its log report."""
    text = str(exc)
    if "ignore_mismatched_sizes" in text or "size mismatch" in text:
        return ("its weights do not have the shapes its config.json describes (the weights and config.json come "
                "from different models)")
    if "CONVERSION" in text or "conversion of the weights" in text:
        return "its weights could not be converted for this version of transformers"
    first = _REPORT_SENTENCE.sub("", text.strip().splitlines()[0] if text.strip() else "").strip()
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__


def downloaded(model: str, folder: Path) -> bool:
    """Whether the model is a download (a hub id, a catalog entry, or a folder in the Hugging Face cache) rather
    than a folder of the user's own, which "download it again" would not repair."""
    if any(m.source == model for m in MODELS) or not Path(model).expanduser().is_dir():
        return True
    try:
        return Path(folder).resolve().is_relative_to(Path(hf_hub_cache()).resolve())
    except (OSError, ValueError):
        return False


def load_failure(what: str, model: str, folder: Path, exc: BaseException, download_hint: str) -> str:
    """"Cannot load {what} of {model}: {reason}." and the fix: download again (a download), or check the folder."""
    fix = (f"Download it again ({download_hint})." if downloaded(model, folder) else
           f"Check that {folder} holds one complete Qwen2.5-VL checkpoint: config.json, the *.safetensors weights "
           "and the tokenizer and preprocessor files saved with them.")
    return f"Cannot load {what} of {model}: {plain_reason(exc)}. {fix}"
