"""No import cycles between the modules of the engine or of the plugin: every import at any depth counts
(inside functions, under TYPE_CHECKING), so a piece two modules need gets a module of its own."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest
from test_layers import imported_modules

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["inference_core", "remotereasoner_qgis"]


class Module(NamedTuple):
    source: str
    is_package: bool  # an __init__.py: its relative imports resolve against itself


def package_modules(root: Path, package: str) -> dict[str, Module]:
    """Every module of `package` under `root` by name; a package by its own name (`pkg`, not `pkg.__init__`)."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = Module(path.read_text(encoding="utf-8"), is_package)
    return out


def module_imports(name: str, module: Module, known: set[str]) -> Iterator[str]:
    """The modules of `known` that module `name` imports anywhere in its source: `from pkg import x` imports
    `pkg.x` when that is a module, else `pkg`; relative imports resolved by test_layers.imported_modules."""
    resolving = f"{name}.__init__" if module.is_package else name
    for node in ast.walk(ast.parse(module.source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            [(_, base)] = imported_modules(ast.unparse(node), resolving)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"
                elif base in known:
                    yield base


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """module -> the modules it imports (a module importing itself is no cycle)."""
    known = set(modules)
    return {name: set(module_imports(name, module, known)) - {name} for name, module in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycles(package):
    graph = import_graph(package_modules(ROOT, package))
    assert len(graph) > 20 and sum(map(len, graph.values())) > 40  # the walk found the package and its imports
    found = cycles(graph)
    assert not found, "import cycles (give the piece they share a module of its own):\n" + "\n".join(
        " <-> ".join(c) for c in found)


def test_the_detector_finds_a_cycle_in_a_small_package(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "def later():\n    from . import b\n",  # lazy and relative: still an import
        "b.py": "from pkg.c import helper\n",  # a name from module c: imports pkg.c
        "c.py": "import json\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import thing\n",
        "d.py": "from pkg import a\nfrom pkg.sub import e\n",  # imports a and sub.e, in no cycle
        "sub/__init__.py": "from .e import name\n",  # relative from a package: pkg.sub.e
        "sub/e.py": "import pkg.sub\n",  # the package and its submodule: a second cycle
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    graph = import_graph(package_modules(tmp_path, "pkg"))
    assert graph["pkg.d"] == {"pkg.a", "pkg.sub.e"}
    assert graph["pkg.b"] == {"pkg.c"} and graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"], ["pkg.sub", "pkg.sub.e"]]
    assert cycles({"x": {"y"}, "y": set()}) == []
