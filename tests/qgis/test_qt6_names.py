"""QGIS 4 runs on Qt 6 / PyQt6: every Qt name the plugin spells must exist in PyQt6 (scoped enums,
`exec()` not `exec_()`). The plugin's modules are parsed with `ast` (never imported), each attribute chain
rooted at a name imported from `qgis.PyQt` is collected, and a subprocess in the PyQt6 venv (scripts/envpath.sh
PYQT6_ENV, built by `make setup` from requirements-pyqt6.txt) getattr-walks it in PyQt6 itself (QGIS 4's
`qgis.PyQt.QtX` is `from PyQt6.QtX import *`, so PyQt6's own names are what the plugin gets there)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path

import pytest

from rr_support import ROOT

PLUGIN = ROOT / "remotereasoner_qgis"

# Methods PyQt6 removed whatever object they are called on (PyQt5 spelled them with "_").
PYQT5_ONLY_ATTRS = {"exec_": "exec", "print_": "print"}

RESOLVER = r"""
import importlib, json, sys
chains = json.load(sys.stdin)
mods = {}
def module(name):
    if name not in mods:
        try:
            mods[name] = importlib.import_module("PyQt6." + name)
        except ImportError:
            mods[name] = None
    return mods[name]
# Qt 6 moved a few classes between modules (QAction, QShortcut: QtWidgets -> QtGui) and the plugin imports
# them from either (try/except ImportError), so the root name is looked up in its own module first, then
# in the others.
FALLBACK = ["QtCore", "QtGui", "QtWidgets"]
out = []
for mod, parts in chains:
    first = parts[0]
    obj, err = None, None
    for m in [mod] + [f for f in FALLBACK if f != mod]:
        pm = module(m)
        if pm is not None and hasattr(pm, first):
            obj = getattr(pm, first)
            break
    if obj is None:
        err = "PyQt6.%s has no %s" % (mod, parts[0])
    else:
        for i, p in enumerate(parts[1:], 1):
            if not hasattr(obj, p):
                err = "%s has no %s" % (".".join(parts[:i]), p)
                break
            obj = getattr(obj, p)
    out.append(err)
print(json.dumps(out))
"""


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside the body of a `try` that catches ImportError (or broader): the code already copes with
    the name missing (e.g. QNetworkConfigurationManager, gone in Qt 6)."""
    child, node = node, parents.get(node)
    while node is not None:
        if isinstance(node, ast.Try) and child in node.body:
            for h in node.handlers:
                names = [h.type] if not isinstance(h.type, ast.Tuple) else list(h.type.elts)
                if h.type is None or any(isinstance(n, ast.Name) and n.id in
                                         ("ImportError", "ModuleNotFoundError", "Exception") for n in names):
                    return True
        child, node = node, parents.get(node)
    return False


def qt_names(source: str, filename: str = "<string>") -> tuple[list[tuple], list[tuple]]:
    """(chains, bad): chains = (file, line, qt module, [name, attr, ...]) for every maximal attribute chain
    (and bare use) rooted at a name imported from qgis.PyQt; bad = (file, line, message) for PyQt5-only
    method names such as `.exec_`."""
    tree = ast.parse(source, filename)
    parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    imported: dict[str, tuple[str, str]] = {}  # local name -> (Qt module, name)
    chains, bad = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qgis.PyQt"):
            qtmod = node.module.split(".")[2] if node.module.count(".") >= 2 else None
            for a in node.names:
                if qtmod is None:  # from qgis.PyQt import QtCore: the module itself is the root
                    continue
                if not _guarded(node, parents):
                    chains.append((filename, node.lineno, qtmod, [a.name]))
                imported[a.asname or a.name] = (qtmod, a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PYQT5_ONLY_ATTRS:
            bad.append((filename, node.lineno, f".{node.attr} is PyQt5 only (PyQt6: .{PYQT5_ONLY_ATTRS[node.attr]})"))
        if not isinstance(node, ast.Attribute):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            continue  # not the outermost attribute of its chain
        parts, base = [], node
        while isinstance(base, ast.Attribute):
            parts.insert(0, base.attr)
            base = base.value
        if isinstance(base, ast.Name) and base.id in imported and not _guarded(node, parents):
            qtmod, name = imported[base.id]
            chains.append((filename, node.lineno, qtmod, [name] + parts))
    return chains, bad


def pyqt6_python() -> Path:
    out = subprocess.run(["bash", "-c", 'source scripts/envpath.sh && echo "$PYQT6_ENV"'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    env = Path(out)
    if not (env / ".complete").is_file():
        pytest.fail(f"the PyQt6 venv {env} is missing: run `make setup` (scripts/setup.sh qgis builds it "
                    f"from requirements-pyqt6.txt)")
    return env / "bin" / "python"


def resolve(chains: list[tuple], bad: list[tuple]) -> list[str]:
    """The failures as 'file:line: message', the chains resolved in PyQt6."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run([str(pyqt6_python()), "-c", RESOLVER], input=json.dumps(
        [(m, parts) for _, _, m, parts in chains]), capture_output=True, text=True,
        env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    errors = json.loads(proc.stdout)
    failures = [f"{f}:{line}: {'.'.join(parts)}: {err}" for (f, line, _, parts), err in zip(chains, errors) if err]
    return failures + [f"{f}:{line}: {msg}" for f, line, msg in bad]


def plugin_modules() -> list[Path]:
    return sorted(PLUGIN.rglob("*.py"))


def test_every_qt_name_exists_in_pyqt6():
    chains, bad = [], []
    for path in plugin_modules():
        c, b = qt_names(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        chains += c
        bad += b
    assert len(chains) > 50  # the walk found the plugin's Qt names
    assert any(parts[:2] == ["Qt", "ItemDataRole"] for *_, parts in chains)
    failures = resolve(chains, bad)
    assert not failures, "names PyQt6 (QGIS 4) lacks:\n" + "\n".join(failures)


BAD_SOURCE = """\
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMessageBox, QHeaderView as HV
try:
    from qgis.PyQt.QtNetwork import QNetworkConfigurationManager
except ImportError:
    pass
role = Qt.ItemDataRole.UserRole
old = Qt.UserRole
answer = QMessageBox.Yes
HV.ResizeMode.Stretch
dialog.exec_()
"""


def test_the_checker_catches_unscoped_names():
    chains, bad = qt_names(BAD_SOURCE, "bad.py")
    failures = resolve(chains, bad)
    assert failures == ["bad.py:8: Qt.UserRole: Qt has no UserRole",
                        "bad.py:9: QMessageBox.Yes: QMessageBox has no Yes",
                        "bad.py:11: .exec_ is PyQt5 only (PyQt6: .exec)"], failures
    # the guarded Qt 5 only import is not reported, the scoped names resolve
    assert not any("QNetworkConfigurationManager" in f for f in failures)
    assert ["QHeaderView", "ResizeMode", "Stretch"] in [parts for *_, parts in chains]
