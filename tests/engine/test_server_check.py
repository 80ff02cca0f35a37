"""`server_check.list_server_models` ("Test connection") and the URL/Retry-After helpers, against the
loopback OpenAI-compatible server."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from openai_stub_server import StubServer

from inference_core.contract.openai_http import (
    ServerError,
    is_loopback,
    list_server_models,
    normalise_base_url,
    parse_retry_after,
    redact_url,
)

KEY = "sk-check-abcdef0123456789"


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_lists_models_with_the_key():
    with StubServer(models=("remote-reasoner", "qwen2.5-vl-7b"), api_key=KEY) as srv:
        assert list_server_models(srv.url, api_key=KEY) == ["remote-reasoner", "qwen2.5-vl-7b"]
        # Without /v1 too, as people type it.
        assert list_server_models(f"127.0.0.1:{srv.port}", api_key=KEY) == ["remote-reasoner", "qwen2.5-vl-7b"]
        [first, _] = srv.requests
    assert (first.method, first.path) == ("GET", "/v1/models")
    assert first.headers["authorization"] == f"Bearer {KEY}"


def test_wrong_or_missing_key_names_the_fix_without_the_key():
    with StubServer(api_key="right") as srv:
        with pytest.raises(ServerError) as err:
            list_server_models(srv.url, api_key=KEY)
        with pytest.raises(ServerError) as err_none:
            list_server_models(srv.url)
    for e in (err.value, err_none.value):
        assert e.status == 401 and not e.transient
        assert "HTTP 401" in str(e) and "API key" in str(e) and "authentication configuration" in str(e)
    assert KEY not in str(err.value)


def test_server_down():
    port = closed_port()
    with pytest.raises(ServerError) as err:
        list_server_models(f"http://127.0.0.1:{port}/v1", timeout=2)
    msg = str(err.value)
    assert msg.startswith(f"The model server at http://127.0.0.1:{port}/v1 could not be reached")
    assert "Connection refused" in msg and "server is running" in msg
    assert err.value.transient and err.value.status is None


class _Handler(BaseHTTPRequestHandler):
    """Not an OpenAI API: an HTML page, a JSON without `data`, or a hang."""

    def log_message(self, *a):
        pass

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/hang"):
            threading.Event().wait(1.0)
        body = b"<html>welcome to nginx</html>" if self.path.startswith("/html") else b'{"status": "ok"}'
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def other_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_not_an_openai_server(other_server):
    with pytest.raises(ServerError, match="not JSON: is it an OpenAI-compatible API"):
        list_server_models(other_server + "/html/v1")
    with pytest.raises(ServerError, match="without a model list"):
        list_server_models(other_server + "/json/v1")


def test_wrong_path_is_404_with_a_hint():
    with StubServer() as srv:
        with pytest.raises(ServerError) as err:
            list_server_models(f"http://127.0.0.1:{srv.port}/api/v2")
    assert err.value.status == 404
    assert "usually ending in /v1" in str(err.value)


def test_timeout(other_server):
    with pytest.raises(ServerError, match=r"did not answer within 0.3 s") as err:
        list_server_models(other_server + "/hang/v1", timeout=0.3)
    assert err.value.transient


@pytest.mark.parametrize("url, expected", [
    ("http://gpu:8000", "http://gpu:8000/v1"),
    ("http://gpu:8000/", "http://gpu:8000/v1"),
    ("HTTP://gpu:8000/v1/", "http://gpu:8000/v1"),
    ("gpu:8000", "http://gpu:8000/v1"),
    ("https://lb.example.org/remote-reasoner/v1/chat/completions", "https://lb.example.org/remote-reasoner/v1"),
    ("http://localhost:11434/v1/models", "http://localhost:11434/v1"),
    ("http://gpu:8000/v2", "http://gpu:8000/v2"),
])
def test_normalise_base_url(url, expected):
    assert normalise_base_url(url) == expected


@pytest.mark.parametrize("url, words", [
    ("", "empty"), ("ftp://gpu/v1", "not an http"), ("http://:8000", "not an http"), ("http://gpu:99999", "invalid port"),
])
def test_bad_urls(url, words):
    with pytest.raises(ServerError, match=words):
        normalise_base_url(url)


def test_credentials_in_url_never_shown():
    assert redact_url("http://user:secret@gpu:8000/v1") == "http://gpu:8000/v1"
    port = closed_port()
    with pytest.raises(ServerError) as err:
        list_server_models(f"http://user:secret@127.0.0.1:{port}/v1", timeout=2)
    assert "secret" not in str(err.value) and f"127.0.0.1:{port}" in str(err.value)


def test_parse_retry_after_seconds_and_http_date():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.25 ") == 0.25
    assert parse_retry_after("-5") == 0.0
    now = 1_800_000_000.0
    assert parse_retry_after(formatdate(now + 42, usegmt=True), now=now) == pytest.approx(42.0)
    assert parse_retry_after(formatdate(now - 10, usegmt=True), now=now) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None and parse_retry_after("") is None


def test_loopback_detection():
    assert is_loopback("http://127.0.0.1:8000/v1") and is_loopback("http://localhost:1/v1")
    assert is_loopback("http://[::1]:8000/v1")
    assert not is_loopback("http://gpu-server:8000/v1") and not is_loopback("http://10.0.0.5/v1")


def test_imports_only_the_standard_library():
    # The QGIS process imports this module: it must not pull in the engine's heavy stack.
    code = (
        "import sys, inference_core.contract.openai_http\n"
        "heavy = {'numpy','torch','PIL','transformers','rasterio','shapely','pyproj','geopandas'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
