"""The `remotereasoner reason` command: exit status and one-line errors for bad input, a replay run end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from inference_core.cli.main import SUBCOMMANDS, main
from inference_core.cli.reason import _extent
from inference_core.cli.progress import ProgressPrinter


def _answers(tmp_path, boxes=((203, 67, 227, 90),), size=(400, 400)):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"tile_id": 0, "raw_text": f"<answer>{json.dumps([list(b) for b in boxes])}</answer>",
                                "input_size": list(size)}) + "\n")
    return str(path)


def _cli(capsys, *argv):
    rc = main(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.mark.parametrize("case, fix, expected", [
    ("missing", lambda t, s: [str(t / "nope.tif")], "Raster not found"),
    ("unreadable", lambda t, s: [_text_file(t)], "as a raster"),
    ("outside", lambda t, s: [str(s), "--extent", "0,0,10,10"], "lies outside the raster"),
    ("outside_wgs84", lambda t, s: [str(s), "--extent", "2.3,48.8,2.4,48.9:4326"], "lies outside the raster"),
    ("empty_query", lambda t, s: [str(s), "--query", "  "], "The question is empty"),
    ("band", lambda t, s: [str(s), "--bands", "4,3,2"], "Band 4 does not exist: OSBS_029.tif has 3 band(s)"),
    ("unwritable", lambda t, s: [str(s), "--out", str(t / "no" / "such" / "dir.gpkg")], "does not exist"),
    ("model_folder", lambda t, s: [str(s), "--model", str(t / "no-model"), "--device", "cpu"], "Model folder not found"),
])
def test_bad_input_one_line_error(case, fix, expected, tmp_path, sample_tif, capsys):
    args = fix(tmp_path, sample_tif)
    argv = ["reason"] + args[:1] + ["--query", "trees", "--out", str(tmp_path / "r.gpkg")] + args[1:]
    rc, out, err = _cli(capsys, *argv)
    assert rc == (3 if case == "model_folder" else 2)
    assert expected in err and err.count("\n") == 1 and err.startswith("remotereasoner: error: ")
    assert "Traceback" not in err and out == ""
    if case != "model_folder":
        assert not (tmp_path / "r.gpkg").exists()


def _text_file(tmp_path):
    p = tmp_path / "photo.tif"
    p.write_text("this is not an image")
    return str(p)


def test_argument_errors(capsys, tmp_path, sample_tif):
    with pytest.raises(SystemExit) as ex:
        main(["reason", str(sample_tif), "-q", "x", "-o", str(tmp_path / "r.gpkg"), "--extent", "1,2,3"])
    assert ex.value.code == 2 and "xmin,ymin,xmax,ymax" in capsys.readouterr().err
    rc, _, err = _cli(capsys, "reason", "-o", str(tmp_path / "r.gpkg"), "-q", "x")
    assert rc == 2 and "give the RASTER" in err
    assert _extent("1,2,3,4:4326") == ((1.0, 2.0, 3.0, 4.0), "EPSG:4326")
    assert _extent("1,2,3,4:EPSG:32617") == ((1.0, 2.0, 3.0, 4.0), "EPSG:32617")
    assert _extent("1,2,3,4") == ((1.0, 2.0, 3.0, 4.0), None)
    assert SUBCOMMANDS[0] == "inference_core.cli.reason"


def test_command_line_defaults_are_the_run_option_defaults(monkeypatch):
    """`reason` and `evaluate` take every default from contract.options: no option restates one."""
    import dataclasses

    from inference_core.cli.main import build_parser
    from inference_core.cli.reason import options_from_args
    from inference_core.contract.options import REFERENCE_MAX_PIXELS, RunOptions
    from inference_core.evaluate.cli import _options_from_args

    monkeypatch.delenv("REMOTEREASONER_API_KEY", raising=False)
    parser = build_parser()
    got = options_from_args(parser.parse_args(["reason", "a.tif", "-q", "trees", "-o", "o.gpkg"]))
    assert got == RunOptions(raster="a.tif", query="trees", out="o.gpkg")
    assert got.reuse is True and got.batch_size == 0  # answers reused, batches sized by memory
    no_reuse = options_from_args(parser.parse_args(["reason", "a.tif", "-q", "trees", "-o", "o.gpkg", "--no-reuse"]))
    assert no_reuse.reuse is False
    defaults = {f.name: f.default for f in dataclasses.fields(RunOptions)}
    evaluate = _options_from_args(parser.parse_args(["evaluate", "data", "--layout", "folder", "--out", "r"]))
    # evaluate scores as the reference inference runs: its budget, one view per image (docs/fidelity.md)
    assert (evaluate.pop("max_pixels"), evaluate.pop("single_view")) == (REFERENCE_MAX_PIXELS, True)
    for name, value in evaluate.items():
        if name not in ("raster", "query", "out"):
            assert value == defaults[name], name


def test_replay_run_summary_and_exports(tmp_path, sample_tif, capsys):
    out = tmp_path / "r.gpkg"
    rc, stdout, err = _cli(capsys, "reason", str(sample_tif), "-q", "trees", "-o", str(out), "--backend", "replay",
                           "--replay", _answers(tmp_path), "--format", "shp,geojson", "--json")
    assert rc == 0, err
    summary = json.loads(stdout)
    assert summary["status"] == "finished" and summary["counts"] == {"boxes": 1}
    assert sorted(os.path.basename(p) for p in summary["exports"]) == ["r_boxes.geojson", "r_boxes.shp"]
    assert "tile 1/1 done" in err  # plain progress lines when stderr is not a terminal


def test_python_m_subprocess_and_text_summary(tmp_path, sample_tif, repo_root):
    out = tmp_path / "r.gpkg"
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-m", "inference_core", "reason", str(sample_tif), "--query", "trees", "--out", str(out),
         "--backend", "replay", "--replay", _answers(tmp_path, boxes=((0, 0, 40, 40), (100, 100, 140, 120)))],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "finished" in proc.stdout and "boxes      2 feature(s)" in proc.stdout and str(out) in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "inference_core", "reason", str(tmp_path / "x.tif"), "-q", "t",
                          "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "Raster not found" in bad.stderr


def test_tty_progress_bar():
    import io

    buf = io.StringIO()
    p = ProgressPrinter(buf, tty=True)
    p({"type": "progress", "stage": "reason", "tile": 3, "tiles": 12, "eta_s": 95.0})
    p({"type": "warning", "message": "no CRS"})
    p.close()
    text = buf.getvalue()
    assert text.startswith("\r[") and "3/12 views" in text and "ETA 1:35" in text and "\nwarning: no CRS\n" in text
