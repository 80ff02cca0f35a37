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
TABLES = ("runs", "responses", "edits")
GEOMETRY_TYPES = {"boxes": "Polygon", "masks": "MultiPolygon", "contours": "MultiLineString", ANSWER_LAYER: "Polygon"}
# On every feature of the three result layers, so each one says where it came from: the source raster, the
# reasoning model, the prompt template's name and the view's ground sample distance (with run_id and query).
PROVENANCE_FIELDS: tuple[tuple[str, str], ...] = (("raster", "str"), ("prompt", "str"), ("gsd", "float"))
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "boxes": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("label", "str"), ("score", "float"),
              ("tile_id", "int"), ("reasoning", "str"), ("model", "str"), ("cut_sides", "str"), ("stage", "str"),
              ("unconfirmed", "int"), *PROVENANCE_FIELDS),
    "masks": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("area_m2", "float"),
              ("sam_score", "float"), ("model", "str"), ("tile_id", "int"), ("sam_model", "str"), ("stage", "str"),
              *PROVENANCE_FIELDS),
    "contours": (("run_id", "str"), ("target_id", "int"), ("query", "str"), ("length_m", "float"),
                 ("tile_id", "int"), ("model", "str"), ("stage", "str"), *PROVENANCE_FIELDS),
    ANSWER_LAYER: (("run_id", "str"), ("tile_id", "int"), ("mode", "str"), ("question", "str"), ("answer", "str"),
                   ("reasoning", "str"), ("count", "int"), ("model", "str"), ("view_width", "int"),
                   ("view_height", "int"), ("parse_error", "str")),
    "runs": (("run_id", "str"), ("raster", "str"), ("extent", "str"), ("crs", "str"), ("query", "str"),
             ("settings", "str"), ("started", "datetime"), ("finished", "datetime"), ("status", "str"),
             ("model", "str"), ("tiles_total", "int"), ("warnings", "str"), ("pixels", "str")),
    "responses": (("run_id", "str"), ("tile_id", "int"), ("window", "str"), ("input_size", "str"),
                  ("raw_text", "str"), ("parse_error", "str"), ("seconds", "float"), ("stage", "str"),
                  ("view_hash", "str")),
    # One row per correction of a run's results (docs/SCHEMA.md): what was done, with which prompts, so the
    # corrected run stays reproducible; `before` holds the target's rows as they were, for undo.
    "edits": (("run_id", "str"), ("edit_id", "int"), ("action", "str"), ("target_id", "int"), ("points", "str"),
              ("box", "str"), ("sam_model", "str"), ("area_m2", "float"), ("before", "str"), ("undoes", "int"),
              ("undone", "int"), ("created", "datetime")),
}
# A change run (two dates, run/change/, docs/guide/change.md) adds three layers in the first date's CRS and one
# `changes` row linking the two dates' runs (their `runs` and `responses` rows, by run_id) to its result.
CHANGE_LAYERS = ("appeared", "disappeared", "persisted")
CHANGE_TABLE = "changes"
GEOMETRY_TYPES.update({layer: "MultiPolygon" for layer in CHANGE_LAYERS})
_CHANGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("change_id", "int"), ("change", "str"), ("query", "str"), ("before_target_id", "int"),
    ("after_target_id", "int"), ("iou", "float"), ("area_before", "float"), ("area_after", "float"),
    ("reasoning_before", "str"), ("reasoning_after", "str"), ("before_run_id", "str"), ("after_run_id", "str"),
    ("before_raster", "str"), ("after_raster", "str"), ("model", "str"))
FIELDS.update({layer: _CHANGE_FIELDS for layer in CHANGE_LAYERS})
FIELDS[CHANGE_TABLE] = (
    ("before_run_id", "str"), ("after_run_id", "str"), ("before_raster", "str"), ("after_raster", "str"),
    ("after_read", "str"), ("query", "str"), ("alignment", "str"), ("shift_x_m", "float"), ("shift_y_m", "float"),
    ("shift_px", "float"), ("tolerance_m", "float"), ("min_iou", "float"), ("appeared", "int"),
    ("disappeared", "int"), ("persisted", "int"), ("appeared_m2", "float"), ("disappeared_m2", "float"),
    ("summary", "str"), ("finished", "datetime"))
EDIT_ACTIONS = ("refine", "add", "delete", "undo")
# Fields added to a layer after its first version: a result GeoPackage of an earlier version lacks them and is
# still the engine's (the sink adds them, empty for the old rows, when a run is appended or resumed).
LATER_FIELDS: dict[str, tuple[str, ...]] = {
    "boxes": ("stage", "unconfirmed", *(n for n, _ in PROVENANCE_FIELDS)),
    "masks": ("sam_model", "stage", *(n for n, _ in PROVENANCE_FIELDS)),
    "contours": ("model", "stage", *(n for n, _ in PROVENANCE_FIELDS)),
    "responses": ("stage", "view_hash"),
    "runs": ("pixels",),
}
RUN_STATUSES = ("running", "finished", "cancelled", "failed")


def field_names(layer: str) -> tuple[str, ...]:
    """The field names of one layer or table, in schema order."""
    return tuple(name for name, _ in FIELDS[layer])
