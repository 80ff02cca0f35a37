"""GPU probe: Qwen2.5-VL-7B and SAM vit_h at full size with random weights, driven through the engine's
own TransformersBackend and Segmenter over 1008x1008 tiles of the sample raster.

Speed and memory do not depend on weight values, so random weights measure the real CUDA path
without a download. `--tiny` runs the same code with tiny configs on CPU in seconds (tested in CI).

    python benchmarks/gpu_probe.py                 # CUDA, bf16, 7B + vit_h -> benchmarks/gpu_probe_<device>.json
    python benchmarks/gpu_probe.py --tiny          # CPU smoke run of the same code
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"
PROMPT_QUERY = "the tree crowns"

# Qwen/Qwen2.5-VL-7B-Instruct config.json (published values; no download).
QWEN25_VL_7B_TEXT: dict[str, Any] = dict(
    vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
    num_attention_heads=28, num_key_value_heads=4, max_position_embeddings=128000, rms_norm_eps=1e-6,
    hidden_act="silu", use_sliding_window=False,
    # head_dim 128 -> 64 rotary frequencies split temporal/height/width
    rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [16, 24, 24]},
)
QWEN25_VL_7B_VISION: dict[str, Any] = dict(
    depth=32, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584, patch_size=14,
    spatial_merge_size=2, temporal_patch_size=2, window_size=112, fullatt_block_indexes=[7, 15, 23, 31],
    hidden_act="silu", tokens_per_second=2,
)
# The offline test model's dimensions (inference_core.models.tiny); vocab comes from its tokenizer.
TINY_TEXT: dict[str, Any] = dict(
    vocab_size=None, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, max_position_embeddings=4096, use_sliding_window=False,
    rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]},
)
TINY_VISION: dict[str, Any] = dict(
    depth=2, hidden_size=64, intermediate_size=128, num_heads=4, out_hidden_size=64, patch_size=14,
    spatial_merge_size=2, temporal_patch_size=2, window_size=112, fullatt_block_indexes=[1],
)


@dataclass
class ProbeSettings:
    """What one probe run measures."""

    tiny: bool
    device: str
    dtype: str
    tile_px: int
    new_tokens: int
    batch_sizes: tuple[int, ...]
    repeats: int
    sam_predicts: int
    max_pixels: int


@dataclass
class BatchResult:
    """One batch size: mean over repeats of one engine `reason` call (warm-up excluded)."""

    batch_size: int
    seconds: list[float]
    per_tile_s: float
    generated_tokens: int  # per call, all rows; counted from decoding steps, not assumed
    tokens_per_s: float
    input_size: tuple[int, int]
    prompt_tokens: int
    peak_gpu_bytes: Optional[int]


@dataclass
class SamResult:
    """Segmenter timings: encoder pass per tile (set_image) and one box+point prompt (predict)."""

    model: str
    dtype: str
    set_image_s: list[float]
    predict_s: list[float]
    segment_detections_s: float
    masks_from_pipeline: int
    peak_gpu_bytes: Optional[int]


@dataclass
class ProbeReport:
    settings: dict
    device_name: str
    torch: str
    transformers: str
    python: str
    attn_implementation: str
    mllm_params: int
    sam_params: int
    build_s: dict[str, float]
    weights_gpu_bytes: Optional[int]
    batches: list[BatchResult] = field(default_factory=list)
    sam: Optional[SamResult] = None
    error: Optional[str] = None


# ---------------------------------------------------------------------------------------------- helpers
def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _peak(device: str) -> Optional[int]:
    import torch

    return int(torch.cuda.max_memory_allocated()) if device.startswith("cuda") else None


def _reset_peak(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def device_label(device: str, tiny: bool) -> str:
    """File-name label: the GPU's name (e.g. nvidia-h100-80gb-hbm3) or cpu, with -tiny for tiny runs."""
    import torch

    name = torch.cuda.get_device_name() if device.startswith("cuda") else "cpu"
    label = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{label}-tiny" if tiny else label


def qwen_config(text: dict, vision: dict, tokenizer):
    """A Qwen2_5_VLConfig with the tiny tokenizer's special-token ids (the real ids need the real vocab)."""
    from transformers import Qwen2_5_VLConfig

    from inference_core.models.tiny import SPECIAL_TOKENS

    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    text = dict(text)
    if text.get("vocab_size") is None:
        text["vocab_size"] = ((len(tokenizer) + 63) // 64) * 64
    text.update(bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"])
    head_dim = text["hidden_size"] // text["num_attention_heads"]
    if sum(text["rope_parameters"]["mrope_section"]) != head_dim // 2:
        raise ValueError("mrope_section must sum to head_dim/2")
    return Qwen2_5_VLConfig(
        text_config=text, vision_config=dict(vision), image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"], vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=False,
    )


def build_backend(settings: ProbeSettings, workdir: Path):
    """(TransformersBackend around a random-weight model built on the device, seconds to build)."""
    import torch
    from transformers import AutoProcessor, GenerationConfig, Qwen2_5_VLForConditionalGeneration

    from inference_core.models.backends.transformers_backend import TransformersBackend
    from inference_core.models.devices import resolve_dtype
    from inference_core.models.tiny import build_mllm

    # The tiny folder supplies the tokenizer/processor (Qwen special tokens, chat template); its model is unused.
    processor = AutoProcessor.from_pretrained(build_mllm(workdir / "tiny-mllm"))
    tok = processor.tokenizer
    text, vision = (TINY_TEXT, TINY_VISION) if settings.tiny else (QWEN25_VL_7B_TEXT, QWEN25_VL_7B_VISION)
    config = qwen_config(text, vision, tok)
    dtype = resolve_dtype(settings.dtype, settings.device)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    # Built directly on the device in the target dtype: no 30 GB float32 copy on the host first.
    with torch.device(settings.device):
        model = Qwen2_5_VLForConditionalGeneration._from_config(config, dtype=dtype)
    _sync(settings.device)
    eos = [tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("<|endoftext|>")]
    model.generation_config = GenerationConfig(do_sample=False, eos_token_id=eos, pad_token_id=eos[1], bos_token_id=eos[1])
    backend = TransformersBackend.from_components(
        model, processor, model_id="random:qwen2.5-vl-7b" if not settings.tiny else "random:qwen2.5-vl-tiny",
        max_pixels=settings.max_pixels, max_new_tokens=settings.new_tokens,
    )
    # EOS suppressed until the last step: every call generates exactly new_tokens per row.
    backend.configure(settings.new_tokens, min_new_tokens=settings.new_tokens)
    return backend, time.perf_counter() - t0


def build_segmenter(settings: ProbeSettings):
    """(Segmenter around a random-weight SAM built on the device, seconds). SAM runs in float32, as
    `sam_model.load_sam` loads every checkpoint (SamPredictor feeds float32 images)."""
    import torch

    from inference_core.models.sam import TINY_SAM_CONFIG, VIT_H_CONFIG, build_sam
    from inference_core.models.segment import Segmenter

    torch.manual_seed(0)
    t0 = time.perf_counter()
    with torch.device(settings.device):
        sam = build_sam(TINY_SAM_CONFIG if settings.tiny else VIT_H_CONFIG)
    _sync(settings.device)
    name = "sam-tiny" if settings.tiny else "sam-vit_h"
    return Segmenter(sam, f"random:{name}", device=settings.device), time.perf_counter() - t0


def read_tiles(source, n: int, tile_px: int) -> list:
    """`n` distinct tile_px x tile_px RGB tiles of the raster through RasterSource.read_rgb (3/4 of the
    raster side per window, at shifted offsets, enlarged to the tile size like a coarse-GSD run)."""
    side = max(1, (min(source.width, source.height) * 3) // 4)
    span_x, span_y = source.width - side, source.height - side
    tiles = []
    for i in range(n):
        fx, fy = (i % 3) / 2.0, ((i // 3) % 3) / 2.0
        rgb, _ = source.read_rgb(int(span_x * fx), int(span_y * fy), side, side, tile_px, tile_px)
        tiles.append(rgb)
    return tiles


class StepCounter:
    """Counts decoding steps (one lm_head call each) so the generated token count is measured."""

    def __init__(self, model):
        self.calls = 0
        self._handle = model.lm_head.register_forward_hook(self._hook)

    def _hook(self, *_):
        self.calls += 1

    def close(self):
        self._handle.remove()


def time_reason(backend, tiles: list, batch_size: int, settings: ProbeSettings, prompt: str) -> BatchResult:
    """One warm-up call, then `repeats` timed engine `reason` calls of `batch_size` tiles."""
    from PIL import Image

    from inference_core.models.backends.base import ReasonRequest

    requests = [ReasonRequest(tile_id=i, image=Image.fromarray(tiles[i % len(tiles)]), prompt=prompt)
                for i in range(batch_size)]
    backend.reason(requests)  # warm-up: kernels, allocator
    _reset_peak(settings.device)
    counter = StepCounter(backend.model)
    seconds, replies = [], []
    try:
        for _ in range(settings.repeats):
            _sync(settings.device)
            t0 = time.perf_counter()
            replies = backend.reason(requests)
            _sync(settings.device)
            seconds.append(time.perf_counter() - t0)
    finally:
        counter.close()
    steps = counter.calls // settings.repeats
    generated = steps * batch_size
    mean = sum(seconds) / len(seconds)
    prompt_tokens = len(backend.model_inputs(requests[:1])["input_ids"][0])
    return BatchResult(
        batch_size=batch_size, seconds=[round(s, 4) for s in seconds], per_tile_s=round(mean / batch_size, 4),
        generated_tokens=generated, tokens_per_s=round(generated / mean, 2), input_size=tuple(replies[0].input_size),
        prompt_tokens=prompt_tokens, peak_gpu_bytes=_peak(settings.device),
    )


def time_sam(segmenter, source, tiles: list, settings: ProbeSettings) -> SamResult:
    """set_image per tile (encoder) and `sam_predicts` box prompts per tile; then one segment_detections
    call (read -> SAM -> vectorise) to prove the whole mask path runs on the device."""
    from types import SimpleNamespace

    from affine import Affine

    from inference_core.common.records import Detection, TileSpec
    from inference_core.models.segment import segment_detections

    dev = settings.device
    px = settings.tile_px
    boxes = [(px * 0.2, px * 0.2, px * 0.45, px * 0.5), (px * 0.5, px * 0.4, px * 0.8, px * 0.7),
             (px * 0.1, px * 0.6, px * 0.3, px * 0.9)]
    segmenter.set_image(tiles[0], ("warm-up",))  # warm-up
    segmenter.predict(tiles[0], boxes[0], ("warm-up",))
    _reset_peak(dev)
    set_s, pred_s = [], []
    for i, rgb in enumerate(tiles):
        key = ("probe", i)
        _sync(dev)
        t0 = time.perf_counter()
        segmenter.set_image(rgb, key)
        _sync(dev)
        set_s.append(round(time.perf_counter() - t0, 4))
        for j in range(settings.sam_predicts):
            t0 = time.perf_counter()
            segmenter.predict(rgb, boxes[j % len(boxes)], key)
            _sync(dev)
            pred_s.append(round(time.perf_counter() - t0, 4))
    # The pipeline's own mask step on one full-raster view enlarged to the tile size.
    w, h = source.width, source.height
    tile = TileSpec(0, 0, 0, w, h, px, px, source.window_transform(0, 0, w, h, px, px))
    dets = []
    for k, b in enumerate(boxes):
        x1, y1, x2, y2 = (Affine(*tile.transform) @ (b[0], b[1])) + (Affine(*tile.transform) @ (b[2], b[3]))
        dets.append(Detection(target_id=k, tile_id=0, box_px=b, box_map=(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))))
    t0 = time.perf_counter()
    segment_detections(segmenter, source, tile, dets, SimpleNamespace(simplify=0.0, min_area=0.0))
    _sync(dev)
    seg_s = time.perf_counter() - t0
    dtype = str(next(segmenter.sam.parameters()).dtype).replace("torch.", "")
    return SamResult(
        model=segmenter.model_id, dtype=dtype, set_image_s=set_s, predict_s=pred_s,
        segment_detections_s=round(seg_s, 4), masks_from_pipeline=sum(d.mask_wkb is not None for d in dets),
        peak_gpu_bytes=_peak(dev),
    )


# ---------------------------------------------------------------------------------------------- run + report
def run_probe(settings: ProbeSettings, raster: Path = SAMPLE) -> ProbeReport:
    """Build both models on the device and measure every batch size and SAM; errors land in the report."""
    import gc

    import torch
    import transformers

    from inference_core.models.prompts import fill, load_prompt
    from inference_core.contract.options import RunOptions
    from inference_core.raster.source import RasterSource

    options = RunOptions(raster=str(raster), query=PROMPT_QUERY, out="unused.gpkg", prompt="remotereasoner")
    prompt = fill(load_prompt(options), PROMPT_QUERY)
    report = ProbeReport(
        settings=dataclasses.asdict(settings),
        device_name=torch.cuda.get_device_name() if settings.device.startswith("cuda") else platform.processor() or "cpu",
        torch=torch.__version__, transformers=transformers.__version__, python=platform.python_version(),
        attn_implementation="", mllm_params=0, sam_params=0, build_s={}, weights_gpu_bytes=None,
    )
    source = RasterSource.open(str(raster))
    try:
        tiles = read_tiles(source, max(settings.batch_sizes), settings.tile_px)
        with tempfile.TemporaryDirectory(prefix="gpu-probe-") as tmp:
            backend, report.build_s["mllm"] = build_backend(settings, Path(tmp))
        report.attn_implementation = backend.attn_implementation
        report.mllm_params = sum(p.numel() for p in backend.model.parameters())
        report.weights_gpu_bytes = torch.cuda.memory_allocated() if settings.device.startswith("cuda") else None
        for b in settings.batch_sizes:
            try:
                report.batches.append(time_reason(backend, tiles, b, settings, prompt))
            except Exception as exc:  # an OOM at batch 8 is a finding, not a crash of the probe
                report.error = f"batch {b}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                break
            print(f"batch {b}: {report.batches[-1].per_tile_s:.3f} s/tile, "
                  f"{report.batches[-1].tokens_per_s:.1f} tok/s", flush=True)
        backend.close()
        del backend
        gc.collect()
        segmenter, report.build_s["sam"] = build_segmenter(settings)
        report.sam_params = sum(p.numel() for p in segmenter.sam.parameters())
        report.sam = time_sam(segmenter, source, tiles, settings)
    finally:
        source.close()
    return report


def _gib(n: Optional[int]) -> str:
    return "-" if n is None else f"{n / 2**30:.2f}"


def markdown(reports: list[dict]) -> str:
    """One table of reasoning rows and one of SAM rows over every probe report given."""
    lines = ["# GPU probe: full-size architectures with random weights", "",
             "Qwen2.5-VL-7B and SAM vit_h built from their published dimensions with random weights, driven "
             "through `TransformersBackend.reason` and `Segmenter`; EOS suppressed so every call generates "
             "the same token count. Written by `benchmarks/gpu_probe.py`; `-tiny` rows are the CPU smoke run "
             "(2-core shared VM), not a speed figure. On a GPU machine: `bash benchmarks/gpu_probe.sh` "
             "(see its header).", "",
             "| device | dtype | attn | tile px -> input | prompt tok | batch | new tok/row | s/tile | gen tok/s | peak GiB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        s = r["settings"]
        for b in r["batches"]:
            lines.append(f"| {r['label']} | {s['dtype']} | {r['attn_implementation']} | {s['tile_px']} -> "
                         f"{b['input_size'][0]}x{b['input_size'][1]} | {b['prompt_tokens']} | {b['batch_size']} | "
                         f"{b['generated_tokens'] // b['batch_size']} | {b['per_tile_s']:.3f} | {b['tokens_per_s']:.1f} | "
                         f"{_gib(b['peak_gpu_bytes'])} |")
        if r.get("error"):
            lines.append(f"| {r['label']} | | | | | | | error: {r['error']} | | |")
    lines += ["", "| device | SAM | dtype | set_image s (mean) | predict s (mean) | segment_detections s | peak GiB |",
              "|---|---|---|---|---|---|---|"]
    for r in reports:
        sam = r.get("sam")
        if sam:
            mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
            lines.append(f"| {r['label']} | {sam['model']} | {sam['dtype']} | {mean(sam['set_image_s']):.4f} | "
                         f"{mean(sam['predict_s']):.4f} | {sam['segment_detections_s']:.3f} | {_gib(sam['peak_gpu_bytes'])} |")
    lines += ["", "| device | GPU | torch | transformers | MLLM params | SAM params | weights GiB | build s |",
              "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        build = ", ".join(f"{k} {v:.1f}" for k, v in r["build_s"].items())
        lines.append(f"| {r['label']} | {r['device_name']} | {r['torch']} | {r['transformers']} | "
                     f"{r['mllm_params'] / 1e9:.3f} B | {r['sam_params'] / 1e6:.1f} M | {_gib(r['weights_gpu_bytes'])} | {build} |")
    return "\n".join(lines) + "\n"


def write_outputs(report: ProbeReport, label: str, out_dir: Path) -> tuple[Path, Path]:
    """benchmarks/gpu_probe_<label>.json, and GPU_PROBE.md regenerated from every gpu_probe_*.json there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = dataclasses.asdict(report)
    data["label"] = label
    data["date"] = time.strftime("%Y-%m-%d")
    js = out_dir / f"gpu_probe_{label}.json"
    js.write_text(json.dumps(data, indent=1) + "\n")
    reports = [json.loads(p.read_text()) for p in sorted(out_dir.glob("gpu_probe_*.json"))]
    md = out_dir / "GPU_PROBE.md"
    md.write_text(markdown(reports))
    return js, md


def parse_args(argv: Optional[list[str]]) -> tuple[Optional[ProbeSettings], Path]:
    from inference_core.contract.options import DEFAULT_MAX_PIXELS, DEFAULT_TILE_SIZE

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tiny", action="store_true", help="tiny configs on CPU (seconds): the CI smoke run")
    p.add_argument("--device", default=None, help="default: cuda (cpu with --tiny)")
    p.add_argument("--dtype", default=None, help="default: bfloat16 on CUDA, float32 on CPU")
    p.add_argument("--tile", type=int, default=None, help=f"tile side in px (default {DEFAULT_TILE_SIZE}; 112 with --tiny)")
    p.add_argument("--new-tokens", type=int, default=None, help="generated tokens per tile (default 128; 8 with --tiny)")
    p.add_argument("--batch-sizes", default=None, help="comma list (default 1,4,8; 1,2 with --tiny)")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--sam-predicts", type=int, default=3, help="box prompts per tile")
    p.add_argument("--max-pixels", type=int, default=DEFAULT_MAX_PIXELS, help="the engine's pixel budget per tile")
    p.add_argument("--out-dir", default=str(ROOT / "benchmarks"))
    p.add_argument("--render", action="store_true", help="only rewrite GPU_PROBE.md from the gpu_probe_*.json in --out-dir")
    a = p.parse_args(argv)
    if a.render:
        return None, Path(a.out_dir)
    device = a.device or ("cpu" if a.tiny else "cuda")
    batch = a.batch_sizes or ("1,2" if a.tiny else "1,4,8")
    return ProbeSettings(
        tiny=a.tiny, device=device, dtype=a.dtype or ("float32" if device == "cpu" else "bfloat16"),
        tile_px=a.tile or (112 if a.tiny else DEFAULT_TILE_SIZE), new_tokens=a.new_tokens or (8 if a.tiny else 128),
        batch_sizes=tuple(int(x) for x in batch.split(",") if x.strip()), repeats=max(1, a.repeats),
        sam_predicts=max(1, a.sam_predicts), max_pixels=a.max_pixels,
    ), Path(a.out_dir)


def main(argv: Optional[list[str]] = None) -> int:
    settings, out_dir = parse_args(argv)
    if settings is None:  # --render: results fetched from a GPU machine were copied into out_dir
        reports = [json.loads(p.read_text()) for p in sorted(out_dir.glob("gpu_probe_*.json"))]
        (out_dir / "GPU_PROBE.md").write_text(markdown(reports))
        print(f"wrote {out_dir / 'GPU_PROBE.md'} from {len(reports)} report(s)")
        return 0
    from inference_core.models.devices import resolve_device

    try:
        settings.device = resolve_device(settings.device)
    except Exception as exc:  # noqa: BLE001 - a clear line, not a traceback
        print(f"gpu_probe: {exc}", file=sys.stderr)
        return 2
    report = run_probe(settings)
    js, md = write_outputs(report, device_label(settings.device, settings.tiny), out_dir)
    print(f"wrote {js} and {md}")
    return 1 if report.error else 0


if __name__ == "__main__":
    sys.exit(main())
