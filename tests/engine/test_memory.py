"""The out-of-memory policy: recognising it, freeing memory, the two retries and the advice they end with."""

from __future__ import annotations

import pytest

from inference_core.common.errors import PipelineError
from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.models.backends.base import BackendError, BackendOOM
from inference_core.models.memory import (
    free_memory,
    is_allocator_oom,
    is_out_of_memory,
    oom_message,
    reason_halving_batches,
    smaller_settings,
)


def test_smaller_settings_halves_batch_then_shrinks_tile_to_28_multiples():
    o = RunOptions(raster="a", query="q", out="o", batch_size=4, tile_size=1008, overlap=128)
    s, changed = smaller_settings(o)
    assert (changed, s.batch_size, s.tile_size) == ("batch_size", 2, 1008)
    s, changed = smaller_settings(RunOptions(raster="a", query="q", out="o", batch_size=1, tile_size=1008, overlap=128))
    assert (changed, s.batch_size, s.tile_size, s.overlap) == ("tile_size", 1, 756, 128)  # 1008 * 0.75 = 756 = 27 * 28
    s, _ = smaller_settings(RunOptions(raster="a", query="q", out="o", tile_size=448, overlap=200))
    assert (s.tile_size, s.overlap) == (336, 167)  # overlap kept below half a tile
    s.validate()
    s, _ = smaller_settings(RunOptions(raster="a", query="q", out="o", tile_size=56, overlap=0))
    assert s.tile_size == 56  # cannot go below the minimum tile
    assert "--tile-size 756" in oom_message(RunOptions(raster="a", query="q", out="o", tile_size=756), "tile_size")
    assert "--batch-size 2" in oom_message(RunOptions(raster="a", query="q", out="o", batch_size=2), "batch_size")


def test_out_of_memory_is_recognised_by_code_or_type_only():
    class OutOfMemoryError(Exception):
        pass

    assert is_out_of_memory(BackendOOM("CUDA out of memory"))
    assert is_out_of_memory(PipelineError(ErrorCode.OUT_OF_MEMORY, "full"))
    assert is_out_of_memory(OutOfMemoryError())
    assert not is_out_of_memory(BackendError("model folder missing"))
    assert not is_out_of_memory(RuntimeError("CUDA out of memory"))  # a bare message is the backend's to judge
    assert is_allocator_oom(RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried 9 GB"))
    assert not is_allocator_oom(ValueError("out of memory")) and not is_allocator_oom(RuntimeError("shape mismatch"))
    free_memory()  # never raises, with or without torch


def test_a_batch_out_of_memory_is_halved_down_to_one_view_and_the_batcher_told():
    calls, warnings, shrunk = [], [], []

    def reason(requests):
        calls.append(list(requests))
        if len(requests) > 2:
            raise BackendOOM("CUDA out of memory")
        return [f"answer {r}" for r in requests]

    assert reason_halving_batches(reason, list("abcde"), warnings.append, shrunk.append) == [
        f"answer {c}" for c in "abcde"]
    assert calls == [list("abcde"), list("abc"), list("ab"), ["c"], list("de")]
    assert shrunk == [3, 2]
    assert warnings == ["Out of memory with 5 views per call: retrying with at most 3 per call.",
                        "Out of memory with 3 views per call: retrying with at most 2 per call."]
    with pytest.raises(BackendOOM):  # one view: nothing smaller to try
        reason_halving_batches(lambda r: reason(r * 3), ["a"], warnings.append)