"""The Models tab: whole titles, translated headers, the model in use marked, Test load naming what loads."""

from __future__ import annotations

import subprocess

from conftest import ROOT

from remotereasoner_qgis import i18n
from remotereasoner_qgis.ui import models_tab as mm


def test_model_in_use_is_marked_and_named_when_it_loads(clean_settings, tiny_models, qtbot):
    clean_settings.device = "cpu"
    clean_settings.save()
    w = mm.ModelsWidget()
    qtbot.addWidget(w)
    w.resize(1000, 400)  # the Setup dialog's width (ui/setup_dialog.py)
    w.show()
    qtbot.waitExposed(w)
    table = w.table
    assert [table.horizontalHeaderItem(j).text() for j in range(5)] == ["Model", "Size", "Licence", "Source", "State"]
    # titles and sizes are never cut; long cells say all in their tooltip
    for r in range(table.rowCount()):
        title = table.item(r, 0).text()
        assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(title)
        assert table.item(r, 3).toolTip() == table.item(r, 3).text()
        # the licence's name whole, what follows it in the tooltip
        licence = table.item(r, 2)
        assert licence.toolTip().startswith(licence.text()) and "(" not in licence.text()
        assert table.columnWidth(2) >= table.fontMetrics().horizontalAdvance(licence.text())
    # nothing wider than the table: no horizontal scrolling
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert w.in_use() == set()  # a local folder is in use, no catalog entry
    with qtbot.waitSignal(w.loadChecked, timeout=180_000) as checked:
        assert w.test_load() is not None
    assert checked.args[0] is True, checked.args[1]
    assert w.status.text() == f"The model loads: {tiny_models['mllm']}."
    # a catalog model chosen but not downloaded: never "in use" beside "absent"
    clean_settings.model = "1e12Leon/RemoteReasoner"
    clean_settings.save()
    w.fill_quick()
    assert w.state_of("remotereasoner-7b") == "absent" and w.in_use() == set()
    assert w.chosen_absent() == {"remotereasoner-7b"} and not table.item(0, 0).font().bold()
    assert table.item(0, 0).toolTip() == ("RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO) — chosen in the settings, "
                                          "not downloaded yet")
    # once present on disk it is in use: its row is bold with a check mark
    w.fill([{**vars(e), **mm.quick_state(e, w.folder()), **({"state": "present"} if e.key == "remotereasoner-7b"
                                                            else {})} for e in w.entries])
    assert w.in_use() == {"remotereasoner-7b"}
    first = table.item(0, 0)
    assert first.font().bold() and not first.icon().isNull()
    assert first.toolTip() == "RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO) — runs use this model"
    assert not table.item(1, 0).font().bold() and table.item(1, 0).icon().isNull()
    assert w.loaded_names() == "RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO)"


def test_headers_and_states_are_translated(clean_settings, qtbot):
    subprocess.run(["bash", str(ROOT / "scripts" / "translations.sh")], check=True, capture_output=True, timeout=120)
    translator = i18n.install_translator("fr")
    try:
        w = mm.ModelsWidget()
        qtbot.addWidget(w)
        headers = [w.table.horizontalHeaderItem(j).text() for j in range(5)]
        assert headers == ["Modèle", "Taille", "Licence", "Source", "État"]
        assert w.table.item(0, 4).text() in ("absent", "présent", "en téléchargement", "corrompu")
        assert w.state_label("present") == "présent"
    finally:
        i18n.remove_translator(translator)
