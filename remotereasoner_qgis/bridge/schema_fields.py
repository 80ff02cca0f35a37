"""The result schema (`inference_core.contract.schema`) in QGIS terms: the fields and geometry type of the
boxes, masks and contours layers, through the one kind -> QVariant mapping."""

from __future__ import annotations

from qgis.core import QgsField, QgsFields, QgsWkbTypes
from qtpy.QtCore import QVariant

from inference_core.contract.schema import FEATURE_LAYERS, FIELDS, GEOMETRY_TYPES

# Each schema kind as QGIS reads it back from the engine's GeoPackage (its integers are 64-bit).
QVARIANT_TYPES = {"str": QVariant.String, "int": QVariant.LongLong, "float": QVariant.Double,
                  "datetime": QVariant.DateTime}

__all__ = ["FEATURE_LAYERS", "QVARIANT_TYPES", "field_list", "geometry_name", "qgs_fields", "wkb_type"]


def field_list(layer: str) -> list[QgsField]:
    """The attribute fields of a result layer, in schema order."""
    return [QgsField(name, QVARIANT_TYPES[kind]) for name, kind in FIELDS[layer]]


def qgs_fields(layer: str) -> QgsFields:
    fields = QgsFields()
    for f in field_list(layer):
        fields.append(f)
    return fields


def geometry_name(layer: str) -> str:
    """The geometry type's name ("Polygon", ...), as a memory layer's URI takes it."""
    return GEOMETRY_TYPES[layer]


def wkb_type(layer: str) -> int:
    """The geometry type as a QgsWkbTypes value (a Processing sink's type)."""
    return QgsWkbTypes.parseType(GEOMETRY_TYPES[layer])
