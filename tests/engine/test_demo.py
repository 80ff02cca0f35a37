"""The first-run demo: the sample's recorded answers (61 human crowns) and the tiny reasoner live, real pipeline,
with the demo's SAM (the shipped tiny trained SAM, `make demo`'s default)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import numpy as np
import pyogrio
import pytest

from inference_core.common.errors import PipelineError
from inference_core.contract.paths import SAMPLE_ANSWERS, TINY_SAM, TINY_SAM_DESCRIPTION
from inference_core.contract.recorded import recording
from inference_core.run.demo import SAMPLE_OUT, SQUARES_OUT, run_demo, sample_options
from inference_core.run.pipeline import run
from inference_core.run.selftest import square_boxes_map

X0, Y0, RES = 404211.9, 3285142.9, 0.1  # OSBS_029's upper-left corner and pixel size (EPSG:32617)
LABEL = "recorded answers (human labels), not a live model"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, str(TINY_SAM), device="cpu")


def test_recorded_answers_are_the_scripts_output(repo_root):
    """The committed file is what scripts/record_sample_answers.py writes from OSBS_029.csv (not edited by hand)."""
    proc = subprocess.run([sys.executable, str(repo_root / "scripts" / "record_sample_answers.py"), "--check"],
                          check=False, capture_output=True, text=True, cwd=repo_root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert recording(SAMPLE_ANSWERS).model == LABEL
    line = json.loads(SAMPLE_ANSWERS.read_text())
    assert line["input_size"] == [400, 400] and line["raw_text"].count("],") == 60  # 61 boxes


def test_demo_sample_gives_61_crowns_at_their_place(demo, sample_boxes_px):
    out, runs = demo
    sample = runs[0]
    assert "recorded answers (human labels), not a live model" in sample.title
    s = sample.summary
    assert s.status == "finished" and s.counts == {"boxes": 61, "masks": 61, "contours": 61} and s.parse_errors == 0
    assert any(LABEL in w for w in s.warnings)  # the run summary says it is recorded
    path = out / SAMPLE_OUT
    boxes = pyogrio.read_dataframe(path, layer="boxes").sort_values("target_id")
    assert boxes.crs.to_epsg() == 32617
    x1, y1, x2, y2 = sample_boxes_px.T
    want = np.stack([X0 + x1 * RES, Y0 - y2 * RES, X0 + x2 * RES, Y0 - y1 * RES], axis=1)
    np.testing.assert_allclose(np.array([g.bounds for g in boxes.geometry]), want, rtol=0, atol=1e-6)
    assert set(boxes["model"]) == {"replay: " + LABEL}
    assert boxes["reasoning"].str.startswith("Recorded answer, not a model's reasoning").all()
    masks = pyogrio.read_dataframe(path, layer="masks")
    contours = pyogrio.read_dataframe(path, layer="contours")
    assert len(masks) == 61 and len(contours) == 61
    assert (masks.geometry.area > 0).all() and (contours.geometry.length > 0).all()
    # a mask names the SAM that drew it, and says it is no Segment Anything weights
    assert masks["sam_model"].str.startswith(TINY_SAM_DESCRIPTION + " (json:tiny_sam_shapes.pth:").all()
    # every mask lies on the sample (400 x 400 px of 0.1 m)
    xmin, ymin, xmax, ymax = masks.total_bounds
    assert xmin >= X0 - 1e-6 and xmax <= X0 + 40 + 1e-6 and ymin >= Y0 - 40 - 1e-6 and ymax <= Y0 + 1e-6
    con = sqlite3.connect(path)
    assert con.execute("SELECT model, status FROM runs").fetchone() == ("replay: " + LABEL, "finished")


def test_demo_masks_follow_the_crowns_in_their_boxes(demo):
    """The tiny trained SAM's masks stay in their boxes and fill part of them (the random test SAM's each cover
    the 1 600 m² raster): measured on the 61 recorded crowns."""
    out, _ = demo
    boxes = pyogrio.read_dataframe(out / SAMPLE_OUT, layer="boxes").set_index("target_id").geometry
    masks = pyogrio.read_dataframe(out / SAMPLE_OUT, layer="masks").set_index("target_id").geometry
    assert len(masks) == 61 and set(masks.index) == set(boxes.index)
    inside = np.array([masks[i].intersection(boxes[i].buffer(0.5)).area / masks[i].area for i in masks.index])
    fill = np.array([masks[i].area / boxes[i].area for i in masks.index])
    assert np.median(inside) >= 0.9  # within half a metre (5 px) of its box (measured 0.98)
    assert 0.55 <= np.median(fill) <= 0.95  # a crown, not its box nor a speck (measured 0.73 of its box)
    assert masks.area.sum() <= 1.2 * boxes.area.sum()


def test_demo_tiny_reasoner_finds_the_squares_live(demo):
    out, runs = demo
    s = runs[1].summary
    assert "tiny trained reasoner" in runs[1].title and "live" in runs[1].title
    assert s.status == "finished" and s.counts == {"boxes": 2, "masks": 2, "contours": 2}
    boxes = pyogrio.read_dataframe(out / SQUARES_OUT, layer="boxes")
    assert boxes.crs.to_epsg() == 32633
    assert not boxes["model"].str.startswith("replay").any()
    got = sorted(g.bounds for g in boxes.geometry)
    for truth, b in zip(sorted(square_boxes_map()), got, strict=True):
        np.testing.assert_allclose(b, truth, atol=2.0)  # within 4 px of 0.5 m


def test_recorded_answers_refuse_another_view(tiny_models, tmp_path):
    """Answers recorded for the whole sample must not be placed on a part of it (wrong ground)."""
    o = sample_options(tmp_path, str(tiny_models.sam_path), device="cpu")
    o.extent = (X0, Y0 - 20.0, X0 + 20.0, Y0)  # the upper-left quarter
    o.granularity = ("boxes",)
    with pytest.raises(PipelineError) as err:
        run(o)
    assert err.value.code == "input"
    assert "(OSBS_029.tif, whole layer)" in str(err.value) and "(200x200 px)" in str(err.value)
