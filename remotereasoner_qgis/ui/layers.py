"""Result layers: a layer-tree group named after the question, read from the run GeoPackage.

Layers are `path|layername=boxes` etc. in the raster CRS (the GeoPackage carries it), styled
with resources/styles/*.qml, with a map tip that shows the model's reasoning.

While a run is in progress the group holds in-memory layers fed from the WKT of each `result`
event (`LiveRun`); when the run ends they are swapped for the GeoPackage layers. Reading the
GeoPackage while the engine writes it would make the main thread wait on SQLite's write lock
(measured: 0.5-1.5 s stalls), whereas adding a tile's features to a memory layer takes < 1 ms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsDistanceArea,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayerTree,
    QgsLayerTreeGroup,
    QgsProject,
    QgsUnitTypes,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument

from inference_core.contract.schema import CHANGE_LAYERS

from ..paths import ENGINE_ROOT
from ..bridge.schema_fields import FEATURE_LAYERS, field_list, geometry_name
from ..i18n import tr

# Drawing order in the group: outlines above fills; `answers` (ask / describe runs) on its own; a change run's
# three layers (contract.schema.CHANGE_LAYERS) above its dates' boxes.
TREE_ORDER = ("answers", "appeared", "disappeared", "persisted", "contours", "boxes", "masks")
ANSWERS = "answers"
EXPORT_FORMATS = {"gpkg": ("GPKG", ".gpkg"), "shp": ("ESRI Shapefile", ".shp"), "geojson": ("GeoJSON", ".geojson")}


def style_path(name: str) -> str:
    return os.path.join(ENGINE_ROOT, "resources", "styles", f"{name}.qml")


def layer_title(name: str) -> str:
    return {"boxes": tr("Boxes"), "masks": tr("Masks"), "contours": tr("Contours"), ANSWERS: tr("Answers"),
            "appeared": tr("Appeared"), "disappeared": tr("Disappeared"), "persisted": tr("Persisted")}[name]


def group_title(question: str, limit: int = 60) -> str:
    """The question on one line, cut to `limit` characters."""
    text = " ".join(question.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unique_group_name(root: QgsLayerTreeGroup, title: str) -> str:
    """`title`, or "title (2)", "title (3)"… when the layer tree already has a group of that name (the same
    question asked again): each run's group can be told apart."""
    names = {child.name() for child in root.children() if QgsLayerTree.isGroup(child)}
    if title not in names:
        return title
    n = 2
    while f"{title} ({n})" in names:
        n += 1
    return f"{title} ({n})"


def _new_group(project: QgsProject, question: str) -> QgsLayerTreeGroup:
    root = project.layerTreeRoot()
    return root.insertGroup(0, unique_group_name(root, group_title(question)))


def open_run_layer(gpkg: str, name: str) -> Optional[QgsVectorLayer]:
    """The `name` table of a run GeoPackage, styled, or None if the table does not exist (yet)."""
    if not os.path.isfile(gpkg):
        return None
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", layer_title(name), "ogr")
    if not layer.isValid():
        return None
    _apply_style(layer, style_path(name))
    # The dock writes one GeoPackage per run, so no run_id filter is needed; a subset string
    # would also trip QGIS 3.22's OGR provider ("unable to open database file") while another
    # table of the same file is open.
    _set_map_tip(layer, name)
    return layer


def _apply_style(layer: QgsVectorLayer, path: str) -> bool:
    """Apply a .qml from its XML. `loadNamedStyle` would also query the GeoPackage's own
    `layer_styles` table through a second connection, which fails ("unable to open database
    file") while another layer of the same file is open."""
    if not os.path.isfile(path):
        return False
    doc = QDomDocument()
    with open(path, encoding="utf-8") as fh:
        if not doc.setContent(fh.read()):
            return False
    ok, _msg = layer.importNamedStyle(doc)
    return bool(ok)


def _set_map_tip(layer: QgsVectorLayer, name: str) -> None:
    # Boxes carry the reasoning; masks and contours fetch it from the box with the same target.
    if name == "boxes":
        layer.setMapTipTemplate(
            "<b>[% \"label\" %]</b> #[% \"target_id\" %]<br/><i>[% \"query\" %]</i>"
            "<p>[% replace(\"reasoning\", '\\n', '<br/>') %]</p>"
        )
        layer.setDisplayExpression("coalesce(\"label\", \"query\") || ' #' || \"target_id\"")
    elif name == ANSWERS:  # the tile footprints of an ask / describe run carry their answers
        layer.setMapTipTemplate(
            "<b>[% \"answer\" %]</b><br/><i>[% \"question\" %]</i>"
            "<p>[% replace(\"reasoning\", '\\n', '<br/>') %]</p>"
        )
        layer.setDisplayExpression("\"answer\"")
    elif name in CHANGE_LAYERS:  # each date's reasoning, the overlap between the dates
        layer.setMapTipTemplate(
            "<b>[% \"change\" %]</b> <i>[% \"query\" %]</i> IoU [% round(\"iou\", 2) %]"
            "<p>[% replace(coalesce(\"reasoning_before\", ''), '\\n', '<br/>') %]</p>"
            "<p>[% replace(coalesce(\"reasoning_after\", ''), '\\n', '<br/>') %]</p>"
        )
        layer.setDisplayExpression("\"change\" || ' #' || \"change_id\"")
    else:
        layer.setDisplayExpression("\"query\" || ' #' || \"target_id\"")


@dataclass
class RunLayers:
    """The group and layers of one run, kept by the dock to refresh and export them."""

    gpkg: str
    question: str
    run_id: Optional[str]
    granularity: tuple[str, ...]
    group: QgsLayerTreeGroup
    layers: dict[str, QgsVectorLayer] = field(default_factory=dict)

    def sync(self, project: Optional[QgsProject] = None) -> None:
        """Add tables that appeared since the last call, reload the others (new tiles on the map)."""
        project = project or QgsProject.instance()
        for name in TREE_ORDER:
            if name not in self.granularity:
                continue
            layer = self.layers.get(name)
            if layer is None:
                layer = open_run_layer(self.gpkg, name)
                if layer is None:
                    continue
                project.addMapLayer(layer, False)
                index = sum(1 for n in TREE_ORDER[: TREE_ORDER.index(name)] if n in self.layers)
                self.group.insertLayer(index, layer)
                self.layers[name] = layer
                if "masks" in self.layers and "boxes" in self.layers:
                    _link_reasoning(self.layers)
            else:
                layer.dataProvider().reloadData()
                layer.triggerRepaint()

    def feature_count(self, name: str) -> int:
        layer = self.layers.get(name)
        return layer.featureCount() if layer is not None else 0


def _link_reasoning(layers: dict[str, QgsVectorLayer]) -> None:
    boxes = layers["boxes"].id()
    for name in ("masks", "contours"):
        if name in layers:
            layers[name].setMapTipTemplate(
                "<b>#[% \"target_id\" %]</b> <i>[% \"query\" %]</i><p>"
                f"[% replace(attribute(get_feature('{boxes}', 'target_id', \"target_id\"), 'reasoning'), '\\n', '<br/>') %]"
                "</p>"
            )


def add_run_layers(
    gpkg: str, question: str, granularity: tuple[str, ...], run_id: Optional[str] = None,
    project: Optional[QgsProject] = None,
) -> RunLayers:
    """Create the question's group at the top of the layer tree and add the run's layers present now."""
    project = project or QgsProject.instance()
    group = _new_group(project, question)
    run = RunLayers(gpkg=gpkg, question=question, run_id=run_id, granularity=tuple(granularity), group=group)
    run.sync(project)
    return run


class LiveRun:
    """The question's group during a run: memory layers fed tile by tile from `result` events."""

    def __init__(self, question: str, granularity: tuple[str, ...], project: Optional[QgsProject] = None,
                 change: bool = False):
        self.question = question
        self.granularity = tuple(granularity)
        self.change = change  # a change run: both dates' boxes live, then the three change layers
        self.project = project or QgsProject.instance()
        self.group: Optional[QgsLayerTreeGroup] = None
        self.layers: dict[str, QgsVectorLayer] = {}
        self.run_id: Optional[str] = None

    def _create(self, crs_wkt: str) -> None:
        crs = QgsCoordinateReferenceSystem.fromWkt(crs_wkt) if crs_wkt else QgsCoordinateReferenceSystem()
        self.group = _new_group(self.project, self.question)
        for name in TREE_ORDER:
            if name not in self.granularity:
                continue
            layer = QgsVectorLayer(geometry_name(name), layer_title(name), "memory")
            layer.setCrs(crs)
            # the schema's fields, so live layers match the GeoPackage ones
            layer.dataProvider().addAttributes(field_list(name))
            layer.updateFields()
            _apply_style(layer, style_path(name))
            _set_map_tip(layer, name)
            self.project.addMapLayer(layer, False)
            self.group.addLayer(layer)
            self.layers[name] = layer
        if "boxes" in self.layers:
            _link_reasoning(self.layers)

    def add(self, event: dict) -> int:
        """Apply one `result` event: drop replaced/duplicate targets, add the tile's features."""
        if self.group is None:
            self._create(str(event.get("crs") or ""))
        self.run_id = event.get("run_id") or self.run_id
        added = 0
        removed = event.get("removed") or {}
        for name, layer in self.layers.items():
            gone = {int(t) for t in removed.get(name) or ()}
            if gone:
                ids = [f.id() for f in layer.getFeatures() if f["target_id"] in gone]
                layer.dataProvider().deleteFeatures(ids)
            fields = layer.fields()
            feats = []
            for item in (event.get("features") or {}).get(name) or ():
                f = QgsFeature(fields)
                f.setGeometry(QgsGeometry.fromWkt(item.get("wkt", "")))
                props = dict(item.get("properties") or {})
                props.setdefault("run_id", self.run_id)
                for key, value in props.items():
                    if fields.indexOf(key) >= 0:
                        f[key] = value
                feats.append(f)
            if feats:
                layer.dataProvider().addFeatures(feats)
                added += len(feats)
            if feats or gone:
                layer.updateExtents()
                layer.triggerRepaint()
        return added

    def finish(self, gpkg: str, run_id: Optional[str] = None) -> Optional[RunLayers]:
        """Swap the memory layers for the run GeoPackage's layers, in the same group. A run that wrote no
        file or found nothing leaves no group behind (None): the dock's message says what happened."""
        for layer in self.layers.values():
            self.project.removeMapLayer(layer.id())
        self.layers = {}
        if not os.path.isfile(gpkg):
            self._drop_group()
            return None
        names = CHANGE_LAYERS if self.change else self.granularity
        if self.group is None:
            run = add_run_layers(gpkg, self.question, names, run_id, self.project)
        else:
            run = RunLayers(gpkg=gpkg, question=self.question, run_id=run_id or self.run_id,
                            granularity=names, group=self.group)
            run.sync(self.project)
        if not any(layer.featureCount() > 0 for layer in run.layers.values()):
            self.group = run.group
            for layer in run.layers.values():
                self.project.removeMapLayer(layer.id())
            self._drop_group()
            return None
        return run

    def _drop_group(self) -> None:
        if self.group is not None and self.group.parent() is not None:
            self.group.parent().removeChildNode(self.group)
        self.group = None


@dataclass(frozen=True)
class ResultRow:
    """One line of the dock's results table."""

    layer_name: str
    fid: int
    target_id: int
    label: str
    area: float  # m² (map units² without a CRS): the mask's area when there is one, else the box's
    has_mask: bool = False  # the area is the mask's


def area_m2(geom: QgsGeometry, crs: QgsCoordinateReferenceSystem) -> float:
    """A geometry's area in m², as the engine measures `area_m2`: planar in a projected CRS (converted from its
    units), on the ellipsoid in a geographic one; map units² without a CRS."""
    if not crs.isValid():
        return geom.area()
    if crs.isGeographic():
        da = QgsDistanceArea()
        da.setSourceCrs(crs, QgsProject.instance().transformContext())
        da.setEllipsoid(crs.ellipsoidAcronym() or "EPSG:7030")
        return da.convertAreaMeasurement(da.measureArea(geom), QgsUnitTypes.AreaUnit.AreaSquareMeters)
    factor = QgsUnitTypes.fromUnitToUnitFactor(crs.mapUnits(), QgsUnitTypes.DistanceUnit.DistanceMeters)
    return geom.area() * factor * factor


def _text(value) -> str:
    return "" if value is None or str(value) == "NULL" else str(value)


def result_rows(run: RunLayers) -> list[ResultRow]:
    """Boxes in target order, with the mask area where the target has a mask, else the box area."""
    mask_area: dict[int, float] = {}
    masks = run.layers.get("masks")
    if masks is not None:
        has_field = masks.fields().indexOf("area_m2") >= 0
        for f in masks.getFeatures():
            value = f["area_m2"] if has_field else None
            area = area_m2(f.geometry(), masks.crs()) if value is None or _text(value) == "" else float(value)
            mask_area[int(f["target_id"])] = float(area)
    rows: list[ResultRow] = []
    boxes = run.layers.get("boxes")
    source = boxes if boxes is not None else masks
    if source is None:
        return rows
    name = "boxes" if boxes is not None else "masks"
    has_label = source.fields().indexOf("label") >= 0
    for f in source.getFeatures(QgsFeatureRequest()):
        tid = int(f["target_id"])
        label = _text(f["label"]) if has_label else ""
        if tid in mask_area:
            rows.append(ResultRow(name, f.id(), tid, label, mask_area[tid], True))
        else:
            rows.append(ResultRow(name, f.id(), tid, label, area_m2(f.geometry(), source.crs()), False))
    rows.sort(key=lambda r: r.target_id)
    return rows


class ExportError(RuntimeError):
    """Export failed; the message names the file and GDAL's reason."""


def export_layers(layers: dict[str, QgsVectorLayer], fmt: str, dest: str) -> list[str]:
    """Write the run's layers: one GeoPackage with one table per layer, or one Shapefile/GeoJSON
    file per layer (`<dest stem>_<layer>.<ext>`). Returns the written paths."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(tr("Unknown export format {fmt}: use gpkg, shp or geojson.").format(fmt=fmt))
    driver, ext = EXPORT_FORMATS[fmt]
    stem = dest[: -len(ext)] if dest.lower().endswith(ext) else dest
    os.makedirs(os.path.dirname(os.path.abspath(stem)), exist_ok=True)
    context = QgsProject.instance().transformContext() if QgsProject.instance() else QgsCoordinateTransformContext()
    written: list[str] = []
    first = True
    for name in (*FEATURE_LAYERS, ANSWERS, *CHANGE_LAYERS):
        layer = layers.get(name)
        if layer is None:
            continue
        opts = QgsVectorFileWriter.SaveVectorOptions()
        opts.driverName = driver
        opts.fileEncoding = "UTF-8"
        opts.layerName = name
        if fmt == "gpkg":
            path = stem + ext
            if not first:
                opts.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        else:
            path = f"{stem}_{name}{ext}"
        err, msg, new_path, _ = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context, opts)
        if err != QgsVectorFileWriter.WriterError.NoError:
            raise ExportError(tr("Could not write {path}: {reason}").format(path=path, reason=msg))
        first = False
        if (new_path or path) not in written:
            written.append(new_path or path)
    return written
