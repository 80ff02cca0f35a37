"""RemoteReasoner for QGIS: ask questions about the imagery on screen, get boxes, masks and contours.

Importing this package only fixes `sys.path` (vendored qtpy, the folder holding `inference_core`);
everything else loads when QGIS calls `classFactory`, so QGIS start-up stays cheap.
"""

from __future__ import annotations

import os
import sys

# realpath: a development install is often a symlink to the checkout, where inference_core sits beside it.
PLUGIN_DIR = os.path.dirname(os.path.realpath(__file__))
VENDOR_DIR = os.path.join(PLUGIN_DIR, "_vendor")


def _engine_root() -> str:
    """The folder that holds `inference_core/` and `resources/`: the plugin folder when packaged
    (the ZIP copies both inside it), the repository root in development."""
    if os.path.isdir(os.path.join(PLUGIN_DIR, "inference_core")):
        return PLUGIN_DIR
    return os.path.dirname(PLUGIN_DIR)


ENGINE_ROOT = _engine_root()


def _setup_paths() -> None:
    # qtpy must find PyQt5 (the binding QGIS 3 uses) and never pick another binding installed
    # beside it.
    os.environ.setdefault("QT_API", "pyqt5")
    for path in (VENDOR_DIR, ENGINE_ROOT):
        if path not in sys.path:
            sys.path.insert(0, path)


_setup_paths()


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """QGIS entry point: build the plugin object (its GUI is created later, in initGui)."""
    from .plugin import RemoteReasonerPlugin

    return RemoteReasonerPlugin(iface)
