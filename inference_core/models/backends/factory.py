"""Run options -> the reasoning backend they ask for (heavy imports happen only for the chosen one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inference_core.contract.protocol import ErrorCode
from inference_core.models.backends.base import BackendError, ReasonBackend

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.contract.options import RunOptions


def make_backend(options: "RunOptions") -> ReasonBackend:
    """Build the backend named by `options.backend` (transformers | replay | openai)."""
    if options.backend == "transformers":
        from inference_core.models.backends.transformers_backend import TransformersBackend

        return TransformersBackend(
            options.model,
            device=options.device,
            dtype=options.dtype,
            min_pixels=options.min_pixels,
            max_pixels=options.max_pixels,
            max_new_tokens=options.max_new_tokens,
        )
    if options.backend == "replay":
        from inference_core.models.backends.replay import ReplayBackend

        if not options.replay:
            raise BackendError(
                "The replay backend needs --replay FILE (a result .gpkg or a .jsonl of answers).",
                code=ErrorCode.BAD_OPTIONS,
            )
        return ReplayBackend(options.replay)
    if options.backend == "openai":
        from inference_core.models.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(options)
    raise BackendError(
        f"Unknown backend {options.backend!r}: use transformers, openai or replay.", code=ErrorCode.BAD_OPTIONS
    )
