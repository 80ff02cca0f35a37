"""Ask and describe look at the whole extent at the reference loader's default budget (12 845 056 px) where
memory allows, and say what resolution was used (issue 31)."""

from __future__ import annotations

import numpy as np
import pytest

from inference_core.contract.options import DEFAULT_MAX_PIXELS, REFERENCE_MAX_PIXELS, RunOptions
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import StubServer

ANSWER = "<think>fields and a river</think><answer>Farmland along a river.</answer>"


def test_a_2000_by_1500_extent_is_seen_at_1988_by_1512(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 1500, 2000), 90, dtype=np.uint8))
    with StubServer(answer=ANSWER, models=("rr",)) as srv:
        summary = run(RunOptions(raster=str(raster), query="", mode="describe", out=str(tmp_path / "d.gpkg"),
                                 backend="openai", server_url=srv.url, model="rr"))
        sent = [size for r in srv.chat_requests for size in r.image_sizes]
    assert sent == [(1988, 1512)]  # the reference's loader: smart_resize at 12 845 056 px, not 1008 x 756
    assert summary.answer_view == [1988, 1512] and summary.answer_summary == "Farmland along a river."
    assert not any("free memory" in w for w in summary.warnings)


def test_per_tile_answers_keep_the_runs_budget(make_geotiff, tmp_path):
    raster = make_geotiff(np.full((3, 1500, 2000), 90, dtype=np.uint8))
    with StubServer(answer=ANSWER, models=("rr",)) as srv:
        summary = run(RunOptions(raster=str(raster), query="", mode="describe", out=str(tmp_path / "t.gpkg"),
                                 backend="openai", server_url=srv.url, model="rr", per_tile=True))
        sent = {size for r in srv.chat_requests for size in r.image_sizes}
    assert sent == {(896, 896)} and summary.answer_view is None and summary.tiles_total == 6


def test_a_small_device_lowers_the_view_to_what_its_memory_holds(make_geotiff, tmp_path, tiny_models, monkeypatch):
    """The tiny Qwen2.5-VL on a device whose free memory holds about 1400 tokens (its batch token budget,
    models.memory, is what the device would report: the stand-in for a small GPU)."""
    from inference_core.models.backends.transformers_backend import TransformersBackend

    monkeypatch.setattr(TransformersBackend, "token_budget", lambda self: 1400)
    raster = make_geotiff(np.full((3, 1500, 2000), 90, dtype=np.uint8))
    summary = run(RunOptions(raster=str(raster), query="", mode="describe", out=str(tmp_path / "m.gpkg"),
                             model=str(tiny_models.mllm_dir), device="cpu", dtype="float32", max_new_tokens=4))
    w, h = summary.answer_view
    assert DEFAULT_MAX_PIXELS <= w * h < REFERENCE_MAX_PIXELS and w * h < 1400 * 28 * 28
    [warning] = [m for m in summary.warnings if "free memory holds" in m]
    assert f"seen at {w} x {h} px" in warning and "--answer-max-pixels" in warning


def test_answer_budget_option_is_checked():
    from inference_core.contract.options import OptionsError

    with pytest.raises(OptionsError, match="--answer-max-pixels 100 is below the minimum"):
        RunOptions(raster="r", query="q", out="o", answer_max_pixels=100).validate()
