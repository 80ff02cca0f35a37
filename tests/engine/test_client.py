"""WorkerClient: start with a given interpreter, per-request routing across threads, death detection, restart, close."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from inference_core.contract.client import PACKAGE_PARENT, STDERR_LINES, WorkerClient, WorkerDied, WorkerStartError

HEAVY = ("torch", "numpy", "rasterio", "shapely", "transformers", "segment_anything", "pyproj", "geopandas", "PIL")


def test_client_and_protocol_are_standard_library_only(tmp_path):
    code = ("import sys; import inference_core.contract.client, inference_core.contract.protocol, inference_core.contract.options; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert out.stdout.strip() == "[]"
    system = Path("/usr/bin/python3")  # QGIS's Python: none of the engine packages are installed there
    if system.exists():
        out = subprocess.run([str(system), "-I", "-c", f"import sys; sys.path.insert(0, {PACKAGE_PARENT!r}); "
                              "from inference_core.contract.client import WorkerClient; print('ok')"],
                             capture_output=True, text=True, cwd=tmp_path)
        assert out.stdout.strip() == "ok", out.stderr


def test_python_is_required_and_a_bad_one_is_reported(tmp_path):
    with pytest.raises(ValueError, match="engine Python interpreter"):
        WorkerClient("")
    c = WorkerClient(str(tmp_path / "no-python"))
    with pytest.raises(WorkerStartError, match="no-python.*Check the engine Python path"):
        c.send("hello")
    assert not c.alive


def test_worker_found_through_pythonpath_from_any_cwd(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with WorkerClient(sys.executable, env=env, cwd=str(tmp_path)) as c:
        hello = c.hello(probe=False, timeout=60)
        assert hello["type"] == "hello" and hello["protocol"] == 1 and hello["pid"] == c.pid
        assert c.alive


def test_concurrent_requests_from_threads_get_their_own_events():
    results: dict[int, list] = {}
    with WorkerClient(sys.executable) as c:
        c.hello(probe=False, timeout=60)

        def ask(n: int) -> None:
            results[n] = [c.call("status", timeout=60) for _ in range(10)]

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    answers = [ev for evs in results.values() for ev in evs]
    assert len(answers) == 40 and {ev["type"] for ev in answers} == {"status"}
    assert len({ev["id"] for ev in answers}) == 40  # every request got its own answer


def test_dead_worker_raises_with_exit_code_and_stderr_then_restarts():
    c = WorkerClient(sys.executable)
    try:
        c.hello(probe=False, timeout=60)
        first = c.pid
        rid = c.send("hello", probe=True)  # imports torch: long enough to be killed in flight
        os.kill(first, signal.SIGKILL)
        with pytest.raises(WorkerDied) as died:
            list(c.events(rid, timeout=60))
        assert died.value.exit_code == -signal.SIGKILL and died.value.code == "worker_died"
        assert any("worker ready (protocol 1" in line for line in died.value.stderr_tail)
        assert "was killed by a signal (exit code -9)" in str(died.value)
        assert not c.alive
        hello = c.hello(probe=False, timeout=60)  # the next request starts a fresh worker
        assert hello["pid"] == c.pid != first and c.restarts == 1 and c.alive
    finally:
        assert c.close() == 0
    assert not c.alive and c.close() is None


def test_stderr_tail_keeps_the_last_lines_of_a_crashing_interpreter(tmp_path):
    # A stand-in interpreter that logs 100 lines and exits 3: the exit code and the last lines reach the caller.
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nfor i in $(seq 1 100); do echo \"log line $i\" >&2; done\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    c = WorkerClient(str(fake))
    with pytest.raises(WorkerDied) as died:
        list(c.request("hello", timeout=30))
    assert died.value.exit_code == 3
    assert died.value.stderr_tail == [f"log line {i}" for i in range(101 - STDERR_LINES, 101)]
    assert str(died.value).endswith("log line 100") and "exited (exit code 3)" in str(died.value)
    c.close()


def test_close_shuts_down_cleanly_and_is_idempotent():
    c = WorkerClient(sys.executable)
    c.hello(probe=False, timeout=60)
    pid = c.pid
    assert c.close(timeout=20) == 0
    assert not c.alive
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert c.close() is None
