"""Errors the engine raises for a user to act on; each carries a protocol `ErrorCode` and a one-line message."""

from __future__ import annotations

from inference_core.contract.protocol import ErrorCode


class PipelineError(Exception):
    """A run cannot start or continue. `code` is a `protocol.ErrorCode`; `message` names the fix."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(PipelineError):
    """The raster, extent, bands or output path are wrong (missing file, extent outside, ...)."""

    def __init__(self, message: str):
        super().__init__(ErrorCode.INPUT, message)


class OptionsInputError(PipelineError):
    """An option value is wrong (wraps `options.OptionsError`)."""

    def __init__(self, message: str):
        super().__init__(ErrorCode.BAD_OPTIONS, message)

