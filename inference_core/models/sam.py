"""Segment Anything models from a JSON-serialisable dict of dimensions; checkpoints loaded safely by path."""

from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path
from typing import Any, Optional

from inference_core.contract.catalog import MODELS
from inference_core.contract.digests import sha256_cached
from inference_core.contract.options import SAM1_TYPES

# The published segment-anything dimensions (segment_anything/build_sam.py). Everything that is
# not a ViT size is shared by the three checkpoints.
_COMMON: dict[str, Any] = {
    "img_size": 1024,
    "patch_size": 16,
    "window_size": 14,
    "mlp_ratio": 4.0,
    "prompt_embed_dim": 256,  # = the encoder's out_chans and the decoder's transformer_dim
    "mask_in_chans": 16,
    "decoder_depth": 2,
    "decoder_mlp_dim": 2048,
    "decoder_num_heads": 8,
    "iou_head_depth": 3,
    "iou_head_hidden_dim": 256,
    "num_multimask_outputs": 3,
    "pixel_mean": [123.675, 116.28, 103.53],
    "pixel_std": [58.395, 57.12, 57.375],
}
VIT_B_CONFIG: dict[str, Any] = {
    **_COMMON, "encoder_embed_dim": 768, "encoder_depth": 12, "encoder_num_heads": 12,
    "encoder_global_attn_indexes": [2, 5, 8, 11],
}
VIT_L_CONFIG: dict[str, Any] = {
    **_COMMON, "encoder_embed_dim": 1024, "encoder_depth": 24, "encoder_num_heads": 16,
    "encoder_global_attn_indexes": [5, 11, 17, 23],
}
VIT_H_CONFIG: dict[str, Any] = {
    **_COMMON, "encoder_embed_dim": 1280, "encoder_depth": 32, "encoder_num_heads": 16,
    "encoder_global_attn_indexes": [7, 15, 23, 31],
}
# Tiny but complete SAM for offline tests: 128-px input -> 8x8 embedding grid, windows of 4.
TINY_SAM_CONFIG: dict[str, Any] = {
    **_COMMON, "img_size": 128, "window_size": 4, "encoder_embed_dim": 32, "encoder_depth": 2,
    "encoder_num_heads": 2, "encoder_global_attn_indexes": [1], "prompt_embed_dim": 32,
    "mask_in_chans": 4, "decoder_mlp_dim": 64, "decoder_num_heads": 2, "iou_head_hidden_dim": 32,
}
SAM_CONFIGS: dict[str, dict[str, Any]] = {
    "vit_b": VIT_B_CONFIG, "vit_l": VIT_L_CONFIG, "vit_h": VIT_H_CONFIG, "default": VIT_H_CONFIG,
    "tiny": TINY_SAM_CONFIG,
}
# Official checkpoint file names -> (type, published SHA-256 of the file).
OFFICIAL_CHECKPOINTS: dict[str, tuple[str, str]] = {
    m.file_name: (m.sam_type, m.sha256) for m in MODELS if m.kind == "sam" and m.file_name and m.sam_type and m.sha256
}


class SamError(ValueError):
    """A SAM checkpoint that cannot be used; the message says what to do."""


# Plausible ranges of the dimensions in a `.json` beside a checkpoint, checked before anything is built: a
# negative size, or an img_size of 10**7 (a 50 TB position embedding), must be a message, not an allocation.
# The published models sit well inside (vit_h: 1280 wide, 32 deep, 16 heads, 1024 px; build_sam.py).
_INT_RANGES: dict[str, tuple[int, int]] = {
    "img_size": (16, 4096), "patch_size": (1, 64), "window_size": (0, 256), "prompt_embed_dim": (1, 4096),
    "mask_in_chans": (1, 1024), "decoder_depth": (1, 64), "decoder_mlp_dim": (1, 32768),
    "decoder_num_heads": (1, 128), "iou_head_depth": (1, 64), "iou_head_hidden_dim": (1, 8192),
    "num_multimask_outputs": (1, 16), "encoder_embed_dim": (1, 8192), "encoder_depth": (1, 128),
    "encoder_num_heads": (1, 128),
}
# Image encoder weights, about 12 x depth x width^2: vit_h has 0.63 G; above this the file is not a SAM.
_MAX_ENCODER_PARAMS = 4_000_000_000


def _check_dimensions(c: dict[str, Any]) -> None:
    """Raise SamError naming the first dimension outside its plausible range (or of the wrong type)."""
    for key, (lo, hi) in _INT_RANGES.items():
        v = c[key]
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise SamError(f"SAM dimension {key} = {v!r} is not an integer from {lo} to {hi}.")
    mlp = c["mlp_ratio"]
    if isinstance(mlp, bool) or not isinstance(mlp, (int, float)) or not 0 < mlp <= 64:
        raise SamError(f"SAM dimension mlp_ratio = {mlp!r} is not a number above 0 and at most 64.")
    for key in ("pixel_mean", "pixel_std"):
        v = c[key]
        if not (isinstance(v, list) and len(v) == 3 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                              and math.isfinite(x) for x in v)):
            raise SamError(f"SAM dimension {key} = {v!r} is not a list of three numbers.")
    if any(x <= 0 for x in c["pixel_std"]):
        raise SamError(f"SAM dimension pixel_std = {c['pixel_std']!r} must be positive.")
    idx = c["encoder_global_attn_indexes"]
    if not (isinstance(idx, list) and all(isinstance(i, int) and not isinstance(i, bool)
                                          and 0 <= i < c["encoder_depth"] for i in idx)):
        raise SamError(f"SAM dimension encoder_global_attn_indexes = {idx!r} must list block numbers from 0 to "
                       f"encoder_depth - 1 ({c['encoder_depth'] - 1}).")
    for width, heads in (("encoder_embed_dim", "encoder_num_heads"), ("prompt_embed_dim", "decoder_num_heads")):
        if c[width] % c[heads]:
            raise SamError(f"SAM dimension {width} = {c[width]} is not a multiple of {heads} = {c[heads]}.")
    if c["img_size"] % c["patch_size"]:
        raise SamError(f"SAM dimension img_size = {c['img_size']} is not a multiple of patch_size = {c['patch_size']}.")
    params = 12 * c["encoder_depth"] * c["encoder_embed_dim"] ** 2
    if params > _MAX_ENCODER_PARAMS:
        raise SamError(f"SAM dimensions describe a {params / 1e9:.0f} G-parameter image encoder "
                       f"(encoder_depth {c['encoder_depth']} x encoder_embed_dim {c['encoder_embed_dim']}), "
                       f"far beyond any SAM (vit_h: 0.6 G).")


def _full_config(config: dict[str, Any]) -> dict[str, Any]:
    """Fill a (possibly partial) dimensions dict with the shared defaults; reject unknown keys and absurd values."""
    unknown = sorted(set(config) - set(VIT_B_CONFIG))
    if unknown:
        raise SamError(
            f"Unknown SAM dimension(s) {', '.join(unknown)}; allowed keys: {', '.join(sorted(VIT_B_CONFIG))}."
        )
    full = {**VIT_B_CONFIG, **config}
    _check_dimensions(full)
    return full


def build_sam(config: dict[str, Any]):
    """Assemble an untrained `segment_anything.modeling.Sam` (eval mode) from a dimensions dict."""
    import torch
    from segment_anything.modeling import (
        ImageEncoderViT,
        MaskDecoder,
        PromptEncoder,
        Sam,
        TwoWayTransformer,
    )

    c = _full_config(config)
    dim = int(c["prompt_embed_dim"])
    grid = int(c["img_size"]) // int(c["patch_size"])
    sam = Sam(
        image_encoder=ImageEncoderViT(
            depth=int(c["encoder_depth"]), embed_dim=int(c["encoder_embed_dim"]), img_size=int(c["img_size"]),
            mlp_ratio=float(c["mlp_ratio"]), norm_layer=partial(torch.nn.LayerNorm, eps=1e-6),
            num_heads=int(c["encoder_num_heads"]), patch_size=int(c["patch_size"]), qkv_bias=True,
            use_rel_pos=True, global_attn_indexes=tuple(int(i) for i in c["encoder_global_attn_indexes"]),
            window_size=int(c["window_size"]), out_chans=dim,
        ),
        prompt_encoder=PromptEncoder(
            embed_dim=dim, image_embedding_size=(grid, grid),
            input_image_size=(int(c["img_size"]), int(c["img_size"])), mask_in_chans=int(c["mask_in_chans"]),
        ),
        mask_decoder=MaskDecoder(
            num_multimask_outputs=int(c["num_multimask_outputs"]),
            transformer=TwoWayTransformer(
                depth=int(c["decoder_depth"]), embedding_dim=dim, mlp_dim=int(c["decoder_mlp_dim"]),
                num_heads=int(c["decoder_num_heads"]),
            ),
            transformer_dim=dim, iou_head_depth=int(c["iou_head_depth"]),
            iou_head_hidden_dim=int(c["iou_head_hidden_dim"]),
        ),
        pixel_mean=list(c["pixel_mean"]), pixel_std=list(c["pixel_std"]),
    )
    return sam.eval()


def save_sam(sam, path: str | Path, config: dict[str, Any]) -> Path:
    """Write a state_dict to `path` and its dimensions to `<stem>.json` beside it (what load_sam reads)."""
    import torch

    path = Path(path)
    torch.save(sam.state_dict(), path)
    path.with_suffix(".json").write_text(json.dumps(_full_config(config), indent=1))
    return path


def resolve_config(path: Path, sam_type: Optional[str]) -> tuple[str, dict[str, Any]]:
    """(type name, dimensions): from sam_type, else `<stem>.json` beside the file, else the official name."""
    if sam_type:
        if sam_type not in SAM_CONFIGS:
            raise SamError(f"Unknown SAM type {sam_type!r}: use one of {', '.join(SAM1_TYPES)}, or put a "
                           f"{path.stem}.json of its dimensions beside the checkpoint and leave --sam-type empty.")
        return sam_type, SAM_CONFIGS[sam_type]
    side = path.with_suffix(".json")
    if side.is_file():
        try:
            config = json.loads(side.read_text())
        except (OSError, ValueError) as exc:
            raise SamError(f"Cannot read the SAM dimensions file {side}: {exc}. Fix or delete it, "
                           f"or pass --sam-type vit_b|vit_l|vit_h.") from None
        if not isinstance(config, dict):
            raise SamError(f"{side} must hold a JSON object of SAM dimensions (e.g. encoder_embed_dim).")
        try:
            return "json", _full_config(config)
        except SamError as exc:
            raise SamError(f"{side.name}: {exc} Fix or delete it, or pass --sam-type vit_b|vit_l|vit_h.") from None
    if path.name in OFFICIAL_CHECKPOINTS:
        kind = OFFICIAL_CHECKPOINTS[path.name][0]
        return kind, SAM_CONFIGS[kind]
    raise SamError(
        f"Cannot tell which SAM architecture {path.name} is: pass --sam-type vit_b|vit_l|vit_h, or put a "
        f"{path.stem}.json of its dimensions beside it (official names like sam_vit_b_01ec64.pth are recognised)."
    )


def _state_dict(obj: Any) -> dict[str, Any]:
    """The tensors of a checkpoint: a plain state_dict or one wrapped under 'model'/'state_dict'."""
    if isinstance(obj, dict):
        for key in ("model", "state_dict"):
            inner = obj.get(key)
            if isinstance(inner, dict) and inner and all(isinstance(k, str) for k in inner):
                return inner
        return obj
    raise SamError("The SAM checkpoint does not hold a state_dict (a dict of tensors); save it with "
                   "torch.save(model.state_dict(), path).")


def load_sam(path: str | Path, sam_type: Optional[str] = None, device: str = "cpu"):
    """Load a SAM checkpoint by path -> (Sam in eval mode on `device`, model id for caches).

    The architecture comes from `sam_type`, else `<stem>.json` beside the file, else the official
    file name; an official file name also has its published SHA-256 checked. Weights are read with
    `weights_only=True` so a checkpoint cannot run code.
    """
    import torch

    path = Path(path).expanduser()
    if not path.is_file():
        raise SamError(f"SAM checkpoint not found: {path}. Download e.g. sam_vit_b_01ec64.pth from "
                       f"https://github.com/facebookresearch/segment-anything#model-checkpoints and pass --sam PATH.")
    kind, config = resolve_config(path, sam_type)
    stat = path.stat()
    model_id = f"{kind}:{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
    if path.name in OFFICIAL_CHECKPOINTS:
        expected = OFFICIAL_CHECKPOINTS[path.name][1]
        digest = sha256_cached(path)  # hashed once per file version, then cached (contract.digests)
        if digest != expected:
            raise SamError(f"{path.name} is damaged or not the published file (SHA-256 {digest[:12]}..., "
                           f"expected {expected[:12]}...). Download it again; a fine-tuned model needs "
                           f"another file name plus --sam-type or a .json of its dimensions.")
        model_id = f"{kind}:{digest}"
    try:
        obj = torch.load(path, map_location=device, weights_only=True)
    except Exception as exc:  # unpickling refused or corrupt archive
        raise SamError(f"Cannot read SAM checkpoint {path.name} as plain weights ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''}). Only state_dict files are accepted.") from None
    sam = build_sam(config)
    try:
        sam.load_state_dict(_state_dict(obj), strict=True)
    except RuntimeError as exc:
        detail = str(exc).splitlines()[0][:300]
        fix = ("pass the right --sam-type (vit_b|vit_l|vit_h)" if kind != "json"
               else f"fix the dimensions in {path.with_suffix('.json').name}")
        raise SamError(f"The weights in {path.name} do not match the {kind} SAM architecture ({detail}): {fix}.") from None
    return sam.to(device).eval(), model_id
