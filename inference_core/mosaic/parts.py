"""The parts of a mosaic run: the views of one run over the mosaic's VRT, grouped by the file holding each
view's centre (small files packed together, a large file's views in groups of `max_views`), each with a stable
id and the hash of its inputs, so a rerun keeps every finished partial whose inputs did not change."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from inference_core.common.records import TileSpec
from inference_core.raster.tiling import plan_tiles

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions
    from inference_core.mosaic.sources import MosaicSources
    from inference_core.raster.source import RasterSource

# Options that do not change an answer (where and how fast it is asked): outside the input hash, so a
# rerun against another server or with other parallelism keeps the finished partials.
RUNTIME = {"out", "raster", "server_url", "concurrency", "timeout", "retries", "api_key", "api_key_env",
           "device", "batch_size", "formats", "resume", "append", "reuse"}


@dataclass(frozen=True)
class Part:
    """A group of views of the mosaic run: `view_ids` index the run's plan (tile ids of the VRT run)."""

    index: int
    part_id: str
    source_file: str
    view_ids: tuple[int, ...]
    input_hash: str

    def partial_name(self) -> str:
        return f"{self.part_id}.gpkg"


def view_centre(view: TileSpec) -> tuple[float, float]:
    a, b, c, d, e, f = view.transform
    x, y = view.out_width / 2, view.out_height / 2
    return a * x + b * y + c, d * x + e * y + f


def plan_parts(source: "RasterSource", sources: "MosaicSources", options: "RunOptions",
               max_views: int) -> tuple[list[TileSpec], list[Part]]:
    """(the views of one run over the VRT, the parts that share them out), parts in file order."""
    views = plan_tiles(source, options)
    by_file: dict[str, list[int]] = {f.path: [] for f in sources.files}
    for v in views:
        by_file[sources.file_at(*view_centre(v))].append(v.tile_id)
    settings = {k: v for k, v in json.loads(options.settings_json()).items() if k not in RUNTIME}
    files = {f.path: _fingerprint(f.path) for f in sources.files}
    common = json.dumps([settings, sorted(files.items())], sort_keys=True, default=str)
    parts: list[Part] = []
    # Files in order, packed: small files share a part up to `max_views` views (a part per small file would
    # spend more on its start than on its views), a large file is split in parts of `max_views`.
    chunks: list[tuple[str, list[int]]] = []
    for path, ids in by_file.items():
        if chunks and ids and len(chunks[-1][1]) + len(ids) <= max_views:
            chunks[-1][1].extend(ids)
            continue
        for start in range(0, len(ids), max(1, max_views)):
            chunks.append((path, list(ids[start:start + max_views])))
    for path, ids in chunks:
        chunk = tuple(ids)
        digest = hashlib.sha256((common + json.dumps(chunk)).encode()).hexdigest()[:16]
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.splitext(os.path.basename(path))[0])[:40]
        parts.append(Part(len(parts), f"{len(parts):05d}-{stem}-{chunk[0]}", path, chunk, digest))
    return views, parts


def _fingerprint(path: str) -> tuple[int, int]:
    """A file's size and modification time. Every file is in every part's hash: the stretch is taken once over
    the whole VRT (mosaic.driver), so a replaced tile may change the pixels of every view."""
    st = os.stat(path)
    return st.st_size, int(st.st_mtime_ns)


def views_total(parts: Sequence[Part]) -> int:
    return sum(len(p.view_ids) for p in parts)
