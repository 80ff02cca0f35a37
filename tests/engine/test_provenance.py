"""Every feature of all three layers says where it came from — run id, question, source raster, model, prompt
template, the view's ground sample distance — in the GeoPackage, the Shapefiles and the GeoJSON alike; an
older GeoPackage without these columns gets them when a run is appended to it."""

from __future__ import annotations

import json
import sqlite3

import pyogrio
import pytest

from inference_core.contract.options import RunOptions
from inference_core.contract.schema import FEATURE_LAYERS, PROVENANCE_FIELDS, field_names
from inference_core.run.export import shp_field_name
from inference_core.run.pipeline import run


def _replay(tmp_path, input_size):
    path = tmp_path / "a.jsonl"
    text = "<think>two crowns</think><answer>[[19, 39, 66, 87], [160, 150, 215, 205]]</answer>"
    path.write_text(json.dumps({"tile_id": 0, "raw_text": text, "input_size": input_size}) + "\n", encoding="utf-8")
    return path


def test_provenance_on_every_feature_and_export(sample_tif, tmp_path, tiny_models):
    for layer in FEATURE_LAYERS:
        names = field_names(layer)
        assert {"run_id", "query", "model"} <= set(names) and {n for n, _ in PROVENANCE_FIELDS} <= set(names)
    out = tmp_path / "r.gpkg"
    # the model saw the 400 x 400 px view at 200 x 200: one of its pixels is 0.2 m (boxes); SAM read the view
    # at its native 0.1 m, and a mask's or outline's gsd is that of the pixels it was drawn from
    opts = RunOptions(raster=str(sample_tif), query="the tree crowns", out=str(out), backend="replay",
                      replay=str(_replay(tmp_path, [200, 200])), granularity=("boxes", "masks", "contours"),
                      sam=str(tiny_models.sam_path), device="cpu", formats=("shp", "geojson"))
    summary = run(opts)
    assert summary.status == "finished" and summary.counts["boxes"] == 2 and summary.counts["masks"] >= 1
    want = {"run_id": summary.run_id, "query": "the tree crowns", "raster": str(sample_tif.resolve()),
            "model": "replay:a.jsonl", "prompt": "remotereasoner"}
    for layer in FEATURE_LAYERS:
        df = pyogrio.read_dataframe(out, layer=layer)
        assert len(df) == summary.counts[layer]
        for name, value in want.items():
            assert set(df[name]) == {value}, (layer, name)
        gsd = 0.2 if layer == "boxes" else 0.1
        assert df["gsd"].tolist() == pytest.approx([gsd] * len(df))
        for path in (tmp_path / f"r_{layer}.shp", tmp_path / f"r_{layer}.geojson"):
            exported = pyogrio.read_dataframe(path)
            col = (lambda n: shp_field_name(n)) if path.suffix == ".shp" else (lambda n: n)  # noqa: E731
            for name, value in want.items():
                assert set(exported[col(name)]) == {value}, (path.name, name)
            assert exported[col("gsd")].tolist() == pytest.approx([gsd] * len(df))
    # masks also name the SAM that drew them; `model` stays the reasoning model, as on boxes and contours
    masks = pyogrio.read_dataframe(out, layer="masks")
    assert len(set(masks["sam_model"])) == 1 and masks["sam_model"][0] and masks["sam_model"][0] != "replay:a.jsonl"


def test_appending_to_an_older_geopackage_adds_the_new_columns(sample_tif, tmp_path):
    out = tmp_path / "old.gpkg"
    opts = RunOptions(raster=str(sample_tif), query="q", out=str(out), backend="replay",
                      replay=str(_replay(tmp_path, [400, 400])))
    run(opts)
    # what an older version wrote: no provenance columns
    con = sqlite3.connect(out)
    for name, _kind in PROVENANCE_FIELDS:
        con.execute(f'ALTER TABLE boxes DROP COLUMN "{name}"')
    con.commit()
    con.close()
    summary = run(RunOptions(**{**opts.to_dict(), "append": True, "query": "again"}))
    df = pyogrio.read_dataframe(out, layer="boxes")
    new = df[df["run_id"] == summary.run_id]
    assert len(df) == 4 and len(new) == 2
    assert set(new["prompt"]) == {"remotereasoner"} and new["gsd"].tolist() == pytest.approx([0.1, 0.1])
    assert df[df["run_id"] != summary.run_id]["prompt"].isna().all()
