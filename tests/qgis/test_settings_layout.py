"""The settings dialog is not cramped: errors sit under what they are about and wrap, long paths are
shortened in the middle with the whole path in a tooltip."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QFormLayout

from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.ui import settings_dialog as sd
from remotereasoner_qgis.ui.elide import elide_path

LONG = "/home/someone/.local/share/QGIS/QGIS3/profiles/default/remotereasoner/models/sam_vit_h_4b8939.pth"


def _row(form: QFormLayout, widget) -> int:
    row, _role = form.getWidgetPosition(widget)
    return row


def test_elide_path_keeps_start_and_end():
    short = elide_path(LONG)
    assert len(short) == 48 and short.startswith("/home/some") and short.endswith("models/sam_vit_h_4b8939.pth")
    assert "…" in short and elide_path("/tmp/x") == "/tmp/x"


def test_overlap_error_is_under_the_overlap_field(clean_settings):
    dlg = sd.SettingsDialog()
    dlg.show()
    dlg.tile_spin.setValue(504)
    dlg.overlap_spin.setValue(300)
    dlg.accept()
    assert dlg.isVisible()  # refused: the dialog stays open
    assert not dlg.overlap_error.isHidden()
    assert dlg.overlap_error.text() == "The overlap must be less than half the tile size (252 px)."
    assert _row(dlg.compute_form, dlg.overlap_error) == _row(dlg.compute_form, dlg.overlap_spin) + 1
    assert dlg.test_label.text() == ""  # not beside Test connection
    dlg.overlap_spin.setValue(56)  # fixing the value takes the error away
    assert dlg.overlap_error.isHidden()
    dlg.accept()
    assert rs.PluginSettings.load().overlap == 56


def test_connection_error_wraps_on_its_own_row(clean_settings, qtbot):
    dlg = sd.SettingsDialog()
    dlg.server_radio.setChecked(True)
    dlg.resize(600, 700)
    dlg.show()
    width = dlg.width()
    dlg.server_url_edit.setText("http://127.0.0.1:1/v1")
    assert dlg.test_connection() == []
    text = dlg.test_label.text()
    assert text.startswith("Connection failed:")
    form = dlg.model_form
    assert _row(form, dlg.test_label) == _row(form, dlg.test_button) + 1
    assert form.getWidgetPosition(dlg.test_label)[1] == QFormLayout.ItemRole.FieldRole
    assert dlg.test_label.wordWrap()
    dlg._say("Connection failed: " + "the server said something long and unhelpful " * 8)
    qtbot.wait(50)  # the window takes the new layout size
    label = dlg.test_label
    assert label.height() >= label.heightForWidth(label.width()) > 3 * label.fontMetrics().height()  # every line
    assert dlg.width() == width  # wrapped, not widened


def test_long_paths_have_tooltips(clean_settings):
    clean_settings.sam = LONG
    clean_settings.save()
    dlg = sd.SettingsDialog()
    assert dlg.sam_edit.toolTip() == LONG and dlg.sam_edit.filePath() == LONG
    dlg.sam_edit.setFilePath("/data/sam_vit_b.pth")
    assert dlg.sam_edit.toolTip() == "/data/sam_vit_b.pth"
    placeholder = dlg.output_edit.lineEdit().placeholderText()
    assert placeholder.startswith("empty: ")
    assert len(placeholder) < 48 + 40


def test_dock_output_line_is_elided(qtbot, qgis_iface, clean_settings, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer

    from conftest import SAMPLE, write_replay
    from remotereasoner_qgis.ui.dock import RemoteReasonerDock

    deep = tmp_path / ("a-very-long-folder-name-" * 4) / "results"
    clean_settings.output_dir, clean_settings.backend = str(deep), "replay"
    clean_settings.replay = str(write_replay(tmp_path / "a.jsonl", ["<answer>[[1,1,9,9]]</answer>"]))
    clean_settings.save()
    layer = QgsRasterLayer(str(SAMPLE), "OSBS_029")
    QgsProject.instance().addMapLayer(layer)
    dock = RemoteReasonerDock(qgis_iface)
    try:
        dock.question.layer_combo.setLayer(layer)
        dock.question.extent.set_source("layer")
        with qtbot.waitSignal(dock.runCompleted, timeout=90_000):
            assert dock.start_run("trees") is not None
        text, tip = dock.status.output_label.text(), dock.status.output_label.toolTip()
        assert tip.startswith(str(deep)) and tip.endswith("_trees.gpkg")
        assert "…" in text and text.endswith("_trees.gpkg") and len(text) < len("Results: ") + 61
    finally:
        dock.shutdown()


def test_a_credential_in_the_server_url_is_refused_not_stored(clean_settings):
    from qgis.core import QgsSettings

    dlg = sd.SettingsDialog()
    dlg.show()
    dlg.server_radio.setChecked(True)
    for url in ("http://alice:s3cret@gpu:8000/v1", "http://gpu:8000/v1?api_key=s3cret"):
        dlg.server_url_edit.setText(url)
        dlg.accept()
        assert dlg.isVisible() and not dlg.url_error.isHidden()  # refused, the dialog stays open
        assert dlg.url_error.text().startswith("This URL holds a credential")
        assert rs.PluginSettings.load().server_url == ""
        assert not any("s3cret" in str(QgsSettings().value(k)) for k in QgsSettings().allKeys())
    dlg.server_url_edit.setText("http://gpu:8000/v1")
    dlg.server_url_edit.textEdited.emit("http://gpu:8000/v1")  # typing takes the error away
    assert dlg.url_error.isHidden()
    dlg.accept()
    assert rs.PluginSettings.load().server_url == "http://gpu:8000/v1" and not dlg.isVisible()
