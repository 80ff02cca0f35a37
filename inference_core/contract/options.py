"""Run options shared by the CLI, the worker protocol and the QGIS plugin (standard library only)."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Optional

from inference_core.contract.openai_http import redact_url

GRANULARITIES = ("boxes", "masks", "contours")
BACKENDS = ("transformers", "openai", "replay")
DTYPES = ("auto", "bfloat16", "float16", "float32")
SAM1_TYPES = ("vit_b", "vit_l", "vit_h")  # segment-anything checkpoints (.pth)
# SAM 2.1 sizes (transformers folders or hub ids); names as Meta's checkpoints (sam2/build_sam.py:35-68).
SAM2_TYPES = ("sam2.1_hiera_tiny", "sam2.1_hiera_small", "sam2.1_hiera_base_plus", "sam2.1_hiera_large")
SAM_TYPES = SAM1_TYPES + SAM2_TYPES
# What a run does with the question: `locate` finds the objects (boxes, masks, contours: the reasoner's
# region/pixel/contour reasoning), `ask` answers it in text (VQA), `describe` captions the view, and
# `find-all` gives every instance of a short noun phrase (SAM 3 concept prompts, no reasoner).
MODES = ("locate", "ask", "describe", "find-all")
DEFAULT_MODE = "locate"
FIND_ALL = "find-all"
# find-all: SAM 3 (gated on the Hugging Face Hub: request access, then a token) segments every instance of
# the noun phrase. An instance is kept when its score (detection x presence probability) is above this;
# 0.5 is Meta's default (facebookresearch/sam3 at 013fa0e, sam3/model/sam3_image_processor.py,
# `postprocess_output(..., output_prob_thresh=0.5)`), as in the transformers SAM 3 examples.
DEFAULT_SAM3_MODEL = "facebook/sam3"
DEFAULT_SCORE_THRESHOLD = 0.5
# A find-all question longer than this many words is probably a sentence, not a noun phrase (the dock says so).
FIND_ALL_MAX_WORDS = 4
# The modes answered in text (run/answers.py): one whole-extent view, or one answer per tile with `per_tile`.
ANSWER_MODES = ("ask", "describe")
# How an extent becomes model calls: `tiles` (every tile of the extent), `overview` (one downscaled view
# of the whole extent), `refine` (the overview's candidates asked again, each in one view zoomed to fit it),
# `descent` (the overview, then level by level twice as fine, only the parts that hold what the level above found).
STRATEGIES = ("tiles", "overview", "refine", "descent")
DEFAULT_STRATEGY = "tiles"
# `refine`: each candidate's view shows it with this share of its side as context on every side (so it fills a
# third of the view's side), and at least REFINE_SLACK_VIEW_PX overview pixels, since an overview box may be off
# by a pixel or two of its view. Measured (benchmarks/bench_refine_context.py, RESULTS.md "Refine context
# share"): with the target filling 0.83, 0.67 or 0.5 of the view the tiny reasoner found 0 of 9 (IoU <= 0.27),
# at 0.4 2 of 9, at 1/3 all 9 (mean IoU 0.93, the best), at 1/4 all 9 (0.91). A target filling the view is out
# of distribution for every model we know; 1/3 is the largest fill that held, so the view stays as fine as it can.
REFINE_CONTEXT = 1.0
REFINE_SLACK_VIEW_PX = 2
# A box is "framed" by a view when it, with REFINE_CONTEXT around it, fits the view's side with this slack (a
# model's box is a few pixels off): `descent` follows a box into the next level only where it will be framed
# (a view showing only most of a target gave the tiny reasoner junk boxes), and refine views prefer framed looks.
FRAMED_SLACK = 1.1
# `descent` stops once a level is less than this much coarser than native (a level from 1.1x to 1x costs
# as many calls as the one above and shows next to nothing new).
DESCENT_LAST_STEP = 1.5
EXPORT_FORMATS = ("shp", "geojson")  # beside the GeoPackage; "gpkg" is accepted and ignored

# Every run default, once: RunOptions, the CLI (`reason`, `evaluate`), the worker and the plugin read these.
DEFAULT_MODEL = "1e12Leon/RemoteReasoner"
DEFAULT_BACKEND = "transformers"
DEFAULT_GRANULARITY: tuple[str, ...] = ("boxes",)
DEFAULT_PROMPT: Optional[str] = None  # None = the template that suits the model (contract.conventions)
DEFAULT_DEVICE = "auto"  # GPU if present, else CPU
DEFAULT_DTYPE = "auto"  # bfloat16 on GPU, float32 on CPU
# The SAM the reference prompts with its boxes: SAM 2.1 Hiera-Tiny (RemoteReasoner.py:116-117 at 0c7ee9a).
# No weights ship, so RunOptions.sam stays None (masks need it given); this is what docs, error messages
# and the model manager recommend, and what `--sam` takes as a hub id (downloaded once, then cached).
DEFAULT_SAM_MODEL = "facebook/sam2.1-hiera-tiny"
# Qwen2.5-VL sees 14-px patches merged 2x2: image sides are multiples of this.
PATCH_PX = 28
# RemoteReasoner was trained with MAX_PIXELS=802816 = 1024 * 28 * 28 (RemoteReasoner_GRPO.sh:10);
# the minimum is qwen_vl_utils' MIN_PIXELS (vision_process.py:27). See docs/fidelity.md.
DEFAULT_MAX_PIXELS = 1024 * PATCH_PX * PATCH_PX
DEFAULT_MIN_PIXELS = 4 * PATCH_PX * PATCH_PX
# The reference inference sets no budget, so qwen_vl_utils' default applies (vision_process.py:28):
# `evaluate` uses it by default to score as the published inference code runs.
REFERENCE_MAX_PIXELS = 16384 * PATCH_PX * PATCH_PX
# Ask and describe look at one whole-extent view at that same loader default, as the reference's VQA and
# captioning do (RemoteReasoner.py `VQA` / `Image_captioning` pass the image to the engine with no budget set;
# RemoteReasoner_infer.sh:1-3 sets none): a 2000x1500 extent is seen at 1988x1512, not 1008x756. Lowered to
# what the device's free memory holds (run/answers.py); `--per-tile` answers use the run's --max-pixels.
DEFAULT_ANSWER_MAX_PIXELS = REFERENCE_MAX_PIXELS
# 896 = 32 * 28 and 896² = the training budget: a default tile reaches the model unresized, so boxes are
# the same in the model's input pixels and the tile's (both coordinate conventions agree on tiled runs).
DEFAULT_TILE_SIZE = 32 * PATCH_PX
MIN_TILE_SIZE = 2 * PATCH_PX  # the smallest tile `validate` accepts
DEFAULT_OVERLAP = 4 * PATCH_PX
# Defaults of earlier versions, which stored settings may still hold (the plugin migrates them).
LEGACY_TILE_SIZE, LEGACY_OVERLAP = 1008, 128
# An extent up to this multiple of the pixel budget is one view, downscaled to the budget, rather than
# several almost identical tiles: a 1024² benchmark image (1.31 x 896²) is 1 model call, not 4.
SINGLE_VIEW_SLACK = 4 / 3
# How a template's boxes relate to the image: pixels of the resized model input (Qwen2.5-VL), pixels of the
# view before that resize (how the RemoteReasoner reference uses its answers), or 0-1000 relative to the image's
# width and height (Qwen2-VL, Qwen3-VL; see contract/conventions.MODEL_TEMPLATES). None = the template's.
COORDINATE_SPACES = ("model-input", "original-image", "relative-1000")
RELATIVE_RANGE = 1000  # `relative-1000`: 0 is the image's left/top edge, 1000 its right/bottom edge
# How raster values become the model's 8-bit RGB (raster/source.py). `joint`: one 2-98 % range over the three
# chosen bands together, so a red-dominant scene stays red (a range per band would grey it); 8-bit data is left
# as it is, as the reference feeds its 8-bit images. `per-band`: one 2-98 % range per band. `none`: the values
# as they are, clipped to 0-255. `stretch_values` (lo,hi or three lo,hi pairs) overrides them all: the dock
# passes the layer renderer's contrast min/max there, so the model sees what the analyst sees.
STRETCHES = ("joint", "per-band", "none")
DEFAULT_STRETCH = "joint"
DEFAULT_SIMPLIFY = 0.0  # map units
DEFAULT_MIN_AREA = 0.0  # map units squared
DEFAULT_IOU_THRESHOLD = 0.5  # the usual NMS threshold
DEFAULT_IOS_THRESHOLD = 0.8  # the overlap strip saw the whole object in one tile, a clipped part in the other
DEFAULT_MAX_NEW_TOKENS = 1024
# Most views per model call (transformers backend); 0 = auto: views of one input size together, as many as
# fit a share of the device's free memory (models.memory), at most models.memory.MAX_AUTO_BATCH.
DEFAULT_BATCH_SIZE = 0
DEFAULT_FORMATS: tuple[str, ...] = ()  # the GeoPackage only
DEFAULT_API_KEY_ENV = "REMOTEREASONER_API_KEY"
DEFAULT_CONCURRENCY = 1
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_RETRIES = 4
# Runaway limits (docs/robustness.md). Boxes kept from one answer: a dense 896-px tile of cars or trees holds
# a few hundred; an answer listing thousands is a runaway generation, and each box costs a SAM prompt.
DEFAULT_MAX_BOXES = 500
# Model views in one run: 10 000 tiles of 896 px are about 8 gigapixels (a 90 000-px square image), hours of
# GPU time; a plan beyond it is nearly always a mistyped --gsd or --extent, refused before any model loads.
DEFAULT_MAX_TILES = 10_000
# A change run (`compare_with`, run/change/): a target of the first date and one of the second are the same
# target when their outlines overlap at least this much (intersection over union) once the second date's
# measured shift is undone, or once both are grown by the tolerance (metres) when one is given.
DEFAULT_CHANGE_MIN_IOU = 0.3
CHANGE_MODES = ("locate", "find-all")  # the modes that give targets to match between two dates
# Longest question in characters, checked before any model loads. RemoteReasoner was trained on sequences of
# at most 4096 tokens (RemoteReasoner_GRPO.sh:37 `--max_length 4096` at cdd1bd5), of which a view at the
# pixel budget takes 1024 and the answer up to DEFAULT_MAX_NEW_TOKENS; 4000 characters is about 1000 tokens
# of English (a 105 kB question was 67 766 tokens), so question, template and answer stay within training.
MAX_QUERY_CHARS = 4000
# Qwen2.5-VL refuses images whose long side is more than 200 times the short one: transformers'
# models/qwen2_vl/image_processing_qwen2_vl.py smart_resize (lines 76-78 in 5.24: "absolute aspect ratio must
# be smaller than 200") and qwen_vl_utils' MAX_RATIO = 200 (vision_process.py); raster.coords.smart_resize too.
MAX_ASPECT_RATIO = 200
# A --gsd may ask for views finer than the raster's own pixels up to this factor (each raster pixel drawn at
# most 8 x 8 view pixels); finer only blows pixels up (`--gsd 1e-7` planned thousands of one-pixel views).
MAX_UPSAMPLE = 8
# The fewest raster pixels a view may read on its short side: a view of one raster pixel shows the model nothing.
MIN_VIEW_SOURCE_PX = 2


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _non_finite_name(value: Any) -> str:
    """'NaN', 'infinity' or the value itself, for messages."""
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return repr(value)
    return "NaN" if v != v else "infinity"


class OptionsError(ValueError):
    """Invalid run options; the message names the option and the fix."""


@dataclass
class RunOptions:
    """Everything one run needs. Paths are strings so the object crosses process boundaries as JSON."""

    raster: str
    query: str
    out: str
    mode: str = DEFAULT_MODE  # MODES
    strategy: str = DEFAULT_STRATEGY  # STRATEGIES
    per_tile: bool = False  # ask/describe: one answer per tile (a layer of tile footprints), not one whole view
    extent: Optional[tuple[float, float, float, float]] = None  # xmin, ymin, xmax, ymax
    extent_crs: Optional[str] = None  # e.g. "EPSG:4326"; None = the raster CRS
    bands: Optional[tuple[int, ...]] = None  # 1-based; None = by colour interpretation
    stretch: str = DEFAULT_STRETCH  # STRETCHES: raster values -> the model's 8-bit RGB
    stretch_values: Optional[tuple[float, ...]] = None  # lo,hi (all bands) or r_lo,r_hi,g_lo,g_hi,b_lo,b_hi
    granularity: tuple[str, ...] = DEFAULT_GRANULARITY
    backend: str = DEFAULT_BACKEND
    model: str = DEFAULT_MODEL
    prompt: Optional[str] = DEFAULT_PROMPT  # template name in resources/prompts or a path; None = per model
    replay: Optional[str] = None  # responses source for backend "replay" (.gpkg or .jsonl)
    # SAM for masks/contours: a SAM 1 checkpoint (.pth) or a SAM 2.1 transformers folder / hub id
    sam: Optional[str] = None
    # SAM_TYPES; None = from the file name or the .json beside it (SAM 1), from config.json (SAM 2.1)
    sam_type: Optional[str] = None
    sam3: str = DEFAULT_SAM3_MODEL  # find-all: a SAM 3 transformers folder or hub id
    score_threshold: float = DEFAULT_SCORE_THRESHOLD  # find-all: instances scoring at or below it are dropped
    device: str = DEFAULT_DEVICE  # auto|cpu|cuda|cuda:N
    dtype: str = DEFAULT_DTYPE  # auto|bfloat16|float16|float32
    tile_size: int = DEFAULT_TILE_SIZE
    overlap: int = DEFAULT_OVERLAP
    max_pixels: int = DEFAULT_MAX_PIXELS
    min_pixels: int = DEFAULT_MIN_PIXELS
    answer_max_pixels: int = DEFAULT_ANSWER_MAX_PIXELS  # ask/describe's one whole-extent view (not --per-tile)
    coordinates: Optional[str] = None  # model-input|original-image; None = the prompt template's
    single_view: bool = False  # one view of the whole extent at the budget, never tiles (evaluate's default)
    gsd: Optional[float] = None  # resample to this ground sampling distance (map units / px)
    simplify: float = DEFAULT_SIMPLIFY  # map units
    min_area: float = DEFAULT_MIN_AREA  # map units squared
    iou_threshold: float = DEFAULT_IOU_THRESHOLD  # duplicate boxes across tiles: IoU above this...
    ios_threshold: float = DEFAULT_IOS_THRESHOLD  # ...or intersection over the smaller box above this
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    batch_size: int = DEFAULT_BATCH_SIZE  # most views per model call (transformers backend); 0 = auto
    formats: tuple[str, ...] = DEFAULT_FORMATS  # extra exports beside the GeoPackage: shp, geojson
    append: bool = False  # add to an existing GeoPackage instead of replacing it
    resume: bool = False  # continue the last unfinished run in `out` (only missing tiles)
    # openai backend
    server_url: Optional[str] = None
    api_key: Optional[str] = field(default=None, repr=False)  # never logged nor stored
    api_key_env: str = DEFAULT_API_KEY_ENV
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    reuse: bool = True  # answer a view seen before (same pixels, prompt, model) from the output's `responses`
    max_boxes: int = DEFAULT_MAX_BOXES  # boxes kept from one answer (the rest dropped with a warning)
    max_tiles: int = DEFAULT_MAX_TILES  # model views a run may plan (refused before any model loads)
    # change between two dates (run/change/, docs/guide/change.md): `raster` is the first date, this the second
    compare_with: Optional[str] = None
    tolerance: Optional[float] = None  # metres a target may move between dates; None = the shift is measured
    min_iou: float = DEFAULT_CHANGE_MIN_IOU  # same target on both dates at or above this IoU
    replay_after: Optional[str] = None  # backend "replay": the second date's recorded answers

    def validate(self) -> "RunOptions":
        """Check what can be checked without opening files; raise OptionsError naming the fix."""
        if self.mode not in MODES:
            raise OptionsError(f"Unknown mode {self.mode!r}: use one of {', '.join(MODES)}.")
        if self.mode != "describe" and (not self.query or not self.query.strip()):  # a caption needs no question
            raise OptionsError("The question is empty: type what to look for, e.g. --query 'storage tanks'.")
        if len(self.query or "") > MAX_QUERY_CHARS:
            raise OptionsError(f"The question is {len(self.query)} characters long; the limit is {MAX_QUERY_CHARS} "
                               f"(about {MAX_QUERY_CHARS // 4} tokens of the model's context): ask it in a "
                               f"sentence or two.")
        if self.per_tile and self.mode not in ANSWER_MODES:
            raise OptionsError(f"--per-tile is for --mode {' or '.join(ANSWER_MODES)}; mode {self.mode} already "
                               "works tile by tile.")
        if self.strategy not in STRATEGIES:
            raise OptionsError(f"Unknown strategy {self.strategy!r}: use one of {', '.join(STRATEGIES)}.")
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
        if self.mode == FIND_ALL:
            if not 0.0 <= self.score_threshold < 1.0:
                raise OptionsError(f"--score-threshold {self.score_threshold} must be at least 0 and below 1 "
                                   f"(default {DEFAULT_SCORE_THRESHOLD}).")
            if not self.sam3:
                raise OptionsError(f"Find-all needs a SAM 3 model: pass --sam3 {DEFAULT_SAM3_MODEL} or a SAM 3 folder.")
        if self.needs_sam and not self.sam:
            raise OptionsError(f"Masks and contours need a SAM model: pass --sam {DEFAULT_SAM_MODEL} (SAM 2.1, as the "
                               f"reference uses), a SAM 2.1 folder, or a SAM 1 checkpoint such as sam_vit_b_01ec64.pth.")
        if self.tile_size < MIN_TILE_SIZE:
            raise OptionsError(f"--tile-size {self.tile_size} is too small: use at least {MIN_TILE_SIZE} pixels "
                               f"(default {DEFAULT_TILE_SIZE}).")
        if not 0 <= self.overlap < self.tile_size // 2:
            raise OptionsError(f"--overlap {self.overlap} must be between 0 and half the tile size ({self.tile_size // 2}).")
        if self.max_pixels < self.min_pixels:
            raise OptionsError(f"--max-pixels {self.max_pixels} is below the minimum {self.min_pixels}.")
        if self.answer_max_pixels < self.min_pixels:
            raise OptionsError(f"--answer-max-pixels {self.answer_max_pixels} is below the minimum {self.min_pixels}.")
        if self.coordinates is not None and self.coordinates not in COORDINATE_SPACES:
            raise OptionsError(f"--coordinates must be one of {', '.join(COORDINATE_SPACES)}, not {self.coordinates!r}.")
        if self.stretch not in STRETCHES:
            raise OptionsError(f"--stretch must be one of {', '.join(STRETCHES)}, not {self.stretch!r}.")
        if self.stretch_values is not None:
            values = self.stretch_values
            if len(values) not in (2, 6) or not all(_finite(v) for v in values):
                raise OptionsError("--stretch-values takes LO,HI (all bands) or six numbers R_LO,R_HI,G_LO,G_HI,B_LO,B_HI, "
                                   "e.g. --stretch-values 200,3000.")
            if any(float(values[i + 1]) <= float(values[i]) for i in range(0, len(values), 2)):
                raise OptionsError(f"--stretch-values {','.join(format(float(v), 'g') for v in values)}: each high "
                                   f"value must be above its low value.")
        if self.gsd is not None and self.gsd <= 0:
            raise OptionsError("--gsd must be a positive ground sampling distance in map units per pixel.")
        if self.extent is not None:
            bad_values = [v for v in self.extent if not _finite(v)]
            if bad_values:
                raise OptionsError(f"--extent holds {_non_finite_name(bad_values[0])}: give four finite numbers "
                                   f"xmin,ymin,xmax,ymax, e.g. --extent=404212,3285103,404250,3285140.")
            xmin, ymin, xmax, ymax = self.extent
            if not (xmax > xmin and ymax > ymin):
                raise OptionsError("--extent must be xmin,ymin,xmax,ymax with xmax > xmin and ymax > ymin.")
        for f in self.formats:
            if f not in (*EXPORT_FORMATS, "gpkg"):
                raise OptionsError(f"Unknown export format {f!r}: use shp or geojson.")
        if self.concurrency < 1:
            raise OptionsError("--concurrency must be at least 1.")
        if self.batch_size < 0:
            raise OptionsError("--batch-size must be 0 (auto: as many views as fit in memory) or more.")
        if self.max_new_tokens < 1:
            raise OptionsError(f"--max-new-tokens {self.max_new_tokens} leaves the model no room to answer: use at "
                               f"least 1 (default {DEFAULT_MAX_NEW_TOKENS}).")
        if self.max_boxes < 1 or self.max_tiles < 1:
            raise OptionsError(f"--max-boxes and --max-tiles must be at least 1 (defaults {DEFAULT_MAX_BOXES} and "
                               f"{DEFAULT_MAX_TILES}).")
        if self.compare_with is not None:
            self._validate_change()
        return self

    def _validate_change(self) -> None:
        if self.mode not in CHANGE_MODES + ANSWER_MODES:
            raise OptionsError(f"A change between two dates compares targets (--mode {' or '.join(CHANGE_MODES)}) or "
                               f"asks about both dates in one turn (--mode {' or '.join(ANSWER_MODES)}, "
                               f"experimental), not {self.mode}.")
        if self.per_tile:
            raise OptionsError("--per-tile is for one raster: a question over two dates asks one view of each.")
        if not str(self.compare_with).strip():
            raise OptionsError("Give the second date's raster to compare with, e.g. change before.tif after.tif.")
        if self.tolerance is not None and not (_finite(self.tolerance) and self.tolerance >= 0):
            raise OptionsError(f"--tolerance {self.tolerance} must be a distance in metres, 0 or more (or leave it "
                               "out to measure the shift between the dates).")
        if not (_finite(self.min_iou) and 0 < self.min_iou <= 1):
            raise OptionsError(f"--min-iou {self.min_iou} must be above 0 and at most 1 "
                               f"(default {DEFAULT_CHANGE_MIN_IOU}).")
        if self.append:
            raise OptionsError("A change run writes its own GeoPackage (the two dates' runs and the change layers): "
                               "leave out --append and pick a new --out.")
        if any(f != "gpkg" for f in self.formats):
            raise OptionsError("A change run writes one GeoPackage (its layers appeared, disappeared, persisted): "
                               "leave out --format and export the layers from QGIS.")
        if self.backend == "replay" and not self.replay_after:
            raise OptionsError("A replayed change needs each date's answers: --replay FILE for the first date and "
                               "--replay-after FILE for the second.")

    @property
    def is_change(self) -> bool:
        """Two dates compared (run/change/): the question located on both, the targets matched."""
        return self.compare_with is not None

    @property
    def needs_sam(self) -> bool:
        """Masks or contours from a box-prompted SAM (find-all's SAM 3 gives its own masks)."""
        return self.mode != FIND_ALL and ("masks" in self.granularity or "contours" in self.granularity)

    def to_dict(self, secrets: bool = False) -> dict[str, Any]:
        """JSON-ready dict. The API key is left out unless `secrets` (worker transport only)."""
        d = dataclasses.asdict(self)
        if not secrets:
            d.pop("api_key", None)
            d["server_url"] = redact_url(self.server_url)  # user:password@, ?api_key= never stored
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
        for k in ("extent", "bands", "stretch_values", "granularity", "formats"):
            if kw.get(k) is not None:
                if isinstance(kw[k], str):
                    kw[k] = tuple(x for x in kw[k].split(",") if x)
                kw[k] = tuple(kw[k])
        try:
            return cls(**kw)
        except TypeError as exc:  # pragma: no cover - dataclass signature errors
            raise OptionsError(str(exc)) from None
