"""Dataset readers on tiny synthetic copies of the EarthReason, RRSIS-D and `folder` layouts."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from PIL import Image

from inference_core.evaluate.datasets import (
    DatasetError, coco_segmentation_mask, read_dataset, rle_counts_from_string, rle_decode,
)


def _png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)


def _rgb(h=16, w=16):
    return np.full((h, w, 3), 90, np.uint8)


def _rle_to_string(counts):
    """COCO's compressed RLE encoding (the inverse of the reader's decoder), for building fixtures."""
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        more = True
        while more:
            ch = x & 0x1F
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
    return "".join(out)


# ---------------------------------------------------------------- folder


def test_folder_layout(tmp_path):
    _png(tmp_path / "images" / "a.png", _rgb())
    _png(tmp_path / "images" / "b.jpg", _rgb())
    m = np.zeros((16, 16), np.uint8)
    m[2:6, 3:9] = 255
    _png(tmp_path / "masks" / "a.png", m)
    (tmp_path / "questions.json").write_text(json.dumps([
        {"id": "a", "image": "images/a.png", "mask": "masks/a.png", "question": "the roof", "category": "building",
         "split": "val", "box": [3, 2, 9, 6]},
        {"id": "b", "question": "any ship?", "mask": None, "split": "test"},
    ]))
    samples = read_dataset(tmp_path, "folder")
    assert [s.sample_id for s in samples] == ["a", "b"]
    a, b = samples
    assert a.category == "building" and a.split == "val" and a.question == "the roof"
    assert a.boxes == [(3.0, 2.0, 9.0, 6.0)]
    gt = a.gt_mask()
    assert gt.shape == (16, 16) and gt.sum() == 24 and gt[2, 3] and not gt[6, 3]
    assert a.gt_box() == (3.0, 2.0, 9.0, 6.0)
    assert b.image.endswith("b.jpg") and b.mask_path is None
    assert b.gt_mask().shape == (16, 16) and b.gt_mask().sum() == 0 and b.gt_box() is None
    assert [s.sample_id for s in read_dataset(tmp_path, "folder", split="test")] == ["b"]


def test_folder_layout_errors_name_the_fix(tmp_path):
    with pytest.raises(DatasetError, match="no questions.json"):
        read_dataset(tmp_path, "folder")
    (tmp_path / "questions.json").write_text(json.dumps([{"id": "x", "question": "q"}]))
    with pytest.raises(DatasetError, match="image for id 'x' not found"):
        read_dataset(tmp_path, "folder")
    _png(tmp_path / "images" / "x.tif", _rgb())
    with pytest.raises(DatasetError, match="mask\": null"):
        read_dataset(tmp_path, "folder")
    with pytest.raises(DatasetError, match="Unknown layout"):
        read_dataset(tmp_path, "coco")
    with pytest.raises(DatasetError, match="does not exist"):
        read_dataset(tmp_path / "nope", "folder")


def test_rgb_and_palette_masks_are_any_nonzero(tmp_path):
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[1, 2, 1] = 7
    _png(tmp_path / "m.png", rgb)
    from inference_core.evaluate.datasets import read_mask_png

    m = read_mask_png(tmp_path / "m.png")
    assert m.shape == (4, 5) and m.sum() == 1 and m[1, 2]
    pal = Image.fromarray(np.array([[0, 1], [2, 0]], np.uint8), mode="P")
    pal.putpalette([0, 0, 0, 255, 255, 255, 9, 9, 9])
    pal.save(tmp_path / "p.png")
    assert read_mask_png(tmp_path / "p.png").tolist() == [[False, True], [True, False]]


# ---------------------------------------------------------------- EarthReason


def _earthreason(root, split, stem, question, mask, answer=("yes",)):
    _png(root / split / "images" / f"{stem}.jpg", _rgb())
    _png(root / split / "labels" / f"{stem}.png", mask)
    (root / split / "QAs").mkdir(parents=True, exist_ok=True)
    (root / split / "QAs" / f"{stem}.json").write_text(json.dumps({"questions": [question, "other"], "answer": list(answer)}))


def test_earthreason_layout(tmp_path):
    root = tmp_path / "rs_reason_seg" / "RSReasonSeg"
    m = np.zeros((16, 16), np.uint8)
    m[0:4, 0:2] = 1
    _earthreason(root, "val", "0001", "Where could boats dock?", m)
    _earthreason(root, "test", "0002", "Which area floods first?", np.zeros((16, 16)), answer=())
    _earthreason(root, "train", "0003", "train only", m)
    _png(root / "val" / "images" / "orphan.jpg", _rgb())  # no label/QA: skipped
    samples = read_dataset(tmp_path, "earthreason")  # data_path/rs_reason_seg/RSReasonSeg is found
    assert [(s.sample_id, s.split) for s in samples] == [("test/0002", "test"), ("val/0001", "val")]
    val = samples[1]
    assert val.question == "Where could boats dock?"
    assert val.gt_mask().sum() == 8 and val.gt_box() == (0.0, 0.0, 2.0, 4.0)
    assert samples[0].gt_mask().sum() == 0 and samples[0].extra["answer"] is None
    only_val = read_dataset(root, "earthreason", split="val")
    assert [s.sample_id for s in only_val] == ["0001"]
    assert [s.sample_id for s in read_dataset(root, "earthreason", split="train")] == ["0003"]
    with pytest.raises(DatasetError, match="split 'dev' not found"):
        read_dataset(root, "earthreason", split="dev")
    with pytest.raises(DatasetError, match="does not look like EarthReason"):
        read_dataset(root / "val" / "QAs", "earthreason")


# ---------------------------------------------------------------- RRSIS-D


def test_rle_decode_by_hand():
    # 3x3, column-major runs: 2 zeros, 3 ones, 4 zeros -> column 0 rows 2; column 1 rows 0,1
    m = rle_decode({"size": [3, 3], "counts": [2, 3, 4]})
    assert m.tolist() == [[False, True, False], [False, True, False], [True, False, False]]
    s = _rle_to_string([2, 3, 4])
    assert s == "234"
    assert rle_counts_from_string(s) == [2, 3, 4]
    long = [5, 100, 37, 2, 900, 1]
    assert rle_counts_from_string(_rle_to_string(long)) == long
    with pytest.raises(DatasetError, match="corrupt"):
        rle_decode({"size": [3, 3], "counts": [2, 3]})


def test_coco_polygon_rasterised_on_pixel_centres():
    m = coco_segmentation_mask([[2, 1, 6, 1, 6, 4, 2, 4]], width=8, height=6)  # x 2..6, y 1..4
    assert m.sum() == 12 and m[1, 2] and m[3, 5] and not m[4, 2] and not m[1, 6]


def _rrsisd(root, refs, instances):
    ann = root / "rrsisd"
    ann.mkdir(parents=True)
    with open(ann / "refs(unc).p", "wb") as fh:
        pickle.dump(refs, fh, protocol=2)
    (ann / "instances.json").write_text(json.dumps(instances))
    for img in instances["images"]:
        _png(root / "images" / "rrsisd" / "JPEGImages" / img["file_name"], _rgb(img["height"], img["width"]))


def test_rrsisd_layout(tmp_path):
    # mask of image 2 as compressed RLE: 10x10, column-major; a 3x2 block at rows 4..6, cols 1..2
    block = np.zeros((10, 10), bool)
    block[4:7, 1:3] = True
    flat = block.T.ravel()
    change = np.flatnonzero(np.diff(flat.astype(int))) + 1
    runs = np.diff(np.concatenate([[0], change, [flat.size]])).tolist()
    counts = runs if not flat[0] else [0] + runs
    instances = {
        "images": [{"id": 1, "file_name": "00001.jpg", "width": 10, "height": 10},
                   {"id": 2, "file_name": "00002.jpg", "width": 10, "height": 10}],
        "annotations": [
            {"id": 11, "image_id": 1, "category_id": 3, "bbox": [2, 1, 4, 3], "segmentation": [[2, 1, 6, 1, 6, 4, 2, 4]]},
            {"id": 12, "image_id": 2, "category_id": 4, "bbox": [1, 4, 2, 3],
             "segmentation": {"size": [10, 10], "counts": _rle_to_string(counts)}},
        ],
        "categories": [{"id": 3, "name": "vehicle"}, {"id": 4, "name": "storagetank"}],
    }
    refs = [
        {"ref_id": 1, "ann_id": 11, "image_id": 1, "category_id": 3, "split": "test",
         "sentences": [{"raw": "The vehicle on the left", "sent": "the vehicle on the left"}, {"raw": "other"}]},
        {"ref_id": 2, "ann_id": 12, "image_id": 2, "category_id": 4, "split": "test",
         "sentences": [{"raw": "the small tank", "sent": "the small tank"}]},
        {"ref_id": 3, "ann_id": 12, "image_id": 2, "category_id": 4, "split": "val",
         "sentences": [{"raw": "val tank"}]},
    ]
    _rrsisd(tmp_path, refs, instances)
    samples = read_dataset(tmp_path, "rrsisd")  # default split: test
    assert [(s.sample_id, s.category, s.split) for s in samples] == [("1", "vehicle", "test"), ("2", "storagetank", "test")]
    veh, tank = samples
    assert veh.question == "The vehicle on the left"
    assert veh.image.endswith("images/rrsisd/JPEGImages/00001.jpg")
    assert veh.gt_mask().sum() == 12 and veh.gt_box() == (2.0, 1.0, 6.0, 4.0)
    assert np.array_equal(tank.gt_mask(), block) and tank.gt_box() == (1.0, 4.0, 3.0, 7.0)
    assert [s.sample_id for s in read_dataset(tmp_path, "rrsisd", split="val")] == ["3"]


def test_rrsisd_refs_pickle_cannot_run_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    ann = tmp_path / "rrsisd"
    ann.mkdir()
    with open(ann / "refs(unc).p", "wb") as fh:
        pickle.dump([Evil()], fh)
    (ann / "instances.json").write_text("{}")
    with pytest.raises(DatasetError, match="only plain data"):
        read_dataset(tmp_path, "rrsisd")


def test_rrsisd_missing_layout(tmp_path):
    with pytest.raises(DatasetError, match=r"rrsisd/refs\(unc\).p"):
        read_dataset(tmp_path, "rrsisd")
