"""Credentials in --server-url: taken out before anything is stored, logged or shown; user:password@ sent as Basic."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.common.errors import PipelineError
from inference_core.contract.openai_http import list_server_models, normalise_base_url, redact_url, split_url
from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import Fault, StubServer

ANSWER = "<answer>[[10,10,60,60]]</answer>"


@pytest.mark.parametrize("url, clean, secret", [
    ("http://alice:s3cret@gpu:8000/v1", "http://gpu:8000/v1", "s3cret"),
    ("http://alice:p%40ss@gpu:8000/v1", "http://gpu:8000/v1", "p%40ss"),
    ("gpu:8000/v1?api_key=k123&lang=en", "gpu:8000/v1?lang=en", "k123"),
    ("https://h.example/v1?token=tok9", "https://h.example/v1", "tok9"),
    ("https://h.example/v1?access_token=at1&X-Amz-Signature=sig2", "https://h.example/v1", "at1"),
    ("https://h.example/v1?client_secret=cs3#frag", "https://h.example/v1", "cs3"),
    ("http://gpu:8000/v1", "http://gpu:8000/v1", None),
])
def test_split_url_takes_every_credential_out(url, clean, secret):
    parts = split_url(url)
    assert parts.url == clean and redact_url(url) == clean
    if secret:
        assert secret not in parts.url and secret not in normalise_base_url(url)
    assert "@" not in normalise_base_url(url)


def test_userinfo_is_percent_decoded_into_the_basic_header():
    parts = split_url("http://alice:p%40ss@gpu:8000/v1")
    assert (parts.username, parts.password) == ("alice", "p@ss")
    assert parts.basic_auth == "Basic " + base64.b64encode(b"alice:p@ss").decode()
    assert split_url("gpu:8000/v1?api_key=k123").query_key == "k123"


def test_run_options_store_no_credentials():
    o = RunOptions(raster="r.tif", query="q", out="o.gpkg", backend="openai",
                   server_url="http://alice:s3cret@gpu:8000/v1?api_key=k123", api_key="envkey")
    stored = o.settings_json()
    assert json.loads(stored)["server_url"] == "http://gpu:8000/v1"
    assert "s3cret" not in stored and "k123" not in stored and "envkey" not in stored
    assert o.to_dict(secrets=True)["server_url"] == o.server_url  # the worker transport still gets it


def _raster(make_geotiff):
    arr = np.full((3, 112, 112), 40, dtype=np.uint8)
    return make_geotiff(arr, transform=from_origin(500000.0, 4000000.0, 0.5, 0.5), crs="EPSG:32633")


def _openai(raster, out, url, **kw):
    return RunOptions(raster=str(raster), query="roofs", out=str(out), backend="openai", server_url=url,
                      model="remote-reasoner", max_pixels=12544, **kw)


def test_userinfo_goes_as_basic_auth_to_the_bare_url_and_is_stored_nowhere(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    out = tmp_path / "r.gpkg"
    events = []
    with StubServer(answer=ANSWER) as stub:
        url = f"http://alice:s3cret@127.0.0.1:{stub.port}/v1"
        summary = run(_openai(raster, out, url), emit=events.append)
        req = stub.chat_requests[0]
        port = stub.port
    assert summary.status == "finished" and summary.counts == {"boxes": 1}
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert req.headers["host"] == f"127.0.0.1:{port}" and req.path == "/v1/chat/completions"
    con = sqlite3.connect(out)
    settings, model = con.execute("SELECT settings, model FROM runs").fetchone()
    con.close()
    assert json.loads(settings)["server_url"] == f"http://127.0.0.1:{port}/v1"
    assert model == f"openai:remote-reasoner@127.0.0.1:{port}"
    assert b"s3cret" not in out.read_bytes() and b"alice" not in out.read_bytes()
    assert "s3cret" not in json.dumps(events)


def test_query_api_key_is_the_bearer_key_and_is_stored_nowhere(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    out = tmp_path / "r.gpkg"
    with StubServer(answer=ANSWER, api_key="k123") as stub:  # 401 without "Bearer k123"
        summary = run(_openai(raster, out, stub.url + "?api_key=k123"))
        assert stub.chat_requests[0].headers["authorization"] == "Bearer k123"
    assert summary.status == "finished"
    assert b"k123" not in out.read_bytes()


def test_server_errors_name_the_server_without_credentials(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    with StubServer(answer=ANSWER) as stub:
        stub.inject(Fault(status=500))
        url = f"http://alice:s3cret@127.0.0.1:{stub.port}/v1?token=tok9"
        with pytest.raises(PipelineError) as err:
            run(_openai(raster, tmp_path / "r.gpkg", url, retries=0))
        port = stub.port
    assert f"127.0.0.1:{port}" in err.value.message
    assert "s3cret" not in err.value.message and "tok9" not in err.value.message and "alice" not in err.value.message


def test_test_connection_sends_basic_auth_to_models(tmp_path):
    with StubServer(answer=ANSWER) as stub:
        names = list_server_models(f"http://alice:s3cret@127.0.0.1:{stub.port}/v1")
        rec = stub.requests[-1]
    assert names == ["remote-reasoner"] and rec.path == "/v1/models"
    assert rec.headers["authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()


def test_cli_debug_logs_and_summary_hold_no_credentials(make_geotiff, tmp_path, repo_root):
    raster = _raster(make_geotiff)
    out = tmp_path / "r.gpkg"
    with StubServer(answer=ANSWER) as stub:
        url = f"http://alice:s3cret@127.0.0.1:{stub.port}/v1?api_key=k123"
        proc = subprocess.run(
            [sys.executable, "-m", "inference_core", "--debug", "reason", str(raster), "-q", "roofs", "-o", str(out),
             "--backend", "openai", "--server-url", url, "--model", "remote-reasoner", "--max-pixels", "12544",
             "--json"], capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(repo_root)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "finished"
    for secret in ("s3cret", "k123"):
        assert secret not in proc.stdout and secret not in proc.stderr
        assert secret.encode() not in out.read_bytes()
