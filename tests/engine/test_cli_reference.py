"""docs/guide/cli.md is what the `remotereasoner` parser renders now: a changed option fails here until `make cli-docs`."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from inference_core.cli import reference
from inference_core.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]


def _skip_unless_rendered_by_this_python():
    written_by = re.search(r"by Python (\d+\.\d+)'s argparse", reference.PAGE.read_text(encoding="utf-8")).group(1)
    if written_by != reference.python_version():  # argparse lays help out differently per Python version
        pytest.skip(f"cli.md was rendered by Python {written_by}; this is {reference.python_version()}")


def test_committed_page_equals_the_parser_rendering():
    assert reference.PAGE == ROOT / "docs" / "guide" / "cli.md"
    _skip_unless_rendered_by_this_python()
    assert reference.PAGE.read_text(encoding="utf-8") == reference.render(), "run `make cli-docs`"


def test_every_option_of_every_subcommand_is_on_the_page():
    page = reference.PAGE.read_text(encoding="utf-8")
    subs = reference.subcommands(build_parser())
    assert list(subs) == ["reason", "mosaic", "change", "evaluate", "compare", "selftest", "demo"]
    for name, parser in subs.items():
        assert f"## `remotereasoner {name}`" in page and f"$ remotereasoner {name} --help" in page
        strings = [s for a in parser._actions for s in a.option_strings]
        assert "--help" in strings and len(strings) > 1, name
        for option in strings:
            assert option in page, f"{name} {option}"
    reason_opts = {s for a in subs["reason"]._actions for s in a.option_strings}
    assert {"--extent", "--strategy", "--mode", "--concurrency", "--score-threshold"} <= reason_opts


def test_the_rendering_does_not_depend_on_the_terminal():
    with mock.patch.dict(os.environ, {"COLUMNS": "40"}):
        narrow = reference.render()
    with mock.patch.dict(os.environ, {"COLUMNS": "300"}):
        wide = reference.render()
    assert narrow == wide == reference.render()
    assert reference.render(width=60) != wide  # the width is the fixed one, not the terminal's


def test_a_changed_option_is_caught(tmp_path):
    """An option added to the parser after the page was written makes --check fail and the page differ."""
    page = tmp_path / "cli.md"
    assert reference.main(["--out", str(page)]) == 0 and reference.main(["--check", "--out", str(page)]) == 0

    real_build = build_parser

    def with_extra_option() -> argparse.ArgumentParser:
        parser = real_build()
        reference.subcommands(parser)["reason"].add_argument("--brand-new-option", help="added later")
        return parser

    with mock.patch.object(reference, "build_parser", with_extra_option):
        assert "--brand-new-option" in reference.render()
        assert reference.main(["--check", "--out", str(page)]) == 1
    assert "--brand-new-option" not in page.read_text(encoding="utf-8")


def test_module_runs_as_documented():
    _skip_unless_rendered_by_this_python()
    proc = subprocess.run([sys.executable, "-m", "inference_core.cli.reference", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "33"})
    assert proc.returncode == 0, proc.stderr
