"""The dock's "Copy as command" panel: the `PYTHONPATH=… <engine python> -m inference_core reason …` and
`qgis_process run remotereasoner:reason …` lines of the current question, extent and settings, each runnable as
pasted in a shell of this machine. Built from the same RunOptions a run would get (bridge/run_options.py);
never with a secret."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from qgis.core import QgsRasterLayer
from qgis.PyQt.QtWidgets import QApplication, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from inference_core.contract.command import cli_command, shell_line
from inference_core.contract.options import RunOptions

from .. import settings as rr_settings
from ..bridge.run_options import options_for_run
from ..bridge.run_paths import new_run_path
from ..paths import ENGINE_ROOT
from ..processing.command import not_carried, qgis_process_args, qgis_process_executable


@dataclass
class Commands:
    cli: str
    qgis_process: str
    notes: list[str] = field(default_factory=list)


class CommandPanel(QWidget):
    """Shows both command lines (refreshed on demand) with a Copy button each."""

    def __init__(self, dock, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.dock = dock
        lay = QVBoxLayout(self)
        self.refresh_button = QPushButton(self.tr("Show the commands for the current question"), self)
        lay.addWidget(self.refresh_button)
        lay.addWidget(QLabel(self.tr("Command line (the engine's Python on the other machine)")))
        self.cli_text = QPlainTextEdit(self)
        self.cli_text.setReadOnly(True)
        self.cli_text.setMaximumHeight(90)
        lay.addWidget(self.cli_text)
        lay.addWidget(QLabel(self.tr("QGIS Processing (qgis_process)")))
        self.qgis_text = QPlainTextEdit(self)
        self.qgis_text.setReadOnly(True)
        self.qgis_text.setMaximumHeight(90)
        lay.addWidget(self.qgis_text)
        self.notes_label = QLabel(self)
        self.notes_label.setWordWrap(True)
        lay.addWidget(self.notes_label)
        row = QHBoxLayout()
        self.copy_cli_button = QPushButton(self.tr("Copy command line"), self)
        self.copy_qgis_button = QPushButton(self.tr("Copy qgis_process command"), self)
        row.addWidget(self.copy_cli_button)
        row.addWidget(self.copy_qgis_button)
        lay.addLayout(row)
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.copy_cli_button.clicked.connect(lambda: self.copy(self.cli_text.toPlainText()))
        self.copy_qgis_button.clicked.connect(lambda: self.copy(self.qgis_text.toPlainText()))

    def current_options(self) -> tuple[Optional[RunOptions], str, str]:
        """(options, raster CRS authid, "") for the dock's current choices, or (None, "", why not)."""
        d = self.dock.question
        question = d.question()
        layer = d.layer_combo.currentLayer()
        if not question:
            return None, "", self.tr("Type a question first.")
        if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal" or not os.path.isfile(layer.source()):
            return None, "", self.tr("Choose a raster file layer.")
        if not d.granularity():
            return None, "", self.tr("Tick at least one of Boxes, Masks, Contours.")
        extent, why = d.extent.requested_extent(layer)
        if why:
            return None, "", why
        cfg = rr_settings.PluginSettings.load()
        folder, _temporary = rr_settings.output_dir(cfg)
        out = new_run_path(folder, question)
        try:
            # no API key: the commands name the variable it is read from, never the key
            options = RunOptions.from_dict(options_for_run(cfg, layer.source(), question, d.granularity(), extent, out, None))
        except ValueError as exc:
            return None, "", str(exc)
        return options, layer.crs().authid(), ""

    def commands(self) -> tuple[Optional[Commands], str]:
        options, crs, why = self.current_options()
        if options is None:
            return None, why
        notes = []
        if options.backend == "openai":
            notes.append(self.tr("Set {var} to the server's API key first (the key is never in the command).").format(
                var=options.api_key_env))
        missing = not_carried(options)
        if missing:
            notes.append(self.tr("qgis_process takes {names} from that machine's RemoteReasoner settings.").format(
                names=", ".join(missing)))
        # as pasted in a POSIX shell: the engine venv's Python by its full path and PYTHONPATH = the folder that
        # holds inference_core (the venv Set up engine builds has the engine's packages, not the engine itself)
        cfg = rr_settings.PluginSettings.load()
        cli = shell_line(cli_command(options, python=cfg.engine_python or "python"), env={"PYTHONPATH": ENGINE_ROOT})
        return Commands(cli, shell_line(qgis_process_args(options, crs, qgis_process_executable())), notes), ""

    def refresh(self) -> Optional[Commands]:
        cmds, why = self.commands()
        self.cli_text.setPlainText(cmds.cli if cmds else "")
        self.qgis_text.setPlainText(cmds.qgis_process if cmds else "")
        self.notes_label.setText("\n".join(cmds.notes) if cmds else why)
        self.copy_cli_button.setEnabled(cmds is not None)
        self.copy_qgis_button.setEnabled(cmds is not None)
        return cmds

    def copy(self, text: str) -> None:
        if text:
            QApplication.clipboard().setText(text)
