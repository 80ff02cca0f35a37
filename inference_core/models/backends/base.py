"""The backend interface every reasoning backend implements (transformers, openai, replay)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Protocol, Sequence, Union

from inference_core.models.prompts import ChatPrompt

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image


@dataclass
class ReasonRequest:
    """One view for the model: its image at view size and the filled-in prompt.

    A plain string prompt means "the image, then this text" (`ChatPrompt.plain`).
    """

    tile_id: int
    image: "Image"  # RGB, view size (TileSpec.out_width x out_height)
    prompt: Union[ChatPrompt, str]
    view_hash: Optional[str] = None  # content hash of what decides the answer (run.reuse), set by the pipeline
    max_pixels: Optional[int] = None  # this view's pixel budget (ask/describe's larger one); None = the backend's
    # A change question (experimental): the second date's view of the same ground, sent after `image` in one
    # turn. RemoteReasoner was trained on single images (docs/fidelity.md).
    second_image: Optional["Image"] = None

    @property
    def images(self) -> tuple["Image", ...]:
        return (self.image,) if self.second_image is None else (self.image, self.second_image)

    @property
    def chat(self) -> ChatPrompt:
        return self.prompt if isinstance(self.prompt, ChatPrompt) else ChatPrompt.plain(self.prompt)


@dataclass
class ReasonReply:
    """The model's raw text and the (width, height) of the image it actually saw."""

    tile_id: int
    raw_text: str
    input_size: tuple[int, int]
    seconds: float
    warning: Optional[str] = None  # something the run should say once (e.g. a server that resized the image)
    view_hash: Optional[str] = None  # the request's content hash, stored with the answer in `responses`
    reused: bool = False  # answered from an earlier identical view in `responses`, without a model call


class BackendError(RuntimeError):
    """A backend failure a user can act on (message names the fix); `code` is a protocol ErrorCode."""

    def __init__(self, message: str, code: str = "model"):
        super().__init__(message)
        self.code = code


class ReasonBackend(Protocol):
    """Answers a batch of requests, in order. Must not hold state between calls besides the model.

    Optional, for the run's stream (`run.stream`): a server backend has `in_flight` and a thread-safe
    `reason_one(request, stop)`; a local model has `token_budget()`, `input_size_of(request)` and
    `view_tokens(request)`, by which views of one size are batched to fit its memory.
    """

    name: str  # "transformers" | "openai" | "replay"
    model_id: str  # recorded in the `model` field of results

    def reason(self, requests: Sequence[ReasonRequest]) -> list[ReasonReply]: ...

    def close(self) -> None: ...


class BackendOOM(BackendError):
    """The device ran out of memory for this batch; the caller may retry with fewer tiles per call."""

    def __init__(self, message: str):
        super().__init__(message, code="out_of_memory")
