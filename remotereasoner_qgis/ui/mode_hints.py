"""What the dock says about modes: the noun phrase find-all wants (and one to try when the question is a
sentence), and when a locate run's answer looks dense enough that find-all may serve it better. Pure text."""

from __future__ import annotations

import re
from typing import Mapping, Optional

from inference_core.contract.options import FIND_ALL_MAX_WORDS

# A locate run looks dense when it found this many boxes in all, or when at least DENSE_VIEWS views each
# answered with the run's largest count per view and that count is DENSE_PER_VIEW or more (the model lists
# about as many objects as it will per view, again and again: the scene likely holds more).
DENSE_TOTAL = 30
DENSE_PER_VIEW = 8
DENSE_VIEWS = 2

# Words that make a question a request or a relation rather than the object's name.
_LEAD = {"find", "locate", "show", "detect", "segment", "mark", "outline", "count", "where", "are", "is", "me",
         "all", "every", "each", "the", "a", "an", "any", "of", "please", "which", "what"}
_CUT = {"in", "on", "at", "near", "next", "beside", "along", "around", "inside", "within", "that", "which", "who",
        "with", "without", "from", "to", "by", "under", "over", "between", "behind", "above", "below", "than",
        "where", "when", "after", "before", "likely", "most", "closest", "nearest", "except"}
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


def word_count(question: str) -> int:
    return len(_WORD.findall(question))


def is_long(question: str) -> bool:
    """Longer than a noun phrase find-all takes well (SAM 3's concept prompts are a few words)."""
    return word_count(question) > FIND_ALL_MAX_WORDS


def _singular(word: str) -> str:
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return word[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def suggest_phrase(question: str) -> Optional[str]:
    """A short noun phrase to try for find-all: the words before the first relation ("next to", "that", "in"
    ...), request words dropped, at most three, the last one singular. None when nothing is left."""
    words = _WORD.findall(question)
    i = 0
    while i < len(words) and words[i].lower() in _LEAD:
        i += 1
    head = []
    for w in words[i:]:
        if w.lower() in _CUT:
            break
        if w.lower() not in _LEAD:
            head.append(w)
    if not head:
        return None
    head = head[-3:]
    head[-1] = _singular(head[-1])
    return " ".join(head).lower()


def looks_dense(boxes_per_view: Mapping[int, int]) -> bool:
    """Whether a locate run's answers suggest more objects than a reasoner lists (see DENSE_* above)."""
    counts = [int(n) for n in boxes_per_view.values()]
    if not counts:
        return False
    if sum(counts) >= DENSE_TOTAL:
        return True
    top = max(counts)
    return top >= DENSE_PER_VIEW and sum(1 for n in counts if n == top) >= DENSE_VIEWS
