"""What `hello` reports about this engine: package versions, devices and free GPU memory."""

from __future__ import annotations

import importlib.metadata
import logging
import platform
from typing import Any, Optional

from inference_core import __version__

log = logging.getLogger(__name__)

_DISTRIBUTIONS = {
    "torch": "torch", "torchvision": "torchvision", "transformers": "transformers",
    "segment_anything": "segment-anything", "rasterio": "rasterio", "shapely": "shapely",
    "numpy": "numpy",
}


def package_versions(probe: bool) -> dict[str, Optional[str]]:
    """Installed versions from package metadata (no import); GDAL needs rasterio, so only when probing."""
    versions: dict[str, Optional[str]] = {"python": platform.python_version(), "inference_core": __version__}
    for key, dist in _DISTRIBUTIONS.items():
        try:
            versions[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[key] = None
    versions["gdal"] = None
    if probe:
        try:
            import rasterio

            versions["gdal"] = rasterio.__gdal_version__
        except Exception as exc:  # noqa: BLE001 - a broken install is reported, not fatal
            log.warning("rasterio could not be imported: %s", exc)
    return versions


def device_report() -> dict[str, Any]:
    """Devices torch can use and, for CUDA, free/total memory per device (imports torch)."""
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        return {"devices": ["cpu"], "cuda_memory": [], "torch_error": f"{type(exc).__name__}: {exc}"}
    devices = ["cpu"]
    memory = []
    try:
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                devices.append(f"cuda:{i}")
                free, total = torch.cuda.mem_get_info(i)
                memory.append({"device": f"cuda:{i}", "name": torch.cuda.get_device_name(i),
                               "free_bytes": int(free), "total_bytes": int(total)})
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            devices.append("mps")
    except Exception as exc:  # noqa: BLE001 - a broken driver must not break hello
        log.warning("CUDA query failed: %s", exc)
    return {"devices": devices, "cuda_memory": memory, "cuda_build": getattr(torch.version, "cuda", None)}
