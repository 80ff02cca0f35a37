"""Command-line words fixed before argparse: an option value that starts with a minus (`--extent -81.99,...`).

argparse takes any word starting with '-' that is not a plain number for an option, so the documented
`--extent -81.99,29.68,...` failed with "expected one argument"; `--extent=-81.99,...` always works.
"""

from __future__ import annotations

import re
from typing import Sequence

# Options whose value may start with a minus sign: coordinates.
NEGATIVE_VALUE_OPTIONS = ("--extent",)
_NUMBERS = re.compile(r"-(?:\d|\.\d|inf|nan)", re.I)


def attach_negative_values(argv: Sequence[str], options: Sequence[str] = NEGATIVE_VALUE_OPTIONS) -> list[str]:
    """`--extent -81.99,...` -> `--extent=-81.99,...` (only when the next word starts like a negative number)."""
    out: list[str] = []
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word in options and i + 1 < len(words) and _NUMBERS.match(words[i + 1]):
            out.append(f"{word}={words[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out
