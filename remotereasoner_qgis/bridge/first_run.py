"""The start `make run` gives its QGIS profile (scripts/run_qgis.sh calls `start`): on first use the engine venv,
the sample's recorded answers and the tiny trained SAM (resources/tiny_sam/), so *Reason on extent* on the sample
answers at once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsProject, QgsRasterLayer, QgsSettings

from inference_core.contract.paths import SAMPLE_ANSWERS, SAMPLE_RASTER

from ..settings import PREFIX

# A user who set any of these has chosen a model: the first-run settings never replace that choice.
MODEL_KEYS = ("backend", "model", "replay", "sam", "server_url")
SAMPLE_QUESTION = "every tree crown"  # what the recorded answers answer


@dataclass(frozen=True)
class FirstRun:
    """What `apply_settings` wrote (QgsSettings keys without the prefix); empty when the user had chosen."""

    written: tuple[str, ...]

    @property
    def demo(self) -> bool:
        return "replay" in self.written


def apply_settings(engine_python: str, sam: str, replay: str = str(SAMPLE_ANSWERS)) -> FirstRun:
    """The profile's first-run settings, each written only where the user has not chosen: the engine interpreter
    when none is set; the recorded answers and the SAM when no model, server, replay file or SAM is set."""
    s = QgsSettings()
    written = []
    if not s.value(PREFIX + "engine_python", ""):
        s.setValue(PREFIX + "engine_python", engine_python)
        written.append("engine_python")
    if not any(s.value(PREFIX + key, "") for key in MODEL_KEYS):
        for key, value in (("backend", "replay"), ("replay", replay), ("sam", sam)):
            s.setValue(PREFIX + key, value)
            written.append(key)
    return FirstRun(tuple(written))


def sample_layer(project: Optional[QgsProject] = None) -> Optional[QgsRasterLayer]:
    """The sample orthophoto among the project's layers (QGIS opened the checkout's copy from the command line;
    the plugin ships the same file), else the plugin's copy added to the project."""
    project = project or QgsProject.instance()
    for layer in project.mapLayers().values():
        if isinstance(layer, QgsRasterLayer) and os.path.basename(layer.source()) == SAMPLE_RASTER.name:
            return layer
    layer = QgsRasterLayer(str(SAMPLE_RASTER), SAMPLE_RASTER.stem)
    if not layer.isValid():
        return None
    project.addMapLayer(layer)
    return layer


def prepare_dock(dock, first_run: FirstRun, layer: Optional[QgsRasterLayer]) -> None:
    """On the first-run demo, the dock asks what the recorded answers answer, on the view they were recorded
    for, with every granularity; a dock the user has filled in is left as it is."""
    if not first_run.demo or layer is None:
        return
    q = dock.question
    q.layer_combo.setLayer(layer)
    q.extent.set_source("layer")
    q.set_granularity(("boxes", "masks", "contours"))
    if not q.question():
        q.question_edit.setPlainText(SAMPLE_QUESTION)
    dock.refresh_readiness()


def start(engine_python: str, sam: str, profile: str) -> FirstRun:
    """`make run`'s start-up code (QGIS --code): the settings, then the dock opened on the sample."""
    from qgis.utils import iface, plugins

    first_run = apply_settings(engine_python, sam)
    plugin = plugins.get("remotereasoner_qgis")
    if plugin is None:
        iface.messageBar().pushWarning("RemoteReasoner", f"The plugin is not loaded: run 'make deploy PROFILE={profile}'.")
        return first_run
    plugin.action.setChecked(True)
    prepare_dock(plugin.dock, first_run, sample_layer())
    return first_run
