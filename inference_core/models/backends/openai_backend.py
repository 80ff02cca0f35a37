"""Backend `openai`: send tiles to an OpenAI-compatible model server (vLLM, SGLang, Ollama).

Each view is resized here by the engine's rule (`models.vision_input`: the same pixels the transformers
backend gives the model), so the server's own resize is a no-op and the returned pixel coordinates map
back exactly — unless the server's pixel limits are smaller: `usage.prompt_tokens` then shows fewer image
tokens than were sent, and the run warns once, naming the server flag.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Sequence

from inference_core.contract.openai_http import (
    ServerError,
    make_opener,
    normalise_base_url,
    redact_url,
    request_json,
    split_url,
    server_host,
)
from inference_core.models.backends.base import BackendError, ReasonReply, ReasonRequest
from inference_core.models.png import encode_rgb_png
from inference_core.models.precision import is_overflow_answer, overflow_message
from inference_core.models.prompts import ChatPrompt
from inference_core.models.vision_input import image_tokens, model_input

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

    from inference_core.contract.options import RunOptions

# Longest wait we accept from a server's Retry-After; beyond it the user is better told to come back.
MAX_RETRY_AFTER_S = 120.0
# The resize check's bounds on the text's share of the prompt tokens: at least one token per 8 characters
# (English BPE averages about 4), at most 2 per character (CJK), plus the chat frame (role markers).
MAX_CHARS_PER_TOKEN = 8
MAX_TOKENS_PER_CHAR = 2
CHAT_FRAME_TOKENS = 64
# The exact size check: the run's prompt is sent once more with a grey image of known tokens and one answer
# token; its prompt-token count less those image tokens is the text's exact count, so every view's count then
# shows the image tokens the server really used: a server that shrinks a view slightly (896 -> 840 px: 900
# tokens, not 1024) or enlarges it is seen. 504 px (18 x 18 blocks of 28 px, 254 016 px) lies above the
# min_pixels servers are commonly given (Qwen's own example: 256 x 28 x 28 = 200 704) and below their max_pixels,
# so the check image itself is not resized; a check count outside the text's possible range says it was.
# The request says what it is in OpenAI's `user` field.
SIZE_CHECK_SIDE = 18 * 28
SIZE_CHECK_USER = "remotereasoner-size-check"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt k waits uniform(0, min(cap, base * 2**k))."""

    retries: int = 4
    base_s: float = 0.5
    cap_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random, retry_after: Optional[float] = None) -> float:
        if retry_after is not None:
            # The server said when to come back: waiting less is wasted load, waiting more is lost time.
            return min(retry_after, MAX_RETRY_AFTER_S)
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** attempt)))


def prepare_image(image: "Image", min_pixels: int, max_pixels: int) -> tuple[bytes, tuple[int, int]]:
    """Lossless PNG bytes of the image at the Qwen2.5-VL input size, and that size as (width, height).

    At the default tile (896 px = the budget) there is nothing to resize; the PNG writer of `models.png`
    costs a third of Pillow's and mostly runs off the interpreter lock, so views in flight encode in parallel.
    """
    import numpy as np

    img, (width, height) = model_input(image, min_pixels, max_pixels)
    return encode_rgb_png(np.asarray(img)), (width, height)


def chat_payload(model: str, png: bytes, prompt: "ChatPrompt | str", max_tokens: int,
                 image_url: Optional[str] = None, second_png: Optional[bytes] = None,
                 user: Optional[str] = None) -> dict[str, Any]:
    """The OpenAI chat-completions body for one view: the prompt's [system, text, image, text] messages,
    the image as a PNG data URL where the template puts it (or `image_url` instead); a change question's
    second date (`second_png`) as the second image part; greedy decoding."""
    chat = prompt if isinstance(prompt, ChatPrompt) else ChatPrompt.plain(prompt)
    urls = [image_url or "data:image/png;base64," + base64.b64encode(png).decode("ascii")]
    if second_png is not None:
        urls.append("data:image/png;base64," + base64.b64encode(second_png).decode("ascii"))
    messages = []
    for message in chat.messages():
        content = message["content"]
        if isinstance(content, list):
            images = iter(urls)
            content = [{"type": "image_url", "image_url": {"url": next(images, urls[-1])}}
                       if part["type"] == "image" else part for part in content]
        messages.append({"role": message["role"], "content": content})
    payload = {"model": model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
    if user:
        payload["user"] = user
    return payload


# Stands for the data URL while the rest of the body is JSON-encoded: base64 needs no JSON escaping, so the
# megabytes of image are spliced in as bytes instead of scanned by the encoder under the interpreter lock.
_IMAGE_SLOT = "@@remotereasoner-image@@"


def chat_body(model: str, png: bytes, prompt: "ChatPrompt | str", max_tokens: int, user: Optional[str] = None) -> bytes:
    """`chat_payload` as JSON bytes, built without passing the image through `json.dumps`."""
    frame = json.dumps(chat_payload(model, b"", prompt, max_tokens, image_url=_IMAGE_SLOT, user=user)).encode("utf-8")
    head, slot, tail = frame.partition(json.dumps(_IMAGE_SLOT).encode("ascii"))
    if not slot:  # a template without an image part
        return frame
    return b"".join((head, b'"data:image/png;base64,', base64.b64encode(png), b'"', tail))


def prompt_tokens_of(data: Any) -> Optional[int]:
    """`usage.prompt_tokens` of a chat completion, None when the server reports none."""
    usage = data.get("usage") if isinstance(data, dict) else None
    tokens = usage.get("prompt_tokens") if isinstance(usage, dict) else None
    return tokens if isinstance(tokens, int) and not isinstance(tokens, bool) else None


def _resize_fix(min_pixels: int, max_pixels: int) -> str:
    return (f"Start it with the client's limits, e.g. vLLM --mm-processor-kwargs "
            f"'{{\"max_pixels\": {max_pixels}, \"min_pixels\": {min_pixels}}}', or match --max-pixels to the server.")


def resize_warning(data: Any, input_size: tuple[int, int], text_chars: int, min_pixels: int,
                   max_pixels: int, text_tokens: Optional[int] = None) -> Optional[str]:
    """A warning when the server's prompt-token count shows it resized the image the client sent.

    With `text_tokens` (the prompt's exact text count, from the size check) the image tokens the server used
    are known exactly: any shrink or enlargement by a 28-px block is seen. Without it the text takes between
    `chars / 8` and `2 * chars` (+ the chat frame), and only a resize beyond that slack is seen (a shrink of
    a sixth of a full tile's tokens). A check count outside the text's possible range means the server resized
    the check image itself. Servers that report no usage are not checked (`no_usage_warning`).
    """
    prompt_tokens = prompt_tokens_of(data)
    if prompt_tokens is None:
        return None
    expected = image_tokens(input_size)
    low_text, high_text = text_chars // MAX_CHARS_PER_TOKEN, MAX_TOKENS_PER_CHAR * text_chars + CHAT_FRAME_TOKENS
    if text_tokens is not None and low_text <= text_tokens <= high_text:
        # exact: a server that enlarges makes the check image count more too, so a view then counts fewer than
        # it should; either way the numbers differ from what was sent (only the direction stays open)
        seen = prompt_tokens - text_tokens
        if seen == expected:
            return None
        return (f"The server counted {seen} image tokens for an image of {expected} tokens "
                f"({input_size[0]}x{input_size[1]} px), measured against a {SIZE_CHECK_SIDE}-px check image: it "
                f"resizes images itself (shrinks or enlarges them), so boxes come back at the wrong scale. "
                + _resize_fix(min_pixels, max_pixels))
    if text_tokens is not None:  # more or fewer than any text of this length: the check image was resized
        side = SIZE_CHECK_SIDE
        return (f"The server counted {text_tokens + image_tokens((side, side))} prompt tokens for a {side}x{side} px "
                f"check image of {image_tokens((side, side))} tokens and {text_chars} characters of text: it resizes "
                f"images itself, so boxes come back at the wrong scale. " + _resize_fix(min_pixels, max_pixels))
    if expected + low_text <= prompt_tokens <= expected + high_text:
        return None
    return (f"The server counted {prompt_tokens} prompt tokens for an image of {expected} tokens "
            f"({input_size[0]}x{input_size[1]} px): it resizes images itself, so boxes come back at the wrong "
            f"scale. " + _resize_fix(min_pixels, max_pixels))


def no_usage_warning(min_pixels: int, max_pixels: int) -> str:
    """The run's warning when a server reports no token usage: its own resize cannot be seen."""
    return ("The server reports no token usage, so whether it resizes images itself (a slight shrink or an "
            "enlargement puts every box at the wrong scale) cannot be checked. " + _resize_fix(min_pixels, max_pixels))


def answer_text(data: Any) -> str:
    """The assistant text of a chat completion; raises ValueError when the shape is not OpenAI's.

    Servers started with a reasoning parser return the `<think>` part separately
    (`reasoning_content` / `reasoning`); it is put back so parsing sees what the model wrote.
    """
    try:
        message = data["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise ValueError("no choices[0].message in the answer") from None
    content = message.get("content")
    if isinstance(content, list):  # some servers return content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    content = content or ""
    if not isinstance(content, str):
        raise ValueError("message content is not text")
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    if isinstance(reasoning, str) and reasoning.strip() and "<think>" not in content:
        content = f"<think>{reasoning.strip()}</think>{content}"
    return content


def _text_chars(request: ReasonRequest) -> int:
    chat = request.chat
    return len(chat.before) + len(chat.after) + len(chat.system or "")


class OpenAIBackend:
    """Client of an OpenAI-compatible server; implements `base.ReasonBackend`.

    The API key comes from `options.api_key` or the environment variable `options.api_key_env`;
    it lives only in this object's memory and is never logged nor put in an error message.
    """

    name = "openai"

    def __init__(self, options: "RunOptions", *, rng: Optional[random.Random] = None,
                 backoff_base_s: float = 0.5, backoff_cap_s: float = 30.0):
        if not options.server_url:
            raise BackendError("The openai backend needs a server URL, e.g. --server-url http://gpu-server:8000/v1.",
                               code="bad_options")
        if not options.model or not options.model.strip():
            raise BackendError("The openai backend needs the model name the server serves (--model NAME).",
                               code="bad_options")
        try:
            self.base_url = normalise_base_url(options.server_url)
        except ServerError as exc:
            raise BackendError(str(exc), code="bad_options") from None
        self.model = options.model.strip()
        self.model_id = f"openai:{self.model}@{server_host(self.base_url)}"
        self.timeout = float(options.timeout)
        self.concurrency = max(1, int(options.concurrency))
        self.min_pixels = options.min_pixels
        self.max_pixels = options.max_pixels
        self.max_new_tokens = options.max_new_tokens
        self.policy = RetryPolicy(retries=max(0, int(options.retries)), base_s=backoff_base_s, cap_s=backoff_cap_s)
        creds = split_url(options.server_url)  # user:password@ -> Basic header; ?api_key= -> the bearer key
        self._basic_auth = creds.basic_auth
        self._api_key = options.api_key or os.environ.get(options.api_key_env or "") or creds.query_key or None
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._opener = make_opener(self.base_url)
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        # prompt text -> its exact token count at this server (None: not measurable), from the size check
        self._text_tokens: dict[tuple, Optional[int]] = {}
        self._text_tokens_locks: dict[tuple, threading.Lock] = {}  # one per prompt: checks of others run on
        self._text_tokens_lock = threading.Lock()

    def __repr__(self) -> str:  # the key stays out of any repr a traceback or log might print
        return f"OpenAIBackend({self.model_id!r}, concurrency={self.concurrency})"

    # -- the ReasonBackend interface -------------------------------------------------------------

    def reason(self, requests: Sequence[ReasonRequest]) -> list[ReasonReply]:
        """Answer every request, up to `concurrency` in flight; replies in request order.

        The first request that still fails after its retries fails the batch (BackendError) and
        requests not yet sent are dropped.
        """
        if not requests:
            return []
        self._stop.clear()
        workers = min(self.concurrency, len(requests))
        if workers == 1:
            return [self._one(r) for r in requests]
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openai-backend")
        futures = [pool.submit(self._one, r) for r in requests]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f in done and f.exception() is not None), None)
            if failed is not None:
                self._stop.set()  # threads waiting between retries give up; unsent tiles are dropped
                raise failed.exception()  # type: ignore[misc]
            return [f.result() for f in futures]
        finally:
            # Do not wait for requests still in flight after a failure: they end within the timeout.
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._stop.set()

    # -- the streaming interface (run.stream) ------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Views the run keeps at the server at once (`--concurrency`)."""
        return self.concurrency

    def reason_one(self, request: ReasonRequest, stop: threading.Event) -> ReasonReply:
        """One view with its own retries; safe to call from several threads. `stop` set: waits end, no resend."""
        return self._one(request, stop)

    # -- one request -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _slot(self, stop: threading.Event):
        """One of `concurrency` places at the server: views encoded ahead (run.stream) wait here, ready."""
        while not self._slots.acquire(timeout=0.1):
            if stop.is_set():
                raise ServerError("stopped before sending")
        try:
            yield
        finally:
            self._slots.release()

    def _one(self, request: ReasonRequest, stop: Optional[threading.Event] = None) -> ReasonReply:
        stop = self._stop if stop is None else stop
        if stop.is_set():
            raise BackendError("Cancelled after another tile failed.", code="server")
        try:
            budget = int(request.max_pixels or self.max_pixels)  # ask/describe's view may have its own
            png, input_size = prepare_image(request.image, self.min_pixels, budget)
        except ValueError as exc:  # smart_resize refuses sizes Qwen2.5-VL cannot take
            raise BackendError(f"Tile {request.tile_id} cannot be sent to the model: {exc}.", code="input") from None
        if request.second_image is None:
            body = chat_body(self.model, png, request.prompt, self.max_new_tokens)
        else:  # a change question (experimental): both dates in one turn, small enough for plain JSON
            second, _size = prepare_image(request.second_image, self.min_pixels, budget)
            body = json.dumps(chat_payload(self.model, png, request.prompt, self.max_new_tokens,
                                           second_png=second)).encode("utf-8")
        started = time.monotonic()
        data = self._post_with_retries(body, stop)
        try:
            text = answer_text(data)
        except ValueError as exc:
            raise BackendError(
                f"The server at {redact_url(self.base_url)} did not return an OpenAI chat completion ({exc}); "
                "check that it is vLLM, SGLang, Ollama or another OpenAI-compatible server.",
                code="server",
            ) from None
        if is_overflow_answer(text):
            raise BackendError(overflow_message("The server runs the model in float16: start it with "
                                                "--dtype bfloat16 (or float32)."), code="server")
        seconds = time.monotonic() - started
        if prompt_tokens_of(data) is None:
            warning = no_usage_warning(self.min_pixels, budget)
        else:
            # the size check measures one-image prompts; a change question's two dates keep the coarse check
            exact = self._text_token_count(request, stop) if request.second_image is None else None
            warning = resize_warning(data, input_size, _text_chars(request), self.min_pixels, budget, exact)
        return ReasonReply(tile_id=request.tile_id, raw_text=text, input_size=input_size, seconds=seconds,
                           warning=warning)

    def _text_token_count(self, request: ReasonRequest, stop: threading.Event) -> Optional[int]:
        """The exact token count of the request's text at this server, measured once per prompt by the size
        check (SIZE_CHECK_SIDE); None when the check fails or the server reports no usage."""
        chat = request.chat
        key = (chat.system, chat.before, chat.after)
        with self._text_tokens_lock:
            lock = self._text_tokens_locks.setdefault(key, threading.Lock())
        with lock:  # views of this prompt wait for its one check
            if key not in self._text_tokens:
                from PIL import Image

                grey = Image.new("RGB", (SIZE_CHECK_SIDE, SIZE_CHECK_SIDE), (128, 128, 128))
                png, size = prepare_image(grey, self.min_pixels, max(self.max_pixels, SIZE_CHECK_SIDE ** 2))
                try:
                    data = self._post_with_retries(chat_body(self.model, png, request.prompt, 1, SIZE_CHECK_USER), stop)
                    tokens = prompt_tokens_of(data)
                    self._text_tokens[key] = None if tokens is None else tokens - image_tokens(size)
                except BackendError:  # the check is an aid: the coarse check still runs
                    self._text_tokens[key] = None
            return self._text_tokens[key]

    def _post_with_retries(self, body: bytes, stop: threading.Event) -> Any:
        url = self.base_url + "/chat/completions"
        attempt = 0
        while True:
            try:
                with self._slot(stop):
                    return request_json(url, base_url=self.base_url, body=body, api_key=self._api_key,
                                        basic_auth=self._basic_auth, timeout=self.timeout, opener=self._opener)
            except ServerError as exc:
                if exc.status == 404:
                    raise BackendError(
                        f"{exc} The model requested was {self.model!r}.", code="server") from None
                if not exc.transient or attempt >= self.policy.retries or stop.is_set():
                    tried = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise BackendError(f"{exc}{tried}", code="server") from None
                with self._rng_lock:
                    delay = self.policy.delay(attempt, self._rng, exc.retry_after)
                attempt += 1
                # Waiting on the stop event lets a failed batch or close() cut the wait short.
                if stop.wait(delay):
                    raise BackendError(str(exc), code="server") from None
