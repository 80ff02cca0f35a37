"""200 random malformed requests to one real worker subprocess: each gets one `error` event, none kills it."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inference_core.contract.client import PACKAGE_PARENT
from inference_core.contract.protocol import REQUEST_TYPES

BASE = {"raster": "a.tif", "query": "tanks", "out": "o.gpkg"}
INT_FIELDS = ("tile_size", "overlap", "max_pixels", "min_pixels", "max_new_tokens", "batch_size", "concurrency", "retries")
FLOAT_FIELDS = ("simplify", "min_area", "iou_threshold", "ios_threshold", "timeout")
STR_FIELDS = ("raster", "query", "out", "backend", "model", "device", "dtype", "api_key_env")
BOOL_FIELDS = ("append", "resume")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
not_int = st.text(max_size=10) | st.booleans() | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f)) | st.lists(st.integers(), max_size=3)
not_float = st.text(max_size=10) | st.booleans() | st.lists(st.integers(), max_size=3) | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
not_str = st.integers() | st.booleans() | st.floats(allow_nan=False) | st.lists(st.text(max_size=3), max_size=3)
not_bool = st.integers() | st.text(max_size=5) | st.none()
bad_id = st.none() | st.booleans() | st.floats(allow_nan=False) | st.lists(st.integers(), max_size=2) | st.just("")
good_id = st.text(min_size=1, max_size=20)


def _wrong_option():
    return st.one_of(
        st.tuples(st.sampled_from(INT_FIELDS), not_int),
        st.tuples(st.sampled_from(FLOAT_FIELDS), not_float),
        st.tuples(st.sampled_from(STR_FIELDS), not_str),
        st.tuples(st.sampled_from(BOOL_FIELDS), not_bool),
        st.tuples(st.text(min_size=1, max_size=10).map(lambda k: "x_" + k), json_values),  # unknown option
        # right types, impossible values: validate() names the option
        st.tuples(st.just("tile_size"), st.integers(max_value=55)),
        st.tuples(st.just("granularity"), st.just(["polygons"])),
        st.tuples(st.just("backend"), st.just("magic")),
    )


def _options_request():
    def build(kind, rid, change, drop):
        options = dict(BASE)
        key, value = change
        options[key] = value
        if drop:
            options.pop(drop, None)
        return json.dumps({"type": kind, "id": rid, "options": options}).encode()

    return st.builds(build, st.sampled_from(["reason", "resume"]), good_id, _wrong_option(),
                     st.sampled_from([None, "raster", "query", "out"]))


def _line():
    return st.one_of(
        st.text(min_size=1, max_size=80).filter(lambda s: s.strip() and "\n" not in s).map(lambda s: s.encode("utf-8")),
        st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b and b.strip()),
        json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
        st.builds(lambda t, i: json.dumps({"type": t, "id": i}).encode(),
                  st.text(max_size=12).filter(lambda t: t not in REQUEST_TYPES) | st.integers() | st.none(), good_id),
        st.builds(lambda t, i: json.dumps({"type": t, "id": i}).encode(), st.sampled_from(REQUEST_TYPES), bad_id),
        st.builds(lambda t: json.dumps({"type": t}).encode(), st.sampled_from(REQUEST_TYPES)),
        st.builds(lambda i, o: json.dumps({"type": "reason", "id": i, "options": o}).encode(), good_id,
                  json_values.filter(lambda v: not isinstance(v, dict))),
        st.builds(lambda i, t: json.dumps({"type": "cancel", "id": i, "target": t}).encode(), good_id, bad_id),
        st.builds(lambda i, p: json.dumps({"type": "hello", "id": i, "probe": p}).encode(), good_id, not_bool),
        _options_request(),
    )


class RawWorker:
    """A worker subprocess driven with raw bytes (the client only ever sends valid JSON)."""

    def __init__(self):
        import os

        env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
        self.proc = subprocess.Popen([sys.executable, "-m", "inference_core.service"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.put(raw)

    def ask(self, line: bytes) -> dict:
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()
        return json.loads(self.lines.get(timeout=30))

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def raw_worker():
    w = RawWorker()
    yield w
    assert w.close() == 0  # stdin closed: the worker exits cleanly


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(line=_line())
def test_malformed_requests_each_get_an_error(raw_worker, line):
    ev = raw_worker.ask(line)
    assert ev["type"] == "error", (line, ev)
    assert ev["code"] in ("bad_request", "bad_options"), (line, ev)
    assert isinstance(ev["message"], str) and len(ev["message"]) > 10
    try:
        sent = json.loads(line)
    except ValueError:
        sent = None
    if isinstance(sent, dict) and isinstance(sent.get("id"), str) and sent["id"] and isinstance(sent.get("type"), str):
        assert ev["id"] == sent["id"]
    assert raw_worker.proc.poll() is None


def test_worker_still_answers_after_the_fuzzing(raw_worker):
    ev = raw_worker.ask(b'{"type": "status", "id": "after"}')
    assert ev == {"type": "status", "id": "after", "busy": False, "current": None, "models": {}, "protocol": 1}
