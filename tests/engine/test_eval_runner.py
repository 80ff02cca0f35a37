"""The evaluation runner end to end: the real pipeline with replayed answers on a synthetic `folder`
dataset, the prediction cache (interrupt, then compute only what is missing), the report files."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PIL import Image

from inference_core.evaluate.runner import (
    Prediction, cache_name, evaluate, load_prediction, read_replay_by_sample, save_prediction,
)
from inference_core.contract.options import RunOptions

# id, rectangle (x1, y1, x2, y2) in pixels or None (no target), category, split
SAMPLES = [
    ("s0", (10, 20, 50, 60), "tank", "val"),
    ("s1", (60, 5, 100, 30), "tank", "test"),
    ("s2", (30, 70, 90, 105), "ship", "test"),
    ("s3", None, "ship", "val"),
]


@pytest.fixture
def folder_dataset(tmp_path):
    """Four 112x112 PNGs with a bright rectangle each (one without a target), masks, questions, replay."""
    root = tmp_path / "ds"
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    questions, replay = [], []
    for sid, rect, cat, split in SAMPLES:
        img = np.full((112, 112, 3), 40, np.uint8)
        mask = np.zeros((112, 112), np.uint8)
        if rect:
            x1, y1, x2, y2 = rect
            img[y1:y2, x1:x2] = (230, 200, 60)
            mask[y1:y2, x1:x2] = 255
        Image.fromarray(img).save(root / "images" / f"{sid}.png")
        entry = {"id": sid, "question": f"the yellow {cat}", "category": cat, "split": split}
        if rect:
            Image.fromarray(mask).save(root / "masks" / f"{sid}.png")
        else:
            entry["mask"] = None
        questions.append(entry)
        answer = f"<think>looking</think><answer>{json.dumps([list(rect)] if rect else [])}</answer>"
        # 112x112 is already a multiple of 28 within the pixel budget: the model input is the image itself
        replay.append({"sample_id": sid, "tile_id": 0, "raw_text": answer, "input_size": [112, 112]})
    (root / "questions.json").write_text(json.dumps(questions))
    rfile = tmp_path / "answers.jsonl"
    rfile.write_text("".join(json.dumps(r) + "\n" for r in replay))
    return root, rfile


def _template(replay, **kw):
    return RunOptions(raster="", query="-", out="", backend="replay", replay=str(replay), model="replay", **kw)


def test_replayed_ground_truth_boxes_score_perfectly(folder_dataset, tmp_path):
    root, rfile = folder_dataset
    events = []
    res = evaluate(root, "folder", _template(rfile), tmp_path / "report", emit=events.append)
    assert (res.computed, res.cached, res.failed, res.total) == (4, 0, 0, 4)
    assert res.mask_source == "boxes" and not res.cancelled
    rep = json.loads((tmp_path / "report" / "report.json").read_text())
    o = rep["overall"]
    assert o["acc_box"] == 1.0 and o["n_box"] == 4
    assert o["giou"] == 1.0 and o["ciou"] == 1.0 and o["precision"]["0.9"] == 1.0
    assert rep["counts"] == {"total": 4, "evaluated": 4, "computed": 4, "cached": 0, "failed": 0}
    assert rep["complete"] is True and rep["mask_source"] == "boxes"
    assert set(rep["per_category"]) == {"ship", "tank"} and set(rep["per_split"]) == {"test", "val"}
    by_id = {s["sample_id"]: s for s in rep["samples"]}
    assert by_id["s0"]["intersection"] == 40 * 40 and by_id["s0"]["union"] == 1600 and by_id["s0"]["n_pred"] == 1
    assert by_id["s3"]["union"] == 0 and by_id["s3"]["iou"] == 1.0 and by_id["s3"]["n_pred"] == 0
    assert "api_key" not in rep["settings"]
    md = (tmp_path / "report" / "report.md").read_text()
    assert "| all | 4 | 100.00 | 100.00 |" in md and "## Per category" in md and "4 computed, 0 from cache" in md
    for png in ("iou_hist.png", "per_category.png"):
        with Image.open(tmp_path / "report" / png) as im:
            assert im.format == "PNG" and im.size[0] >= 300
    progress = [e for e in events if e.get("type") == "progress"]
    assert [e["sample"] for e in progress] == [1, 2, 3, 4]
    assert progress[-1]["eta_s"] == 0.0 and progress[0]["eta_s"] is not None
    # the cached prediction is the rectangle itself
    pred = load_prediction(tmp_path / "report" / "cache" / "s2.pred.npz")
    assert pred.boxes.tolist() == [[30.0, 70.0, 90.0, 105.0]] and pred.mask.sum() == 60 * 35


def test_interrupted_run_then_rerun_computes_only_missing(folder_dataset, tmp_path):
    root, rfile = folder_dataset
    out = tmp_path / "report"
    first = evaluate(root, "folder", _template(rfile), out, limit=2)
    assert (first.computed, first.cached, len(first.scores)) == (2, 0, 2)
    second = evaluate(root, "folder", _template(rfile), out)
    assert (second.computed, second.cached, second.total) == (2, 2, 4)
    assert [s.cached for s in second.scores] == [True, True, False, False]
    assert second.report["overall"]["acc_box"] == 1.0
    third = evaluate(root, "folder", _template(rfile), out)
    assert (third.computed, third.cached) == (0, 4)
    # a setting that changes predictions invalidates the cache
    fourth = evaluate(root, "folder", _template(rfile, min_area=1.0), out)
    assert (fourth.computed, fourth.cached) == (4, 0)


def test_cancel_half_way_then_resume(folder_dataset, tmp_path):
    root, rfile = folder_dataset
    out = tmp_path / "report"
    cancel = threading.Event()

    def stop_after_two(ev):
        if ev.get("type") == "progress" and ev["sample"] == 2:
            cancel.set()

    res = evaluate(root, "folder", _template(rfile), out, emit=stop_after_two, cancel=cancel)
    assert res.cancelled and (res.computed, len(res.scores)) == (2, 2)
    rep = json.loads((out / "report.json").read_text())
    assert rep["complete"] is False and rep["counts"]["evaluated"] == 2
    assert "incomplete" in (out / "report.md").read_text()
    again = evaluate(root, "folder", _template(rfile), out)
    assert (again.computed, again.cached, again.cancelled) == (2, 2, False)


def test_sample_without_replay_answer_fails_alone(folder_dataset, tmp_path):
    root, rfile = folder_dataset
    lines = [l for l in rfile.read_text().splitlines() if '"s1"' not in l]
    rfile.write_text("\n".join(lines) + "\n")
    res = evaluate(root, "folder", _template(rfile), tmp_path / "r")
    assert (res.computed, res.failed) == (3, 1)
    rep = res.report
    assert "s1" in rep["failures"] and rep["overall"]["n_failed"] == 1
    assert rep["overall"]["giou"] == pytest.approx(3 / 4)  # s1 scored as an empty prediction
    assert not (tmp_path / "r" / "cache" / "s1.pred.npz").exists()


def test_cache_helpers(tmp_path):
    assert cache_name("0001") == "0001"
    odd = cache_name("val/a b")
    assert odd.startswith("val_a_b-") and "/" not in odd and odd != cache_name("val_a b")
    mask = np.zeros((5, 7), bool)
    mask[1:3, 2:6] = True
    save_prediction(tmp_path / "x.pred.npz", Prediction(mask, np.array([[2, 1, 6, 3]]), "sam", 1.5, "abc"))
    back = load_prediction(tmp_path / "x.pred.npz", "abc")
    assert np.array_equal(back.mask, mask) and back.boxes.tolist() == [[2, 1, 6, 3]] and back.mask_source == "sam"
    assert load_prediction(tmp_path / "x.pred.npz", "other") is None
    (tmp_path / "a.jsonl").write_text('{"sample_id": 7, "raw_text": "[]"}\n\n{"sample_id": "7", "tile_id": 1, "raw_text": "x"}\n')
    assert read_replay_by_sample(tmp_path / "a.jsonl") == {
        "7": ['{"raw_text": "[]"}', '{"raw_text": "x", "tile_id": 1}']}


def test_with_tiny_sam_masks_are_scored_from_the_gpkg(folder_dataset, tmp_path, monkeypatch):
    """With --sam the masks layer is scored (tiny random SAM: arbitrary shapes, exact bookkeeping)."""
    import geopandas as gpd
    from rasterio.features import geometry_mask
    from rasterio.transform import Affine

    from inference_core.evaluate.datasets import read_mask_png
    from inference_core.models.cache import ModelCache
    from inference_core.models.tiny import write_tiny_sam

    import inference_core.models.segment as segment

    root, rfile = folder_dataset
    sam_path, _ = write_tiny_sam(tmp_path / "sam")
    loads = []
    real_load = segment.load_segmenter

    def counting_load(*a, **kw):  # a spy around the real loader: SAM must load once for all samples
        loads.append(a)
        return real_load(*a, **kw)

    monkeypatch.setattr(segment, "load_segmenter", counting_load)
    models = ModelCache()
    res = evaluate(root, "folder", _template(rfile, sam=str(sam_path)), tmp_path / "r", models=models)
    assert res.mask_source == "sam" and (res.computed, res.failed) == (4, 0)
    assert len(loads) == 1 and models.loaded()["segmenter"]["sam"] == str(sam_path)
    assert res.report["overall"]["acc_box"] == 1.0  # boxes are still the replayed ground truth
    by_id = {s["sample_id"]: s for s in res.report["samples"]}
    for sid, rect, *_ in SAMPLES:
        gdf = gpd.read_file(tmp_path / "r" / "cache" / f"{sid}.gpkg", layer="masks")
        pred = (geometry_mask(list(gdf.geometry), (112, 112), Affine.identity(), invert=True)
                if len(gdf) else np.zeros((112, 112), bool))
        gt = read_mask_png(root / "masks" / f"{sid}.png") if rect else np.zeros((112, 112), bool)
        union = int((pred | gt).sum())
        assert by_id[sid]["union"] == union and by_id[sid]["intersection"] == int((pred & gt).sum())
        assert by_id[sid]["iou"] == pytest.approx((pred & gt).sum() / union if union else 1.0)
        assert len(gdf) == (1 if rect else 0)
    assert "SAM masks" in (tmp_path / "r" / "report.md").read_text()


def test_cli_evaluate(folder_dataset, tmp_path, capsys):
    from inference_core.cli.main import main

    root, rfile = folder_dataset
    rc = main(["evaluate", str(root), "--layout", "folder", "--backend", "replay", "--replay", str(rfile),
               "--out", str(tmp_path / "rep"), "--limit", "3"])
    captured = capsys.readouterr()
    assert rc == 0
    assert "3 samples (3 computed, 0 cached, 0 failed), masks from boxes" in captured.out
    assert "gIoU 100.00  cIoU 100.00" in captured.out and "Acc@0.5(box) 100.00" in captured.out
    assert "3/3" in captured.err  # the progress line (not a terminal: one line per tenth)
    rc = main(["evaluate", str(tmp_path / "missing"), "--layout", "folder", "--out", str(tmp_path / "x"),
               "--backend", "replay", "--replay", str(rfile)])
    assert rc == 1 and "does not exist" in capsys.readouterr().err
    rc = main(["evaluate", str(root), "--layout", "folder", "--out", str(tmp_path / "x"), "--backend", "replay"])
    assert rc == 2 and "--replay" in capsys.readouterr().err
