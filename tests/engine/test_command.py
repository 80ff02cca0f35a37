"""Copy as command: RunOptions -> `remotereasoner reason` argv -> the CLI's own parser -> the same RunOptions."""

from __future__ import annotations

import argparse
import dataclasses
import shlex

import pytest

from inference_core.cli import reason as cli_reason
from inference_core.contract.command import CLI_FLAGS, NOT_FLAGS, cli_args, cli_command, shell_line
from inference_core.contract.options import RunOptions


def _parse(argv: list[str]) -> RunOptions:
    parser = argparse.ArgumentParser()
    cli_reason.register(parser.add_subparsers(dest="command"))
    return cli_reason.options_from_args(parser.parse_args(argv))


def _cli_fields() -> set[str]:
    parser = argparse.ArgumentParser()
    sub = cli_reason.register(parser.add_subparsers(dest="command"))
    return {opt for a in sub._actions for opt in a.option_strings}


def test_every_option_has_a_flag_the_parser_knows():
    names = {f.name for f in dataclasses.fields(RunOptions)}
    assert names == set(CLI_FLAGS) | set(NOT_FLAGS)
    known = _cli_fields()
    assert set(CLI_FLAGS.values()) <= known


@pytest.mark.parametrize("options", [
    RunOptions(raster="/data/ortho 1.tif", query="the tanks 'next' to the pier", out="/tmp/out dir/r.gpkg"),
    RunOptions(raster="/data/o.tif", query="trees", out="r.gpkg", extent=(404211.9, 3285102.9, 404251.9, 3285142.9),
               granularity=("boxes", "masks", "contours"), sam="/m/sam.pth", backend="replay", replay="/r/a.jsonl",
               tile_size=200, overlap=0, max_pixels=40000, simplify=0.25, min_area=1.5, device="cpu",
               prompt="qwen2.5-vl", coordinates="model-input", bands=(3, 2, 1), gsd=0.3, formats=("shp",)),
    RunOptions(raster="/data/o.tif", query="q", out="r.gpkg", extent=(-81.99, 29.68, -81.97, 29.7), extent_crs="EPSG:4326",
               resume=True),
    RunOptions(raster="/data/o.tif", query="how many tanks?", out="r.gpkg", mode="ask", per_tile=True),
    RunOptions(raster="/data/o.tif", query="q", out="r.gpkg", strategy="refine", reuse=False, batch_size=0),
    RunOptions(raster="/data/o.tif", query="tree crown", out="r.gpkg", mode="find-all", sam3="/m/sam3",
               score_threshold=0.35, granularity=("boxes", "masks"), max_boxes=40, max_tiles=500),
    RunOptions(raster="/data/2019.tif", query="buildings", out="c.gpkg", compare_with="/data/2024 flight.tif",
               tolerance=1.5, min_iou=0.4, backend="replay", replay="/r/a.jsonl", replay_after="/r/b.jsonl"),
    RunOptions(raster="/data/o.tif", query="ships", out="s.gpkg", backend="openai", server_url="http://gpu:8000/v1",
               model="remote-reasoner", api_key="sk-SECRET", api_key_env="MY_KEY", concurrency=4, timeout=30.0,
               retries=2, max_new_tokens=512, iou_threshold=0.4, ios_threshold=0.7, batch_size=2, dtype="float32"),
])
def test_round_trip_through_the_cli_parser(options, monkeypatch):
    argv = cli_args(options)
    monkeypatch.delenv(options.api_key_env, raising=False)
    back = _parse(shlex.split(shell_line(argv)))
    want = dataclasses.replace(options, api_key=None)
    assert back == want
    assert "sk-SECRET" not in shell_line(argv)


def test_openai_command_names_the_key_variable_never_the_key():
    o = RunOptions(raster="o.tif", query="q", out="o.gpkg", backend="openai", server_url="http://s/v1", api_key="k3y")
    argv = cli_command(o)
    assert argv[:4] == ["python", "-m", "inference_core", "reason"]
    assert "--api-key-env" in argv and argv[argv.index("--api-key-env") + 1] == "REMOTEREASONER_API_KEY"
    assert "k3y" not in argv
    assert cli_command(o, module=False)[:2] == ["remotereasoner", "reason"]


def test_defaults_are_left_out():
    argv = cli_args(RunOptions(raster="o.tif", query="q", out="o.gpkg"))
    assert argv == ["reason", "o.tif", "--query", "q", "--out", "o.gpkg"]
