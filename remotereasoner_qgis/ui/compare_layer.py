"""The map layer of a comparison's misses (reference objects no result matched) and false alarms (results
matching no reference), styled to be seen: misses red and hatched, false alarms an orange dashed outline."""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsFillSymbol,
    QgsGeometry,
    QgsRendererCategory,
    QgsVectorLayer,
)

from inference_core.contract.comparison import FALSE_ALARM, MISSED, ComparisonReport

from ..bridge.schema_fields import field_type
from ..i18n import tr

ISSUE_FIELDS = (("status", "str"), ("source", "str"), ("object_id", "int"), ("iou", "float"), ("partner", "int"))


def status_label(status: str) -> str:
    return {MISSED: tr("Missed"), FALSE_ALARM: tr("False alarm")}.get(status, tr("Matched"))


def issue_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in ISSUE_FIELDS:
        fields.append(QgsField(name, field_type(kind)))
    return fields


def issue_features(report: ComparisonReport, fields: Optional[QgsFields] = None) -> list[QgsFeature]:
    """One feature per miss and per false alarm, geometry in the raster CRS."""
    fields = fields or issue_fields()
    out = []
    for obj in report.per_object:
        if obj.status not in (MISSED, FALSE_ALARM):
            continue
        f = QgsFeature(fields)
        f.setAttributes([obj.status, obj.source, obj.id, round(obj.iou, 6), obj.partner])
        f.setGeometry(QgsGeometry.fromWkt(obj.wkt))
        out.append(f)
    return out


def style_issues(layer: QgsVectorLayer) -> None:
    """Categories by `status`: misses red with a hatch, false alarms a thick orange dashed outline."""
    missed = QgsFillSymbol.createSimple({"color": "227,26,28,70", "style": "b_diagonal", "outline_color": "227,26,28",
                                         "outline_width": "0.8"})
    false = QgsFillSymbol.createSimple({"color": "255,127,0,40", "outline_color": "255,127,0", "outline_width": "0.8",
                                        "outline_style": "dash"})
    layer.setRenderer(QgsCategorizedSymbolRenderer("status", [
        QgsRendererCategory(MISSED, missed, status_label(MISSED)),
        QgsRendererCategory(FALSE_ALARM, false, status_label(FALSE_ALARM)),
    ]))
    layer.setDisplayExpression("\"status\" || ' #' || \"object_id\"")
    layer.setMapTipTemplate("<b>[% \"status\" %]</b> #[% \"object_id\" %] (IoU [% round(\"iou\", 3) %])")


def issues_layer(report: ComparisonReport, name: str) -> QgsVectorLayer:
    """A styled memory layer of the report's misses and false alarms."""
    layer = QgsVectorLayer("MultiPolygon", name, "memory")
    if report.crs:
        crs = QgsCoordinateReferenceSystem(report.crs)
        layer.setCrs(crs if crs.isValid() else QgsCoordinateReferenceSystem.fromWkt(report.crs))
    layer.dataProvider().addAttributes(list(issue_fields()))
    layer.updateFields()
    feats = issue_features(report, layer.fields())
    for f in feats:
        g = QgsGeometry(f.geometry())
        g.convertToMultiType()  # boxes and single masks are Polygons; the layer holds both kinds
        f.setGeometry(g)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    style_issues(layer)
    return layer
