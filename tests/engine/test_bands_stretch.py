"""Which bands the model sees as red, green, blue and how 16-bit values become its 8-bit colours (issue 31).

A real 4-band Blue, Green, Red, NIR uint16 GeoTIFF without colour labels, run through the pipeline with the
replay backend; the pixels are captured where the backend receives its request (the view the model is given).
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from inference_core.contract.options import OptionsError, RunOptions
from inference_core.models.backends.replay import ReplayBackend
from inference_core.run.pipeline import run

SIZE = 64


@pytest.fixture
def bgrn(make_geotiff):
    """A red-dominant scene (red fields) stored Blue, Green, Red, NIR; NIR brightest, as vegetation is."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 60, (SIZE, SIZE))
    blue, green, red, nir = 400 + noise, 700 + noise, 2600 + 3 * noise, 5000 + 2 * noise
    arr = np.stack([blue, green, red, nir]).astype(np.uint16)
    return make_geotiff(arr, name="bgrn.tif")


@pytest.fixture
def sent(monkeypatch):
    """The images the backend is asked about, as arrays (the request is where the model's pixels are fixed)."""
    images: list[np.ndarray] = []
    original = ReplayBackend.reason

    def reason(self, requests):
        images.extend(np.asarray(r.image.convert("RGB")) for r in requests)
        return original(self, requests)

    monkeypatch.setattr(ReplayBackend, "reason", reason)
    return images


def _run(raster, tmp_path, name, **kw):
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": "<answer>[]</answer>"}) + "\n")
    out = tmp_path / f"{name}.gpkg"
    summary = run(RunOptions(raster=str(raster), query="fields", out=str(out), backend="replay", replay=str(answers), **kw))
    with sqlite3.connect(out) as con:
        [(record, warnings)] = con.execute("SELECT pixels, warnings FROM runs").fetchall()
    return summary, json.loads(record), json.loads(warnings)


def test_cli_bands_show_the_red_band_as_red(bgrn, tmp_path, sent):
    summary, record, _ = _run(bgrn, tmp_path, "given", bands=(3, 2, 1))
    [image] = sent
    mean = image.reshape(-1, 3).mean(axis=0)
    assert mean[0] > 200 and mean[2] < 20  # band 3 (red, 2600+) in the red channel, band 1 (blue, 400+) in blue
    assert record["bands"] == [3, 2, 1] and record["bands_from"] == "given"
    assert summary.pixels == record and not any("none is marked" in w for w in summary.warnings)


def test_joint_stretch_keeps_a_red_scene_red(bgrn, tmp_path, sent):
    _run(bgrn, tmp_path, "joint", bands=(3, 2, 1))
    _s, per_band, _ = _run(bgrn, tmp_path, "per-band", bands=(3, 2, 1), stretch="per-band")
    joint_img, per_band_img = (img.reshape(-1, 3).astype(float).mean(axis=0) for img in sent)
    # joint (default): one 2-98 % range over the three bands; red stays far above green and blue
    assert joint_img[0] - max(joint_img[1], joint_img[2]) > 150
    # a range per band maps each band to the full 0-255: the scene reaches the model grey
    assert abs(per_band_img[0] - per_band_img[2]) < 20 and per_band["stretch"] == "per-band"


def test_joint_stretch_values_are_one_range_over_the_three_bands(bgrn, tmp_path, sent):
    import rasterio

    with rasterio.open(bgrn) as ds:
        data = ds.read((3, 2, 1)).astype(float)
    low, high = np.percentile(data.ravel(), [2, 98])
    _s, record, _ = _run(bgrn, tmp_path, "joint", bands=(3, 2, 1))
    assert record["stretch"] == "joint"
    assert record["low"] == pytest.approx([low] * 3) and record["high"] == pytest.approx([high] * 3)
    [image] = sent
    want = np.clip(np.round((data.transpose(1, 2, 0) - low) * 255.0 / (high - low)), 0, 255)
    assert np.abs(image.astype(float) - want).max() <= 1  # the pixels sent are the stretched values


def test_explicit_stretch_values_reach_the_model(bgrn, tmp_path, sent):
    _s, record, _ = _run(bgrn, tmp_path, "values", bands=(3, 2, 1), stretch_values=(2600, 2780, 700, 760, 400, 460))
    [image] = sent
    import rasterio

    with rasterio.open(bgrn) as ds:
        red = ds.read(3).astype(float)
    assert np.abs(image[..., 0] - np.clip(np.round((red - 2600) * 255 / 180), 0, 255)).max() <= 1
    assert record["stretch"] == "values" and record["low"] == [2600, 700, 400] and record["high"] == [2780, 760, 460]


def test_guessed_bands_are_a_warning_in_the_run(bgrn, tmp_path, sent):
    summary, record, warnings = _run(bgrn, tmp_path, "guessed")
    assert record["bands"] == [1, 2, 3] and record["bands_from"] == "guessed"
    [warning] = [w for w in warnings if "none is marked red, green or blue" in w]
    assert "bgrn.tif has 4 bands" in warning and "--bands 3,2,1" in warning and warning in summary.warnings


def test_stretch_options_are_checked():
    with pytest.raises(OptionsError, match="--stretch must be one of joint, per-band, none"):
        RunOptions(raster="r", query="q", out="o", stretch="auto").validate()
    with pytest.raises(OptionsError, match="LO,HI"):
        RunOptions(raster="r", query="q", out="o", stretch_values=(1.0, 2.0, 3.0)).validate()
    with pytest.raises(OptionsError, match="each high value must be above its low value"):
        RunOptions(raster="r", query="q", out="o", stretch_values=(500.0, 100.0)).validate()


def test_stretch_values_that_blank_every_view_are_refused(bgrn, tmp_path, capsys):
    """Values no uint16 reaches (70000,80000, also for one band of six), or so large float32 scaling overflows
    (0,1e308; -1e308,1e308): every view would be blank; refused before the model, naming the type's range and the
    fix, nothing written (before: the run went on, showing the model black views)."""
    from inference_core.cli.main import main

    answers = tmp_path / "none.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": "<answer>[]</answer>"}) + "\n")
    for values, words in (("0,1e308", "--stretch-values 0,1e+308 are too large to scale (beyond 3.4e+38)"),
                          ("-1e308,1e308", "are too large to scale"),
                          ("70000,80000", "--stretch-values 70000,80000 put every value a uint16 raster can hold (0 "
                                          "to 65,535) in one colour level of red: bgrn.tif would be shown to the "
                                          "model as a blank view"),
                          ("0,9000,0,9000,70000,80000", "in one colour level of blue")):
        rc = main(["reason", str(bgrn), "-q", "x", "-o", str(tmp_path / "x.gpkg"), "--backend", "replay",
                   "--replay", str(tmp_path / "none.jsonl"), f"--stretch-values={values}", "--quiet"])
        err = capsys.readouterr().err
        assert rc == 2 and words in err and err.count("\n") == 1, err
        assert not (tmp_path / "x.gpkg").exists()


def test_a_chosen_stretch_that_shows_a_nearly_uniform_view_is_a_warning(bgrn, make_geotiff, tmp_path, sent):
    """`--stretch none` on reflectances 0..1 (float32: 1 of 256 levels, black) or on 16-bit values of 400..2800
    (white: all over 255), `--stretch-values 0,1e30` on the same floats: the run goes on
    with a warning naming the data's 2-98 % and the --stretch-values that would show it; a fitting choice says
    nothing."""
    rng = np.random.default_rng(3)
    refl = make_geotiff(rng.random((1, SIZE, SIZE), dtype=np.float32), name="refl.tif")
    cases = ((refl, dict(stretch="none"), "--stretch none shows the values as they are (0 to 255), but 96 % of "
                                          "refl.tif's values lie between 0.01"),
             (refl, dict(stretch_values=(0.0, 1e30)), "--stretch-values 0,1e+30 stretch 0..1e+30 to 0..255"),
             (bgrn, dict(stretch="none", bands=(3, 2, 1)), "bgrn.tif's values lie between 404 and 2768: the model sees "
                                                           "them in 0 of 256 levels, a view almost white"),
             (bgrn, dict(stretch_values=(300.0, 5100.0), bands=(3, 2, 1)), None),
             (refl, dict(stretch_values=(0.0, 1.0)), None))
    for i, (raster, kw, words) in enumerate(cases):
        s, _record, stored = _run(raster, tmp_path, f"r{i}", **kw)
        notes = [w for w in s.warnings if "stretch" in w]
        assert stored == s.warnings  # kept with the run
        if words is None:
            assert notes == [], notes
        else:
            assert s.status == "finished" and len(notes) == 1 and words in notes[0], notes
            assert "Leave --stretch and --stretch-values out for the 2-98 % stretch, or give --stretch-values" \
                in notes[0]
    dark = sent[0]
    assert dark.max() <= 1  # what the warning is about: the model's view of 0..1 values shown as they are


def test_cli_flags_reach_the_options():
    from inference_core.cli.main import build_parser
    from inference_core.cli.reason import options_from_args

    args = build_parser().parse_args(["reason", "r.tif", "-q", "q", "-o", "o.gpkg", "--bands", "3,2,1",
                                      "--stretch", "per-band", "--stretch-values", "200,3000"])
    o = options_from_args(args)
    assert (o.bands, o.stretch, o.stretch_values) == ((3, 2, 1), "per-band", (200.0, 3000.0))
