"""Boxes to masks: the real SamPredictor path with the tiny SAM, and exact geometry with a mask stand-in."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin

torch = pytest.importorskip("torch")
pytest.importorskip("segment_anything")

from inference_core.geometry.mask_merge import MaskMerger  # noqa: E402
from inference_core.contract.options import RunOptions  # noqa: E402
from inference_core.common.records import Detection, TileSpec  # noqa: E402
from inference_core.models.sam import TINY_SAM_CONFIG, build_sam, save_sam  # noqa: E402
from inference_core.models.segment import (  # noqa: E402
    EmbeddingCache, _Entry, load_segmenter, segment_detections,
)
from inference_core.raster.source import RasterSource  # noqa: E402

PIX = 0.5
ORIGIN = (500000.0, 4000000.0)
BG = (90, 90, 90)
RED, GREEN, BLUE, YELLOW = (200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 20)


def scene() -> np.ndarray:
    """240x200 px RGB: a red ring (with a hole), a green object across the tile seam, two touching boxes."""
    img = np.empty((200, 240, 3), np.uint8)
    img[:] = BG
    img[20:60, 20:70] = RED
    img[28:36, 30:40] = BG  # the hole: 8x10 px
    img[100:140, 120:180] = GREEN  # crosses the seam at col 140 (tile 0 ends there)
    img[150:180, 20:40] = BLUE
    img[150:180, 40:60] = YELLOW  # touches BLUE: a distinct object side by side
    return img


OPTIONS = RunOptions(raster="x.tif", query="objects", out="o.gpkg", granularity=("masks",))


@pytest.fixture(scope="module")
def segmenter(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "tiny_sam.pth"
    save_sam(build_sam(TINY_SAM_CONFIG), path, TINY_SAM_CONFIG)
    return load_segmenter(str(path), None, "cpu")


@pytest.fixture
def source(make_geotiff):
    path = make_geotiff(scene().transpose(2, 0, 1), transform=from_origin(*ORIGIN, PIX, PIX), crs="EPSG:32633")
    src = RasterSource.open(path)
    yield src
    src.close()


def tiles_for(src, scale: int = 1) -> list[TileSpec]:
    """Two overlapping tiles (cols 0-140 and 100-240); `scale` 2 resamples them to half size (GSD)."""
    out = []
    for tid, col in ((0, 0), (1, 100)):
        ow, oh = 140 // scale, 200 // scale
        out.append(TileSpec(tid, col, 0, 140, 200, ow, oh, src.window_transform(col, 0, 140, 200, ow, oh)))
    return out


def detections(tiles, scale: int = 1) -> list[Detection]:
    """What a model would return, in *tile image* pixels (raster px of the tile / scale)."""
    raw = [(1, 0, (20, 20, 70, 60)), (2, 0, (120, 100, 140, 140)), (3, 0, (20, 150, 40, 180)),
           (4, 0, (40, 150, 60, 180)), (5, 1, (120, 100, 180, 140))]
    dets = []
    for tid, tile_id, (x1, y1, x2, y2) in raw:
        t = tiles[tile_id]
        px = ((x1 - t.col_off) / scale, (y1 - t.row_off) / scale, (x2 - t.col_off) / scale, (y2 - t.row_off) / scale)
        dets.append(Detection(target_id=tid, tile_id=tile_id, box_px=px, box_map=(0, 0, 0, 0)))
    return dets


def run_all(segmenter, src, tiles, dets):
    return [segment_detections(segmenter, src, t, dets, OPTIONS) for t in tiles]


# -------------------------------------------------------------------------------- real SamPredictor path
def test_real_sam_path_windows_shapes_and_cache(segmenter, source):
    tiles = tiles_for(source)
    dets = detections(tiles)
    runs0, misses0 = segmenter.encoder_runs, segmenter.cache.stats.misses
    stats = run_all(segmenter, source, tiles, dets)
    # tile 0: its own window + one window centred on the seam box (2); tile 1: its own window
    assert stats[0].views == [(0, 0, 140, 200, 140, 200), (60, 0, 140, 200, 140, 200)]
    assert stats[1].views == [(100, 0, 140, 200, 140, 200)]
    assert segmenter.encoder_runs - runs0 == 3
    p = segmenter.predictor
    assert tuple(p.features.shape) == (1, 32, 8, 8) and p.features.dtype == torch.float32
    assert p.original_size == (200, 140) and p.input_size == (128, 90)
    for d in dets:
        assert isinstance(d.sam_score, float)
        if d.mask_wkb is not None:  # random weights: any mask, but in the raster's map frame
            g = shapely.from_wkb(d.mask_wkb)
            assert g.geom_type == "MultiPolygon" and g.is_valid
            xmin, ymin, xmax, ymax = g.bounds
            assert 500000.0 <= xmin and xmax <= 500120.0 and 3999900.0 <= ymin and ymax <= 4000000.0
    first = [(d.mask_wkb, d.sam_score) for d in dets]

    # a second question over the same extent: no encoder pass, same answers from cached embeddings
    hits0 = segmenter.cache.stats.hits
    run_all(segmenter, source, tiles, dets)
    assert segmenter.encoder_runs - runs0 == 3
    assert segmenter.cache.stats.hits - hits0 == 3
    assert segmenter.cache.stats.misses - misses0 == 3
    assert [(d.mask_wkb, d.sam_score) for d in dets] == first


def test_direct_predict_shapes(segmenter):
    img = np.zeros((50, 70, 3), np.uint8)
    mask, score = segmenter.predict(img, (10, 10, 30, 40))
    assert mask.shape == (50, 70) and mask.dtype == bool and isinstance(score, float)
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        segmenter.predict(img[..., 0], (1, 1, 5, 5))


def test_embedding_cache_is_bounded_by_bytes():
    c = EmbeddingCache(max_bytes=250)
    for k in "abc":
        c.put(k, _Entry(None, (1, 1), (1, 1), 100))
    assert "a" not in c and "b" in c and "c" in c
    assert c.stats.bytes == 200 and c.stats.evictions == 1 and c.stats.entries == 2
    assert c.get("b") is not None and c.get("a") is None
    assert (c.stats.hits, c.stats.misses) == (1, 1)
    c.put("big", _Entry(None, (1, 1), (1, 1), 1000))  # over the budget alone: not kept
    assert "big" not in c and c.stats.bytes == 200


# ------------------------------------------------------------------- exact geometry with a mask stand-in
@pytest.fixture
def stand_in(segmenter, monkeypatch):
    """Replace only SAM's predicted mask: the object colour dominating the box, taken from the image
    the real encoder saw (found through the features tensor the predictor currently holds)."""
    p = segmenter.predictor
    images: dict[int, np.ndarray] = {}
    real_set_image = p.set_image

    def spy_set_image(image, image_format="RGB"):
        real_set_image(image, image_format)
        images[id(p.features)] = image.copy()

    def predict(point_coords=None, point_labels=None, box=None, multimask_output=True, **kw):
        img = images[id(p.features)]
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        inside = img[y1:y2, x1:x2].reshape(-1, 3)
        colours, counts = np.unique(inside[(inside != BG).any(axis=1)], axis=0, return_counts=True)
        colour = colours[np.argmax(counts)]
        mask = (img == colour).all(axis=2)
        return mask[None], np.array([0.95], np.float32), np.zeros((1, 8, 8), np.float32)

    segmenter.cache.clear()
    segmenter._current = None
    monkeypatch.setattr(p, "set_image", spy_set_image)
    monkeypatch.setattr(p, "predict", predict)
    yield segmenter
    segmenter.cache.clear()
    segmenter._current = None


@pytest.mark.parametrize("scale", [1, 2])
def test_exact_polygons_hole_seam_and_neighbours(stand_in, source, scale):
    tiles = tiles_for(source, scale)
    dets = detections(tiles, scale)
    run_all(stand_in, source, tiles, dets)
    assert source.epsg == 32633
    g = {d.target_id: shapely.from_wkb(d.mask_wkb) for d in dets}
    assert all(d.sam_score == pytest.approx(0.95) for d in dets)

    def close(geom, m2):  # within one pixel (of the resampled grid) along the perimeter
        assert geom.area == pytest.approx(m2, abs=geom.length * PIX * scale)
        assert geom.area == pytest.approx(m2)  # the shapes sit on the 2x2 grid: exact in practice

    ring = g[1]
    close(ring, (40 * 50 - 8 * 10) * PIX**2)  # 480 m²
    (poly,) = ring.geoms
    assert poly.exterior.bounds == (500010.0, 3999970.0, 500035.0, 3999990.0)
    (hole,) = poly.interiors
    assert shapely.Polygon(hole).bounds == (500015.0, 3999982.0, 500020.0, 3999986.0)
    # the seam box of tile 0 (clamped at col 140) still gets the whole object: never cut by the tile edge
    close(g[2], 60 * 40 * PIX**2)
    assert g[2].bounds == (500060.0, 3999930.0, 500090.0, 3999950.0)
    assert g[2].equals(g[5])
    close(g[3], 150.0)
    close(g[4], 150.0)
    assert g[3].touches(g[4])

    merger = MaskMerger(tolerance=PIX * scale / 2)
    outcomes = [merger.add(d) for d in dets]
    assert [o.removed for o in outcomes] == [[], [], [], [], [2]]
    assert outcomes[-1].write.target_id == 2
    final = merger.geometries
    assert sorted(final) == [1, 2, 3, 4]  # seam object is one polygon; the touching pair stays two
    assert len(final[2].geoms) == 1 and final[2].area == pytest.approx(600.0)


def test_box_at_raster_edge_keeps_tile_window(stand_in, source):
    tiles = tiles_for(source)
    d = Detection(target_id=9, tile_id=0, box_px=(0, 0, 30, 30), box_map=(0, 0, 0, 0))
    stats = segment_detections(stand_in, source, tiles[0], [d], OPTIONS)
    assert stats.views == [(0, 0, 140, 200, 140, 200)]  # the raster edge is no seam
