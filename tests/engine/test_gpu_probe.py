"""GPU probe (benchmarks/gpu_probe.py): the --tiny CPU run of the same code path, and the 7B/vit_h dimensions."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def probe():
    spec = importlib.util.spec_from_file_location("gpu_probe", ROOT / "benchmarks" / "gpu_probe.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gpu_probe"] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_tiny_run_measures_engine_path_and_writes_reports(probe, tmp_path):
    rc = probe.main(["--tiny", "--repeats", "1", "--sam-predicts", "2", "--out-dir", str(tmp_path)])
    assert rc == 0
    data = json.loads((tmp_path / "gpu_probe_cpu-tiny.json").read_text())
    assert data["settings"]["device"] == "cpu" and data["settings"]["tile_px"] == 112
    assert data["attn_implementation"] == "sdpa"
    assert data["error"] is None
    assert [b["batch_size"] for b in data["batches"]] == [1, 2]
    for b in data["batches"]:
        # EOS suppressed: exactly 8 decoding steps per row, counted from lm_head calls
        assert b["generated_tokens"] == 8 * b["batch_size"]
        assert b["input_size"] == [112, 112]  # 112 px = 8 patches of 14: no resize
        assert b["tokens_per_s"] > 0 and b["per_tile_s"] > 0
        assert b["peak_gpu_bytes"] is None  # CPU
        assert b["prompt_tokens"] > 16 + 1  # 16 image tokens (4x4 merged patches) plus the prompt text
    sam = data["sam"]
    assert sam["model"] == "random:sam-tiny" and sam["dtype"] == "float32"
    assert len(sam["set_image_s"]) == 2  # one encoder pass per tile (batch 2 -> 2 tiles read)
    assert len(sam["predict_s"]) == 4  # 2 prompts per tile
    assert sam["segment_detections_s"] > 0
    assert 0 <= sam["masks_from_pipeline"] <= 3
    md = (tmp_path / "GPU_PROBE.md").read_text()
    assert "| cpu-tiny | float32 | sdpa | 112 -> 112x112 |" in md
    assert "| random:sam-tiny | float32 |" in md

    # --render rebuilds the table from the JSON files alone (results copied back from a GPU machine)
    (tmp_path / "GPU_PROBE.md").unlink()
    assert probe.main(["--render", "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "GPU_PROBE.md").read_text() == md


def test_full_size_dimensions_match_published_parameter_counts(probe, tmp_path):
    """Qwen2.5-VL-7B = 8,292,166,656 parameters and SAM vit_h = 641,090,608, built on the meta device (no memory)."""
    import torch
    from transformers import AutoProcessor, Qwen2_5_VLForConditionalGeneration

    from inference_core.models.sam import VIT_H_CONFIG, build_sam
    from inference_core.models.tiny import build_mllm

    tok = AutoProcessor.from_pretrained(build_mllm(tmp_path / "m")).tokenizer
    config = probe.qwen_config(probe.QWEN25_VL_7B_TEXT, probe.QWEN25_VL_7B_VISION, tok)
    assert config.text_config.hidden_size == 3584 and config.vision_config.fullatt_block_indexes == [7, 15, 23, 31]
    assert config.image_token_id == tok.convert_tokens_to_ids("<|image_pad|>")
    with torch.device("meta"):
        model = Qwen2_5_VLForConditionalGeneration._from_config(config, dtype=torch.bfloat16)
        sam = build_sam(VIT_H_CONFIG)
    assert sum(p.numel() for p in model.parameters()) == 8_292_166_656
    assert sum(p.numel() for p in sam.parameters()) == 641_090_608


def test_cuda_asked_without_gpu_is_a_clear_message(probe, tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert probe.main(["--device", "cuda", "--out-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gpu_probe: Device 'cuda' was asked for but this Python sees no CUDA GPU")
    assert not list(tmp_path.iterdir())
