"""QGIS's own enums as QGIS's PyQt5 -> PyQt6 checker needs them, read from the QGIS this runs in.

The checker (scripts/vendor/pyqt5_to_pyqt6) knows an unscoped name such as `QgsTask.CanCancel` from a map
(class, member) -> enum ("Flag"); QGIS builds that map by introspecting QGIS on PyQt6, which no machine
here has, so this builds the QGIS part from QGIS 3.22 (sip enums on PyQt5; the Qt part comes from PyQt6
itself, in scripts/qt6_migration_check.py). Output: JSON {"Class:member": "Enum"} on stdout.
Usage: QT_QPA_PLATFORM=offscreen $(make -s qgis-python) scripts/qgis_enum_map.py > build/qgis_enums.json
"""

from __future__ import annotations

import enum
import json
import sys


def _is_enum_type(obj) -> bool:
    """A sip enum (QGIS < 3.30 and Qt 5 enums) or a Python enum (QGIS's scoped enums from 3.30 on)."""
    return isinstance(obj, type) and (issubclass(obj, enum.Enum) or type(obj).__name__ == "enumtype")


def enum_map(modules) -> dict[str, str]:
    """{"QgsTask:CanCancel": "Flag", ...} for every class of `modules` (inherited members included). The
    enum's name is the one it has on that class: from QGIS 3.30 many enums live in `Qgis` and the old class
    keeps an alias (`QgsWkbTypes.Type` is `Qgis.WkbType`), and `QgsWkbTypes.Type.Polygon` is the spelling
    that works from 3.22 on."""
    out = {}
    for module in modules:
        for cls_name, cls in vars(module).items():
            if not isinstance(cls, type) or not cls_name.startswith(("Qgs", "Qgis")):
                continue
            values, enums = {}, {}
            for member in dir(cls):
                try:
                    value = getattr(cls, member)
                except Exception:  # noqa: BLE001 - a few sip attributes raise on access
                    continue
                if _is_enum_type(value):
                    # several names for one enum: its own name first, else the first in order
                    if value not in enums or member == value.__name__:
                        enums[value] = member
                else:
                    values[member] = value
            for member, value in values.items():
                name = enums.get(type(value))
                if name and member != name:
                    out[f"{cls_name}:{member}"] = name
    return out


def main() -> int:
    import qgis.analysis
    import qgis.core
    import qgis.gui

    json.dump(enum_map([qgis.core, qgis.gui, qgis.analysis]), sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
