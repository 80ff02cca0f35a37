"""`remotereasoner change` with the replay backend on real GeoTIFFs: two dates with targets added, removed and
kept, a 3-pixel shift between them, dates in different CRS and resolution, no overlap, cancel and resume."""

from __future__ import annotations

import json
import sqlite3
import threading

import numpy as np
import pyogrio
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import Resampling, reproject, transform_bounds

from inference_core.cli.main import main
from inference_core.common.errors import PipelineError
from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run

ORIGIN = (500000.0, 4000000.0)
PX = 0.1  # 10 cm
SIZE = 300
# Targets in first-date pixels (x1, y1, x2, y2): A, B and the small E are on both dates, C only on the first,
# D only on the second. E is 5 px wide: a 3-pixel shift left in would leave it IoU 0.25 with itself.
A, B, C, D, E = (40, 40, 70, 70), (150, 60, 190, 90), (60, 200, 90, 230), (200, 200, 240, 240), (250, 30, 255, 35)
SHIFT = 3  # the second flight's content sits 3 px east of the first's


def _texture(seed=7):
    rng = np.random.default_rng(seed)
    t = rng.random((SIZE // 10 + 1, SIZE // 10 + 1))
    return (np.kron(t, np.ones((10, 10)))[:SIZE, :SIZE] * 60 + 30).astype(np.uint8)


def _scene(targets):
    img = _texture()
    for x1, y1, x2, y2 in targets:
        img[y1:y2, x1:x2] = 240
    return np.stack([img] * 3)


def _answer(boxes, path):
    text = "<think>bright roofs</think><answer>" + json.dumps([list(b) for b in boxes]) + "</answer>"
    path.write_text(json.dumps({"tile_id": 0, "raw_text": text, "input_size": [SIZE, SIZE]}) + "\n")
    return str(path)


def _moved(box, dx):
    return (box[0] + dx, box[1], box[2] + dx, box[3])


def _dates(make_geotiff, tmp_path, shift=SHIFT):
    grid = from_origin(ORIGIN[0], ORIGIN[1], PX, PX)
    before = make_geotiff(_scene([A, B, C, E]), transform=grid, name="before.tif")
    after = make_geotiff(np.roll(_scene([A, B, D, E]), shift, axis=2), transform=grid, name="after.tif")
    answers_before = _answer([A, B, C, E], tmp_path / "before.jsonl")
    answers_after = _answer([_moved(b, shift) for b in (A, B, D, E)], tmp_path / "after.jsonl")
    return before, after, answers_before, answers_after


def _options(before, after, ab, aa, out, **kw):
    return RunOptions(raster=str(before), compare_with=str(after), query="bright roofs", out=str(out),
                      backend="replay", replay=ab, replay_after=aa, **kw)


def _map(box):
    x1, y1, x2, y2 = box
    return (ORIGIN[0] + x1 * PX, ORIGIN[1] - y2 * PX, ORIGIN[0] + x2 * PX, ORIGIN[1] - y1 * PX)


def _layer(out, name):
    df = pyogrio.read_dataframe(out, layer=name)
    return df.sort_values("change_id").reset_index(drop=True)


def test_added_removed_kept_with_a_three_pixel_shift(make_geotiff, tmp_path):
    before, after, ab, aa = _dates(make_geotiff, tmp_path)
    out = tmp_path / "change.gpkg"
    summary = run(_options(before, after, ab, aa, out))
    assert summary.status == "finished"
    assert summary.counts == {"appeared": 1, "disappeared": 1, "persisted": 3}
    ch = summary.change
    assert ch["alignment"] == "measured"
    assert ch["shift_x_m"] == pytest.approx(SHIFT * PX, abs=0.02) and ch["shift_y_m"] == pytest.approx(0, abs=0.02)
    assert ch["shift_px"] == pytest.approx(SHIFT, abs=0.2)
    # D is 4 m x 4 m = 16 m², C 3 m x 3 m = 9 m²
    assert ch["summary"] == "1 appeared (16 m²), 1 disappeared (9 m²), 3 persisted"
    appeared, disappeared, persisted = (_layer(out, n) for n in ("appeared", "disappeared", "persisted"))
    # the appeared target on the first date's ground: its shift undone
    assert appeared.geometry[0].bounds == pytest.approx(_map(D), abs=0.02)
    assert appeared.area_after[0] == pytest.approx(16.0, rel=0.01) and appeared.before_target_id.isna()[0]
    assert disappeared.geometry[0].bounds == pytest.approx(_map(C), abs=1e-6)
    assert disappeared.area_before[0] == pytest.approx(9.0, rel=1e-6)
    assert list(persisted.before_target_id) == [0, 1, 3]  # A, B and the 5-px E: none reported as changed
    assert (persisted.iou > 0.9).all()
    assert persisted.reasoning_before[0] == "bright roofs" and persisted.reasoning_after[0] == "bright roofs"
    assert pyogrio.read_info(out, layer="persisted")["crs"] == "EPSG:32633"
    with sqlite3.connect(out) as con:  # both dates' answers kept, each run named in the changes row
        runs = con.execute("SELECT run_id, raster, status FROM runs ORDER BY fid").fetchall()
        row = con.execute("SELECT before_run_id, after_run_id, alignment, appeared, disappeared, persisted "
                          "FROM changes").fetchone()
        responses = con.execute("SELECT run_id, COUNT(*) FROM responses GROUP BY run_id").fetchall()
    assert [r[2] for r in runs] == ["finished", "finished"]
    assert runs[0][1].endswith("before.tif") and runs[1][1].endswith("after.tif")  # same grid: no VRT
    assert row == (runs[0][0], runs[1][0], "measured", 1, 1, 3)
    assert sorted(responses) == sorted([(runs[0][0], 1), (runs[1][0], 1)])


def test_without_the_shift_undone_the_small_kept_target_turns_into_a_change(make_geotiff, tmp_path):
    """The control of the test above: tolerance 0 measures no shift, and E (5 px, moved 3 px) no longer matches."""
    before, after, ab, aa = _dates(make_geotiff, tmp_path)
    summary = run(_options(before, after, ab, aa, tmp_path / "c.gpkg", tolerance=0.0))
    assert summary.change["alignment"] == "tolerance"
    assert summary.counts == {"appeared": 2, "disappeared": 2, "persisted": 2}
    # a tolerance of half a metre (5 px) keeps E: both outlines grown by it overlap enough
    summary = run(_options(before, after, ab, aa, tmp_path / "t.gpkg", tolerance=0.5))
    assert summary.counts == {"appeared": 1, "disappeared": 1, "persisted": 3}
    assert "tolerance 0.5 m" in summary.change["alignment_text"]


def test_dates_in_different_crs_and_resolution(make_geotiff, tmp_path):
    """First date 10 cm in UTM 33N, second 30 cm in Web Mercator: features in the first date's CRS, counts right."""
    grid = from_origin(ORIGIN[0], ORIGIN[1], PX, PX)
    before = make_geotiff(_scene([A, B, C, E]), transform=grid, name="before.tif")
    scene = _scene([A, B, D])
    west, south, east, north = transform_bounds("EPSG:32633", "EPSG:3857", ORIGIN[0], ORIGIN[1] - SIZE * PX,
                                                ORIGIN[0] + SIZE * PX, ORIGIN[1])
    res = 0.3 * (north - south) / (SIZE * PX)  # 30 cm on the ground in Mercator units
    w, h = int((east - west) / res), int((north - south) / res)
    dst = np.zeros((3, h, w), dtype=np.uint8)
    reproject(scene, dst, src_transform=grid, src_crs="EPSG:32633", dst_transform=from_origin(west, north, res, res),
              dst_crs="EPSG:3857", resampling=Resampling.bilinear)
    after = make_geotiff(dst, transform=from_origin(west, north, res, res), crs="EPSG:3857", name="after.tif")
    ab = _answer([A, B, C, E], tmp_path / "before.jsonl")
    aa = _answer([A, B, D], tmp_path / "after.jsonl")  # on the first date's grid, as the engine shows it
    out = tmp_path / "change.gpkg"
    summary = run(_options(before, after, ab, aa, out))
    assert summary.counts == {"appeared": 1, "disappeared": 2, "persisted": 2}
    assert summary.change["shift_px"] < 1.0  # the same ground: no misregistration to undo
    assert "through" in summary.change["grid"] and "EPSG:3857" in summary.change["grid"]
    for layer in ("appeared", "disappeared", "persisted", "boxes"):
        assert pyogrio.read_info(out, layer=layer)["crs"] == "EPSG:32633"
    appeared = _layer(out, "appeared")
    assert appeared.geometry[0].bounds == pytest.approx(_map(D), abs=0.15)
    assert sorted(_layer(out, "disappeared").before_target_id) == [2, 3]  # C, and E (too small to see at 30 cm)
    vrt = tmp_path / "change.after.vrt"
    with rasterio.open(vrt) as ds, rasterio.open(before) as b:
        assert ds.crs == b.crs and ds.transform == b.transform and ds.shape == b.shape
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT raster FROM runs ORDER BY fid").fetchall()[1][0] == str(vrt)


def test_dates_that_do_not_overlap_are_refused_before_any_model_loads(make_geotiff, tmp_path):
    before = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), name="before.tif")
    after = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0] + 1000, ORIGIN[1], PX, PX), name="after.tif")
    o = RunOptions(raster=str(before), compare_with=str(after), query="q", out=str(tmp_path / "x.gpkg"),
                   model=str(tmp_path / "no-such-model"))
    with pytest.raises(PipelineError, match="do not overlap"):
        run(o)
    assert not (tmp_path / "x.gpkg").exists()


def test_the_same_file_as_both_dates_is_refused_before_any_model_loads(make_geotiff, tmp_path, monkeypatch):
    """`change a.tif a.tif` (or ./a.tif, a link to it): the same file twice cannot change; refused with the fix before
    any model loads, nothing written (before: it ran and reported every target as persisted)."""
    import os

    before = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), name="before.tif")
    os.symlink(before, tmp_path / "link.tif")
    monkeypatch.chdir(tmp_path)
    for after in (str(before), "./before.tif", str(tmp_path / "link.tif")):
        o = RunOptions(raster=str(before), compare_with=after, query="q", out=str(tmp_path / "x.gpkg"),
                       model=str(tmp_path / "no-such-model"))
        with pytest.raises(PipelineError, match=r"Both dates are the same file \(.*before.tif\): nothing can change"):
            run(o)
        assert not (tmp_path / "x.gpkg").exists() and not (tmp_path / "x.after.vrt").exists()


def test_a_date_in_grey_beside_one_in_colour_is_a_warning(make_geotiff, tmp_path):
    """A colour first date and a one-band (grey) second date of the same ground: the run goes on (the model sees
    each as it is) with a warning that names both files and how each is shown, once, before any model loads."""
    before, _after, ab, aa = _dates(make_geotiff, tmp_path, shift=0)
    grid = from_origin(ORIGIN[0], ORIGIN[1], PX, PX)
    grey = make_geotiff(_scene([A, B, D, E])[:1], transform=grid, name="grey.tif")
    s = run(_options(before, grey, ab, _answer([A, B, D, E], tmp_path / "g.jsonl"), tmp_path / "g.gpkg",
                     tolerance=0.5))
    notes = [w for w in s.warnings if "shown to the model" in w]
    assert s.status == "finished" and notes == [
        "The first date (before.tif) is shown to the model in colour (bands 1,2,3) and the second (grey.tif) in grey "
        "(band 1): targets found on one and not the other may come from that alone. Compare like with like (--bands "
        "picks the same bands of both dates)."]
    same = run(_options(before, _after, ab, aa, tmp_path / "c.gpkg"))
    assert not any("shown to the model" in w for w in same.warnings)


def test_cancel_on_the_second_date_then_resume(make_geotiff, tmp_path):
    before, after, ab, aa = _dates(make_geotiff, tmp_path)
    out = tmp_path / "change.gpkg"
    cancel = threading.Event()
    dates = []

    def emit(ev):
        dates.append(ev.get("date"))
        if ev.get("date") == "after":
            cancel.set()

    first = run(_options(before, after, ab, aa, out), emit=emit, cancel=cancel)
    assert first.status == "cancelled" and "after" in first.change["summary"]
    with sqlite3.connect(out) as con:
        assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY fid")] == ["finished", "cancelled"]
    assert "before" in dates
    resumed = run(RunOptions(raster="", query="(resume)", out=str(out), resume=True, backend="replay",
                             replay=ab))
    assert resumed.status == "finished"
    assert resumed.counts == {"appeared": 1, "disappeared": 1, "persisted": 3}
    with sqlite3.connect(out) as con:
        assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY fid")] == ["finished", "finished"]


def test_the_command_line(make_geotiff, tmp_path, capsys):
    before, after, ab, aa = _dates(make_geotiff, tmp_path)
    out = tmp_path / "cli.gpkg"
    rc = main(["change", str(before), str(after), "-q", "bright roofs", "-o", str(out), "--backend", "replay",
               "--replay", ab, "--replay-after", aa])
    text = capsys.readouterr().out
    assert rc == 0
    assert "changed    1 appeared (16 m²), 1 disappeared (9 m²), 3 persisted" in text
    assert "shift measured: +0.30 m east" in text
    rc = main(["change", str(before), "-q", "q", "-o", str(tmp_path / "y.gpkg")])
    assert rc == 2 and "give both dates" in capsys.readouterr().err
    rc = main(["change", str(before), str(after), "-q", "q", "-o", str(tmp_path / "z.gpkg"), "--mode", "ask",
               "--per-tile"])
    assert rc == 2 and "--per-tile is for one raster" in capsys.readouterr().err


def test_a_second_date_without_crs_is_refused_with_the_fix(make_geotiff, tmp_path):
    before = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), name="before.tif")
    after = make_geotiff(_scene([A]), crs=None, name="after.tif")
    with pytest.raises(PipelineError, match="no coordinate reference system.*Assign Projection"):
        run(RunOptions(raster=str(before), compare_with=str(after), query="q", out=str(tmp_path / "x.gpkg")))
    assert not (tmp_path / "x.gpkg").exists()


def test_a_vrt_the_engine_did_not_write_is_never_replaced(make_geotiff, tmp_path):
    before = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), name="before.tif")
    after = make_geotiff(_scene([A]), transform=from_origin(ORIGIN[0], ORIGIN[1], 0.3, 0.3), name="after.tif")
    theirs = tmp_path / "x.after.vrt"
    theirs.write_text("<VRTDataset>mine</VRTDataset>")
    with pytest.raises(PipelineError, match="was not written by RemoteReasoner"):
        run(RunOptions(raster=str(before), compare_with=str(after), query="q", out=str(tmp_path / "x.gpkg")))
    assert theirs.read_text() == "<VRTDataset>mine</VRTDataset>"


def test_the_worker_runs_and_resumes_a_change(make_geotiff, tmp_path):
    """The worker protocol: one `reason` request with `compare_with`; events tagged by date, a `change` event, the
    `done` summary's change; a cancelled change continued by a `resume` request."""
    import sys

    from inference_core.contract.client import WorkerClient
    from inference_core.contract.protocol import EVENT_TYPES

    before, after, ab, aa = _dates(make_geotiff, tmp_path)
    out = tmp_path / "w.gpkg"
    client = WorkerClient(sys.executable)
    try:
        events = list(client.request("reason", timeout=120, options=_options(before, after, ab, aa, out).to_dict()))
        assert {e["type"] for e in events} <= set(EVENT_TYPES)
        results = [e for e in events if e["type"] == "result"]
        assert [e["date"] for e in results] == ["before", "after"]
        change = [e for e in events if e["type"] == "change"]
        assert len(change) == 1 and change[0]["summary"] == "1 appeared (16 m²), 1 disappeared (9 m²), 3 persisted"
        done = events[-1]
        assert done["type"] == "done" and done["summary"]["counts"] == {"appeared": 1, "disappeared": 1,
                                                                         "persisted": 3}
        assert done["summary"]["change"]["alignment"] == "measured"
        # cancelled on the second date in-process, continued by the worker
        cancel = threading.Event()
        stopped = run(_options(before, after, ab, aa, out), cancel=cancel,
                      emit=lambda ev: cancel.set() if ev.get("date") == "after" else None)
        assert stopped.status == "cancelled"
        options = RunOptions(raster="", query="(resume)", out=str(out), backend="replay", replay=ab).to_dict()
        events = list(client.request("resume", timeout=120, options=options))
        assert events[-1]["type"] == "done", events[-1]
        assert events[-1]["summary"]["status"] == "finished"
        assert {e.get("date") for e in events if e["type"] == "result"} == {"after"}  # only the unfinished date
        assert events[-1]["summary"]["change"]["summary"].endswith("3 persisted")
    finally:
        client.close()


def test_a_shift_too_large_to_be_misregistration_is_reported_not_undone(make_geotiff, tmp_path):
    """Two dates with nothing in common (another texture): the correlation peak lands anywhere; a shift beyond a
    tenth of the extent is named in a warning and not undone, so targets are matched where they were found."""
    grid = from_origin(ORIGIN[0], ORIGIN[1], PX, PX)
    before = make_geotiff(_scene([A, B]), transform=grid, name="before.tif")
    other = np.stack([np.random.default_rng(99).integers(0, 255, (SIZE, SIZE), dtype=np.uint8)] * 3)
    after = make_geotiff(other, transform=grid, name="after.tif")
    ab, aa = _answer([A, B], tmp_path / "b.jsonl"), _answer([A, B], tmp_path / "a.jsonl")
    summary = run(_options(before, after, ab, aa, tmp_path / "c.gpkg"))
    assert summary.counts == {"appeared": 0, "disappeared": 0, "persisted": 2}
    assert summary.change["shift_px"] == 0.0
    assert any("too large to be a misregistration" in w for w in summary.warnings), summary.warnings


@pytest.mark.parametrize("dx,dy", [(0.0, 0.0), (3.0, 0.0), (-7.0, 2.0), (1.5, -2.5)])
def test_phase_correlation_measures_the_shift_to_a_fraction_of_a_pixel(dx, dy):
    """The scene moved by (dx, dy) px (sub-pixel by Fourier shift): measured within 0.25 px."""
    from inference_core.run.change.shift import phase_correlation

    img = _scene([A, B, C])[0].astype(float)
    ky, kx = np.meshgrid(np.fft.fftfreq(SIZE), np.fft.fftfreq(SIZE), indexing="ij")
    moved = np.fft.ifft2(np.fft.fft2(img) * np.exp(-2j * np.pi * (kx * dx + ky * dy))).real
    got_x, got_y, peak = phase_correlation(img - img.mean(), moved - moved.mean())
    assert (got_x, got_y) == (pytest.approx(dx, abs=0.25), pytest.approx(dy, abs=0.25))
    assert peak > 0.2
