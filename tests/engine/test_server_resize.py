"""The openai backend sees a server that resizes views itself, however slightly, either way (issue 31): the
size check measures the prompt's exact text tokens once, so each view's image tokens are known exactly."""

from __future__ import annotations

import numpy as np

from inference_core.contract.options import RunOptions
from inference_core.run.pipeline import run
from tests.engine.openai_stub_server import StubServer


def _raster(make_geotiff):
    """3 x 2 tiles of 896 px, each different (identical views would be answered once, run.reuse)."""
    return make_geotiff(np.random.default_rng(5).integers(0, 256, (3, 1000, 1800), dtype=np.uint8))


def _warnings(make_geotiff, tmp_path, name, **server):
    raster = _raster(make_geotiff)
    with StubServer(models=("rr",), **server) as srv:
        summary = run(RunOptions(raster=str(raster), query="trees", out=str(tmp_path / f"{name}.gpkg"),
                                 backend="openai", server_url=srv.url, model="rr"))
        checks, views = len(srv.size_checks), len(srv.chat_requests)
    assert summary.tiles_total == views == 6 and checks == 1  # one check per prompt, not per view
    return [w for w in summary.warnings if "resizes images itself" in w or "no token usage" in w]


def test_a_slight_shrink_to_840_px_is_seen(make_geotiff, tmp_path):
    [warning] = _warnings(make_geotiff, tmp_path, "shrink", max_pixels=840 * 840)  # 896 -> 840 px: 900 tokens
    assert "counted 900 image tokens for an image of 1024 tokens (896x896 px)" in warning
    assert "resizes images itself" in warning and "--mm-processor-kwargs" in warning


def test_an_enlarging_server_is_seen(make_geotiff, tmp_path):
    [warning] = _warnings(make_geotiff, tmp_path, "enlarge", min_pixels=1008 * 1008)  # 896 -> 1008 px
    assert "resizes images itself" in warning and "--mm-processor-kwargs" in warning


def test_a_server_that_keeps_the_pixels_gets_no_warning(make_geotiff, tmp_path):
    assert _warnings(make_geotiff, tmp_path, "same") == []
    assert _warnings(make_geotiff, tmp_path, "common-min", min_pixels=256 * 28 * 28) == []  # Qwen's example min


def test_a_server_without_usage_is_named_once(make_geotiff, tmp_path):
    raster = _raster(make_geotiff)
    with StubServer(models=("rr",), usage=False) as srv:
        summary = run(RunOptions(raster=str(raster), query="trees", out=str(tmp_path / "n.gpkg"), backend="openai",
                                 server_url=srv.url, model="rr"))
        assert srv.size_checks == []  # nothing to measure with
    [warning] = [w for w in summary.warnings if "no token usage" in w]
    assert "cannot be checked" in warning and "--mm-processor-kwargs" in warning
