"""What a file of recorded answers says about itself (who gave them, for which view); standard library only,
so the plugin can say "recorded, not a live model" before a run as the engine does in its results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# The optional keys of a replay line (besides tile_id, raw_text, input_size; see docs/ANSWERS.md).
KEY_MODEL = "model"  # who gave the answers, e.g. "recorded answers (human labels), not a live model"
KEY_VIEW = "view"  # the view they were recorded for, in words ("OSBS_029.tif, whole layer, 400x400 px")
KEY_IMAGE_SHA256 = "image_sha256"  # SHA-256 of that view's RGB pixels: another view cannot be answered


@dataclass(frozen=True)
class Recording:
    """A replay file's own description; None where the file does not say."""

    model: Optional[str] = None
    view: Optional[str] = None


def recording(path: str | Path) -> Recording:
    """The `model` and `view` of the first answer of a .jsonl replay file (a GeoPackage, a file that cannot be
    read or a line that is not JSON: Recording(); the replay backend reports those when it reads the file)."""
    path = Path(path).expanduser()
    if path.suffix.lower() not in (".jsonl", ".json", ".ndjson"):
        return Recording()
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    break
            else:
                return Recording()
    except (OSError, UnicodeDecodeError, ValueError):
        return Recording()
    if not isinstance(obj, dict):
        return Recording()

    def text(key: str) -> Optional[str]:
        value = obj.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return Recording(text(KEY_MODEL), text(KEY_VIEW))
