"""`RunController`: the one life of a run, for the dock, the history panel and Processing alike: readiness,
settings and choices -> the worker's options (bridge/run_options.py), the output path, the run (a QgsTask, or
blocking for Processing), its events, cancel, resume / redo of a past run, and how it ended. No widgets."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Callable, Optional

from qgis.core import QgsApplication, QgsRasterLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal

from inference_core.contract.options import ANSWER_MODES, GRANULARITIES, RunOptions
from inference_core.contract.protocol import ErrorCode

from .. import settings as rr_settings
from ..i18n import tr
from .events import EndState, end_state, failure_state
from .follow_run import Handler, RunOutcome, follow_run
from .history import RunEntry, rerun_options, resume_options
from .layer_pixels import renderer_pixels
from .readiness import Readiness, check_readiness
from .run_options import options_for_run
from .run_paths import new_run_path


@dataclass(frozen=True)
class RunRequest:
    """One run, ready to start: the worker's `reason` options (the API key in them for transport only), where it
    writes, its title (the question, or the mode's name: the layer group's and the file's), what it asks for."""

    options: dict[str, Any]
    out: str
    title: str
    granularity: tuple[str, ...]
    mode: str = "locate"
    temporary: bool = False  # the output folder is a temporary one (no output folder set)
    compare_with: str = ""  # a change run: the second date's raster (docs/guide/change.md)


class RunRefused(Exception):
    """A run cannot start; the message names the fix, `settings` says whether the settings hold it."""

    def __init__(self, text: str, settings: bool = False):
        super().__init__(text)
        self.settings = settings


# What the user can do about each worker error code. Module-level, so i18n.tr (context "@default").
def action_for(code: str) -> str:
    return {
        ErrorCode.BAD_OPTIONS: tr("Check the settings."),
        ErrorCode.INPUT: tr("Check the raster and the extent."),
        ErrorCode.MODEL: tr("Check the model in the settings."),
        ErrorCode.OUT_OF_MEMORY: tr("Lower the tile size or max pixels, or choose the CPU, in the settings."),
        ErrorCode.SERVER: tr("Check the server URL and API key (Test connection in the settings)."),
        ErrorCode.BUSY: tr("Wait for the running analysis to finish."),
        ErrorCode.WORKER_DIED: tr("See the RemoteReasoner log tab; check the engine interpreter in the settings."),
    }.get(code, tr("See the RemoteReasoner log tab for details."))


def _api_key(cfg: rr_settings.PluginSettings) -> Optional[str]:
    return rr_settings.resolve_api_key(cfg.auth_cfg) if cfg.backend == "openai" and cfg.auth_cfg else None


def _second_date(first: QgsRasterLayer, second: Any) -> str:
    """The second date's file for a change run; RunRefused when it is no raster file or the first date itself."""
    path = second.source() if isinstance(second, QgsRasterLayer) else ""
    if not isinstance(second, QgsRasterLayer) or second.providerType() != "gdal" or not os.path.isfile(path):
        name = second.name() if hasattr(second, "name") else "?"
        raise RunRefused(tr("{name} is not a raster file; save it as a GeoTIFF first.").format(name=name))
    if os.path.abspath(path) == os.path.abspath(first.source()):
        raise RunRefused(tr("Compare with another date: the second raster is the first one."))
    return path


class RunController(QObject):
    """One run at a time. `start()` runs a request in a ReasonTask and re-emits its events; `run_blocking()`
    runs it on the calling thread (Processing). Both follow the worker through bridge/follow_run.py and
    set `end` (the one wording of how the run ended, bridge/events.py)."""

    progress = pyqtSignal(dict)
    result = pyqtSignal(dict)
    reasoning = pyqtSignal(dict)
    answer = pyqtSignal(dict)
    warning = pyqtSignal(str)
    finished = pyqtSignal(dict)  # the `done` summary, once `end` is set
    failed = pyqtSignal(str, str, str)  # code, message, details, once `end` is set

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.task = None
        self.request: Optional[RunRequest] = None
        self.end: Optional[EndState] = None
        self.readiness_state: Optional[Readiness] = None

    # -- before a run --------------------------------------------------------------------------
    def readiness(self, mode: str, granularity: tuple[str, ...]) -> Readiness:
        """What blocks a run of `mode` with the current settings (find-all needs SAM 3 only)."""
        cfg = dataclasses.replace(rr_settings.PluginSettings.load(), mode=mode)
        self.readiness_state = check_readiness(cfg, granularity)
        return self.readiness_state

    def new_request(self, layer: Any, question: str, mode: str, granularity: tuple[str, ...],
                    extent_of: Callable[[QgsRasterLayer], tuple[Any, str]], per_tile: bool = False,
                    compare_with: Optional[QgsRasterLayer] = None) -> RunRequest:
        """A new run of the current settings on `layer` (extent_of gives its extent, or why there is none); with
        `compare_with`, a change run from `layer` (first date) to it (second date). Raises RunRefused naming the
        fix, before anything is written."""
        question = question.strip()
        if not question and mode != "describe":
            raise RunRefused(tr("Type a question first, e.g. “the tree crowns”."))
        if not isinstance(layer, QgsRasterLayer):
            raise RunRefused(tr("Choose a raster layer to reason on."))
        path = layer.source()
        if layer.providerType() != "gdal" or not os.path.isfile(path):
            raise RunRefused(tr("{name} is not a raster file; save it as a GeoTIFF first.").format(name=layer.name()))
        if not granularity:
            raise RunRefused(tr("Tick at least one of Boxes, Masks, Contours."))
        after = _second_date(layer, compare_with) if compare_with is not None else ""
        problems = self.readiness(mode, granularity).problems
        if problems:
            raise RunRefused(problems[0], settings=True)
        extent, why = extent_of(layer)
        if why:
            raise RunRefused(why)
        cfg = rr_settings.PluginSettings.load()
        folder, temporary = rr_settings.output_dir(cfg)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise RunRefused(tr("Cannot create the output folder {path}: {reason}").format(
                path=folder, reason=exc.strerror), settings=True) from None
        title = question or tr("Describe")  # a caption run's group and file are named for the mode
        out = new_run_path(folder, title)
        extra: dict[str, Any] = {"mode": mode, "per_tile": per_tile} if mode in ANSWER_MODES else {"mode": mode}
        extra.update(renderer_pixels(layer))  # the model sees the layer's bands and contrast, as the analyst does
        if after and per_tile and mode in ANSWER_MODES:
            raise RunRefused(tr("One answer per tile is for one raster: untick it to ask about both dates."))
        if after:
            extra["compare_with"] = after
            extra.pop("per_tile", None)
            if cfg.backend == "replay":  # the recorded answers of the settings serve both dates
                extra["replay_after"] = cfg.replay
        try:
            options = options_for_run(cfg, path, question, granularity, extent, out, _api_key(cfg), **extra)
        except ValueError as exc:  # OptionsError
            raise RunRefused(str(exc), settings=True) from None
        return RunRequest(options, out, title, tuple(granularity), mode, temporary, after)

    def resume_request(self, entry: RunEntry) -> RunRequest:
        """Continue an interrupted run in its own GeoPackage, with today's device, precision, server and key."""
        cfg = rr_settings.PluginSettings.load()
        d = rr_settings.RUN_DEFAULTS
        runtime = RunOptions(raster=entry.raster, query=entry.query, out=entry.gpkg, device=cfg.device or d.device,
                             dtype=cfg.dtype or d.dtype, concurrency=max(1, cfg.concurrency),
                             server_url=cfg.server_url or None, api_key=_api_key(cfg))
        try:
            options = resume_options(entry, runtime)
        except ValueError as exc:
            raise RunRefused(str(exc)) from None
        return RunRequest(options, entry.gpkg, entry.query, tuple(entry.granularity))

    def redo_request(self, entry: RunEntry, sam: Optional[str], simplify: float, min_area: float) -> RunRequest:
        """A new GeoPackage beside the run's, post-processed again from its recorded answers (no model call)."""
        if entry.settings.get("compare_with"):  # two dates' answers in one file: replay takes one run per file
            raise RunRefused(tr("A change between two dates cannot be redone from its answers yet: resume it, or run "
                                "it again."))
        out = new_run_path(rr_settings.output_dir(rr_settings.PluginSettings.load())[0], entry.query)
        if os.path.abspath(out) == os.path.abspath(entry.gpkg):
            out = out[:-len(".gpkg")] + "-redo.gpkg"
        granularity = GRANULARITIES if sam else ("boxes",)
        try:
            options = rerun_options(entry, out, sam, simplify, min_area, granularity)
        except ValueError as exc:
            raise RunRefused(str(exc)) from None
        return RunRequest(options, out, entry.query, tuple(granularity))

    # -- the run -------------------------------------------------------------------------------
    def running(self) -> bool:
        return self.task is not None

    def start(self, request: RunRequest, python: Optional[str] = None):
        """Run `request` in a ReasonTask on QGIS's task manager; returns the task (None when one is running)."""
        from .tasks.reason import ReasonTask

        if self.task is not None:
            return None
        python = python or rr_settings.PluginSettings.load().engine_python
        task = ReasonTask(request.options, python, tr("RemoteReasoner: {q}").format(q=request.title[:60]))
        for event, signal in ((task.progressEvent, self.progress), (task.resultEvent, self.result),
                              (task.reasoningEvent, self.reasoning), (task.answerEvent, self.answer),
                              (task.warningEvent, self.warning)):
            event.connect(signal.emit)
        task.runFinished.connect(self._finished)
        task.runFailed.connect(self._failed)
        self.task, self.request, self.end = task, request, None
        QgsApplication.taskManager().addTask(task)
        return task

    def run_blocking(self, request: RunRequest, python: str, handlers: dict[str, Handler],
                     is_canceled: Callable[[], bool], on_wait: Callable[[], None] = lambda: None) -> RunOutcome:
        """Run `request` on this thread (a Processing algorithm's), events to `handlers`; sets `end` unless the
        run was cancelled before the worker took it."""
        self.request, self.end = request, None
        outcome = follow_run(python, request.options, handlers, is_canceled, on_wait)
        if outcome.summary is not None:
            self.end = end_state(outcome.summary, request.granularity)
        elif outcome.failure is not None:
            self.end = failure_state(outcome.failure[1])
        return outcome

    def cancel(self) -> bool:
        """Ask the running task to stop after the current view; False when none runs."""
        if self.task is None:
            return False
        self.task.cancel()
        return True

    def _finished(self, summary: dict) -> None:
        self.task = None
        self.end = end_state(summary, self.request.granularity)
        self.finished.emit(summary)

    def _failed(self, code: str, message: str, details: str) -> None:
        self.task = None
        self.end = failure_state(message)
        self.failed.emit(code, message, details)
