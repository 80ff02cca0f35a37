"""The engine's layers hold: contract/ imports only the standard library, every module imports only its own
layer or lower ones (lazy imports inside functions included), and nothing imports Qt or QGIS. (No import
cycles between modules: test_import_cycles.py.)"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator, Optional

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "inference_core"

# Lowest first; a module may import its own layer and any layer before it. The last three are peers
# with their own allowances below (cli runs evaluations; nothing imports cli or service).
ORDER = ("contract", "common", "raster", "geometry", "models", "run", "mosaic")
TOP = {
    "service": ("service",),
    "evaluate": ("evaluate",),
    "cli": ("cli", "evaluate"),
}
GUI = ("qgis", "qtpy", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")


def allowed_layers(layer: str) -> tuple[str, ...]:
    """The packages `layer` may import from (the root package `inference_core` holds only its version)."""
    if layer in ORDER:
        return ORDER[: ORDER.index(layer) + 1]
    if layer in TOP:
        return ORDER + TOP[layer]
    if layer == "__main__":  # `python -m inference_core`: the command line
        return ORDER + TOP["cli"] + ("cli",)
    raise ValueError(f"module in no layer: {layer}")


def imported_modules(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, at any depth (functions, `if`, `try`)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""


def layer_of(module: str) -> Optional[str]:
    """`inference_core.models.sam` -> "models"; the root package (`inference_core.__init__`) -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__init__" else None


def contract_violations(source: str, module: str) -> list[str]:
    """Imports of a contract module that are neither the standard library nor inference_core.contract."""
    bad = []
    for line, name in imported_modules(source, module):
        top = name.split(".")[0]
        if name == "inference_core.contract" or name.startswith("inference_core.contract."):
            continue
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        bad.append(f"{module}:{line} imports {name}")
    return bad


def layer_violations(source: str, module: str) -> list[str]:
    """Imports of an engine module that reach a higher (or unrelated) layer, or a GUI toolkit."""
    own = layer_of(module)
    allowed = allowed_layers(own) if own is not None else ()
    bad = []
    for line, name in imported_modules(source, module):
        top = name.split(".")[0]
        if top in GUI:
            bad.append(f"{module}:{line} imports {name} (the engine never imports Qt or QGIS)")
        elif top == "inference_core":
            target = layer_of(name)
            if own is None:
                bad.append(f"{module}:{line} imports {name} (the root package imports nothing)")
            elif target is None:
                continue  # `from inference_core import __version__`
            if target not in allowed:
                bad.append(f"{module}:{line} imports {name} ({own} may import {', '.join(allowed) or 'nothing'})")
    return bad


def engine_modules() -> list[tuple[str, str]]:
    """(module name, source) of every module of the engine package; packages as `pkg.__init__`."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out.append((".".join(parts), path.read_text(encoding="utf-8")))
    return out


MODULES = engine_modules()


def test_every_layer_package_is_known():
    layers = {layer_of(name) for name, _ in MODULES} - {None}
    assert layers == set(ORDER) | set(TOP) | {"__main__"}
    assert len(MODULES) > 50  # the walk found the engine, not an empty folder


def test_contract_imports_only_the_standard_library():
    modules = [(n, s) for n, s in MODULES if layer_of(n) == "contract"]
    assert len(modules) >= 9
    bad = [v for name, source in modules for v in contract_violations(source, name)]
    assert bad == []


def test_every_module_imports_only_its_own_and_lower_layers():
    bad = [v for name, source in MODULES for v in layer_violations(source, name)]
    assert bad == []


def test_the_root_package_imports_nothing_of_the_engine():
    root = dict(MODULES)["inference_core.__init__"]
    assert [n for _, n in imported_modules(root, "inference_core.__init__") if n.startswith("inference_core")] == []


# The checkers must catch what they are for: small bad sources, so the tests above cannot pass vacuously.
@pytest.mark.parametrize("source, module, words", [
    ("import numpy\n", "inference_core.contract.options", "imports numpy"),
    ("def f():\n    from inference_core.models import sam\n", "inference_core.contract.client", "inference_core.models"),
    ("from ..common import records\n", "inference_core.contract.schema", "inference_core.common"),
])
def test_contract_checker_rejects_non_standard_imports(source, module, words):
    assert any(words in v for v in contract_violations(source, module))


def test_contract_checker_accepts_the_standard_library_and_contract():
    ok = "import json, os.path\nfrom __future__ import annotations\nfrom inference_core.contract.protocol import encode\n"
    assert contract_violations(ok, "inference_core.contract.client") == []


@pytest.mark.parametrize("source, module, words", [
    # a lower layer reaching up, also lazily inside a function or under `if`
    ("from inference_core.run.sink import GpkgSink\n", "inference_core.models.cache", "models may import"),
    ("def f():\n    import inference_core.service.dispatch\n", "inference_core.run.pipeline", "inference_core.service"),
    ("if True:\n    from inference_core.evaluate import metrics\n", "inference_core.run.selftest", "evaluate"),
    ("from ..geometry import box_merge\n", "inference_core.raster.coords", "inference_core.geometry"),
    # peers at the top do not import each other (except cli -> evaluate)
    ("from inference_core.cli.main import main\n", "inference_core.service.requests", "service may import"),
    ("from inference_core.service.dispatch import Worker\n", "inference_core.evaluate.runner", "evaluate may import"),
    # GUI toolkits, anywhere in the engine
    ("def f():\n    from qgis.core import QgsProject\n", "inference_core.run.pipeline", "never imports Qt or QGIS"),
    ("import qtpy\n", "inference_core.cli.main", "never imports Qt or QGIS"),
    ("from PyQt5.QtCore import QObject\n", "inference_core.contract.client", "never imports Qt or QGIS"),
])
def test_layer_checker_rejects_upward_and_gui_imports(source, module, words):
    assert any(words in v for v in layer_violations(source, module))


def test_layer_checker_accepts_downward_imports():
    ok = ("from inference_core import __version__\nfrom inference_core.contract.options import RunOptions\n"
          "def f():\n    from inference_core.run.pipeline import run\n    from inference_core.evaluate import cli\n")
    assert layer_violations(ok, "inference_core.cli.reason") == []
    assert layer_violations("from .records import Box\n", "inference_core.common.errors") == []
    assert layer_violations("from . import records\n", "inference_core.common.__init__") == []
