"""QGIS's own enums as QGIS's PyQt5 -> PyQt6 checker needs them, read from the QGIS this runs in.

The checker (scripts/vendor/pyqt5_to_pyqt6) knows an unscoped name such as `QgsTask.CanCancel` from a map
(class, member) -> enum ("Flag"); QGIS builds that map by introspecting QGIS on PyQt6, which no machine
here has, so this builds the QGIS part from QGIS 3.22 (sip enums on PyQt5; the Qt part comes from PyQt6
itself, in scripts/qt6_migration_check.py). Output: JSON {"Class:member": "Enum"} on stdout.
Usage: QT_QPA_PLATFORM=offscreen $(make -s qgis-python) scripts/qgis_enum_map.py > build/qgis_enums.json
"""

from __future__ import annotations

import json
import sys


def enum_map(modules) -> dict[str, str]:
    """{"QgsTask:CanCancel": "Flag", ...} for every class of `modules` (inherited members included)."""
    out = {}
    for module in modules:
        for cls_name, cls in vars(module).items():
            if not isinstance(cls, type) or not cls_name.startswith(("Qgs", "Qgis")):
                continue
            for member in dir(cls):
                try:
                    value = getattr(cls, member)
                except Exception:  # noqa: BLE001 - a few sip attributes raise on access
                    continue
                enum = type(value)
                # a sip enum member reached on the class without its enum's name
                if type(enum).__name__ == "enumtype" and member != enum.__name__ \
                        and getattr(cls, enum.__name__, None) is enum:
                    out[f"{cls_name}:{member}"] = enum.__name__
    return out


def main() -> int:
    import qgis.analysis
    import qgis.core
    import qgis.gui

    json.dump(enum_map([qgis.core, qgis.gui, qgis.analysis]), sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
