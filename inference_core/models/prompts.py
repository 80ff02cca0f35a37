"""Prompt templates: plain text files in `resources/prompts/` with a `{query}` placeholder, chosen per model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from inference_core.common.errors import OptionsInputError
from inference_core.contract.paths import PROMPTS

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions

PLACEHOLDER = "{query}"
ENV_DIR = "REMOTEREASONER_PROMPTS"
REMOTEREASONER = "remotereasoner"
QWEN25VL = "qwen2.5-vl"


def builtin_dir() -> Path:
    """The shipped templates; `resources/` sits beside `inference_core/` in the repo and in the plugin zip."""
    return PROMPTS


def search_dirs() -> list[Path]:
    """Where template names are looked up: the folder in $REMOTEREASONER_PROMPTS first, then the shipped one."""
    dirs = []
    override = os.environ.get(ENV_DIR)
    if override:
        dirs.append(Path(override).expanduser())
    dirs.append(builtin_dir())
    return dirs


def available() -> list[str]:
    """Names of every template that `load_prompt` can find (file stems)."""
    names = set()
    for d in search_dirs():
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.txt"))
    return sorted(names)


def default_name(model: Optional[str]) -> str:
    """Template for a model id or folder: plain Qwen2.5-VL gets its native JSON grounding, all else RemoteReasoner's."""
    m = (model or "").lower()
    if ("qwen2.5-vl" in m or "qwen2_5" in m) and "remotereasoner" not in m:
        return QWEN25VL
    return REMOTEREASONER


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsInputError(f"Cannot read prompt template {path}: {exc}. Pass a UTF-8 text file.") from None
    if not text.strip():
        raise OptionsInputError(f"Prompt template {path} is empty: write the instruction with {PLACEHOLDER} where the question goes.")
    return text.strip("\n")


def resolve(prompt: Optional[str], model: Optional[str]) -> Path:
    """The template file for `prompt` (a name, a path, or None = chosen by `model`)."""
    spec = prompt.strip() if prompt and prompt.strip() else default_name(model)
    as_path = Path(spec).expanduser()
    # a path: anything with a folder part or a .txt suffix that exists as given
    if as_path.suffix.lower() == ".txt" or os.sep in spec or "/" in spec:
        if as_path.is_file():
            return as_path
        raise OptionsInputError(f"Prompt template file not found: {as_path}. Pass an existing .txt file or a name "
                                f"({', '.join(available())}).")
    for d in search_dirs():
        candidate = d / f"{spec}.txt"
        if candidate.is_file():
            return candidate
    raise OptionsInputError(f"Unknown prompt template {spec!r}: use one of {', '.join(available()) or '(none found)'} "
                            f"or the path of a .txt file (templates live in {builtin_dir()}).")


def load_prompt(options: "RunOptions") -> str:
    """The template text for a run: `options.prompt` (name or path), else the default for `options.model`."""
    return _read(resolve(options.prompt, options.model))


def fill(template: str, query: str) -> str:
    """Put the question into the template. Only `{query}` is replaced (templates hold JSON braces);
    a template without the placeholder gets the question on a last line so it is never lost."""
    query = query.strip()
    if PLACEHOLDER in template:
        return template.replace(PLACEHOLDER, query)
    return f"{template.rstrip()}\n{query}"
