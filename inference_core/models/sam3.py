"""SAM 3 through transformers (`Sam3Model` + `Sam3Processor`): every instance of a short noun phrase in a view
(promptable concept segmentation), each a box, a mask and a score — the find-all mode's model.

Pre- and post-processing are transformers' own (models/sam3/processing_sam3.py, image_processing_sam3.py
in transformers 5.24): the view is resized to the model's square input (1008 px for facebook/sam3) with
mean/std 0.5, the phrase is tokenised to 32 tokens; an instance's score is sigmoid(logit) x sigmoid(presence),
its mask the bilinear upsampling of the mask logits to the view, > 0.5 — as Meta's reference does
(facebookresearch/sam3 at 013fa0e, sam3/model/sam3_image_processor.py, `postprocess_output`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from inference_core.contract.options import DEFAULT_SAM3_MODEL, DEFAULT_SCORE_THRESHOLD
from inference_core.models.backends.base import BackendError, BackendOOM, ReasonReply
from inference_core.models.hub_folder import FolderKind, check_folder_files, load_checked, locate_folder, read_folder_config

MODEL_TYPES = ("sam3", "sam3_video")  # the video checkpoint carries the same detector (Sam3Model loads it)
# transformers' post_process_instance_segmentation binarises sigmoid(mask logits) at this (its default),
# the same pixels as Meta's `logits > 0.0` (sam3_image_processor.py, postprocess_output).
MASK_THRESHOLD = 0.5
# Instances scored at or below the run's threshold but above this are "dropped" and counted in the run's end line;
# below it a query slot found nothing (SAM 3 scores each of its 200 queries: most score ~0, and counting those
# would say "dropped 195" on every view).
DROPPED_FLOOR = 0.05
GATED_HINT = ("SAM 3 is gated on the Hugging Face Hub: request access on https://huggingface.co/facebook/sam3 "
              "(accept the SAM License), then give the engine a token with read access — HF_TOKEN in the "
              "environment, or in the plugin's Models tab (kept in QGIS's authentication database)")


class Sam3Error(BackendError):
    """A SAM 3 model that cannot be used; the message says what to do."""


_KIND = FolderKind("SAM 3", DEFAULT_SAM3_MODEL, Sam3Error, f"{GATED_HINT}; or pass a local folder.", MODEL_TYPES,
                   "SAM 3", f"find-all needs {DEFAULT_SAM3_MODEL} or a folder of it.")


@dataclass
class Instance:
    """One instance SAM 3 found in a view: box and mask in the view's pixels, and its score."""

    box_px: tuple[float, float, float, float]
    mask: np.ndarray  # bool HxW, the view's size
    score: float


@dataclass
class FindRequest:
    """One view for SAM 3: its RGB pixels (view size), which pixels hold data, the noun phrase."""

    tile_id: int
    rgb: np.ndarray  # HxWx3 uint8
    valid: np.ndarray  # HxW bool
    text: str


@dataclass
class FindReply(ReasonReply):
    """A view's instances; `raw_text` is their JSON summary for the responses table."""

    instances: Sequence[Instance] = ()
    dropped: Sequence[float] = ()  # scores of the instances at or below the threshold (above DROPPED_FLOOR)


def locate(source: str) -> tuple[Path, Optional[str]]:
    """(local folder, hub id or None) of a SAM 3 `source`: a folder, or a hub id in (or fetched into) the cache."""
    p = Path(source).expanduser()
    if p.is_file():
        raise Sam3Error(f"{p} is a file: SAM 3 loads from a folder (config.json + model.safetensors) or the hub id "
                        f"{DEFAULT_SAM3_MODEL}.")
    return locate_folder(source, _KIND)


# SAM 3 reads at most 32 text tokens, start and end included: transformers' Sam3Processor tokenises with
# padding="max_length", max_length=32 and no truncation (models/sam3/processing_sam3.py:152 in 5.24), and the
# text encoder has 32 positions (configuration_sam3.py:240 `max_position_embeddings: 32`), so a longer phrase
# fails inside the model after it loaded.
SAM3_MAX_TEXT_TOKENS = 32


def phrase_tokens(source: str, phrase: str) -> Optional[int]:
    """How many tokens SAM 3's own tokenizer (in its folder) makes of `phrase`, start and end included; None when
    the folder is not here yet (its load then says so). Loads the tokenizer only, never the model."""
    try:
        folder, _repo = locate(source)
    except Exception:  # not downloaded, a file, offline: the model load gives that error in its own words
        return None
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError, TypeError):
        return None
    return len(tokenizer(phrase)["input_ids"])


def check_phrase(source: str, phrase: str) -> None:
    """Refuse a find-all phrase longer than SAM 3 reads (Sam3Error), before SAM 3 loads."""
    n = phrase_tokens(source, phrase)
    if n is None:  # no tokenizer at hand: a CLIP token per word at least, plus start and end
        n = len(phrase.split()) + 2
    if n > SAM3_MAX_TEXT_TOKENS:
        words = len(phrase.split())
        raise Sam3Error(f"The find-all phrase is {n} tokens long ({words} word{'s' if words != 1 else ''}); SAM 3 "
                        f"reads at most {SAM3_MAX_TEXT_TOKENS} tokens, start and end included. Give a short noun "
                        f"phrase such as 'red roof' or 'storage tank', or use --mode locate for a sentence.")


def read_config(folder: Path) -> dict[str, Any]:
    """config.json of a SAM 3 folder; Sam3Error when it is missing, unreadable or another architecture."""
    return read_folder_config(folder, _KIND)


def _model_id(folder: Path, repo_id: Optional[str]) -> str:
    if repo_id is not None:
        return f"sam3:{repo_id}@{folder.name}"
    stats = [(w.name, w.stat().st_size) for w in sorted(folder.glob("*.safetensors"))]
    return f"sam3:{folder.name}:" + ",".join(f"{n}:{s}" for n, s in stats)


def _dtype(dtype: str, device: str):
    """float32 on CPU; bfloat16 on a GPU for `auto` (Meta runs SAM 3 under bfloat16 autocast on CUDA)."""
    import torch

    name = (dtype or "auto").lower()
    if name == "auto":
        return torch.bfloat16 if str(device).startswith("cuda") else torch.float32
    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]


def load_sam3(source: str = DEFAULT_SAM3_MODEL, device: str = "cpu", dtype: str = "auto") -> "Sam3Finder":
    """Load SAM 3 from a transformers folder or hub id, with the same checks as SAM 2.1's loader: config.json
    is SAM 3, every weight file is there, a hub file still hashes to its LFS SHA-256, the weights fill the
    architecture. Never runs repository code (the Sam3Model class is fixed, no trust_remote_code)."""
    folder, repo_id = locate(source)
    read_config(folder)
    check_folder_files(folder, repo_id, _KIND)
    from transformers import Sam3Model, Sam3Processor

    model = load_checked(Sam3Model, folder, _KIND, dtype=_dtype(dtype, device))
    try:
        processor = Sam3Processor.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise Sam3Error(f"Cannot load SAM 3's processor from {folder.name} ({detail}): download it again or check "
                        f"the folder.") from None
    return Sam3Finder(model.to(device).eval(), processor, device, _model_id(folder, repo_id))


class Sam3Finder:
    """Finds every instance of a noun phrase in a batch of views; the `reason` interface of a backend, so the
    pipeline's batching and out-of-memory policy apply as they do to the reasoner."""

    name = "sam3"

    def __init__(self, model, processor, device: str, model_id: str,
                 score_threshold: float = DEFAULT_SCORE_THRESHOLD):
        self.model = model
        self.processor = processor
        self.device = device
        self.model_id = model_id
        self.score_threshold = float(score_threshold)

    def configure(self, score_threshold: float) -> None:
        self.score_threshold = float(score_threshold)

    def reason(self, requests: Sequence[FindRequest]) -> list[FindReply]:
        import json

        if not requests:
            return []
        t0 = time.perf_counter()
        try:
            found = self.find_scored([r.rgb for r in requests], [r.text for r in requests])
        except RuntimeError as exc:
            if "out of memory" in str(exc).lower():
                raise BackendOOM(str(exc).splitlines()[0]) from None
            raise
        seconds = (time.perf_counter() - t0) / len(requests)
        size = int(self.processor.target_size)
        replies = []
        for req, (instances, dropped) in zip(requests, found):
            for inst in instances:  # nodata / alpha pixels are never part of an object
                inst.mask &= np.asarray(req.valid, dtype=bool)
            summary = [{"bbox": [round(v, 2) for v in i.box_px], "score": round(i.score, 4)} for i in instances]
            replies.append(FindReply(req.tile_id, json.dumps(summary), (size, size), seconds, instances=instances,
                                     dropped=dropped))
        return replies

    def find(self, images: Sequence[np.ndarray], texts: Sequence[str]) -> list[list[Instance]]:
        """Instances above the score threshold in each HxWx3 uint8 view, best first."""
        return [kept for kept, _dropped in self.find_scored(images, texts)]

    def find_scored(self, images: Sequence[np.ndarray], texts: Sequence[str]) -> list[tuple[list[Instance], list[float]]]:
        """Per view: the instances above the score threshold (best first) and the scores of those it drops
        (at or below the threshold, above DROPPED_FLOOR), so a run can say what the threshold hid."""
        import torch

        inputs = self.processor(images=list(images), text=list(texts), input_data_format="channels_last",
                                return_tensors="pt")
        sizes = inputs["original_sizes"].tolist()
        pixels = inputs["pixel_values"].to(self.device, dtype=self.model.dtype)
        with torch.inference_mode():
            outputs = self.model(pixel_values=pixels, input_ids=inputs["input_ids"].to(self.device),
                                 attention_mask=inputs["attention_mask"].to(self.device))
        out = []
        for r in self.post_process(outputs, sizes):
            found = self._instances(r)
            out.append(([i for i in found if i.score > self.score_threshold],
                        [i.score for i in found if i.score <= self.score_threshold]))
        return out

    def post_process(self, outputs, target_sizes: list[list[int]]) -> list[dict]:
        """transformers' own post-processing: scores, boxes in view pixels (xyxy), binary masks at view size; down to
        DROPPED_FLOOR when the threshold is above it (the instances between are counted as dropped, never kept)."""
        return self.processor.post_process_instance_segmentation(
            outputs, threshold=min(self.score_threshold, DROPPED_FLOOR), mask_threshold=MASK_THRESHOLD,
            target_sizes=target_sizes)

    @staticmethod
    def _instances(result: dict) -> list[Instance]:
        scores = result["scores"].float().cpu().numpy()
        boxes = result["boxes"].float().cpu().numpy()
        masks = result["masks"].cpu().numpy().astype(bool)
        order = np.argsort(-scores, kind="stable")
        return [Instance(tuple(float(v) for v in boxes[i]), masks[i], float(scores[i])) for i in order]

    def close(self) -> None:
        self.model = None


# ------------------------------------------------------------------------------------ tiny model for tests
TINY_IMAGE_SIZE = 112  # 8x8 patches of 14 px


def tiny_config() -> Any:
    """A complete SAM 3 of ~270k parameters for offline tests: 112-px input, 2-layer ViT and text encoder,
    one DETR layer each side, 20 queries; every part of the real architecture is there."""
    from transformers import Sam3Config

    s, grid = TINY_IMAGE_SIZE, TINY_IMAGE_SIZE // 14
    small = dict(hidden_size=32, num_attention_heads=2, intermediate_size=64)
    return Sam3Config(
        vision_config=dict(
            backbone_config=dict(model_type="sam3_vit_model", num_hidden_layers=2, image_size=s, patch_size=14,
                                 window_size=4, global_attn_indexes=[1], pretrain_image_size=s, **small),
            fpn_hidden_size=32, backbone_feature_sizes=[[grid * 4] * 2, [grid * 2] * 2, [grid] * 2]),
        text_config=dict(num_hidden_layers=2, projection_dim=32, max_position_embeddings=32, **small),
        geometry_encoder_config=dict(num_layers=1, **small),
        detr_encoder_config=dict(num_layers=1, **small),
        detr_decoder_config=dict(num_layers=1, num_queries=20, **small),
        mask_decoder_config=dict(hidden_size=32, num_attention_heads=2),
    )


def tiny_tokenizer(folder: Path):
    """A CLIP tokenizer (SAM 3's text encoder is CLIP's) over the byte alphabet, no merges: real tokenisation
    code, a vocabulary of 514."""
    import json

    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    chars = sorted(ByteLevel.alphabet())
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": len(chars) + i for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))


def save_sam3(model, tokenizer, folder: str | Path) -> Path:
    """Write `model` (safetensors) and its processor (sized to the model's input) as load_sam3 reads them."""
    from transformers import Sam3ImageProcessor, Sam3Processor

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    s = int(model.config.vision_config.backbone_config.image_size)
    Sam3Processor(image_processor=Sam3ImageProcessor(size={"height": s, "width": s}),
                  tokenizer=tokenizer).save_pretrained(folder)
    return folder


def build_tiny_sam3(folder: str | Path, seed: int) -> Path:
    import tempfile

    import torch
    from transformers import Sam3Model

    with tempfile.TemporaryDirectory() as tmp:
        tok = tiny_tokenizer(Path(tmp))
    config = tiny_config()
    config.text_config.vocab_size = len(tok)
    config.text_config.bos_token_id, config.text_config.eos_token_id = tok.bos_token_id, tok.eos_token_id
    config.text_config.pad_token_id = tok.pad_token_id
    torch.manual_seed(seed)
    return save_sam3(Sam3Model(config).eval(), tok, folder)
