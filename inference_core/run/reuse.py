"""No wasted calls: a view identical to one already answered in the output GeoPackage is not asked again.

Identical means the same content hash (`responses.view_hash`): the view's pixels, the rendered prompt
(system, text around the image, so the question and the template), the backend and the model (the SHA-256 of
its files where it is a local or cached folder, contract.digests; else its id), and the
settings that change the answer (pixel budget, answer length, the local model's dtype and system text).
The index is read from the output before the run writes to it, so a re-run into the same file, an
appended run over the same area (or the tiles of an overlapping extent that fall on the same pixels), and
views repeated within a run (e.g. blank nodata tiles) all reuse answers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

from inference_core.models.backends.base import ReasonReply, ReasonRequest
from inference_core.run.sink import answers_by_view_hash


# Backends whose answer is not the text kept in `responses`: replay answers from its own file already, and
# SAM 3 (find-all) gives masks, of which `responses` keeps only a summary.
NOT_REUSABLE = ("replay", "sam3")


def answer_settings(backend: Any, options: Any) -> str:
    """What besides the pixels and the prompt decides a backend's answer, as canonical JSON."""
    dtype = getattr(backend, "dtype", None)
    return json.dumps({
        "backend": getattr(backend, "name", options.backend),
        # the model's files themselves (contract.digests) where known, else its id: a folder whose files changed
        # under the same path is another model, a copy of it elsewhere the same
        "model": getattr(backend, "model_digest", None) or getattr(backend, "model_id", options.model),
        "dtype": str(dtype).replace("torch.", "") if dtype is not None else None,
        "system": getattr(backend, "system", None),  # a checkpoint's own system text replaces the template's
        "min_pixels": options.min_pixels, "max_pixels": options.max_pixels,
        "max_new_tokens": getattr(backend, "max_new_tokens", options.max_new_tokens),
        "min_new_tokens": getattr(backend, "min_new_tokens", 0),
    }, sort_keys=True)


def view_hash(request: ReasonRequest, settings: str) -> str:
    """SHA-256 hex of a view's pixels (mode, size, bytes), its rendered prompt and the answer settings."""
    chat = request.chat
    image = request.image if request.image.mode == "RGB" else request.image.convert("RGB")
    h = hashlib.sha256()
    h.update(json.dumps([settings, chat.system, chat.before, chat.after, image.mode, list(image.size)]).encode())
    h.update(image.tobytes())
    if request.second_image is not None or chat.between is not None:  # a change question: the second date's
        h.update(json.dumps(chat.between).encode())  # pixels and the text between the images decide it too
        if request.second_image is not None:
            h.update(request.second_image.convert("RGB").tobytes())
    return h.hexdigest()


class ReuseIndex:
    """Answers by content hash; `lookup` answers a request seen before, `keyed` stamps one with its hash."""

    def __init__(self, settings: str, answers: Optional[dict[str, tuple[str, Optional[list]]]] = None,
                 enabled: bool = True, hashing: bool = True):
        self.settings = settings
        self.answers = dict(answers or {})
        self.hashing = hashing  # answers are stored with their hash (for later runs), even with reuse off
        self.enabled = enabled and hashing

    @classmethod
    def for_run(cls, out: str, backend: Any, options: Any) -> "ReuseIndex":
        """The index of `out`'s answers (empty when the file is new or reuse is off)."""
        hashing = getattr(backend, "name", "") not in NOT_REUSABLE
        enabled = hashing and bool(getattr(options, "reuse", True))
        return cls(answer_settings(backend, options), answers_by_view_hash(out) if enabled else {}, enabled, hashing)

    def keyed(self, request: Any) -> Any:
        """The request stamped with its content hash (a ReasonRequest; others are passed through)."""
        if self.hashing and isinstance(request, ReasonRequest):
            request.view_hash = view_hash(request, self.settings)
        return request

    def lookup(self, request: Any) -> Optional[ReasonReply]:
        """The stored answer to an identical view, or None (then the model is asked)."""
        key = getattr(request, "view_hash", None)
        if not self.enabled or key is None or key not in self.answers:
            return None
        raw_text, input_size = self.answers[key]
        size = tuple(int(v) for v in input_size) if input_size else tuple(request.image.size)
        return ReasonReply(tile_id=request.tile_id, raw_text=raw_text, input_size=size, seconds=0.0,
                           view_hash=key, reused=True)

    def remember(self, reply: ReasonReply) -> None:
        """A new answer of this run: identical views later in the run reuse it."""
        if self.enabled and reply.view_hash and not reply.reused:
            self.answers[reply.view_hash] = (reply.raw_text, list(reply.input_size) if reply.input_size else None)
