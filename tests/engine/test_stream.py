"""The stream of views (run/stream.py) and reused answers (run/reuse.py): a slow view holds up no other,
lossless PNG, batches by input size on the tiny Qwen equal one-by-one answers, identical views are not asked
again (re-run, append, old files), against the loopback OpenAI-compatible stub server and real GeoPackages."""

from __future__ import annotations

import io
import sqlite3
import time

import numpy as np
import pytest
from PIL import Image

from inference_core.contract.options import RunOptions
from inference_core.models.backends.base import ReasonReply, ReasonRequest
from inference_core.models.backends.openai_backend import prepare_image
from inference_core.run.pipeline import run
from inference_core.run.stream import SizeBatches, ViewStream, plan_for

from openai_stub_server import ChatCall, Fault, StubServer

MODEL = "remote-reasoner"
# OSBS_029 (400x400) in 112-px tiles with 16 px overlap: 16 views of 112x112
TILED = dict(tile_size=112, overlap=16, max_pixels=112 * 112)


def centre_box(call: ChatCall) -> str:
    w, h = call.images[0].size
    return f"<answer>[[{w * 2 // 5}, {h * 2 // 5}, {w * 3 // 5}, {h * 3 // 5}]]</answer>"


def server_options(url: str, raster, out, **kw) -> RunOptions:
    base = dict(raster=str(raster), query="the trees", out=str(out), backend="openai", server_url=url, model=MODEL,
                timeout=10.0, retries=0, concurrency=4, **TILED)
    base.update(kw)
    return RunOptions(**base)


def responses(path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT run_id, tile_id, raw_text, input_size, view_hash, seconds FROM responses "
                           "ORDER BY fid").fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------- encoding
def test_png_sent_to_the_server_decodes_to_the_exact_model_input_pixels(sample_tif):
    import rasterio

    from inference_core.models.vision_input import model_input

    with rasterio.open(sample_tif) as src:
        rgb = np.moveaxis(src.read([1, 2, 3]), 0, -1)
    for image in (Image.fromarray(rgb), Image.fromarray(rgb).resize((517, 333))):  # as is, and resized
        png, size = prepare_image(image, 4 * 28 * 28, 1024 * 28 * 28)
        want, want_size = model_input(image, 4 * 28 * 28, 1024 * 28 * 28)
        got = Image.open(io.BytesIO(png))
        assert (got.format, got.mode, got.size) == ("PNG", "RGB", size) and size == want_size
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# ---------------------------------------------------------------------------------------- the stream
def test_a_slow_view_does_not_stop_the_others(sample_tif, tmp_path):
    """The first view to reach the server takes 6 s more: every other view is sent, answered and written
    while it waits (writing takes up to 0.3 s a view on a loaded machine), and its result comes last."""
    events = []
    emit = lambda e: events.append((time.monotonic(), e)) if e["type"] == "result" else None  # noqa: E731
    out = tmp_path / "slow.gpkg"
    with StubServer(answer=centre_box, latency=0.05) as srv:
        srv.inject(Fault(status=None, delay=6.0))
        summary = run(server_options(srv.url, sample_tif, out, concurrency=3), emit=emit)
        chats = srv.chat_requests
        assert srv.max_in_flight == 3  # views encoded ahead wait for a place: never more than --concurrency
    assert summary.status == "finished" and summary.tiles_done == summary.tiles_total == 16
    [slow] = [r for r in chats if r.finished - r.started >= 6.0]  # the one held by the injected delay
    others = [r for r in chats if r is not slow]
    assert len(others) == 15
    # not one request waited for the slow one: all were sent (and answered) before it finished
    assert all(r.started < slow.finished and r.finished < slow.finished for r in others)
    times = [t for t, _ in events]
    tile_ids = [e["tile_id"] for _, e in events]
    assert sorted(tile_ids) == list(range(16)) and times == sorted(times)
    assert all(t < slow.finished for t in times[:-1]) and times[-1] >= slow.finished  # 15 written first
    by_tile = {row[1]: row for row in responses(out)}
    assert by_tile[tile_ids[-1]][5] >= 6.0  # the last result is the slow view (its time in `responses`)
    assert all(by_tile[t][5] < 6.0 for t in tile_ids[:-1])  # the others were not held


def test_a_failed_view_ends_the_stream_after_the_answers_already_in():
    """Views answered before a failure are handed on; the failure then ends the stream; unsent views stay."""
    sent = []

    def call(reqs):
        (req,) = reqs
        sent.append(req.tile_id)
        if req.tile_id == 3:
            time.sleep(0.3)
            raise RuntimeError("view 3 failed")
        time.sleep(0.02)
        return [ReasonReply(req.tile_id, f"answer {req.tile_id}", (8, 8), 0.0)]

    stream = ViewStream(call, plan_for(type("S", (), {"reason_one": None, "in_flight": 2})(), 0, 8).batcher, 2)
    got = []
    with pytest.raises(RuntimeError, match="view 3 failed"):
        for view, reply in stream.replies(range(40), lambda i: ReasonRequest(i, Image.new("RGB", (8, 8)), "q")):
            got.append((view, reply.raw_text))
    assert (3, "answer 3") not in got and len(got) >= 3
    assert all(text == f"answer {v}" for v, text in got)
    assert stream.stop.is_set() and len(sent) < 40  # the rest was never sent


def test_size_batches_group_views_of_one_input_size_within_the_budget():
    sizes = {"a": (112, 112), "b": (84, 112)}
    batcher = SizeBatches(size_of=lambda r: sizes[r.prompt], tokens_of=lambda r: 100, budget=250, max_views=8)
    groups = []
    for i, kind in enumerate("aabaabab"):
        groups += batcher.add((i, ReasonRequest(i, Image.new("RGB", (8, 8)), kind)))
    groups += batcher.flush()
    assert [[v for v, _ in g] for g in groups] == [[0, 1], [3, 4], [2, 5], [6], [7]]  # 250 tokens: 2 views
    batcher.shrink(1)
    assert batcher.add((9, ReasonRequest(9, Image.new("RGB", (8, 8)), "a")))[0][0][0] == 9  # 1 per call now


def test_tiny_qwen_batches_by_input_size_and_answers_as_one_by_one(tiny_models):
    from inference_core.models.backends.transformers_backend import TransformersBackend

    backend = TransformersBackend(str(tiny_models.mllm_dir), device="cpu", dtype="float32",
                                  min_pixels=4 * 28 * 28, max_pixels=64 * 28 * 28, max_new_tokens=8)
    try:
        rng = np.random.default_rng(7)
        shapes = [(224, 224), (224, 224), (168, 252), (224, 224), (168, 252), (224, 224)]  # (h, w)
        requests = [ReasonRequest(i, Image.fromarray(rng.integers(0, 256, (*s, 3), dtype=np.uint8)), "find the tanks")
                    for i, s in enumerate(shapes)]
        plan = plan_for(backend, 0, 8)
        assert plan.in_flight == 0 and isinstance(plan.batcher, SizeBatches)
        budget = backend.token_budget()
        assert budget > 6 * backend.view_tokens(requests[0])  # plenty of RAM for six tiny views
        calls = []

        def recording(reqs):
            calls.append([r.tile_id for r in reqs])
            return backend.reason(reqs)

        batched = dict((v, r) for v, r in ViewStream(recording, plan.batcher, 0).replies(range(6), lambda i: requests[i]))
        assert sorted(calls) == [[0, 1, 3, 5], [2, 4]]  # one call per input size
        assert {backend.input_size_of(requests[i]) for i in (0, 1, 3, 5)} == {(224, 224)}
        for i, req in enumerate(requests):
            (alone,) = backend.reason([req])
            assert batched[i].raw_text == alone.raw_text and batched[i].input_size == alone.input_size
        # a tighter budget: two views per call
        tokens = backend.view_tokens(requests[0])
        small = SizeBatches(backend.input_size_of, backend.view_tokens, budget=2 * tokens + 1, max_views=8)
        calls.clear()
        list(ViewStream(recording, small, 0).replies(range(6), lambda i: requests[i]))
        assert calls == [[0, 1], [2, 4], [3, 5]]  # each sent as soon as it is full
    finally:
        backend.close()


# ---------------------------------------------------------------------------------------- reuse
def test_identical_views_are_answered_from_responses_not_asked_again(sample_tif, tmp_path):
    out = tmp_path / "reuse.gpkg"
    with StubServer(answer=centre_box) as srv:
        first = run(server_options(srv.url, sample_tif, out))
        assert (first.reused, len(srv.chat_requests)) == (0, 16)
        srv.reset()
        again = run(server_options(srv.url, sample_tif, out, append=True))  # the same area appended
        assert (again.status, again.reused, len(srv.chat_requests)) == ("finished", 16, 0)
        rerun = run(server_options(srv.url, sample_tif, out))  # a re-run that replaces the file
        assert (rerun.reused, len(srv.chat_requests)) == (16, 0)
        other = run(server_options(srv.url, sample_tif, out, query="the roads", append=True))
        assert (other.reused, len(srv.chat_requests)) == (0, 16)  # another question is asked
        srv.reset()
        off = run(server_options(srv.url, sample_tif, out, append=True, reuse=False))
        assert (off.reused, len(srv.chat_requests)) == (0, 16)
    rows = responses(out)
    by_run = {}
    for run_id, tile_id, text, size, key, seconds in rows:
        by_run.setdefault(run_id, {})[tile_id] = (text, size, key, seconds)
    a, b = by_run[rerun.run_id], by_run[other.run_id]
    assert len(by_run) == 3 and set(a) == set(b) == set(range(16))
    assert all(len(a[t][2]) == 64 and a[t][3] == 0.0 for t in a)  # sha256 hex; a reused view took no time
    assert all(a[t][2] != b[t][2] for t in a) and len({a[t][2] for t in a}) == 16
    assert {t: a[t][:3] for t in a} == {t: by_run[off.run_id][t][:3] for t in a}  # same answers, same keys
    assert rerun.counts == first.counts == {"boxes": 16}


def test_summary_line_and_done_event_count_reused_answers(sample_tif, tmp_path):
    from inference_core.cli.progress import summary_text

    out = tmp_path / "count.gpkg"
    with StubServer(answer=centre_box) as srv:
        run(server_options(srv.url, sample_tif, out, extent=None))
        summary = run(server_options(srv.url, sample_tif, out, append=True))
    assert summary.to_dict()["reused"] == 16  # the worker's done event carries RunSummary.to_dict()
    assert "  reused     16 answer(s) from the responses table (no model call)" in summary_text(summary).splitlines()


def test_a_file_without_view_hash_is_appended_to_and_then_reused(sample_tif, tmp_path):
    """A GeoPackage of an earlier version (no responses.view_hash): the column is added, old rows kept."""
    out = tmp_path / "old.gpkg"
    with StubServer(answer=centre_box) as srv:
        run(server_options(srv.url, sample_tif, out))
        con = sqlite3.connect(out)
        con.execute("ALTER TABLE responses DROP COLUMN view_hash")
        con.commit()
        con.close()
        srv.reset()
        second = run(server_options(srv.url, sample_tif, out, append=True))
        assert (second.reused, len(srv.chat_requests)) == (0, 16)  # old rows have no hash: asked again
        third = run(server_options(srv.url, sample_tif, out, append=True))
        assert (third.reused, len(srv.chat_requests)) == (16, 16)
    rows = responses(out)
    assert len(rows) == 48 and [r[4] is None for r in rows] == [True] * 16 + [False] * 32


def test_an_ask_run_reuses_its_answer_too(sample_tif, tmp_path):
    out = tmp_path / "ask.gpkg"
    with StubServer(answer="<answer>Twelve trees.</answer>") as srv:
        first = run(server_options(srv.url, sample_tif, out, mode="ask", query="how many trees?"))
        again = run(server_options(srv.url, sample_tif, out, mode="ask", query="how many trees?", append=True))
        asked = len(srv.chat_requests)
    assert (first.reused, again.reused, asked) == (0, first.tiles_total, first.tiles_total)
    assert again.answer_summary == first.answer_summary
    rows = responses(out)
    assert len(rows) == 2 * first.tiles_total and rows[0][4] == rows[-1][4] and rows[0][2] == rows[-1][2]
