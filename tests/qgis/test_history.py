"""Run history: the runs of the output folder listed from their GeoPackages, a reopened run showing the same
features, a cancelled run resumed to the end, and a run's post-processing redone with a SAM and a minimum area
from its recorded answers after the answer file is gone and the model setting points nowhere."""

from __future__ import annotations

import os
import re

import subprocess

import pytest
from qgis.core import QgsProject

from conftest import CANCEL_VIEWS, ROOT, cancellable_replay, write_replay
from test_dock import TWO_TREES, _replay_settings, run_dock


def features(layer) -> list[tuple]:
    names = [n for n in layer.fields().names() if n != "fid"]
    return sorted((tuple(f[n] for n in names), f.geometry().asWkt(6)) for f in layer.getFeatures())


def wait_panel(qtbot, panel, start, timeout=120_000):
    with qtbot.waitSignal(panel.runDone, timeout=timeout) as blocker:
        assert start() is not None, panel.status_label.text()
    return blocker.args


def test_list_reopen_and_redo_post_processing(qtbot, dock, raster, clean_settings, tmp_path, tiny_models):
    answers = write_replay(tmp_path / "a.jsonl", [TWO_TREES])
    _replay_settings(clean_settings, answers)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "the two biggest tree crowns")
    original = features(dock.run_layers.layers["boxes"])

    panel = dock.analyst.history
    entries = panel.refresh()
    assert len(entries) == 1
    e = entries[0]
    assert (e.gpkg, e.run_id, e.query, e.status) == (summary["out"], summary["run_id"], "the two biggest tree crowns", "finished")
    assert e.raster == raster.source() and e.counts == {"boxes": 2, "masks": 0, "contours": 0}
    assert [panel.table.item(0, j).text() for j in (0, 1, 3, 4, 5)] == [
        "the two biggest tree crowns", "OSBS_029.tif", "2", "0", "Finished"]
    # Started (UTC): the run's start as a date and time, "2026-12-06 18:21:58"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", panel.table.item(0, 2).text()), panel.table.item(0, 2).text()
    assert e.started.startswith(panel.table.item(0, 2).text().replace(" ", "T"))
    assert not panel.resume_button.isEnabled() and panel.rerun_button.isEnabled()

    # reopen: a new group with the same features
    QgsProject.instance().removeMapLayers([lyr.id() for lyr in dock.run_layers.layers.values()])
    reopened = panel.reopen(0)
    assert reopened.group.name() == "the two biggest tree crowns (2)"
    assert list(reopened.layers) == ["boxes"] and features(reopened.layers["boxes"]) == original

    # redo the post-processing with the tiny SAM, without the answer file and with a model that does not exist
    os.remove(answers)
    clean_settings.backend, clean_settings.model = "transformers", str(tmp_path / "no-such-model")
    clean_settings.save()
    panel.sam_edit.setText(str(tiny_models["sam"]))
    summary2, layers2 = wait_panel(qtbot, panel, lambda: panel.rerun(0))
    assert summary2.get("status") == "finished", summary2
    assert summary2["out"] != summary["out"] and summary2["counts"]["boxes"] == 2
    assert summary2["counts"]["masks"] >= 1
    boxes2 = layers2.layers["boxes"]
    assert [g for _a, g in features(boxes2)] == [g for _a, g in original]  # the same boxes, from the recording
    assert {f["model"] for f in boxes2.getFeatures()} == {f"replay:{os.path.basename(summary['out'])}"}
    assert layers2.layers["masks"].featureCount() == summary2["counts"]["masks"]
    # the redo is listed too, newest first
    assert [x.run_id for x in panel.entries] == [summary2["run_id"], summary["run_id"]]

    # again with a minimum area no mask reaches: the masks are gone, the boxes stay
    panel.min_area_spin.setValue(1e6)
    summary3, _ = wait_panel(qtbot, panel, lambda: panel.rerun(panel.entries.index(
        next(x for x in panel.entries if x.run_id == summary["run_id"]))))
    assert summary3["counts"].get("masks", 0) == 0 and summary3["counts"]["boxes"] == 2


def test_resume_a_cancelled_run(qtbot, dock, raster, clean_settings, tmp_path):
    cancellable_replay(clean_settings, tmp_path)
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, _ = run_dock(qtbot, dock, "small things", on_result=lambda ev: dock.cancel_run())
    assert summary["status"] == "cancelled"
    panel = dock.analyst.history
    [entry] = panel.refresh()
    assert entry.status == "cancelled" and entry.resumable and entry.counts["boxes"] < CANCEL_VIEWS
    assert panel.resume_button.isEnabled()
    summary2, layers = wait_panel(qtbot, panel, lambda: panel.resume(0))
    assert summary2["status"] == "finished" and summary2["out"] == summary["out"]
    [entry] = panel.entries
    assert entry.status == "finished" and not entry.resumable
    # as many boxes as one uninterrupted run of the same settings
    full, _ = run_dock(qtbot, dock, "small things")
    assert entry.counts["boxes"] == full["counts"]["boxes"] == layers.layers["boxes"].featureCount()


@pytest.mark.parametrize("lang, started, statuses", [
    ("en", "Started (UTC)", ["Cancelled", "Finished"]),
    ("fr", "Début (UTC)", ["Annulé", "Terminé"]),
    ("zh_CN", "开始时间（UTC）", ["已取消", "已完成"]),
])
def test_history_dates_and_statuses_in_each_language(qtbot, qgis_iface, raster, clean_settings, tmp_path, lang,
                                                    started, statuses):
    """Two runs (one cancelled, one finished) listed in English, French and Chinese: a date in Started (UTC),
    the statuses in the user's language."""
    from remotereasoner_qgis import i18n
    from remotereasoner_qgis.ui import dock as rd

    subprocess.run(["make", "-s", "-C", str(ROOT), "translations"], check=True, capture_output=True)
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    translator = i18n.install_translator(lang) if lang != "en" else None
    assert lang == "en" or translator is not None
    d = rd.RemoteReasonerDock(qgis_iface)
    try:
        d.question.layer_combo.setLayer(raster)
        d.question.extent.set_source("layer")
        run_dock(qtbot, d, "the two biggest tree crowns")
        # a second run's row marked cancelled in its GeoPackage, as the engine leaves a cancelled run
        summary, _ = run_dock(qtbot, d, "the two biggest tree crowns")
        import sqlite3
        with sqlite3.connect(summary["out"]) as db:
            db.execute("UPDATE runs SET status = 'cancelled'")
        panel = d.analyst.history
        entries = panel.refresh()
        assert len(entries) == 2
        assert panel.table.horizontalHeaderItem(2).text() == started
        for row in range(2):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", panel.table.item(row, 2).text())
        assert sorted(panel.table.item(row, 5).text() for row in range(2)) == sorted(statuses)
    finally:
        d.shutdown()
        d.deleteLater()
        i18n.remove_translator(translator)
