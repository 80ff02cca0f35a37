"""Known models for the model manager: where they come from, size, licence, checksum (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ModelEntry:
    key: str
    title: str
    kind: str  # "mllm" | "sam" (SAM 1 .pth) | "sam2" (SAM 2.1, transformers format) | "sam3" (find-all)
    source: str  # hub repo id (mllm, sam2) or download URL (sam)
    size_bytes: int  # download size, for the disk-space check (approximate for hub models)
    licence: str
    sha256: Optional[str] = None  # SAM 1 checkpoints: published SHA-256 (hub files: the LFS SHA-256, by the hub)
    sam_type: Optional[str] = None  # options.SAM_TYPES
    # Gated on the Hugging Face Hub: downloads need access granted on the model page and a token (HF_TOKEN).
    gated: bool = False

    @property
    def file_name(self) -> Optional[str]:
        return self.source.rsplit("/", 1)[-1] if self.kind == "sam" else None


_SAM_URL = "https://dl.fbaipublicfiles.com/segment_anything/"
# Kinds whose files live in the Hugging Face cache (downloaded with snapshot_download), not the models folder.
HUB_KINDS = ("mllm", "sam2", "sam3")

MODELS: tuple[ModelEntry, ...] = (
    ModelEntry("remotereasoner-7b", "RemoteReasoner 7B (Qwen2.5-VL-7B, GRPO)", "mllm",
               "1e12Leon/RemoteReasoner", 16_600_000_000, "see the model card (Qwen2.5-VL-7B base: Apache-2.0)"),
    ModelEntry("qwen2.5-vl-7b", "Qwen2.5-VL-7B-Instruct", "mllm",
               "Qwen/Qwen2.5-VL-7B-Instruct", 16_600_000_000, "Apache-2.0"),
    ModelEntry("qwen2.5-vl-3b", "Qwen2.5-VL-3B-Instruct", "mllm",
               "Qwen/Qwen2.5-VL-3B-Instruct", 7_500_000_000, "Qwen Research Licence (non-commercial)"),
    # Think2Seg-RS (arXiv 2512.19302): Qwen2.5-VL fine-tuned to prompt SAM 2.1; template `think2seg-rs`.
    ModelEntry("think2seg-rs-7b", "Think2Seg-RS 7B (Qwen2.5-VL-7B)", "mllm",
               "RicardoString/Think2Seg-RS-7B", 16_600_000_000, "see the model card (Qwen2.5-VL-7B base: Apache-2.0)"),
    ModelEntry("think2seg-rs-3b", "Think2Seg-RS 3B (Qwen2.5-VL-3B)", "mllm",
               "RicardoString/Think2Seg-RS-3B", 7_500_000_000, "see the model card (Qwen2.5-VL-3B base: Qwen Research Licence)"),
    ModelEntry("sam-vit-b", "Segment Anything ViT-B", "sam", _SAM_URL + "sam_vit_b_01ec64.pth",
               375_042_383, "Apache-2.0",
               "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", "vit_b"),
    ModelEntry("sam-vit-l", "Segment Anything ViT-L", "sam", _SAM_URL + "sam_vit_l_0b3195.pth",
               1_249_524_607, "Apache-2.0",
               "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622", "vit_l"),
    ModelEntry("sam-vit-h", "Segment Anything ViT-H", "sam", _SAM_URL + "sam_vit_h_4b8939.pth",
               2_564_550_879, "Apache-2.0",
               "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e", "vit_h"),
    # SAM 2.1 in transformers format (config.json + model.safetensors; the .pt files in the same hub repos are
    # never downloaded). The reference prompts Hiera-Tiny (RemoteReasoner.py:116-117 at 0c7ee9a; its README
    # calls large "optional, for better performance"). Sizes: Meta's .pt files, about the safetensors' size.
    # Meta publishes no SHA-256; huggingface_hub stores each LFS file under its SHA-256, checked on load.
    ModelEntry("sam2.1-hiera-tiny", "SAM 2.1 Hiera-Tiny (the reference's SAM)", "sam2",
               "facebook/sam2.1-hiera-tiny", 156_008_466, "Apache-2.0", None, "sam2.1_hiera_tiny"),
    ModelEntry("sam2.1-hiera-small", "SAM 2.1 Hiera-Small", "sam2",
               "facebook/sam2.1-hiera-small", 184_416_285, "Apache-2.0", None, "sam2.1_hiera_small"),
    ModelEntry("sam2.1-hiera-base-plus", "SAM 2.1 Hiera-Base+", "sam2",
               "facebook/sam2.1-hiera-base-plus", 323_606_802, "Apache-2.0", None, "sam2.1_hiera_base_plus"),
    ModelEntry("sam2.1-hiera-large", "SAM 2.1 Hiera-Large", "sam2",
               "facebook/sam2.1-hiera-large", 898_083_611, "Apache-2.0", None, "sam2.1_hiera_large"),
    # SAM 3 (find-all mode): 848 M parameters in float32 safetensors (about 3.45 GB; Meta's sam3.pt in the same
    # repository is never fetched). Gated: request access on https://huggingface.co/facebook/sam3 (accept the
    # SAM License), then download with a token. The hub checks each LFS file's SHA-256, as for SAM 2.1.
    ModelEntry("sam3", "SAM 3 (find-all: every instance of a noun phrase)", "sam3",
               "facebook/sam3", 3_450_000_000, "SAM License (Meta; gated: request access on Hugging Face)",
               gated=True),
)

# Official SAM file name -> published SHA-256 (checked when a checkpoint has that name).
SAM_SHA256 = {m.file_name: m.sha256 for m in MODELS if m.kind == "sam"}


def find(key: str) -> ModelEntry:
    for m in MODELS:
        if m.key == key:
            return m
    raise KeyError(f"unknown model {key!r}; known: {', '.join(m.key for m in MODELS)}")
