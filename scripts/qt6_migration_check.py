"""Runs QGIS's own PyQt5 -> PyQt6 migration checker (scripts/vendor/pyqt5_to_pyqt6, vendored pinned) in its
dry-run mode over files or folders and fails on any finding: a rewrite it would make (printed as a diff)
or a warning it prints. Run in the PyQt6 venv (scripts/envpath.sh PYQT6_ENV).

QGIS's script reads its enum map from an `enums.json` that QGIS generates on a QGIS built with Qt 6
(`--update-enum-file`); none is reachable here, so the map is built the way that option builds it: the
checker's own `get_class_enums` over PyQt6's modules, plus QGIS's enums read from QGIS 3.22
(scripts/qgis_enum_map.py, `--qgis-enums FILE`). The checker also evaluates a name to confirm its scoped
spelling, so its module sees PyQt6's names (as its own `from PyQt6.QtCore import *` would give it) and,
for QGIS classes, stand-ins holding exactly the enums of the map.
Usage: python scripts/qt6_migration_check.py --qgis-enums build/qgis_enums.json PATH...
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import json
from collections import defaultdict
from pathlib import Path

CHECKER = Path(__file__).resolve().parent / "vendor" / "pyqt5_to_pyqt6" / "pyqt5_to_pyqt6.py"
# The PyQt6 modules QGIS's checker introspects (its target_modules); Qsci only where it is installed.
PYQT6_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtTest", "QtSql", "QtSvg", "QtXml", "QtNetwork",
                 "QtPrintSupport", "Qsci")


def load_checker():
    spec = importlib.util.spec_from_file_location("pyqt5_to_pyqt6", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_maps(checker, qgis_enums: dict[str, str]) -> tuple[dict, dict]:
    """(qt_enums, ambiguous_enums) as the checker's --update-enum-file would write them."""
    qt_enums: dict = {}
    ambiguous: dict = defaultdict(set)
    for name in PYQT6_MODULES:
        try:
            module = importlib.import_module("PyQt6." + name)
        except ImportError:
            continue
        vars(checker).update({k: v for k, v in vars(module).items() if not k.startswith("_")})
        for value in list(vars(module).values()):
            checker.get_class_enums(value, qt_enums, ambiguous)
    stand_ins: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
    for key, enum in qgis_enums.items():
        cls, member = key.split(":")
        qt_enums.setdefault((cls, member), enum)
        stand_ins[cls][enum][member] = member
    for cls, enums in stand_ins.items():
        if cls not in vars(checker):
            attrs = {enum: type(enum, (), members) for enum, members in enums.items()}
            vars(checker)[cls] = type(cls, (), attrs)
    return qt_enums, ambiguous


def python_files(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return [f for f in out if "__pycache__" not in f.parts and "vendor" not in f.parts]


def check(paths: list[str], qgis_enums: dict[str, str]) -> tuple[list[str], int]:
    """(findings, files checked): each finding is the checker's own output for one file."""
    checker = load_checker()
    qt_enums, ambiguous = build_maps(checker, qgis_enums)
    findings, files = [], python_files(paths)
    for f in files:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            changed = checker.fix_file(str(f), False, True, qt_enums, ambiguous)
        text = (out.getvalue() + err.getvalue()).strip()
        if changed or text:
            findings.append(f"{f}:\n{text}")
    return findings, len(files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qgis-enums", required=True, help="JSON from scripts/qgis_enum_map.py")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    qgis_enums = json.loads(Path(args.qgis_enums).read_text(encoding="utf-8"))
    findings, n = check(args.paths, qgis_enums)
    for f in findings:
        print(f)
    print(f"pyqt5_to_pyqt6: {len(findings)} file(s) with findings, {n} checked")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
