"""Train the tiny Qwen2.5-VL "reasoner" fixture on CPU: find bright squares/rectangles (0, 1 or 2 per image).

Seeded and reproducible given the same thread count. The result is a folder saved with
`save_pretrained` (safetensors) that the engine loads through `TransformersBackend` like any checkpoint:

    python scripts/train_tiny_reasoner.py --minutes 45 --out resources/tiny_reasoner   # the committed fixture
    python scripts/train_tiny_reasoner.py --evaluate resources/tiny_reasoner --images 300
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IMAGE_PX = 112  # 8x8 patches of 14 -> 16 image tokens after the 2x2 merge
QUERY = "bright squares"
TEMPLATE = "tiny-reasoner"
SEED = 20261127
EVAL_SEED = 777  # held-out images: a different generator stream from training
SIGMA = 1.5  # soft target width over neighbouring numbers


# ---------------------------------------------------------------------------------------------- data
@dataclass
class Sample:
    image: np.ndarray  # HxWx3 uint8
    boxes: list[tuple[int, int, int, int]]  # x1, y1, x2, y2 (x2/y2 exclusive), sorted by x1, y1


def make_sample(rng: np.random.Generator, px: int = IMAGE_PX) -> Sample:
    """A noisy blocky dim background with 0 (20 %), 1 (40 %) or 2 (40 %) bright rectangles of 12-40 px."""
    block = int(rng.choice([7, 14, 28]))
    coarse = rng.uniform(10, 110, size=(px // block, px // block, 3))
    img = np.kron(coarse, np.ones((block, block, 1))) + rng.normal(0, 10, size=(px, px, 3))
    n = int(rng.choice([0, 1, 2], p=[0.2, 0.4, 0.4]))
    boxes: list[tuple[int, int, int, int]] = []
    tries = 0
    while len(boxes) < n and tries < 50:
        tries += 1
        w, h = int(rng.integers(12, 41)), int(rng.integers(12, 41))
        if rng.random() < 0.5:
            h = w  # squares half the time
        x1, y1 = int(rng.integers(0, px - w + 1)), int(rng.integers(0, px - h + 1))
        b = (x1, y1, x1 + w, y1 + h)
        # keep a 4 px gap so two targets never touch (they must come out as two boxes)
        if any(b[0] < o[2] + 4 and o[0] < b[2] + 4 and b[1] < o[3] + 4 and o[1] < b[3] + 4 for o in boxes):
            continue
        boxes.append(b)
    for x1, y1, x2, y2 in boxes:
        level = rng.uniform(150, 255)
        tint = rng.uniform(0.75, 1.0, size=3)
        img[y1:y2, x1:x2] = level * tint + rng.normal(0, 6, size=(y2 - y1, x2 - x1, 3))
    boxes.sort()
    return Sample(np.clip(img, 0, 255).astype(np.uint8), boxes)


def answer_text(boxes) -> str:
    n = len(boxes)
    think = "no target." if n == 0 else ("one target." if n == 1 else "two targets.")
    body = "[" + ",".join(f"[{b[0]},{b[1]},{b[2] - 1},{b[3] - 1}]" for b in boxes) + "]"
    return f"<think>{think}</think><answer>{body}</answer>"


# ---------------------------------------------------------------------------------------------- model
def build_tokenizer(prompt: str):
    """Byte-level BPE over the prompt and answer grammar, plus the numbers 0-999 as single tokens."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from inference_core.models.tiny import _SPLIT_PATTERN, CHAT_TEMPLATE, SPECIAL_TOKENS

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(_SPLIT_PATTERN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    corpus = [prompt, "You are a helpful assistant.", "system user assistant\n",
              answer_text([]), answer_text([(1, 2, 3, 4)]), answer_text([(1, 2, 3, 4), (5, 6, 7, 8)])]
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus * 8, trainer=trainer)
    # whole numbers as one token each: matched before pre-tokenisation, longest first
    tok.add_tokens([AddedToken(str(i), normalized=False) for i in range(1000)])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token=None, bos_token=None,
        additional_special_tokens=list(SPECIAL_TOKENS[1:]), model_max_length=4096, padding_side="left",
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_model_and_processor(prompt: str):
    import torch
    from transformers import (GenerationConfig, Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration,
                              Qwen2_5_VLProcessor, Qwen2VLImageProcessor, Qwen2VLVideoProcessor)

    from inference_core.models.tiny import CHAT_TEMPLATE, SPECIAL_TOKENS

    tok = build_tokenizer(prompt)
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    text = dict(vocab_size=((len(tok) + 63) // 64) * 64, hidden_size=128, intermediate_size=512, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [4, 6, 6]},
                bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"],
                use_sliding_window=False)
    vision = dict(depth=2, hidden_size=128, intermediate_size=256, num_heads=4, out_hidden_size=128, patch_size=14,
                  spatial_merge_size=2, temporal_patch_size=2, window_size=112, fullatt_block_indexes=[1])
    config = Qwen2_5_VLConfig(text_config=text, vision_config=vision, image_token_id=ids["<|image_pad|>"],
                              video_token_id=ids["<|video_pad|>"], vision_start_token_id=ids["<|vision_start|>"],
                              vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=False)
    torch.manual_seed(SEED)
    model = Qwen2_5_VLForConditionalGeneration(config)
    eos = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    model.generation_config = GenerationConfig(do_sample=False, eos_token_id=eos, pad_token_id=eos[1], bos_token_id=eos[1])
    size = {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280}
    kw = dict(size=size, patch_size=14, temporal_patch_size=2, merge_size=2)
    processor = Qwen2_5_VLProcessor(image_processor=Qwen2VLImageProcessor(**kw), tokenizer=tok,
                                    video_processor=Qwen2VLVideoProcessor(**kw), chat_template=CHAT_TEMPLATE)
    return model, processor


def number_ids(tok) -> np.ndarray:
    return np.array([tok.convert_tokens_to_ids(str(i)) for i in range(1000)])


# ---------------------------------------------------------------------------------------------- training
def engine_prompt() -> str:
    """The user turn exactly as the engine builds it from the fixture's template."""
    from inference_core.models import prompts

    return prompts.fill(prompts._read(prompts.resolve(TEMPLATE, None)), QUERY)


def make_batch(processor, samples: list[Sample], prompt_text: str):
    """Processor outputs for prompt+answer sequences, labels -100 outside the answer (right padding)."""

    tok = processor.tokenizer
    answers = [answer_text(s.boxes) + "<|im_end|>" for s in samples]
    tok.padding_side = "right"
    inputs = processor(text=[prompt_text + a for a in answers], images=[s.image for s in samples],
                       padding=True, return_tensors="pt")
    tok.padding_side = "left"
    prompt_len = len(processor(text=[prompt_text], images=[samples[0].image])["input_ids"][0])
    labels = inputs["input_ids"].clone()
    labels[:, :prompt_len] = -100
    labels[inputs["attention_mask"] == 0] = -100
    return inputs, labels


def soft_loss(logits, labels, num_ids, num_of_id, sigma: float = SIGMA):
    """Cross-entropy with Gaussian soft targets over neighbouring numbers; one-hot for other tokens."""
    import torch

    logits = logits[:, :-1].float()
    target = labels[:, 1:]
    mask = target != -100
    logp = torch.log_softmax(logits[mask], dim=-1)
    t = target[mask]
    loss = -logp.gather(1, t[:, None]).squeeze(1)
    value = num_of_id[t]
    is_num = value >= 0
    if is_num.any():
        grid = torch.arange(1000, dtype=torch.float32)
        w = torch.exp(-((grid[None, :] - value[is_num, None].float()) ** 2) / (2 * sigma**2))
        w = w / w.sum(1, keepdim=True)
        loss[is_num] = -(w * logp[is_num][:, num_ids]).sum(1)
    return loss.mean()


def train(out: Path, minutes: float, batch: int = 32, lr: float = 2e-3, threads: int = 2, log_every: int = 20) -> dict:
    import torch

    torch.set_num_threads(threads)
    prompt = engine_prompt()
    model, processor = build_model_and_processor(prompt)
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
    prompt_text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    tok = processor.tokenizer
    num_ids = torch.tensor(number_ids(tok))
    num_of_id = torch.full((model.config.text_config.vocab_size,), -1, dtype=torch.long)
    num_of_id[num_ids] = torch.arange(1000)
    rng = np.random.default_rng(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    # cosine over the time budget: the step estimate is refreshed as steps are timed
    deadline = time.perf_counter() + minutes * 60
    start = time.perf_counter()
    step, est_total, history = 0, 1000, []
    model.train()
    while time.perf_counter() < deadline:
        frac = min(1.0, step / est_total)
        for g in opt.param_groups:
            g["lr"] = lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 50)
        inputs, labels = make_batch(processor, [make_sample(rng) for _ in range(batch)], prompt_text)
        out_ = model(**inputs)
        loss = soft_loss(out_.logits, labels, num_ids, num_of_id)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        elapsed = time.perf_counter() - start
        est_total = max(step + 1, int(step * (minutes * 60) / max(elapsed, 1e-6)))
        if step % log_every == 0:
            history.append((step, round(elapsed, 1), round(float(loss), 4)))
            print(f"step {step} t={elapsed:.0f}s loss={float(loss):.4f} lr={opt.param_groups[0]['lr']:.2e}", flush=True)
        if step % 500 == 0:
            save(model, processor, out)
    save(model, processor, out)
    info = {"steps": step, "seconds": round(time.perf_counter() - start, 1), "batch": batch, "lr": lr,
            "threads": threads, "seed": SEED, "loss_history": history[-10:]}
    (out / "training.json").write_text(json.dumps(info, indent=1))
    return info


def save(model, processor, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    processor.save_pretrained(out)
    model.train()


# ---------------------------------------------------------------------------------------------- evaluation
def iou(a, b) -> float:
    from inference_core.geometry.boxes import box_iou

    return float(box_iou(a, b)[0])


def evaluate(folder: Path, images: int = 200, batch: int = 16, seed: int = EVAL_SEED) -> dict:
    """Held-out synthetic images through the engine: TransformersBackend.reason + parse_answer."""
    from PIL import Image

    from inference_core.models.backends.base import ReasonRequest
    from inference_core.models.backends.transformers_backend import TransformersBackend
    from inference_core.models.parsing import parse_answer

    backend = TransformersBackend(str(folder), device="cpu", max_new_tokens=64)
    prompt = engine_prompt()
    rng = np.random.default_rng(seed)
    samples = [make_sample(rng) for _ in range(images)]
    targets = hits = empty = empty_ok = two = two_ok = valid = 0
    ious: list[float] = []
    t0 = time.perf_counter()
    for i in range(0, images, batch):
        chunk = samples[i:i + batch]
        replies = backend.reason([ReasonRequest(i + k, Image.fromarray(s.image), prompt) for k, s in enumerate(chunk)])
        for s, r in zip(chunk, replies):
            parsed = parse_answer(r.raw_text)
            valid += parsed.error is None
            # the input is 112x112, so model pixels are image pixels; truth x2/y2 exclusive -> inclusive
            truth = [(b[0], b[1], b[2] - 1, b[3] - 1) for b in s.boxes]
            if not truth:
                empty += 1
                empty_ok += parsed.error is None and not parsed.boxes
            if len(truth) == 2:
                two += 1
                two_ok += len(parsed.boxes) == 2
            for t in truth:
                targets += 1
                best = max((iou(t, p) for p in parsed.boxes), default=0.0)
                ious.append(best)
                hits += best > 0.5
    backend.close()
    return {"images": images, "seed": seed, "valid_format": round(valid / images, 4),
            "targets": targets, "targets_iou_gt_0_5": round(hits / max(targets, 1), 4),
            "mean_best_iou": round(float(np.mean(ious)) if ious else 0.0, 4),
            "empty_images": empty, "empty_answered_empty": round(empty_ok / max(empty, 1), 4),
            "two_target_images": two, "two_found_as_two": round(two_ok / max(two, 1), 4),
            "seconds": round(time.perf_counter() - t0, 1)}


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "resources" / "tiny_reasoner"))
    p.add_argument("--minutes", type=float, default=20.0, help="training time budget (cosine schedule spans it)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--evaluate", default=None, help="only evaluate this trained folder")
    p.add_argument("--images", type=int, default=200)
    a = p.parse_args(argv)
    if a.evaluate:
        print(json.dumps(evaluate(Path(a.evaluate), a.images), indent=1))
        return 0
    info = train(Path(a.out), a.minutes, threads=a.threads)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
