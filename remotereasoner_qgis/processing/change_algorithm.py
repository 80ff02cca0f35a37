"""Processing algorithm `remotereasoner:change` ("Locate changes"): the parameters of "Reason over raster" plus a
second date; the question is located on both and the appeared / disappeared / persisted layers come out styled
green / red / grey (docs/guide/change.md). The engine writes one GeoPackage; its change layers go to the sinks."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
)

from inference_core.contract.options import DEFAULT_CHANGE_MIN_IOU, OptionsError
from inference_core.contract.schema import CHANGE_LAYERS

from ..bridge.events import CRITICAL, SUCCESS, change_text
from ..bridge.run_session import RunController, RunRequest
from ..bridge.schema_fields import wkb_type
from ..settings import PluginSettings, resolve_api_key
from .post_processors import handed_over
from .reason_algorithm import (
    ReasonAlgorithm, StyleOutput, copy_features, feedback_handlers, gpkg_layer, output_layer_name, raster_path,
    result_fields,
)

# "Reason over raster" parameters a change run has no use for: text answers, and its boxes / masks / contours
# sinks (a change run's outputs are its three change layers).
_NOT_FOR_CHANGE = ("PER_TILE", "OUTPUT_ANSWERS", "OUTPUT_REPORT", "OUTPUT_BOXES", "OUTPUT_MASKS", "OUTPUT_CONTOURS")
_SINKS = {"appeared": "OUTPUT_APPEARED", "disappeared": "OUTPUT_DISAPPEARED", "persisted": "OUTPUT_PERSISTED"}


class ChangeAlgorithm(ReasonAlgorithm):
    """Locate changes: one question over two dates, targets matched; what appeared, disappeared, persisted."""

    COMPARE = "COMPARE"
    TOLERANCE = "TOLERANCE"
    MIN_IOU = "MIN_IOU"
    REPLAY_AFTER = "REPLAY_AFTER"
    SUMMARY = "SUMMARY"

    def name(self) -> str:
        return "change"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Locate changes")

    def tags(self) -> list[str]:
        return self.tr("change,change detection,two dates,before,after,appeared,disappeared,buildings").split(",")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Asks the same question of two images of the same ground (e.g. 'buildings' on the 2019 and the 2024 "
            "flights) and matches the targets: Appeared (green) holds the targets of the second date alone, "
            "Disappeared (red) those of the first date alone, Persisted (grey) the pairs, with their overlap (IoU), "
            "both areas and both reasonings. The second date is read on the first date's grid (another CRS or "
            "resolution is handled), over the ground both cover; the layers are in the first date's CRS.\n\n"
            "Two flights never align to the pixel: the shift between them is measured from the imagery and undone, "
            "unless a tolerance is given (targets then may move up to that many metres between the dates). Two "
            "targets are one when their outlines overlap at least the minimum IoU.")

    def initAlgorithm(self, config=None):  # noqa: N802
        super().initAlgorithm(config)
        for name in _NOT_FOR_CHANGE:
            self.removeParameter(name)
        self.addParameter(QgsProcessingParameterRasterLayer(self.COMPARE, self.tr("Second date (compare with)")))
        tol = QgsProcessingParameterNumber(self.TOLERANCE, self.tr("Tolerance in metres (empty: measure the shift "
                                                                   "between the dates)"),
                                           QgsProcessingParameterNumber.Type.Double, optional=True, minValue=0.0)
        self.addParameter(tol)
        iou = QgsProcessingParameterNumber(self.MIN_IOU, self.tr("Same target at an overlap (IoU) of at least"),
                                           QgsProcessingParameterNumber.Type.Double, defaultValue=DEFAULT_CHANGE_MIN_IOU,
                                           minValue=0.01, maxValue=1.0)
        replay = QgsProcessingParameterFile(self.REPLAY_AFTER, self.tr("Recorded answers of the second date (replay "
                                                                       "backend)"), optional=True,
                                            fileFilter=self.tr("Recorded answers (*.jsonl *.gpkg)"))
        for p in (iou, replay):
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(p)
        labels = {"appeared": self.tr("Appeared"), "disappeared": self.tr("Disappeared"),
                  "persisted": self.tr("Persisted")}
        for name in CHANGE_LAYERS:
            self.addParameter(QgsProcessingParameterFeatureSink(_SINKS[name], labels[name],
                                                                QgsProcessing.SourceType.TypeVectorPolygon, optional=True,
                                                                createByDefault=True))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Summary")))
        for name in CHANGE_LAYERS:
            self.addOutput(QgsProcessingOutputNumber(name.upper(), labels[name]))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        feedback = feedback or QgsProcessingFeedback()
        cfg = PluginSettings.load()
        api_key = resolve_api_key(cfg.auth_cfg) if cfg.auth_cfg else None
        out = QgsProcessingUtils.generateTempFilename("remotereasoner_change.gpkg")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        options, crs = self.build_options(parameters, context, out, cfg, api_key)
        second = self.parameterAsRasterLayer(parameters, self.COMPARE, context)
        if second is None or not second.isValid():
            raise QgsProcessingException(self.tr("The second date cannot be opened: choose a raster layer or file."))
        tolerance = None
        if parameters.get(self.TOLERANCE) not in (None, ""):
            tolerance = self.parameterAsDouble(parameters, self.TOLERANCE, context)
        replay_after = self.parameterAsFile(parameters, self.REPLAY_AFTER, context).strip() or options.replay
        try:
            options = dataclasses.replace(options, compare_with=raster_path(second), tolerance=tolerance,
                                          min_iou=self.parameterAsDouble(parameters, self.MIN_IOU, context),
                                          replay_after=replay_after).validate()
        except OptionsError as exc:
            raise QgsProcessingException(str(exc)) from None
        engine_python = cfg.engine_python
        if not engine_python or not os.path.isfile(engine_python):
            raise QgsProcessingException(self.tr("The RemoteReasoner engine is not set up (no Python at '{path}'). Use "
                                                 "RemoteReasoner ▸ Set up engine, or choose the engine interpreter in "
                                                 "the settings.").format(path=engine_python or "-"))
        feedback.pushInfo(self.tr("Locating '{query}' on {first} and on {second}").format(
            query=options.query, first=options.raster, second=options.compare_with))
        started = time.monotonic()
        self.runs = RunController()
        request = RunRequest(options.to_dict(secrets=True), out, options.query, tuple(options.granularity),
                             options.mode, compare_with=options.compare_with)
        outcome = self.runs.run_blocking(request, engine_python, feedback_handlers(feedback), feedback.isCanceled,
                                         lambda: feedback.pushInfo(self.tr("Waiting for the RemoteReasoner run in "
                                                                           "progress to finish…")))
        if outcome.summary is None and outcome.failure is None:
            return {}
        end = self.runs.end
        if end.level == CRITICAL:
            raise QgsProcessingException(end.text)
        summary = outcome.summary
        gpkg = summary.get("out") or out
        results: dict[str, Any] = {self.RESULT_GPKG: gpkg, self.RUN_ID: summary.get("run_id", ""),
                                   self.SUMMARY: change_text(summary) or str(summary.get("answer_summary") or "")}
        counts = summary.get("counts") or {}
        for name in CHANGE_LAYERS:
            results[name.upper()] = int(counts.get(name) or 0)
            layer = gpkg_layer(gpkg, name)
            fields = result_fields(layer, name)
            wkb = wkb_type(name)
            sink, dest = self.parameterAsSink(parameters, _SINKS[name], context, fields, wkb, crs)
            if sink is None:
                continue
            if layer is not None:
                copy_features(layer, sink, fields, wkb)
            results[_SINKS[name]] = dest
            if context.willLoadLayerOnCompletion(dest):
                details = context.layerToLoadOnCompletionDetails(dest)
                details.name = output_layer_name(name, options.query)
                details.setPostProcessor(handed_over(StyleOutput(name)))
        (feedback.pushInfo if end.level == SUCCESS else feedback.pushWarning)(end.text)
        alignment = (summary.get("change") or {}).get("alignment_text")
        if alignment:
            feedback.pushInfo(alignment)
        feedback.pushInfo(self.tr("Done in {seconds:.1f} s; both dates' results and the model answers are in "
                                  "{gpkg}").format(seconds=time.monotonic() - started, gpkg=gpkg))
        return results
