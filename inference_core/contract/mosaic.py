"""A mosaic run's own settings (`MosaicSettings`): the files, Ray, the model servers and the size of a part; what
`remotereasoner mosaic` parses, the worker's `mosaic` request carries and the plugin's *Reason over a mosaic* sends."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional

from inference_core.contract.options import OptionsError

DEFAULT_PARTS_PER_SERVER = 2  # parts in flight at one model server, each keeping `concurrency` views there
DEFAULT_MAX_VIEWS = 64  # views per part: a retried part redoes at most this many
PARTS_SUFFIX = ".parts"  # beside the output: the VRT and one partial GeoPackage per finished part


@dataclass
class MosaicSettings:
    """`mosaic`: a folder, a glob, a .vrt or a tile index; `ray_address`: a cluster (None: embedded Ray with
    `workers` CPUs, default all); `servers`: openai servers the parts share round robin; `skip_mismatched`: leave
    out files on another grid (named) instead of refusing the mosaic."""

    mosaic: str
    ray_address: Optional[str] = None
    workers: Optional[int] = None
    servers: list[str] = field(default_factory=list)
    parts_per_server: int = DEFAULT_PARTS_PER_SERVER
    max_views: int = DEFAULT_MAX_VIEWS
    skip_mismatched: bool = False

    @classmethod
    def from_dict(cls, raw: Any) -> "MosaicSettings":
        """From a request's `mosaic` object; OptionsError naming the field."""
        if not isinstance(raw, dict) or not isinstance(raw.get("mosaic"), str) or not raw["mosaic"]:
            raise OptionsError("'mosaic' must be an object with 'mosaic': a folder, glob, .vrt or tile index path.")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise OptionsError(f"Unknown mosaic setting(s): {', '.join(unknown)}.")
        s = cls(**raw)
        s.servers = servers_from(s.servers if isinstance(s.servers, list) else [s.servers])
        return s.validate()

    def validate(self) -> "MosaicSettings":
        for name in ("parts_per_server", "max_views") + (("workers",) if self.workers is not None else ()):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise OptionsError(f"Mosaic setting {name!r} must be a whole number of at least 1, not {value!r}.")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def servers_from(values: Any) -> list[str]:
    """Server URLs given several times or as comma lists -> the URLs in order, without repeats."""
    out: list[str] = []
    for v in values or []:
        for url in str(v).split(","):
            url = url.strip()
            if url and url not in out:
                out.append(url)
    return out
