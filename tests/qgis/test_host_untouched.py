"""The plugin leaves the host as it found it (issue 35): loading it adds, removes or replaces no attribute
of any Qt (or QGIS) class or module and changes no environment variable, so another plugin never depends
on load order. Checked under PyQt6 (QGIS 4's binding, from the PyQt6 venv of `make setup`) as far as this
machine allows, and under the real QGIS 3.22 with the full classFactory -> initGui -> dock -> unload cycle.
Each check runs in a fresh interpreter, so nothing imported by other tests hides a change."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from rr_support import ROOT
from test_qt6_names import pyqt6_python

PLUGIN = ROOT / "remotereasoner_qgis"

# Shared by every check: a fingerprint of the host, and the differences between two fingerprints.
# `vars(cls)` makes sip load a class's lazy attributes first, so merely using a method is no change.
HARNESS = r'''
import json, os, sys

def fingerprint(prefixes):
    """{"module": {name: id}, "module.Class": {name: id}} for every loaded module under `prefixes`."""
    out = {}
    for name, mod in sorted(sys.modules.items()):
        if mod is None or not name.startswith(prefixes):
            continue
        out[name] = {k: id(v) for k, v in vars(mod).items()}
        for attr, obj in list(vars(mod).items()):
            if isinstance(obj, type) and obj.__module__.startswith(prefixes):
                out[name + "." + attr] = {k: id(v) for k, v in vars(obj).items()}
    return out

def changes(before, after):
    """'Class: +added -lost ~replaced' for each class or module that differs (new modules aside)."""
    out = []
    for key, old in before.items():
        new = after.get(key, {})
        added = sorted(set(new) - set(old))
        lost = sorted(set(old) - set(new))
        replaced = sorted(k for k in set(old) & set(new) if old[k] != new[k])
        if added or lost or replaced:
            out.append(f"{key}: +{added} -{lost} ~{replaced}")
    return out

def env_changes(before):
    now = dict(os.environ)
    return sorted(f"{k}: {before.get(k)!r} -> {now.get(k)!r}" for k in set(before) | set(now)
                  if before.get(k) != now.get(k))
'''


def run_check(python: str, body: str, env: dict[str, str]) -> dict:
    """Run HARNESS + body in `python` (a fresh process); body prints one JSON line prefixed RESULT."""
    code = HARNESS + textwrap.dedent(body)
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, timeout=180, cwd="/")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, (proc.stdout[-2000:], proc.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT "):])


# QGIS 4's qgis.PyQt.QtX is `from PyQt6.QtX import *` (QGIS source, python/PyQt/PyQt6/QtWidgets.py and its
# siblings); the QVariant patches QGIS's own QtCore adds belong to the host and happen before any plugin
# loads, so they are outside what this test measures. No QGIS 4 build is reachable here: this stand-in
# lets the plugin's own Qt imports run on the real PyQt6.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtXml")


def write_pyqt6_shim(folder: Path) -> None:
    (folder / "qgis" / "PyQt").mkdir(parents=True)
    (folder / "qgis" / "__init__.py").write_text("")
    (folder / "qgis" / "PyQt" / "__init__.py").write_text("")
    for mod in QT_MODULES:
        (folder / "qgis" / "PyQt" / f"{mod}.py").write_text(f"from PyQt6.{mod} import *  # noqa: F403\n")
    # and qgis.PyQt.sip is PyQt6's sip (QGIS source, python/PyQt/PyQt6/sip.py)
    (folder / "qgis" / "PyQt" / "sip.py").write_text("from PyQt6.sip import *  # noqa: F403\n")


def qt_import_blocks() -> list[str]:
    """Every statement of the plugin that imports from qgis.PyQt, as source: a bare `from qgis.PyQt...`
    line, or the whole `try: ... except ImportError:` block around one (the Qt 5 / Qt 6 fallbacks)."""
    blocks = []
    for path in sorted(PLUGIN.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis.PyQt"):
                up = parents.get(node)
                while up is not None and not isinstance(up, ast.Try):
                    up = parents.get(up)
                imports_only = up is not None and all(
                    isinstance(n, (ast.Import, ast.ImportFrom, ast.Pass))
                    for n in up.body + [s for h in up.handlers for s in h.body])
                if imports_only:  # a Qt 5 / Qt 6 fallback: the block as written
                    blocks.append(textwrap.dedent(ast.get_source_segment(source, up, padded=True)))
                elif up is not None:  # an optional import inside a larger guarded block
                    blocks.append(f"try:\n    {ast.unparse(node)}\nexcept ImportError:\n    pass\n")
                else:
                    blocks.append(ast.unparse(node))
    return sorted(set(blocks))


# Plugin modules that import nothing from qgis.core/gui (all the rest need QGIS itself, which has no
# PyQt6 build here): imported whole, module-level classes and all.
QT_ONLY_MODULES = ["remotereasoner_qgis", "remotereasoner_qgis.paths", "remotereasoner_qgis.ui.elide",
                   "remotereasoner_qgis.ui.mode_hints", "remotereasoner_qgis.ui.mode_choice",
                   "remotereasoner_qgis.bridge.run_paths", "remotereasoner_qgis.bridge.network_state"]

PYQT6_BODY = """
import importlib
sys.path[:0] = [SHIM, ROOT]
for m in QT_MODULES:  # the host: QGIS has loaded its shim before any plugin
    importlib.import_module("qgis.PyQt." + m)
from PyQt6.QtWidgets import QApplication
app = QApplication([])
env0, before = dict(os.environ), fingerprint(("PyQt6",))
for block in BLOCKS:  # every Qt import the plugin spells, fallbacks included
    exec(compile(block, "<plugin Qt import>", "exec"), {})
for name in MODULES:
    importlib.import_module(name)
from qgis.PyQt.QtCore import QObject, pyqtSignal
class Task(QObject):  # the plugin's way of declaring signals (bridge/tasks/*.py)
    done = pyqtSignal(bool, dict, str)
ns = {}
exec(compile(ACTION, "<plugin.py QAction import>", "exec"), ns)
print("RESULT " + json.dumps({"changes": changes(before, fingerprint(("PyQt6",))), "env": env_changes(env0),
      "classes": len(before), "blocks": len(BLOCKS), "qtpy": "qtpy" in sys.modules,
      "action_module": ns["QAction"].__module__, "pyqt5": "PyQt5" in sys.modules}))
"""


def pyqt6_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def pyqt6_body(tmp_path: Path, extra: str = "") -> str:
    write_pyqt6_shim(tmp_path)
    blocks = qt_import_blocks()
    action = next(b for b in blocks if "QAction" in b)
    return (f"SHIM, ROOT, QT_MODULES = {str(tmp_path)!r}, {str(ROOT)!r}, {QT_MODULES!r}\n"
            f"BLOCKS, MODULES, ACTION = {blocks + [extra]!r}, {QT_ONLY_MODULES!r}, {action!r}\n" + PYQT6_BODY)


def test_loading_the_plugins_qt_layer_on_pyqt6_changes_nothing(tmp_path):
    out = run_check(str(pyqt6_python()), pyqt6_body(tmp_path), pyqt6_env())
    assert out["classes"] > 500  # the fingerprint covered PyQt6's classes
    assert out["blocks"] > 25  # and the plugin's Qt imports ran (each distinct statement once)
    assert out["changes"] == [] and out["env"] == []
    assert not out["qtpy"] and not out["pyqt5"]
    assert out["action_module"] == "PyQt6.QtGui"  # Qt 6 moved QAction: the plugin's fallback finds it


def test_the_check_catches_what_qtpy_did(tmp_path):
    """What the vendored qtpy did under PyQt6 (QT_API written, exec_ added, an enum promoted) is caught."""
    patch = ("import os\nfrom qgis.PyQt.QtCore import QCoreApplication, Qt\nos.environ['QT_API'] = 'pyqt6'\n"
             "QCoreApplication.exec_ = QCoreApplication.exec\nQt.AlignLeft = Qt.AlignmentFlag.AlignLeft\n")
    out = run_check(str(pyqt6_python()), pyqt6_body(tmp_path, patch), pyqt6_env())
    assert out["env"] == ["QT_API: None -> 'pyqt6'"]
    assert out["changes"] == ["PyQt6.QtCore.QCoreApplication: +['exec_'] -[] ~[]",
                              "PyQt6.QtCore.Qt: +['AlignLeft'] -[] ~[]"], out["changes"]


QGIS_BODY = """
import importlib
sys.path.insert(0, ROOT)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication
app = QgsApplication([], True); app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")  # QGIS's core plugins, as QGIS itself sets it up
from processing.core.Processing import Processing  # QGIS starts Processing before any other plugin
Processing.initialize()
from qgis.PyQt import QtCore, QtGui, QtWidgets, QtNetwork, QtXml  # noqa: F401 - QGIS's own, already loaded
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from bench_plugin_load import IFACE_SRC  # the parts of QgisInterface a plugin touches (one definition)
exec(IFACE_SRC)
iface = Iface()
PREFIXES = ("PyQt5", "qgis._core", "qgis._gui", "qgis.core", "qgis.gui", "qgis.PyQt")
env0, before = dict(os.environ), fingerprint(PREFIXES)
qt0 = sorted(m for m in sys.modules if m.split(".")[0] in ("PyQt5", "PyQt6", "qtpy", "PySide2", "PySide6"))
import remotereasoner_qgis
plugin = remotereasoner_qgis.classFactory(iface)
plugin.initGui()
plugin.action.setChecked(True)  # the dock, built on first use
dock_built = plugin.dock is not None
plugin.unload()
for name in MODULES:  # every module of the plugin, the ones the cycle did not reach too
    importlib.import_module(name)
qt1 = sorted(m for m in sys.modules if m.split(".")[0] in ("PyQt5", "PyQt6", "qtpy", "PySide2", "PySide6"))
print("RESULT " + json.dumps({"changes": changes(before, fingerprint(PREFIXES)), "env": env_changes(env0),
      "classes": len(before), "dock": dock_built, "new_qt_modules": sorted(set(qt1) - set(qt0))}))
sys.stdout.flush()
os._exit(0)
"""


def test_loading_and_using_the_plugin_on_qgis_3_22_changes_nothing():
    modules = []
    for path in sorted(PLUGIN.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    body = f"ROOT, MODULES = {str(ROOT)!r}, {modules!r}\n" + QGIS_BODY
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = run_check(sys.executable, body, env)
    assert out["classes"] > 1500 and out["dock"]
    assert out["changes"] == [], "\n".join(out["changes"])
    assert out["env"] == []
    # Qt modules of QGIS's own binding may load on demand (QtXml...); never another binding or qtpy
    assert all(m.startswith("PyQt5") for m in out["new_qt_modules"]), out["new_qt_modules"]
