"""Out of memory, once: how it is recognised, how memory is freed, what is retried, and the advice given.

Batches are sized by tokens (`bytes_per_token`, `batch_token_budget`: a share of the device's free
memory). Two retries, one per level: the pipeline halves a batch that ran out of memory, down to one
view, and keeps the halved budget for the rest of the run (`reason_halving_batches`); the worker, when
the run still fails, frees memory and reruns it once with `smaller_settings`. Each failure ends with a
message naming the settings to change.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import sys
from typing import Any, Callable, Sequence

from inference_core.contract.options import MIN_TILE_SIZE, PATCH_PX, RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.models.backends.base import BackendOOM

log = logging.getLogger(__name__)

# Share of the device's free memory one model call may plan to fill: `bytes_per_token` is an estimate and
# the allocator fragments; an out-of-memory halves the budget for the rest of the run.
BATCH_MEMORY_SHARE = 0.5
# Most views per call when --batch-size is 0 (auto): past this a batch mostly delays the first result
# (progress, cancel) and the generation of a long answer holds every short one of its batch.
MAX_AUTO_BATCH = 8

# The phrases CPU allocator failures carry (they surface as a plain RuntimeError).
_ALLOCATOR_PHRASES = ("out of memory", "can't allocate memory")


# ------------------------------------------------------------------------------------- recognising
def is_allocator_oom(exc: BaseException) -> bool:
    """A raw allocation failure inside torch: CUDA's OutOfMemoryError or the CPU allocator's RuntimeError."""
    torch = sys.modules.get("torch")  # a torch error can only exist once torch is imported
    if torch is not None and isinstance(exc, torch.OutOfMemoryError):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and any(p in text for p in _ALLOCATOR_PHRASES)


def is_out_of_memory(exc: BaseException) -> bool:
    """A PipelineError/BackendError with code out_of_memory, or torch's CUDA OutOfMemoryError."""
    if getattr(exc, "code", None) == ErrorCode.OUT_OF_MEMORY:
        return True
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(exc, getattr(torch.cuda, "OutOfMemoryError", ())):
        return True
    return type(exc).__name__ == "OutOfMemoryError"


# ------------------------------------------------------------------------------------- freeing
def free_memory() -> None:
    """Drop what a failed attempt or an unloaded model held: Python garbage, then the CUDA caching allocator.

    torch is only used when a model already brought it in: importing it just to free nothing costs
    seconds (a replay-only run never needs torch). Never raises.
    """
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except Exception:  # noqa: BLE001 - freeing memory must never raise
            log.debug("empty_cache failed", exc_info=True)


# ------------------------------------------------------------------------------------- the backend
def load_advice(device: str, model_id: str, dtype: Any) -> str:
    """A reasoning model did not fit on its device while loading."""
    return (f"Not enough memory on {device} to load {model_id} as {dtype}: "
            "close other GPU programs, use --dtype float16/bfloat16, or a smaller model.")


def answer_advice(device: str, tiles: int, max_pixels: int) -> str:
    """A batch of tiles did not fit on the device while the model answered."""
    return (f"Out of memory on {device} answering {tiles} tile(s) at up to {max_pixels} pixels each: "
            "use --batch-size 1, a lower --max-pixels, or a smaller --tile-size.")


# ------------------------------------------------------------------------------------- batch size
def bytes_per_token(config: Any, dtype_bytes: int) -> int:
    """Estimated device memory one prompt or answer token of a batch holds while a Qwen2.5-VL generates.

    The KV cache of every decoder layer (2 x layers x kv heads x head dim), one layer's activations at a
    time during the prefill (hidden states and the MLP: 4 x hidden + 3 x intermediate), and the vision
    tower's, for the merge x merge patches behind each image token. Sizes from the model's config.
    """
    text = getattr(config, "text_config", None) or config
    vision = getattr(config, "vision_config", None)
    hidden = int(getattr(text, "hidden_size", 0) or 0)
    heads = int(getattr(text, "num_attention_heads", 1) or 1)
    kv_heads = int(getattr(text, "num_key_value_heads", heads) or heads)
    layers = int(getattr(text, "num_hidden_layers", 0) or 0)
    inter = int(getattr(text, "intermediate_size", 4 * hidden) or 4 * hidden)
    per = 2 * layers * kv_heads * (hidden // heads) + 4 * hidden + 3 * inter
    if vision is not None:
        v_hidden = int(getattr(vision, "hidden_size", 0) or 0)
        v_inter = int(getattr(vision, "intermediate_size", 4 * v_hidden) or 4 * v_hidden)
        merge = int(getattr(vision, "spatial_merge_size", 2) or 2)
        per += merge * merge * (4 * v_hidden + 3 * v_inter)
    return max(1, per * int(dtype_bytes))


def batch_token_budget(free_bytes: int, per_token: int) -> int:
    """Tokens (prompt + answer, summed over a batch) one call may plan for, from the free device memory."""
    return max(1, int(free_bytes * BATCH_MEMORY_SHARE) // max(1, per_token))


# ------------------------------------------------------------------------------------- the pipeline
def reason_halving_batches(reason: Callable[[Sequence[Any]], list], requests: Sequence[Any],
                           warn: Callable[[str], None], shrink: Callable[[int], None] = lambda n: None) -> list:
    """`reason(requests)`; a batch that runs out of memory is halved and each half answered again, down to
    one view. `shrink(n)` tells the batcher that n views per call is the most to try from now on.

    A single view that runs out of memory raises BackendOOM.
    """
    try:
        return reason(requests)
    except BackendOOM:
        if len(requests) == 1:
            raise
    # Retried outside the except block so the traceback (and the tensors its frames hold) is gone.
    half = (len(requests) + 1) // 2
    warn(f"Out of memory with {len(requests)} views per call: retrying with at most {half} per call.")
    shrink(half)
    return (reason_halving_batches(reason, requests[:half], warn, shrink)
            + reason_halving_batches(reason, requests[half:], warn, shrink))


def run_advice(options: RunOptions, exc: BaseException) -> str:
    """A run stopped out of memory: finished tiles are kept, these settings make the next try lighter."""
    return (f"Out of memory on the model device ({exc}). Finished tiles are kept; lower --batch-size "
            f"(now {options.batch_size}), --tile-size (now {options.tile_size}) or --max-pixels "
            f"(now {options.max_pixels}), or use --device cpu, then --resume.")


# ------------------------------------------------------------------------------------- the worker
def smaller_settings(options: RunOptions) -> tuple[RunOptions, str]:
    """The settings for the worker's one retry after running out of memory, and which setting changed.

    Halve the batch first (cheapest, same tiles); at batch 1 shrink the tile by 25 %, rounded to a
    multiple of 28 px so a tile stays a whole number of Qwen2.5-VL patches.
    """
    if options.batch_size > 1:
        return dataclasses.replace(options, batch_size=max(1, options.batch_size // 2)), "batch_size"
    tile = max(MIN_TILE_SIZE, int(round(options.tile_size * 0.75 / PATCH_PX)) * PATCH_PX)
    if tile >= options.tile_size:
        tile = max(MIN_TILE_SIZE, options.tile_size - PATCH_PX)
    overlap = max(0, min(options.overlap, tile // 2 - 1))  # validate(): overlap < half a tile
    return dataclasses.replace(options, tile_size=tile, overlap=overlap), "tile_size"


def retry_note(changed: str, old: Any, new: Any) -> str:
    """The warning sent before the worker's retry."""
    return f"Out of memory with {changed}={old}: freed memory and retrying once with {changed}={new}."


def oom_message(options: RunOptions, changed: str) -> str:
    """What a user can do after the retry ran out of memory as well."""
    what = (
        f"--batch-size {options.batch_size}" if changed == "batch_size" else f"--tile-size {options.tile_size}"
    )
    return (
        f"Out of memory even after retrying with {what}. Lower --batch-size or --tile-size "
        f"(or --max-pixels {options.max_pixels}), choose --dtype float16/bfloat16, or use --device cpu."
    )


def load_oom_message(what: str) -> str:
    """A model (`what`: "reasoning model" or "segmenter") did not fit while the worker loaded it."""
    return (f"Out of memory while loading the {what}: choose --dtype bfloat16/float16, "
            "a smaller model, or --device cpu.")
