"""Scoring predictions made elsewhere (`evaluate --predictions DIR`) on the real RRSIS-D records:
the same answers give the same numbers as through the replay backend and the full pipeline."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from eval_rrsisd_fixture import build_rrsisd
from inference_core.contract.options import RunOptions
from inference_core.evaluate.predictions import (
    PredictionError, SavedFiles, load_saved_prediction, prediction_files, rasterize_boxes, read_boxes_file,
    run_mask_source, score_predictions,
)
from inference_core.evaluate.runner import EvaluationError, cache_name, evaluate, load_prediction

# Another system's answers, in image pixels: the ground-truth box (3600), a shifted box (20960,
# box IoU 0.499: a miss at 0.5), a box elsewhere (14636), two boxes whose envelope is the ground
# truth (7855).
ANSWERS = {
    "3600": [[348, 272, 389, 389]],
    "20960": [[186, 560, 231, 660]],
    "14636": [[600, 600, 640, 640]],
    "7855": [[664, 138, 700, 208], [710, 138, 747, 208]],
}
SPLITS = {"test": ("3600", "20960"), "val": ("14636", "7855")}


@pytest.fixture
def rrsisd(tmp_path):
    """The real-record RRSIS-D folder with its 800x800 images, and the answers as a replay file."""
    root = build_rrsisd(tmp_path / "RRSIS-D", images=True)
    rfile = tmp_path / "answers.jsonl"
    rfile.write_text("".join(
        json.dumps({"sample_id": sid, "tile_id": 0, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                    "input_size": [800, 800]}) + "\n" for sid, boxes in ANSWERS.items()))
    return root, rfile


def _replay(root, rfile, out, split):
    template = RunOptions(raster="", query="-", out="", backend="replay", replay=str(rfile), model="replay")
    return evaluate(root, "rrsisd", template, out, split=split)


def _numbers(result):
    """Everything a report scores, per sample and overall (not how it was obtained)."""
    per_sample = [(s.sample_id, s.intersection, s.union, s.pred_pixels, s.gt_pixels, s.box_iou, s.n_pred,
                   s.category, s.split) for s in result.scores]
    keep = ("overall", "per_split", "per_category")
    return per_sample, {k: result.report[k] for k in keep}


def _write_boxes(folder, answers):
    folder.mkdir(parents=True, exist_ok=True)
    for sid, boxes in answers.items():
        (folder / f"{sid}.json").write_text(json.dumps(boxes))


@pytest.mark.parametrize("split", ["test", "val"])
def test_saved_boxes_score_like_the_same_answers_through_replay(rrsisd, tmp_path, split):
    root, rfile = rrsisd
    replayed = _replay(root, rfile, tmp_path / "replay", split)
    pred_dir = tmp_path / "pred"
    _write_boxes(pred_dir, ANSWERS)
    saved = score_predictions(root, "rrsisd", pred_dir, tmp_path / "saved", split=split)
    assert (saved.computed, saved.failed, saved.mask_source) == (2, 0, "boxes") == (
        replayed.computed, replayed.failed, replayed.mask_source)
    assert _numbers(saved) == _numbers(replayed)
    by_id = {s.sample_id: s for s in saved.scores}
    if split == "test":  # real values: the answer equal to the ground truth is a perfect box
        assert by_id["3600"].box_iou == 1.0 and by_id["3600"].intersection == 1410
        assert by_id["20960"].box_iou == pytest.approx(2905 / 5825) and saved.report["overall"]["acc_box"] == 0.5
    else:
        assert by_id["14636"].box_iou == 0.0 and by_id["7855"].box_iou == 1.0 and by_id["7855"].n_pred == 2
    md = (tmp_path / "saved" / "report.md").read_text()
    assert "Predictions: saved files in" in md and "2 read, 0 without a readable prediction" in md
    assert json.loads((tmp_path / "saved" / "report.json").read_text())["settings"] == {"predictions": str(pred_dir.resolve())}


def test_saved_masks_score_like_the_replayed_masks(rrsisd, tmp_path):
    """PNG masks (here: the replay run's own masks) with and without the boxes JSON."""
    root, rfile = rrsisd
    replayed = _replay(root, rfile, tmp_path / "replay", "val")
    with_boxes, mask_only = tmp_path / "with_boxes", tmp_path / "mask_only"
    _write_boxes(with_boxes, ANSWERS)
    mask_only.mkdir()
    for sid in SPLITS["val"]:
        pred = load_prediction(tmp_path / "replay" / "cache" / f"{sid}.pred.npz")
        for folder in (with_boxes, mask_only):
            Image.fromarray(pred.mask.astype(np.uint8) * 255).save(folder / f"{sid}.png")
    a = score_predictions(root, "rrsisd", with_boxes, tmp_path / "a", split="val")
    b = score_predictions(root, "rrsisd", mask_only, tmp_path / "b", split="val")
    assert a.mask_source == b.mask_source == "saved"
    assert _numbers(a) == _numbers(replayed)
    # mask only: the box is the mask's bounding box, one per sample; for these answers the
    # envelope of the boxes and the mask's bounding box coincide
    assert [s.box_iou for s in b.scores] == [s.box_iou for s in replayed.scores] == [0.0, 1.0]
    assert [s.n_pred for s in b.scores] == [1, 1]
    assert b.report["overall"]["giou"] == replayed.report["overall"]["giou"]


def test_cli_predictions_prints_the_replay_numbers(rrsisd, tmp_path, capsys):
    from inference_core.cli.main import main

    root, rfile = rrsisd
    assert main(["evaluate", str(root), "--layout", "rrsisd", "--backend", "replay", "--replay", str(rfile),
                 "--out", str(tmp_path / "replay"), "--quiet"]) == 0
    replay_out = capsys.readouterr().out.splitlines()
    _write_boxes(tmp_path / "pred", ANSWERS)
    assert main(["evaluate", str(root), "--layout", "rrsisd", "--predictions", str(tmp_path / "pred"),
                 "--out", str(tmp_path / "saved"), "--quiet"]) == 0
    saved_out = capsys.readouterr().out.splitlines()
    assert saved_out[0] == "2 samples (2 read, 0 without a readable prediction), masks from boxes"
    assert saved_out[1] == replay_out[1] and "Acc@0.5(box) 50.00" in saved_out[1]
    # a model option with --predictions is a mistake, not silently ignored
    rc = main(["evaluate", str(root), "--layout", "rrsisd", "--predictions", str(tmp_path / "pred"),
               "--sam", "sam.pth", "--out", str(tmp_path / "x")])
    assert rc == 2 and "--sam configure a model run" in capsys.readouterr().err


def test_missing_and_unreadable_predictions_fail_alone(rrsisd, tmp_path, capsys):
    from inference_core.cli.main import main

    root, _ = rrsisd
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "14636.json").write_text("[[1, 2, 3")  # broken JSON
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(pred / "7855.png")  # wrong size
    (pred / "3600.json").write_text("[]")  # answered "nothing": a valid, empty prediction
    res = score_predictions(root, "rrsisd", pred, tmp_path / "r", split="val")
    assert (res.computed, res.failed) == (0, 2)
    assert "not valid JSON" in res.report["failures"]["14636"]
    assert "10x10; the image is 800x800" in res.report["failures"]["7855"]
    assert res.report["overall"]["giou"] == 0.0 and res.report["overall"]["n_failed"] == 2
    res = score_predictions(root, "rrsisd", pred, tmp_path / "t")  # test: 3600 empty, 20960 missing
    assert res.report["failures"] == {"20960": "no prediction file"}
    assert [s.n_pred for s in res.scores] == [0, 0] and [s.box_iou for s in res.scores] == [0.0, 0.0]
    assert main(["evaluate", str(root), "--layout", "rrsisd", "--predictions", str(pred),
                 "--out", str(tmp_path / "c"), "--quiet"]) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EvaluationError, match="no prediction for any of the 2 samples"):
        score_predictions(root, "rrsisd", empty, tmp_path / "e")
    with pytest.raises(EvaluationError, match="is not a folder"):
        score_predictions(root, "rrsisd", tmp_path / "nope", tmp_path / "e")
    capsys.readouterr()


def test_prediction_files_and_box_format(tmp_path):
    (tmp_path / "val").mkdir()
    (tmp_path / "val" / "0001.png").write_bytes(b"")
    (tmp_path / "val" / "0001.json").write_text("[]")
    assert prediction_files(tmp_path, "val/0001") == SavedFiles(tmp_path / "val" / "0001.png",
                                                                 tmp_path / "val" / "0001.json")
    safe = cache_name("val/a b")  # the prediction cache's file-name-safe stem is accepted too
    (tmp_path / f"{safe}.json").write_text("[]")
    assert prediction_files(tmp_path, "val/a b") == SavedFiles(None, tmp_path / f"{safe}.json")
    (tmp_path.parent / "outside.json").write_text("[]")
    assert prediction_files(tmp_path, "../outside").empty  # ids cannot reach outside the folder
    f = tmp_path / "b.json"
    for text, boxes in (("[]", []), ('{"boxes": [[1, 2, 3, 4]]}', [[1, 2, 3, 4]]), ("[1, 2, 3, 4]", [[1, 2, 3, 4]]),
                        ("[[0.5, 1, 2.5, 3], [4, 4, 6, 8]]", [[0.5, 1, 2.5, 3], [4, 4, 6, 8]])):
        f.write_text(text)
        assert read_boxes_file(f).tolist() == boxes
    for text, message in (('[[3, 2, 1, 4]]', "x2 >= x1"), ('[[1, 2, 3]]', "does not hold boxes"),
                          ('["a", 1, 2, 3]', "does not hold boxes"), ("[[1, 2, NaN, 4]]", "non-finite")):
        f.write_text(text)
        with pytest.raises(PredictionError, match=message):
            read_boxes_file(f)
    # boxes burnt with the pipeline's pixel-centre rule
    m = rasterize_boxes(np.array([[1, 2, 4, 3], [0.6, 0, 1.6, 1]]), width=5, height=4)
    assert m.sum() == 3 + 1 and m[2, 1:4].all() and m[0, 1] and not m[0, 0]
    with pytest.raises(PredictionError, match="no prediction file"):
        load_saved_prediction(SavedFiles(), 5, 4)
    assert [run_mask_source(s) for s in ({"saved"}, {"boxes"}, {"saved", "boxes"}, set())] == [
        "saved", "boxes", "mixed", "saved"]
