"""Device and dtype choice for the models: "auto" picks CUDA when present, else CPU float32."""

from __future__ import annotations

import re

from inference_core.models.backends.base import BackendError
from inference_core.contract.protocol import ErrorCode

_DTYPES = ("bfloat16", "float16", "float32")
_ALIASES = {"bf16": "bfloat16", "fp16": "float16", "half": "float16", "fp32": "float32", "float": "float32"}


def resolve_device(device: str | None) -> str:
    """'auto' | 'cpu' | 'cuda' | 'cuda:N' -> a concrete torch device string; CUDA asked for but absent -> error."""
    import torch

    name = (device or "auto").strip().lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        return "cpu"
    match = re.fullmatch(r"cuda(?::(\d+))?", name)
    if not match:
        raise BackendError(f"Unknown device {device!r}: use auto, cpu, cuda or cuda:N.", code=ErrorCode.BAD_OPTIONS)
    if not torch.cuda.is_available():
        raise BackendError(
            f"Device {device!r} was asked for but this Python sees no CUDA GPU (torch {torch.__version__}). "
            "Use --device cpu (slow) or auto, or install a CUDA build of torch in the engine environment.",
            code=ErrorCode.BAD_OPTIONS,
        )
    if match.group(1) is not None:
        index, count = int(match.group(1)), torch.cuda.device_count()
        if index >= count:
            raise BackendError(
                f"Device {device!r} does not exist: this machine has {count} CUDA device(s) (cuda:0..cuda:{count - 1}).",
                code=ErrorCode.BAD_OPTIONS,
            )
    return name


def resolve_dtype(dtype: str | None, device: str):
    """'auto' | 'bfloat16' | 'float16' | 'float32' -> torch.dtype for `device` (a resolved device string).

    auto: bfloat16 on a CUDA GPU that supports it (Ampere and later), float16 on older GPUs,
    float32 on CPU (half precision on CPU is slow or unsupported for many kernels).
    """
    import torch

    name = (dtype or "auto").strip().lower()
    name = _ALIASES.get(name, name)
    on_cuda = device.startswith("cuda")
    if name == "auto":
        if not on_cuda:
            return torch.float32
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if name not in _DTYPES:
        raise BackendError(f"Unknown dtype {dtype!r}: use auto, bfloat16, float16 or float32.", code=ErrorCode.BAD_OPTIONS)
    return getattr(torch, name)


def free_bytes(device: str) -> int:
    """Memory free for tensors on a resolved device: CUDA's free memory, or the RAM the OS can still give."""
    if device.startswith("cuda"):
        import torch

        index = int(device.split(":", 1)[1]) if ":" in device else torch.cuda.current_device()
        # what torch's caching allocator holds but no tensor uses is free to this process too
        cached = torch.cuda.memory_reserved(index) - torch.cuda.memory_allocated(index)
        return int(torch.cuda.mem_get_info(index)[0]) + max(0, int(cached))
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:  # Linux: MemAvailable counts reclaimable cache
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    try:  # other POSIX systems: free pages only (an underestimate)
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 * 1024 ** 3  # unknown (Windows without /proc): a modest machine's worth
