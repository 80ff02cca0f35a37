"""The first-run demo (`remotereasoner demo`, `make demo`): what the product does, on a fresh machine, with no download.

Two runs through the real pipeline: the sample orthophoto with its recorded answers (its 61 human-labelled
crowns, replayed: not a live model), and the tiny trained reasoner live on a synthetic scene of the bright
squares it learned to find. Both with the SAM given (`make demo`: the tiny trained SAM of resources/tiny_sam/,
trained on synthetic shapes, not Segment Anything weights; its masks follow the objects in the boxes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from inference_core.contract.options import RunOptions
from inference_core.contract.paths import SAMPLE_ANSWERS, SAMPLE_RASTER
from inference_core.run.pipeline import run
from inference_core.run.summary import RunSummary
from inference_core.run.selftest import PROMPT, QUERY, fixture_dir, write_scene

GRANULARITY = ("boxes", "masks", "contours")
SAMPLE_QUERY = "every tree crown"
SAMPLE_OUT = "result.gpkg"  # the sample's layers (the name `make demo` has always written)
SQUARES_RASTER = "squares.tif"
SQUARES_OUT = "tiny_reasoner.gpkg"


@dataclass(frozen=True)
class DemoRun:
    """One demo run: what it is, in words a user reads, and its summary."""

    title: str
    summary: RunSummary


def sample_options(out_dir: Path, sam: str, device: str = "auto") -> RunOptions:
    """The sample's whole layer, answered by its recorded answers (the view they were recorded for)."""
    return RunOptions(raster=str(SAMPLE_RASTER), query=SAMPLE_QUERY, out=str(out_dir / SAMPLE_OUT),
                      granularity=GRANULARITY, backend="replay", replay=str(SAMPLE_ANSWERS), sam=sam, device=device)


def squares_options(out_dir: Path, sam: str, device: str = "auto") -> RunOptions:
    """The tiny reasoner, live, on a synthetic scene of bright squares (the self-test's scene and prompt)."""
    raster = write_scene(out_dir / SQUARES_RASTER)
    return RunOptions(raster=str(raster), query=QUERY, out=str(out_dir / SQUARES_OUT), granularity=GRANULARITY,
                      backend="transformers", model=str(fixture_dir()), prompt=PROMPT, sam=sam, device=device,
                      max_new_tokens=64)


def run_demo(out_dir: Path | str, sam: str, device: str = "auto",
             emit: Optional[Callable[[dict], None]] = None) -> list[DemoRun]:
    """Both demo runs into `out_dir` (their GeoPackages are replaced, as a run does); raises PipelineError as
    `run` does."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    kw = {"emit": emit} if emit else {}
    return [
        DemoRun(f"{SAMPLE_RASTER.name}: recorded answers (human labels), not a live model",
                run(sample_options(out_dir, sam, device), **kw)),
        DemoRun("synthetic bright squares: the tiny trained reasoner (1.7 M parameters), live",
                run(squares_options(out_dir, sam, device), **kw)),
    ]
