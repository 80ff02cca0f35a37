"""The result GeoPackage's schema: layer names, geometry types and fields — the one copy.

The engine's sink creates the GeoPackage from it; the plugin builds its live layers and the Processing
outputs from it, so a field added here appears everywhere. Kinds: "str", "int", "float", "datetime".
See docs/SCHEMA.md for what each field holds.
"""

from __future__ import annotations

GPKG_VERSION = "1.2"
FEATURE_LAYERS = ("boxes", "masks", "contours")  # what a locate run finds (each feature has a target_id)
# What an ask / describe run answers: one feature per view, its footprint carrying the text answer.
ANSWER_LAYER = "answers"
TABLES = ("runs", "responses")
GEOMETRY_TYPES = {"boxes": "Polygon", "masks": "MultiPolygon", "contours": "MultiLineString", ANSWER_LAYER: "Polygon"}
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "boxes": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("label", "str"), ("score", "float"),
              ("tile_id", "int"), ("reasoning", "str"), ("model", "str"), ("cut_sides", "str")),
    "masks": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("area_m2", "float"),
              ("sam_score", "float"), ("model", "str"), ("tile_id", "int")),
    "contours": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("length_m", "float"),
                 ("tile_id", "int")),
    ANSWER_LAYER: (("run_id", "str"), ("tile_id", "int"), ("mode", "str"), ("question", "str"), ("answer", "str"),
                   ("reasoning", "str"), ("count", "int"), ("model", "str"), ("view_width", "int"),
                   ("view_height", "int"), ("parse_error", "str")),
    "runs": (("run_id", "str"), ("raster", "str"), ("extent", "str"), ("crs", "str"), ("query", "str"),
             ("settings", "str"), ("started", "datetime"), ("finished", "datetime"), ("status", "str"),
             ("model", "str"), ("tiles_total", "int"), ("warnings", "str")),
    "responses": (("run_id", "str"), ("tile_id", "int"), ("window", "str"), ("input_size", "str"),
                  ("raw_text", "str"), ("parse_error", "str"), ("seconds", "float"), ("view_hash", "str")),
}
# Fields added after files were first written: a result GeoPackage without them is an earlier version's,
# still the engine's own (output guard), and the sink adds them, empty, when it opens the file.
ADDED_FIELDS: dict[str, tuple[str, ...]] = {"responses": ("view_hash",)}
RUN_STATUSES = ("running", "finished", "cancelled", "failed")


def field_names(layer: str) -> tuple[str, ...]:
    """The field names of one layer or table, in schema order."""
    return tuple(name for name, _ in FIELDS[layer])
