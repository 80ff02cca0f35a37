"""Run options shared by the CLI, the worker protocol and the QGIS plugin (standard library only)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Optional

GRANULARITIES = ("boxes", "masks", "contours")
BACKENDS = ("transformers", "openai", "replay")
DEFAULT_MODEL = "1e12Leon/RemoteReasoner"
# RemoteReasoner was trained with max_pixels = 1024 * 28 * 28 (DESIGN §4).
DEFAULT_MAX_PIXELS = 1024 * 28 * 28
DEFAULT_MIN_PIXELS = 4 * 28 * 28
# 1008 = 36 * 28: a tile is a whole number of Qwen2.5-VL patches (14 px, merged 2x2).
DEFAULT_TILE_SIZE = 1008
DEFAULT_OVERLAP = 128


class OptionsError(ValueError):
    """Invalid run options; the message names the option and the fix."""


@dataclass
class RunOptions:
    """Everything one run needs. Paths are strings so the object crosses process boundaries as JSON."""

    raster: str
    query: str
    out: str
    extent: Optional[tuple[float, float, float, float]] = None  # xmin, ymin, xmax, ymax
    extent_crs: Optional[str] = None  # e.g. "EPSG:4326"; None = the raster CRS
    bands: Optional[tuple[int, ...]] = None  # 1-based; None = by colour interpretation
    granularity: tuple[str, ...] = ("boxes",)
    backend: str = "transformers"
    model: str = DEFAULT_MODEL
    prompt: Optional[str] = None  # template name in resources/prompts or a path; None = per model
    replay: Optional[str] = None  # responses source for backend "replay" (.gpkg or .jsonl)
    sam: Optional[str] = None  # SAM checkpoint path (.pth) — needed for masks/contours
    sam_type: Optional[str] = None  # vit_b|vit_l|vit_h; None = from file name or the .json beside it
    device: str = "auto"  # auto|cpu|cuda|cuda:N
    dtype: str = "auto"  # auto|bfloat16|float16|float32
    tile_size: int = DEFAULT_TILE_SIZE
    overlap: int = DEFAULT_OVERLAP
    max_pixels: int = DEFAULT_MAX_PIXELS
    min_pixels: int = DEFAULT_MIN_PIXELS
    gsd: Optional[float] = None  # resample to this ground sampling distance (map units / px)
    simplify: float = 0.0  # map units
    min_area: float = 0.0  # map units squared
    iou_threshold: float = 0.5  # duplicate boxes across tiles: IoU above this...
    ios_threshold: float = 0.8  # ...or intersection over the smaller box above this
    max_new_tokens: int = 1024
    batch_size: int = 1  # tiles per model call (transformers backend)
    formats: tuple[str, ...] = ()  # extra exports beside the GeoPackage: shp, geojson
    append: bool = False  # add to an existing GeoPackage instead of replacing it
    resume: bool = False  # continue the last unfinished run in `out` (only missing tiles)
    # openai backend
    server_url: Optional[str] = None
    api_key: Optional[str] = field(default=None, repr=False)  # never logged nor stored
    api_key_env: str = "REMOTEREASONER_API_KEY"
    concurrency: int = 1
    timeout: float = 120.0
    retries: int = 4

    def validate(self) -> "RunOptions":
        """Check what can be checked without opening files; raise OptionsError naming the fix."""
        if not self.query or not self.query.strip():
            raise OptionsError("The question is empty: type what to look for, e.g. --query 'storage tanks'.")
        bad = [g for g in self.granularity if g not in GRANULARITIES]
        if bad or not self.granularity:
            raise OptionsError(
                f"Unknown granularity {','.join(bad) or '(none)'}: use any of {','.join(GRANULARITIES)}."
            )
        if self.backend not in BACKENDS:
            raise OptionsError(f"Unknown backend {self.backend!r}: use one of {', '.join(BACKENDS)}.")
        if self.backend == "replay" and not self.replay:
            raise OptionsError("The replay backend needs --replay FILE (a result .gpkg or a .jsonl of answers).")
        if self.backend == "openai" and not self.server_url:
            raise OptionsError("The openai backend needs --server-url, e.g. http://gpu-server:8000/v1.")
        if self.needs_sam and not self.sam:
            raise OptionsError("Masks and contours need a SAM checkpoint: pass --sam PATH (e.g. sam_vit_b_01ec64.pth).")
        if self.tile_size < 56:
            raise OptionsError(f"--tile-size {self.tile_size} is too small: use at least 56 pixels (default 1008).")
        if not 0 <= self.overlap < self.tile_size // 2:
            raise OptionsError(f"--overlap {self.overlap} must be between 0 and half the tile size ({self.tile_size // 2}).")
        if self.max_pixels < self.min_pixels:
            raise OptionsError(f"--max-pixels {self.max_pixels} is below the minimum {self.min_pixels}.")
        if self.gsd is not None and self.gsd <= 0:
            raise OptionsError("--gsd must be a positive ground sampling distance in map units per pixel.")
        if self.extent is not None:
            xmin, ymin, xmax, ymax = self.extent
            if not (xmax > xmin and ymax > ymin):
                raise OptionsError("--extent must be xmin,ymin,xmax,ymax with xmax > xmin and ymax > ymin.")
        for f in self.formats:
            if f not in ("shp", "geojson", "gpkg"):
                raise OptionsError(f"Unknown export format {f!r}: use shp or geojson.")
        if self.concurrency < 1 or self.batch_size < 1:
            raise OptionsError("--concurrency and --batch-size must be at least 1.")
        return self

    @property
    def needs_sam(self) -> bool:
        return "masks" in self.granularity or "contours" in self.granularity

    def to_dict(self, secrets: bool = False) -> dict[str, Any]:
        """JSON-ready dict. The API key is left out unless `secrets` (worker transport only)."""
        d = dataclasses.asdict(self)
        if not secrets:
            d.pop("api_key", None)
        return d

    def settings_json(self) -> str:
        """What the `runs` table records: every option but secrets."""
        return json.dumps(self.to_dict(secrets=False), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RunOptions":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise OptionsError(f"Unknown option(s): {', '.join(unknown)}.")
        missing = [n for n in ("raster", "query", "out") if n not in d]
        if missing:
            raise OptionsError(f"Missing option(s): {', '.join(missing)}.")
        kw = dict(d)
        for k in ("extent", "bands", "granularity", "formats"):
            if kw.get(k) is not None:
                if isinstance(kw[k], str):
                    kw[k] = tuple(x for x in kw[k].split(",") if x)
                kw[k] = tuple(kw[k])
        try:
            return cls(**kw)
        except TypeError as exc:  # pragma: no cover - dataclass signature errors
            raise OptionsError(str(exc)) from None
