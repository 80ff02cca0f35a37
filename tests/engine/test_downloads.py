"""Model downloads against a loopback HTTP server: progress, resume after a cut, SHA-256, disk space."""

import hashlib
from collections import namedtuple

import pytest

from inference_core.contract.catalog import MODELS, SAM_SHA256, ModelEntry
from inference_core.contract.model_state import sam_state
from inference_core.models import downloads
from inference_core.models.downloads import DownloadError, download_url
from tests.support.offline import file_server

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def srv():
    with file_server(PAYLOAD) as state:
        state.url += "/sam_test.pth"
        yield state


def test_download_with_progress_and_checksum(srv, tmp_path):
    events = []
    path = download_url(srv.url, tmp_path / "m.pth", sha256=SHA, emit=events.append)
    assert path.read_bytes() == PAYLOAD
    assert not (tmp_path / "m.pth.part").exists()
    done = [e["done"] for e in events if e["type"] == "progress"]
    assert done[0] == 0 and done[-1] == len(PAYLOAD) and events[0]["total"] == len(PAYLOAD)


def test_resume_after_cut_connection(srv, tmp_path):
    srv.cut_first_at = 300_000
    events = []
    path = download_url(srv.url, tmp_path / "m.pth", sha256=SHA, emit=events.append)
    assert path.read_bytes() == PAYLOAD
    assert srv.ranges[0] is None and srv.ranges[1] == "bytes=300000-"
    assert any(e["type"] == "warning" for e in events)
    assert any(e.get("resumed") for e in events)


def test_resume_existing_partial_file(srv, tmp_path):
    (tmp_path / "m.pth.part").write_bytes(PAYLOAD[:123_456])
    download_url(srv.url, tmp_path / "m.pth", sha256=SHA)
    assert srv.ranges == ["bytes=123456-"]
    assert (tmp_path / "m.pth").read_bytes() == PAYLOAD


def test_wrong_checksum_removes_the_file(srv, tmp_path):
    with pytest.raises(DownloadError, match="corrupt: SHA-256"):
        download_url(srv.url, tmp_path / "m.pth", sha256="0" * 64)
    assert not (tmp_path / "m.pth").exists() and not (tmp_path / "m.pth.part").exists()


def test_no_space_is_reported_before_starting(srv, tmp_path, monkeypatch):
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(downloads.shutil, "disk_usage", lambda p: Usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(DownloadError, match="Not enough disk space"):
        download_url(srv.url, tmp_path / "m.pth", sha256=SHA)
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
