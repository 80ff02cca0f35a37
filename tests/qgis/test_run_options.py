"""Settings -> RunOptions, the one mapping: the dock's request, Processing's overrides, and defaults taken from
the engine's RunOptions (never restated)."""

from __future__ import annotations

import dataclasses

import pytest
from qgis.core import QgsProcessingContext, QgsRectangle

from inference_core.contract.options import OptionsError, RunOptions
from remotereasoner_qgis import settings as rs
from remotereasoner_qgis.bridge.run_options import MIN_TILE_SIZE, options_for_run, run_options
from rr_support import SAMPLE


def test_options_for_run(tmp_path, engine_py):
    cfg = rs.PluginSettings(engine_python=engine_py, model="1e12Leon/RemoteReasoner", sam="/m/sam_vit_b.pth",
                            tile_size=504, overlap=56, max_pixels=200704)
    opts = options_for_run(cfg, "/r.tif", " trees ", ("boxes", "masks"), QgsRectangle(1, 2, 3, 4), "/o.gpkg", None)
    assert opts["query"] == "trees" and opts["granularity"] == ("boxes", "masks")
    assert opts["extent"] == (1.0, 2.0, 3.0, 4.0) and opts["extent_crs"] is None
    assert (opts["tile_size"], opts["overlap"], opts["max_pixels"]) == (504, 56, 200704)
    assert opts["sam"] == "/m/sam_vit_b.pth" and opts["backend"] == "transformers"
    cfg = rs.PluginSettings(engine_python=engine_py, backend="openai", server_url="http://h:8000/v1", server_model="rr")
    opts = options_for_run(cfg, "/r.tif", "q", ("boxes",), None, "/o.gpkg", "sk-secret")
    assert (opts["server_url"], opts["model"], opts["api_key"]) == ("http://h:8000/v1", "rr", "sk-secret")
    assert opts["sam"] is None
    cfg.overlap = 600
    with pytest.raises(ValueError, match="overlap 600"):
        options_for_run(cfg, "/r.tif", "q", ("boxes",), None, "/o.gpkg", None)


def test_think2seg_takes_its_authors_tile_size_when_the_setting_is_the_default(engine_py):
    cfg = rs.PluginSettings(engine_python=engine_py, model="RicardoString/Think2Seg-RS-7B")
    assert options_for_run(cfg, "/r.tif", "q", ("boxes",), None, "/o.gpkg", None)["tile_size"] == 840
    cfg.tile_size = 1008  # the analyst's own tile size wins
    assert options_for_run(cfg, "/r.tif", "q", ("boxes",), None, "/o.gpkg", None)["tile_size"] == 1008
    cfg = rs.PluginSettings(engine_python=engine_py, prompt="think2seg-rs")  # the template chosen by name
    assert options_for_run(cfg, "/r.tif", "q", ("boxes",), None, "/o.gpkg", None)["tile_size"] == 840


def test_settings_start_from_the_engine_defaults():
    engine = RunOptions(raster="", query="", out="")
    cfg = rs.PluginSettings()
    for name in ("backend", "model", "device", "dtype", "tile_size", "overlap", "max_pixels", "concurrency"):
        assert getattr(cfg, name) == getattr(engine, name), name
    assert rs.RUN_DEFAULTS == engine


def test_min_tile_size_is_what_the_engine_accepts():
    ok = RunOptions(raster="r", query="q", out="o", tile_size=MIN_TILE_SIZE, overlap=0).validate()
    assert ok.tile_size == MIN_TILE_SIZE
    with pytest.raises(OptionsError, match="too small"):
        RunOptions(raster="r", query="q", out="o", tile_size=MIN_TILE_SIZE - 1, overlap=0).validate()


def test_processing_overrides_the_settings_then_maps_them_like_the_dock(qgis_processing, tmp_path):
    from qgis.core import QgsSettings

    from remotereasoner_qgis.processing.reason_algorithm import ReasonAlgorithm

    QgsSettings().remove("RemoteReasoner")  # parameters left out take the defaults of clean settings
    alg = ReasonAlgorithm().create()
    ctx = QgsProcessingContext()
    cfg = rs.PluginSettings(backend="openai", server_url="http://h:8000/v1", server_model="rr", model="local",
                            concurrency=8, prompt="remotereasoner")
    params = {"INPUT": str(SAMPLE), "QUERY": "trees", "GRANULARITY": [0], "BACKEND": 2, "MODEL": "",
              "TILE_SIZE": 504, "OVERLAP": 56, "MAX_PIXELS": 200704}
    options, _crs = alg.build_options(params, ctx, str(tmp_path / "r.gpkg"), cfg, "sk-secret")
    # the same settings through the dock's mapping give the same options (both add the layer renderer's bands)
    from qgis.core import QgsRasterLayer

    from remotereasoner_qgis.bridge.layer_pixels import renderer_pixels

    dock = run_options(dataclasses.replace(cfg, tile_size=504, overlap=56, max_pixels=200704), str(SAMPLE), "trees",
                       str(tmp_path / "r.gpkg"), ("boxes",), None, "sk-secret",
                       **renderer_pixels(QgsRasterLayer(str(SAMPLE), "sample")))
    assert options == dock and options.bands == (1, 2, 3)
    assert (options.model, options.concurrency, options.prompt, options.api_key) == ("rr", 8, "remotereasoner", "sk-secret")
    # a MODEL parameter names the server's model for the openai backend
    params["MODEL"] = "other"
    assert alg.build_options(params, ctx, str(tmp_path / "r.gpkg"), cfg)[0].model == "other"


def test_test_load_asks_for_the_models_a_run_would_load():
    from remotereasoner_qgis.bridge.run_options import load_options

    cfg = rs.PluginSettings(model="~/models/rr", sam="/m/sam_vit_b.pth", device="cpu")
    opts = load_options(cfg)
    assert not {"raster", "query", "out"} & set(opts)  # the worker fills them in for a load
    assert (opts["backend"], opts["device"], opts["granularity"], opts["sam"]) == ("transformers", "cpu", ("boxes", "masks"), "/m/sam_vit_b.pth")
    assert opts["model"] == run_options(cfg, "/r.tif", "q", "/o.gpkg", ("boxes", "masks")).model
    server = rs.PluginSettings(backend="openai", server_url="http://h:8000/v1", server_model="rr")
    opts = load_options(server, "sk-secret")
    assert (opts["model"], opts["server_url"], opts["api_key"], opts["granularity"]) == ("rr", "http://h:8000/v1", "sk-secret", ("boxes",))
    with pytest.raises(OptionsError, match="replay"):
        load_options(rs.PluginSettings(backend="replay"))


def test_stored_legacy_default_tile_moves_to_the_budget(clean_settings):
    """Settings saved when the default tile was 1008/128 load as 896/112 (and are rewritten); a tile the
    user chose stays."""
    from qgis.core import QgsSettings

    from inference_core.contract.options import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE, LEGACY_OVERLAP, LEGACY_TILE_SIZE

    s = QgsSettings()
    s.setValue(rs.PREFIX + "tile_size", LEGACY_TILE_SIZE)
    s.setValue(rs.PREFIX + "overlap", LEGACY_OVERLAP)
    cfg = rs.PluginSettings.load()
    assert (cfg.tile_size, cfg.overlap) == (DEFAULT_TILE_SIZE, DEFAULT_OVERLAP) == (896, 112)
    assert (int(s.value(rs.PREFIX + "tile_size")), int(s.value(rs.PREFIX + "overlap"))) == (896, 112)
    s.setValue(rs.PREFIX + "tile_size", LEGACY_TILE_SIZE)
    s.setValue(rs.PREFIX + "overlap", 56)  # the user's own overlap: their 1008 tile is a choice, kept
    assert (rs.PluginSettings.load().tile_size, rs.PluginSettings.load().overlap) == (1008, 56)
