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
    w.resize(760, 400)
    w.show()
    qtbot.waitExposed(w)
    table = w.table
    assert [table.horizontalHeaderItem(j).text() for j in range(5)] == ["Model", "Size", "Licence", "Source", "State"]
    # titles and sizes are never cut; long cells say all in their tooltip
    for r in range(table.rowCount()):
        title = table.item(r, 0).text()
        assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(title)
        assert table.item(r, 3).toolTip() == table.item(r, 3).text()
    assert w.in_use() == set()  # a local folder is in use, no catalog entry
    with qtbot.waitSignal(w.loadChecked, timeout=180_000) as checked:
        assert w.test_load() is not None
    assert checked.args[0] is True, checked.args[1]
    assert w.status.text() == f"The model loads: {tiny_models['mllm']}."
    # a catalog model in use: its row is bold with a check mark
    clean_settings.model = "1e12Leon/RemoteReasoner"
    clean_settings.save()
    w.fill_quick()
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
