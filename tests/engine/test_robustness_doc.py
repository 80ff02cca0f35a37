"""docs/robustness.md: every row names a test that exists, under the agreed headings, and the table is complete."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "robustness.md"
HEADINGS = ("Rasters", "Questions", "Extents", "Options", "Answers", "Models", "Protocol", "Output files",
            "Signals and disk", "Concurrency and corrections", "Secrets")
# `tests/engine/test_x.py::name` or, under tests/engine/, `test_x.py::name[param-id]`
_CITE = re.compile(r"((?:tests/[\w/]+/)?test_\w+\.py)::(\w+)(?:\[[^\]|]*\])?")


def _rows() -> list[tuple[str, str]]:
    """(heading, row) for every table row below a `## heading`, header and separator rows left out."""
    rows, heading = [], None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.startswith("| ") and heading and not line.startswith("| input or fault"):
            rows.append((heading, line))
    return rows


def test_every_row_cites_a_test_that_exists():
    rows = _rows()
    assert len(rows) >= 60
    for heading, row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4, row
        cites = _CITE.findall(cells[3])
        assert cites, f"{heading}: no test in {row}"
        for path, name in cites:
            source = ROOT / path if path.startswith("tests/") else ROOT / "tests" / "engine" / path
            assert source.is_file(), f"{heading}: {path} does not exist"
            assert re.search(rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.MULTILINE), \
                f"{heading}: {path} has no test {name}"


def test_headings_in_order():
    found = [line[3:].strip() for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert found == list(HEADINGS)
