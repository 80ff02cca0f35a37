"""Parse model answers: RemoteReasoner `<think>…</think><answer>[[x1,y1,x2,y2],…]</answer>`,
Qwen2.5-VL's / Qwen3-VL's JSON `{"bbox_2d": […], "label": …}` grounding (often in a ```json fence) and
Qwen2-VL's box tokens `<|object_ref_start|>label<|object_ref_end|><|box_start|>(x1,y1),(x2,y2)<|box_end|>`.

Never raises on model text: a malformed answer becomes `ParsedAnswer.error`. Grammars: docs/ANSWERS.md.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from inference_core.common.records import Box

_THINK = re.compile(r"<think>(.*?)(?:</think>|$)", re.S | re.I)
_ANSWER = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.S | re.I)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)(?:```|$)", re.S | re.I)
# Any JSON number (1, -2.5, 1e2, 3.5E+2) and the looser forms models also write (+4, 5., .5).
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_BOX = re.compile(rf"\[\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\]")
# Qwen2-VL's grounding tokens (its tokenizer's special tokens; boxes in 0-1000 relative coordinates).
_BOX_TOKENS = re.compile(
    rf"(?:<\|object_ref_start\|>(.*?)<\|object_ref_end\|>\s*)?<\|box_start\|>\s*\(\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\)"
    rf"\s*,\s*\(\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\)\s*<\|box_end\|>", re.S)
MAX_TEXT = 200_000  # longer answers are cut before parsing (a runaway generation)


@dataclass
class ParsedAnswer:
    boxes: list[Box] = field(default_factory=list)
    labels: list[Optional[str]] = field(default_factory=list)
    scores: list[Optional[float]] = field(default_factory=list)
    reasoning: str = ""
    error: Optional[str] = None
    # box index -> the model's own point prompts for it, (x, y, label) with label 1 = object, 0 = background:
    # Think2Seg-RS writes two `positive_points` per instance for SAM (Think2Seg-RS geo_reward_func_ultra.py,
    # GEO_Reward_Func_Ultra: `pos_point_num = 2`, and `sam_iou_reward_func_ultra_test`'s predictor.predict)
    points: dict[int, list[tuple[float, float, int]]] = field(default_factory=dict)


def parse_answer(text: Any) -> ParsedAnswer:
    """Boxes in the model's input pixels, its reasoning, and an error string if unusable."""
    if not isinstance(text, str):
        return ParsedAnswer(error=f"answer is not text ({type(text).__name__})")
    total_chars = len(text)
    cut = total_chars > MAX_TEXT
    text = text[:MAX_TEXT]
    out = ParsedAnswer()
    think = _THINK.search(text)
    if think:
        out.reasoning = think.group(1).strip()
    answer = _ANSWER.search(text)
    if answer:
        body = answer.group(1).strip()
        if not out.reasoning:
            out.reasoning = text[: answer.start()].strip()
    else:
        body = text[think.end():] if think else text
    json_items = _json_items(body)
    if json_items is not None:
        _take_json(json_items, out)
    elif _BOX_TOKENS.search(body):
        _take_box_tokens(body, out)
    else:
        _take_lists(body, out)
    if out.error is None and not out.boxes and not _says_empty(body):
        out.error = "no box list found in the answer"
    if cut and not out.boxes:  # the list may lie past the cut: say the answer was too long, not that it had none
        out.error = (f"the answer was too long ({total_chars:,} characters; only the first {MAX_TEXT:,} are read) "
                     f"and no box list is in them: a runaway generation (lower --max-new-tokens)")
    return out


def _says_empty(body: str) -> bool:
    stripped = re.sub(r"```(?:json)?|```|\s", "", body)
    return stripped in ("[]", "[[]]", "{}", "")  and ("[" in body or "{" in body)


def _json_items(body: str) -> Optional[list[Any]]:
    """The answer as a JSON list of objects, if it is one (fenced or not)."""
    for candidate in [m.group(1) for m in _FENCE.finditer(body)] + [body]:
        candidate = candidate.strip()
        if not candidate or candidate[0] not in "[{":
            continue
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            value = [value]
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return None


def _finite_box(values: Any) -> Optional[Box]:
    if not isinstance(values, (list, tuple)) or len(values) != 4:
        return None
    try:
        box = tuple(float(v) for v in values)
    except (TypeError, ValueError, OverflowError):
        return None
    if not all(math.isfinite(v) for v in box):
        return None
    return box  # type: ignore[return-value]


def _take_json(items: list[dict[str, Any]], out: ParsedAnswer) -> None:
    bad = 0
    for item in items:
        box = _finite_box(item.get("bbox_2d", item.get("bbox")))
        if box is None:
            bad += 1
            continue
        label = item.get("label")
        score = item.get("score")
        points = _points(item.get("positive_points"), 1) + _points(item.get("negative_points"), 0)
        if points:
            out.points[len(out.boxes)] = points
        out.boxes.append(box)
        out.labels.append(str(label) if label is not None else None)
        out.scores.append(float(score) if isinstance(score, (int, float)) and math.isfinite(score) else None)
    if bad and not out.boxes:
        out.error = f"{bad} item(s) without a usable bbox_2d"


def _points(values: Any, label: int) -> list[tuple[float, float, int]]:
    """[[x, y], ...] -> [(x, y, label), ...]; anything that is not a pair of finite numbers is skipped."""
    if not isinstance(values, list):
        return []
    out = []
    for v in values:
        if isinstance(v, (list, tuple)) and len(v) == 2:
            try:
                x, y = float(v[0]), float(v[1])
            except (TypeError, ValueError, OverflowError):
                continue
            if math.isfinite(x) and math.isfinite(y):
                out.append((x, y, label))
    return out


def _take_box_tokens(body: str, out: ParsedAnswer) -> None:
    for m in _BOX_TOKENS.finditer(body):
        box = _finite_box([m.group(i) for i in range(2, 6)])
        if box is not None:
            out.boxes.append(box)
            out.labels.append(m.group(1).strip() if m.group(1) and m.group(1).strip() else None)
            out.scores.append(None)


def _take_lists(body: str, out: ParsedAnswer) -> None:
    for m in _BOX.finditer(body):
        box = _finite_box([m.group(i) for i in range(1, 5)])
        if box is not None:
            out.boxes.append(box)
            out.labels.append(None)
            out.scores.append(None)


# ---------------------------------------------------------------------------------------------
# Text answers (ask / describe): `<think>…</think><answer>text</answer>`
# ---------------------------------------------------------------------------------------------
@dataclass
class TextAnswer:
    """A question's or a caption's answer: the `<answer>` text, the `<think>` text, an error if unusable."""

    answer: str = ""
    reasoning: str = ""
    error: Optional[str] = None


def parse_text_answer(text: Any) -> TextAnswer:
    """The answer and reasoning of a VQA / captioning reply. The reference takes both tags when the reply
    is exactly `<think>…</think>\\s*<answer>…</answer>`, else the whole reply as the answer
    (RemoteReasoner.py:342-349); this also reads an unclosed `<answer>` (a reply cut by the token limit)
    and text after `</think>` without answer tags. Only an empty answer is an error."""
    if not isinstance(text, str):
        return TextAnswer(error=f"answer is not text ({type(text).__name__})")
    text = text[:MAX_TEXT]
    think = _THINK.search(text)
    reasoning = think.group(1).strip() if think else ""
    answer = _ANSWER.search(text)
    if answer:
        body = answer.group(1)
    elif think:
        body = text[think.end():]
    else:
        body = text
    body = body.strip()
    return TextAnswer(body, reasoning, None if body else "the model gave no answer")


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update(no=0, none=0)
_COUNT = re.compile(r"\b(\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.I)


def answer_count(answer: str) -> Optional[int]:
    """The number a counting answer gives: its first integer or number word ("There are 5 ships", "three",
    "No ships": 0); None when it names no number. Digits win over words ("one of the 12 ships": 12)."""
    digits = re.search(r"(?<![\d.])\d+(?![\d.])", answer or "")
    if digits:
        return int(digits.group(0))
    word = _COUNT.search(answer or "")
    return _NUMBER_WORDS[word.group(1).lower()] if word else None
