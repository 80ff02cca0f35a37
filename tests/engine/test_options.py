"""RunOptions validation messages name the fix; JSON round trip never carries the API key."""

import json

import pytest

from inference_core.contract.options import OptionsError, RunOptions


def _opts(**kw):
    base = dict(raster="a.tif", query="trees", out="o.gpkg")
    base.update(kw)
    return RunOptions(**base)


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(query="  "), "question is empty"),
        (dict(granularity=("boxes", "lines")), "Unknown granularity lines"),
        (dict(granularity=("masks",)), "--sam"),
        (dict(backend="replay"), "--replay"),
        (dict(backend="openai"), "--server-url"),
        (dict(tile_size=20), "--tile-size"),
        (dict(overlap=600), "--overlap"),
        (dict(extent=(5, 5, 1, 9)), "--extent"),
        (dict(gsd=-1.0), "--gsd"),
    ],
)
def test_validation_names_the_fix(kw, words):
    with pytest.raises(OptionsError, match=words):
        _opts(**kw).validate()


def test_round_trip_and_secrets():
    o = _opts(extent=(1, 2, 3, 4), bands=(3, 2, 1), granularity=("boxes", "masks"), sam="s.pth", api_key="sk-secret")
    d = json.loads(json.dumps(o.to_dict()))
    assert "api_key" not in d and "sk-secret" not in o.settings_json()
    back = RunOptions.from_dict(d)
    assert back.extent == (1, 2, 3, 4) and back.bands == (3, 2, 1) and back.granularity == ("boxes", "masks")
    assert RunOptions.from_dict(o.to_dict(secrets=True)).api_key == "sk-secret"
    assert RunOptions.from_dict({**d, "granularity": "boxes,contours"}).granularity == ("boxes", "contours")
    with pytest.raises(OptionsError, match="Unknown option"):
        RunOptions.from_dict({**d, "colour": 1})
    with pytest.raises(OptionsError, match="Missing option"):
        RunOptions.from_dict({"query": "x"})
