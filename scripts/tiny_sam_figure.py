"""docs/tiny_sam_masks.png: the sample's 61 recorded crown boxes run through the engine (the first-run demo's
sample run), their masks drawn by the random tiny test SAM (left) and by the shipped tiny trained SAM (right).

    python scripts/tiny_sam_figure.py [--out docs/tiny_sam_masks.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def masks_of(sam: str, out_dir: Path):
    """(boxes, masks) GeoDataFrames of the demo's sample run (recorded answers) with this SAM."""
    import pyogrio

    from inference_core.run.demo import SAMPLE_OUT, sample_options
    from inference_core.run.pipeline import run

    out_dir.mkdir(parents=True, exist_ok=True)
    summary = run(sample_options(out_dir, sam, "cpu"))
    assert summary.status == "finished", summary
    path = out_dir / SAMPLE_OUT
    return pyogrio.read_dataframe(path, layer="boxes"), pyogrio.read_dataframe(path, layer="masks")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "tiny_sam_masks.png"))
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import rasterio
    from shapely.geometry import MultiPolygon

    from inference_core.contract.paths import SAMPLE_RASTER, TINY_SAM
    from inference_core.models.tiny import write_tiny_sam

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        random_sam, _ = write_tiny_sam(tmp / "random")
        panels = [("random tiny test SAM (a test fixture)", *masks_of(str(random_sam), tmp / "a")),
                  ("tiny trained SAM (synthetic shapes),\nnot Segment Anything weights", *masks_of(str(TINY_SAM), tmp / "b"))]
    with rasterio.open(SAMPLE_RASTER) as src:
        image = src.read().transpose(1, 2, 0)
        b = src.bounds
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.9), dpi=100)
    for ax, (title, boxes, masks) in zip(axes, panels):
        ax.imshow(image, extent=(b.left, b.right, b.bottom, b.top))
        for geom in masks.geometry:
            for poly in (geom.geoms if isinstance(geom, MultiPolygon) else [geom]):
                x, y = poly.exterior.xy
                ax.fill(x, y, color="magenta", alpha=0.3, linewidth=0)
                ax.plot(x, y, color="magenta", linewidth=0.8)
        for geom in boxes.geometry:
            x, y = geom.exterior.xy
            ax.plot(x, y, color="yellow", linewidth=0.6, linestyle="--")
        ax.set_xlim(b.left, b.right)
        ax.set_ylim(b.bottom, b.top)
        ax.set_title(f"{title}\n{len(masks)} masks, {masks.geometry.area.sum():,.0f} m² in all "
                     f"(the boxes: {boxes.geometry.area.sum():,.0f} m²)", fontsize=9)
        ax.set_axis_off()
    fig.suptitle(f"{SAMPLE_RASTER.name} (40 m x 40 m): the 61 recorded crown boxes (dashed) and their SAM masks",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
