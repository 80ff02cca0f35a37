"""Dataset readers: RRSIS-D on real annotation records (tests/engine/data), EarthReason and `folder`
on synthetic copies of the layouts their loaders imply."""

from __future__ import annotations

import io
import json
import pickle

import numpy as np
import pytest
from PIL import Image

from eval_rrsisd_fixture import MASK_EXTENT, MASK_PIXELS, build_rrsisd, instances_of, real_records, ref_of
from inference_core.evaluate.datasets import (
    DatasetError, coco_segmentation_mask, load_plain_pickle, read_dataset, rle_counts_from_string, rle_decode,
    rrsisd_box,
)
from inference_core.evaluate.metrics import SampleScore, box_iou, box_score, mask_box, summarize


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


def test_earthreason_documented_variants(tmp_path):
    """No EarthReason annotation file is public: these are the layouts SegEarth-R1's loader
    (RS_val_dataset.py ReasonSegDataset) and guide imply, as docs/evaluation.md lists them."""
    m = np.zeros((16, 16), np.uint8)
    m[3:5, 2:8] = 7
    qa = json.dumps({"questions": ["  Which roof is flat?  ", "unused"], "answer": ["the left one"]})
    # 1. a folder holding RSReasonSeg/, a nested val/val/images with labels/ and QAs/ one level up,
    #    PNG images and a .txt QA file (the loader accepts .json and .txt)
    a = tmp_path / "a" / "RSReasonSeg" / "val"
    _png(a / "val" / "images" / "x1.png", _rgb())
    _png(a / "labels" / "x1.png", m)
    (a / "QAs").mkdir()
    (a / "QAs" / "x1.txt").write_text(qa)
    _png(a / "labels" / "x2.png", m)  # label without image or QA: skipped
    (s,) = read_dataset(tmp_path / "a", "earthreason")
    assert (s.sample_id, s.split, s.question, s.extra["answer"]) == ("x1", "val", "Which roof is flat?", "the left one")
    assert s.image.endswith("val/val/images/x1.png") and s.gt_mask().sum() == 12 and s.gt_box() == (2.0, 3.0, 8.0, 5.0)
    # 2. one split folder given directly (images/, labels/, QAs/ inside), .jpeg images
    b = tmp_path / "b" / "test"
    _png(b / "images" / "y.jpeg", _rgb())
    _png(b / "labels" / "y.png", m)
    (b / "QAs").mkdir()
    (b / "QAs" / "y.json").write_text(qa)
    assert [(s.sample_id, s.split) for s in read_dataset(b, "earthreason")] == [("y", "test")]
    # 3. a QA file without questions names the file
    (b / "QAs" / "y.json").write_text(json.dumps({"answer": []}))
    with pytest.raises(DatasetError, match=r"y.json has no \"questions\" list"):
        read_dataset(b, "earthreason")


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


def test_rrsisd_polygon_and_uncompressed_rle_copies(tmp_path):
    """refCOCO-style copies (polygons, `category_id`, plain-list RLE) still read; boxes are corners."""
    block = np.zeros((10, 10), bool)
    block[4:7, 1:3] = True
    flat = block.T.ravel()  # COCO runs are column-major
    change = np.flatnonzero(np.diff(flat.astype(int))) + 1
    counts = np.diff(np.concatenate([[0], change, [flat.size]])).tolist()
    instances = {
        "images": [{"id": 1, "file_name": "00001.jpg", "width": 10, "height": 10},
                   {"id": 2, "file_name": "00002.jpg", "width": 10, "height": 10}],
        "annotations": [
            {"id": 11, "image_id": 1, "category_id": 3, "bbox": [2, 1, 6, 4], "segmentation": [[2, 1, 6, 1, 6, 4, 2, 4]]},
            {"id": 12, "image_id": 2, "categories_id": 4, "bbox": [1, 4, 3, 7],
             "segmentation": {"size": [10, 10], "counts": counts}},
        ],
        "categories": [{"id": 3, "name": "vehicle"}, {"id": 4, "name": "storagetank"}],
    }
    refs = [
        {"ref_id": 1, "ann_id": 11, "image_id": 1, "category_id": 3, "split": "test",
         "sentences": [{"raw": "The vehicle on the left", "sent": "the vehicle on the left"}, {"raw": "other"}]},
        {"ref_id": 2, "ann_id": 12, "image_id": 2, "split": "test",  # no category_id: the annotation's
         "sentences": [{"sent": "the small tank"}]},
        {"ref_id": 3, "ann_id": 12, "image_id": 2, "category_id": 4, "split": "val",
         "sentences": [{"raw": "val tank"}]},
    ]
    _rrsisd(tmp_path, refs, instances)
    samples = read_dataset(tmp_path, "rrsisd")  # default split: test
    assert [(s.sample_id, s.category, s.split) for s in samples] == [("1", "vehicle", "test"), ("2", "storagetank", "test")]
    veh, tank = samples
    assert veh.question == "The vehicle on the left" and tank.question == "the small tank"
    assert veh.image.endswith("images/rrsisd/JPEGImages/00001.jpg")
    assert veh.gt_mask().sum() == 12 and veh.boxes == [(2.0, 1.0, 6.0, 4.0)] and veh.gt_box() == (2.0, 1.0, 6.0, 4.0)
    assert np.array_equal(tank.gt_mask(), block) and tank.gt_box() == (1.0, 4.0, 3.0, 7.0)
    assert [s.sample_id for s in read_dataset(tmp_path, "rrsisd", split="val")] == ["3"]


# ---------------------------------------------------------------- RRSIS-D: real records


def test_real_rrsisd_records_are_read_with_their_real_keys(tmp_path):
    records = real_records()
    ann = instances_of(records)["annotations"][0]
    # the real shape, before the reader sees it: no category_id, a list holding one compressed RLE
    assert "category_id" not in ann and ann["categories_id"] == 19
    assert isinstance(ann["segmentation"], list) and set(ann["segmentation"][0]) == {"size", "counts"}
    assert isinstance(ann["segmentation"][0]["counts"], str)
    build_rrsisd(tmp_path)
    test = read_dataset(tmp_path, "rrsisd")
    assert [(s.sample_id, s.split, s.category, s.question) for s in test] == [
        ("3600", "test", "windmill", "The gray small windmill"),
        ("20960", "test", "tenniscourt", "A tennis court on the lower left"),
    ]
    val = read_dataset(tmp_path, "rrsisd", split="val")
    assert [(s.sample_id, s.category) for s in val] == [("14636", "vehicle"), ("7855", "ship")]
    assert all(s.size == (800, 800) for s in test + val)
    assert val[0].image.endswith("images/rrsisd/JPEGImages/14636.jpg")


def test_real_rrsisd_box_is_a_corner_pair_matching_the_mask(tmp_path):
    """The RLE decodes to a mask whose extent the bbox matches as [x1, y1, x2, y2], not [x, y, w, h]."""
    build_rrsisd(tmp_path)
    samples = read_dataset(tmp_path, "rrsisd") + read_dataset(tmp_path, "rrsisd", split="val")
    records = {str(r["ann_id"]): r for r in real_records()}
    for s in samples:
        bbox = records[s.sample_id]["bbox"]
        mask = s.gt_mask()
        extent = mask_box(mask)
        assert s.boxes == [tuple(float(v) for v in bbox)] and s.gt_box(mask) == tuple(float(v) for v in bbox)
        assert extent == MASK_EXTENT[s.sample_id] and int(mask.sum()) == MASK_PIXELS[s.sample_id]
        assert records[s.sample_id]["area"] != mask.sum()  # `area` is not the mask's pixel count
        off = max(abs(a - b) for a, b in zip(bbox, extent))
        assert off <= 12  # masks are on an 8-px grid: small objects differ by up to 12 px
        x, y, w, h = bbox  # the COCO reading the reader used to apply
        corner_iou = box_iou(np.array([bbox]), np.array([extent]))[0]
        xywh_iou = box_iou(np.array([[x, y, x + w, y + h]]), np.array([extent]))[0]
        assert corner_iou > 0.45 and xywh_iou < 0.06
    by_id = {s.sample_id: s for s in samples}
    # ref 20960 (the example) and 7855: box = mask extent within 8 px
    for sid, off in (("20960", 5), ("7855", 3)):
        assert max(abs(a - b) for a, b in zip(by_id[sid].gt_box(), MASK_EXTENT[sid])) == off


def test_real_rrsisd_ground_truth_answer_scores_box_iou_one(tmp_path):
    build_rrsisd(tmp_path)
    samples = read_dataset(tmp_path, "rrsisd") + read_dataset(tmp_path, "rrsisd", split="val")
    scores = []
    for s in samples:
        answer = [list(next(r["bbox"] for r in real_records() if str(r["ann_id"]) == s.sample_id))]
        gt = s.gt_mask()
        scores.append(SampleScore(s.sample_id, 0, int(gt.sum()), 0, int(gt.sum()),
                                  box_iou=box_score(answer, s.gt_box(gt))))
    assert [sc.box_iou for sc in scores] == [1.0, 1.0, 1.0, 1.0]
    summary = summarize(scores)
    assert summary.acc_box == 1.0 and summary.mean_box_iou == 1.0 and summary.n_box == 4


def test_real_rrsisd_category_zero_and_missing_ref_category(tmp_path):
    """Category id 0 (Expressway-Service-area) is a category, and the annotation's `categories_id`
    is used when a ref has no category_id (record 14636, category changed for the test)."""
    rec = dict(real_records()[2], category_id=0)
    ref = ref_of(rec)
    del ref["category_id"]
    build_rrsisd(tmp_path, [rec], refs=[ref])
    (s,) = read_dataset(tmp_path, "rrsisd", split="val")
    assert s.category == "Expressway-Service-area"


def test_rrsisd_box_that_is_not_a_corner_pair_falls_back_to_the_mask(tmp_path):
    rec = dict(real_records()[1], bbox=[176, 549, 48, 104])  # 20960 written as [x, y, w, h]
    build_rrsisd(tmp_path, [rec])
    (s,) = read_dataset(tmp_path, "rrsisd")
    assert s.boxes is None and s.extra["bbox_ignored"] == [176, 549, 48, 104]
    assert s.gt_box() == MASK_EXTENT["20960"]
    assert rrsisd_box([1, 2, 3, 4]) == (1.0, 2.0, 3.0, 4.0) and rrsisd_box(None) is None
    assert rrsisd_box([5, 5, 5, 9]) is None and rrsisd_box("nope") is None


# ---------------------------------------------------------------- refs(unc).p: the safe unpickler


class _Py2Pickler(pickle._Pickler):
    """Writes str and bytes as Python 2 `str` (SHORT_BINSTRING), as a Python 2 refs file holds them."""

    dispatch = dict(pickle._Pickler.dispatch)

    def _save_py2_str(self, obj):
        raw = obj.encode("latin1") if isinstance(obj, str) else obj
        assert len(raw) < 256
        self.write(pickle.SHORT_BINSTRING + bytes([len(raw)]) + raw)
        self.memoize(obj)

    dispatch[str] = _save_py2_str
    dispatch[bytes] = _save_py2_str


def _py2_pickle(obj) -> bytes:
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    # numpy 1.x (and Python 2) name the scalar constructor numpy.core.multiarray.scalar
    return buf.getvalue().replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


NUMPY_REF = {"ref_id": np.int64(20960), "ann_id": np.int32(20960), "split": np.str_("test"),
             "score": np.float32(0.5), "flag": np.bool_(True), "small": np.uint8(7)}
PLAIN_REF = {"ref_id": 20960, "ann_id": 20960, "split": "test", "score": 0.5, "flag": True, "small": 7}


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_refs_pickle_with_numpy_scalars_is_read_as_plain_values(tmp_path, protocol):
    path = tmp_path / "refs.p"
    path.write_bytes(pickle.dumps([NUMPY_REF], protocol=protocol))
    assert b"scalar" in path.read_bytes() and b"_codecs" not in path.read_bytes()
    (back,) = load_plain_pickle(path)
    assert back == PLAIN_REF
    assert type(back["ref_id"]) is int and type(back["score"]) is float and type(back["split"]) is str


def test_python2_refs_pickle_with_numpy_scalars(tmp_path):
    data = _py2_pickle([NUMPY_REF])
    assert b"cnumpy.core.multiarray\nscalar\n" in data and b"_codecs" not in data
    path = tmp_path / "refs.p"
    path.write_bytes(data)
    assert load_plain_pickle(path) == [PLAIN_REF]


def test_real_rrsisd_refs_with_numpy_ids_through_the_reader(tmp_path):
    for protocol in (3, 4):
        root = build_rrsisd(tmp_path / f"p{protocol}", protocol=protocol)
        raw = (root / "rrsisd" / "refs(unc).p").read_bytes()
        assert b"scalar" in raw  # the ids really are numpy scalars in the file
        assert [s.sample_id for s in read_dataset(root, "rrsisd")] == ["3600", "20960"]


def _opcodes(*parts: bytes) -> bytes:
    return b"\x80\x02" + b"".join(parts) + b"."


@pytest.mark.parametrize("payload, message", [
    # os.system("echo pwned") through GLOBAL + REDUCE
    (_opcodes(b"cos\nsystem\n", b"X\x0a\x00\x00\x00echo pwned", b"\x85R"), "os.system"),
    # builtins.eval, named with the Python 2 module name
    (_opcodes(b"c__builtin__\neval\n", b"X\x01\x00\x00\x001", b"\x85R"), "eval"),
    # a numpy array (numpy.core.multiarray._reconstruct): not a scalar
    (pickle.dumps(np.arange(3)), "_reconstruct"),
    # an object-dtype numpy "scalar" would carry an arbitrary object
    (_opcodes(b"cnumpy._core.multiarray\nscalar\n", b"cnumpy\ndtype\n", b"X\x01\x00\x00\x00O\x89\x88\x87R",
              b"N\x86R"), "only numbers and strings"),
    # a structured dtype
    (_opcodes(b"cnumpy\ndtype\n", b"X\x07\x00\x00\x00i4,i4,i\x85R"), "only numbers and strings"),
    # the scalar constructor fed something other than its raw bytes
    (_opcodes(b"cnumpy._core.multiarray\nscalar\n", b"cnumpy\ndtype\n", b"X\x02\x00\x00\x00i8\x85R",
              b"]\x86R"), "corrupt numpy scalar"),
    # Python 3 protocol-2 bytes need _codecs.encode: a global outside the allowed three
    (pickle.dumps([np.int64(5)], protocol=2), "_codecs.encode"),
])
def test_refs_pickle_refuses_everything_but_numpy_scalars(tmp_path, payload, message):
    path = tmp_path / "refs.p"
    path.write_bytes(payload)
    with pytest.raises(DatasetError, match=message):
        load_plain_pickle(path)


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


@pytest.mark.parametrize("damage, expected", [
    (lambda inst, refs: inst.update(annotations={"a": 1}), 'instances.json: the field "annotations" must be a list, not a dict'),
    (lambda inst, refs: inst["annotations"][0].pop("id"), 'instances.json: annotation 0 has no "id" field'),
    (lambda inst, refs: inst["images"].__setitem__(0, "3600.jpg"), 'instances.json: image 0 is a str, not an object with a "id" field'),
    (lambda inst, refs: [i.pop("file_name") for i in inst["images"]], 'instances.json: image 3600 has no "file_name" field'),
    (lambda inst, refs: [i.update(width="wide") for i in inst["images"]], 'instances.json: image 3600 fields "width" and "height" must be whole numbers'),
    (lambda inst, refs: [a.pop("segmentation") for a in inst["annotations"]], 'instances.json: annotation 3600 has no "segmentation" field'),
    (lambda inst, refs: refs[0].pop("ann_id"), 'refs(unc).p: ref 3600 has no "ann_id" field'),
    (lambda inst, refs: refs[0].update(sentences=["The gray small windmill"]), 'refs(unc).p: ref 3600 field "sentences"[0] has no "raw" or "sent" text'),
    (lambda inst, refs: refs.__setitem__(0, ("not", "a", "dict")), "refs(unc).p: ref 0 is a tuple, not a dict of ref fields"),
])
def test_malformed_rrsisd_records_name_the_file_and_the_field(tmp_path, damage, expected):
    """Each damaged record is a DatasetError naming the file and the field (before: KeyError / AttributeError)."""
    import pickle

    records = real_records()
    inst = instances_of(records)
    refs = [ref_of(r) for r in records]
    damage(inst, refs)
    build_rrsisd(tmp_path, records, refs=refs)
    (tmp_path / "rrsisd" / "instances.json").write_text(json.dumps(inst), encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        read_dataset(tmp_path, "rrsisd")
    assert expected in str(err.value)
    with open(tmp_path / "rrsisd" / "refs(unc).p", "rb") as fh:
        assert len(pickle.load(fh)) == 4  # the file we meant to test was the one read


def test_malformed_rrsisd_through_the_evaluate_command_is_one_line(tmp_path, capsys):
    from inference_core.cli.main import main

    records = real_records()
    inst = instances_of(records)
    inst["annotations"][0].pop("id")
    build_rrsisd(tmp_path, records)
    (tmp_path / "rrsisd" / "instances.json").write_text(json.dumps(inst), encoding="utf-8")
    rc = main(["evaluate", str(tmp_path), "--layout", "rrsisd", "--backend", "replay", "--replay",
               str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "eval")])
    err = capsys.readouterr().err
    assert rc != 0 and 'instances.json: annotation 0 has no "id" field' in err
    assert "KeyError" not in err and "internal error" not in err and "Traceback" not in err
