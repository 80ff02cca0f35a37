"""RemoteReasoner for QGIS: ask questions about the imagery on screen, get boxes, masks and contours.

Importing this package only appends the folder holding `inference_core` to `sys.path`; everything else
loads when QGIS calls `classFactory`, so QGIS start-up stays cheap. Qt comes through QGIS's own shim
`qgis.PyQt` (PyQt5 on QGIS 3, PyQt6 on QGIS 4): the plugin sets no environment variable and patches no
Qt class, so other plugins see the host exactly as QGIS set it up (tests/qgis/test_host_untouched.py).

The packaged plugin keeps the engine in its own subfolder `engine/` (`inference_core/`, `resources/`,
`requirements-engine.txt`) and puts only that folder on `sys.path`: putting the plugin folder itself
there would let our `processing` subpackage hide QGIS's own `processing` module.
"""

from __future__ import annotations

import sys

from .paths import ENGINE_ROOT, PLUGIN_DIR  # noqa: F401 - re-exported


def _setup_paths() -> None:
    # appended: the engine folder must never shadow a module of QGIS or of another plugin
    if ENGINE_ROOT not in sys.path:
        sys.path.append(ENGINE_ROOT)


_setup_paths()


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """QGIS entry point: build the plugin object (its GUI is created later, in initGui)."""
    from .plugin import RemoteReasonerPlugin

    return RemoteReasonerPlugin(iface)
