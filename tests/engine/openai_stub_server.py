"""A loopback OpenAI-compatible server (chat completions + models) for the openai backend's tests and
benchmark: answers from a callable (recorded text or the tiny Qwen2.5-VL through transformers),
injects faults (5xx, 429 + Retry-After, delays), records every request and the peak in flight.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Union

from PIL import Image


@dataclass
class Fault:
    """What the next chat request gets instead of an answer.

    `status` None means "answer normally" after `delay` seconds (a delay longer than the client's
    timeout is a timeout). `headers` e.g. {"Retry-After": "0.3"}.
    """

    status: Optional[int] = 500
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "injected failure"


@dataclass
class ChatCall:
    """A decoded chat-completions request, as an answerer sees it."""

    model: str
    prompt: str
    images: list[Image.Image]
    body: dict[str, Any]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: Any
    started: float  # time.monotonic()
    finished: float = 0.0
    status: int = 0
    image_sizes: list[tuple[int, int]] = field(default_factory=list)


Answerer = Union[str, Callable[[ChatCall], str]]


def _openai_error(message: str, kind: str, code: int) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code}}


def decode_data_url(url: str) -> Image.Image:
    head, _, data = url.partition(",")
    if not head.startswith("data:image/") or ";base64" not in head:
        raise ValueError(f"not a base64 image data URL: {head[:40]!r}")
    # Lazy: the header gives the size; pixels are decoded only if an answerer looks at them, so the
    # benchmark's stub spends no CPU decoding what a real server would decode on its own machine.
    return Image.open(io.BytesIO(base64.b64decode(data, validate=True)))


class StubServer:
    """OpenAI-compatible HTTP server on 127.0.0.1 with an ephemeral port, run in a thread.

    `answer`: a fixed text or a callable ChatCall -> text. `api_key`: when set, requests without
    `Authorization: Bearer <api_key>` get 401. `latency`: seconds every chat request takes.
    `max_pixels`: the server's own resize limit, as vLLM's --mm-processor-kwargs sets it; it shows in
    `usage.prompt_tokens` (image tokens at the size the server resizes to, plus about a token per 4
    characters of text) as a real server's count does. None: the server keeps the image as sent.
    """

    def __init__(self, answer: Answerer = "<answer>[]</answer>", models: tuple[str, ...] = ("remote-reasoner",),
                 api_key: Optional[str] = None, latency: float = 0.0, max_pixels: Optional[int] = None,
                 latency_range: Optional[tuple[float, float]] = None, min_pixels: Optional[int] = None,
                 usage: bool = True):
        self.answer = answer
        # `min_pixels`: the server's own lower limit (it enlarges smaller images); `usage`: False for a server
        # that reports no token usage
        self.min_pixels = min_pixels
        self.usage = usage
        # (low, high): each request takes low + (high - low) * u seconds instead, u from a hash of its prompt
        # text, so a view takes the same time however and whenever it is sent (benchmark: stream vs batches)
        self.latency_range = latency_range
        self.max_pixels = max_pixels
        self.models = tuple(models)
        self.api_key = api_key
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- control ---------------------------------------------------------------------------------

    def start(self) -> "StubServer":
        handler = _make_handler(self)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        httpd.request_queue_size = 128  # a burst of concurrent tiles must not hit the listen backlog
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "StubServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL with /v1, as users configure it."""
        return f"http://127.0.0.1:{self.port}/v1"

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each chat request takes the next one until the queue is empty."""
        with self._lock:
            self._faults.extend(faults)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The views asked (the engine's size checks, marked in OpenAI's `user` field, are `size_checks`)."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions") and not _is_size_check(r)]

    @property
    def size_checks(self) -> list[RecordedRequest]:
        """The engine's size checks (models.backends.openai_backend.SIZE_CHECK_USER): one per prompt."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions") and _is_size_check(r)]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0
            self._faults.clear()

    # -- handling (called from the handler threads) ----------------------------------------------

    def _enter(self, rec: RecordedRequest) -> Optional[Fault]:
        with self._lock:
            self.requests.append(rec)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if rec.path.endswith("/chat/completions") and self._faults:
                return self._faults.popleft()
        return None

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _authorised(self, headers: dict[str, str]) -> bool:
        return self.api_key is None or headers.get("authorization") == f"Bearer {self.api_key}"

    def _chat(self, body: Any, rec: RecordedRequest) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return 400, _openai_error("body must be a JSON object with messages", "BadRequestError", 400)
        model = body.get("model")
        if model not in self.models:
            return 404, _openai_error(f"The model `{model}` does not exist.", "NotFoundError", 404)
        prompt_parts: list[str] = []
        images: list[Image.Image] = []
        for msg in body["messages"]:
            content = msg.get("content")
            if isinstance(content, str):
                prompt_parts.append(content)
                continue
            for part in content or []:
                if part.get("type") == "text":
                    prompt_parts.append(part.get("text", ""))
                elif part.get("type") == "image_url":
                    try:
                        images.append(decode_data_url(part["image_url"]["url"]))
                    except (KeyError, ValueError, OSError) as exc:
                        return 400, _openai_error(f"bad image: {exc}", "BadRequestError", 400)
        rec.image_sizes = [im.size for im in images]
        call = ChatCall(model=model, prompt="\n".join(prompt_parts), images=images, body=body)
        text = self.answer(call) if callable(self.answer) else self.answer
        prompt_tokens = sum(self._image_tokens(im.size) for im in images) + len(call.prompt) // 4 + 10
        reply = {
            "id": f"chatcmpl-stub-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 0, "total_tokens": prompt_tokens},
        }
        if not self.usage:
            del reply["usage"]
        return 200, reply

    def latency_of(self, body: Any) -> float:
        if self.latency_range is None:
            return self.latency
        import hashlib

        texts = [part.get("text", "") for msg in (body or {}).get("messages", []) if isinstance(msg, dict)
                 for part in (msg.get("content") if isinstance(msg.get("content"), list) else [])
                 if isinstance(part, dict)]
        low, high = self.latency_range
        u = int.from_bytes(hashlib.sha256("".join(texts).encode()).digest()[:8], "big") / 2 ** 64  # well mixed
        return low + (high - low) * u

    def _image_tokens(self, size: tuple[int, int]) -> int:
        from inference_core.raster.coords import smart_resize

        w, h = size
        if self.max_pixels is not None or self.min_pixels is not None:
            h, w = smart_resize(h, w, self.min_pixels or 4 * 28 * 28, self.max_pixels or 16384 * 28 * 28)
        return (w // 28) * (h // 28)


def _is_size_check(r: RecordedRequest) -> bool:
    from inference_core.models.backends.openai_backend import SIZE_CHECK_USER

    return isinstance(r.body, dict) and r.body.get("user") == SIZE_CHECK_USER


def _make_handler(server: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
            pass

        def _send(self, status: int, payload: Any, headers: Optional[dict[str, str]] = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            rec = RecordedRequest(method=method, path=self.path,
                                  headers={k.lower(): v for k, v in self.headers.items()},
                                  body=body, started=time.monotonic())
            fault = server._enter(rec)
            try:
                status, payload, headers = self._route(method, body, rec, fault)
                rec.status = status
            finally:
                # Done before the answer leaves: a client that sends its next request the moment it
                # reads this one must not be counted as two in flight.
                rec.finished = time.monotonic()
                server._leave()
            self._send(status, payload, headers)

        def _route(self, method: str, body: Any, rec: RecordedRequest, fault: Optional[Fault]):
            if not server._authorised(rec.headers):
                return 401, _openai_error("Invalid API key.", "AuthenticationError", 401), None
            path = self.path.split("?", 1)[0].rstrip("/")
            if path == "/stub/stats":  # for a server run in another process (benchmark)
                with server._lock:
                    stats = {"max_in_flight": server.max_in_flight, "requests": len(server.requests) - 1,
                             "cpu_s": time.process_time()}  # the server process's CPU time, all threads
                if method == "POST":
                    server.reset()
                return 200, stats, None
            if method == "GET" and path == "/v1/models":
                data = [{"id": m, "object": "model", "owned_by": "stub"} for m in server.models]
                return 200, {"object": "list", "data": data}, None
            if method == "POST" and path == "/v1/chat/completions":
                if fault is not None:
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.status is not None:
                        return fault.status, _openai_error(fault.message, "InjectedError", fault.status), fault.headers
                latency = server.latency_of(body)
                if latency:
                    time.sleep(latency)
                status, payload = server._chat(body, rec)
                return status, payload, None
            return 404, {"detail": "Not Found"}, None

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

    return Handler


def main(argv: Optional[list[str]] = None) -> int:
    """Serve in this process until stdin closes; prints `PORT <n>` once listening (benchmark use)."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="Loopback OpenAI-compatible stub server (127.0.0.1 only).")
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--answer", default="<answer>[]</answer>")
    ap.add_argument("--latency-range", type=float, nargs=2, metavar=("LOW", "HIGH"),
                    help="per-request latency between LOW and HIGH seconds, fixed per prompt text")
    ap.add_argument("--model", default="remote-reasoner")
    args = ap.parse_args(argv)
    with StubServer(answer=args.answer, models=(args.model,), latency=args.latency,
                    latency_range=tuple(args.latency_range) if args.latency_range else None) as srv:
        print(f"PORT {srv.port}", flush=True)
        sys.stdin.read()  # the parent closes our stdin to stop us
    return 0


class TinyQwenAnswerer:
    """Answers chat calls with a (tiny) Qwen2.5-VL checkpoint through transformers, greedy.

    The server side of a real deployment in miniature: the image arrives as the client sent it and
    goes through the checkpoint's own processor.
    """

    def __init__(self, model_dir: str, max_new_tokens: int = 16):
        from transformers import AutoProcessor, Qwen2_5_VLForConditionalGeneration

        self.processor = AutoProcessor.from_pretrained(model_dir)
        self.model = Qwen2_5_VLForConditionalGeneration.from_pretrained(model_dir).eval()
        self.max_new_tokens = max_new_tokens
        self._lock = threading.Lock()  # one generate at a time on 2 CPU cores
        self.seen_grids: list[tuple[int, int, int]] = []

    def __call__(self, call: ChatCall) -> str:
        import torch

        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": call.prompt}]}]
        text = self.processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        inputs = self.processor(text=[text], images=[im.convert("RGB") for im in call.images], return_tensors="pt")
        max_tokens = int(call.body.get("max_tokens") or self.max_new_tokens)
        with self._lock, torch.no_grad():
            self.seen_grids.append(tuple(int(v) for v in inputs["image_grid_thw"][0]))
            out = self.model.generate(**inputs, max_new_tokens=min(max_tokens, self.max_new_tokens), do_sample=False)
        new = out[0, inputs["input_ids"].shape[1]:]
        return self.processor.decode(new, skip_special_tokens=True)


if __name__ == "__main__":
    raise SystemExit(main())
