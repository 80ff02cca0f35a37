"""Qwen2.5-VL family through transformers: CUDA half precision with accelerate, CPU float32 fallback.

Views are resized here by the engine's own rule (`models.vision_input`, bicubic, the run's budget) and
the processor is told not to resize again, as the reference's loader does; every reply carries the
size the model saw, from which the pipeline maps boxes back to view pixels.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from pathlib import Path
from typing import Sequence

from inference_core.contract.digests import model_digest
from inference_core.contract.model_state import (
    TRANSFORMERS_OFFLINE,
    hub_blob_mismatch,
    looks_like_path,
    offline_env,
    weights_problem,
)
from inference_core.contract.options import (
    DEFAULT_DEVICE,
    DEFAULT_DTYPE,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_PIXELS,
    DEFAULT_MODEL,
)
from inference_core.contract.protocol import ErrorCode
from inference_core.models.precision import FLOAT16_WARNING, is_overflow_answer, overflow_message
from inference_core.models.prompts import checkpoint_system
from inference_core.models.vision_input import image_tokens, model_input
from inference_core.models.hub_folder import download_hint
from inference_core.models.load_failure import downloaded, load_failure
from inference_core.models.backends.base import (
    BackendError,
    BackendOOM,
    ReasonReply,
    ReasonRequest,
)
from inference_core.models.memory import answer_advice, free_memory, is_allocator_oom, load_advice

# Architectures whose boxes are absolute pixels of the resized input (Qwen2-VL and Qwen3-VL use a
# 0..1000 relative grid instead, which the coordinate code does not assume).
SUPPORTED_MODEL_TYPES = ("qwen2_5_vl",)


def locate_model(model: str) -> Path:
    """The local folder holding `model`'s config.json: the folder itself, or the hub cache entry.

    Raises BackendError("model") naming the fix for a missing folder, an uncached id while offline,
    an unknown or gated repository, or a network failure.
    """
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        if not (candidate / "config.json").is_file():
            raise BackendError(
                f"{candidate} has no config.json: point --model at a folder saved with save_pretrained "
                "(config.json, *.safetensors, tokenizer and preprocessor files) or at a hub id like "
                "1e12Leon/RemoteReasoner."
            )
        return candidate
    if candidate.exists() or looks_like_path(model):
        raise BackendError(
            f"Model folder not found: {candidate}. Check the path, download the model first "
            f"({download_hint(DEFAULT_MODEL)}), or pass a hub id."
        )
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    try:
        config = hf_hub_download(model, "config.json", local_files_only=offline_env(TRANSFORMERS_OFFLINE))
    except GatedRepoError:
        raise BackendError(
            f"{model} is gated on the Hugging Face Hub: accept its licence on the model page and log in "
            "(`hf auth login`), or download it elsewhere and pass the folder."
        ) from None
    except RepositoryNotFoundError:
        raise BackendError(f"No model {model!r} on the Hugging Face Hub: check the id (e.g. 1e12Leon/RemoteReasoner) "
                           "or pass a local folder.") from None
    except LocalEntryNotFoundError:
        if offline_env(TRANSFORMERS_OFFLINE):
            raise BackendError(
                f"{model} is not in the local model cache and downloads are off (HF_HUB_OFFLINE=1): download it "
                f"on a connected machine ({download_hint(model)}), unset HF_HUB_OFFLINE, or pass a local folder."
            ) from None
        raise BackendError(f"Cannot reach the Hugging Face Hub to fetch {model}: check the network or proxy, "
                           "or pass a local folder.") from None
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise BackendError(f"Cannot fetch {model} from the Hugging Face Hub ({exc}). Check the id and the "
                           "network, or pass a local folder.") from None
    return Path(config).parent


def check_architecture(folder: Path, model: str) -> str:
    """model_type from config.json; raise BackendError when it is not a supported Qwen2.5-VL."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackendError(f"Cannot read {folder / 'config.json'} ({exc}): the model folder is damaged; "
                           "download it again.") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in SUPPORTED_MODEL_TYPES:
        raise BackendError(
            f"{model} is a {model_type or 'unknown'!s} model, not Qwen2.5-VL: the transformers backend runs the "
            "Qwen2.5-VL family (1e12Leon/RemoteReasoner, Qwen/Qwen2.5-VL-*-Instruct). For another model serve it "
            "with vLLM and use the openai backend."
        )
    return model_type


def check_weights(folder: Path, model: str) -> None:
    """Refuse a folder whose safetensors are missing, truncated or padded (contract.model_state.weights_problem),
    which from_pretrained would load into random or partial weights, or fail on with a low-level error."""
    problem = weights_problem(folder)
    if problem:
        how = (f"Download it again with {download_hint(model)}" if downloaded(model, folder)
               else "Copy the folder again from where you got it")  # "download again" cannot repair one's own
        raise BackendError(f"The weights of {model} are damaged: {problem}. {how}.")


def check_hub_checksums(folder: Path, model: str) -> None:
    """Refuse weight files of a hub download that no longer hash to the SHA-256 the hub published (their blob's
    name): a flipped byte keeps the size and header, loads, and answers wrongly. Costs nothing after the first
    load of a file version (contract.digests caches by size and mtime); a copied folder has no known checksum."""
    bad = [w.name for w in sorted(folder.glob("*.safetensors")) if hub_blob_mismatch(w)]
    if bad:
        raise BackendError(f"{', '.join(bad)} of {model} is damaged (its SHA-256 no longer matches the one the hub "
                           f"published): delete it from the Hugging Face cache and download it again with "
                           f"{download_hint(model)}.")


def set_pixel_budget(processor, min_pixels: int, max_pixels: int) -> None:
    """The processor's own budget set to the run's, keeping its size type (a SizeDict in transformers 5)."""
    from transformers.image_utils import SizeDict

    processor.image_processor.size = SizeDict(shortest_edge=int(min_pixels), longest_edge=int(max_pixels))


class TransformersBackend:
    """A Qwen2.5-VL checkpoint (hub id or local folder) answering batches of tiles with greedy decoding."""

    name = "transformers"

    def __init__(
        self,
        model: str,
        device: str = DEFAULT_DEVICE,
        dtype: str = DEFAULT_DTYPE,
        min_pixels: int = DEFAULT_MIN_PIXELS,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    ):
        from inference_core.models.devices import resolve_device, resolve_dtype

        self.model_id = model
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.min_pixels = int(min_pixels)
        self.max_pixels = int(max_pixels)
        self.max_new_tokens = int(max_new_tokens)
        self.folder = locate_model(model)
        check_architecture(self.folder, model)
        check_weights(self.folder, model)
        check_hub_checksums(self.folder, model)
        # the model's identity for answer reuse (run.reuse): its files, not its path; hashed once per file version
        self.model_digest = model_digest(self.folder)
        # a swift checkpoint's own system prompt (args.json) wins over the template's: it is what it was trained with
        self.system = checkpoint_system(self.folder)
        self.processor = self._load_processor()
        self.model = self._load_model()
        self.min_new_tokens = 0
        self.attn_implementation: str = getattr(self.model.config, "_attn_implementation", None) or "eager"
        self.generation_config = self._greedy_config()

    @classmethod
    def from_components(
        cls,
        model,
        processor,
        model_id: str = "in-memory",
        min_pixels: int = DEFAULT_MIN_PIXELS,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    ) -> "TransformersBackend":
        """A backend around a model and processor already in memory (benchmarks with random weights).

        Shares every inference step with a loaded checkpoint; only `from_pretrained` is skipped.
        The model stays on its own device and dtype; the processor gets the run's pixel budget.
        """
        self = cls.__new__(cls)
        self.model_id = model_id
        self.device = str(model.device)
        self.dtype = model.dtype
        self.min_pixels = int(min_pixels)
        self.max_pixels = int(max_pixels)
        self.max_new_tokens = int(max_new_tokens)
        self.min_new_tokens = 0
        self.folder = None
        self.model_digest = None  # weights in memory: identified by model_id alone
        self.system = None
        set_pixel_budget(processor, self.min_pixels, self.max_pixels)
        processor.tokenizer.padding_side = "left"
        self.processor = processor
        self.model = model.eval()
        self.attn_implementation = getattr(model.config, "_attn_implementation", None) or "eager"
        self.generation_config = self._greedy_config()
        return self

    # -- loading ---------------------------------------------------------------------------------
    def _load_processor(self):
        from transformers import AutoProcessor

        try:
            processor = AutoProcessor.from_pretrained(self.folder, trust_remote_code=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackendError(load_failure("the processor", self.model_id, self.folder, exc,
                                            download_hint(self.model_id))) from None
        if getattr(processor, "image_processor", None) is None or getattr(processor, "tokenizer", None) is None:
            raise BackendError(f"{self.model_id} has no image processor/tokenizer: it is not a Qwen2.5-VL checkpoint.")
        # Views arrive resized (`reason` passes do_resize=False). The budget is still set after loading:
        # a `size=` given to from_pretrained is overridden by a checkpoint's own min_pixels/max_pixels keys
        # (transformers image_processing_qwen2_vl.py:109-119), Qwen2.5-VL-7B-Instruct's being 12845056.
        set_pixel_budget(processor, self.min_pixels, self.max_pixels)
        # batched generation needs the prompts aligned at the right edge
        processor.tokenizer.padding_side = "left"
        return processor

    def _load_model(self):
        from transformers import AutoModelForImageTextToText

        kwargs = dict(dtype=self.dtype, trust_remote_code=False)
        if self.device.startswith("cuda"):
            # "cuda": let accelerate place (and if needed split) the model; "cuda:N": pin it to that GPU
            kwargs["device_map"] = "auto" if self.device == "cuda" else {"": self.device}
        try:
            model = AutoModelForImageTextToText.from_pretrained(self.folder, **kwargs)
            if not self.device.startswith("cuda"):
                model = model.to(self.device)
        except Exception as exc:  # noqa: BLE001 - every load failure becomes one actionable message
            if is_allocator_oom(exc):
                free_memory()
                raise BackendOOM(load_advice(self.device, self.model_id, self.dtype)) from None
            if isinstance(exc, BackendError):
                raise
            raise BackendError(load_failure("the weights", self.model_id, self.folder, exc,
                                            download_hint(self.model_id))) from None
        return model.eval()

    def _greedy_config(self):
        """The checkpoint's generation config made greedy: sampling knobs cleared so none warn or apply."""
        config = copy.deepcopy(self.model.generation_config)
        config.do_sample = False
        config.num_beams = 1
        for knob in ("temperature", "top_p", "top_k"):
            setattr(config, knob, None)
        config.max_new_tokens = self.max_new_tokens
        config.min_new_tokens = self.min_new_tokens or None
        return config

    def configure(self, max_new_tokens: int, min_new_tokens: int = 0) -> None:
        """Settings a warm model can take without reloading (the model cache applies them per run).

        `min_new_tokens` > 0 suppresses end-of-sequence until that many tokens exist; with
        min = max every answer has exactly that length (benchmarks compare equal work).
        """
        self.max_new_tokens = int(max_new_tokens)
        self.min_new_tokens = max(0, min(int(min_new_tokens), self.max_new_tokens))
        self.generation_config.max_new_tokens = self.max_new_tokens
        self.generation_config.min_new_tokens = self.min_new_tokens or None

    # -- inference -------------------------------------------------------------------------------
    def chat_text(self, request: ReasonRequest) -> str:
        """The rendered chat of one request: [system], user text, image tokens, user text, assistant turn."""
        chat = request.chat
        if self.system:
            chat = dataclasses.replace(chat, system=self.system)
        return self.processor.apply_chat_template(chat.messages(), add_generation_prompt=True, tokenize=False)

    def model_inputs(self, requests: Sequence[ReasonRequest]):
        """The processor's tensors for a batch: chats rendered, views resized here, no second resize."""
        try:
            images = [model_input(img, self.min_pixels, self.budget(req))[0] for req in requests for img in req.images]
        except ValueError as exc:  # smart_resize refuses sizes Qwen2.5-VL cannot take
            raise BackendError(f"A view cannot be given to the model: {exc}.", code=ErrorCode.INPUT) from None
        return self.processor(text=[self.chat_text(r) for r in requests], images=images, padding=True,
                              return_tensors="pt", do_resize=False)

    def input_sizes(self, image_grid_thw) -> list[tuple[int, int]]:
        """(width, height) the processor resized each image to: patch grid x patch size."""
        patch = int(self.processor.image_processor.patch_size)
        return [(int(w) * patch, int(h) * patch) for _, h, w in image_grid_thw.tolist()]

    # -- batching by size (run.stream) -----------------------------------------------------------
    def input_size_of(self, request: ReasonRequest) -> tuple[int, int]:
        """(width, height) the view reaches the model at: views of one such size batch without padding."""
        from inference_core.raster.coords import smart_resize

        height, width = smart_resize(request.image.height, request.image.width, self.min_pixels, self.budget(request))
        return width, height

    def budget(self, request: ReasonRequest) -> int:
        """The view's pixel budget: its own (ask/describe's whole-extent view), else the run's."""
        return int(request.max_pixels or self.max_pixels)

    def view_tokens(self, request: ReasonRequest) -> int:
        """Tokens one view holds at the end of its answer: the chat with its image tokens, plus the answer."""
        text = len(self.processor.tokenizer(self.chat_text(request))["input_ids"])
        return text + image_tokens(self.input_size_of(request)) * len(request.images) + self.max_new_tokens

    def token_budget(self) -> int:
        """Tokens a batch may hold, from the device's free memory now (`models.memory`, `models.devices`)."""
        import torch

        from inference_core.models.devices import free_bytes
        from inference_core.models.memory import batch_token_budget, bytes_per_token

        per_token = bytes_per_token(self.model.config, torch.empty((), dtype=self.dtype).element_size())
        return batch_token_budget(free_bytes(self.device), per_token)

    def reason(self, requests: Sequence[ReasonRequest]) -> list[ReasonReply]:
        """All requests in one left-padded `generate` call; replies in request order."""
        import torch

        if not requests:
            return []
        if self.model is None:
            raise BackendError("The transformers backend was closed; load the model again.", code=ErrorCode.INTERNAL)
        start = time.perf_counter()
        try:
            inputs = self.model_inputs(requests)
            per_image = self.input_sizes(inputs["image_grid_thw"])
            firsts = [sum(len(r.images) for r in requests[:i]) for i in range(len(requests))]
            sizes = [per_image[i] for i in firsts]  # each request's first image: the view its answer is about
            inputs = inputs.to(self.model.device)
            with torch.inference_mode():
                out = self.model.generate(**inputs, generation_config=self.generation_config)
        except Exception as exc:  # noqa: BLE001
            if is_allocator_oom(exc):
                free_memory()
                raise BackendOOM(answer_advice(self.device, len(requests), max(map(self.budget, requests)))) from None
            raise
        new_tokens = out[:, inputs["input_ids"].shape[1]:]
        texts = self.processor.batch_decode(new_tokens, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        seconds = (time.perf_counter() - start) / len(requests)
        if any(is_overflow_answer(text) for text in texts):
            raise BackendError(overflow_message(f"The model runs in {str(self.dtype).replace('torch.', '')}: "
                                                "use --dtype bfloat16 (GPUs since Ampere) or float32."))
        warning = FLOAT16_WARNING if "float16" == str(self.dtype).replace("torch.", "") else None
        return [
            ReasonReply(tile_id=req.tile_id, raw_text=text, input_size=size, seconds=seconds, warning=warning)
            for req, text, size in zip(requests, texts, sizes)
        ]

    # -- lifetime --------------------------------------------------------------------------------
    def close(self) -> None:
        self.model = None
        self.processor = None
        free_memory()

    def describe(self) -> dict:
        """What is loaded, for the worker's `status`."""
        return {
            "backend": self.name, "model": self.model_id, "device": self.device, "dtype": str(self.dtype).replace("torch.", ""),
            "attn_implementation": self.attn_implementation, "min_pixels": self.min_pixels, "max_pixels": self.max_pixels,
        }
