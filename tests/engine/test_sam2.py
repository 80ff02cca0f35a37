"""SAM 2.1 through transformers with the tiny random SAM 2.1 folder: loading and its checks, the prompt the
reference gives (box + truncated centre, one mask), masks through the pipeline, the embedding cache, the
CLI, offline errors before a run starts, and the catalog entries' states in a Hugging Face cache layout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from rasterio.transform import from_origin

pytest.importorskip("torch")
pytest.importorskip("transformers.models.sam2")

from inference_core.cli.main import main  # noqa: E402
from inference_core.common.errors import PipelineError  # noqa: E402
from inference_core.contract import catalog  # noqa: E402
from inference_core.contract.model_state import entry_state, sam_kind  # noqa: E402
from inference_core.contract.options import DEFAULT_SAM_MODEL, SAM2_TYPES, SAM_TYPES, RunOptions  # noqa: E402
from inference_core.contract.protocol import ErrorCode  # noqa: E402
from inference_core.models.cache import ModelCache  # noqa: E402
from inference_core.models.sam import SamError  # noqa: E402
from inference_core.models.sam2 import DYNAMIC_MULTIMASK, hiera_size, load_sam2  # noqa: E402
from inference_core.models.segment import centre_point, load_segmenter, truncated_centre_point  # noqa: E402
from inference_core.raster.source import RasterSource  # noqa: E402
from inference_core.raster.tiling import plan_tiles  # noqa: E402
from inference_core.run.pipeline import run  # noqa: E402
from tests.support.hub_cache import REV, add_file, hub_snapshot  # noqa: E402

ORIGIN = (500000.0, 4000000.0)
PX = 0.5
TILED = dict(tile_size=112, overlap=28, max_pixels=12544)  # 112-px tiles seen unresized: boxes in tile pixels
BOX_IN_TILE_0 = (30, 24, 70, 61)  # raster = tile 0 pixels, well inside tile 0 (0..112), outside tile 1 (84..)


@pytest.fixture(scope="module")
def sam2_dir(tiny_models) -> Path:
    return tiny_models.sam2_dir


@pytest.fixture
def hub_cache(tmp_path, monkeypatch) -> Path:
    """An empty Hugging Face cache that every hub lookup in this process reads."""
    cache = tmp_path / "hf"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache






# ------------------------------------------------------------------------------------------- loading
def test_tiny_sam2_is_a_transformers_folder_loaded_by_the_real_loader(sam2_dir):
    assert {"config.json", "model.safetensors", "processor_config.json"} <= {p.name for p in sam2_dir.iterdir()}
    assert json.loads((sam2_dir / "config.json").read_text())["model_type"] == "sam2"
    predictor, model_id = load_sam2(str(sam2_dir), device="cpu")
    assert model_id.startswith("sam2:sam2:model.safetensors:")  # size "sam2" (not a published one), then files
    decoder = predictor.model.mask_decoder
    assert {k: getattr(decoder, k) for k in DYNAMIC_MULTIMASK} == DYNAMIC_MULTIMASK  # build_sam2's defaults
    assert predictor.processor.target_size == 128 and not predictor.model.training
    assert sam_kind(str(sam2_dir)) == "sam2"


def test_published_sizes_read_from_config():
    def cfg(hidden, blocks):
        return {"vision_config": {"backbone_config": {"hidden_size": hidden, "blocks_per_stage": blocks}}}

    got = [hiera_size(cfg(96, [1, 2, 7, 2])), hiera_size(cfg(96, [1, 2, 11, 2])),
           hiera_size(cfg(112, [2, 3, 16, 3])), hiera_size(cfg(144, [2, 6, 36, 4]))]
    assert tuple(got) == SAM2_TYPES and set(SAM2_TYPES) <= set(SAM_TYPES)
    assert hiera_size(cfg(16, [1, 1, 2, 1])) == "sam2"


def test_sam_kind_tells_the_two_sams_apart(tmp_path):
    f = tmp_path / "my_sam.pth"
    f.write_bytes(b"x")
    assert sam_kind(str(f)) == "sam" and sam_kind(str(tmp_path / "missing.pth")) == "sam"
    assert sam_kind(DEFAULT_SAM_MODEL) == "sam2" and sam_kind(str(tmp_path)) == "sam2"
    assert sam_kind(str(tmp_path / "missing"), "vit_b") == "sam"


@pytest.mark.parametrize("case, expected", [
    ("meta_pt", "Meta's checkpoint for the sam2 package"),
    ("no_config", "has no config.json"),
    ("not_sam2", "holds a qwen2_5_vl model, not SAM 2"),
    ("no_weights", "lacks model.safetensors"),
    ("wrong_size", "is a SAM 2 of no published size, not sam2.1_hiera_large"),
    ("sam1_type", "--sam-type vit_b is a SAM 1 size"),
    ("missing_folder", "SAM 2.1 folder not found"),
])
def test_checkpoint_problems_name_the_fix(case, expected, tmp_path, sam2_dir):
    sam_type = {"wrong_size": "sam2.1_hiera_large", "sam1_type": "vit_b"}.get(case)
    target = tmp_path / "m"
    if case == "meta_pt":
        target = tmp_path / "sam2.1_hiera_tiny.pt"
        target.write_bytes(b"not read")
    elif case in ("wrong_size", "sam1_type"):
        target = sam2_dir
    elif case != "missing_folder":
        target.mkdir()
        if case == "not_sam2":
            (target / "config.json").write_text('{"model_type": "qwen2_5_vl"}')
        if case == "no_weights":
            shutil.copy(sam2_dir / "config.json", target / "config.json")
    with pytest.raises(SamError, match=expected):
        load_segmenter(str(target), sam_type, "cpu")


# ------------------------------------------------------------------------------------------- prompt
class _RecordingProcessor:
    """The real processor, recording the prompts it is given (the smallest piece between engine and model)."""

    def __init__(self, processor):
        self.inner = processor
        self.prompts: list[dict] = []

    def __call__(self, *args, **kwargs):
        if "input_points" in kwargs:
            self.prompts.append({k: kwargs[k] for k in ("input_points", "input_labels", "input_boxes", "original_sizes")})
        return self.inner(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_prompt_is_the_box_and_its_truncated_centre_one_mask(sam2_dir):
    seg = load_segmenter(str(sam2_dir), None, "cpu")
    recorder = _RecordingProcessor(seg.predictor.processor)
    seg.predictor.processor = recorder
    image = np.random.default_rng(0).integers(0, 255, size=(90, 120, 3), dtype=np.uint8)
    mask, score = seg.predict(image, (10.0, 21.0, 31.0, 40.0))
    # centre (20.5, 30.5) truncated as the reference does, int((x1 + x2) / 2) (sam_mask_generator.py:100-112)
    assert recorder.prompts == [{"input_points": [[[[20.0, 30.0]]]], "input_labels": [[[1]]],
                                 "input_boxes": [[[10.0, 21.0, 31.0, 40.0]]], "original_sizes": [[90, 120]]}]
    assert mask.shape == (90, 120) and mask.dtype == bool and isinstance(score, float)
    assert truncated_centre_point((10, 21, 31, 40)) == (20.0, 30.0) and centre_point((10, 21, 31, 40)) == (20.5, 30.5)


# ------------------------------------------------------------------------------------------- pipeline
def _raster(make_geotiff):
    arr = np.full((3, 300, 300), 40, dtype=np.uint8)
    x1, y1, x2, y2 = BOX_IN_TILE_0
    arr[:, y1:y2, x1:x2] = 230
    return make_geotiff(arr, transform=from_origin(ORIGIN[0], ORIGIN[1], PX, PX), crs="EPSG:32633")


def _replay(tmp_path, raster):
    """One answer per tile, the box in tile 0 only (tiles seen at their own size, so tile pixels)."""
    with RasterSource.open(raster) as src:
        tiles = plan_tiles(src, RunOptions(raster=str(raster), query="q", out="x.gpkg", **TILED))
    rows = []
    for t in tiles:
        boxes = [list(BOX_IN_TILE_0)] if t.tile_id == 0 else []
        rows.append({"tile_id": t.tile_id, "raw_text": f"<answer>{json.dumps(boxes)}</answer>",
                     "input_size": [t.out_width, t.out_height]})
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path, tiles[0]


def _opts(raster, out, replay, sam, query="the bright roof"):
    return RunOptions(raster=str(raster), query=query, out=str(out), backend="replay", replay=str(replay),
                      coordinates="model-input", granularity=("boxes", "masks", "contours"), sam=sam,
                      device="cpu", **TILED)


def test_sam2_masks_through_the_pipeline_and_the_embedding_cache(make_geotiff, tmp_path, sam2_dir):
    raster = _raster(make_geotiff)
    replay, tile0 = _replay(tmp_path, raster)
    models = ModelCache()
    opts = _opts(raster, tmp_path / "r.gpkg", replay, str(sam2_dir))
    seg = models.segmenter(opts)  # the warm segmenter both runs below use
    calls = []
    real_embed = seg.predictor.model.get_image_embeddings
    seg.predictor.model.get_image_embeddings = lambda pixels, **kw: calls.append(pixels.shape) or real_embed(pixels, **kw)

    summary = run(opts, models=models)
    assert summary.status == "finished" and summary.counts["boxes"] == 1
    boxes = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="boxes")
    masks = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="masks")
    contours = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="contours")
    assert len(masks) == 1 and list(masks["target_id"]) == list(boxes["target_id"]) == list(contours["target_id"])
    assert masks.crs.to_epsg() == 32633 and masks["sam_model"][0] == seg.model_id
    # The mask lies in the window SAM saw for its box: tile 0 (its box is well inside it).
    xmin, ymin, xmax, ymax = masks.geometry[0].bounds
    assert ORIGIN[0] <= xmin and xmax <= ORIGIN[0] + tile0.width * PX
    assert ORIGIN[1] - tile0.height * PX <= ymin and ymax <= ORIGIN[1]
    assert shapely.get_type_id(masks.geometry[0]) == 6 and masks.geometry[0].is_valid  # MultiPolygon
    assert calls == [(1, 3, 128, 128)]  # one encoder pass: the one window, resized to the model's input

    # A second question over the same extent: the embedding comes from the cache, no encoder pass.
    hits = seg.cache.stats.hits
    again = run(_opts(raster, tmp_path / "r2.gpkg", replay, str(sam2_dir), query="another question"), models=models)
    assert again.status == "finished" and len(calls) == 1 and seg.cache.stats.hits == hits + 1
    masks2 = pyogrio.read_dataframe(tmp_path / "r2.gpkg", layer="masks")
    assert masks2.geometry[0].equals(masks.geometry[0])


def test_cli_runs_masks_with_a_sam2_folder(tmp_path, sample_tif, sam2_dir, capsys):
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": "<answer>[[203, 67, 227, 90]]</answer>",
                                   "input_size": [400, 400]}) + "\n")
    rc = main(["reason", str(sample_tif), "-q", "trees", "-o", str(tmp_path / "o.gpkg"), "--backend", "replay",
               "--replay", str(answers), "--granularity", "boxes,masks", "--sam", str(sam2_dir), "--device", "cpu"])
    assert rc == 0, capsys.readouterr().err
    assert len(pyogrio.read_dataframe(tmp_path / "o.gpkg", layer="masks")) == 1


# ------------------------------------------------------------------------------------------- offline errors
@pytest.mark.parametrize("sam, expected", [
    (DEFAULT_SAM_MODEL, "facebook/sam2.1-hiera-tiny is not in the Hugging Face cache and downloads are off"),
    ("missing-folder/", "SAM 2.1 folder not found"),
])
def test_offline_missing_sam2_fails_before_the_run_starts(sam, expected, make_geotiff, tmp_path, hub_cache):
    raster = _raster(make_geotiff)
    replay, _ = _replay(tmp_path, raster)
    out = tmp_path / "r.gpkg"
    with pytest.raises(PipelineError) as info:
        run(_opts(raster, out, replay, str(tmp_path / sam) if sam.endswith("/") else sam))
    assert info.value.code == ErrorCode.MODEL and expected in str(info.value)
    assert "sam2.1-hiera-tiny --folder" in str(info.value) or "folder not found" in str(info.value)
    assert not out.exists()  # nothing written: the run never started


def test_cli_offline_hub_id_is_a_one_line_error(tmp_path, sample_tif, hub_cache, capsys):
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"tile_id": 0, "raw_text": "<answer>[[1, 1, 9, 9]]</answer>",
                                   "input_size": [400, 400]}) + "\n")
    rc = main(["reason", str(sample_tif), "-q", "trees", "-o", str(tmp_path / "o.gpkg"), "--backend", "replay",
               "--replay", str(answers), "--granularity", "masks", "--sam", DEFAULT_SAM_MODEL,
               "--sam-type", "sam2.1_hiera_tiny", "--device", "cpu"])
    err = capsys.readouterr().err
    assert rc != 0 and "not in the Hugging Face cache" in err and "Traceback" not in err


# ------------------------------------------------------------------------------------------- hub cache
def test_catalog_sam2_entries_and_their_states_in_a_hub_cache(tmp_path, sam2_dir):
    sam2 = [m for m in catalog.MODELS if m.kind == "sam2"]
    assert [m.source for m in sam2] == [f"facebook/sam2.1-hiera-{s}" for s in ("tiny", "small", "base-plus", "large")]
    assert [m.sam_type for m in sam2] == list(SAM2_TYPES) and {m.licence for m in sam2} == {"Apache-2.0"}
    assert sam2[0].source == DEFAULT_SAM_MODEL and "reference" in sam2[0].title
    assert [m.size_bytes for m in sam2] == [156_008_466, 184_416_285, 323_606_802, 898_083_611]
    tiny, cache, folder = sam2[0], tmp_path / "hf", tmp_path / "models"
    assert entry_state(tiny, folder, cache).state == "absent"
    snap = hub_snapshot(cache, tiny.source)
    (snap.parents[1] / "blobs" / "0badc0de.incomplete").write_bytes(b"x" * 10)
    assert entry_state(tiny, folder, cache).state == "downloading"
    for name in ("config.json", "processor_config.json"):
        add_file(snap, name, (sam2_dir / name).read_bytes())
    weights = add_file(snap, "model.safetensors", (sam2_dir / "model.safetensors").read_bytes())
    (snap.parents[1] / "blobs" / "0badc0de.incomplete").unlink()
    st = entry_state(tiny, folder, cache, verify=True)
    assert (st.state, st.path) == ("present", str(snap))
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")  # damaged on disk after the download
    assert entry_state(tiny, folder, cache).state == "present"  # completeness only, without verify
    st = entry_state(tiny, folder, cache, verify=True)
    assert (st.state, st.detail) == ("corrupt", "SHA-256 mismatch: model.safetensors")


def test_hub_id_loads_from_the_cache_offline_and_a_damaged_blob_is_refused(hub_cache, sam2_dir):
    repo = "rr-test/tiny-sam2"
    snap = hub_snapshot(hub_cache, repo)
    for name in ("config.json", "processor_config.json"):
        add_file(snap, name, (sam2_dir / name).read_bytes())
    weights = add_file(snap, "model.safetensors", (sam2_dir / "model.safetensors").read_bytes())
    seg = load_segmenter(repo, None, "cpu")
    assert seg.model_id == f"sam2:{repo}@{REV}" and seg.centre is truncated_centre_point
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    with pytest.raises(SamError, match="damaged .*SHA-256"):
        load_segmenter(repo, None, "cpu")
