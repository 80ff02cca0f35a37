"""Find-all (SAM 3 concept prompts) with the tiny random SAM 3 through transformers' Sam3Model/Sam3Processor:
loading and its checks, the real post-processing and its score threshold, a tiled run whose instances are merged
at seams and georeferenced exactly (only the model's predicted masks/boxes/scores are replaced), the layers and
exports carrying `score`, the CLI, and the catalog entry's state in a Hugging Face cache layout."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyogrio
import pytest
import shapely
from rasterio.transform import from_origin

torch = pytest.importorskip("torch")
pytest.importorskip("transformers.models.sam3")

from inference_core.cli.main import main  # noqa: E402
from inference_core.common.errors import PipelineError  # noqa: E402
from inference_core.contract import catalog  # noqa: E402
from inference_core.contract.model_state import entry_state  # noqa: E402
from inference_core.contract.options import (  # noqa: E402
    DEFAULT_SAM3_MODEL, DEFAULT_SCORE_THRESHOLD, OptionsError, RunOptions,
)
from inference_core.contract.protocol import ErrorCode  # noqa: E402
from inference_core.models.cache import ModelCache  # noqa: E402
from inference_core.models.sam3 import Sam3Error, Sam3Finder, load_sam3  # noqa: E402
from inference_core.raster.source import RasterSource  # noqa: E402
from inference_core.raster.tiling import plan_tiles  # noqa: E402
from inference_core.run.pipeline import run  # noqa: E402
from tests.support.hub_cache import REV, add_file, hub_snapshot  # noqa: E402

ORIGIN = (500000.0, 4000000.0)
PX = 0.5
# 196 x 112 px in two 112-px tiles overlapping by 28 px (cols 0-112 and 84-196); the views reach SAM 3 as read.
TILED = dict(tile_size=112, overlap=28, max_pixels=12544)
BG = (90, 90, 90)
# colour -> (raster pixel rectangle col1, row1, col2, row2 (exclusive), the score SAM 3 gives it)
OBJECTS = {
    (30, 200, 30): ((60, 50, 150, 90), 0.9),  # A: across both tiles, cut by each tile's inner seam
    (200, 30, 30): ((10, 20, 40, 50), 0.7),  # B: tile 0 only
    (30, 30, 200): ((90, 10, 106, 30), 0.8),  # C: wholly inside the overlap strip: seen whole by both tiles
    (220, 220, 20): ((160, 60, 180, 80), 0.3),  # D: tile 1 only, below the default threshold
}


def scene() -> np.ndarray:
    img = np.empty((112, 196, 3), np.uint8)
    img[:] = BG
    for colour, ((c1, r1, c2, r2), _) in OBJECTS.items():
        img[r1:r2, c1:c2] = colour
    return img


def map_rect(c1, r1, c2, r2):
    return shapely.box(ORIGIN[0] + c1 * PX, ORIGIN[1] - r2 * PX, ORIGIN[0] + c2 * PX, ORIGIN[1] - r1 * PX)


@pytest.fixture(scope="module")
def sam3_dir(tiny_models) -> Path:
    return tiny_models.sam3_dir


@pytest.fixture
def raster(make_geotiff):
    return make_geotiff(scene().transpose(2, 0, 1), transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633")


def _opts(raster, out, sam3, **kw):
    base = dict(raster=str(raster), query="bright roof", out=str(out), mode="find-all", sam3=str(sam3),
                granularity=("boxes", "masks", "contours"), device="cpu", **TILED)
    base.update(kw)
    return RunOptions(**base)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def exact_outputs(view: np.ndarray, queries: int, also: dict):
    """What a perfect SAM 3 would predict for one view: per coloured object, its mask (at the view's size, so
    the post-processing's resize is the identity), its normalised xyxy box and its score (presence sure).
    `also`: colour -> another colour that counts as part of that object (e.g. blackened nodata)."""
    h, w = view.shape[:2]
    logits = torch.full((1, queries), -30.0)
    boxes = torch.zeros((1, queries, 4))
    masks = torch.full((1, queries, h, w), -10.0)
    q = 0
    for colour, (_, score) in OBJECTS.items():
        inside = np.all(view == np.array(colour, np.uint8), axis=-1)
        if colour in also:
            inside |= np.all(view == np.array(also[colour], np.uint8), axis=-1)
        if not inside.any():
            continue
        rows, cols = np.nonzero(inside)
        boxes[0, q] = torch.tensor([cols.min() / w, rows.min() / h, (cols.max() + 1) / w, (rows.max() + 1) / h])
        masks[0, q][torch.from_numpy(inside)] = 10.0
        logits[0, q] = _logit(score)
        q += 1
    return SimpleNamespace(pred_logits=logits, pred_boxes=boxes, pred_masks=masks,
                           presence_logits=torch.full((1, 1), 40.0))


@pytest.fixture
def exact_finder(sam3_dir, monkeypatch):
    """A warm cache whose SAM 3 runs its real forward pass and real post-processing, with only the predicted
    masks, boxes and scores replaced by `exact_outputs` of the view it was given."""
    models = ModelCache()
    finder = models.finder(_opts("x.tif", "o.gpkg", sam3_dir))
    seen: dict = {"views": [], "forward": [], "also": {}}
    real_find, model = finder.find_scored, finder.model

    def find(images, texts):
        seen["views"] = [np.asarray(i) for i in images]
        return real_find(images, texts)

    def forward(**kw):
        out = type(model).forward(model, **kw)  # the real network on the processed view
        seen["forward"].append((tuple(kw["pixel_values"].shape), tuple(out.pred_masks.shape)))
        assert len(seen["views"]) == 1
        return exact_outputs(seen["views"][0], out.pred_logits.shape[1], seen["also"])

    monkeypatch.setattr(finder, "find_scored", find)
    monkeypatch.setattr(model, "forward", forward)
    return SimpleNamespace(models=models, seen=seen, sam3=sam3_dir)


# ------------------------------------------------------------------------------------------- the model
def test_tiny_sam3_is_a_transformers_folder_loaded_by_the_real_loader(sam3_dir):
    assert {"config.json", "model.safetensors", "processor_config.json", "tokenizer.json"} <= {
        p.name for p in sam3_dir.iterdir()}
    assert json.loads((sam3_dir / "config.json").read_text())["model_type"] == "sam3"
    finder = load_sam3(str(sam3_dir), "cpu")
    assert finder.model_id.startswith("sam3:sam3:") and finder.processor.target_size == 112
    assert sum(p.numel() for p in finder.model.parameters()) < 400_000  # small enough for 2 CPU cores
    assert sum(f.stat().st_size for f in sam3_dir.iterdir()) < 3_000_000


def test_real_post_processing_gives_view_sized_masks_and_the_threshold_filters(sam3_dir):
    finder = load_sam3(str(sam3_dir), "cpu")
    view = scene()[:, :112]
    finder.configure(score_threshold=0.0)
    everything = finder.find([view], ["bright roof"])[0]
    queries = finder.model.config.detr_decoder_config.num_queries
    assert len(everything) == queries == 20
    scores = [i.score for i in everything]
    assert scores == sorted(scores, reverse=True) and all(0 < s < 1 for s in scores)
    for inst in everything:
        assert inst.mask.shape == (112, 112) and inst.mask.dtype == bool
        x1, y1, x2, y2 = inst.box_px
        assert -1e-3 <= x1 <= x2 <= 112 + 1e-3 and -1e-3 <= y1 <= y2 <= 112 + 1e-3  # view pixels, not 0-1
    middle = float(np.median(scores))
    finder.configure(score_threshold=middle)
    kept = finder.find([view], ["bright roof"])[0]
    assert 0 < len(kept) < queries and all(i.score > middle for i in kept)
    assert [round(i.score, 6) for i in kept] == [round(s, 6) for s in scores if s > middle]
    finder.configure(score_threshold=0.999)
    assert finder.find([view], ["bright roof"])[0] == []


# ------------------------------------------------------------------------------------------- a tiled run
def test_tiled_run_merges_instances_at_seams_georeferenced_exactly(raster, tmp_path, exact_finder):
    models, seen = exact_finder.models, exact_finder.seen
    out = tmp_path / "r.gpkg"
    opts = _opts(raster, out, exact_finder.sam3, formats=("geojson",))
    with RasterSource.open(str(raster)) as src:
        tiles = plan_tiles(src, opts)
    assert [(t.col_off, t.width) for t in tiles] == [(0, 112), (84, 112)]
    events: list[dict] = []
    summary = run(opts, emit=events.append, models=models)

    assert summary.status == "finished" and summary.tiles_done == 2
    assert seen["forward"] == [((1, 3, 112, 112), (1, 20, 32, 32))] * 2  # the real network ran on each view
    boxes = pyogrio.read_dataframe(out, layer="boxes")
    masks = pyogrio.read_dataframe(out, layer="masks")
    contours = pyogrio.read_dataframe(out, layer="contours")
    assert summary.counts == {"boxes": 3, "masks": 3, "contours": 3}  # A's halves and C's duplicate merged; D < 0.5
    assert boxes.crs.to_epsg() == masks.crs.to_epsg() == 32633
    expected = {colour: (map_rect(*rect), score) for colour, (rect, score) in OBJECTS.items() if score > 0.5}
    by_score = {round(s, 4): tid for s, tid in zip(boxes["score"], boxes["target_id"])}
    assert sorted(by_score) == [0.7, 0.8, 0.9]
    for geom_true, score in expected.values():
        tid = by_score[round(score, 4)]
        box = boxes.geometry[boxes["target_id"] == tid].iloc[0]
        mask = masks.geometry[masks["target_id"] == tid].iloc[0]
        line = contours.geometry[contours["target_id"] == tid].iloc[0]
        # boxes pass through SAM 3's normalised float32 xyxy: exact to a hundred-thousandth of a pixel
        assert box.bounds == pytest.approx(geom_true.bounds, abs=1e-5 * PX)
        assert mask.equals(geom_true) and shapely.get_num_geometries(mask) == 1
        assert line.length == pytest.approx(geom_true.length)
        row = masks[masks["target_id"] == tid].iloc[0]
        assert row["area_m2"] == pytest.approx(geom_true.area) and row["sam_score"] == pytest.approx(score, abs=1e-6)
        assert row["model"] == summary_model(out)
    assert set(boxes["label"]) == {"bright roof"} and set(boxes["reasoning"]) <= {"", None}
    a = by_score[0.9]
    assert set(boxes.loc[boxes["target_id"] == a, "cut_sides"]) == {""}  # the union box is whole
    # The exports carry the score too.
    geo = json.loads((tmp_path / "r_boxes.geojson").read_text())
    assert sorted(round(f["properties"]["score"], 4) for f in geo["features"]) == [0.7, 0.8, 0.9]
    # Events: each view's instances as result features, and a one-line summary, never a reasoner's text.
    results = [e for e in events if e["type"] == "result"]
    assert [len(e["features"]["boxes"]) for e in results] == [3, 1]  # tile 1: A's other half (C a duplicate)
    assert results[1]["removed"]["boxes"] == [a] and results[1]["removed"]["masks"] == [a]  # A grew: rewritten
    texts = [e["text"] for e in events if e["type"] == "reasoning"]
    assert texts[0].startswith("SAM 3 found 3 instance(s)") and "0.70\u20130.90" in texts[0]
    responses = pyogrio.read_dataframe(out, layer="responses", read_geometry=False)
    assert len(json.loads(responses["raw_text"][0])) == 3 and responses["parse_error"].isna().all()


def summary_model(out: Path) -> str:
    return pyogrio.read_dataframe(out, layer="runs", read_geometry=False)["model"][0]


def test_score_threshold_keeps_the_low_scoring_instance(raster, tmp_path, exact_finder):
    opts = _opts(raster, tmp_path / "low.gpkg", exact_finder.sam3, score_threshold=0.2)
    summary = run(opts, models=exact_finder.models)
    boxes = pyogrio.read_dataframe(tmp_path / "low.gpkg", layer="boxes")
    assert summary.counts["boxes"] == 4 and sorted(round(s, 4) for s in boxes["score"]) == [0.3, 0.7, 0.8, 0.9]
    d = boxes[boxes["score"].round(4) == 0.3].geometry.iloc[0]
    assert d.bounds == pytest.approx(map_rect(160, 60, 180, 80).bounds, abs=1e-5 * PX)
    settings = json.loads(pyogrio.read_dataframe(tmp_path / "low.gpkg", layer="runs", read_geometry=False)["settings"][0])
    assert settings["mode"] == "find-all" and settings["score_threshold"] == 0.2


def test_the_end_line_says_what_the_threshold_dropped(raster, tmp_path, exact_finder):
    """At 0.5 the 0.3 instance is dropped and counted; at 0.95 every instance is, and the summary says so."""
    from inference_core.cli.progress import summary_text

    summary = run(_opts(raster, tmp_path / "half.gpkg", exact_finder.sam3), models=exact_finder.models)
    assert summary.counts["boxes"] == 3
    assert summary.below_threshold == {"dropped": 1, "threshold": 0.5, "best_score": pytest.approx(0.3)}
    assert summary_text(summary).splitlines()[-1].endswith(
        "; dropped 1 under the score threshold 0.5 (best 0.30: lower --score-threshold to keep them)")
    summary = run(_opts(raster, tmp_path / "high.gpkg", exact_finder.sam3, score_threshold=0.95),
                  models=exact_finder.models)
    assert summary.counts["boxes"] == 0
    # A (0.9) and C (0.8) are seen in both views, B (0.7) in the first, D (0.3) in the second: 6 dropped
    assert summary.below_threshold == {"dropped": 6, "threshold": 0.95, "best_score": pytest.approx(0.9)}
    last = summary_text(summary).splitlines()[-1].strip()
    assert last == "found      0 targets; dropped 6 under the score threshold 0.95 (best 0.90: lower --score-threshold to keep them)"


def test_nodata_pixels_are_never_part_of_an_instance(make_geotiff, tmp_path, exact_finder):
    img = scene().transpose(2, 0, 1).copy()
    img[:, 20:50, 10:25] = 0  # the left half of B is nodata...
    exact_finder.seen["also"] = {(200, 30, 30): (0, 0, 0)}  # ...which SAM 3's mask of B covers too
    raster = make_geotiff(img, transform=from_origin(*ORIGIN, PX, PX), crs="EPSG:32633", nodata=0, name="nd.tif")
    opts = _opts(raster, tmp_path / "nd.gpkg", exact_finder.sam3, granularity=("masks",))
    summary = run(opts, models=exact_finder.models)
    assert summary.counts["masks"] == 3 and "contours" not in summary.counts
    masks = pyogrio.read_dataframe(tmp_path / "nd.gpkg", layer="masks")
    b = masks[masks["sam_score"].round(4) == 0.7].geometry.iloc[0]
    assert b.equals(map_rect(25, 20, 40, 50))  # only B's valid pixels


# ------------------------------------------------------------------------------------------- options, CLI, errors
def test_options_defaults_and_validation():
    o = RunOptions(raster="a.tif", query="tree crown", out="o.gpkg", mode="find-all", granularity=("masks",))
    assert o.validate() is o and o.sam3 == DEFAULT_SAM3_MODEL == "facebook/sam3"
    assert DEFAULT_SCORE_THRESHOLD == 0.5 and not o.needs_sam  # SAM 3 gives the masks: no --sam needed
    with pytest.raises(OptionsError, match="--score-threshold 1.5 must be at least 0 and below 1"):
        RunOptions(raster="a.tif", query="x", out="o.gpkg", mode="find-all", score_threshold=1.5).validate()
    with pytest.raises(OptionsError, match="Masks and contours need a SAM model"):
        RunOptions(raster="a.tif", query="x", out="o.gpkg", granularity=("masks",)).validate()  # locate still does


def test_cli_find_all_with_a_sam3_folder(tmp_path, sample_tif, sam3_dir, capsys):
    rc = main(["reason", str(sample_tif), "-q", "tree crown", "-o", str(tmp_path / "o.gpkg"), "--mode", "find-all",
               "--sam3", str(sam3_dir), "--score-threshold", "0.0", "--granularity", "boxes,masks",
               "--device", "cpu", "--json", "--quiet"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    summary = json.loads(captured.out)
    boxes = pyogrio.read_dataframe(tmp_path / "o.gpkg", layer="boxes")
    assert summary["counts"]["boxes"] == len(boxes) > 0 and boxes["score"].notna().all()
    assert (boxes["model"].str.startswith("sam3:")).all()


@pytest.fixture
def hub_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "hf"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache


@pytest.mark.parametrize("case, expected", [
    ("offline-hub", "facebook/sam3 is not in the Hugging Face cache and downloads are off"),
    ("missing", "SAM 3 folder not found"),
    ("sam2-folder", "not SAM 3"),
])
def test_unusable_sam3_fails_before_the_run_starts(case, expected, raster, tmp_path, hub_cache, tiny_models):
    sam3 = {"offline-hub": DEFAULT_SAM3_MODEL, "missing": str(tmp_path / "nowhere/"),
            "sam2-folder": str(tiny_models.sam2_dir)}[case]
    out = tmp_path / "r.gpkg"
    with pytest.raises(PipelineError) as info:
        run(_opts(raster, out, sam3))
    assert info.value.code == ErrorCode.MODEL and expected in str(info.value)
    assert not out.exists()


def test_gated_download_says_to_request_access_and_set_a_token():
    from inference_core.models.store import _hub_error

    entry = catalog.find("sam3")
    exc = type("GatedRepoError", (Exception,), {})("401 Client Error")
    msg = str(_hub_error(entry, exc))
    assert "request access on https://huggingface.co/facebook/sam3" in msg and "HF_TOKEN" in msg
    assert "authentication database" in msg


def test_catalog_entry_and_its_state_in_a_hub_cache(tmp_path, sam3_dir, hub_cache):
    entry = catalog.find("sam3")
    assert (entry.source, entry.kind, entry.gated) == ("facebook/sam3", "sam3", True)
    assert entry.licence.startswith("SAM License") and 3e9 < entry.size_bytes < 4e9
    assert entry_state(entry, tmp_path, hub_cache).state == "absent"
    snap = hub_snapshot(hub_cache, entry.source)
    for f in sam3_dir.iterdir():
        add_file(snap, f.name, f.read_bytes())
    st = entry_state(entry, tmp_path, hub_cache, verify=True)
    assert (st.state, st.path) == ("present", str(snap))
    finder = load_sam3(entry.source, "cpu")  # offline, from the cache
    assert finder.model_id == f"sam3:facebook/sam3@{REV}"
    weights = snap / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    assert entry_state(entry, tmp_path, hub_cache, verify=True).detail == "SHA-256 mismatch: model.safetensors"
    with pytest.raises(Sam3Error, match="damaged .*SHA-256"):
        load_sam3(entry.source, "cpu")
    shutil.rmtree(snap)


def test_finder_is_kept_warm_and_the_threshold_changes_in_place(sam3_dir):
    models = ModelCache()
    o = _opts("a.tif", "o.gpkg", sam3_dir)
    first = models.finder(o)
    o.score_threshold = 0.25
    assert models.finder(o) is first and first.score_threshold == 0.25
    assert models.loaded()["finder"]["model"] == first.model_id
    assert isinstance(first, Sam3Finder)
    models.close()
    assert "finder" not in models.loaded()


def test_boxes_only_needs_no_masks_and_still_merges_at_seams(raster, tmp_path, exact_finder):
    opts = _opts(raster, tmp_path / "b.gpkg", exact_finder.sam3, granularity=("boxes",))
    summary = run(opts, models=exact_finder.models)
    assert summary.counts == {"boxes": 3}
    boxes = pyogrio.read_dataframe(tmp_path / "b.gpkg", layer="boxes")
    a = boxes[boxes["score"].round(4) == 0.9].geometry.iloc[0]
    assert a.bounds == pytest.approx(map_rect(60, 50, 150, 90).bounds, abs=1e-5 * PX)  # A's halves joined


def test_worker_loads_sam3_and_runs_find_all(tmp_path, sample_tif, sam3_dir):
    import sys

    from inference_core.contract.client import WorkerClient

    opts = {"raster": str(sample_tif), "query": "tree crown", "out": str(tmp_path / "w.gpkg"), "mode": "find-all",
            "sam3": str(sam3_dir), "score_threshold": 0.0, "device": "cpu", "granularity": ["boxes"]}
    client = WorkerClient(sys.executable)
    try:
        loaded = client.call("load", timeout=300, options={k: v for k, v in opts.items() if k not in ("raster", "query", "out")})
        assert loaded["type"] == "loaded", loaded
        assert loaded["models"]["backend"] is None and loaded["models"]["finder"]["model"].startswith("sam3:")
        events = list(client.request("reason", timeout=300, options=opts))
        assert events[-1]["type"] == "done", events[-1]
        summary = events[-1]["summary"]
        assert summary["status"] == "finished" and summary["counts"] == {"boxes": 20}  # every query, threshold 0
        assert all(f["properties"]["score"] > 0 for e in events if e["type"] == "result" for f in e["features"]["boxes"])
    finally:
        client.close()


def test_a_phrase_longer_than_sam3_reads_is_refused_before_sam3_loads(raster, sam3_dir, tmp_path, monkeypatch):
    """SAM 3 takes 32 text tokens (Sam3Processor max_length=32); the tiny tokenizer makes one token per letter, so
    30 letters are 32 tokens with start and end. Before: a longer phrase failed inside SAM 3 ("Sequence length must
    be less than max_position_embeddings"), an internal error after the model loaded."""
    import inference_core.models.sam3 as sam3_module
    from inference_core.common.errors import PipelineError
    from inference_core.contract.protocol import ErrorCode
    from inference_core.run.pipeline import run

    assert sam3_module.phrase_tokens(str(sam3_dir), "bright roof") == 12
    loads = []
    real_load = sam3_module.load_sam3
    monkeypatch.setattr(sam3_module, "load_sam3", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    sentence = " ".join(["the"] + ["large"] * 38 + ["roof"])  # 40 words
    for phrase, tokens, words in (("red roof of the old brick storage tanks", 34, 8), (sentence, 199, 40)):
        out = tmp_path / f"{words}.gpkg"
        with pytest.raises(PipelineError) as err:
            run(_opts(raster, out, sam3_dir, query=phrase))
        assert err.value.code == ErrorCode.BAD_OPTIONS
        assert str(err.value).startswith(f"The find-all phrase is {tokens} tokens long ({words} words); SAM 3 reads "
                                         f"at most 32 tokens")
        assert "short noun phrase" in str(err.value) and not out.exists()
    assert loads == []  # refused before SAM 3 loaded
    # exactly 32 tokens: read whole, the run goes through SAM 3
    phrase = "storage tanks besides brick roofs"  # 29 letters: 31 tokens
    assert sam3_module.phrase_tokens(str(sam3_dir), phrase + "s") == 32
    summary = run(_opts(raster, tmp_path / "ok.gpkg", sam3_dir, query=phrase + "s"))
    assert summary.status == "finished" and len(loads) == 1
