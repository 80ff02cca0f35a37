"""RunOptions as the `remotereasoner reason` command line that reproduces them (standard library only):
the flag of every option once, shared by the formatter here and held to the CLI's parser by
tests/engine/test_command.py (formatted, parsed by `cli.reason`, the same options come back)."""

from __future__ import annotations

import dataclasses
import shlex
from typing import Any, Optional

from inference_core.contract.options import RunOptions

# RunOptions field -> `remotereasoner reason` flag. `raster` is the positional argument; options at their
# defaults are not written.
CLI_FLAGS: dict[str, str] = {
    "query": "--query", "out": "--out", "mode": "--mode", "per_tile": "--per-tile", "strategy": "--strategy",
    "extent": "--extent", "bands": "--bands", "stretch": "--stretch",
    "stretch_values": "--stretch-values", "gsd": "--gsd", "granularity": "--granularity",
    "formats": "--format", "append": "--append", "resume": "--resume", "simplify": "--simplify",
    "min_area": "--min-area", "backend": "--backend", "model": "--model", "prompt": "--prompt",
    "coordinates": "--coordinates", "replay": "--replay", "sam": "--sam", "sam_type": "--sam-type",
    "device": "--device", "dtype": "--dtype", "max_new_tokens": "--max-new-tokens", "batch_size": "--batch-size",
    "tile_size": "--tile-size", "overlap": "--overlap", "max_pixels": "--max-pixels", "min_pixels": "--min-pixels",
    "answer_max_pixels": "--answer-max-pixels",
    "iou_threshold": "--iou-threshold", "ios_threshold": "--ios-threshold", "server_url": "--server-url",
    "api_key_env": "--api-key-env", "concurrency": "--concurrency", "timeout": "--timeout", "retries": "--retries",
    "sam3": "--sam3", "score_threshold": "--score-threshold", "max_boxes": "--max-boxes", "max_tiles": "--max-tiles",
    "reuse": "--no-reuse", "compare_with": "--compare-with", "tolerance": "--tolerance", "min_iou": "--min-iou",
    "replay_after": "--replay-after",
}
# Fields no `reason` command line carries: the raster is positional, the key is a secret (the command names
# the environment variable that holds it), single_view is evaluate's, extent_crs follows the extent after ':'.
NOT_FLAGS = ("raster", "api_key", "single_view", "extent_crs")
SWITCHES = ("append", "resume", "per_tile")  # flags without a value
OFF_SWITCHES = ("reuse",)  # on by default; the flag turns them off
LISTS = ("extent", "bands", "stretch_values", "granularity", "formats")  # comma-separated values


def _value(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, (tuple, list)):
        return ",".join(_value(v) for v in value)
    return str(value)


def cli_args(options: RunOptions) -> list[str]:
    """The `reason` arguments (after `remotereasoner`) that give back `options`; options at their defaults
    are left out, the API key always (the command names the variable it is read from)."""
    defaults = RunOptions(raster="", query="", out="")
    args = ["reason", options.raster] if options.raster else ["reason"]
    for f in dataclasses.fields(RunOptions):
        name = f.name
        if name in NOT_FLAGS:
            continue
        value = getattr(options, name)
        needed = name in ("query", "out") or (name == "api_key_env" and options.backend == "openai")
        if not needed and value == getattr(defaults, name):
            continue
        if value is None:
            continue
        if name in SWITCHES or name in OFF_SWITCHES:
            if bool(value) != (name in OFF_SWITCHES):
                args.append(CLI_FLAGS[name])
            continue
        text = _value(value)
        if name == "extent" and options.extent_crs:
            text += ":" + options.extent_crs
        # a value that starts with '-' (a western longitude) would read as a flag: --extent=-81.99,...
        args += [f"{CLI_FLAGS[name]}={text}"] if text.startswith("-") else [CLI_FLAGS[name], text]
    return args


def cli_command(options: RunOptions, python: str = "python", module: bool = True) -> list[str]:
    """argv of the command: `python -m inference_core reason …` (or `remotereasoner reason …`)."""
    head = [python, "-m", "inference_core"] if module else ["remotereasoner"]
    return head + cli_args(options)


def shell_line(argv: list[str], env: Optional[dict[str, str]] = None) -> str:
    """One POSIX shell line (each argument quoted as needed), `VAR=value` prefixes first."""
    prefix = [f"{k}={shlex.quote(v)}" for k, v in (env or {}).items()]
    return " ".join(prefix + [shlex.quote(a) for a in argv])
