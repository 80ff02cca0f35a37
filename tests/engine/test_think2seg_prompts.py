"""Think2Seg-RS as its authors ran it (issue 31): its two points per instance reach SAM with the box, through the
real segment-anything predictor with the tiny SAM, and its template brings their 840-px input and SAM 2.1 small."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasterio.transform import from_origin

pytest.importorskip("segment_anything")

from inference_core.contract.options import DEFAULT_TILE_SIZE, RunOptions  # noqa: E402
from inference_core.run.pipeline import run  # noqa: E402

T2S = "RicardoString/Think2Seg-RS-7B"


@pytest.fixture
def sam_prompts(monkeypatch):
    """Every prompt segment-anything's SamPredictor.predict receives (then the real predict runs)."""
    from segment_anything import SamPredictor

    seen: list[dict] = []
    original = SamPredictor.predict

    def predict(self, point_coords=None, point_labels=None, box=None, **kw):
        seen.append({"points": None if point_coords is None else np.asarray(point_coords).tolist(),
                     "labels": None if point_labels is None else np.asarray(point_labels).tolist(),
                     "box": None if box is None else np.asarray(box).tolist(), **kw})
        return original(self, point_coords=point_coords, point_labels=point_labels, box=box, **kw)

    monkeypatch.setattr(SamPredictor, "predict", predict)
    return seen


def _answer(instances):
    return ("<think>Two ponds.</think><answer>```json\n" + json.dumps(instances) + "\n```</answer>")


def test_think2seg_points_reach_sam_with_the_box(make_geotiff, tmp_path, tiny_models, sam_prompts):
    img = np.full((3, 400, 400), 90, dtype=np.uint8)
    img[:, 40:120, 60:160] = 200
    raster = make_geotiff(img, transform=from_origin(500000, 4000000, 0.5, 0.5))
    # the answer is in the model's input pixels (the template's model-input space): 200 px for the 400-px view
    instances = [{"bbox_2d": [30, 20, 80, 60], "positive_points": [[40, 30], [70, 50]]},
                 {"bbox_2d": [120, 120, 160, 170]}]  # no points: SAM gets the box and its centre, as before
    answers = tmp_path / "t2s.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": _answer(instances), "input_size": [200, 200]}) + "\n")
    summary = run(RunOptions(raster=str(raster), query="the ponds", out=str(tmp_path / "t.gpkg"), model=T2S,
                             backend="replay", replay=str(answers), granularity=("boxes", "masks"),
                             sam=str(tiny_models.sam_path)))
    assert summary.counts["boxes"] == 2 and summary.counts["masks"] == 2
    first, second = sam_prompts
    # points and box scaled by 400 / 200 into the 400-px view SAM is given; both points positive; one mask
    assert np.allclose(first["points"], [[80, 60], [140, 100]]) and first["labels"] == [1, 1]
    assert first["box"] == pytest.approx([60, 40, 160, 120]) and first["multimask_output"] is False
    assert second["labels"] == [1] and np.allclose(second["points"], [[280, 290]], atol=1)  # the box's centre


def test_parser_keeps_points_per_box():
    from inference_core.models.parsing import parse_answer

    parsed = parse_answer(_answer([{"bbox_2d": [1, 2, 3, 4]},
                                   {"bbox_2d": [5, 6, 7, 8], "positive_points": [[5.5, 6.5], "bad", [6, 7]],
                                    "negative_points": [[7, 8]]}]))
    assert parsed.boxes == [(1, 2, 3, 4), (5, 6, 7, 8)]
    assert parsed.points == {1: [(5.5, 6.5, 1), (6.0, 7.0, 1), (7.0, 8.0, 0)]}


def test_think2seg_template_brings_its_authors_tile_and_sam():
    from inference_core.cli.main import build_parser
    from inference_core.cli.reason import options_from_args

    def opts(*extra):
        return options_from_args(build_parser().parse_args(["reason", "r.tif", "-q", "q", "-o", "o.gpkg", *extra]))

    t2s = opts("--model", T2S, "--granularity", "boxes,masks")
    assert (t2s.tile_size, t2s.sam) == (840, "facebook/sam2.1-hiera-small")
    assert opts("--model", T2S).sam is None  # boxes only: no SAM needed
    own = opts("--model", T2S, "--tile-size", "896", "--sam", "s.pth", "--granularity", "masks")
    assert (own.tile_size, own.sam) == (896, "s.pth")  # the user's choices win
    assert opts("--prompt", "think2seg-rs").tile_size == 840
    assert opts().tile_size == DEFAULT_TILE_SIZE  # RemoteReasoner: the engine's default
