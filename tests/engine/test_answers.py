"""Ask and describe: the reference's VQA / captioning prompts, text answers on real GeoTIFFs through replay,
the openai stub server and the tiny transformers model; per-tile footprints in the raster's CRS."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pyogrio
import pytest
import shapely
from PIL import Image
from rasterio.transform import from_origin

from inference_core.common.errors import PipelineError
from inference_core.contract.options import DEFAULT_MIN_PIXELS, OptionsError, RunOptions
from inference_core.models import prompts
from inference_core.models.backends.base import ReasonRequest
from inference_core.models.parsing import answer_count, parse_text_answer
from inference_core.raster.coords import smart_resize
from inference_core.run.answers import answer_prompt, is_counting_question
from inference_core.run.export import export
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import StubServer

# The reference's `prompt_QA` (RemoteReasoner.py:49-56, 331 characters once its literals are joined) and
# `prompt_caption` (RemoteReasoner.py:58-60, 55 characters), by digest as test_fidelity holds the grounding one.
QA_SHA256 = "bea408371b7b5ab20456d1ed16c761ec78b35a08aba8799922f241a52343133c"
CAPTION_SHA256 = "7102b52869c9f5fdb2af76a996c3ebf6ac5faa534df07a40b9de854709a96f00"
SYSTEM_SHA256 = "eb00998e96e5f1b072b22700a78c55891e9e0742045eb70b1261253ee5a63708"  # ms-swift's R1 system text
ORIGIN = (500000.0, 4000000.0)
PX = 0.5
TILED = dict(tile_size=112, overlap=28, max_pixels=12544)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _raster(make_geotiff, size=300):
    arr = np.full((3, size, size), 60, dtype=np.uint8)
    arr[:, 40:80, 100:190] = 220
    return make_geotiff(arr, transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), crs="EPSG:32633")


def _jsonl(tmp_path, answers: dict[int, str]):
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps({"tile_id": t, "raw_text": a}) + "\n" for t, a in answers.items()))
    return path


def _opts(raster, out, mode="ask", query="How many ships are in the harbour?", **kw):
    return RunOptions(raster=str(raster), query=query, out=str(out), mode=mode, **kw)


def _answers(out):
    """Rows of the answers layer with their footprint bounds, in tile order."""
    df = pyogrio.read_dataframe(out, layer="answers")
    assert df.crs.to_epsg() == 32633
    geoms = dict(zip(df["tile_id"], df.geometry))
    with sqlite3.connect(out) as con:  # the fields as stored (a NULL count stays None)
        cur = con.execute("SELECT * FROM answers ORDER BY tile_id")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for row in rows:
        row["bounds"] = tuple(round(v, 6) for v in geoms[row["tile_id"]].bounds)
        row["area"] = geoms[row["tile_id"]].area
    return rows


# ------------------------------------------------------------------ prompts: the reference's wording
def test_ask_prompt_is_the_reference_vqa_wording():
    chat, asks = answer_prompt(RunOptions(raster="r", query="  How many ships? ", out="o", mode="ask"))
    instruction = chat.before[:-1]
    assert asks and chat.before.endswith("\n") and chat.after == "\nQuestion: How many ships?"
    assert len(instruction) == 331 and _digest(instruction) == QA_SHA256
    # the literals are joined without spaces, as in the source: "question.Please", "tags.Here is the question:"
    assert "answer the question.Please follow" in instruction and instruction.endswith("</answer> tags.Here is the question:")
    # f"{prompt_QA}\n<image>\nQuestion: {question}" (RemoteReasoner.py:331)
    assert chat.user_text == f"{instruction}\n<image>\nQuestion: How many ships?"
    assert _digest(chat.system) == SYSTEM_SHA256


def test_describe_prompt_is_the_reference_caption_image_first_without_the_question():
    chat, asks = answer_prompt(RunOptions(raster="r", query="", out="o", mode="describe"))
    assert not asks and chat.before == "" and chat.after == "You are an useful assistant. Please discribe the image."
    assert _digest(chat.after) == CAPTION_SHA256 and _digest(chat.system) == SYSTEM_SHA256
    chat2, _ = answer_prompt(RunOptions(raster="r", query="the harbour", out="o", mode="describe"))
    assert chat2 == chat  # a question is never appended to the caption instruction
    assert [p["type"] for p in chat.messages()[1]["content"]] == ["image", "text"]
    # neither is offered as a Locate template (the dock's Prompt setting), yet --prompt can name them
    assert "remotereasoner-ask" not in prompts.available() and "remotereasoner-describe" not in prompts.available()
    assert prompts.resolve("remotereasoner-ask", None).name == "remotereasoner-ask.txt"


def test_transformers_chat_of_both_modes(tiny_models):
    from inference_core.models.backends.transformers_backend import TransformersBackend

    b = TransformersBackend(str(tiny_models.mllm_dir), device="cpu", dtype="float32", max_new_tokens=4)
    try:
        img = Image.new("RGB", (56, 56))
        ask, _ = answer_prompt(RunOptions(raster="r", query="Is the field irrigated?", out="o", mode="ask"))
        describe, _ = answer_prompt(RunOptions(raster="r", query="", out="o", mode="describe"))
        vision = "<|vision_start|><|image_pad|><|vision_end|>"
        system = "<|im_start|>system\n" + ask.system + "<|im_end|>\n<|im_start|>user\n"
        assert b.chat_text(ReasonRequest(0, img, ask)) == (
            system + ask.before + vision + "\nQuestion: Is the field irrigated?<|im_end|>\n<|im_start|>assistant\n")
        assert b.chat_text(ReasonRequest(0, img, describe)) == (
            system + vision + "You are an useful assistant. Please discribe the image.<|im_end|>\n<|im_start|>assistant\n")
    finally:
        b.close()


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize("text,answer,reasoning,error", [
    ("<think>I see boats.</think>\n<answer>There are 3 ships.</answer>", "There are 3 ships.", "I see boats.", None),
    ("<think>long thought", "", "long thought", "the model gave no answer"),
    ("<think>a</think>  Yes, it is irrigated.", "Yes, it is irrigated.", "a", None),
    ("A dense harbour with cranes.", "A dense harbour with cranes.", "", None),  # no tags: the whole reply
    ("<think>x</think><answer>Two ships moored", "Two ships moored", "x", None),  # cut by the token limit
    ("", "", "", "the model gave no answer"),
])
def test_parse_text_answer(text, answer, reasoning, error):
    got = parse_text_answer(text)
    assert (got.answer, got.reasoning, got.error) == (answer, reasoning, error)


@pytest.mark.parametrize("text,n", [("There are 12 ships.", 12), ("three", 3), ("No ships are visible.", 0),
                                    ("I cannot tell.", None), ("About 2.5 km of quay, 4 cranes", 4)])
def test_answer_count(text, n):
    assert answer_count(text) == n


def test_counting_questions():
    assert is_counting_question("How many ships are in the harbour?")
    assert is_counting_question("count the storage tanks") and is_counting_question("Number of pools?")
    assert not is_counting_question("Is this field irrigated?") and not is_counting_question("describe the countryside")


def test_options():
    RunOptions(raster="r", query="", out="o.gpkg", mode="describe").validate()  # a caption needs no question
    with pytest.raises(OptionsError, match="question is empty"):
        RunOptions(raster="r", query=" ", out="o.gpkg", mode="ask").validate()
    with pytest.raises(OptionsError, match="--per-tile is for --mode ask or describe"):
        RunOptions(raster="r", query="q", out="o.gpkg", per_tile=True).validate()


# ------------------------------------------------------------------ one whole-extent view (replay)
def test_ask_single_view_is_stored_with_the_run(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path, {0: "<think>Two hulls by the pier, one offshore.</think><answer>There are 3 ships.</answer>"})
    out = tmp_path / "ask.gpkg"
    events = []
    summary = run(_opts(raster, out, backend="replay", replay=str(replay)), emit=events.append)
    assert (summary.status, summary.tiles_total, summary.counts, summary.parse_errors) == ("finished", 1, {"answers": 1}, 0)
    assert summary.answer_summary == "There are 3 ships."
    [row] = _answers(out)
    assert row["bounds"] == (500000.0, 3999850.0, 500150.0, 4000000.0)  # the whole extent, in EPSG:32633
    assert (row["mode"], row["question"], row["answer"], row["count"]) == ("ask", "How many ships are in the harbour?",
                                                                            "There are 3 ships.", 3)
    assert row["reasoning"] == "Two hulls by the pier, one offshore." and row["model"] == "replay:answers.jsonl"
    assert (row["view_width"], row["view_height"], row["parse_error"]) == (300, 300, None)
    [ev] = [e for e in events if e["type"] == "answer"]
    assert (ev["answer"], ev["reasoning"], ev["tile_id"], ev["tiles"]) == ("There are 3 ships.", row["reasoning"], 0, 1)
    assert shapely.from_wkt(ev["wkt"]).bounds == row["bounds"]
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT query, model, status FROM runs").fetchone() == (
            "How many ships are in the harbour?", "replay:answers.jsonl", "finished")
        assert json.loads(con.execute("SELECT settings FROM runs").fetchone()[0])["mode"] == "ask"
        assert con.execute("SELECT raw_text FROM responses").fetchone()[0].startswith("<think>Two hulls")
        tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    assert "boxes" not in tables  # an ask run makes no empty locate layers

    # history / replay: the result GeoPackage replays as it does for boxes
    again = run(_opts(raster, tmp_path / "again.gpkg", backend="replay", replay=str(out)))
    assert again.answer_summary == "There are 3 ships." and _answers(tmp_path / "again.gpkg")[0]["count"] == 3
    [geojson] = export(out, "geojson", tmp_path / "ask.geojson")
    props = json.loads(open(geojson).read())["features"][0]["properties"]
    assert geojson.endswith("_answers.geojson") and props["answer"] == "There are 3 ships."


def test_a_large_extent_is_one_view_downscaled_to_the_budget(make_geotiff, tmp_path):
    raster = _raster(make_geotiff, size=600)  # 600 x 600 px = 28.7 x the 112² budget
    replay = _jsonl(tmp_path, {0: "<think>water and quays</think><answer>A harbour with a pier.</answer>"})
    out = tmp_path / "describe.gpkg"
    summary = run(_opts(raster, out, mode="describe", query="", backend="replay", replay=str(replay), max_pixels=12544,
                        answer_max_pixels=12544))
    assert summary.tiles_total == 1 and summary.answer_summary == "A harbour with a pier."
    [row] = _answers(out)
    # Qwen's smart_resize of 600² to the 12544 px budget (floors to 28-px multiples: 84 x 84), read at that size
    assert (row["view_width"], row["view_height"]) == smart_resize(600, 600, DEFAULT_MIN_PIXELS, 12544)[::-1] == (84, 84)
    assert summary.answer_view == [84, 84]
    assert row["bounds"] == (500000.0, 3999700.0, 500300.0, 4000000.0)
    assert (row["mode"], row["question"], row["count"]) == ("describe", "", None)


# ------------------------------------------------------------------ one answer per tile
def test_per_tile_answers_are_tile_footprints_with_a_count_summary(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    # 300 px at 112 px tiles overlapping by >= 28 px: 4 x 4 tiles starting at 0, 63, 125, 188 px
    starts = [0, 63, 125, 188]
    answers = {t: f"<think>tile {t}</think><answer>There are {t % 3} ships.</answer>" for t in range(16)}
    answers[5] = "<think>haze</think><answer>I cannot tell.</answer>"
    answers[9] = "<think>cut short"
    out = tmp_path / "tiles.gpkg"
    events = []
    summary = run(_opts(raster, out, backend="replay", replay=str(_jsonl(tmp_path, answers)), per_tile=True, **TILED),
                  emit=events.append)
    assert summary.tiles_total == 16 and summary.counts == {"answers": 16} and summary.parse_errors == 1
    rows = _answers(out)
    assert [r["tile_id"] for r in rows] == list(range(16))
    for r in rows:
        row, col = divmod(r["tile_id"], 4)
        x0, y1 = ORIGIN[0] + starts[col] * PX, ORIGIN[1] - starts[row] * PX
        assert r["bounds"] == (x0, y1 - 56.0, x0 + 56.0, y1) and r["area"] == 56.0 * 56.0  # 112 px of 0.5 m
    assert rows[5]["bounds"] == (500031.5, 3999912.5, 500087.5, 3999968.5)
    assert [r["count"] for r in rows] == [t % 3 if t not in (5, 9) else None for t in range(16)]
    assert rows[9]["parse_error"] == "the model gave no answer" and rows[9]["reasoning"] == "cut short"
    expected = sum(t % 3 for t in range(16) if t not in (5, 9))
    assert summary.answer_summary == (f"Sum of per-tile counts: {expected} over 14 of 16 tile(s) (2 gave no number); "
                                      "tiles overlap by 28 px, so an object in an overlap may be counted twice.")
    assert sum(1 for e in events if e["type"] == "answer") == 16
    assert any("View 10 of 16: the model gave no answer" in e["message"] for e in events if e["type"] == "warning")


def test_per_tile_captions_and_resume(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path, {t: f"<answer>caption {t}</answer>" for t in range(16)})
    out = tmp_path / "captions.gpkg"
    cancel_after = 5

    import threading

    cancel = threading.Event()

    def emit(ev):
        if ev["type"] == "answer" and ev["tile_id"] == cancel_after - 1:
            cancel.set()

    opts = _opts(raster, out, mode="describe", query="", backend="replay", replay=str(replay), per_tile=True, **TILED)
    first = run(opts, emit=emit, cancel=cancel)
    assert first.status == "cancelled" and first.tiles_done == cancel_after
    resumed = run(RunOptions(raster="", query="(resume)", out=str(out), resume=True, backend="replay",
                             replay=str(replay)))
    assert resumed.status == "finished" and resumed.run_id == first.run_id and resumed.tiles_done == 16
    rows = _answers(out)
    assert [r["answer"] for r in rows] == [f"caption {t}" for t in range(16)]
    assert resumed.answer_summary == "16 answer(s), one per tile, in the answers layer."


# ------------------------------------------------------------------ the openai and transformers backends
def test_ask_and_describe_through_the_openai_backend(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    with StubServer(answer="<think>Wakes behind hulls.</think><answer>Two ships.</answer>", models=("rr",)) as srv:
        s = run(_opts(raster, tmp_path / "ask.gpkg", backend="openai", server_url=srv.url, model="rr"))
        d = run(_opts(raster, tmp_path / "cap.gpkg", mode="describe", query="", backend="openai", server_url=srv.url,
                      model="rr"))
        ask_req, cap_req = srv.chat_requests
    assert s.answer_summary == "Two ships." and d.answer_summary == "Two ships."
    assert _answers(tmp_path / "ask.gpkg")[0]["count"] == 2
    system, user = ask_req.body["messages"]
    assert _digest(system["content"]) == SYSTEM_SHA256
    assert [p["type"] for p in user["content"]] == ["text", "image_url", "text"]
    assert _digest(user["content"][0]["text"][:-1]) == QA_SHA256
    assert user["content"][2]["text"] == "\nQuestion: How many ships are in the harbour?"
    _system, user = cap_req.body["messages"]
    assert [p["type"] for p in user["content"]] == ["image_url", "text"]
    assert user["content"][1]["text"] == "You are an useful assistant. Please discribe the image."


def test_describe_through_the_tiny_transformers_model(make_geotiff, tmp_path, tiny_models):
    raster = _raster(make_geotiff, size=112)
    out = tmp_path / "tiny.gpkg"
    s = run(_opts(raster, out, mode="describe", query="", model=str(tiny_models.mllm_dir), device="cpu",
                  max_new_tokens=8))
    assert s.status == "finished" and s.tiles_total == 1
    [row] = _answers(out)
    with sqlite3.connect(out) as con:
        raw = con.execute("SELECT raw_text FROM responses").fetchone()[0]
    parsed = parse_text_answer(raw)  # the tiny model's text, whatever it is, read as a live answer would be
    assert (row["answer"] or "", row["reasoning"] or "", row["parse_error"]) == (parsed.answer, parsed.reasoning, parsed.error)
    assert (row["view_width"], row["view_height"]) == (112, 112) and row["bounds"] == (500000.0, 3999944.0, 500056.0, 4000000.0)


def test_bad_prompt_fails_before_any_model_loads(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    with pytest.raises(PipelineError, match="Unknown prompt template 'nope'"):
        run(_opts(raster, tmp_path / "x.gpkg", prompt="nope", model="/no/such/model"))


# ------------------------------------------------------------------ the CLI and the worker
def test_cli_ask_and_describe(make_geotiff, tmp_path, capsys):
    from inference_core.cli.main import main

    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path, {0: "<think>two hulls</think><answer>There are 2 ships.</answer>"})
    rc = main(["reason", str(raster), "--mode", "ask", "-q", "How many ships?", "-o", str(tmp_path / "a.gpkg"),
               "--backend", "replay", "--replay", str(replay), "--quiet", "--strategy", "descent"])
    out = capsys.readouterr().out
    assert rc == 0 and "  answers    1 feature(s)" in out and "  answer     There are 2 ships." in out
    # ask looks at the extent in one view whatever --strategy says (only locate follows it), and says so
    assert "  views      1/1 model calls (one view) in " in out and "descent" not in out
    rc = main(["reason", str(raster), "--mode", "describe", "-o", str(tmp_path / "d.gpkg"), "--backend", "replay",
               "--replay", str(replay), "--per-tile", "--tile-size", "112", "--overlap", "28", "--max-pixels", "12544",
               "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert rc == 0 and summary["tiles_total"] == 16 and summary["counts"] == {"answers": 16}
    assert summary["answer_summary"] == "16 answer(s), one per tile, in the answers layer."
    assert summary["strategy"] == "per tile"
    assert summary["parse_errors"] == 15  # only tile 0 has a recorded answer
    rc = main(["reason", str(raster), "-o", str(tmp_path / "x.gpkg"), "--per-tile"])
    assert rc == 2 and "give the question with --query" in capsys.readouterr().err


def test_worker_sends_answer_events(make_geotiff, tmp_path):
    import sys

    from inference_core.contract.client import WorkerClient
    from inference_core.contract.protocol import EVENT_TYPES

    raster = _raster(make_geotiff)
    replay = _jsonl(tmp_path, {0: "<think>furrows, green</think><answer>Yes, it is irrigated.</answer>"})
    c = WorkerClient(sys.executable)
    try:
        events = list(c.request("reason", timeout=120, options=_opts(
            raster, tmp_path / "w.gpkg", query="Is this field irrigated?", backend="replay",
            replay=str(replay)).to_dict()))
    finally:
        c.close()
    assert {e["type"] for e in events} <= set(EVENT_TYPES)
    [answer] = [e for e in events if e["type"] == "answer"]
    assert (answer["answer"], answer["reasoning"], answer["count"]) == ("Yes, it is irrigated.", "furrows, green", None)
    assert shapely.from_wkt(answer["wkt"]).bounds == (500000.0, 3999850.0, 500150.0, 4000000.0)
    done = events[-1]
    assert done["type"] == "done" and done["summary"]["answer_summary"] == "Yes, it is irrigated."


def test_describe_records_but_does_not_ask_a_question_and_appends_beside_boxes(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    out = tmp_path / "both.gpkg"
    boxes = _jsonl(tmp_path, {0: "<think>a roof</think><answer>[[100,40,190,80]]</answer>"})
    located = run(RunOptions(raster=str(raster), query="the bright roof", out=str(out), backend="replay",
                             replay=str(boxes)))
    assert located.counts == {"boxes": 1}
    caption = tmp_path / "caption.jsonl"
    caption.write_text(json.dumps({"tile_id": 0, "raw_text": "<answer>A bright roof on grey ground.</answer>"}) + "\n")
    described = run(_opts(raster, out, mode="describe", query="the harbour", backend="replay", replay=str(caption),
                          append=True))
    assert described.warnings == ["The describe template takes no question: 'the harbour' is recorded but not "
                                  "asked (use --mode ask to ask it)."]
    assert described.counts == {"answers": 1} and described.answer_summary == "A bright roof on grey ground."
    [row] = _answers(out)
    assert (row["question"], row["run_id"]) == ("the harbour", described.run_id)
    assert pyogrio.read_dataframe(out, layer="boxes").shape[0] == 1  # the locate run's box is kept
