"""Numeric precision of the language model: the float16 warning and the overflow answer it causes.

Qwen2.5-VL's activations overflow float16's range; the model then emits a run of "!" (token 0) instead
of an answer. bfloat16 (GPUs since Ampere) or float32 keep the range.
"""

from __future__ import annotations

import re

FLOAT16_WARNING = ("float16 was chosen: Qwen2.5-VL can overflow in float16 and answer '!!!!…'. Use bfloat16 "
                   "(GPUs since Ampere) or float32 (--dtype bfloat16|float32) if answers look like that.")
_OVERFLOW = re.compile(r"\s*!{8,}\s*")


def is_overflow_answer(text: str) -> bool:
    """True for an answer that is nothing but a run of '!' — the float16 overflow signature."""
    return bool(_OVERFLOW.fullmatch(text or ""))


def overflow_message(where: str) -> str:
    """The error for an overflow answer; `where` names the setting to change (local dtype or the server's)."""
    return ("The model answered only '!!!!…', the sign of a numeric overflow in float16. "
            f"{where} Finished tiles are kept; run again with --resume.")
