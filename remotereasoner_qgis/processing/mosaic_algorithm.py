"""Processing algorithm `remotereasoner:mosaic`: one question over a mosaic of GeoTIFFs (a folder, a VRT or a
tile-index layer) in the engine process, whose parts run on Ray (embedded, or a cluster at an address); the
result's layers are copied into the sinks and loaded with the dock's styles. Ray is never imported here."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable, Optional

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsCoordinateReferenceSystem,
)

from inference_core.contract.mosaic import MosaicSettings, servers_from
from inference_core.contract.options import GRANULARITIES, OptionsError

from ..bridge.follow_run import follow_run
from ..bridge.run_options import run_options
from ..i18n import tr
from ..settings import PluginSettings, resolve_api_key
from .algorithm_base import RemoteReasonerAlgorithm
from .post_processors import handed_over
from .reason_algorithm import LAYER_SINKS, StyleOutput, copy_features, gpkg_layer, output_layer_name, result_fields


def mosaic_feedback(feedback: QgsProcessingFeedback) -> dict[str, Callable[[Any], None]]:
    """The mosaic's events as Processing feedback: views done of all across the Ray workers, with the time left."""
    last = [""]

    def on_progress(ev: dict) -> None:
        total, done = int(ev.get("tiles") or 0), int(ev.get("tile") or 0)
        if not total:
            return
        feedback.setProgress(100.0 * min(done, total) / total)
        eta = ev.get("eta_s")
        text = tr("{done} of {total} views done on %n Ray worker(s)", None, int(ev.get("workers") or 0)).format(
            done=done, total=total)
        if eta is not None:
            text += " · " + tr("about {minutes} min left").format(minutes=max(1, round(float(eta) / 60)))
        if text != last[0]:
            last[0] = text
            feedback.setProgressText(text)

    return dict(progress=on_progress, warning=feedback.pushWarning)


class MosaicAlgorithm(RemoteReasonerAlgorithm):
    """Reason over a mosaic: one question over many GeoTIFFs sharing edges, one result."""

    FOLDER = "FOLDER"
    FILE = "FILE"
    INDEX = "INDEX"
    QUERY = "QUERY"
    GRANULARITY = "GRANULARITY"
    OUTPUT_BOXES = "OUTPUT_BOXES"
    OUTPUT_MASKS = "OUTPUT_MASKS"
    OUTPUT_CONTOURS = "OUTPUT_CONTOURS"
    RAY_ADDRESS = "RAY_ADDRESS"
    SERVER_URLS = "SERVER_URLS"
    SKIP_MISMATCHED = "SKIP_MISMATCHED"
    REPLAY = "REPLAY"
    RESULT_GPKG = "RESULT_GPKG"

    def name(self) -> str:
        return "mosaic"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Reason over a mosaic")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Asks one question over a mosaic of GeoTIFFs that share edges and one CRS: a folder of them, a VRT, or a "
            "tile index layer (as gdaltindex writes, with a 'location' field). The answer is that of one run over "
            "their VRT: a target cut by the edge between two files comes out once, and each feature names its "
            "source file in the 'raster' field. The work is split in parts that run in parallel on Ray, on this "
            "computer or on a cluster (Ray address). Run it again after an interruption: finished parts are kept. "
            "An unreadable file is skipped and named; a file in another CRS or resolution is refused unless "
            "'Leave out files on another grid' is checked. The model and the tiling come from the RemoteReasoner "
            "settings.")

    def initAlgorithm(self, config=None):  # noqa: N802
        try:
            d = PluginSettings.load()
        except Exception:  # noqa: BLE001 - the toolbox must list the algorithm even with broken settings
            d = PluginSettings()
        self.addParameter(QgsProcessingParameterFile(self.FOLDER, self.tr("Folder of GeoTIFFs"),
                                                     behavior=QgsProcessingParameterFile.Behavior.Folder, optional=True))
        self.addParameter(QgsProcessingParameterFile(self.FILE, self.tr("…or a VRT or tile index file"),
                                                     optional=True,
                                                     fileFilter=self.tr("Mosaics (*.vrt *.gpkg *.shp *.geojson)")))
        self.addParameter(QgsProcessingParameterVectorLayer(self.INDEX, self.tr("…or a tile index layer"),
                                                            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterString(self.QUERY, self.tr("Question (what to look for)")))
        self.addParameter(QgsProcessingParameterEnum(
            self.GRANULARITY, self.tr("Results"), options=[self.tr("Boxes"), self.tr("Masks"), self.tr("Contours")],
            allowMultiple=True, defaultValue=[0, 1, 2] if d.sam else [0]))
        for name, label, kind in ((self.OUTPUT_BOXES, self.tr("Boxes"), QgsProcessing.SourceType.TypeVectorPolygon),
                                  (self.OUTPUT_MASKS, self.tr("Masks"), QgsProcessing.SourceType.TypeVectorPolygon),
                                  (self.OUTPUT_CONTOURS, self.tr("Contours"), QgsProcessing.SourceType.TypeVectorLine)):
            self.addParameter(QgsProcessingParameterFeatureSink(name, label, kind, optional=True, createByDefault=True))
        self.addParameter(QgsProcessingParameterString(
            self.RAY_ADDRESS, self.tr("Ray cluster address (empty: Ray on this computer)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.SKIP_MISMATCHED, self.tr("Leave out files on another grid (CRS, resolution, bands)"),
            defaultValue=False))
        adv = [
            QgsProcessingParameterString(self.SERVER_URLS, self.tr("Model servers for the openai backend, comma "
                                                                   "separated (empty: from the settings)"),
                                         defaultValue=d.server_url or None, optional=True),
            QgsProcessingParameterFile(self.REPLAY, self.tr("Recorded answers (replay backend instead of the model)"),
                                       optional=True, fileFilter=self.tr("Recorded answers (*.jsonl *.gpkg)")),
        ]
        for p in adv:
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(p)
        self.addOutput(QgsProcessingOutputFile(self.RESULT_GPKG, self.tr("Result GeoPackage (all layers, model answers)")))

    def mosaic_path(self, parameters, context) -> str:
        """The folder, the file or the index layer's file: exactly one of them."""
        chosen = [self.parameterAsFile(parameters, self.FOLDER, context).strip(),
                  self.parameterAsFile(parameters, self.FILE, context).strip()]
        layer = self.parameterAsVectorLayer(parameters, self.INDEX, context)
        chosen.append(layer.source().split("|")[0] if layer is not None else "")
        chosen = [c for c in chosen if c]
        if len(chosen) != 1:
            raise QgsProcessingException(self.tr("Choose one mosaic: a folder of GeoTIFFs, a VRT or tile index file, "
                                                 "or a tile index layer."))
        if not os.path.exists(chosen[0]):
            raise QgsProcessingException(self.tr("The mosaic '{path}' does not exist.").format(path=chosen[0]))
        return chosen[0]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        feedback = feedback or QgsProcessingFeedback()
        cfg = PluginSettings.load()
        mosaic = self.mosaic_path(parameters, context)
        query = self.parameterAsString(parameters, self.QUERY, context).strip()
        if not query:
            raise QgsProcessingException(self.tr("The question is empty: type what to look for, e.g. 'storage tanks'."))
        granularity = tuple(GRANULARITIES[i] for i in sorted(self.parameterAsEnums(parameters, self.GRANULARITY, context)))
        replay = self.parameterAsFile(parameters, self.REPLAY, context).strip()
        servers = servers_from([self.parameterAsString(parameters, self.SERVER_URLS, context)])
        run_cfg = dataclasses.replace(cfg, strategy="tiles", **({"backend": "replay", "replay": replay} if replay else {}),
                                      **({"server_url": servers[0]} if servers else {}))
        if ("masks" in granularity or "contours" in granularity) and not run_cfg.sam:
            raise QgsProcessingException(self.tr("Masks and contours need a SAM checkpoint: set one in the "
                                                 "RemoteReasoner settings, or ask for boxes only."))
        engine_python = cfg.engine_python
        if not engine_python or not os.path.isfile(engine_python):
            raise QgsProcessingException(self.tr("The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.").format(path=engine_python or "-"))
        out = QgsProcessingUtils.generateTempFilename("remotereasoner_mosaic.gpkg")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        api_key = resolve_api_key(cfg.auth_cfg) if cfg.auth_cfg else None
        try:
            options = run_options(run_cfg, mosaic, query, out, granularity, None, api_key)
        except OptionsError as exc:
            raise QgsProcessingException(str(exc)) from None
        settings = MosaicSettings(mosaic, self.parameterAsString(parameters, self.RAY_ADDRESS, context).strip() or None,
                                  servers=servers or ([run_cfg.server_url] if run_cfg.server_url else []),
                                  skip_mismatched=self.parameterAsBool(parameters, self.SKIP_MISMATCHED, context))
        feedback.pushInfo(self.tr("Asking '{query}' over the mosaic {mosaic} on Ray ({where})").format(
            query=query, mosaic=mosaic, where=settings.ray_address or self.tr("this computer")))
        started = time.monotonic()
        outcome = follow_run(engine_python, options.to_dict(secrets=True), mosaic_feedback(feedback),
                             feedback.isCanceled, request="mosaic", fields={"mosaic": settings.to_dict()})
        if outcome.failure is not None:
            raise QgsProcessingException(outcome.failure[1])
        summary: Optional[dict] = outcome.summary
        if summary is None or summary.get("status") != "finished":
            feedback.pushWarning(self.tr("The mosaic run was cancelled; run it again to continue (finished parts "
                                         "are kept)."))
            return {}
        return self._outputs(parameters, context, feedback, summary, query, granularity, started)

    def _outputs(self, parameters, context, feedback, summary: dict, query: str, granularity, started: float) -> dict:
        gpkg = summary["out"]
        results: dict[str, Any] = {self.RESULT_GPKG: gpkg}
        boxes = gpkg_layer(gpkg, "boxes")
        crs = boxes.crs() if boxes is not None else QgsCoordinateReferenceSystem()
        for name in granularity:
            param, wkb = LAYER_SINKS[name]
            layer = gpkg_layer(gpkg, name)
            fields = result_fields(layer, name)
            sink, dest = self.parameterAsSink(parameters, param, context, fields, wkb, crs)
            if sink is None:
                continue
            n = copy_features(layer, sink, fields, wkb) if layer is not None else 0
            results[param] = dest
            if context.willLoadLayerOnCompletion(dest):
                details = context.layerToLoadOnCompletionDetails(dest)
                details.name = output_layer_name(name, query)
                details.setPostProcessor(handed_over(StyleOutput(name)))
            feedback.pushInfo(tr("{layer}: %n feature(s)", None, n).format(layer=name))
        for path in summary.get("skipped_files") or []:
            feedback.pushWarning(self.tr("Left out: {file}").format(file=os.path.basename(path)))
        feedback.pushInfo(self.tr("{files} file(s) in {parts} part(s), {reused} kept from an earlier run; done in "
                                  "{seconds:.1f} s; all results and the model answers are in {gpkg}").format(
            files=summary.get("files", 0), parts=summary.get("parts", 0), reused=summary.get("parts_reused", 0),
            seconds=time.monotonic() - started, gpkg=gpkg))
        return results
