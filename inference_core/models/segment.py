"""Boxes to per-instance masks with Segment Anything — SAM 1 or SAM 2.1 (box + centre point prompts),
embeddings cached per window."""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable, Optional

import numpy as np

from inference_core.common.records import Box, Detection, TileSpec
from inference_core.contract.model_state import sam_kind
from inference_core.contract.options import DEFAULT_DEVICE, DEFAULT_SAM_MODEL, SAM2_TYPES
from inference_core.raster.coords import raster_box_to_window, tile_box_to_raster
from inference_core.raster.windows import finest_window, transform_gsd
from inference_core.models.sam import SamError, load_sam
from inference_core.geometry.vectorize import mask_to_multipolygon

# The side SAM 1 and SAM 2.1 resize their input to (SAM 1 image_encoder.img_size, SAM 2.1 processor target_size).
SAM_INPUT_SIDE = 1024
DEFAULT_CACHE_BYTES = 1 << 30  # 1 GiB of image embeddings (vit_b/l/h: 4 MiB each in float32; SAM 2.1: 16 MiB)
SEAM_MARGIN_FRACTION = 0.04  # a box closer than this share of the tile side to a seam is re-windowed
SEAM_MARGIN_MIN_PX = 8

Window = tuple[int, int, int, int, int, int]  # col_off, row_off, width, height, out_width, out_height


@dataclass
class _Entry:
    features: Any  # torch.Tensor 1xCxhxw (SAM 1) or a list of them, one per feature level (SAM 2.1)
    original_size: tuple[int, int]
    input_size: tuple[int, int]
    nbytes: int


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    bytes: int = 0
    entries: int = 0


class EmbeddingCache:
    """LRU of SAM image embeddings bounded by their total size in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.stats = CacheStats()

    def get(self, key: Hashable) -> Optional[_Entry]:
        entry = self._items.get(key)
        if entry is None:
            self.stats.misses += 1
            return None
        self._items.move_to_end(key)
        self.stats.hits += 1
        return entry

    def put(self, key: Hashable, entry: _Entry) -> None:
        if entry.nbytes > self.max_bytes:  # larger than the whole budget: never kept
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.stats.bytes -= old.nbytes
        self._items[key] = entry
        self.stats.bytes += entry.nbytes
        while self.stats.bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.stats.bytes -= dropped.nbytes
            self.stats.evictions += 1
        self.stats.entries = len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def clear(self) -> None:
        self._items.clear()
        self.stats.bytes = 0
        self.stats.entries = 0


Point = tuple[float, float]


def centre_point(box: Box) -> Point:
    """The box's exact centre: the point prompt given to SAM 1."""
    x1, y1, x2, y2 = (float(v) for v in box)
    return (x1 + x2) / 2.0, (y1 + y2) / 2.0


def truncated_centre_point(box: Box) -> Point:
    """The centre as the reference computes it for SAM 2.1, truncated to whole pixels:
    `int((x1 + x2) / 2)` (RemoteReasoner sam2/sam_mask_generator.py:100-112 at 0c7ee9a)."""
    x1, y1, x2, y2 = (float(v) for v in box)
    return float(int((x1 + x2) / 2)), float(int((y1 + y2) / 2))


def _nbytes(features: Any) -> int:
    if isinstance(features, (list, tuple)):
        return sum(_nbytes(f) for f in features)
    return features.element_size() * features.nelement()


class Segmenter:
    """A `SamPredictor` (or SAM 2.1's `models.sam2.Sam2Predictor`, same interface) plus an embedding cache:
    one encoder pass per distinct image window."""

    def __init__(self, sam, model_id: str, device: str = "cpu", cache_bytes: int = DEFAULT_CACHE_BYTES,
                 predictor: Any = None, centre: Callable[[Box], Point] = centre_point):
        self.sam = sam
        self.model_id = model_id
        self.device = device
        if predictor is None:
            from segment_anything import SamPredictor

            predictor = SamPredictor(sam)
        self.predictor = predictor
        self.centre = centre  # the point prompt for a box
        self.cache = EmbeddingCache(cache_bytes)
        self.encoder_runs = 0
        self._current: Optional[Hashable] = None

    @property
    def input_side(self) -> int:
        """The side of SAM's input image: a window up to this size is segmented at native resolution."""
        side = getattr(getattr(self.sam, "image_encoder", None), "img_size", None)
        side = side or getattr(getattr(self.predictor, "processor", None), "target_size", None)
        return int(side or SAM_INPUT_SIDE)

    def set_image(self, image: np.ndarray, cache_key: Optional[Hashable] = None) -> bool:
        """Make this window current: restore its embedding from the cache (a hit) or run the encoder.

        Returns True when the encoder was skipped.
        """
        entry = self.cache.get(cache_key) if cache_key is not None else None
        p = self.predictor
        if entry is not None:
            if cache_key != self._current:
                p.reset_image()
                p.features, p.original_size, p.input_size = entry.features, entry.original_size, entry.input_size
                p.is_image_set = True
            self._current = cache_key
            return True
        if cache_key is not None and cache_key == self._current and p.is_image_set:
            return True  # too big to cache, but the predictor still holds it
        p.set_image(image, image_format="RGB")
        self.encoder_runs += 1
        if cache_key is not None:
            f = p.features
            self.cache.put(cache_key, _Entry(f, tuple(p.original_size), tuple(p.input_size), _nbytes(f)))
        self._current = cache_key
        return False

    def predict(self, image_rgb_uint8: np.ndarray, box_px: Box, cache_key: Optional[Hashable] = None
                ) -> tuple[np.ndarray, float]:
        """(bool HxW mask, SAM's predicted IoU) for one box in the image's pixels; box + centre point prompt,
        one mask (`multimask_output=False`, as the reference asks SAM 2.1: sam_mask_generator.py:118-123)."""
        image = np.asarray(image_rgb_uint8)
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"SAM needs an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}")
        if cache_key is None or cache_key != self._current:
            self.set_image(image, cache_key)
        x1, y1, x2, y2 = (float(v) for v in box_px)
        masks, scores, _ = self.predictor.predict(
            point_coords=np.array([self.centre((x1, y1, x2, y2))], dtype=np.float32),
            point_labels=np.array([1], dtype=np.int64),
            box=np.array([x1, y1, x2, y2], dtype=np.float32),
            multimask_output=False,
        )
        return np.asarray(masks[0], dtype=bool), float(scores[0])

    def predict_prompts(self, image_rgb_uint8: np.ndarray, box_px: Optional[Box], points: list[tuple[float, float, int]],
                        cache_key: Optional[Hashable] = None) -> tuple[np.ndarray, float]:
        """One mask for a box and/or clicked points `(x, y, label)` (label 1 = object, 0 = background), in
        the image's pixels: SAM's documented box-plus-points prompt (segment_anything predictor.py `predict`:
        point_coords Nx2, point_labels N, box 4), with the embedding of `cache_key` when cached. Without
        points the box's centre point is the positive one, as in a run."""
        image = np.asarray(image_rgb_uint8)
        if cache_key is None or cache_key != self._current:
            self.set_image(image, cache_key)
        if not points and box_px is not None:
            points = [(*self.centre(tuple(float(v) for v in box_px)), 1)]
        coords = np.array([[x, y] for x, y, _ in points], dtype=np.float32) if points else None
        labels = np.array([int(lb) for _, _, lb in points], dtype=np.int64) if points else None
        box = np.array([float(v) for v in box_px], dtype=np.float32) if box_px is not None else None
        masks, scores, _ = self.predictor.predict(point_coords=coords, point_labels=labels, box=box,
                                                  multimask_output=False)
        return np.asarray(masks[0], dtype=bool), float(scores[0])


def load_segmenter(path: str, sam_type: Optional[str] = None, device: str = DEFAULT_DEVICE,
                   cache_bytes: int = DEFAULT_CACHE_BYTES) -> Segmenter:
    """Load SAM on the resolved device, wrapped in a Segmenter: a SAM 1 checkpoint file (models.sam.load_sam)
    or SAM 2.1 from a transformers folder or hub id (models.sam2.load_sam2), told apart by
    contract.model_state.sam_kind; both then take the same path (prompts, cache, vectorising, merging)."""
    if not path:
        raise SamError(f"Masks and contours need a SAM model: pass --sam {DEFAULT_SAM_MODEL} (SAM 2.1, as the "
                       f"reference uses), a SAM 2.1 folder, or a SAM 1 checkpoint such as sam_vit_b_01ec64.pth.")
    from inference_core.models.devices import resolve_device
    from inference_core.models.sam2 import is_meta_checkpoint, load_sam2

    dev = resolve_device(device)
    if sam_kind(path, sam_type) == "sam2" or sam_type in SAM2_TYPES or is_meta_checkpoint(path):
        predictor, model_id = load_sam2(path, sam_type=sam_type, device=dev)
        return Segmenter(predictor.model, model_id, device=dev, cache_bytes=cache_bytes, predictor=predictor,
                         centre=truncated_centre_point)
    sam, model_id = load_sam(path, sam_type=sam_type, device=dev)
    return Segmenter(sam, model_id, device=dev, cache_bytes=cache_bytes)


# ---------------------------------------------------------------------------------------------- windows
@dataclass(frozen=True)
class _View:
    """A raster pixel window SAM looks at, resampled to (out_w, out_h) like the tile it serves."""

    col: int
    row: int
    w: int
    h: int
    out_w: int
    out_h: int

    @property
    def key(self) -> Window:
        return (self.col, self.row, self.w, self.h, self.out_w, self.out_h)

    def to_view_px(self, box_raster: Box) -> Box:
        return raster_box_to_window(box_raster, (self.col, self.row, self.w, self.h), (self.out_w, self.out_h))


def comfortably_inside(box: Box, view: _View, raster_w: int, raster_h: int, margin: float) -> bool:
    """True when `box` (raster px) keeps `margin` from every side of `view` that is not the raster edge.

    A side on the raster edge is no seam: nothing lies beyond it, so a mask may touch it.
    """
    x1, y1, x2, y2 = box
    left_ok = view.col <= 0 or x1 - view.col >= margin
    top_ok = view.row <= 0 or y1 - view.row >= margin
    right_ok = view.col + view.w >= raster_w or view.col + view.w - x2 >= margin
    bottom_ok = view.row + view.h >= raster_h or view.row + view.h - y2 >= margin
    inside = x1 >= view.col and y1 >= view.row and x2 <= view.col + view.w and y2 <= view.row + view.h
    return inside and left_ok and top_ok and right_ok and bottom_ok


def centred_view(box: Box, tile: TileSpec, raster_w: int, raster_h: int) -> _View:
    """A window centred on the box, at least the tile's size (twice the box when larger), shifted
    (not cut) to lie within the raster, at the tile's resampling scale."""
    x1, y1, x2, y2 = box
    w = min(raster_w, max(tile.width, math.ceil(2 * (x2 - x1))))
    h = min(raster_h, max(tile.height, math.ceil(2 * (y2 - y1))))
    col = int(round((x1 + x2) / 2 - w / 2))
    row = int(round((y1 + y2) / 2 - h / 2))
    col = min(max(col, 0), raster_w - w)
    row = min(max(row, 0), raster_h - h)
    sx, sy = tile.out_width / tile.width, tile.out_height / tile.height
    return _View(col, row, w, h, max(1, round(w * sx)), max(1, round(h * sy)))


@dataclass
class SegmentStats:
    """What one call of segment_detections did (for progress messages and tests)."""

    masks: int = 0
    empty: int = 0
    cached: int = 0  # views whose embedding came from the cache
    embed_seconds: float = 0.0  # time spent encoding or restoring embeddings
    views: list[Window] = field(default_factory=list)


def _image_digest(rgb: np.ndarray) -> str:
    # Part of the cache key: the same window reads differently under another run's 8-bit stretch.
    return hashlib.blake2b(rgb.tobytes(), digest_size=12).hexdigest()


def segment_detections(segmenter: Segmenter, source, tile: TileSpec, detections: Iterable[Detection],
                       options, each: Optional[Callable[[Detection], None]] = None) -> SegmentStats:
    """Fill `mask_wkb` (MultiPolygon WKB, raster CRS) and `sam_score` of this tile's detections in place.

    A box well inside the tile is segmented on the tile's own window (one encoder pass per tile); a box
    near a seam is segmented on a window centred on it, so its mask is not cut by the tile edge.
    `options` supplies `simplify` and `min_area` (map units).
    """
    stats = SegmentStats()
    dets = [d for d in detections if d.tile_id == tile.tile_id]
    if not dets:
        return stats
    raster_w = int(getattr(source, "width", tile.col_off + tile.width))
    raster_h = int(getattr(source, "height", tile.row_off + tile.height))
    margin = max(SEAM_MARGIN_MIN_PX, SEAM_MARGIN_FRACTION * max(tile.width, tile.height))
    views: list[_View] = [_View(tile.col_off, tile.row_off, tile.width, tile.height, tile.out_width, tile.out_height)]

    # Assign every box a view first, then segment view by view: each window is encoded (or restored
    # from the cache) once, not again each time the predictor switches back to it.
    assigned: list[tuple[Detection, Box, _View]] = []
    for det in dets:
        box = tile_box_to_raster(det.box_px, tile)
        view = next((v for v in views if comfortably_inside(box, v, raster_w, raster_h, margin)), None)
        if view is None:
            view = centred_view(box, tile, raster_w, raster_h)
            views.append(view)
        assigned.append((det, box, view))
    assigned.sort(key=lambda item: views.index(item[2]))

    _segment_assigned(segmenter, source, assigned, options, stats, each)
    return stats


def segment_at_finest(segmenter: Segmenter, source, tile: TileSpec, detections: Iterable[Detection],
                      options, each: Optional[Callable[[Detection], None]] = None) -> SegmentStats:
    """As `segment_detections`, for the boxes of a downscaled view (the `overview` strategy): each box is
    segmented on a window centred on it read at the finest resolution SAM's input takes
    (`raster.windows.finest_window`), never on the downscaled view itself."""
    stats = SegmentStats()
    raster = (0, 0, int(source.width), int(source.height))
    assigned: list[tuple[Detection, Box, _View]] = []
    for det in detections:
        if det.tile_id != tile.tile_id:
            continue
        box = tile_box_to_raster(det.box_px, tile)
        (col, row, w, h), (ow, oh) = finest_window(box, raster, segmenter.input_side)
        assigned.append((det, box, _View(col, row, w, h, ow, oh)))
    _segment_assigned(segmenter, source, assigned, options, stats, each)
    return stats


def _segment_assigned(segmenter: Segmenter, source, assigned: list[tuple[Detection, Box, "_View"]], options,
                      stats: SegmentStats, each: Optional[Callable[[Detection], None]] = None) -> None:
    """Segment each (detection, raster box, view) on its view, reading and encoding each view once; the view's
    ground sample distance goes to `extra["sam_gsd"]`. `each(det)` takes every detection as soon as its mask is
    made (it may write and free it), so a view of thousands of boxes never holds all their masks."""
    # One window's pixels at a time: `assigned` comes grouped by window, so each is still read and encoded once,
    # and memory does not grow with the windows of a view holding thousands of boxes.
    assigned = sorted(assigned, key=lambda item: item[2].key)
    reads: dict[Window, tuple[np.ndarray, np.ndarray, tuple, Hashable]] = {}
    simplify = float(getattr(options, "simplify", 0.0) or 0.0)
    min_area = float(getattr(options, "min_area", 0.0) or 0.0)
    for det, box, view in assigned:
        if view.key not in reads:
            reads.clear()
            rgb, valid = source.read_rgb(view.col, view.row, view.w, view.h, view.out_w, view.out_h)
            transform = source.window_transform(view.col, view.row, view.w, view.h, view.out_w, view.out_h)
            key = (str(source.path), view.key, segmenter.model_id, _image_digest(rgb))
            reads[view.key] = (rgb, valid, transform, key)
            stats.views.append(view.key)
            t0 = time.perf_counter()
            stats.cached += segmenter.set_image(rgb, key)
            stats.embed_seconds += time.perf_counter() - t0
        rgb, valid, transform, key = reads[view.key]
        points = det.extra.get("points_raster")
        if points:  # the model's own point prompts with its box, no centre point (Think2Seg-RS's SAM call)
            view_points = [(*view.to_view_px((x, y, x, y))[:2], int(lb)) for x, y, lb in points]
            mask, score = segmenter.predict_prompts(rgb, view.to_view_px(box), view_points, key)
        else:
            mask, score = segmenter.predict(rgb, view.to_view_px(box), key)
        mask &= valid  # nodata / alpha pixels are never part of an object
        geom = mask_to_multipolygon(mask, transform, simplify=simplify, min_area=min_area)
        det.mask_wkb = geom.wkb if geom is not None else None
        det.sam_score = score
        det.extra["sam_gsd"] = transform_gsd(transform)
        stats.masks += geom is not None
        stats.empty += geom is None
        del mask, geom
        if each is not None:
            each(det)
    return stats


@dataclass
class PromptedMask:
    """A mask from a corrected prompt: its MultiPolygon (raster CRS, None when empty), SAM's score, and
    whether the window's embedding came from the cache."""

    geometry: Any
    score: float
    cached: bool
    embed_seconds: float
    predict_seconds: float


def segment_prompted(segmenter: Segmenter, source, tile: TileSpec, box_map: Box,
                     points_map: list[tuple[float, float, int]], options) -> PromptedMask:
    """Segment one object of `tile` from its map box and clicked map points, on the window the run used for
    it (the tile, or a window centred on a box near a seam: the same choice as `segment_detections`, so the
    run's cached embedding is found)."""
    from inference_core.raster.coords import map_box_to_pixel

    raster_w = int(getattr(source, "width", tile.col_off + tile.width))
    raster_h = int(getattr(source, "height", tile.row_off + tile.height))
    margin = max(SEAM_MARGIN_MIN_PX, SEAM_MARGIN_FRACTION * max(tile.width, tile.height))
    box = tile_box_to_raster(map_box_to_pixel(box_map, tile.transform), tile)
    view = _View(tile.col_off, tile.row_off, tile.width, tile.height, tile.out_width, tile.out_height)
    if not comfortably_inside(box, view, raster_w, raster_h, margin):
        view = centred_view(box, tile, raster_w, raster_h)
    rgb, valid = source.read_rgb(view.col, view.row, view.w, view.h, view.out_w, view.out_h)
    transform = source.window_transform(view.col, view.row, view.w, view.h, view.out_w, view.out_h)
    key = (str(source.path), view.key, segmenter.model_id, _image_digest(rgb))
    t0 = time.perf_counter()
    cached = segmenter.set_image(rgb, key)
    t1 = time.perf_counter()
    points_px = [(*map_box_to_pixel((x, y, x, y), transform)[:2], int(lb)) for x, y, lb in points_map]
    mask, score = segmenter.predict_prompts(rgb, view.to_view_px(box), points_px, key)
    t2 = time.perf_counter()
    mask &= valid
    geom = mask_to_multipolygon(mask, transform, simplify=float(getattr(options, "simplify", 0.0) or 0.0),
                                min_area=float(getattr(options, "min_area", 0.0) or 0.0))
    return PromptedMask(geom, score, cached, t1 - t0, t2 - t1)
