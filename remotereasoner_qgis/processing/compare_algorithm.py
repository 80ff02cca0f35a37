"""Processing algorithm `remotereasoner:compare`: a run GeoPackage's masks or boxes against a reference
polygon layer (any CRS, any provider) with the engine's `compare`; the misses and false alarms as a layer."""

from __future__ import annotations

import os

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsCoordinateReferenceSystem,
    QgsVectorLayer,
    QgsWkbTypes,
)

from inference_core.contract.comparison import COMPARE_LAYERS

from ..bridge.compare import CompareFailed, compare_layer
from ..settings import PluginSettings
from .algorithm_base import RemoteReasonerAlgorithm
from .post_processors import handed_over
from .reason_algorithm import raster_path


class StyleIssues(QgsProcessingLayerPostProcessorInterface):
    """The dock's style for the misses and false alarms output once it is in the project."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        from ..ui.compare_layer import style_issues

        if isinstance(layer, QgsVectorLayer):
            style_issues(layer)
            layer.triggerRepaint()


class CompareAlgorithm(RemoteReasonerAlgorithm):
    """Compare a run with reference polygons: IoU (= gIoU = cIoU), matched / missed / false alarms."""

    RESULT = "RESULT"
    LAYER = "LAYER"
    REFERENCE = "REFERENCE"
    RASTER = "RASTER"
    RUN_ID = "RUN_ID"
    OUTPUT = "OUTPUT"
    IOU, GIOU, CIOU = "IOU", "GIOU", "CIOU"
    MATCHED, MISSED, FALSE_ALARMS = "MATCHED", "MISSED", "FALSE_ALARMS"
    REPORT = "REPORT"

    def name(self) -> str:
        return "compare"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Compare with a reference layer")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Scores a RemoteReasoner run (its result GeoPackage) against polygons you trust, on the run raster's "
            "pixel grid: IoU (for one layer gIoU = cIoU = IoU), and object by object at IoU ≥ 0.5 how many results "
            "match a reference, how many references were missed and how many results are false alarms. The "
            "reference may be in any CRS. The output layer holds the misses and the false alarms.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.RESULT, self.tr("Run result (GeoPackage)"),
                                                     fileFilter=self.tr("GeoPackage (*.gpkg)")))
        self.addParameter(QgsProcessingParameterEnum(self.LAYER, self.tr("Result layer"), options=list(COMPARE_LAYERS),
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSource(self.REFERENCE, self.tr("Reference polygons"),
                                                              [QgsProcessing.SourceType.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterRasterLayer(self.RASTER, self.tr("Raster (default: the run's)"),
                                                            optional=True))
        self.addParameter(QgsProcessingParameterString(self.RUN_ID, self.tr("Run id (default: the newest run)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Misses and false alarms"),
                                                            QgsProcessing.SourceType.TypeVectorPolygon))
        for name, label in ((self.IOU, "IoU"), (self.GIOU, "gIoU"), (self.CIOU, "cIoU"),
                            (self.MATCHED, self.tr("Matched objects")), (self.MISSED, self.tr("Missed reference objects")),
                            (self.FALSE_ALARMS, self.tr("False alarms"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputString(self.REPORT, self.tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ..ui.compare_layer import issue_features, issue_fields

        gpkg = self.parameterAsFile(parameters, self.RESULT, context)
        if not gpkg or not os.path.isfile(gpkg):
            raise QgsProcessingException(self.tr("The run result '{path}' does not exist.").format(path=gpkg or "-"))
        layer = COMPARE_LAYERS[self.parameterAsEnum(parameters, self.LAYER, context)]
        source = self.parameterAsSource(parameters, self.REFERENCE, context)
        if source is None:
            raise QgsProcessingException(self.tr("The reference layer cannot be read."))
        raster = self.parameterAsRasterLayer(parameters, self.RASTER, context)
        raster_file = raster_path(raster) if raster is not None else None
        run_id = self.parameterAsString(parameters, self.RUN_ID, context).strip() or None
        try:
            report = compare_layer(PluginSettings.load().engine_python, gpkg, source, layer, run_id, raster_file,
                                   is_canceled=feedback.isCanceled)
        except CompareFailed as exc:
            raise QgsProcessingException(str(exc)) from None
        crs = QgsCoordinateReferenceSystem(report.crs) if report.crs else QgsCoordinateReferenceSystem()
        fields = issue_fields()
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.Type.MultiPolygon, crs)
        for f in issue_features(report, fields):
            g = f.geometry()
            g.convertToMultiType()
            f.setGeometry(g)
            sink.addFeature(f, QgsFeatureSink.Flag.FastInsert)
        if context.willLoadLayerOnCompletion(dest):
            context.layerToLoadOnCompletionDetails(dest).setPostProcessor(handed_over(StyleIssues()))
        pct = lambda v: "–" if v is None else f"{100 * v:.2f} %"  # noqa: E731
        summary = self.tr("IoU {iou} (gIoU {giou}, cIoU {ciou}); {matched} matched, {missed} missed, {false} false "
                          "alarms").format(iou=pct(report.iou), giou=pct(report.giou), ciou=pct(report.ciou),
                                           matched=report.matched, missed=report.missed, false=report.false_alarms)
        feedback.pushInfo(summary)
        for note in report.notes:
            feedback.pushInfo(note)
        return {self.OUTPUT: dest, self.IOU: report.iou, self.GIOU: report.giou, self.CIOU: report.ciou,
                self.MATCHED: report.matched, self.MISSED: report.missed, self.FALSE_ALARMS: report.false_alarms,
                self.REPORT: summary}
