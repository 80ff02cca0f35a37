"""OSBS_029 with its 61 human tree boxes replayed as a model answer: 61 features at origin + pixel * 0.1 m."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pyogrio

from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run

X0, Y0, RES = 404211.9, 3285142.9, 0.1


def test_osbs_human_boxes_replayed(sample_tif, sample_boxes_px, tmp_path):
    assert len(sample_boxes_px) == 61
    answer = "<think>tree crowns</think><answer>" + json.dumps(sample_boxes_px.astype(int).tolist()) + "</answer>"
    replay = tmp_path / "osbs.jsonl"
    replay.write_text(json.dumps({"tile_id": 0, "raw_text": answer, "input_size": [400, 400]}) + "\n")
    out = tmp_path / "osbs.gpkg"
    summary = run(RunOptions(raster=str(sample_tif), query="the tree crowns", out=str(out), backend="replay",
                             replay=str(replay), formats=("shp",)))
    assert summary.status == "finished" and summary.counts == {"boxes": 61} and summary.tiles_total == 1
    df = pyogrio.read_dataframe(out, layer="boxes").sort_values("target_id")
    assert df.crs.to_epsg() == 32617
    got = np.array([g.bounds for g in df.geometry])
    x1, y1, x2, y2 = sample_boxes_px.T
    want = np.stack([X0 + x1 * RES, Y0 - y2 * RES, X0 + x2 * RES, Y0 - y1 * RES], axis=1)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)  # float64 rounding only
    assert list(df["target_id"]) == list(range(61))
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10200
    assert con.execute("SELECT input_size, parse_error FROM responses").fetchall() == [("[400, 400]", None)]
    assert con.execute("SELECT crs, status FROM runs").fetchone() == ("EPSG:32617", "finished")
    assert summary.exports == [str(tmp_path / "osbs_boxes.shp")]
    assert len(pyogrio.read_dataframe(summary.exports[0])) == 61
