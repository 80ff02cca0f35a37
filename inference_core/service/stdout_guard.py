"""Keeps the worker's stdout for protocol lines only: everything else written to fd 1 goes to stderr."""

from __future__ import annotations

import os
import sys
from typing import Callable


def protocol_stdout() -> Callable[[str], None]:
    """Keep the real stdout for protocol lines and point fd 1 and sys.stdout at stderr.

    Libraries (tqdm, print debugging, C extensions writing to fd 1) would otherwise corrupt the
    protocol stream; after this only `write` reaches the client.
    """
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def write(line: str) -> None:
        out.write(line.encode("utf-8"))

    return write
