"""The worker protocol: versioned JSON lines on stdin/stdout (standard library only; docs/PROTOCOL.md).

Every request is an object `{"type": ..., "id": ...}`; every event answers one request id.
Requests: hello, load, reason, resume, correct, mosaic, cancel, status, shutdown.
Events: hello, loaded, progress, result, reasoning, answer, warning, error, done, corrected, status, bye.

Request fields (besides type and id; `service/requests.py` answers them):
- hello {probe: bool = true}: -> hello {protocol, pid, versions{python, torch, transformers,
  segment_anything, rasterio, gdal, ...}, devices, cuda_memory}; probe=false skips importing torch/rasterio.
- load {options}: model fields of RunOptions -> progress (stage "load") ... loaded {models, seconds}.
- reason / resume {options}: RunOptions fields -> progress {stage, step, tile, tiles, ...}, result, reasoning
  (locate) or answer (ask, describe), warning ... done {summary: ..., strategy, tally, overview_reasoning}.
- mosaic {options, mosaic}: RunOptions fields (raster: the mosaic) and contract.mosaic.MosaicSettings -> progress
  {stage "write", step "mosaic", tile, tiles (views done / total across the Ray workers), eta_s, parts_done, parts,
  workers}, warning (each file left out) ... done {summary: as reason's, with files, skipped_files, parts,
  parts_reused, targets_across_parts}.
- correct {correction}: {gpkg, action: refine|add|delete|undo, run_id?, target_id?, points? [[x, y, label]],
  box? [xmin, ymin, xmax, ymax], device?} in map units -> corrected {result: the target's rows after the edit,
  edit_id, area_m2, embedding_cached, seconds} (run/correct.py; the edit is a row of the `edits` table).
- cancel {target}: -> status {..., cancel: {target, accepted}}; the target run then ends with done (cancelled).
- status: -> status {busy, current: {id, type, seconds, progress, cancelling} | null, models}.
- shutdown: stops the run, -> bye; the worker exits 0 (it also exits when stdin closes).
Any request may end with error {code, message} (codes in ErrorCode); an unreadable request gets id null.
"""

from __future__ import annotations

import json
from typing import Any, Optional

PROTOCOL_VERSION = 1

REQUEST_TYPES = ("hello", "load", "reason", "resume", "correct", "mosaic", "cancel", "status", "shutdown")
EVENT_TYPES = ("hello", "loaded", "progress", "result", "reasoning", "answer", "change", "warning", "error", "done",
               "corrected", "status", "bye")
# Events after which a request is finished.
TERMINAL_EVENTS = ("hello", "loaded", "done", "corrected", "error", "status", "bye")


class ErrorCode:
    """Typed error codes carried by `error` events; the message says what the user can do."""

    BAD_REQUEST = "bad_request"  # malformed JSON, unknown type, missing id
    BAD_OPTIONS = "bad_options"  # an option is wrong (names the option)
    INPUT = "input"  # raster missing/unreadable, extent outside the raster, ...
    MODEL = "model"  # model missing, wrong architecture, not loadable
    OUT_OF_MEMORY = "out_of_memory"  # after one retry with a smaller batch
    BUSY = "busy"  # a run is already in progress
    SERVER = "server"  # remote model server unreachable/failing
    DISK_FULL = "disk_full"  # no space left where the results are written (names the disk; resume after freeing)
    DOWNLOAD = "download"  # a model download failed (models.store's CLI: offline, no space, checksum, network)
    CANCELLED = "cancelled"
    WORKER_DIED = "worker_died"  # reported by the client, never by the worker
    INTERNAL = "internal"


class ProtocolError(ValueError):
    """A line that is not a valid protocol message."""


def encode(message: dict[str, Any]) -> str:
    """One message as one line (no embedded newlines: JSON escapes them)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def decode(line: str) -> dict[str, Any]:
    """Parse one line into a message with a `type`; raise ProtocolError with a readable reason."""
    try:
        msg = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(msg, dict):
        raise ProtocolError("a message must be a JSON object")
    if not isinstance(msg.get("type"), str):
        raise ProtocolError("a message needs a string 'type'")
    return msg


def request(type_: str, id_: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, **fields}


def event(type_: str, id_: Optional[str], **fields: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, **fields}


def error_event(id_: Optional[str], code: str, message: str, **fields: Any) -> dict[str, Any]:
    return event("error", id_, code=code, message=message, **fields)
