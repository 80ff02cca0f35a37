"""Offline tiny models for tests and demos: a Qwen2.5-VL folder loadable by `from_pretrained`, a SAM 1
checkpoint, a SAM 2.1 folder and a SAM 3 folder (transformers format).

Weights are random (fixed seed), so the text they generate is noise; what is real is every piece
of loading and inference code: config, tokenizer, chat template, processor, safetensors, SAM parts.
`python -m inference_core.models.tiny --out DIR` writes `DIR/mllm/`, `DIR/sam.pth`, `DIR/sam.json`, `DIR/sam2/`,
`DIR/sam3/`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 1234

# Qwen2.5-VL's special tokens, in the checkpoint's id order (151643...151656 there, 0...13 here).
SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
)
VOCAB_SIZE = 512  # BPE target; the model's embedding table is rounded up to a multiple of 64

# Qwen's pre-tokenisation regex (splits letters, single digits, punctuation runs, whitespace)
# so numbers in boxes are tokenised digit by digit, as in the real model.
_SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# Qwen2.5-VL style chat template: a default system turn; images and videos render as
# <|vision_start|><|image_pad|><|vision_end|>, which the processor expands to one pad per merged patch.
CHAT_TEMPLATE = (
    "{%- if not messages or messages[0]['role'] != 'system' -%}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif -%}"
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message['content'] is string -%}"
    "{{ message['content'] }}"
    "{%- else -%}"
    "{%- for item in message['content'] -%}"
    "{%- if item.get('type') == 'image' or 'image' in item or 'image_url' in item -%}"
    "{{ '<|vision_start|><|image_pad|><|vision_end|>' }}"
    "{%- elif item.get('type') == 'video' or 'video' in item -%}"
    "{{ '<|vision_start|><|video_pad|><|vision_end|>' }}"
    "{%- elif 'text' in item -%}"
    "{{ item['text'] }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{ '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<|im_start|>assistant\\n' }}"
    "{%- endif -%}"
)

# A small fixed corpus in the shapes the engine sends and expects: prompts, reasoning, box lists, JSON.
_CORPUS = [
    "Find the storage tanks next to the pier. Output the thinking process in <think> </think> and the "
    "final answer in <answer> </answer> tags.",
    "<think>The image shows a harbour with two round tanks near the pier.</think>"
    "<answer>[[12,34,56,78], [100,120,140,160]]</answer>",
    "<answer>[]</answer>",
    '```json\n[{"bbox_2d": [10, 20, 300, 400], "label": "building"}, {"point_2d": [5, 6]}]\n```',
    "Locate every building with a blue roof, the field most likely flooded after the dam broke, "
    "trees, roads, ships, airplanes, vehicles, bridges, rivers, lakes, farmland and forest.",
    "You are a helpful assistant. Describe the image. The answer is yes or no.",
    "0123456789 [],.:;!?-+*/=()<>{}\"' \n",
]


@dataclass
class TinyModels:
    """Paths of the built tiny models."""

    mllm_dir: Path
    sam_path: Path
    sam_json: Path
    sam2_dir: Path  # SAM 2.1 folder (config.json, model.safetensors, processor_config.json): --sam DIR
    sam3_dir: Path  # SAM 3 folder (config.json, model.safetensors, processor and tokenizer): --sam3 DIR


def _train_tokenizer():
    """A byte-level BPE trained on the fixed corpus, wrapped as a transformers fast tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(_SPLIT_PATTERN), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=None,
        bos_token=None,
        additional_special_tokens=list(SPECIAL_TOKENS[1:]),
        model_max_length=32768,
        padding_side="left",  # generation batches are left-padded
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def _mllm_config(tokenizer):
    """A Qwen2.5-VL config a few hundred KB in size but structurally complete."""
    from transformers import Qwen2_5_VLConfig

    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    vocab = ((len(tokenizer) + 63) // 64) * 64
    hidden, heads = 64, 4
    head_dim = hidden // heads
    text = dict(
        vocab_size=vocab,
        hidden_size=hidden,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        # mrope splits head_dim/2 rotary frequencies into temporal/height/width sections.
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]},
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        use_sliding_window=False,
    )
    assert sum(text["rope_parameters"]["mrope_section"]) == head_dim // 2
    vision = dict(
        depth=2,
        hidden_size=64,
        intermediate_size=128,
        num_heads=4,
        out_hidden_size=hidden,
        patch_size=14,
        spatial_merge_size=2,
        temporal_patch_size=2,
        window_size=112,
        # the last block must use full attention, or a shallow tower only ever sees windows
        fullatt_block_indexes=[1],
    )
    return Qwen2_5_VLConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=False,
    )


def build_mllm(out_dir: Path) -> Path:
    """Write a tiny Qwen2.5-VL (model + processor, safetensors) into `out_dir`; return it."""
    import torch
    from transformers import (
        GenerationConfig,
        Qwen2_5_VLForConditionalGeneration,
        Qwen2_5_VLProcessor,
        Qwen2VLImageProcessor,
        Qwen2VLVideoProcessor,
    )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = _train_tokenizer()
    config = _mllm_config(tokenizer)
    torch.manual_seed(SEED)
    model = Qwen2_5_VLForConditionalGeneration(config).eval()
    eos = [tokenizer.convert_tokens_to_ids("<|im_end|>"), tokenizer.convert_tokens_to_ids("<|endoftext|>")]
    model.generation_config = GenerationConfig(
        do_sample=False, eos_token_id=eos, pad_token_id=eos[1], bos_token_id=eos[1]
    )
    model.save_pretrained(out_dir, safe_serialization=True)

    # Qwen2.5-VL's published pixel budget; callers override per run (min_pixels/max_pixels).
    size = {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280}
    image_processor = Qwen2VLImageProcessor(size=size, patch_size=14, temporal_patch_size=2, merge_size=2)
    video_processor = Qwen2VLVideoProcessor(size=size, patch_size=14, temporal_patch_size=2, merge_size=2)
    processor = Qwen2_5_VLProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        video_processor=video_processor,
        chat_template=CHAT_TEMPLATE,
    )
    processor.save_pretrained(out_dir)
    return out_dir


def write_tiny_sam(out_dir: Path) -> tuple[Path, Path]:
    """Write a tiny SAM state_dict (`sam.pth`) and its dimensions (`sam.json`) into `out_dir`.

    Built and saved by `models.sam` (the one SAM builder); only the seed and the size are chosen here.
    """
    import torch

    from inference_core.models.sam import TINY_SAM_CONFIG, build_sam, save_sam

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)
    sam_path = save_sam(build_sam(TINY_SAM_CONFIG), out_dir / "sam.pth", TINY_SAM_CONFIG)
    return sam_path, sam_path.with_suffix(".json")


def write_tiny_sam2(out_dir: Path) -> Path:
    """Write a tiny random SAM 2.1 folder (`models.sam2.tiny_config`), read back by the same loader as
    real checkpoints (`models.sam2.load_sam2`)."""
    import torch
    from transformers import Sam2Model

    from inference_core.models.sam2 import save_sam2, tiny_config

    torch.manual_seed(SEED)
    return save_sam2(Sam2Model(tiny_config()).eval(), out_dir)


def write_tiny_sam3(out_dir: Path) -> Path:
    """Write a tiny random SAM 3 folder (`models.sam3.tiny_config`, a byte-level CLIP tokenizer), read back by
    the same loader as facebook/sam3 (`models.sam3.load_sam3`)."""
    from inference_core.models.sam3 import build_tiny_sam3

    return build_tiny_sam3(out_dir, SEED)


def build_tiny_models(out_dir: Path | str) -> TinyModels:
    """Build the tiny models under `out_dir` (`mllm/`, `sam.pth`, `sam.json`, `sam2/`, `sam3/`)."""
    out_dir = Path(out_dir)
    mllm_dir = build_mllm(out_dir / "mllm")
    sam_path, sam_json = write_tiny_sam(out_dir)
    sam2_dir = write_tiny_sam2(out_dir / "sam2")
    sam3_dir = write_tiny_sam3(out_dir / "sam3")
    return TinyModels(mllm_dir=mllm_dir, sam_path=sam_path, sam_json=sam_json, sam2_dir=sam2_dir, sam3_dir=sam3_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m inference_core.models.tiny",
        description="Build offline tiny Qwen2.5-VL, SAM, SAM 2.1 and SAM 3 models (random weights) for tests and demos.",
    )
    parser.add_argument("--out", default="build/tiny-models", help="output folder (default: build/tiny-models)")
    args = parser.parse_args(argv)
    models = build_tiny_models(args.out)
    print(f"MLLM: {models.mllm_dir}\nSAM:  {models.sam_path} ({models.sam_json.name})\nSAM 2.1: {models.sam2_dir}\nSAM 3: {models.sam3_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
