"""Shared fixtures for the engine tests: the sample raster, synthetic GeoTIFFs, tiny models."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_tif() -> Path:
    """NEON OSBS_029 orthophoto (NEON / DeepForest (weecology)): 400x400 RGB uint8, 0.1 m, EPSG:32617."""
    return ROOT / "resources" / "sample" / "OSBS_029.tif"


@pytest.fixture(scope="session")
def sample_boxes_px() -> np.ndarray:
    """The 61 human tree boxes of OSBS_029 in pixel coordinates (xmin, ymin, xmax, ymax)."""
    import csv

    with open(ROOT / "resources" / "sample" / "OSBS_029.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return np.array([[float(r["xmin"]), float(r["ymin"]), float(r["xmax"]), float(r["ymax"])] for r in rows])


@pytest.fixture
def make_geotiff(tmp_path):
    """Write a GeoTIFF: make_geotiff(array CxHxW, transform=Affine, crs='EPSG:32633', nodata=None, name=...)."""
    import rasterio
    from rasterio.transform import from_origin

    def _make(array, transform=None, crs="EPSG:32633", nodata=None, name="synthetic.tif", **profile):
        array = np.asarray(array)
        if array.ndim == 2:
            array = array[None]
        path = tmp_path / name
        prof = dict(
            driver="GTiff", width=array.shape[2], height=array.shape[1], count=array.shape[0],
            dtype=array.dtype, crs=crs, transform=transform or from_origin(500000.0, 4000000.0, 0.5, 0.5),
            nodata=nodata,
        )
        prof.update(profile)
        if crs is None:
            prof.pop("crs")
            prof.pop("transform")
        with rasterio.open(path, "w", **prof) as dst:
            dst.write(array)
        return path

    return _make


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Offline tiny Qwen2.5-VL (folder) and SAM (state_dict + json), built once per session."""
    from inference_core.models.tiny import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"))
