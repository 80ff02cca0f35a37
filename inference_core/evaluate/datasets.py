"""Benchmark readers: EarthReason (SegEarth-R1 release), RRSIS-D (RMSIN, refCOCO style) and a
documented generic `folder` layout. Each yields `Sample`s with a question and a ground-truth mask.
"""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from inference_core.evaluate.metrics import envelope, mask_box

LAYOUTS = ("earthreason", "rrsisd", "folder")
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
EARTHREASON_SPLITS = ("train", "val", "test")
# Optional keys an EarthReason QA file may carry a category under (not confirmed by the release).
_CATEGORY_KEYS = ("category", "class", "class_name", "type")

Box = tuple[float, float, float, float]


class DatasetError(ValueError):
    """The dataset folder does not match the layout; the message names what is missing and the fix."""


@dataclass
class Sample:
    """One question about one image with its ground truth (a mask file or COCO segmentation)."""

    sample_id: str
    image: str
    question: str
    category: Optional[str] = None
    split: Optional[str] = None
    mask_path: Optional[str] = None  # PNG, non-zero = target; None with no segmentation = no target
    segmentation: Any = None  # COCO polygons (list of flat lists), an RLE dict, or a list of RLE dicts (RRSIS-D)
    size: Optional[tuple[int, int]] = None  # (width, height) when known without opening the image
    boxes: Optional[list[Box]] = None  # ground-truth boxes (x1, y1, x2, y2, pixels) when the layout has them
    extra: dict[str, Any] = field(default_factory=dict)

    def gt_mask(self) -> np.ndarray:
        """The ground truth as a bool array (height, width)."""
        if self.mask_path is not None:
            return read_mask_png(self.mask_path)
        width, height = self.size or image_size(self.image)
        if self.segmentation is None:
            return np.zeros((height, width), dtype=bool)
        return coco_segmentation_mask(self.segmentation, width, height)

    def gt_box(self, mask: Optional[np.ndarray] = None) -> Optional[Box]:
        """The layout's box (envelope of its boxes), else the bounding box of the ground-truth mask."""
        if self.boxes:
            return envelope(self.boxes)
        return mask_box(self.gt_mask() if mask is None else mask)


# ---------------------------------------------------------------------------------------------
# small readers


def read_mask_png(path: str | Path) -> np.ndarray:
    """A mask image as bool: any non-zero value (grey, palette index or RGB channel) is target."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            arr = np.asarray(im)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"Cannot read the mask {path}: {exc}. Masks must be PNG images.") from None
    if arr.ndim == 3:
        arr = arr[..., :3] if arr.shape[2] >= 3 else arr[..., :1]
        return arr.any(axis=2)
    return arr != 0


def image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image file without decoding its pixels (rasterio for TIFF, else PIL)."""
    path = Path(path)
    if path.suffix.lower() in (".tif", ".tiff"):
        import rasterio

        with rasterio.open(path) as ds:
            return ds.width, ds.height
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def rle_counts_from_string(s: str) -> list[int]:
    """Decode COCO's compressed RLE string (6-bit chars, 5 data bits, sign bit, delta from 2 back)."""
    counts: list[int] = []
    p = 0
    data = s.encode("ascii") if isinstance(s, str) else bytes(s)
    while p < len(data):
        x = 0
        k = 0
        more = True
        while more:
            c = data[p] - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_decode(rle: dict[str, Any]) -> np.ndarray:
    """COCO RLE ({"size": [h, w], "counts": str | list}) to a bool (h, w) mask; runs are column-major."""
    h, w = (int(v) for v in rle["size"])
    counts = rle["counts"]
    if isinstance(counts, (str, bytes)):
        counts = rle_counts_from_string(counts.decode("ascii") if isinstance(counts, bytes) else counts)
    counts = np.asarray(counts, dtype=np.int64)
    if counts.sum() != h * w:
        raise DatasetError(f"RLE runs sum to {int(counts.sum())}, not {h}x{w} = {h * w}: the annotation is corrupt.")
    values = (np.arange(counts.size) % 2).astype(bool)  # runs alternate 0, 1, 0, ... starting with 0
    flat = np.repeat(values, counts)
    return flat.reshape(w, h).T


def coco_segmentation_mask(segmentation: Any, width: int, height: int) -> np.ndarray:
    """COCO polygons (pixel-edge coordinates) or RLE to a bool (height, width) mask (union of parts).

    Polygons are burnt with rasterio's pixel-centre rule; pycocotools' own rasteriser can differ by
    one pixel along edges.
    """
    if isinstance(segmentation, dict):
        rles = [segmentation]
    elif isinstance(segmentation, list) and segmentation and isinstance(segmentation[0], dict):
        rles = segmentation
    else:
        rles = []
    if rles:
        out = np.zeros((height, width), dtype=bool)
        for rle in rles:
            m = rle_decode(rle)
            if m.shape != out.shape:
                raise DatasetError(f"RLE size {m.shape} differs from the image size {(height, width)}.")
            out |= m
        return out
    from rasterio import features
    from rasterio.transform import Affine
    from shapely.geometry import Polygon

    polys = []
    for flat in segmentation or []:
        pts = np.asarray(flat, dtype=np.float64).reshape(-1, 2)
        if len(pts) >= 3:
            poly = Polygon(pts)
            polys.append(poly if poly.is_valid else poly.buffer(0))
    polys = [p for p in polys if not p.is_empty]
    if not polys:
        return np.zeros((height, width), dtype=bool)
    burnt = features.rasterize(((p, 1) for p in polys), out_shape=(height, width), transform=Affine.identity(),
                               fill=0, dtype="uint8")
    return burnt.astype(bool)


# numpy scalar kinds a refs file may hold: bool, signed/unsigned int, float, complex, bytes, str.
# Object, void (structured) and datetime dtypes are refused: only these rebuild from raw bytes alone.
_SCALAR_KINDS = frozenset("biufcSU")


def _numpy_dtype(spec: Any, align: Any = False, copy: Any = True) -> np.dtype:
    """`numpy.dtype(spec, align, copy)` as a pickle calls it, for plain scalar type codes only."""
    if not isinstance(spec, str):
        raise DatasetError(f"The refs file builds numpy.dtype({spec!r}); only plain scalar type codes are accepted.")
    try:
        dtype = np.dtype(spec)
    except TypeError:
        raise DatasetError(f"The refs file holds an unknown numpy type {spec!r}.") from None
    if dtype.kind not in _SCALAR_KINDS or dtype.hasobject:
        raise DatasetError(f"The refs file holds numpy type {spec!r}; only numbers and strings are accepted.")
    return dtype


def _numpy_scalar(dtype: Any, data: Any = None) -> Any:
    """`numpy.core.multiarray.scalar(dtype, data)` rebuilt from its raw bytes, as a plain Python value.

    The check runs here, after pickle's BUILD step has applied the dtype's state, so a state
    that turned the dtype structured or object-typed is caught too. Python 2 pickles carry the
    bytes as a str (decoded as latin1 by the reader), hence the re-encoding.
    """
    if (not isinstance(dtype, np.dtype) or dtype.kind not in _SCALAR_KINDS or dtype.hasobject
            or dtype.fields is not None):
        raise DatasetError("The refs file holds a numpy scalar of a type other than a number or a string.")
    raw = data.encode("latin1") if isinstance(data, str) else data
    if not isinstance(raw, bytes) or len(raw) != dtype.itemsize:
        raise DatasetError("The refs file holds a corrupt numpy scalar.")
    return np.frombuffer(raw, dtype=dtype, count=1)[0].item()


# The only globals a refs file may name: numpy's scalar reconstruction (numpy 1.x and 2.x module
# names) and numpy.dtype. Real RRSIS-D refs may hold numpy integers; anything else is refused.
_ALLOWED_GLOBALS: dict[tuple[str, str], Callable[..., Any]] = {
    ("numpy.core.multiarray", "scalar"): _numpy_scalar,
    ("numpy._core.multiarray", "scalar"): _numpy_scalar,
    ("numpy", "dtype"): _numpy_dtype,
}


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain data (dict, list, str, numbers) and numpy scalars: a refs file cannot run code."""

    def find_class(self, module: str, name: str):  # noqa: D401 - pickle API
        allowed = _ALLOWED_GLOBALS.get((module, name))
        if allowed is not None:
            return allowed
        raise DatasetError(
            f"The refs file references {module}.{name}; only plain data and numpy numbers are accepted. "
            "Re-save it as plain Python lists and dicts."
        )


def load_plain_pickle(path: Path) -> Any:
    """A pickle of plain data (numpy scalars become Python numbers); DatasetError for anything else."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        # latin1: the refCOCO-family refs are Python 2 pickles whose str objects are bytes.
        return _PlainUnpickler(io.BytesIO(data), encoding="latin1").load()
    except DatasetError:
        raise
    except Exception as exc:  # any corrupt pickle
        raise DatasetError(f"Cannot read {path}: {exc}.") from None


# ---------------------------------------------------------------------------------------------
# layouts


def _find_image(folder: Path, stem: str) -> Optional[Path]:
    for ext in IMAGE_EXTS:
        for cand in (folder / f"{stem}{ext}", folder / f"{stem}{ext.upper()}"):
            if cand.is_file():
                return cand
    return None


def read_folder(root: Path, split: Optional[str] = None) -> list[Sample]:
    """`folder` layout: images/<id>.(png|jpg|tif), masks/<id>.png, questions.json (see docs/evaluation.md)."""
    qfile = root / "questions.json"
    if not qfile.is_file():
        raise DatasetError(f"{root} has no questions.json: the folder layout needs images/, masks/ and questions.json.")
    try:
        entries = json.loads(qfile.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DatasetError(f"{qfile} is not valid JSON: {exc}.") from None
    if isinstance(entries, dict) and isinstance(entries.get("questions"), list):
        entries = entries["questions"]
    if not isinstance(entries, list):
        raise DatasetError(f"{qfile} must hold a JSON list of {{\"id\", \"image\", \"mask\", \"question\"}} objects.")
    samples: list[Sample] = []
    seen: set[str] = set()
    for i, e in enumerate(entries):
        where = f"{qfile.name} entry {i}"
        if not isinstance(e, dict):
            raise DatasetError(f"{where} is not an object.")
        sid = str(e.get("id", "")).strip()
        question = e.get("question")
        if not sid:
            raise DatasetError(f"{where} has no \"id\".")
        if sid in seen:
            raise DatasetError(f"{where}: id {sid!r} is used twice; ids must be unique.")
        seen.add(sid)
        if not isinstance(question, str) or not question.strip():
            raise DatasetError(f"{where} (id {sid!r}) has no \"question\" text.")
        image = _resolve(root, e.get("image"), root / "images", sid, IMAGE_EXTS)
        if image is None:
            raise DatasetError(f"{where}: image for id {sid!r} not found (looked for {e.get('image') or f'images/{sid}.*'}).")
        mask_path: Optional[Path]
        if "mask" in e and e["mask"] is None:
            mask_path = None  # explicitly no target in this image
        else:
            mask_path = _resolve(root, e.get("mask"), root / "masks", sid, (".png",))
            if mask_path is None:
                raise DatasetError(
                    f"{where}: mask for id {sid!r} not found (looked for {e.get('mask') or f'masks/{sid}.png'}); "
                    "use \"mask\": null for a question with no target."
                )
        entry_split = e.get("split")
        if split is not None and entry_split != split:
            continue
        samples.append(Sample(
            sample_id=sid, image=str(image), question=question.strip(),
            category=_opt_str(e.get("category")), split=_opt_str(entry_split),
            mask_path=str(mask_path) if mask_path else None, boxes=_parse_boxes(e.get("box"), where),
        ))
    return samples


def _resolve(root: Path, given: Any, default_dir: Path, stem: str, exts: Sequence[str]) -> Optional[Path]:
    if given:
        for cand in (root / str(given), default_dir / str(given)):
            if cand.is_file():
                return cand
        return None
    if exts == (".png",):
        cand = default_dir / f"{stem}.png"
        return cand if cand.is_file() else None
    return _find_image(default_dir, stem)


def _opt_str(v: Any) -> Optional[str]:
    return None if v is None or v == "" else str(v)


def _parse_boxes(v: Any, where: str) -> Optional[list[Box]]:
    if v is None:
        return None
    try:
        arr = np.asarray(v, dtype=np.float64)
        arr = arr.reshape(-1, 4) if arr.size else np.zeros((0, 4))
    except (TypeError, ValueError):
        raise DatasetError(f"{where}: \"box\" must be [x1, y1, x2, y2] or a list of them, in pixels.") from None
    if (arr[:, 2] < arr[:, 0]).any() or (arr[:, 3] < arr[:, 1]).any():
        raise DatasetError(f"{where}: \"box\" must be [x1, y1, x2, y2] with x2 >= x1 and y2 >= y1.")
    return [tuple(map(float, row)) for row in arr]  # type: ignore[misc]


def _earthreason_split_dirs(root: Path) -> dict[str, Path]:
    """Split folders holding images/labels/QAs, for the layouts the SegEarth-R1 code accepts."""
    bases = [root, root / "RSReasonSeg", root / "rs_reason_seg" / "RSReasonSeg"]
    found: dict[str, Path] = {}
    for base in bases:
        for s in EARTHREASON_SPLITS:
            for cand in (base / s, base / s / s):  # some copies nest val/val/...
                if (cand / "images").is_dir() and s not in found:
                    found[s] = cand
        if found:
            return found
    if (root / "images").is_dir() and (root / "QAs").is_dir():
        return {root.name if root.name in EARTHREASON_SPLITS else "all": root}
    return found


def _sibling(split_dir: Path, name: str) -> Path:
    """labels/ and QAs/ may sit beside images/ or one level up (val/val/images with val/labels)."""
    for cand in (split_dir / name, split_dir.parent / name):
        if cand.is_dir():
            return cand
    return split_dir / name


def read_earthreason(root: Path, split: Optional[str] = None) -> list[Sample]:
    """EarthReason: <split>/images/<stem>.jpg, <split>/labels/<stem>.png, <split>/QAs/<stem>.json.

    A QA file holds {"questions": [...], "answer": [...]}; like SegEarth-R1's evaluation the first
    question is asked. Samples are the stems present in all three folders.
    """
    dirs = _earthreason_split_dirs(root)
    if not dirs:
        raise DatasetError(
            f"{root} does not look like EarthReason: expected train/, val/ or test/ folders each with "
            "images/, labels/ and QAs/ (the RSReasonSeg folder of the release)."
        )
    if split is not None:
        if split not in dirs:
            raise DatasetError(f"EarthReason split {split!r} not found in {root}; found: {', '.join(sorted(dirs))}.")
        dirs = {split: dirs[split]}
    else:
        # Evaluation defaults to the held-out splits; train is read only when asked for.
        dirs = {k: v for k, v in dirs.items() if k != "train"} or dirs
    samples: list[Sample] = []
    for split_name, d in sorted(dirs.items()):
        images = {p.stem: p for p in sorted((d / "images").iterdir()) if p.suffix.lower() in IMAGE_EXTS}
        labels_dir, qas_dir = _sibling(d, "labels"), _sibling(d, "QAs")
        if not labels_dir.is_dir() or not qas_dir.is_dir():
            raise DatasetError(f"EarthReason split {split_name}: {d} needs labels/ and QAs/ beside images/.")
        labels = {p.stem: p for p in labels_dir.iterdir() if p.suffix.lower() == ".png"}
        qas = {p.stem: p for p in qas_dir.iterdir() if p.suffix.lower() in (".json", ".txt")}
        for stem in sorted(set(images) & set(labels) & set(qas)):
            try:
                qa = json.loads(qas[stem].read_text(encoding="utf-8"))
            except ValueError as exc:
                raise DatasetError(f"{qas[stem]} is not valid JSON: {exc}.") from None
            questions = qa.get("questions") if isinstance(qa, dict) else None
            if not questions or not isinstance(questions, list) or not str(questions[0]).strip():
                raise DatasetError(f"{qas[stem]} has no \"questions\" list.")
            category = next((str(qa[k]) for k in _CATEGORY_KEYS if qa.get(k)), None)
            answers = qa.get("answer") or []
            answers = answers if isinstance(answers, list) else [answers]  # one answer written bare
            samples.append(Sample(
                sample_id=f"{split_name}/{stem}" if len(dirs) > 1 else stem,
                image=str(images[stem]), question=str(questions[0]).strip(), category=category,
                split=split_name, mask_path=str(labels[stem]),
                extra={"answer": answers[0] if answers else None},
            ))
    return samples


def _rrsisd_dirs(root: Path) -> tuple[Path, Path]:
    for base in (root, root / "RRSIS-D", root / "rs_ref_seg" / "RRSIS-D"):
        for ann in ("rrsisd", "rrssid"):
            if (base / ann / "refs(unc).p").is_file():
                return base / ann, base / "images" / "rrsisd" / "JPEGImages"
    raise DatasetError(
        f"{root} does not look like RRSIS-D: expected rrsisd/refs(unc).p, rrsisd/instances.json and "
        "images/rrsisd/JPEGImages/ (the layout of the RMSIN release)."
    )


def rrsisd_box(bbox: Any) -> Optional[Box]:
    """An RRSIS-D annotation `bbox` as (x1, y1, x2, y2), or None when it is absent or not a corner pair.

    RRSIS-D stores the corner pair [x1, y1, x2, y2], not COCO's [x, y, w, h]: in the real records
    the box agrees with the mask's extent only when read as corners (ref 20960: bbox
    [176, 549, 221, 643], mask columns 176..223, rows 544..647). See docs/evaluation.md.
    A box with x2 < x1 or y2 < y1 cannot be a corner pair; the mask's extent is used instead.
    """
    if bbox is None:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


def _first_key(mapping: dict[str, Any], keys: Sequence[str]) -> Any:
    """The value of the first key present (None values skipped); 0 counts as present (category 0)."""
    for k in keys:
        if mapping.get(k) is not None:
            return mapping[k]
    return None


def read_rrsisd(root: Path, split: Optional[str] = None) -> list[Sample]:
    """RRSIS-D (refCOCO style): refs(unc).p + instances.json; one sample per referring expression's
    object with its first sentence (as SegEarth-R1 evaluates); split defaults to test.

    Real records (docs/evaluation.md): annotations carry `categories_id` (ids 0..19), a list
    holding one compressed-RLE dict as `segmentation`, a corner-pair `bbox`, and an `area` that
    is not a pixel count (unused here).
    """
    ann_dir, image_dir = _rrsisd_dirs(root)
    inst_file = ann_dir / "instances.json"
    if not inst_file.is_file():
        raise DatasetError(f"{inst_file} is missing: RRSIS-D needs instances.json beside refs(unc).p.")
    refs = load_plain_pickle(ann_dir / "refs(unc).p")
    if not isinstance(refs, list):
        raise DatasetError(f"{ann_dir / 'refs(unc).p'} must hold a list of refs, not {type(refs).__name__}.")
    try:
        instances = json.loads(inst_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DatasetError(f"{inst_file} is not valid JSON: {exc}.") from None
    if not isinstance(instances, dict):
        raise DatasetError(f"{inst_file} must hold a JSON object with \"images\" and \"annotations\", not a "
                           f"{type(instances).__name__}.")
    refs_file = (ann_dir / "refs(unc).p").name
    anns = {_field(a, "id", f"annotation {i}", inst_file.name): a for i, a in enumerate(_list(instances, "annotations", inst_file.name))}
    imgs = {_field(m, "id", f"image {i}", inst_file.name): m for i, m in enumerate(_list(instances, "images", inst_file.name))}
    cats = {_field(c, "id", f"category {i}", inst_file.name): c.get("name")
            for i, c in enumerate(_list(instances, "categories", inst_file.name))}
    want = split or "test"
    samples: list[Sample] = []
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict):
            raise DatasetError(f"{refs_file}: ref {i} is a {type(ref).__name__}, not a dict of ref fields.")
        ref_split = str(ref.get("split", ""))
        # refCOCO convention: "test" also selects testA/testB.
        if not (ref_split == want or (want == "test" and ref_split.startswith("test"))):
            continue
        where = f"ref {ref.get('ref_id', i)}"
        ann = anns.get(_field(ref, "ann_id", where, refs_file))
        img = imgs.get(_field(ref, "image_id", where, refs_file))
        if ann is None or img is None:
            raise DatasetError(f"ref {ref.get('ref_id')} points at a missing annotation or image in {inst_file.name}.")
        sentences = ref.get("sentences") or []
        if not sentences:
            continue
        first = sentences[0] if isinstance(sentences, list) else None
        question = first.get("raw") or first.get("sent") if isinstance(first, dict) else None
        if not isinstance(question, str) or not question.strip():
            raise DatasetError(f"{refs_file}: {where} field \"sentences\"[0] has no \"raw\" or \"sent\" text.")
        image_where = f"image {ref['image_id']}"
        file_name = _field(img, "file_name", image_where, inst_file.name)
        try:
            size = (int(_field(img, "width", image_where, inst_file.name)),
                    int(_field(img, "height", image_where, inst_file.name)))
        except (TypeError, ValueError):
            raise DatasetError(f"{inst_file.name}: {image_where} fields \"width\" and \"height\" must be whole "
                               f"numbers, not {img.get('width')!r} x {img.get('height')!r}.") from None
        box = rrsisd_box(ann.get("bbox"))
        # The ref's category_id is what the refer API indexes; the annotation's own key is
        # `categories_id` in RRSIS-D (`category_id` in refCOCO).
        category_id = _first_key(ref, ("category_id",))
        if category_id is None:
            category_id = _first_key(ann, ("categories_id", "category_id"))
        samples.append(Sample(
            sample_id=str(_field(ref, "ref_id", where, refs_file)), image=str(image_dir / str(file_name)),
            question=question.strip(),
            category=cats.get(category_id), split=ref_split,
            segmentation=_field(ann, "segmentation", f"annotation {ref['ann_id']}", inst_file.name), size=size,
            boxes=[box] if box else None,
            extra={} if box or ann.get("bbox") is None else {"bbox_ignored": list(ann["bbox"])},
        ))
    if not samples:
        raise DatasetError(f"RRSIS-D has no referring expressions in split {want!r}.")
    return samples


def _list(obj: dict[str, Any], key: str, file: str) -> list:
    """`obj[key]` as a list (absent: empty); another type is a DatasetError naming the file and the field."""
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise DatasetError(f"{file}: the field \"{key}\" must be a list, not a {type(value).__name__}.")
    return value


def _field(obj: Any, key: str, what: str, file: str) -> Any:
    """`obj[key]` of a record; a record that is no object, or lacks the field, is a DatasetError naming both."""
    if not isinstance(obj, dict):
        raise DatasetError(f"{file}: {what} is a {type(obj).__name__}, not an object with a \"{key}\" field.")
    if obj.get(key) is None:
        raise DatasetError(f"{file}: {what} has no \"{key}\" field.")
    return obj[key]


READERS: dict[str, Callable[[Path, Optional[str]], list[Sample]]] = {
    "earthreason": read_earthreason,
    "rrsisd": read_rrsisd,
    "folder": read_folder,
}


def read_dataset(dataset_dir: str | Path, layout: str, split: Optional[str] = None) -> list[Sample]:
    """All samples of a dataset folder in `layout` (earthreason | rrsisd | folder), optionally one split."""
    root = Path(dataset_dir).expanduser()
    if layout not in READERS:
        raise DatasetError(f"Unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}.")
    if not root.is_dir():
        raise DatasetError(f"Dataset folder {root} does not exist.")
    return READERS[layout](root, split)
