"""Prompt templates: selection per model, names and paths, the env override, filling the question."""

from __future__ import annotations

import pytest

from inference_core.models import prompts
from inference_core.common.errors import PipelineError
from inference_core.contract.options import RunOptions


def _opts(**kw):
    return RunOptions(raster="r.tif", query="storage tanks", out="o.gpkg", **kw)


@pytest.mark.parametrize(
    "model, expected",
    [
        ("1e12Leon/RemoteReasoner", "remotereasoner"),
        ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen2.5-vl"),
        ("/models/qwen2_5_vl_3b", "qwen2.5-vl"),
        ("/models/RemoteReasoner-Qwen2.5-VL-7B", "remotereasoner"),
        ("some/other-model", "remotereasoner"),
        (None, "remotereasoner"),
    ],
)
def test_default_by_model(model, expected):
    assert prompts.default_name(model) == expected


def test_builtin_templates(repo_root):
    assert prompts.builtin_dir() == repo_root / "resources" / "prompts"
    assert {"remotereasoner", "qwen2.5-vl"} <= set(prompts.available())
    rr = prompts.load_prompt(_opts())
    assert rr.count("{query}") == 1 and "<think>" in rr and "<answer>" in rr and "[]" in rr and "integer" in rr
    qw = prompts.load_prompt(_opts(model="Qwen/Qwen2.5-VL-7B-Instruct"))
    assert '"bbox_2d"' in qw and qw.count("{query}") == 1 and "<think>" not in qw
    assert prompts.load_prompt(_opts(model="Qwen/Qwen2.5-VL-7B-Instruct", prompt="remotereasoner")) == rr


def test_fill_keeps_json_braces():
    qw = prompts.load_prompt(_opts(prompt="qwen2.5-vl"))
    text = prompts.fill(qw, "  blue roofs ")
    assert text.startswith("Locate every object in the image that matches this description: blue roofs\n")
    assert '[{"bbox_2d": [x1, y1, x2, y2], "label": "short name"}]' in text
    assert prompts.fill("Find it.", "tanks") == "Find it.\ntanks"  # no placeholder: question on a last line
    rr = prompts.fill(prompts.load_prompt(_opts()), "the pier")
    assert rr.endswith("Text description: the pier")


def test_path_and_env_override(tmp_path, monkeypatch):
    own = tmp_path / "mine.txt"
    own.write_text("Box every {query}.\n", encoding="utf-8")
    assert prompts.load_prompt(_opts(prompt=str(own))) == "Box every {query}."
    custom = tmp_path / "dir"
    custom.mkdir()
    (custom / "remotereasoner.txt").write_text("Edited: {query}", encoding="utf-8")
    (custom / "extra.txt").write_text("Extra {query}", encoding="utf-8")
    monkeypatch.setenv("REMOTEREASONER_PROMPTS", str(custom))
    assert prompts.load_prompt(_opts()) == "Edited: {query}"  # the user's edit wins over the shipped one
    assert prompts.load_prompt(_opts(prompt="extra")) == "Extra {query}"
    assert prompts.load_prompt(_opts(prompt="qwen2.5-vl")).startswith("Locate every object")  # falls back
    assert "extra" in prompts.available()


def test_errors_name_the_fix(tmp_path):
    with pytest.raises(PipelineError, match=r"Unknown prompt template 'nope': use one of .*remotereasoner") as exc:
        prompts.load_prompt(_opts(prompt="nope"))
    assert exc.value.code == "bad_options"
    with pytest.raises(PipelineError, match="Prompt template file not found"):
        prompts.load_prompt(_opts(prompt=str(tmp_path / "missing.txt")))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(PipelineError, match="is empty"):
        prompts.load_prompt(_opts(prompt=str(empty)))
