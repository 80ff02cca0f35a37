"""The checkpoint is fed as it was trained: budget, resize, prompt, system text, image position, decoding.

Model folders here are laid out like the published ones (a `preprocessor_config.json` with the
Qwen2.5-VL-7B-Instruct `min_pixels`/`max_pixels` keys, a `generation_config.json` with sampling keys,
a swift `args.json` with `system`), with the tiny Qwen2.5-VL's weights. See docs/fidelity.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from inference_core.contract.options import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, DEFAULT_OVERLAP, DEFAULT_TILE_SIZE, RunOptions
from inference_core.models import prompts
from inference_core.models.backends.base import BackendError, ReasonRequest
from inference_core.models.backends.openai_backend import OpenAIBackend, resize_warning
from inference_core.models.backends.transformers_backend import TransformersBackend
from inference_core.models.precision import FLOAT16_WARNING, is_overflow_answer
from inference_core.models.vision_input import model_input
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import StubServer

# The reference's instruction (RemoteReasoner.py:32-47, 970 characters) and ms-swift's GRPO system prompt
# (examples/train/grpo/prompt.txt, 398 bytes with its newline), by digest: the template must match them
# byte for byte, and a digest cannot drift into a second copy of the text.
INSTRUCTION_SHA256 = "8c048854b67fd5f4413c32f8160c2a99f53f0dd022c9e30fa80b20edd7935733"
SYSTEM_SHA256 = "eb00998e96e5f1b072b22700a78c55891e9e0742045eb70b1261253ee5a63708"
PUBLISHED_MAX_PIXELS = 12845056  # Qwen2.5-VL-7B-Instruct's preprocessor_config.json
SWIFT_SYSTEM = "A swift checkpoint's own system text.\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def published_layout(tiny_models, tmp_path_factory):
    """The tiny model in a folder shaped like the published checkpoints (transformers < 4.53 files)."""
    folder = tmp_path_factory.mktemp("published") / "RemoteReasoner"
    shutil.copytree(tiny_models.mllm_dir, folder)
    processor = json.loads((folder / "processor_config.json").read_text())
    image = processor.pop("image_processor")
    image.pop("size")
    image.update(min_pixels=DEFAULT_MIN_PIXELS, max_pixels=PUBLISHED_MAX_PIXELS, processor_class="Qwen2_5_VLProcessor")
    (folder / "preprocessor_config.json").write_text(json.dumps(image))
    (folder / "processor_config.json").write_text(json.dumps(processor))
    gen = json.loads((folder / "generation_config.json").read_text())
    gen.update(do_sample=True, temperature=1e-06, top_p=0.001, top_k=1, repetition_penalty=1.05)
    (folder / "generation_config.json").write_text(json.dumps(gen))
    (folder / "args.json").write_text(json.dumps({"system": SWIFT_SYSTEM, "model_type": "qwen2_5_vl"}))
    return folder


@pytest.fixture(scope="module")
def backend(published_layout):
    b = TransformersBackend(str(published_layout), device="cpu", dtype="float32", max_new_tokens=4)
    yield b
    b.close()


def _prompt(query="the tanks next to the pier"):
    opts = RunOptions(raster="r.tif", query=query, out="o.gpkg")
    return prompts.render(prompts.load_template(opts), query)


def test_remotereasoner_template_is_the_reference_text():
    template = prompts.load_template(RunOptions(raster="r", query="q", out="o"))
    instruction, marker, tail = template.body.partition(prompts.IMAGE_MARKER)
    assert marker and instruction.endswith("\n") and tail == "\nText description: {query}"
    assert len(instruction[:-1]) == 970 and _digest(instruction[:-1]) == INSTRUCTION_SHA256
    assert len(template.system.encode()) == 398 and _digest(template.system) == SYSTEM_SHA256
    assert template.system.endswith("</answer>\n") and template.coordinates == "original-image"
    chat = prompts.render(template, "  the pier ")
    assert chat.before == instruction and chat.after == "\nText description: the pier"
    assert chat.user_text == instruction + "<image>\nText description: the pier"


def test_other_templates_and_their_coordinate_spaces():
    def tpl(model):
        return prompts.load_template(RunOptions(raster="r", query="q", out="o", model=model))
    qwen = tpl("Qwen/Qwen2.5-VL-7B-Instruct")
    assert (qwen.coordinates, qwen.system, prompts.IMAGE_MARKER in qwen.body) == ("model-input", None, False)
    t2s = tpl("RicardoString/Think2Seg-RS-7B")
    assert t2s.name == "think2seg-rs" and t2s.coordinates == "model-input"
    assert t2s.system.startswith("You are a remote sensing analysis assistant.") and t2s.body.startswith('Please find "{query}"')
    chat = prompts.render(t2s, "the dam")
    assert chat.before == "" and chat.after.startswith('Please find "the dam", identify the target.')  # image first
    assert prompts.render(qwen, "q", coordinates="original-image").coordinates == "original-image"  # the run's setting wins


def test_front_matter_errors_name_the_fix(tmp_path):
    from inference_core.common.errors import PipelineError

    bad = tmp_path / "bad.txt"
    bad.write_text("---\ncoordinates: sideways\n---\nFind {query}.\n")
    with pytest.raises(PipelineError, match="coordinates must be one of model-input, original-image"):
        prompts.load_template(RunOptions(raster="r", query="q", out="o", prompt=str(bad)))
    bad.write_text("---\nsystem: x\nFind {query}.\n")
    with pytest.raises(PipelineError, match="never closes it"):
        prompts.load_template(RunOptions(raster="r", query="q", out="o", prompt=str(bad)))


def test_published_budget_is_overridden_by_the_runs(backend):
    """A 1008-px tile reaches the model at 896 px (the 802816 budget), not at 1008 (the folder's 12.8 MP)."""
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (1008, 1008, 3), dtype=np.uint8))
    inputs = backend.model_inputs([ReasonRequest(0, image, _prompt())])
    assert inputs["image_grid_thw"].tolist() == [[1, 64, 64]]  # 64 patches of 14 px = 896
    [reply] = backend.reason([ReasonRequest(0, image, _prompt())])
    assert reply.input_size == (896, 896) and reply.warning is None
    assert backend.describe()["max_pixels"] == DEFAULT_MAX_PIXELS


def test_rendered_chat_is_system_instruction_image_question(backend):
    chat = _prompt()
    text = backend.chat_text(ReasonRequest(0, Image.new("RGB", (56, 56)), chat))
    # args.json's system wins over the template's: it is the text the checkpoint was trained with
    assert text == ("<|im_start|>system\n" + SWIFT_SYSTEM + "<|im_end|>\n<|im_start|>user\n" + chat.before
                    + "<|vision_start|><|image_pad|><|vision_end|>\nText description: the tanks next to the pier"
                    + "<|im_end|>\n<|im_start|>assistant\n")


def test_decoding_is_greedy_with_the_checkpoints_repetition_penalty(backend):
    g = backend.generation_config
    assert g.do_sample is False and g.num_beams == 1 and g.temperature is None and g.top_p is None and g.top_k is None
    assert g.repetition_penalty == 1.05 and g.max_new_tokens == 4


def test_same_pixels_for_both_backends(backend):
    """The transformers backend and the openai request carry the same resized pixels for one view."""
    from inference_core.models.backends.openai_backend import prepare_image

    image = Image.fromarray(np.random.default_rng(3).integers(0, 256, (700, 1100, 3), dtype=np.uint8))
    local, size = model_input(image, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    png, sent_size = prepare_image(image, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)
    import io

    assert size == sent_size == (1092, 700)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), np.asarray(local))
    # PIL bicubic, as qwen_vl_utils' fetch_image resizes (vision_process.py:144)
    assert np.array_equal(np.asarray(local), np.asarray(image.resize(size, Image.Resampling.BICUBIC)))


def test_openai_body_holds_system_instruction_image_question():
    chat = _prompt("the pier")
    with StubServer(models=("rr",)) as srv:
        b = OpenAIBackend(RunOptions(raster="r", query="q", out="o", backend="openai", server_url=srv.url, model="rr"))
        [reply] = b.reason([ReasonRequest(0, Image.new("RGB", (896, 896)), chat)])
        [rec] = srv.chat_requests
    system, user = rec.body["messages"]
    assert system == {"role": "system", "content": chat.system} and _digest(system["content"]) == SYSTEM_SHA256
    assert [p["type"] for p in user["content"]] == ["text", "image_url", "text"]
    assert user["content"][0]["text"] == chat.before and user["content"][2]["text"] == "\nText description: the pier"
    assert rec.body["temperature"] == 0 and rec.image_sizes == [(896, 896)] and reply.warning is None


def test_server_that_resizes_is_named_once_per_run(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 1000, 1800), 90, dtype=np.uint8))  # 3 x 2 default tiles of 896 px

    def ask(server_max_pixels, name):
        events = []
        with StubServer(models=("rr",), max_pixels=server_max_pixels) as srv:
            summary = run(RunOptions(raster=str(raster), query="trees", out=str(tmp_path / name), backend="openai",
                                     server_url=srv.url, model="rr"), emit=events.append)
        assert summary.tiles_total == 6
        return [e["message"] for e in events if e["type"] == "warning" and "resizes images itself" in e["message"]]

    # a server started with a smaller limit than the client's (300 000 px: 361 image tokens instead of 1024)
    [warning] = ask(300_000, "small.gpkg")  # once per run, not once per view
    assert "--mm-processor-kwargs '{\"max_pixels\": 802816, \"min_pixels\": 3136}'" in warning
    assert ask(None, "same.gpkg") == []  # a server that keeps the image: no warning
    assert resize_warning({"usage": {}}, (896, 896), 40, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS) is None  # no usage
    assert resize_warning({"usage": {"prompt_tokens": 5000}}, (896, 896), 40, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS)


def test_float16_is_warned_and_its_overflow_answer_is_an_error_naming_the_fix(backend, monkeypatch):
    assert is_overflow_answer(" !!!!!!!!!!!! ") and not is_overflow_answer("<answer>[]</answer>!!!!!!!!!")
    request = ReasonRequest(0, Image.new("RGB", (56, 56)), _prompt())
    monkeypatch.setattr(backend, "dtype", "torch.float16")  # what the reply reports; the weights stay float32
    [reply] = backend.reason([request])
    assert reply.warning == FLOAT16_WARNING
    # the generated text stands in for what Qwen2.5-VL emits when float16 overflows
    monkeypatch.setattr(backend.processor, "batch_decode", lambda *a, **k: ["!!!!!!!!!!!!!!!!"])
    with pytest.raises(BackendError, match=r"float16.*--dtype bfloat16 .* or float32") as exc:
        backend.reason([request])
    assert exc.value.code == "model"


def test_openai_overflow_answer_names_the_server_flag():
    with StubServer(answer="!!!!!!!!!!!!!!!!!!!!", models=("rr",)) as srv:
        b = OpenAIBackend(RunOptions(raster="r", query="q", out="o", backend="openai", server_url=srv.url, model="rr"))
        with pytest.raises(BackendError, match="start it with --dtype bfloat16") as exc:
            b.reason([ReasonRequest(0, Image.new("RGB", (56, 56)), _prompt())])
    assert exc.value.code == "server"


def test_default_tile_is_the_budget_and_a_1024_extent_is_one_call(make_geotiff, tmp_path):
    assert (DEFAULT_TILE_SIZE, DEFAULT_OVERLAP) == (896, 112) and DEFAULT_TILE_SIZE ** 2 == DEFAULT_MAX_PIXELS
    raster = make_geotiff(np.full((3, 1024, 1024), 90, dtype=np.uint8))
    answers = tmp_path / "a.jsonl"
    answers.write_text("".join(json.dumps({"tile_id": i, "raw_text": "<answer>[]</answer>"}) + "\n" for i in range(4)))
    out = tmp_path / "o.gpkg"
    summary = run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay", replay=str(answers)))
    import sqlite3

    with sqlite3.connect(out) as con:
        assert con.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
    assert summary.tiles_total == 1


def test_original_image_coordinates_are_view_pixels(make_geotiff, tmp_path):
    """RemoteReasoner's default: a box is in the view's pixels, whatever size the model input was."""
    from rasterio.transform import from_origin

    raster = make_geotiff(np.full((3, 300, 300), 90, dtype=np.uint8), transform=from_origin(500000, 4000000, 0.5, 0.5))
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "input_size": [308, 308],
                                   "raw_text": "<answer>[[100, 50, 190, 80]]</answer>"}) + "\n")
    import pyogrio

    for coordinates, scale in ((None, 1.0), ("model-input", 300 / 308)):
        out = tmp_path / f"{coordinates}.gpkg"
        run(RunOptions(raster=str(raster), query="q", out=str(out), backend="replay", replay=str(answers),
                       coordinates=coordinates))
        bounds = pyogrio.read_dataframe(out, layer="boxes").geometry[0].bounds
        want = (500000 + 100 * scale * 0.5, 4000000 - 80 * scale * 0.5, 500000 + 190 * scale * 0.5, 4000000 - 50 * scale * 0.5)
        assert bounds == pytest.approx(want, abs=1e-6)
