"""SAM assembly from dimension dicts and safe checkpoint loading (real segment-anything code, tiny model)."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("segment_anything")

from inference_core.contract.model_state import sha256_of  # noqa: E402
from inference_core.models import sam as sam_model  # noqa: E402
from inference_core.models.sam import (  # noqa: E402
    OFFICIAL_CHECKPOINTS,
    TINY_SAM_CONFIG,
    VIT_B_CONFIG,
    SamError,
    build_sam,
    load_sam,
    save_sam,
)


@pytest.fixture(scope="module")
def tiny_ckpt(tmp_path_factory):
    torch.manual_seed(0)
    sam = build_sam(TINY_SAM_CONFIG)
    path = tmp_path_factory.mktemp("sam") / "tiny_sam.pth"
    save_sam(sam, path, TINY_SAM_CONFIG)
    return path, sam


def test_published_dimensions_match_segment_anything_registry():
    from segment_anything.build_sam import _build_sam

    # The registry's vit_b builder with the same ViT sizes gives identical parameter names and shapes.
    ref = _build_sam(768, 12, 12, [2, 5, 8, 11]).state_dict()
    ours = build_sam(VIT_B_CONFIG).state_dict()
    assert list(ours) == list(ref)
    assert all(ours[k].shape == ref[k].shape for k in ref)
    assert ours["image_encoder.pos_embed"].shape == (1, 64, 64, 768)
    assert sam_model.VIT_L_CONFIG["encoder_global_attn_indexes"] == [5, 11, 17, 23]
    assert sam_model.VIT_H_CONFIG["encoder_embed_dim"] == 1280


def test_tiny_config_is_json_and_builds(tiny_ckpt):
    path, sam = tiny_ckpt
    assert json.loads(json.dumps(TINY_SAM_CONFIG)) == TINY_SAM_CONFIG
    assert sam.image_encoder.img_size == 128
    assert sam.prompt_encoder.image_embedding_size == (8, 8)
    assert json.loads(path.with_suffix(".json").read_text())["encoder_embed_dim"] == 32


def test_load_by_json_beside_checkpoint(tiny_ckpt):
    path, ref = tiny_ckpt
    sam, model_id = load_sam(path)
    assert model_id.startswith("json:tiny_sam.pth:")
    for k, v in ref.state_dict().items():
        assert torch.equal(sam.state_dict()[k], v)
    assert not sam.training


def test_load_with_explicit_type(tiny_ckpt, tmp_path):
    path, _ = tiny_ckpt
    plain = tmp_path / "no_json.pth"
    plain.write_bytes(path.read_bytes())
    sam, model_id = load_sam(plain, sam_type="tiny")
    assert model_id.startswith("tiny:no_json.pth:")
    with pytest.raises(SamError, match="--sam-type vit_b"):
        load_sam(tmp_path / "no_json.pth")  # no type, no json, not an official name


def test_wrong_architecture_names_the_fix(tiny_ckpt, tmp_path):
    path, _ = tiny_ckpt
    plain = tmp_path / "finetuned.pth"
    plain.write_bytes(path.read_bytes())
    with pytest.raises(SamError, match=r"do not match the vit_b SAM architecture.*--sam-type"):
        load_sam(plain, sam_type="vit_b")
    bad_json = dict(TINY_SAM_CONFIG, encoder_embed_dim=48)
    plain.with_suffix(".json").write_text(json.dumps(bad_json))
    with pytest.raises(SamError, match=r"fix the dimensions in finetuned\.json"):
        load_sam(plain)


def test_errors_missing_unknown_type_and_pickle(tmp_path):
    with pytest.raises(SamError, match="not found"):
        load_sam(tmp_path / "absent.pth", sam_type="vit_b")
    f = tmp_path / "x.pth"
    f.write_bytes(b"junk")
    with pytest.raises(SamError, match="Unknown SAM type 'vit_q'"):
        load_sam(f, sam_type="vit_q")

    # An arbitrary Python object in the pickle: weights_only refuses it instead of running code.
    from fractions import Fraction

    torch.save({"obj": Fraction(1, 3)}, tmp_path / "evil.pth")
    with pytest.raises(SamError, match="plain weights"):
        load_sam(tmp_path / "evil.pth", sam_type="tiny")


def test_official_name_checks_published_sha256(tiny_ckpt, tmp_path, monkeypatch):
    path, _ = tiny_ckpt
    fake = tmp_path / "sam_vit_b_01ec64.pth"
    fake.write_bytes(path.read_bytes())
    with pytest.raises(SamError, match="damaged or not the published file"):
        load_sam(fake)
    # With the published digest matching, the file name alone picks the architecture (here the
    # registry entry is pointed at this file's digest and the tiny dimensions).
    digest = sha256_of(fake)
    monkeypatch.setitem(OFFICIAL_CHECKPOINTS, fake.name, ("tiny", digest))
    sam, model_id = load_sam(fake)
    assert model_id == f"tiny:{digest}"
    assert OFFICIAL_CHECKPOINTS["sam_vit_h_4b8939.pth"][1].startswith("a7bf3b02")


def test_unknown_json_key_rejected(tiny_ckpt, tmp_path):
    path, _ = tiny_ckpt
    p = tmp_path / "m.pth"
    p.write_bytes(path.read_bytes())
    p.with_suffix(".json").write_text(json.dumps({"encoder_width": 3}))
    with pytest.raises(SamError, match="Unknown SAM dimension"):
        load_sam(p)


def test_a_description_in_the_dimensions_file_names_the_model(tiny_ckpt, tmp_path):
    """A `description` beside the dimensions (the shipped tiny trained SAM's) starts the model id every mask's
    `sam_model` carries; it is no dimension, and other unknown keys are still refused."""
    _, ref = tiny_ckpt
    path = save_sam(ref, tmp_path / "named.pth", TINY_SAM_CONFIG, description="my shapes SAM, not Meta's")
    assert json.loads(path.with_suffix(".json").read_text())["description"] == "my shapes SAM, not Meta's"
    _, model_id = load_sam(path)
    assert model_id.startswith("my shapes SAM, not Meta's (json:named.pth:") and model_id.endswith(")")
    side = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps({**side, "colour": "red"}))
    with pytest.raises(SamError, match="Unknown SAM dimension"):
        load_sam(path)
