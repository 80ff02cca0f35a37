"""Write resources/sample/OSBS_029.answers.jsonl: the sample's 61 human-labelled tree crowns as the model's answer.

The first-run demo replays this file through the real pipeline (`--backend replay`), so a fresh machine shows
boxes, masks and contours before any model is downloaded. The answer uses the RemoteReasoner template's grammar
(`<think>…</think><answer>[[x1,y1,x2,y2], …]</answer>`, view pixels) and says it is recorded, not a model's:
its `model` is what every result of a replay carries, and `image_sha256` (the view's pixels, read by the
engine's own raster reader) keeps the answer from being placed on any other view.

    $(make -s engine-python) scripts/record_sample_answers.py          # rewrite the committed file
    $(make -s engine-python) scripts/record_sample_answers.py --check  # exit 1 if the committed file differs
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference_core.contract.paths import SAMPLE_ANSWERS, SAMPLE_RASTER
from inference_core.contract.recorded import KEY_IMAGE_SHA256, KEY_MODEL, KEY_VIEW

LABELS = SAMPLE_RASTER.with_suffix(".csv")
MODEL = "recorded answers (human labels), not a live model"
REASONING = ("Recorded answer, not a model's reasoning: the {n} tree crowns people drew on this NEON OSBS_029 "
             "orthophoto (NEON / DeepForest, weecology), written as RemoteReasoner's answer.")


def crown_boxes(labels: Path = LABELS) -> list[list[int]]:
    """The human boxes [x1, y1, x2, y2] in pixels of the image, in the file's order."""
    with open(labels, newline="", encoding="utf-8") as fh:
        return [[int(round(float(r[k]))) for k in ("xmin", "ymin", "xmax", "ymax")] for r in csv.DictReader(fh)]


def whole_view():
    """The one view a whole-layer run of the sample makes, and its RGB pixels, as the pipeline reads them."""
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource
    from inference_core.raster.tiling import plan_tiles

    with RasterSource.open(SAMPLE_RASTER) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(SAMPLE_RASTER), query="-", out="-"))
        assert len(tiles) == 1, f"the sample is expected to be one view, not {len(tiles)}"
        t = tiles[0]
        rgb, _valid = src.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height)
    return t, rgb


def answer_line() -> str:
    tile, rgb = whole_view()
    boxes = crown_boxes()
    text = f"<think>{REASONING.format(n=len(boxes))}</think><answer>{json.dumps(boxes)}</answer>"
    line = {
        "tile_id": tile.tile_id, "raw_text": text, "input_size": [tile.out_width, tile.out_height],
        KEY_MODEL: MODEL,
        KEY_VIEW: f"{SAMPLE_RASTER.name}, whole layer",
        KEY_IMAGE_SHA256: hashlib.sha256(rgb.tobytes()).hexdigest(),
    }
    return json.dumps(line) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=SAMPLE_ANSWERS)
    p.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = p.parse_args(argv)
    text = answer_line()
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs: run scripts/record_sample_answers.py'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(crown_boxes())} recorded boxes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
