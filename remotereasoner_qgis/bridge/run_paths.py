"""Where a new run writes: a sortable, readable GeoPackage name in the output folder that no file holds yet."""

from __future__ import annotations

import os
import re
import time
from typing import Optional


def run_file_name(question: str, now: Optional[float] = None) -> str:
    """`20261127-153012_the-tree-crowns.gpkg`: sortable, readable, safe on every file system."""
    slug = re.sub(r"[^\w]+", "-", question.lower(), flags=re.UNICODE).strip("-")[:40] or "run"
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"_{slug}.gpkg"


def new_run_path(folder: str, question: str, now: Optional[float] = None) -> str:
    """A path in `folder` for a new run that no file holds yet: two runs (or a run and a copied command) in
    the same second get `…_question-2.gpkg`, never each other's file."""
    base = os.path.join(folder, run_file_name(question, now))
    path, n = base, 1
    while os.path.exists(path):
        n += 1
        path = f"{base[:-5]}-{n}.gpkg"
    return path
