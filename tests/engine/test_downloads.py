"""Model downloads against a loopback HTTP server: progress, resume after a cut, SHA-256, disk space."""

import hashlib
import shutil
import threading
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from inference_core import downloads
from inference_core.catalog import MODELS, SAM_SHA256, ModelEntry
from inference_core.downloads import DownloadError, download_url, sam_state

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    cut_first_at = None  # bytes: the first full GET is cut after this many
    ranges = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        start = 0
        rng = self.headers.get("Range")
        type(self).ranges.append(rng)
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = type(self).cut_first_at
        if cut is not None and not rng:
            type(self).cut_first_at = None
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.connection.shutdown(2)  # the connection drops mid-file
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    _Handler.ranges = []
    _Handler.cut_first_at = None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.handle_error = lambda *a: None  # the client hanging up on purpose is not an error here
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sam_test.pth"
    httpd.shutdown()


def test_download_with_progress_and_checksum(server, tmp_path):
    events = []
    path = download_url(server, tmp_path / "m.pth", sha256=SHA, emit=events.append)
    assert path.read_bytes() == PAYLOAD
    assert not (tmp_path / "m.pth.part").exists()
    done = [e["done"] for e in events if e["type"] == "progress"]
    assert done[0] == 0 and done[-1] == len(PAYLOAD) and events[0]["total"] == len(PAYLOAD)


def test_resume_after_cut_connection(server, tmp_path):
    _Handler.cut_first_at = 300_000
    events = []
    path = download_url(server, tmp_path / "m.pth", sha256=SHA, emit=events.append)
    assert path.read_bytes() == PAYLOAD
    assert _Handler.ranges[0] is None and _Handler.ranges[1] == "bytes=300000-"
    assert any(e["type"] == "warning" for e in events)
    assert any(e.get("resumed") for e in events)


def test_resume_existing_partial_file(server, tmp_path):
    (tmp_path / "m.pth.part").write_bytes(PAYLOAD[:123_456])
    download_url(server, tmp_path / "m.pth", sha256=SHA)
    assert _Handler.ranges == ["bytes=123456-"]
    assert (tmp_path / "m.pth").read_bytes() == PAYLOAD


def test_wrong_checksum_removes_the_file(server, tmp_path):
    with pytest.raises(DownloadError, match="corrupt: SHA-256"):
        download_url(server, tmp_path / "m.pth", sha256="0" * 64)
    assert not (tmp_path / "m.pth").exists() and not (tmp_path / "m.pth.part").exists()


def test_no_space_is_reported_before_starting(server, tmp_path, monkeypatch):
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(downloads.shutil, "disk_usage", lambda p: Usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(DownloadError, match="Not enough disk space"):
        download_url(server, tmp_path / "m.pth", sha256=SHA)
    assert not (tmp_path / "m.pth.part").exists() or (tmp_path / "m.pth.part").stat().st_size == 0


def test_server_down_is_a_clear_error(tmp_path):
    with pytest.raises(DownloadError, match="Could not download"):
        download_url("http://127.0.0.1:9/x.pth", tmp_path / "x.pth", retries=0)


def test_sam_states(tmp_path):
    entry = ModelEntry("t", "t", "sam", "http://127.0.0.1/sam_t.pth", len(PAYLOAD), "x", SHA, "vit_b")
    assert sam_state(entry, tmp_path).state == "absent"
    (tmp_path / "sam_t.pth.part").write_bytes(b"12")
    assert sam_state(entry, tmp_path).state == "downloading"
    (tmp_path / "sam_t.pth").write_bytes(PAYLOAD[:-1])
    assert sam_state(entry, tmp_path).state == "corrupt"
    (tmp_path / "sam_t.pth").write_bytes(PAYLOAD)
    assert sam_state(entry, tmp_path, verify=True).state == "present"


def test_catalog_lists_the_known_models():
    keys = {m.key for m in MODELS}
    assert {"remotereasoner-7b", "qwen2.5-vl-3b", "qwen2.5-vl-7b", "sam-vit-b", "sam-vit-l", "sam-vit-h"} <= keys
    assert SAM_SHA256["sam_vit_h_4b8939.pth"].startswith("a7bf3b02")
    assert all(len(h) == 64 for h in SAM_SHA256.values())
