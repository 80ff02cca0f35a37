"""SAM 2.1 through transformers (`Sam2Model` + `Sam2Processor`): a folder or hub id loaded with checks, and
a predictor with segment_anything's `SamPredictor` interface, so `models.segment` drives both SAMs alike.

Why transformers and not Meta's `sam2` package: it is already in the engine (no hydra/iopath), reads
safetensors (no pickle), and its prompt encoder and dynamic multimask selection match upstream
(docs/sam2.md). What follows the reference's use of SAM 2.1 cites RemoteReasoner (0c7ee9a)
sam2/sam_mask_generator.py and facebookresearch/sam2 (2b90b9f).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, Optional

import numpy as np

from inference_core.contract.model_state import (
    SAM2_MODEL_TYPES,
)
from inference_core.contract.options import DEFAULT_SAM_MODEL, SAM1_TYPES, SAM2_TYPES
from inference_core.models.hub_folder import FolderKind, check_folder_files, load_checked, locate_folder, read_folder_config
from inference_core.models.sam import SamError

# config.json model types that hold a SAM 2 image model: the video model's checkpoints carry the same
# vision encoder, prompt encoder and mask decoder (Sam2Model loads them and leaves the memory parts).
MODEL_TYPES = SAM2_MODEL_TYPES
# Hiera trunk (embed_dim, blocks per stage) -> size, from sam2/configs/sam2.1/sam2.1_hiera_{t,s,b+,l}.yaml
# (base+ keeps Hiera's default stages 2,3,16,3); transformers calls them hidden_size / blocks_per_stage.
HIERA_SIZES: dict[tuple[int, tuple[int, ...]], str] = {
    (96, (1, 2, 7, 2)): "sam2.1_hiera_tiny",
    (96, (1, 2, 11, 2)): "sam2.1_hiera_small",
    (112, (2, 3, 16, 3)): "sam2.1_hiera_base_plus",
    (144, (2, 6, 36, 4)): "sam2.1_hiera_large",
}
# build_sam2's default post-processing, which the reference gets (sam2/build_sam.py:71-90): a single-mask
# request falls back to the best of the 3 multimask outputs when the single mask is unstable.
DYNAMIC_MULTIMASK = {"dynamic_multimask_via_stability": True, "dynamic_multimask_stability_delta": 0.05,
                     "dynamic_multimask_stability_thresh": 0.98}
MASK_THRESHOLD = 0.0  # SAM2ImagePredictor's default mask_threshold (sam2_image_predictor.py:24)
# Meta's checkpoints for the `sam2` package (checkpoints/download_ckpts.sh:40-44): not this loader's format.
_META_PT = re.compile(r"sam2(\.1)?_hiera_(tiny|small|base_plus|large)\.pt")
_KIND = FolderKind("SAM 2.1", DEFAULT_SAM_MODEL, SamError,
                   f"Check the id (e.g. {DEFAULT_SAM_MODEL}) and the network, or pass a local folder.",
                   MODEL_TYPES, "SAM 2", f"pass a SAM 2.1 folder or hub id such as {DEFAULT_SAM_MODEL}, or a SAM 1 .pth.")


def is_meta_checkpoint(path: str | Path) -> bool:
    """True for a file named like Meta's sam2-package checkpoints (sam2.1_hiera_tiny.pt ...)."""
    return bool(_META_PT.fullmatch(Path(path).name))


def locate(source: str) -> tuple[Path, Optional[str]]:
    """(local folder, hub id or None) of a SAM 2.1 `source`: a folder, or a hub id in (or fetched into) the cache.

    A hub id is fetched with the model store's download (config, processor and safetensors only: the
    sam2-package .pt files in the same repositories are never fetched); offline, only the cache is read.
    """
    p = Path(source).expanduser()
    if p.is_file():
        if is_meta_checkpoint(p):
            raise SamError(f"{p.name} is Meta's checkpoint for the sam2 package; this engine runs SAM 2.1 through "
                           f"transformers: pass --sam {DEFAULT_SAM_MODEL} (or the -small/-base-plus/-large id; "
                           f"downloaded once) or a folder saved with save_pretrained.")
        raise SamError(f"{p} is a file: SAM 2.1 loads from a folder (config.json + model.safetensors) or a hub id "
                       f"like {DEFAULT_SAM_MODEL}; a SAM 1 checkpoint (.pth) takes --sam-type vit_b|vit_l|vit_h.")
    return locate_folder(source, _KIND)


def read_config(folder: Path) -> dict[str, Any]:
    """config.json of a SAM 2 folder; SamError when it is missing, unreadable or another architecture."""
    return read_folder_config(folder, _KIND)


def hiera_size(config: dict[str, Any]) -> str:
    """The SAM 2.1 size of a config.json (SAM2_TYPES), or "sam2" for a trunk of another shape."""
    backbone = (config.get("vision_config") or {}).get("backbone_config") or {}
    key = (backbone.get("hidden_size"), tuple(backbone.get("blocks_per_stage") or ()))
    return HIERA_SIZES.get(key, "sam2")  # type: ignore[arg-type]


def _check_type(size: str, sam_type: Optional[str], name: str) -> None:
    if not sam_type or sam_type == size:
        return
    if sam_type in SAM1_TYPES:
        raise SamError(f"--sam-type {sam_type} is a SAM 1 size, but {name} is SAM 2 ({size}): leave --sam-type "
                       f"empty (the size is read from config.json) or use one of {', '.join(SAM2_TYPES)}.")
    what = size if size != "sam2" else "a SAM 2 of no published size"
    raise SamError(f"{name} is {what}, not {sam_type}: leave --sam-type empty (the size is read from config.json), "
                   f"or pass the folder of a {sam_type} checkpoint.")


def _weights(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors")) or sorted(folder.glob("pytorch_model*.bin"))


def _model_id(folder: Path, repo_id: Optional[str], size: str) -> str:
    """Part of the embedding cache key: the hub revision, else the weight files' names, sizes and times."""
    if repo_id is not None:
        return f"{size}:{repo_id}@{folder.name}"
    stats = [(w.name, w.stat().st_size, w.stat().st_mtime_ns) for w in _weights(folder)]
    return f"{size}:{folder.name}:" + ",".join(f"{n}:{s}:{t}" for n, s, t in stats)


def _processor(folder: Path, image_size: int):
    """The folder's Sam2Processor; upstream's preprocessing when it has none (hub repos of only config and
    weights): resize to the model's square input, ImageNet mean/std (sam2/utils/transforms.py:30-34)."""
    from transformers import Sam2ImageProcessor, Sam2Processor

    try:
        processor = Sam2Processor.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError, TypeError, KeyError):
        processor = Sam2Processor(image_processor=Sam2ImageProcessor(
            size={"height": image_size, "width": image_size},
            mask_size={"height": image_size // 4, "width": image_size // 4}))
    size = processor.image_processor.size
    if (size.height, size.width) != (image_size, image_size) or processor.target_size != image_size:
        raise SamError(f"The processor files in {folder.name} resize to {size.height}x{size.width}, but the model "
                       f"takes {image_size}x{image_size}: delete processor_config.json / preprocessor_config.json "
                       "or save the matching processor.")
    return processor


def load_sam2(source: str, sam_type: Optional[str] = None, device: str = "cpu") -> tuple["Sam2Predictor", str]:
    """Load SAM 2.1 from a transformers folder or hub id -> (predictor on `device`, model id for caches).

    Checks, like SAM 1's: config.json is SAM 2 and of `sam_type`'s size when given; every weight file is
    there; a hub file still hashes to its LFS SHA-256; the weights fill the whole architecture.
    Never runs repository code (the Sam2Model class is fixed, no trust_remote_code).
    """
    folder, repo_id = locate(source)
    config = read_config(folder)
    size = hiera_size(config)
    _check_type(size, sam_type, folder.name if repo_id is None else repo_id)
    check_folder_files(folder, repo_id, _KIND)
    import torch
    from transformers import Sam2Model

    model = load_checked(Sam2Model, folder, _KIND, dtype=torch.float32)
    for name, value in DYNAMIC_MULTIMASK.items():
        setattr(model.mask_decoder, name, value)
    image_size = int(model.config.prompt_encoder_config.image_size)
    predictor = Sam2Predictor(model.to(device).eval(), _processor(folder, image_size), device)
    return predictor, _model_id(folder, repo_id, size)


class Sam2Predictor:
    """`segment_anything.SamPredictor`'s interface (set_image, predict, features, reset_image) for SAM 2.1.

    `features` holds the image embeddings (all three levels the mask decoder reads), so the segmenter's
    cache stores and restores them exactly as it does SAM 1's.
    """

    def __init__(self, model, processor, device: str = "cpu"):
        self.model = model
        self.processor = processor
        self.device = device
        self.reset_image()

    def reset_image(self) -> None:
        self.features: Optional[list] = None
        self.original_size: Optional[tuple[int, int]] = None
        self.input_size: Optional[tuple[int, int]] = None
        self.is_image_set = False

    def _precision(self):
        # The reference encodes and predicts under inference_mode + bfloat16 autocast on CUDA
        # (sam_mask_generator.py:115-116); weights stay float32, as build_sam2 loads them.
        import torch

        if str(self.device).startswith("cuda"):
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def set_image(self, image: np.ndarray, image_format: str = "RGB") -> None:
        """Encode an HxWx3 uint8 RGB image (resized to the model's square input by the processor)."""
        import torch

        if image_format != "RGB":
            raise ValueError("SAM 2.1 takes RGB images")
        inputs = self.processor(images=image, input_data_format="channels_last", return_tensors="pt")
        pixels = inputs["pixel_values"].to(self.device)
        with torch.inference_mode(), self._precision():
            self.features = list(self.model.get_image_embeddings(pixels))
        self.original_size = (int(image.shape[0]), int(image.shape[1]))
        self.input_size = (int(pixels.shape[-2]), int(pixels.shape[-1]))
        self.is_image_set = True

    def predict(self, point_coords: np.ndarray, point_labels: np.ndarray, box: np.ndarray,
                multimask_output: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(masks CxHxW bool, scores C, low-res logits) for one object's points and box, in image pixels.

        Points and box reach the processor in the image's pixels; it scales them to the model input,
        as SAM2ImagePredictor does (sam2_image_predictor.py:387-394).
        """
        import torch

        if not self.is_image_set:
            raise RuntimeError("set_image must be called before predict")
        h, w = self.original_size  # type: ignore[misc]
        prompt = self.processor(
            original_sizes=[[h, w]],
            input_points=[[np.asarray(point_coords, dtype=np.float64).tolist()]],  # image > object > point > xy
            input_labels=[[np.asarray(point_labels).astype(int).tolist()]],
            input_boxes=[[np.asarray(box, dtype=np.float64).reshape(4).tolist()]],  # image > box > xyxy
            return_tensors="pt",
        )
        with torch.inference_mode(), self._precision():
            out = self.model(image_embeddings=self.features, input_points=prompt["input_points"].to(self.device),
                             input_labels=prompt["input_labels"].to(self.device),
                             input_boxes=prompt["input_boxes"].to(self.device), multimask_output=multimask_output)
        low_res = out.pred_masks[0, 0].float().cpu()  # C x h x w logits
        # Bilinear back to the image size, then logits > 0 (transforms.py:117; sam2_image_predictor.py:24).
        masks = self.processor.post_process_masks([low_res[None]], [[h, w]], mask_threshold=MASK_THRESHOLD)[0][0]
        return masks.numpy(), out.iou_scores[0, 0].float().cpu().numpy(), low_res.numpy()


def tiny_config() -> Any:
    """A complete SAM 2 of ~350k parameters for offline tests: 128-px input, 4-stage Hiera, 32-wide decoder.

    Block 3 attends globally (not the first of a stage, whose query pooling needs a window).
    """
    from transformers import Sam2Config

    s = 128
    return Sam2Config(
        vision_config=dict(
            backbone_config=dict(model_type="sam2_hiera_det_model", hidden_size=16, num_attention_heads=1,
                                 image_size=[s, s], blocks_per_stage=[1, 1, 2, 1], embed_dim_per_stage=[16, 32, 64, 128],
                                 num_attention_heads_per_stage=[1, 1, 2, 2], window_size_per_stage=[4, 4, 2, 2],
                                 global_attention_blocks=[3], window_positional_embedding_background_size=[2, 2]),
            backbone_channel_list=[128, 64, 32, 16], fpn_hidden_size=32,
            backbone_feature_sizes=[[s // 4, s // 4], [s // 8, s // 8], [s // 16, s // 16]]),
        prompt_encoder_config=dict(hidden_size=32, image_size=s, patch_size=16, mask_input_channels=4),
        mask_decoder_config=dict(hidden_size=32, mlp_dim=64, num_attention_heads=2, iou_head_hidden_dim=32),
    )


def save_sam2(model, folder: str | Path) -> Path:
    """Write `model` (safetensors) and its processor (sized to the model's input) as load_sam2 reads them."""
    from transformers import Sam2ImageProcessor, Sam2Processor

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    s = int(model.config.prompt_encoder_config.image_size)
    Sam2Processor(image_processor=Sam2ImageProcessor(
        size={"height": s, "width": s}, mask_size={"height": s // 4, "width": s // 4})).save_pretrained(folder)
    return folder
