"""Ask / describe over two dates (experimental): both dates' views in one turn — the chat the transformers
backend renders (two images), a real generate with the tiny Qwen2.5-VL, the openai body (two image parts in
order), reuse keyed on both dates, and a replayed run writing its answer with the experimental warning."""

from __future__ import annotations

import base64
import json

import pyogrio
from PIL import Image

from inference_core.contract.options import RunOptions
from inference_core.models.backends.base import ReasonRequest
from inference_core.models.backends.openai_backend import chat_payload
from inference_core.models.prompts import load_template, render
from inference_core.run.change.describe import EXPERIMENTAL
from inference_core.run.pipeline import run
from inference_core.run.reuse import view_hash

from test_change import _dates

VISION = "<|vision_start|><|image_pad|><|vision_end|>"


def _prompt(mode="describe", query=""):
    from inference_core.contract.paths import CHANGE_TEMPLATES

    t = load_template(RunOptions(raster="r", query=query or "q", out="o", prompt=CHANGE_TEMPLATES[mode]))
    return render(t, query if mode == "ask" else None)


def test_the_chat_holds_both_dates_and_the_tiny_model_answers(tiny_models):
    from inference_core.models.backends.transformers_backend import TransformersBackend

    prompt = _prompt("ask", "Which buildings are new?")
    assert prompt.between == "\n" and prompt.after.endswith("Question: Which buildings are new?")
    b = TransformersBackend(str(tiny_models.mllm_dir), device="cpu", dtype="float32", max_new_tokens=4)
    try:
        first, second = Image.new("RGB", (56, 56), (10, 20, 30)), Image.new("RGB", (84, 56), (200, 10, 10))
        request = ReasonRequest(0, first, prompt, second_image=second)
        text = b.chat_text(request)
        assert text.count(VISION) == 2
        assert text.index("earlier date") < text.index(VISION) < text.rindex(VISION) < text.index("Question:")
        inputs = b.model_inputs([request])
        assert inputs["image_grid_thw"].tolist() == [[1, 4, 4], [1, 4, 6]]  # both views reach the model
        reply = b.reason([request, ReasonRequest(1, first, "Describe the image.")])[0]  # a batch of both kinds
        assert reply.input_size == (56, 56) and isinstance(reply.raw_text, str)  # the first date's view
    finally:
        b.close()


def test_the_openai_body_sends_both_dates_in_order():
    prompt = _prompt()
    body = chat_payload("m", b"FIRST", prompt, 64, second_png=b"SECOND")
    parts = body["messages"][-1]["content"]
    urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert [base64.b64decode(u.split(",", 1)[1]) for u in urls] == [b"FIRST", b"SECOND"]
    assert json.dumps(body)  # plain JSON


def test_reuse_tells_two_date_views_apart():
    a, b = Image.new("RGB", (8, 8), (1, 1, 1)), Image.new("RGB", (8, 8), (2, 2, 2))
    prompt = _prompt()
    assert view_hash(ReasonRequest(0, a, prompt, second_image=a), "s") != \
        view_hash(ReasonRequest(0, a, prompt, second_image=b), "s")


def test_describe_what_changed_writes_one_answer_and_says_it_is_experimental(make_geotiff, tmp_path):
    before, after, _ab, _aa = _dates(make_geotiff, tmp_path)
    text = "<think>A square is gone, one was built.</think><answer>One building was demolished, one built.</answer>"
    replay = tmp_path / "r.jsonl"
    replay.write_text(json.dumps({"tile_id": 0, "raw_text": text}) + "\n")
    out = tmp_path / "d.gpkg"
    summary = run(RunOptions(raster=str(before), compare_with=str(after), query="", out=str(out), mode="describe",
                             backend="replay", replay=str(replay), replay_after=str(replay)))
    assert summary.status == "finished" and summary.counts == {"answers": 1}
    assert summary.answer_summary == "One building was demolished, one built."
    assert EXPERIMENTAL in summary.warnings and summary.change["experimental"] is True
    answers = pyogrio.read_dataframe(out, layer="answers")
    assert len(answers) == 1 and answers.reasoning[0] == "A square is gone, one was built."
    assert answers.geometry[0].bounds == (500000.0, 3999970.0, 500030.0, 4000000.0)  # the common extent
