"""The `openai` backend against a loopback OpenAI-compatible server: request shape, resizing,
concurrency, retries (500, 429 + Retry-After, timeouts), and the errors users see."""

from __future__ import annotations

import base64
import io
import json
import random
import socket
import time

import numpy as np
import pytest
from PIL import Image

from inference_core.models.backends.base import BackendError, ReasonRequest
from inference_core.models.backends.openai_backend import OpenAIBackend, RetryPolicy, answer_text, prepare_image
from inference_core.raster.coords import smart_resize
from inference_core.contract.options import RunOptions

from openai_stub_server import ChatCall, Fault, StubServer

KEY = "sk-test-0123456789abcdef"
MODEL = "remote-reasoner"


def options(url: str, **kw) -> RunOptions:
    base = dict(raster="unused.tif", query="the trees", out="unused.gpkg", backend="openai", server_url=url,
                model=MODEL, timeout=5.0, retries=3, concurrency=1)
    base.update(kw)
    return RunOptions(**base)


def backend(url: str, **kw) -> OpenAIBackend:
    # Tiny backoff so retry tests take milliseconds; Retry-After still sets its own wait.
    return OpenAIBackend(options(url, **kw), rng=random.Random(0), backoff_base_s=0.01, backoff_cap_s=0.05)


def gradient(width: int, height: int) -> Image.Image:
    """Red rises left to right, green top to bottom: any resampling or flip shows in the pixels."""
    xs = np.linspace(0, 255, width).astype(np.uint8)
    ys = np.linspace(0, 255, height).astype(np.uint8)
    rgb = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.uint8(90)), axis=-1)
    return Image.fromarray(np.ascontiguousarray(rgb), "RGB")


def tile(tile_id: int, w: int = 112, h: int = 84, prompt: str | None = None) -> ReasonRequest:
    return ReasonRequest(tile_id=tile_id, image=gradient(w, h), prompt=prompt or f"find trees in tile {tile_id}")


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there any more
    return port


@pytest.fixture
def server():
    with StubServer(answer=lambda call: f"<think>ok</think><answer>[[10,20,30,40]]</answer> {call.prompt}") as srv:
        yield srv


def test_request_shape_image_prompt_model_and_auth(server):
    b = backend(server.url, api_key=KEY, max_new_tokens=77)
    [reply] = b.reason([ReasonRequest(tile_id=5, image=gradient(400, 300), prompt="Where are the storage tanks?")])

    [rec] = server.chat_requests
    assert rec.path == "/v1/chat/completions"
    assert rec.headers["authorization"] == f"Bearer {KEY}"
    body = rec.body
    assert body["model"] == MODEL
    assert body["temperature"] == 0
    assert body["max_tokens"] == 77
    [msg] = body["messages"]
    assert msg["role"] == "user"
    image_part, text_part = msg["content"]
    assert text_part == {"type": "text", "text": "Where are the storage tanks?"}
    url = image_part["image_url"]["url"]
    assert image_part["type"] == "image_url" and url.startswith("data:image/png;base64,")
    png = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    # 300x400 -> sides rounded to multiples of 28 within max_pixels: 308 x 392
    assert png.format == "PNG" and png.size == (392, 308) and png.mode == "RGB"
    assert smart_resize(300, 400, b.min_pixels, b.max_pixels) == (308, 392)

    assert reply.tile_id == 5
    assert reply.input_size == (392, 308)
    assert reply.raw_text == "<think>ok</think><answer>[[10,20,30,40]]</answer> Where are the storage tanks?"
    assert reply.seconds > 0
    assert b.model_id == f"openai:{MODEL}@127.0.0.1:{server.port}"


def test_large_tile_is_downscaled_to_max_pixels_and_sent_as_is_when_already_fitting(server):
    b = backend(server.url, max_pixels=256 * 28 * 28)
    replies = b.reason([tile(0, 1008, 1008), tile(1, 448, 224)])
    sizes = [r.image_sizes[0] for r in server.chat_requests]
    assert sorted(sizes) == [(448, 224), (448, 448)]
    assert [r.input_size for r in replies] == [(448, 448), (448, 224)]
    # A tile already at its input size is not resampled: pixels arrive unchanged (PNG is lossless).
    png, size = prepare_image(gradient(448, 224), b.min_pixels, b.max_pixels)
    assert size == (448, 224)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), np.asarray(gradient(448, 224)))


def test_api_key_from_environment_and_no_header_without_key(server, monkeypatch):
    monkeypatch.setenv("RR_TEST_KEY", KEY)
    backend(server.url, api_key_env="RR_TEST_KEY").reason([tile(0)])
    monkeypatch.delenv("RR_TEST_KEY")
    backend(server.url, api_key_env="RR_TEST_KEY").reason([tile(1)])
    first, second = server.chat_requests
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert "authorization" not in second.headers


def test_wrong_key_fails_at_once_without_leaking_it():
    with StubServer(api_key="the-right-key") as srv:
        b = backend(srv.url, api_key=KEY, retries=3)
        with pytest.raises(BackendError) as err:
            b.reason([tile(0)])
        assert len(srv.chat_requests) == 1  # 401 is not retried
    msg = str(err.value)
    assert err.value.code == "server"
    assert "HTTP 401" in msg and "Invalid API key" in msg and "REMOTEREASONER_API_KEY" in msg
    assert KEY not in msg and KEY not in repr(b) and KEY not in b.model_id
    assert "api_key" not in options("http://127.0.0.1:1", api_key=KEY).to_dict()


def test_replies_in_request_order_with_concurrency_in_flight():
    # Later tiles answer sooner, so completion order differs from request order.
    def slow_first(call: ChatCall) -> str:
        i = int(call.prompt.rsplit(" ", 1)[1])
        time.sleep(0.05 * (6 - i))
        return f"<answer>[[{i},{i},{i + 10},{i + 10}]]</answer>"

    with StubServer(answer=slow_first, latency=0.4) as srv:
        replies = backend(srv.url, concurrency=3).reason([tile(i) for i in range(6)])
        assert srv.max_in_flight == 3
    assert [r.tile_id for r in replies] == list(range(6))
    assert [r.raw_text for r in replies] == [f"<answer>[[{i},{i},{i + 10},{i + 10}]]</answer>" for i in range(6)]


def test_concurrency_n_puts_n_requests_in_flight_and_one_is_serial():
    # 1 s per answer: far longer than the client needs to encode and send 8 small tiles, even on a
    # loaded CI machine, so all 8 are in flight together
    with StubServer(latency=1.0) as srv:
        backend(srv.url, concurrency=8).reason([tile(i) for i in range(8)])
        assert srv.max_in_flight == 8  # all 8 held by the server at once: overlapped, not one after another
        srv.reset()
        backend(srv.url, concurrency=1).reason([tile(i) for i in range(4)])
        assert srv.max_in_flight == 1
        starts = [r.started for r in srv.chat_requests]
        ends = [r.finished for r in srv.chat_requests]
        assert all(s >= e for s, e in zip(starts[1:], ends[:-1]))  # strictly one after another


def test_recovers_from_injected_500s(server):
    server.inject(Fault(500), Fault(503))
    [reply] = backend(server.url, retries=3).reason([tile(0)])
    assert [r.status for r in server.chat_requests] == [500, 503, 200]
    assert reply.raw_text.startswith("<think>ok</think>")


def test_gives_up_after_retries_with_the_servers_message(server):
    server.inject(Fault(500, message="CUDA out of memory"), Fault(500, message="CUDA out of memory"))
    with pytest.raises(BackendError) as err:
        backend(server.url, retries=1).reason([tile(0)])
    assert len(server.chat_requests) == 2
    assert err.value.code == "server"
    assert "HTTP 500" in str(err.value) and "CUDA out of memory" in str(err.value)
    assert "after 2 attempts" in str(err.value)


def test_429_waits_as_long_as_retry_after_says(server):
    server.inject(Fault(429, headers={"Retry-After": "0.6"}, message="too many requests"))
    backend(server.url).reason([tile(0)])
    first, second = server.chat_requests
    assert (first.status, second.status) == (429, 200)
    gap = second.started - first.finished
    # the wait itself is the behaviour under test: Retry-After honoured, not the (tiny) backoff instead (the
    # upper bound loose for a busy CI)
    assert 0.6 <= gap < 2.5
    server.reset()
    # Without Retry-After the jittered backoff (capped at 0.05 s here) is used instead.
    server.inject(Fault(429))
    backend(server.url).reason([tile(0)])
    first, second = server.chat_requests
    assert second.started - first.finished < 0.5  # the behaviour: the 0.05 s backoff, no Retry-After wait


def test_timeout_is_retried_then_reported(server):
    server.inject(Fault(status=None, delay=5.0))  # answers, but long after the client gave up
    [reply] = backend(server.url, timeout=0.3, retries=2).reason([tile(0)])
    first, second = server.chat_requests
    # the reply came from the retry while the server still held the first request unanswered: the client
    # gave up on it at its timeout instead of waiting for the delayed answer
    assert first.finished == 0.0 and second.status == 200 and reply.raw_text.startswith("<think>ok")

    server.reset()
    server.inject(Fault(status=None, delay=1.0))
    with pytest.raises(BackendError) as err:
        backend(server.url, timeout=0.3, retries=0).reason([tile(0)])
    assert err.value.code == "server"
    assert "did not answer within 0.3 s" in str(err.value)


def test_server_down_is_a_clear_server_error():
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(BackendError) as err:
        backend(url, retries=2).reason([tile(0), tile(1)])
    msg = str(err.value)
    assert err.value.code == "server"
    assert f"http://127.0.0.1:{url.rsplit(':', 1)[1]}/v1 could not be reached" in msg
    assert "Connection refused" in msg and "server is running" in msg
    assert "after 3 attempts" in msg


def test_other_4xx_fails_at_once_with_the_servers_message(server):
    server.inject(Fault(400, message="This model's maximum context length is 2048 tokens"))
    with pytest.raises(BackendError) as err:
        backend(server.url, retries=4).reason([tile(0)])
    assert len(server.chat_requests) == 1
    assert "HTTP 400" in str(err.value) and "maximum context length is 2048" in str(err.value)


def test_unknown_model_names_the_model(server):
    with pytest.raises(BackendError) as err:
        backend(server.url, model="Qwen/Qwen2.5-VL-7B-Instruct").reason([tile(0)])
    msg = str(err.value)
    assert "HTTP 404" in msg and "'Qwen/Qwen2.5-VL-7B-Instruct'" in msg and "Test connection" in msg


def test_a_failed_tile_fails_the_batch_without_sending_the_rest():
    with StubServer(latency=0.2) as srv:
        srv.inject(Fault(400, message="bad tile"))
        with pytest.raises(BackendError, match="bad tile"):
            backend(srv.url, concurrency=2).reason([tile(i) for i in range(10)])
        time.sleep(0.3)  # let the request in flight finish
        assert len(srv.chat_requests) <= 3


@pytest.mark.parametrize("given", [
    "http://127.0.0.1:{p}", "http://127.0.0.1:{p}/", "http://127.0.0.1:{p}/v1", "http://127.0.0.1:{p}/v1/",
    "127.0.0.1:{p}", "http://127.0.0.1:{p}/v1/chat/completions",
])
def test_base_url_with_or_without_v1(server, given):
    b = backend(given.format(p=server.port))
    assert b.base_url == server.url
    b.reason([tile(0)])
    assert server.chat_requests[0].path == "/v1/chat/completions"


def test_bad_options_are_reported_before_any_request():
    with pytest.raises(BackendError, match="server URL") as err:
        OpenAIBackend(options(""))
    assert err.value.code == "bad_options"
    with pytest.raises(BackendError, match="'ftp://x' is not an http"):
        OpenAIBackend(options("ftp://x"))
    with pytest.raises(BackendError, match="model name"):
        OpenAIBackend(options("http://127.0.0.1:1", model=" "))


def test_reasoning_returned_separately_is_put_back():
    data = {"choices": [{"message": {"content": "<answer>[[1,2,3,4]]</answer>", "reasoning_content": "two tanks"}}]}
    assert answer_text(data) == "<think>two tanks</think><answer>[[1,2,3,4]]</answer>"
    assert answer_text({"choices": [{"message": {"content": None}}]}) == ""
    with pytest.raises(ValueError):
        answer_text({"object": "error"})


def test_retry_policy_full_jitter_bounds():
    rng = random.Random(1)
    p = RetryPolicy(retries=5, base_s=0.5, cap_s=4.0)
    for attempt, bound in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)]:
        delays = [p.delay(attempt, rng) for _ in range(200)]
        assert 0 <= min(delays) and max(delays) <= bound
        assert max(delays) > 0.7 * bound  # spread over the whole range, not a fixed step
    assert p.delay(0, rng, retry_after=2.5) == 2.5
    assert p.delay(0, rng, retry_after=10_000) == 120.0


def test_the_tiny_qwen_answers_through_the_server(tiny_models):
    from openai_stub_server import TinyQwenAnswerer

    answerer = TinyQwenAnswerer(str(tiny_models.mllm_dir), max_new_tokens=8)
    with StubServer(answer=answerer) as srv:
        replies = backend(srv.url, max_new_tokens=8, concurrency=2).reason([tile(0, 112, 84), tile(1, 56, 56)])
    assert [r.input_size for r in replies] == [(112, 84), (56, 56)]
    # The checkpoint's processor saw exactly the sent size: grid (t, h/14, w/14); and the size check's
    # 504-px grey image (36 x 36 patches) once per prompt
    views = [g for g in answerer.seen_grids if g != (1, 36, 36)]
    assert sorted(views) == sorted([(1, 6, 8), (1, 4, 4)]) and (1, 36, 36) in answerer.seen_grids
    assert all(isinstance(r.raw_text, str) for r in replies)
    assert json.dumps([r.raw_text for r in replies])  # plain text, serialisable into the responses table


# -- through the real pipeline ---------------------------------------------------------------------

X0, Y0, RES = 404211.9, 3285142.9, 0.1  # OSBS_029: upper-left corner, 0.1 m pixels, EPSG:32617


def test_pipeline_maps_server_boxes_to_map_coordinates(sample_tif, tmp_path):
    import sqlite3

    import pyogrio

    from inference_core.run.pipeline import run

    # 400x400 view -> the server sees 392x392; a box there maps back by 400/392.
    answer = "<think>two crowns</think><answer>[[98, 49, 196, 147], [294, 294, 392, 392]]</answer>"
    out = tmp_path / "server.gpkg"
    with StubServer(answer=answer, api_key=KEY) as srv:
        # the answer is in the server's input pixels (Qwen2.5-VL's convention), said explicitly
        summary = run(options(srv.url, raster=str(sample_tif), out=str(out), api_key=KEY, coordinates="model-input"))
        [rec] = srv.chat_requests
        assert rec.image_sizes == [(392, 392)]
        # [system, user: instruction, image, "Text description: ..."]: the filled prompt template
        assert rec.body["messages"][1]["content"][2]["text"] == "\nText description: the trees"
        port = srv.port
    assert summary.status == "finished" and summary.counts == {"boxes": 2}
    df = pyogrio.read_dataframe(out, layer="boxes").sort_values("target_id")
    assert df.crs.to_epsg() == 32617
    got = np.array([g.bounds for g in df.geometry])
    want = np.array([[X0 + 10.0, Y0 - 15.0, X0 + 20.0, Y0 - 5.0], [X0 + 30.0, Y0 - 40.0, X0 + 40.0, Y0 - 30.0]])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert set(df["model"]) == {f"openai:{MODEL}@127.0.0.1:{port}"}
    assert set(df["reasoning"]) == {"two crowns"}
    con = sqlite3.connect(out)
    assert con.execute("SELECT input_size, parse_error FROM responses").fetchall() == [("[392, 392]", None)]
    settings = json.loads(con.execute("SELECT settings FROM runs").fetchone()[0])
    con.close()
    assert settings["backend"] == "openai" and "api_key" not in settings
    assert KEY.encode() not in out.read_bytes()  # the key is nowhere in the result file


def test_pipeline_tiles_in_flight_with_concurrency(sample_tif, tmp_path):
    import sqlite3

    import pyogrio

    from inference_core.run.pipeline import run

    def centre_box(call: ChatCall) -> str:
        w, h = call.images[0].size
        return f"<answer>[[{w * 2 // 5}, {h * 2 // 5}, {w * 3 // 5}, {h * 3 // 5}]]</answer>"

    out = tmp_path / "tiles.gpkg"
    with StubServer(answer=centre_box, latency=1.0) as srv:  # long enough for all four to be sent on a busy machine
        summary = run(options(srv.url, raster=str(sample_tif), out=str(out), tile_size=224, overlap=32, max_pixels=224 * 224,
                              concurrency=4))
        peak = srv.max_in_flight
        sent = sorted(r.image_sizes[0] for r in srv.chat_requests)
    con = sqlite3.connect(out)
    rows = con.execute("SELECT tile_id, window, input_size FROM responses ORDER BY tile_id").fetchall()
    con.close()
    n = len(rows)
    assert n == summary.tiles_total == 4 and summary.counts == {"boxes": 4}
    assert peak == 4  # all four tiles were at the server at once
    df = pyogrio.read_dataframe(out, layer="boxes").sort_values("tile_id")
    for (tile_id, window, input_size), geom in zip(rows, df.geometry):
        col, row, w, h = json.loads(window)
        iw, ih = json.loads(input_size)
        assert (iw % 28, ih % 28) == (0, 0)
        x1, y1, x2, y2 = (iw * 2 // 5) * w / iw, (ih * 2 // 5) * h / ih, (iw * 3 // 5) * w / iw, (ih * 3 // 5) * h / ih
        want = (X0 + (col + x1) * RES, Y0 - (row + y2) * RES, X0 + (col + x2) * RES, Y0 - (row + y1) * RES)
        np.testing.assert_allclose(geom.bounds, want, rtol=0, atol=1e-6)
    assert sent == sorted(tuple(json.loads(r[2])) for r in rows)


def test_pipeline_server_down_is_a_server_error(sample_tif, tmp_path):
    from inference_core.common.errors import PipelineError
    from inference_core.run.pipeline import run

    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(PipelineError) as err:
        run(options(url, raster=str(sample_tif), out=str(tmp_path / "down.gpkg"), retries=1))
    assert err.value.code == "server"
    assert "could not be reached" in str(err.value)
