"""The result schema (`inference_core.contract.schema`) in QGIS terms: the fields and geometry type of the
boxes, masks and contours layers, through the one kind -> field type mapping (`field_type`)."""

from __future__ import annotations

from qgis.core import Qgis, QgsField, QgsFields, QgsWkbTypes
from qgis.PyQt.QtCore import QMetaType

from inference_core.contract.schema import FEATURE_LAYERS, FIELDS, GEOMETRY_TYPES

# Each schema kind as QGIS reads it back from the engine's GeoPackage (its integers are 64-bit).
META_TYPES = {"str": QMetaType.Type.QString, "int": QMetaType.Type.LongLong, "float": QMetaType.Type.Double,
              "datetime": QMetaType.Type.QDateTime}

# QgsField takes a QMetaType.Type from QGIS 3.38 on (QGIS 4 / Qt 6 has no QVariant.Type at all);
# before that a QVariant.Type, whose values are QMetaType's, so the plain number serves.
QGSFIELD_TAKES_METATYPE = Qgis.QGIS_VERSION_INT >= 33800

__all__ = ["FEATURE_LAYERS", "META_TYPES", "as_field_type", "field_list", "field_type", "geometry_name",
           "qgs_fields", "wkb_type"]


def as_field_type(meta):
    """A QMetaType.Type as this QGIS's QgsField takes it (the same on QGIS 3.22 and on QGIS 4)."""
    return meta if QGSFIELD_TAKES_METATYPE else int(meta)


def field_type(kind: str):
    """The type of a schema kind ("str", "int", "float", "datetime") as this QGIS's QgsField takes it."""
    return as_field_type(META_TYPES[kind])


def field_list(layer: str) -> list[QgsField]:
    """The attribute fields of a result layer, in schema order."""
    return [QgsField(name, field_type(kind)) for name, kind in FIELDS[layer]]


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
