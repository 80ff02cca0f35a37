"""Output files: --out never replaces what the engine did not write, --append refuses a foreign schema untouched,
resume of damaged files and odd run ids, a full disk named as the disk (real tmpfs when the system allows one)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from rasterio import shutil as rio_shutil
from rasterio.transform import from_origin

from inference_core.cli.main import main
from inference_core.common.errors import InputError, PipelineError
from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.run.disk_full import disk_full_error, is_disk_full, mount_point, naming_the_disk
from inference_core.run.output_guard import guard_output, inspect
from inference_core.run.pipeline import run

TILED = dict(tile_size=112, overlap=28, max_pixels=12544)  # 16 views of a 300 x 300 raster
TILED_ARGS = ["--tile-size", "112", "--overlap", "28", "--max-pixels", "12544"]


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _answers(tmp_path, n=1, text="<answer>[[10,10,50,50]]</answer>"):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"tile_id": i, "raw_text": text, "input_size": [112, 112]}) + "\n"
                            for i in range(n)))
    return str(path)


def _cli(capsys, *argv):
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _reason(capsys, raster, out, tmp_path, *extra):
    return _cli(capsys, "reason", raster, "-q", "trees", "-o", out, "--backend", "replay",
                "--replay", _answers(tmp_path), "--quiet", *extra)


def _one_line_error(rc, err, expected, code=2):
    assert rc == code, err
    assert err.startswith("remotereasoner: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert expected in err, err


def _foreign_gpkg(path, layer, **columns):
    cols = columns or {"name": ["a"]}
    gpd.GeoDataFrame(cols, geometry=[shapely.Point(404212, 3285103)], crs="EPSG:32617").to_file(path, layer=layer)
    return path


# ---------------------------------------------------------------------------------------------- Output files
def test_input_geopackage_raster_as_out_is_refused_and_kept(tmp_path, sample_tif, capsys):
    raster = tmp_path / "ortho.gpkg"
    rio_shutil.copy(str(sample_tif), str(raster), driver="GPKG")
    before = _sha(raster)
    for extra in ((), ("--append",)):
        rc, out, err = _reason(capsys, raster, raster, tmp_path, *extra)
        _one_line_error(rc, err, "is the input raster")
        assert f"{tmp_path / 'ortho_results.gpkg'}" in err and out == ""
    assert _sha(raster) == before


def test_input_geotiff_as_out_is_refused(tmp_path, sample_tif, capsys):
    raster = tmp_path / "ortho.tif"
    shutil.copy(sample_tif, raster)
    before = _sha(raster)
    rc, _, err = _reason(capsys, raster, raster, tmp_path)
    _one_line_error(rc, err, "must be a GeoPackage file name ending in .gpkg")
    assert _sha(raster) == before


def test_other_raster_geopackage_is_not_replaced(tmp_path, sample_tif, capsys):
    other = tmp_path / "basemap.gpkg"
    rio_shutil.copy(str(sample_tif), str(other), driver="GPKG")
    before = _sha(other)
    rc, _, err = _reason(capsys, sample_tif, other, tmp_path)
    _one_line_error(rc, err, "RemoteReasoner did not write it")
    assert "move the file away yourself" in err and _sha(other) == before


def test_foreign_file_named_gpkg_is_not_replaced(tmp_path, sample_tif, capsys):
    foreign = tmp_path / "notes.gpkg"
    foreign.write_text("my thesis notes")
    rc, _, err = _reason(capsys, sample_tif, foreign, tmp_path)
    _one_line_error(rc, err, "not an SQLite file")
    assert foreign.read_text() == "my thesis notes"


def test_foreign_vector_geopackage_is_not_replaced(tmp_path, sample_tif, capsys):
    foreign = _foreign_gpkg(tmp_path / "parcels.gpkg", "parcels")
    before = _sha(foreign)
    rc, _, err = _reason(capsys, sample_tif, foreign, tmp_path)
    _one_line_error(rc, err, "no 'runs' table of RemoteReasoner results")
    assert _sha(foreign) == before


def test_result_geopackage_with_a_user_layer_added_is_not_replaced(tmp_path, sample_tif, capsys):
    out = tmp_path / "r.gpkg"
    assert _reason(capsys, sample_tif, out, tmp_path)[0] == 0
    _foreign_gpkg(out, "my_notes")  # the user saved a layer of their own into the result
    before = _sha(out)
    rc, _, err = _reason(capsys, sample_tif, out, tmp_path)
    _one_line_error(rc, err, "also holds the layer 'my_notes'")
    assert _sha(out) == before


def test_folder_as_out_is_a_clear_error(tmp_path, sample_tif, capsys):
    folder = tmp_path / "results.gpkg"
    folder.mkdir()
    rc, _, err = _reason(capsys, sample_tif, folder, tmp_path)
    _one_line_error(rc, err, "is a folder: give a file name inside it")
    assert folder.is_dir() and not os.listdir(folder)


def test_result_the_engine_wrote_is_replaced_and_appended_to(tmp_path, sample_tif, capsys):
    out = tmp_path / "r.gpkg"
    assert _reason(capsys, sample_tif, out, tmp_path)[0] == 0
    assert _reason(capsys, sample_tif, out, tmp_path)[0] == 0  # replaced: still one run
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    con.close()
    assert _reason(capsys, sample_tif, out, tmp_path, "--append")[0] == 0
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT run_id) FROM runs").fetchone() == (2, 2)
    assert con.execute("SELECT COUNT(*) FROM boxes").fetchone()[0] == 2
    con.close()


@pytest.mark.parametrize("layer, columns, problem", [
    ("boxes", {"name": ["a"]}, "its layer 'boxes' has no field run_id"),
    ("runs", {"foo": ["a"]}, "its layer 'runs' has no field run_id"),
    ("responses", {"run_id": ["x"]}, "its layer 'responses' has no field tile_id"),
])
def test_append_to_a_foreign_schema_is_refused_before_writing(layer, columns, problem, tmp_path, sample_tif, capsys):
    foreign = _foreign_gpkg(tmp_path / "theirs.gpkg", layer, **columns)
    before = _sha(foreign)
    rc, _, err = _reason(capsys, sample_tif, foreign, tmp_path, "--append")
    _one_line_error(rc, err, problem)
    assert "It is left untouched" in err and _sha(foreign) == before
    assert [str(n) for n, _ in pyogrio.list_layers(foreign)] == [layer]


def test_append_to_a_boxes_layer_of_another_geometry_is_refused(tmp_path, sample_tif, capsys):
    # every field of ours, but points: appending polygons would fail half-way
    from inference_core.contract.schema import FIELDS

    fields = {n: ["x"] if k == "str" else [1] for n, k in FIELDS["boxes"]}
    foreign = _foreign_gpkg(tmp_path / "points.gpkg", "boxes", **fields)
    before = _sha(foreign)
    rc, _, err = _reason(capsys, sample_tif, foreign, tmp_path, "--append")
    _one_line_error(rc, err, "holds point geometries, not polygon")
    assert _sha(foreign) == before


def test_append_to_a_non_geopackage_is_refused(tmp_path, sample_tif, capsys):
    foreign = tmp_path / "x.gpkg"
    foreign.write_bytes(b"\x00" * 100)
    rc, _, err = _reason(capsys, sample_tif, foreign, tmp_path, "--append")
    _one_line_error(rc, err, "Cannot --append to")
    assert foreign.read_bytes() == b"\x00" * 100


def test_the_sink_itself_never_deletes_a_foreign_file(tmp_path):
    from inference_core.run.sink import GpkgSink

    foreign = _foreign_gpkg(tmp_path / "parcels.gpkg", "parcels")
    before = _sha(foreign)
    with pytest.raises(InputError, match="did not write it"):
        GpkgSink(foreign, None, ("boxes",), mode="create")
    assert _sha(foreign) == before


def test_inspect_reads_without_changing_the_file(tmp_path, sample_tif):
    out = tmp_path / "r.gpkg"
    run(RunOptions(raster=str(sample_tif), query="q", out=str(out), backend="replay", replay=_answers(tmp_path)))
    before, mtime = _sha(out), os.stat(out).st_mtime_ns
    info = inspect(out)
    assert info.kind == "gpkg" and info.written_by_engine() == (True, "")
    assert set(info.columns) == {"boxes", "runs", "responses", "edits"} and info.geometry["boxes"].upper() == "POLYGON"
    guard_output(out)  # may be replaced
    assert _sha(out) == before and os.stat(out).st_mtime_ns == mtime


# ---------------------------------------------------------------------------------------------- resume
def _interrupted(tmp_path, sample_tif):
    """A result GeoPackage whose run is still `running` (as after kill -9)."""
    out = tmp_path / "r.gpkg"
    run(RunOptions(raster=str(sample_tif), query="q", out=str(out), backend="replay", replay=_answers(tmp_path)))
    con = sqlite3.connect(out)
    with con:
        con.execute("UPDATE runs SET status = 'running', finished = NULL")
    con.close()
    return out


@pytest.mark.parametrize("settings, expected", [
    ("{not json", "are not JSON"),
    ("[1, 2]", "are not a JSON object of options"),
    ("null", "are not a JSON object of options"),
])
def test_resume_with_damaged_settings_names_the_fix(settings, expected, tmp_path, sample_tif, capsys):
    out = _interrupted(tmp_path, sample_tif)
    con = sqlite3.connect(out)
    with con:
        con.execute("UPDATE runs SET settings = ?", (settings,))
    con.close()
    before = _sha(out)
    rc, _, err = _cli(capsys, "reason", "--resume", "-o", out)
    _one_line_error(rc, err, expected)
    assert "start a new run with another --out" in err and "last run finished" not in err
    assert _sha(out) == before


def test_resume_of_a_damaged_geopackage_says_damaged(tmp_path, sample_tif, capsys):
    out = _interrupted(tmp_path, sample_tif)
    data = bytearray(out.read_bytes())
    page = 4096  # SQLite's default page size; page 1 (header, schema root) stays, later pages are garbage
    data[2 * page:] = bytes((i * 37 + 11) % 256 for i in range(len(data) - 2 * page))
    out.write_bytes(bytes(data))
    rc, _, err = _cli(capsys, "reason", "--resume", "-o", out)
    _one_line_error(rc, err, "Cannot resume")
    assert ("damaged" in err or "not a readable result GeoPackage" in err) and "last run finished" not in err


def test_resume_of_a_geopackage_without_runs_says_so(tmp_path, sample_tif, capsys):
    out = _interrupted(tmp_path, sample_tif)
    con = sqlite3.connect(out)
    with con:
        con.execute("DELETE FROM runs")
    con.close()
    rc, _, err = _cli(capsys, "reason", "--resume", "-o", out)
    _one_line_error(rc, err, "holds no run to continue")


@pytest.mark.parametrize("run_id", ["o'brien", "x' OR '1'='1", 'a"b\\c;--'])
def test_resume_with_quotes_in_the_run_id(run_id, make_geotiff, tmp_path, monkeypatch):
    import threading

    import inference_core.run.core as core

    arr = np.full((3, 300, 300), 40, dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")
    replay = _answers(tmp_path, n=16)
    out = tmp_path / "r.gpkg"
    opts = dict(raster=str(raster), query="q", out=str(out), backend="replay", replay=replay, **TILED)
    first = run(RunOptions(**opts))  # a finished run a pasted `where` (x' OR '1'='1) would also pick up
    monkeypatch.setattr(core, "new_run_id", lambda: run_id)  # run ids come from any GeoPackage on resume
    cancel = threading.Event()
    cut = run(RunOptions(**opts, append=True), cancel=cancel,
              emit=lambda ev: cancel.set() if ev["type"] == "result" and ev["tile_id"] == 7 else None)
    assert cut.run_id == run_id and cut.status == "cancelled" and cut.tiles_done == 8
    resumed = run(RunOptions(raster="", query="(resume)", out=str(out), resume=True))
    assert resumed.run_id == run_id and resumed.status == "finished" and resumed.tiles_done == 16
    assert resumed.counts == first.counts
    boxes = pyogrio.read_dataframe(out, layer="boxes")
    assert sorted(set(boxes["run_id"])) == sorted({first.run_id, run_id})
    assert (boxes["run_id"] == run_id).sum() == first.counts["boxes"] and len(boxes) == 2 * first.counts["boxes"]


# ---------------------------------------------------------------------------------------------- disk full
def test_disk_full_is_recognised_in_real_errors(tmp_path):
    with pytest.raises(OSError) as enospc:  # the kernel's own ENOSPC
        with open("/dev/full", "w") as fh:
            fh.write("x")
            fh.flush()
    assert enospc.value.errno == errno.ENOSPC and is_disk_full(enospc.value)
    con = sqlite3.connect(tmp_path / "small.db")
    con.execute("CREATE TABLE t (x BLOB)")
    con.execute("PRAGMA max_page_count = 3")  # SQLite's own SQLITE_FULL, worded as the engine meets it
    with pytest.raises(sqlite3.OperationalError) as full:
        with con:
            con.execute("INSERT INTO t VALUES (?)", (b"x" * 100000,))
    con.close()
    assert "database or disk is full" in str(full.value) and is_disk_full(full.value)
    assert not is_disk_full(ValueError("bad value")) and not is_disk_full(sqlite3.OperationalError("locked"))


def test_disk_full_error_names_the_disk_and_the_fix(tmp_path):
    err = disk_full_error(str(tmp_path / "r.gpkg"))
    assert err.code == ErrorCode.DISK_FULL and mount_point(str(tmp_path / "r.gpkg")) in err.message
    assert "free" in err.message and "--resume" in err.message and "SQLite" not in err.message
    with pytest.raises(PipelineError) as wrapped:
        with naming_the_disk(str(tmp_path / "r.gpkg")):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert wrapped.value.code == ErrorCode.DISK_FULL
    with pytest.raises(PipelineError) as model:  # an error already worded passes unchanged
        with naming_the_disk(str(tmp_path / "r.gpkg")):
            raise PipelineError(ErrorCode.MODEL, "cannot load")
    assert model.value.code == ErrorCode.MODEL


def _tmpfs_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mkdir -p /tmp && mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || "
                            "mount -t tmpfs -o size=64k tmpfs /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _tmpfs_available(), reason="needs unprivileged user+mount namespaces for a small tmpfs")
def test_real_full_disk_exit_6_names_the_disk_then_resume_finishes(make_geotiff, tmp_path, repo_root):
    arr = np.full((3, 300, 300), 40, dtype=np.uint8)
    raster = make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")
    # long answers (kept whole in `responses`) fill a 256 kB disk after a few views
    replay = _answers(tmp_path, n=16, text="<think>" + "x" * 30000 + "</think><answer>[[10,10,50,50]]</answer>")
    mnt = tmp_path / "small-disk"
    mnt.mkdir()
    out = mnt / "r.gpkg"
    py = f"PYTHONPATH={repo_root} {sys.executable}"
    script = (
        f"mount -t tmpfs -o size=256k tmpfs {mnt} || exit 99; "
        f"{py} -m inference_core reason {raster} -q roofs -o {out} --backend replay --replay {replay} --quiet "
        f"{' '.join(TILED_ARGS)} 2>{tmp_path / 'err1'}; echo $? > {tmp_path / 'rc1'}; "
        f"{py} -c \"import sqlite3; c = sqlite3.connect('{out}'); "
        f"print(c.execute('SELECT status FROM runs').fetchone()[0], c.execute('SELECT COUNT(*) FROM responses')"
        f".fetchone()[0])\" > {tmp_path / 'state'}; "
        f"mount -o remount,size=4m {mnt}; "  # free space: the same disk grows
        f"{py} -m inference_core reason --resume -o {out} --json > {tmp_path / 'out2'} 2>{tmp_path / 'err2'}; "
        f"echo $? > {tmp_path / 'rc2'}"
    )
    proc = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    err1 = (tmp_path / "err1").read_text()
    assert (tmp_path / "rc1").read_text().strip() == "6", err1
    assert err1.startswith("remotereasoner: error: The disk holding ") and err1.count("\n") == 1
    assert f"({mnt}: " in err1 and "free" in err1 and "--resume" in err1 and "SQLite" not in err1
    status, written = (tmp_path / "state").read_text().split()
    assert status in ("failed", "running") and 0 < int(written) < 16
    assert (tmp_path / "rc2").read_text().strip() == "0", (tmp_path / "err2").read_text()
    summary = json.loads((tmp_path / "out2").read_text())
    assert summary["status"] == "finished" and summary["tiles_done"] == 16 and summary["counts"] == {"boxes": 16}
