"""The locate mode: the reasoner is asked the prompt template with the question over each view of the strategy,
its answer parsed into boxes, and SAM (when masks or contours are asked for) segments each box."""

from __future__ import annotations

from typing import Any, Optional

from inference_core.common.records import Detection, TileSpec
from inference_core.contract.conventions import known_template
from inference_core.models.parsing import ParsedAnswer
from inference_core.run.core import RunCore
from inference_core.run.detection import answer_detections
from inference_core.run.summary import RunSummary
from inference_core.run.targets import TargetRun


class ReasonerStep:
    """Locate's view step (run.targets.TargetStep): the reasoner's image + prompt, its answer's boxes."""

    def __init__(self) -> None:
        self.coordinates = "model-input"  # the prompt template's coordinate space, set by prompt()
        self.prompt_name: Optional[str] = None

    def load(self, core: RunCore) -> tuple[Any, Any]:
        backend = core.models.backend(core.o)
        return backend, core.models.segmenter(core.o) if core.o.needs_sam else None

    def prompt(self, core: RunCore) -> str:
        from inference_core.models.prompts import load_template, render, unknown_model_warning

        o = core.o
        template = load_template(o)
        prompt = render(template, o.query, o.coordinates)
        if o.backend == "openai" and not o.prompt and not o.coordinates and known_template(o.model) is None:
            # a server's model whose box convention is a guess: recorded with the run, announced with its warnings
            core.warnings.append(unknown_model_warning(o.model, template))
        self.coordinates = prompt.coordinates
        self.prompt_name = template.name
        return prompt

    def request(self, core: RunCore, t: TileSpec, prompt: str):
        from PIL import Image

        from inference_core.models.backends.base import ReasonRequest

        rgb, valid = core.source.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height,
                                          progress=core.reading(t))
        return ReasonRequest(t.tile_id, Image.fromarray(rgb), prompt) if valid.any() else None

    def detections(self, core: RunCore, tile: TileSpec, reply) -> tuple[list[Detection], ParsedAnswer]:
        return answer_detections(tile, reply.raw_text, reply.input_size, window=core.source.window,
                                 coordinates=self.coordinates, max_boxes=core.o.max_boxes,
                                 tiles_total=core.tiles_total, make=core.make_detection, warn=core.warn)


def run_locate(core: RunCore) -> RunSummary:
    """A locate run: the reasoner's boxes (and SAM's masks and contours) over the run's views."""
    return TargetRun(core, ReasonerStep()).execute()
