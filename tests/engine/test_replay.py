"""Replay backend: recorded answers from JSON-lines and from a result GeoPackage's `responses` table."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from PIL import Image

from inference_core.models.backends.base import BackendError
from inference_core.models.backends.factory import make_backend
from inference_core.models.backends.replay import ReplayBackend
from inference_core.contract.options import RunOptions


def _requests(*sizes):
    from inference_core.models.backends.base import ReasonRequest

    return [ReasonRequest(tile_id=i, image=Image.new("RGB", size), prompt="q") for i, size in enumerate(sizes)]


def test_jsonl_in_order_with_defaults(tmp_path):
    path = tmp_path / "answers.jsonl"
    lines = [
        {"tile_id": 2, "raw_text": "<answer>[[1,2,3,4]]</answer>", "input_size": [560, 420]},
        {"raw_text": "<answer>[]</answer>"},  # tile_id defaults to 0, input_size to the image's size
        {"tile_id": 2, "raw_text": "<answer>[[5,6,7,8]]</answer>", "input_size": [280, 280]},  # later wins
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    backend = ReplayBackend(path)
    assert backend.name == "replay" and backend.model_id == "replay:answers.jsonl"
    replies = backend.reason(_requests((300, 200), (100, 100), (400, 300)))
    assert [r.tile_id for r in replies] == [0, 1, 2]
    assert [r.raw_text for r in replies] == ["<answer>[]</answer>", "", "<answer>[[5,6,7,8]]</answer>"]
    assert [r.input_size for r in replies] == [(300, 200), (100, 100), (280, 280)]  # tile 1 unrecorded: ""


def test_jsonl_bad_line_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"raw_text": "ok"}\n{not json}\n')
    with pytest.raises(BackendError, match="bad.jsonl line 2 is not JSON") as exc:
        ReplayBackend(path)
    assert exc.value.code == "input"
    path.write_text('{"tile_id": 1}\n')
    with pytest.raises(BackendError, match='line 1 needs a "raw_text"'):
        ReplayBackend(path)


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(BackendError, match="Replay file not found"):
        ReplayBackend(tmp_path / "nope.jsonl")
    other = tmp_path / "answers.txt"
    other.write_text("x")
    with pytest.raises(BackendError, match=r"\.gpkg\) or a JSON-lines file"):
        ReplayBackend(other)


def _write_result_gpkg(path):
    """A minimal result GeoPackage (attribute tables only) written by GDAL through pyogrio."""
    from pyogrio import write_dataframe

    runs = pd.DataFrame(
        {"run_id": ["old", "new"], "started": ["2026-11-27T10:00:00", "2026-11-27T11:00:00"], "status": ["finished"] * 2}
    )
    responses = pd.DataFrame(
        {
            "run_id": ["old", "old", "new", "new"],
            "tile_id": [0, 1, 1, 0],
            "window": ["[0, 0, 400, 400]", "[400, 0, 400, 400]", "[400, 0, 400, 400]", "[0, 0, 400, 400]"],
            "input_size": ["[392, 392]", "[392, 392]", "[392, 392]", None],
            "raw_text": ["old 0", "old 1", "<answer>[[10,20,30,40]]</answer>", "<think>t</think><answer>[]</answer>"],
            "parse_error": [None, None, None, None],
            "seconds": [1.0, 1.0, 2.5, 2.0],
        }
    )
    write_dataframe(runs, path, layer="runs", driver="GPKG")
    write_dataframe(responses, path, layer="responses", driver="GPKG", append=True)
    return path


def test_gpkg_newest_run(tmp_path):
    path = _write_result_gpkg(tmp_path / "result.gpkg")
    backend = make_backend(RunOptions(raster="r.tif", query="q", out="o.gpkg", backend="replay", replay=str(path)))
    assert isinstance(backend, ReplayBackend) and backend.model_id == "replay:result.gpkg"
    replies = backend.reason(_requests((400, 400), (400, 400), (400, 400)))
    assert [(r.tile_id, r.raw_text, r.input_size) for r in replies] == [
        (0, "<think>t</think><answer>[]</answer>", (400, 400)),  # input_size NULL -> the image's size
        (1, "<answer>[[10,20,30,40]]</answer>", (392, 392)),
        (2, "", (400, 400)),
    ]


def test_gpkg_without_runs_table_uses_last_written_run(tmp_path):
    import sqlite3

    path = tmp_path / "plain.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE responses (fid INTEGER PRIMARY KEY, run_id TEXT, tile_id INTEGER, window TEXT, "
                "input_size TEXT, raw_text TEXT, parse_error TEXT, seconds REAL)")
    con.executemany(
        "INSERT INTO responses (run_id, tile_id, input_size, raw_text) VALUES (?, ?, ?, ?)",
        [("a", 0, "[28, 28]", "first"), ("b", 0, "[56, 84]", "second")],
    )
    con.commit()
    con.close()
    (reply,) = ReplayBackend(path).reason(_requests((10, 10)))
    assert (reply.raw_text, reply.input_size) == ("second", (56, 84))


def test_gpkg_without_responses(tmp_path):
    import sqlite3

    path = tmp_path / "empty.gpkg"
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.close()
    with pytest.raises(BackendError, match="has no `responses` table"):
        ReplayBackend(path)
