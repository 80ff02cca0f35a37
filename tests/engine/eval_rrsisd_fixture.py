"""A miniature RRSIS-D folder rebuilt from four real annotation records (tests/engine/data/).

The records are RRSIS-D's own field values (see data/README.md for their source); this module
only puts them back into the release's two files the way the release holds them:

- `rrsisd/refs(unc).p`: the refer API's list of refs, with the keys the RSRefSeg converter
  documents (`image_id`, `split`, `sentences[{tokens, raw, sent_id, sent}]`, `file_name`,
  `category_id`, `ann_id`, `sent_ids`, `ref_id`); ids are numpy integers, as a file written
  from numpy-typed data holds them;
- `rrsisd/instances.json`: `images` (800x800), `annotations` with the real keys (`bbox` corner
  pair, `categories_id`, list-of-RLE `segmentation`, `area`) and the 20 real categories;
- `images/rrsisd/JPEGImages/<file_name>`: blank images of the right size (optional).
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, Optional

import numpy as np

RECORDS_FILE = Path(__file__).resolve().parent / "data" / "rrsisd_records.jsonl"

# instances.json "categories" of RRSIS-D, as printed in KyanChen/RSRefSeg
# tools_RSRefSeg/convert_data_to_jsonl.py line 25 (ids 0..19).
CATEGORIES = [
    "Expressway-Service-area", "Expressway-toll-station", "airplane", "airport", "baseballfield",
    "basketballcourt", "bridge", "chimney", "dam", "golffield", "groundtrackfield", "harbor",
    "overpass", "ship", "stadium", "storagetank", "tenniscourt", "trainstation", "vehicle", "windmill",
]

# Mask extents (x1, y1, x2, y2, pixel edges) and pixel counts of the records, decoded once and
# checked by hand against the boxes (data/README.md).
MASK_EXTENT = {
    "3600": (360, 272, 384, 384),
    "20960": (176, 544, 224, 648),
    "14636": (496, 24, 512, 64),
    "7855": (664, 136, 744, 208),
}
MASK_PIXELS = {"3600": 1410, "20960": 4352, "14636": 544, "7855": 2946}


def real_records() -> list[dict[str, Any]]:
    """The four real records, in file order (test 3600, test 20960, val 14636, val 7855)."""
    return [json.loads(line) for line in RECORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def ref_of(record: dict[str, Any]) -> dict[str, Any]:
    """The refs(unc).p entry of a record (the converter's example: ref_id = ann_id = image_id)."""
    rid = np.int64(record["ann_id"])
    sent = record["sent"]
    return {
        "image_id": np.int64(record["image_id"]), "split": record["split"],
        "sentences": [{"tokens": sent.split(), "raw": sent, "sent_id": rid, "sent": sent}],
        "file_name": record["file_name"], "category_id": np.int64(record["category_id"]),
        "ann_id": rid, "sent_ids": [rid], "ref_id": rid,
    }


def instances_of(records: list[dict[str, Any]]) -> dict[str, Any]:
    """instances.json for the records, with RRSIS-D's own annotation keys."""
    return {
        "images": [{"file_name": r["file_name"], "height": 800, "width": 800, "id": r["image_id"]} for r in records],
        "annotations": [{"bbox": r["bbox"], "categories_id": r["category_id"], "id": r["ann_id"],
                         "image_id": r["image_id"], "segmentation": r["segmentation"], "area": r["area"]}
                        for r in records],
        "categories": [{"name": name, "id": i} for i, name in enumerate(CATEGORIES)],
    }


def build_rrsisd(root: Path, records: Optional[list[dict[str, Any]]] = None, refs: Optional[list[Any]] = None,
                 images: bool = False, protocol: int = pickle.DEFAULT_PROTOCOL) -> Path:
    """Write the RMSIN release layout under `root` from `records` (default: the real ones)."""
    records = real_records() if records is None else records
    ann = root / "rrsisd"
    ann.mkdir(parents=True, exist_ok=True)
    with open(ann / "refs(unc).p", "wb") as fh:
        pickle.dump([ref_of(r) for r in records] if refs is None else refs, fh, protocol=protocol)
    (ann / "instances.json").write_text(json.dumps(instances_of(records)), encoding="utf-8")
    if images:
        from PIL import Image

        folder = root / "images" / "rrsisd" / "JPEGImages"
        folder.mkdir(parents=True, exist_ok=True)
        for r in records:
            Image.new("RGB", (800, 800), (90, 90, 90)).save(folder / r["file_name"], quality=80)
    return root
