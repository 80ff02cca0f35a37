"""The offline tiny models reload through the same transformers / SAM code real checkpoints use."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from PIL import Image

from inference_core.raster.coords import smart_resize
from inference_core.models.tiny import SPECIAL_TOKENS, build_mllm


@pytest.fixture(scope="module")
def loaded(tiny_models):
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(tiny_models.mllm_dir)
    model = AutoModelForImageTextToText.from_pretrained(tiny_models.mllm_dir)
    return processor, model


def test_folder_layout_and_config(tiny_models):
    names = sorted(p.name for p in tiny_models.mllm_dir.iterdir())
    assert "model.safetensors" in names and "tokenizer.json" in names and "config.json" in names
    assert not [n for n in names if n.endswith((".bin", ".pt"))]  # safetensors only
    config = json.loads((tiny_models.mllm_dir / "config.json").read_text())
    assert config["model_type"] == "qwen2_5_vl"
    text = config["text_config"]
    head_dim = text["hidden_size"] // text["num_attention_heads"]
    assert sum(text["rope_parameters"]["mrope_section"]) == head_dim // 2
    assert config["vision_config"]["fullatt_block_indexes"] == [1]
    assert config["vision_config"]["out_hidden_size"] == text["hidden_size"]


def test_reload_and_generate(loaded):
    processor, model = loaded
    assert type(model).__name__ == "Qwen2_5_VLForConditionalGeneration"
    tok = processor.tokenizer
    # special tokens are single ids, in Qwen's order, and the config points at the right ones
    ids = [tok.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS]
    assert ids == list(range(len(SPECIAL_TOKENS)))
    assert model.config.image_token_id == tok.convert_tokens_to_ids("<|image_pad|>") == 12
    assert model.config.vision_start_token_id == 9

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "find the tanks"}]}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert text == (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
        "<|vision_start|><|image_pad|><|vision_end|>find the tanks<|im_end|>\n<|im_start|>assistant\n"
    )
    image = Image.fromarray(np.full((90, 150, 3), 120, dtype=np.uint8))
    inputs = processor(text=[text], images=[image], return_tensors="pt")
    # 90x150 -> 84x140 (smart_resize) -> 6x10 patches of 14 px -> 15 merged image tokens
    assert inputs["image_grid_thw"].tolist() == [[1, 6, 10]]
    assert int((inputs["input_ids"] == 12).sum()) == 15
    # without mm_token_type_ids the model silently uses 1-D positions: the processor must return it
    assert int(inputs["mm_token_type_ids"].sum()) == 15
    out = model.generate(**inputs, max_new_tokens=6, do_sample=False)
    new = out[0, inputs["input_ids"].shape[1]:]
    assert 1 <= len(new) <= 6
    assert isinstance(processor.decode(new, skip_special_tokens=True), str)


@pytest.mark.parametrize("size", [(64, 64), (400, 400), (1008, 1008), (333, 517), (1500, 260), (2000, 3000)])
def test_processor_resize_equals_smart_resize(loaded, size):
    processor, _ = loaded
    w, h = size
    max_pixels, min_pixels = 1024 * 28 * 28, 4 * 28 * 28
    image = Image.fromarray(np.zeros((h, w, 3), dtype=np.uint8))
    out = processor.image_processor(
        images=[image], size={"shortest_edge": min_pixels, "longest_edge": max_pixels}, return_tensors="pt"
    )
    _, gh, gw = out["image_grid_thw"][0].tolist()
    assert (gh * 14, gw * 14) == smart_resize(h, w, min_pixels=min_pixels, max_pixels=max_pixels)


def test_tokenizer_is_byte_level_and_round_trips(loaded):
    tok = loaded[0].tokenizer
    text = '<think>two tanks</think><answer>[[12,34,56,78]]</answer> "bbox_2d": ünïcode'
    assert tok.decode(tok(text)["input_ids"]) == text
    # digits are split one by one, as Qwen does
    assert tok.tokenize("1234") == ["1", "2", "3", "4"]


def test_sam_files(tiny_models):
    from inference_core.models.sam import TINY_SAM_CONFIG, load_sam

    assert json.loads(tiny_models.sam_json.read_text()) == TINY_SAM_CONFIG
    sam, model_id = load_sam(tiny_models.sam_path)  # dimensions from sam.json beside it
    assert model_id.startswith("json:sam.pth:")
    assert sam.image_encoder.img_size == TINY_SAM_CONFIG["img_size"]


def test_build_is_deterministic(tiny_models, tmp_path):
    again = build_mllm(tmp_path / "mllm")
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        a = hashlib.sha256((tiny_models.mllm_dir / name).read_bytes()).hexdigest()
        b = hashlib.sha256((again / name).read_bytes()).hexdigest()
        assert a == b, name
