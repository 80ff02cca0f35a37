"""A model is its weights: answer reuse keys on their SHA-256 (not the folder's path), hub downloads are checked
against the SHA-256 the hub published, and both cost one hash per file version (contract/digests.py)."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from rasterio.transform import from_origin

from inference_core.common.errors import PipelineError
from inference_core.contract import digests
from inference_core.contract.options import RunOptions
from inference_core.contract.protocol import ErrorCode
from inference_core.run.pipeline import run
from inference_core.run.selftest import fixture_dir
from tests.support.hub_cache import add_file, hub_snapshot

TINY = dict(prompt="tiny-reasoner", device="cpu", max_new_tokens=64, tile_size=112, overlap=24,
            max_pixels=112 * 112)


@pytest.fixture(autouse=True)
def digest_cache(tmp_path, monkeypatch):
    """A digest cache of this test's own (never the user's ~/.cache)."""
    path = tmp_path / "sha256.json"
    monkeypatch.setenv(digests.CACHE_ENV, str(path))
    return path


@pytest.fixture
def squares(make_geotiff):
    rng = np.random.default_rng(5)
    img = rng.integers(20, 90, (3, 112, 200), dtype=np.uint8)
    img[:, 20:48, 12:40] = 230
    img[:, 30:60, 150:180] = 230
    return make_geotiff(img, transform=from_origin(400000.0, 3300000.0, 0.5, 0.5), crs="EPSG:32633")


def _flip_a_weight_byte(path):
    """One byte of tensor data changed: same size, same header, loads, answers differently (or not)."""
    data = bytearray(path.read_bytes())
    header = 8 + int.from_bytes(data[:8], "little")
    data[header + (len(data) - header) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_reuse_stops_when_the_weights_change_under_the_same_path(squares, tmp_path):
    model = tmp_path / "my-model"
    shutil.copytree(fixture_dir(), model)
    out = tmp_path / "r.gpkg"
    opts = dict(raster=str(squares), query="bright squares", out=str(out), model=str(model), **TINY)
    first = run(RunOptions(**opts))
    assert first.status == "finished" and first.tiles_total == 2 and first.reused == 0
    again = run(RunOptions(**opts))
    assert again.reused == 2  # same weights: both views answered from the file
    _flip_a_weight_byte(model / "model.safetensors")
    changed = run(RunOptions(**opts))
    assert changed.reused == 0  # other weights under the same path: asked again (before: 2, the old answers)
    # and a copy of the changed folder elsewhere is the same model: its answers are reused
    moved = tmp_path / "elsewhere"
    shutil.copytree(model, moved)
    assert run(RunOptions(**{**opts, "model": str(moved)})).reused == 2


def test_a_digest_is_computed_once_per_file_version(tmp_path):
    f = tmp_path / "w.safetensors"
    f.write_bytes(b"a" * 3_000_000)
    st = os.stat(f)
    d1 = digests.sha256_cached(f)
    assert digests.cached_digest(f) == d1
    # other bytes, but the size and modification time of the hashed version: the cache answers, the file is not read
    f.write_bytes(b"b" * 3_000_000)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert digests.sha256_cached(f) == d1
    # a new modification time: hashed again
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert digests.cached_digest(f) is None
    d2 = digests.sha256_cached(f)
    assert d2 != d1 and d2 == __import__("hashlib").sha256(b"b" * 3_000_000).hexdigest()


def test_a_hub_download_with_a_flipped_byte_is_refused(squares, tmp_path, monkeypatch, digest_cache):
    cache = tmp_path / "hf"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))  # read at import by huggingface_hub
    repo = "rr-test/tiny-reasoner"
    snap = hub_snapshot(cache, repo)
    for f in sorted(fixture_dir().iterdir()):
        if f.is_file():
            last = add_file(snap, f.name, f.read_bytes())
            if f.name == "model.safetensors":
                weights = last
    opts = dict(raster=str(squares), query="bright squares", model=repo, **TINY)
    ok = run(RunOptions(out=str(tmp_path / "a.gpkg"), **opts))
    assert ok.status == "finished" and ok.counts["boxes"] >= 1
    blob = os.path.realpath(weights)
    assert digests.cached_digest(blob) == os.path.basename(blob)  # verified, and cached for the next load
    _flip_a_weight_byte(weights)  # size and safetensors header intact: it would load and answer
    with pytest.raises(PipelineError) as err:
        run(RunOptions(out=str(tmp_path / "b.gpkg"), **opts))
    assert err.value.code == ErrorCode.MODEL
    assert "model.safetensors of rr-test/tiny-reasoner is damaged (its SHA-256 no longer matches the one the hub " \
           "published)" in str(err.value) and "download it again" in str(err.value)
    assert not (tmp_path / "b.gpkg").exists()


def test_a_damaged_digest_cache_is_ignored_and_rewritten(tmp_path, digest_cache):
    f = tmp_path / "w.bin"
    f.write_bytes(b"weights")
    digest_cache.write_text("{not json")
    assert digests.sha256_cached(f) == __import__("hashlib").sha256(b"weights").hexdigest()
    assert digests.cached_digest(f) is not None  # the cache was rewritten whole
    digest_cache.write_text("[1, 2]")  # JSON, but not the cache's shape
    assert digests.cached_digest(f) is None and digests.sha256_cached(f)
