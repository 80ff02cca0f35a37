"""Processing algorithm `remotereasoner:reason`: ask a question about a raster, get boxes, masks, contours; or
(modes Ask, Describe) a text answer, an HTML report and the view footprints carrying the answers.

The engine runs in its own process through the same shared `WorkerClient` as the dock; it writes a
result GeoPackage into the Processing temp folder, whose layers are then copied into the sinks.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputFile,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorLayer,
)

from inference_core.contract.model_state import sam_problem
from inference_core.contract.options import (
    ANSWER_MODES, BACKENDS, FIND_ALL, GRANULARITIES, MODES, OptionsError, RunOptions,
)
from inference_core.contract.schema import ANSWER_LAYER, field_names

from ..bridge.events import CRITICAL, SUCCESS, progress_percent, progress_text, tally_text
from ..bridge.layer_pixels import renderer_pixels
from ..bridge.run_session import RunController, RunRequest
from ..bridge.strategy import STRATEGY_ORDER, strategy_label
from ..bridge.run_options import MIN_TILE_SIZE, run_options
from ..bridge.schema_fields import FEATURE_LAYERS, qgs_fields, wkb_type
from ..i18n import tr
from ..settings import RUN_DEFAULTS, PluginSettings, resolve_api_key
from .algorithm_base import RemoteReasonerAlgorithm
from .post_processors import handed_over

# The order of the backend choices is part of the algorithm's interface (models and scripts may
# store the value), so it is fixed here rather than taken from the engine's tuple.
BACKEND_CHOICES = ("transformers", "replay", "openai")
assert set(BACKEND_CHOICES) == set(BACKENDS)

# The mode choices, in the order of the MODE parameter (part of the interface, as BACKEND_CHOICES).
MODE_CHOICES = ("locate", "ask", "describe", FIND_ALL)
assert set(MODE_CHOICES) <= set(MODES)

# Output layer name in the engine's GeoPackage -> (sink parameter, sink geometry type from the schema).
_SINK_PARAMS = {"boxes": "OUTPUT_BOXES", "masks": "OUTPUT_MASKS", "contours": "OUTPUT_CONTOURS",
                ANSWER_LAYER: "OUTPUT_ANSWERS"}
LAYER_SINKS = {name: (_SINK_PARAMS[name], wkb_type(name)) for name in (*FEATURE_LAYERS, ANSWER_LAYER)}


# ---------------------------------------------------------------------------------------------
# The engine run (bridge/run_session.RunController, blocking): events -> feedback
# ---------------------------------------------------------------------------------------------
def feedback_handlers(feedback: QgsProcessingFeedback) -> dict[str, Callable[[Any], None]]:
    """The run's events (bridge/events.dispatch) as Processing feedback: progress, one line per stage of a view,
    warnings, the model's reasoning."""
    last_text = [""]

    def on_progress(ev: dict) -> None:
        pct = progress_percent(ev)
        if pct is not None:
            feedback.setProgress(pct)
        text = progress_text(ev) if ev.get("stage") else ""
        if text and text != last_text[0]:  # one line per stage of a view, however often it is repeated
            last_text[0] = text
            feedback.setProgressText(text)

    def on_reasoning(ev: dict) -> None:
        text = str(ev.get("text", "")).strip()
        if text:
            feedback.pushInfo(tr("Model reasoning (view {i}): {text}").format(i=int(ev.get("tile_id") or 0) + 1,
                                                                              text=text[:2000]))

    return dict(progress=on_progress, reasoning=on_reasoning, warning=feedback.pushWarning)


# ---------------------------------------------------------------------------------------------
# Result GeoPackage -> sinks
# ---------------------------------------------------------------------------------------------
def gpkg_layer(gpkg: str, name: str) -> Optional[QgsVectorLayer]:
    if not os.path.isfile(gpkg):
        return None
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    return layer if layer.isValid() else None


def result_fields(layer: Optional[QgsVectorLayer], name: str) -> QgsFields:
    """The layer's attribute fields without the GeoPackage primary key; the schema's when the engine wrote
    no such layer (e.g. a cancelled run)."""
    fields = QgsFields()
    if layer is not None:
        pk = set(layer.primaryKeyAttributes())
        for i, f in enumerate(layer.fields()):
            if i not in pk and f.name().lower() != "fid":
                fields.append(QgsField(f))
        return fields
    return qgs_fields(name)


def copy_features(
    layer: QgsVectorLayer, sink: QgsFeatureSink, fields: QgsFields, wkb_type: int,
    is_canceled: Callable[[], bool] = lambda: False,
) -> int:
    """Copy every feature into the sink, coercing the geometry to the sink type; return the count."""
    n = 0
    names = fields.names()
    for src in layer.getFeatures():
        if is_canceled():
            break
        feat = QgsFeature(fields)
        feat.setAttributes([src[name] for name in names])
        geom = src.geometry()
        parts = [geom] if geom.isNull() or geom.wkbType() == wkb_type else geom.coerceToType(wkb_type)
        for part in parts or [geom]:
            out = QgsFeature(feat)
            out.setGeometry(part)
            sink.addFeature(out, QgsFeatureSink.Flag.FastInsert)
        n += 1
    return n


def raster_path(layer: QgsRasterLayer) -> str:
    """The file the engine should open (GDAL layers only): an actionable error otherwise."""
    if layer.providerType() != "gdal":
        raise QgsProcessingException(tr("The layer '{name}' is not a GDAL raster file (provider '{provider}'). Save it as a GeoTIFF first (Export ▸ Save As…).").format(
            name=layer.name(), provider=layer.providerType()))
    parts = QgsProviderRegistry.instance().decodeUri("gdal", layer.source())
    path = parts.get("path") or layer.source()
    if not path.startswith("/vsi") and not os.path.exists(path):
        raise QgsProcessingException(tr("The raster file '{path}' does not exist.").format(path=path))
    # the engine runs in another working directory
    return path if path.startswith("/vsi") else os.path.abspath(path)


# ---------------------------------------------------------------------------------------------
# Outputs loaded into the project: the dock's styles, names of their own
# ---------------------------------------------------------------------------------------------
def output_layer_name(name: str, query: str) -> str:
    """"trees · Boxes (Processing)": not the dock's "Boxes" inside the question's group."""
    from ..ui.layers import group_title, layer_title

    return tr("{query} · {layer} (Processing)").format(query=group_title(query, 40), layer=layer_title(name))


class StyleOutput(QgsProcessingLayerPostProcessorInterface):
    """Applies resources/styles/<name>.qml (and the dock's map tip) to an output once it is in the project."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        from ..ui.layers import _apply_style, _set_map_tip, style_path

        if isinstance(layer, QgsVectorLayer):
            _apply_style(layer, style_path(self.name))
            _set_map_tip(layer, self.name)
            layer.triggerRepaint()


# ---------------------------------------------------------------------------------------------
class ReasonAlgorithm(RemoteReasonerAlgorithm):
    """Reason over raster: natural-language question -> boxes, masks and contours as vector layers."""

    INPUT = "INPUT"
    QUERY = "QUERY"
    EXTENT = "EXTENT"
    GRANULARITY = "GRANULARITY"
    STRATEGY = "STRATEGY"
    OUTPUT_BOXES = "OUTPUT_BOXES"
    OUTPUT_MASKS = "OUTPUT_MASKS"
    OUTPUT_CONTOURS = "OUTPUT_CONTOURS"
    TILE_SIZE = "TILE_SIZE"
    OVERLAP = "OVERLAP"
    MAX_PIXELS = "MAX_PIXELS"
    BACKEND = "BACKEND"
    MODEL = "MODEL"
    SAM = "SAM"
    DEVICE = "DEVICE"
    SIMPLIFY = "SIMPLIFY"
    MIN_AREA = "MIN_AREA"
    REPLAY = "REPLAY"
    SERVER_URL = "SERVER_URL"
    RESULT_GPKG = "RESULT_GPKG"
    RUN_ID = "RUN_ID"
    MODE = "MODE"
    PER_TILE = "PER_TILE"
    SAM3 = "SAM3"
    SCORE_THRESHOLD = "SCORE_THRESHOLD"
    OUTPUT_ANSWERS = "OUTPUT_ANSWERS"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    ANSWER = "ANSWER"

    def __init__(self):
        super().__init__()
        self.runs: Optional[RunController] = None  # the last run's controller (its request and end)

    # -- identity ------------------------------------------------------------------------------
    def name(self) -> str:
        return "reason"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Reason over raster")

    def tags(self) -> list[str]:
        return self.tr("detection,segmentation,LLM,VLM,question,boxes,masks,contours,SAM,Qwen").split(",")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Asks a natural-language question about a raster (e.g. 'the storage tanks next to the pier') and returns "
            "the answers as vector layers in the raster's CRS: one box per target, a mask per target from Segment "
            "Anything, and the mask outlines. Strategy: Quick asks one downscaled view of the whole extent, Focused "
            "asks it and then each find again at full resolution, Thorough cuts large rasters into overlapping "
            "tiles. The model runs in the "
            "RemoteReasoner engine process configured in the plugin settings; advanced parameters default to those "
            "settings. Masks and contours need a SAM checkpoint.\n\n"
            "Mode Ask answers the question in text and Describe captions the area, with the checkpoint's own "
            "instructions: one view of the whole extent (downscaled to the pixel budget), or one answer per tile "
            "written on the tile footprints. The answer is the ANSWER output (for a counting question over tiles, "
            "the sum of the per-tile counts), with an HTML report.\n\nMode Find all gives every instance of a short noun "
            "phrase (e.g. 'tree crown') with SAM 3 instead of the reasoner: a box, a mask and a contour per instance, "
            "each with its score; instances scoring at or below the score threshold are dropped. SAM 3 is gated on "
            "Hugging Face: download it in the RemoteReasoner model manager (Models tab) first."
        )

    # -- parameters ----------------------------------------------------------------------------
    def initAlgorithm(self, config=None):  # noqa: N802
        # The plugin settings (read here, never written) are the parameters' defaults.
        try:
            d = PluginSettings.load()
        except Exception:  # noqa: BLE001 - the toolbox must list the algorithm even with broken settings
            d = PluginSettings()
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Input raster")))
        # optional for Describe, which takes no question; checkParameterValues asks for it in the other modes
        self.addParameter(QgsProcessingParameterString(self.QUERY, self.tr("Question (what to look for)"), multiLine=False,
                                                       optional=True))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent (default: the whole raster)"), optional=True))
        default_gran = [0, 1, 2] if d.sam else [0]
        self.addParameter(QgsProcessingParameterEnum(
            self.GRANULARITY, self.tr("Results"),
            options=[self.tr("Boxes"), self.tr("Masks"), self.tr("Contours")],
            allowMultiple=True, defaultValue=default_gran))

        sinks = (
            (self.OUTPUT_BOXES, self.tr("Boxes"), QgsProcessing.SourceType.TypeVectorPolygon),
            (self.OUTPUT_MASKS, self.tr("Masks"), QgsProcessing.SourceType.TypeVectorPolygon),
            (self.OUTPUT_CONTOURS, self.tr("Contours"), QgsProcessing.SourceType.TypeVectorLine),
        )
        for name, label, kind in sinks:
            self.addParameter(QgsProcessingParameterFeatureSink(name, label, kind, optional=True, createByDefault=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.MODE, self.tr("Mode"), options=[self.tr("Locate: boxes, masks, contours"), self.tr("Ask: an answer in text"),
                                                 self.tr("Describe: a caption of the area"),
                                                 self.tr("Find all: every instance of a noun phrase (SAM 3)")],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean(
            # a check box's label never wraps: short, or the dialog scrolls sideways on a laptop (the rest is in
            # the help: without it, one view of the whole extent)
            self.PER_TILE, self.tr("Ask / Describe: one answer per tile"),
            defaultValue=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_ANSWERS, self.tr("Answers (view footprints)"), QgsProcessing.SourceType.TypeVectorPolygon, optional=True,
            createByDefault=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_REPORT, self.tr("Answer report"), self.tr("HTML files (*.html)"), optional=True,
            createByDefault=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.STRATEGY, self.tr("Strategy"), options=[strategy_label(n) for n in STRATEGY_ORDER],
            defaultValue=STRATEGY_ORDER.index(d.strategy if d.strategy in STRATEGY_ORDER else RUN_DEFAULTS.strategy)))

        adv = [
            QgsProcessingParameterNumber(self.TILE_SIZE, self.tr("Tile size (pixels)"), QgsProcessingParameterNumber.Type.Integer,
                                         defaultValue=d.tile_size, minValue=MIN_TILE_SIZE),
            QgsProcessingParameterNumber(self.OVERLAP, self.tr("Tile overlap (pixels)"), QgsProcessingParameterNumber.Type.Integer,
                                         defaultValue=d.overlap, minValue=0),
            QgsProcessingParameterNumber(self.MAX_PIXELS, self.tr("Maximum model input pixels per tile"),
                                         QgsProcessingParameterNumber.Type.Integer, defaultValue=d.max_pixels, minValue=RUN_DEFAULTS.min_pixels),
            QgsProcessingParameterEnum(self.BACKEND, self.tr("Model backend"), options=list(BACKEND_CHOICES),
                                       defaultValue=BACKEND_CHOICES.index(d.backend) if d.backend in BACKEND_CHOICES else 0),
            QgsProcessingParameterString(self.MODEL, self.tr("Model (folder, Hugging Face id or server model name; empty: from the settings)"),
                                         defaultValue=d.model, optional=True),
            QgsProcessingParameterString(self.SAM, self.tr("SAM: a SAM 1 .pth, a SAM 2.1 folder or hub id such as "
                                                           "facebook/sam2.1-hiera-tiny (empty: from the settings)"),
                                         defaultValue=d.sam or None, optional=True),
            QgsProcessingParameterString(self.DEVICE, self.tr("Device (auto, cpu, cuda, cuda:N)"), defaultValue=d.device or RUN_DEFAULTS.device, optional=True),
            QgsProcessingParameterNumber(self.SIMPLIFY, self.tr("Simplify tolerance (map units)"), QgsProcessingParameterNumber.Type.Double,
                                         defaultValue=RUN_DEFAULTS.simplify, minValue=0.0),
            QgsProcessingParameterNumber(self.MIN_AREA, self.tr("Minimum mask area (map units²)"), QgsProcessingParameterNumber.Type.Double,
                                         defaultValue=RUN_DEFAULTS.min_area, minValue=0.0),
            QgsProcessingParameterFile(self.REPLAY, self.tr("Recorded answers for the replay backend (.jsonl or result .gpkg)"),
                                       defaultValue=d.replay or None, optional=True, fileFilter=self.tr("Recorded answers (*.jsonl *.gpkg)")),
            QgsProcessingParameterString(self.SERVER_URL, self.tr("Model server URL for the openai backend (empty: from the settings)"),
                                         defaultValue=d.server_url or None, optional=True),
            QgsProcessingParameterString(self.SAM3, self.tr("SAM 3 for find all: folder or Hugging Face id (empty: from the settings)"),
                                         defaultValue=d.sam3 or None, optional=True),
            QgsProcessingParameterNumber(self.SCORE_THRESHOLD, self.tr("Find all: keep instances scoring above"),
                                         QgsProcessingParameterNumber.Type.Double, defaultValue=d.score_threshold,
                                         minValue=0.0, maxValue=0.999),
        ]
        for p in adv:
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(p)

        self.addOutput(QgsProcessingOutputFile(self.RESULT_GPKG, self.tr("Result GeoPackage (all layers, model answers)")))
        self.addOutput(QgsProcessingOutputString(self.RUN_ID, self.tr("Run id")))
        self.addOutput(QgsProcessingOutputString(self.ANSWER, self.tr("Answer (Ask / Describe)")))

    # -- checks --------------------------------------------------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802
        ok, msg = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, msg
        mode = self.mode(parameters, context)
        if mode != "describe" and not self.parameterAsString(parameters, self.QUERY, context).strip():
            return False, self.tr("The question is empty: type what to look for, e.g. 'storage tanks'.")
        if mode == "locate" and not self.parameterAsEnums(parameters, self.GRANULARITY, context):
            return False, self.tr("Choose at least one kind of result: boxes, masks or contours.")
        return True, ""

    def mode(self, parameters: dict, context: QgsProcessingContext) -> str:
        return MODE_CHOICES[self.parameterAsEnum(parameters, self.MODE, context)]

    def build_options(self, parameters: dict, context: QgsProcessingContext, out: str, cfg: PluginSettings,
                      api_key: Optional[str] = None) -> tuple[RunOptions, QgsCoordinateReferenceSystem]:
        """Parameters (+ the settings `cfg` for what was left empty) -> validated RunOptions and the raster CRS:
        the parameters override the settings, which `run_options` turns into RunOptions as for the dock."""
        layer = self.parameterAsRasterLayer(parameters, self.INPUT, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(self.tr("The input raster cannot be opened: choose a raster layer or an existing raster file."))
        path = raster_path(layer)
        crs = layer.crs()
        query = self.parameterAsString(parameters, self.QUERY, context).strip()
        mode = self.mode(parameters, context)
        if not query and mode != "describe":
            raise QgsProcessingException(self.tr("The question is empty: type what to look for, e.g. 'storage tanks'."))

        extent = None
        if parameters.get(self.EXTENT) not in (None, ""):
            # reprojected into the raster CRS here, so the engine needs no CRS of its own for it
            rect = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
            if not rect.isNull() and not rect.isEmpty():
                extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())

        granularity = tuple(GRANULARITIES[i] for i in sorted(self.parameterAsEnums(parameters, self.GRANULARITY, context)))
        answer_kw: dict[str, Any] = {}
        if mode in ANSWER_MODES:  # a text answer: no boxes asked, so no SAM needed
            granularity = ("boxes",)
            answer_kw = {"mode": mode, "per_tile": self.parameterAsBool(parameters, self.PER_TILE, context)}
        find_all: dict[str, Any] = {}
        if mode == FIND_ALL:  # SAM 3 alone: its own masks, no box-prompted SAM
            answer_kw = {"mode": mode}
            find_all = dict(sam3=self.parameterAsString(parameters, self.SAM3, context).strip() or cfg.sam3,
                            score_threshold=self.parameterAsDouble(parameters, self.SCORE_THRESHOLD, context))
        backend = BACKEND_CHOICES[self.parameterAsEnum(parameters, self.BACKEND, context)]
        model = self.parameterAsString(parameters, self.MODEL, context).strip()
        sam = self.parameterAsString(parameters, self.SAM, context).strip() or cfg.sam or None
        if mode == FIND_ALL:
            sam = None
        if sam and sam_problem(sam) == "not downloaded":
            raise QgsProcessingException(self.tr("SAM {name} is not downloaded yet: download it in the RemoteReasoner "
                                                 "model manager (Models tab).").format(name=sam))
        if sam and sam_problem(sam):
            raise QgsProcessingException(self.tr("The SAM checkpoint '{path}' does not exist: download one in the RemoteReasoner model manager or choose another file.").format(path=sam))
        replay = self.parameterAsFile(parameters, self.REPLAY, context).strip() or None
        if replay and not os.path.isfile(replay):
            raise QgsProcessingException(self.tr("The recorded answers file '{path}' does not exist.").format(path=replay))
        server_url = self.parameterAsString(parameters, self.SERVER_URL, context).strip() or cfg.server_url or None
        # the engine's own checks name CLI flags; here the user sees Processing parameters
        if ("masks" in granularity or "contours" in granularity) and not sam and mode != FIND_ALL:
            raise QgsProcessingException(self.tr("Masks and contours need a SAM checkpoint: set 'SAM checkpoint' in the advanced parameters or in the RemoteReasoner settings, or ask for boxes only."))
        if backend == "replay" and not replay:
            raise QgsProcessingException(self.tr("The replay backend needs a file of recorded answers: set 'Recorded answers' in the advanced parameters."))
        if backend == "openai" and not server_url:
            raise QgsProcessingException(self.tr("The openai backend needs the model server URL (e.g. http://gpu-server:8000/v1): set it in the advanced parameters or in the RemoteReasoner settings."))

        # MODEL names the server's model for the openai backend, the local one otherwise; empty keeps the settings'
        overrides: dict[str, Any] = {"server_model" if backend == "openai" else "model": model} if model else {}
        run_cfg = dataclasses.replace(
            cfg, backend=backend, sam=sam or "", replay=replay or "", server_url=server_url or "",
            device=self.parameterAsString(parameters, self.DEVICE, context).strip() or cfg.device,
            tile_size=self.parameterAsInt(parameters, self.TILE_SIZE, context),
            overlap=self.parameterAsInt(parameters, self.OVERLAP, context),
            max_pixels=self.parameterAsInt(parameters, self.MAX_PIXELS, context), **find_all,
            strategy=STRATEGY_ORDER[self.parameterAsEnum(parameters, self.STRATEGY, context)], **overrides)
        try:
            # the layer's renderer bands and contrast, as in the dock (bridge/layer_pixels.py)
            options = run_options(run_cfg, path, query, out, granularity, extent, api_key,
                                  simplify=self.parameterAsDouble(parameters, self.SIMPLIFY, context),
                                  min_area=self.parameterAsDouble(parameters, self.MIN_AREA, context), **answer_kw,
                                  **renderer_pixels(layer))
        except OptionsError as exc:
            raise QgsProcessingException(str(exc)) from None
        return options, crs

    # -- run -----------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        feedback = feedback or QgsProcessingFeedback()
        cfg = PluginSettings.load()
        # read at run time from QGIS's authentication database; never stored nor logged
        api_key = resolve_api_key(cfg.auth_cfg) if cfg.auth_cfg else None
        out = QgsProcessingUtils.generateTempFilename("remotereasoner_result.gpkg")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        options, crs = self.build_options(parameters, context, out, cfg, api_key)

        engine_python = cfg.engine_python
        if not engine_python or not os.path.isfile(engine_python):
            raise QgsProcessingException(self.tr("The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.").format(path=engine_python or "-"))

        answers = options.mode in ANSWER_MODES
        feedback.pushInfo(self.tr("Asking '{query}' about {raster} ({granularity}) with the {backend} backend").format(
            query=options.query, raster=options.raster, backend=options.backend,
            granularity=options.mode if answers else ", ".join(options.granularity)))
        started = time.monotonic()
        # the dock's run life, blocking on this thread; the worker runs one question at a time: a dock run in
        # progress is waited for, cancellably
        self.runs = RunController()
        request = RunRequest(options.to_dict(secrets=True), out, options.query or self.tr("Describe"),
                             tuple(options.granularity), options.mode)
        outcome = self.runs.run_blocking(request, engine_python, feedback_handlers(feedback), feedback.isCanceled,
                                         lambda: feedback.pushInfo(self.tr("Waiting for the RemoteReasoner run in progress to finish…")))
        if outcome.summary is None and outcome.failure is None:  # cancelled while waiting for the worker
            return {}
        end = self.runs.end
        if end.level == CRITICAL:
            raise QgsProcessingException(end.text)
        summary = outcome.summary
        gpkg = summary.get("out") or out
        results: dict[str, Any] = {self.RESULT_GPKG: gpkg, self.RUN_ID: summary.get("run_id", "")}
        for name in (ANSWER_LAYER,) if answers else options.granularity:
            param, wkb = LAYER_SINKS[name]
            layer = gpkg_layer(gpkg, name)
            fields = result_fields(layer, name)
            sink, dest = self.parameterAsSink(parameters, param, context, fields, wkb, crs)
            if sink is None:  # the output was skipped by the user
                continue
            n = copy_features(layer, sink, fields, wkb) if layer is not None else 0
            results[param] = dest
            if context.willLoadLayerOnCompletion(dest):
                details = context.layerToLoadOnCompletionDetails(dest)
                details.name = output_layer_name(name, options.query or self.tr("Describe"))
                details.setPostProcessor(handed_over(StyleOutput(name)))
            feedback.pushInfo(tr("{layer}: %n feature(s)", None, n).format(layer=name))
        if answers:
            results.update(self._answer_outputs(parameters, context, options, summary, gpkg, feedback))
        for name, (param, _wkb) in LAYER_SINKS.items() if not answers else ():
            if name in FEATURE_LAYERS and name not in options.granularity and parameters.get(param) not in (None, ""):
                feedback.pushInfo(self.tr("{layer} were not asked for in 'Results': {param} is not written.").format(
                    layer=name, param=param))
        # the same sentence as the dock's: found N, answers unreadable on K of N views, cancelled
        (feedback.pushInfo if end.level == SUCCESS else feedback.pushWarning)(end.text)
        if tally_text(summary):
            feedback.pushInfo(tally_text(summary))
        feedback.pushInfo(self.tr("Done in {seconds:.1f} s; all results and the model answers are in {gpkg}").format(
            seconds=time.monotonic() - started, gpkg=gpkg))
        return results

    def _answer_outputs(self, parameters, context, options: RunOptions, summary: dict, gpkg: str,
                        feedback) -> dict[str, Any]:
        """Ask / Describe: the ANSWER string and the HTML report (the answers layer went to its sink)."""
        from .answer_report import report_html

        layer = gpkg_layer(gpkg, ANSWER_LAYER)
        names = field_names(ANSWER_LAYER)
        rows = sorted(({n: f[n] for n in names} for f in layer.getFeatures()), key=lambda r: int(r["tile_id"])) \
            if layer is not None else []
        answer = str(summary.get("answer_summary") or "")
        feedback.pushInfo(self.tr("Answer: {answer}").format(answer=answer or self.tr("none")))
        out: dict[str, Any] = {self.ANSWER: answer}
        path = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(report_html(options.mode, options.query, summary, rows, gpkg))
            out[self.OUTPUT_REPORT] = path
        return out

