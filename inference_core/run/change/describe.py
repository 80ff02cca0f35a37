"""Ask or describe over two dates (experimental): one view of the common extent per date, both in one model turn
(Qwen2.5-VL takes several images per turn), the answer on the `answers` layer. RemoteReasoner was trained on
single images (docs/fidelity.md): every such run says so in a warning."""

from __future__ import annotations

from inference_core.common.records import TileSpec
from inference_core.contract.options import RunOptions
from inference_core.raster.source import RasterSource
from inference_core.run.answers import AnswerRun
from inference_core.run.core import RunCore
from inference_core.run.summary import RunSummary

EXPERIMENTAL = ("Experimental: both dates were shown to the model in one turn. RemoteReasoner was trained on "
                "single images, so treat this answer as a hint; `change` with --mode locate compares the "
                "located targets instead.")


class TwoDateAnswer(AnswerRun):
    """An answer run whose one view carries the second date's view of the same pixels (the same grid)."""

    def __init__(self, core: RunCore, after: RasterSource):
        super().__init__(core)
        self.after = after

    def execute(self) -> RunSummary:
        if EXPERIMENTAL not in self.core.warnings:
            self.core.warnings.append(EXPERIMENTAL)
        summary = super().execute()
        summary.change = {"experimental": True, "summary": summary.answer_summary or ""}
        return summary

    def _request(self, t: TileSpec, prompt):
        request = super()._request(t, prompt)
        if request is None:
            return None
        from PIL import Image

        rgb, valid = self.after.read_rgb(t.col_off, t.row_off, t.width, t.height, t.out_width, t.out_height,
                                         progress=self.core.reading(t))
        if not valid.any():
            return None
        request.second_image = Image.fromarray(rgb)
        return request


def run_two_date_answer(options: RunOptions, before: RasterSource, after: RasterSource, emit, cancel, models,
                        started: float) -> RunSummary:
    """The answer over both dates (options: the first date's run, over the common extent)."""
    return TwoDateAnswer(RunCore(options, before, emit, cancel, models, started), after).execute()
