"""TransformersBackend on the tiny Qwen2.5-VL (real transformers code, CPU), device/dtype resolution, errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from inference_core.models.backends.base import BackendError, BackendOOM, ReasonRequest
from inference_core.models.backends.factory import make_backend
from inference_core.models.backends.transformers_backend import TransformersBackend
from inference_core.raster.coords import smart_resize
from inference_core.models.devices import resolve_device, resolve_dtype
from inference_core.contract.options import RunOptions

MIN_PX, MAX_PX = 4 * 28 * 28, 64 * 28 * 28  # a small budget keeps the tiny model fast


@pytest.fixture(scope="module")
def backend(tiny_models):
    b = TransformersBackend(str(tiny_models.mllm_dir), device="cpu", dtype="auto",
                            min_pixels=MIN_PX, max_pixels=MAX_PX, max_new_tokens=8)
    yield b
    b.close()


def _image(w, h, seed):
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


def test_loaded_on_cpu_float32(backend, tiny_models):
    assert backend.name == "transformers" and backend.model_id == str(tiny_models.mllm_dir)
    assert backend.device == "cpu" and backend.dtype == torch.float32
    assert backend.model.dtype == torch.float32 and backend.model.device.type == "cpu"
    assert backend.attn_implementation == "sdpa"
    assert backend.generation_config.do_sample is False and backend.generation_config.max_new_tokens == 8
    size = backend.processor.image_processor.size
    assert (size.shortest_edge, size.longest_edge) == (MIN_PX, MAX_PX)
    assert backend.describe()["dtype"] == "float32"


def test_batch_in_order_with_resized_input_size(backend):
    sizes = [(400, 400), (517, 333), (120, 700)]  # (w, h): square, landscape, tall
    requests = [ReasonRequest(tile_id=10 + i, image=_image(w, h, i), prompt=f"find tanks {i}") for i, (w, h) in enumerate(sizes)]
    replies = backend.reason(requests)
    assert [r.tile_id for r in replies] == [10, 11, 12]
    expected = []
    for w, h in sizes:
        rh, rw = smart_resize(h, w, min_pixels=MIN_PX, max_pixels=MAX_PX)
        expected.append((rw, rh))
    assert [r.input_size for r in replies] == expected == [(224, 224), (252, 168), (84, 532)]
    assert all(isinstance(r.raw_text, str) and r.seconds > 0 for r in replies)
    # left padding: a tile answered inside a batch gets the same greedy text as alone
    (alone,) = backend.reason([requests[1]])
    assert alone.raw_text == replies[1].raw_text and alone.input_size == (252, 168)
    # special tokens are skipped in the returned text
    assert "<|im_end|>" not in "".join(r.raw_text for r in replies)
    assert backend.reason([]) == []


def test_oom_frees_and_raises_backend_oom(backend, monkeypatch):
    def boom(**kwargs):  # the only piece replaced: a real OOM cannot be provoked safely on a shared CPU
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(backend.model, "generate", boom)
    with pytest.raises(BackendOOM, match="--batch-size 1") as exc:
        backend.reason([ReasonRequest(0, _image(64, 64, 0), "x")])
    assert exc.value.code == "out_of_memory" and isinstance(exc.value, BackendError)


def test_factory_builds_transformers(tiny_models):
    opts = RunOptions(raster="r.tif", query="q", out="o.gpkg", model=str(tiny_models.mllm_dir), device="cpu",
                      max_pixels=MAX_PX, min_pixels=MIN_PX, max_new_tokens=3)
    b = make_backend(opts)
    assert isinstance(b, TransformersBackend) and b.max_new_tokens == 3 and b.max_pixels == MAX_PX
    b.close()
    assert b.model is None


def test_model_errors_name_the_fix(tiny_models, tmp_path, monkeypatch):
    with pytest.raises(BackendError, match="Model folder not found") as exc:
        TransformersBackend(str(tmp_path / "no-such-model"), device="cpu")
    assert exc.value.code == "model"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BackendError, match="has no config.json"):
        TransformersBackend(str(empty), device="cpu")
    other = tmp_path / "llava"
    shutil.copytree(tiny_models.mllm_dir, other)
    config = json.loads((other / "config.json").read_text())
    config["model_type"] = "llava"
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(BackendError, match="is a llava model, not Qwen2.5-VL.*openai backend"):
        TransformersBackend(str(other), device="cpu")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))  # an empty cache
    with pytest.raises(BackendError, match=r"not in the local model cache.*HF_HUB_OFFLINE=1") as offline:
        TransformersBackend("1e12Leon/RemoteReasoner", device="cpu")
    # The download hint names what exists: the plugin's model manager and the model store's CLI.
    for err in (exc.value, offline.value):
        assert "Models tab" in str(err) and "python -m inference_core.models.store download remotereasoner-7b" in str(err)
        assert "remotereasoner download" not in str(err)


def test_resolve_device_and_dtype():
    assert resolve_device("cpu") == "cpu" and resolve_device(" CPU ") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(BackendError, match="Unknown device 'tpu'"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(BackendError, match="sees no CUDA GPU.*--device cpu") as exc:
            resolve_device("cuda:0")
        assert exc.value.code == "bad_options"
    assert resolve_dtype("auto", "cpu") == torch.float32
    assert resolve_dtype("bf16", "cpu") == torch.bfloat16 and resolve_dtype("float16", "cuda") == torch.float16
    with pytest.raises(BackendError, match="Unknown dtype 'int8'"):
        resolve_dtype("int8", "cpu")


def test_model_cache_reloads_only_what_changed(tiny_models, tmp_path):
    from inference_core.models.cache import ModelCache

    answers = tmp_path / "a.jsonl"
    answers.write_text('{"raw_text": "<answer>[]</answer>"}\n')
    base = dict(raster="r.tif", query="q", out="o.gpkg", model=str(tiny_models.mllm_dir), device="cpu",
                max_pixels=MAX_PX, min_pixels=MIN_PX, max_new_tokens=4, sam=str(tiny_models.sam_path),
                granularity=("boxes", "masks"))
    cache = ModelCache()
    assert cache.loaded() == {"backend": None, "segmenter": None}
    first = cache.backend(RunOptions(**base))
    # "auto" resolves to the same device here; max_new_tokens is applied in place, not by reloading
    same = cache.backend(RunOptions(**{**base, "max_new_tokens": 9, "device": "auto" if not torch.cuda.is_available() else "cpu"}))
    assert same is first and first.generation_config.max_new_tokens == 9
    sam = cache.segmenter(RunOptions(**base))
    assert cache.segmenter(RunOptions(**{**base, "query": "other"})) is sam
    info = cache.loaded()
    assert info["backend"]["model"] == str(tiny_models.mllm_dir) and info["backend"]["max_pixels"] == MAX_PX
    assert info["segmenter"]["sam"] == str(tiny_models.sam_path) and info["segmenter"]["device"] == "cpu"

    # another pixel budget reloads the MLLM (the old one is freed) and keeps SAM
    bigger = cache.backend(RunOptions(**{**base, "max_pixels": 2 * MAX_PX}))
    assert bigger is not first and first.model is None and bigger.max_pixels == 2 * MAX_PX
    assert cache.segmenter(RunOptions(**base)) is sam
    # switching to replay
    replay = cache.backend(RunOptions(**{**base, "backend": "replay", "replay": str(answers)}))
    assert replay.name == "replay" and bigger.model is None
    assert cache.loaded()["backend"] == {"backend": "replay", "model": "replay:a.jsonl", "replay": str(answers), "answers": 1}
    cache.close()
    assert cache.loaded() == {"backend": None, "segmenter": None}


def _mismatched_copy(src, dst):
    """A copy of the tiny model whose config.json asks for wider MLPs than its weights hold."""
    shutil.copytree(src, dst)
    cfg = json.loads((dst / "config.json").read_text())
    text = cfg.get("text_config", cfg)
    text["intermediate_size"] *= 2
    (dst / "config.json").write_text(json.dumps(cfg))
    return dst


def test_a_model_that_fails_to_load_is_said_plainly(tiny_models, tmp_path, monkeypatch):
    """transformers' "look at the above report" (a log the user never sees) becomes what went wrong; the user's own
    folder is never told to "download it again", a download in the Hugging Face cache is."""
    own = _mismatched_copy(tiny_models.mllm_dir, tmp_path / "my-model")
    with pytest.raises(BackendError) as err:
        TransformersBackend(str(own), device="cpu")
    msg = str(err.value)
    assert msg.startswith(f"Cannot load the weights of {own}: its weights do not have the shapes its config.json "
                          "describes")
    assert "above report" not in msg and "ignore_mismatched_sizes" not in msg and "download" not in msg.lower()
    assert f"Check that {own} holds one complete Qwen2.5-VL checkpoint" in msg
    cache = tmp_path / "hf"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    cached = _mismatched_copy(tiny_models.mllm_dir, cache / "models--someone--model" / "snapshots" / "abc")
    with pytest.raises(BackendError) as err:
        TransformersBackend(str(cached), device="cpu")
    assert "above report" not in str(err.value) and "Download it again (the plugin's Models tab" in str(err.value)
