"""The plugin's import boundary, read from the source with `ast` (lazy imports inside functions included):
from the engine only `inference_core.contract` / `inference_core.contract.*` (standard library only, so the
ML stack can never reach QGIS); otherwise only the standard library, QGIS, Qt through QGIS's own shim
`qgis.PyQt`, and the plugin's own modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator

from rr_support import ROOT

PLUGIN = "remotereasoner_qgis"
CONTRACT = "inference_core.contract"
QGIS_AND_QT = ("qgis",)
# Qt comes through qgis.PyQt only (QGIS's binding, PyQt5 or PyQt6, as QGIS set it up); these name a binding
# directly or go through a shim that patches Qt for the whole process (qtpy under PyQt6).
DIRECT_QT = ("qtpy", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")
IMPORT_FUNCTIONS = ("import_module", "__import__")


def plugin_sources() -> dict[str, Path]:
    """Every plugin module: dotted name -> file."""
    out = {}
    for path in sorted((ROOT / PLUGIN).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for each import in `source`, the code of `module`: `import`, `from ...
    import` (relative ones resolved; one that climbs out of the plugin is named `..`), and
    importlib.import_module / __import__ calls with a literal name, wherever they stand."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module or ""
            elif node.level > len(package):
                yield node.lineno, ".." + (node.module or "")
            else:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in IMPORT_FUNCTIONS:
                yield node.lineno, node.args[0].value


def problem(name: str) -> str:
    """Why the plugin may not import `name` ("" = allowed)."""
    top = name.split(".")[0]
    if name == PLUGIN or name.startswith(PLUGIN + "."):
        return ""
    if top == "inference_core":
        return "" if name == CONTRACT or name.startswith(CONTRACT + ".") else "engine internals (only inference_core.contract.*)"
    if any(name == q or name.startswith(q + ".") for q in DIRECT_QT):
        return "Qt binding imported directly or through qtpy (use qgis.PyQt)"
    if top in QGIS_AND_QT or top in sys.stdlib_module_names:
        return ""
    return "not stdlib, qgis (qgis.PyQt for Qt), the contract or the plugin itself"


def violations(source: str, module: str, is_package: bool = False) -> list[tuple[int, str, str]]:
    return [(line, name, why) for line, name in imports(source, module, is_package) if (why := problem(name))]


BAD = '''
import json
import torch
from inference_core.run import pipeline
from inference_core import contract
from inference_core.contract.options import RunOptions
from qgis.PyQt.QtCore import Qt
from qtpy.QtCore import Signal
from .. import settings
from ...elsewhere import thing


def later():
    import numpy as np
    from inference_core.models import store
    importlib.import_module("inference_core.service.worker")
    from inference_core.contract import catalog
'''


def test_the_checker_catches_each_kind_of_breach():
    found = violations(BAD, "remotereasoner_qgis.ui.dock")
    assert sorted((line, name) for line, name, _why in found) == [
        (3, "torch"), (4, "inference_core.run"), (5, "inference_core"), (8, "qtpy.QtCore"),
        (10, "..elsewhere"), (14, "numpy"), (15, "inference_core.models"), (16, "inference_core.service.worker"),
    ]
    resolved = dict((line, name) for line, name in imports(BAD, "remotereasoner_qgis.ui.dock"))
    assert resolved[9] == "remotereasoner_qgis" and resolved[6] == "inference_core.contract.options"
    # in a package's __init__, `.` is the package itself
    assert list(imports("from .plugin import X", "remotereasoner_qgis", is_package=True)) == [(1, "remotereasoner_qgis.plugin")]


def test_every_plugin_module_stays_inside_the_boundary():
    sources = plugin_sources()
    assert {f"{PLUGIN}.plugin", f"{PLUGIN}.bridge.worker_pool", f"{PLUGIN}.ui.dock",
            f"{PLUGIN}.processing.reason_algorithm"} <= set(sources)
    seen, problems = 0, []
    for module, path in sources.items():
        found = list(imports(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"))
        seen += len(found)
        problems += [f"{path.relative_to(ROOT)}:{line}: {name}: {problem(name)}" for line, name in found if problem(name)]
    assert seen > 100  # the walk read the real imports
    assert not problems, "\n".join(problems)
