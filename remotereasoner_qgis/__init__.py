"""RemoteReasoner for QGIS: ask questions about the imagery on screen, get boxes, masks and contours.

Importing this package only fixes `sys.path` (vendored qtpy, the folder holding `inference_core`);
everything else loads when QGIS calls `classFactory`, so QGIS start-up stays cheap.

The packaged plugin keeps the engine in its own subfolder `engine/` (`inference_core/`, `resources/`,
`requirements-engine.txt`) and puts only that folder on `sys.path`: putting the plugin folder itself
there would let our `processing` subpackage hide QGIS's own `processing` module.
"""

from __future__ import annotations

import os
import sys

from .paths import ENGINE_ROOT, PLUGIN_DIR, VENDOR_DIR  # noqa: F401 - re-exported


def _setup_paths() -> None:
    # qtpy must find the binding QGIS itself runs on (PyQt5 in QGIS 3, PyQt6 in QGIS 4) and never pick
    # another binding installed beside it. QGIS has loaded its binding before any plugin is imported.
    qt6_only = "PyQt6.QtCore" in sys.modules and "PyQt5.QtCore" not in sys.modules
    os.environ["QT_API"] = "pyqt6" if qt6_only else "pyqt5"
    if VENDOR_DIR not in sys.path:
        sys.path.insert(0, VENDOR_DIR)
    # appended: the engine folder must never shadow a module of QGIS or of another plugin
    if ENGINE_ROOT not in sys.path:
        sys.path.append(ENGINE_ROOT)


_setup_paths()


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """QGIS entry point: build the plugin object (its GUI is created later, in initGui)."""
    from .plugin import RemoteReasonerPlugin

    return RemoteReasonerPlugin(iface)
