"""The provenance fields (run id, question, raster, model, prompt, gsd) on the dock's live layers, its final
GeoPackage layers and every format of Export…, read back with QGIS."""

from __future__ import annotations

import pytest
from qgis.core import QgsVectorLayer

from conftest import write_replay
from test_dock import TWO_TREES, _replay_settings, run_dock

from remotereasoner_qgis.ui.layers import export_layers


def test_provenance_in_layers_and_exports(qtbot, dock, raster, clean_settings, tmp_path):
    _replay_settings(clean_settings, write_replay(tmp_path / "a.jsonl", [TWO_TREES]))
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    summary, results = run_dock(qtbot, dock, "the two biggest tree crowns")
    want = {"run_id": summary["run_id"], "query": "the two biggest tree crowns", "raster": raster.source(),
            "model": "replay:a.jsonl", "prompt": "remotereasoner"}
    # the result events (what the live layers show) carry them
    props = [f["properties"] for ev in results for f in ev["features"]["boxes"]]
    assert len(props) == 2 and all(p[k] == v for p in props for k, v in want.items() if k != "run_id")
    assert all(p["gsd"] == pytest.approx(0.1) for p in props)
    layer = dock.run_layers.layers["boxes"]
    for f in layer.getFeatures():
        assert {k: f[k] for k in want} == want and f["gsd"] == pytest.approx(0.1)
    for fmt in ("gpkg", "shp", "geojson"):
        [path] = export_layers(dock.run_layers.layers, fmt, str(tmp_path / "exp" / f"trees.{fmt}"))
        exported = QgsVectorLayer(path, fmt, "ogr")
        feats = list(exported.getFeatures())
        assert len(feats) == 2, fmt
        for f in feats:
            assert {k: f[k] for k in want} == want, fmt
            assert float(f["gsd"]) == pytest.approx(0.1), fmt
