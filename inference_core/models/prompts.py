"""Prompt templates: plain text files in `resources/prompts/`, chosen per model, rendered into chat prompts.

A template is the user turn with `{query}` where the question goes and `<image>` where the image goes
(no marker: the image comes first, as Qwen's own examples do). An optional front matter between two
`---` lines sets `system:` (inline text, or a `.txt` file beside the template read verbatim) and
`coordinates:` (`model-input`: boxes in pixels of the resized model input, Qwen2.5-VL's convention;
`original-image`: pixels of the view before that resize; `relative-1000`: 0-1000 of the image's width and
height, Qwen2-VL's and Qwen3-VL's). `#` lines there are comments. Which template a model id gets, and so
its coordinate space, is the one table contract.conventions.MODEL_TEMPLATES.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from inference_core.common.errors import OptionsInputError
from inference_core.contract.conventions import default_template
from inference_core.contract.options import COORDINATE_SPACES
from inference_core.contract.paths import PROMPTS, PROMPTS_ENV, prompt_dirs, prompt_template_names

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions

PLACEHOLDER = "{query}"
# Where the image goes in the user turn: the tag ms-swift replaces by the image tokens
# (ms-swift swift/llm/template/template/qwen.py:211-220), so a swift dataset line reads the same.
IMAGE_MARKER = "<image>"
ENV_DIR = PROMPTS_ENV
FRONT = "---"


@dataclass(frozen=True)
class Template:
    """A loaded template: the user-turn body (with `{query}` and maybe `<image>`), system text, coordinate space."""

    name: str
    body: str
    system: Optional[str] = None
    coordinates: str = "model-input"


@dataclass(frozen=True)
class ChatPrompt:
    """One filled-in prompt as both backends send it: [system], user text before the image, the image, text after."""

    before: str
    after: str
    system: Optional[str] = None
    coordinates: str = "model-input"
    # Two images (a change question over two dates, experimental): the text between them; None = one image.
    between: Optional[str] = None

    @property
    def user_text(self) -> str:
        """The user turn with the image marked, as recorded and as a swift dataset line would hold it."""
        if self.between is not None:
            return f"{self.before}{IMAGE_MARKER}{self.between}{IMAGE_MARKER}{self.after}"
        return f"{self.before}{IMAGE_MARKER}{self.after}"

    def messages(self) -> list[dict]:
        """[system], then the user turn as text / image / text parts — one structure for both backends
        (the transformers chat template renders `{"type": "image"}` as the vision tokens in place)."""
        content: list[dict] = []
        if self.before:
            content.append({"type": "text", "text": self.before})
        content.append({"type": "image"})
        if self.between is not None:  # the second date's image (Qwen2.5-VL takes several images per turn)
            if self.between:
                content.append({"type": "text", "text": self.between})
            content.append({"type": "image"})
        if self.after:
            content.append({"type": "text", "text": self.after})
        out: list[dict] = [{"role": "system", "content": self.system}] if self.system else []
        return out + [{"role": "user", "content": content}]

    @classmethod
    def plain(cls, text: str) -> "ChatPrompt":
        """A bare instruction: the image first, then the text (Qwen's own examples), no system text."""
        return cls(before="", after=text)


def builtin_dir() -> Path:
    """The shipped templates; `resources/` sits beside `inference_core/` in the repo and in the plugin zip."""
    return PROMPTS


def search_dirs() -> list[Path]:
    """Where template names are looked up: the folder in $REMOTEREASONER_PROMPTS first, then the shipped one."""
    return prompt_dirs()


def available() -> list[str]:
    """Names of every template that `load_prompt` can find (the `.txt` files holding `{query}`)."""
    return prompt_template_names()


def default_name(model: Optional[str]) -> str:
    """Template for a model id or folder (contract.conventions.MODEL_TEMPLATES); others get RemoteReasoner's."""
    return default_template(model)


def unknown_model_warning(model: str, template: Template) -> str:
    """The run's warning when a server's model id says nothing of how its boxes are written."""
    return (f"The server's model {model!r} is not one whose box coordinates the engine knows: its answers are read "
            f"with the {template.name} template, as {template.coordinates} coordinates. If its boxes land off, "
            f"choose the template (--prompt qwen2.5-vl for pixels, qwen-vl-relative for Qwen2-VL / Qwen3-VL's "
            f"0-1000) or --coordinates.")


def _read(path: Path) -> str:
    """A template's body (front matter removed, surrounding blank lines stripped)."""
    return _parse(path).body


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsInputError(f"Cannot read prompt template {path}: {exc}. Pass a UTF-8 text file.") from None


def _parse(path: Path) -> Template:
    text = _text(path)
    meta: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[0].strip() == FRONT:
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT)
        except StopIteration:
            raise OptionsInputError(f"Prompt template {path} opens a front matter with '---' but never closes it: "
                                    "add a '---' line after the settings.") from None
        for line in lines[1:end]:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep or key.strip() not in ("system", "coordinates"):
                raise OptionsInputError(f"Prompt template {path}: unknown setting line {line.strip()!r}; "
                                        "the front matter takes 'system:' and 'coordinates:'.")
            meta[key.strip()] = value.strip()
        text = "\n".join(lines[end + 1:])
    body = text.strip("\n")
    if not body.strip():
        raise OptionsInputError(f"Prompt template {path} is empty: write the instruction with {PLACEHOLDER} where the question goes.")
    coordinates = meta.get("coordinates", "model-input")
    if coordinates not in COORDINATE_SPACES:
        raise OptionsInputError(f"Prompt template {path}: coordinates must be one of {', '.join(COORDINATE_SPACES)}, "
                                f"not {coordinates!r}.")
    system = meta.get("system") or None
    if system and system.endswith(".txt"):
        # read verbatim: the trained system text ends with a newline (ms-swift reads --system files unstripped)
        system = _text(path.parent / system)
    return Template(path.stem, body, system, coordinates)


def checkpoint_system(folder: Optional[Path]) -> Optional[str]:
    """The system prompt a swift checkpoint was trained with: `system` in its `args.json`, if any.

    ms-swift saves its arguments (the `--system` text included) as args.json and copies it into a merged
    folder (ms-swift swift/llm/argument/base_args/base_args.py:244-245, swift/llm/export/merge_lora.py:31-38);
    the reference inference reads it back from there (RemoteReasoner.py:101).
    """
    if folder is None:
        return None
    try:
        args = json.loads((Path(folder) / "args.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    system = args.get("system") if isinstance(args, dict) else None
    return system if isinstance(system, str) and system.strip() else None


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


def load_template(options: "RunOptions") -> Template:
    """The template of a run: `options.prompt` (name or path), else the default for `options.model`."""
    return _parse(resolve(options.prompt, options.model))


def load_prompt(options: "RunOptions") -> str:
    """The body of the run's template (the user turn, `{query}` unfilled)."""
    return load_template(options).body


def fill(template: str, query: str) -> str:
    """Put the question into the template. Only `{query}` is replaced (templates hold JSON braces);
    a template without the placeholder gets the question on a last line so it is never lost."""
    query = query.strip()
    if PLACEHOLDER in template:
        return template.replace(PLACEHOLDER, query)
    return f"{template.rstrip()}\n{query}"


def render(template: Template, query: Optional[str], coordinates: Optional[str] = None,
           system: Optional[str] = None) -> ChatPrompt:
    """The chat prompt for one question: split at the image marker, the system text (a checkpoint's own
    `system`, when given, wins over the template's), the coordinate space (the run's setting wins).
    `query` None: the template as it is (a caption instruction takes no question)."""
    text = fill(template.body, query) if query is not None else template.body
    before, marker, after = text.partition(IMAGE_MARKER)
    if not marker:
        before, after = "", text
    between, second, rest = after.partition(IMAGE_MARKER)  # a template for two dates marks two images
    if second:
        return ChatPrompt(before, rest, system or template.system, coordinates or template.coordinates, between)
    return ChatPrompt(before, after, system or template.system, coordinates or template.coordinates)
