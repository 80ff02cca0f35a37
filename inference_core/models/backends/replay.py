"""Replay backend: answers recorded in a result GeoPackage's `responses` table or a JSON-lines file.

Used to re-run post-processing (rescaling, SAM, vectorising, merging) without the model, and for
exact tests: the recorded text goes through the same parsing and coordinate code as a live answer.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from inference_core.contract.protocol import ErrorCode
from inference_core.contract.recorded import KEY_IMAGE_SHA256, KEY_VIEW, recording
from inference_core.models.backends.base import BackendError, ReasonReply, ReasonRequest


@dataclass(frozen=True)
class RecordedAnswer:
    """One recorded answer: the raw text and the (w, h) the model saw (None = the request's image size); a
    recording made for one view only names it and the SHA-256 of its pixels (contract.recorded)."""

    raw_text: str
    input_size: Optional[tuple[int, int]]
    image_sha256: Optional[str] = None
    view: Optional[str] = None


def _parse_size(value) -> Optional[tuple[int, int]]:
    """`[w, h]` (list or its JSON text) -> (w, h); anything else -> None (the request's size is used)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        try:
            w, h = int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return None
        if w > 0 and h > 0:
            return (w, h)
    return None


def json_lines(path: Path, example: str, error: type[Exception] = ValueError, **error_kw):
    """(line number, object) for every non-blank line of a JSON-lines file; a line that is not JSON
    raises `error(message naming the file, the line and an example line, **error_kw)`."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except ValueError as exc:
                raise error(f"{path.name} line {lineno} is not JSON ({exc.msg}): each line must be an object like "
                            f"{example}.", **error_kw) from None


REPLAY_EXAMPLE = '{"tile_id": 0, "raw_text": "<answer>[[10,20,30,40]]</answer>", "input_size": [w, h]}'


def read_jsonl(path: Path) -> dict[int, RecordedAnswer]:
    """tile_id -> answer from a JSON-lines file; a later line for the same tile wins."""
    answers: dict[int, RecordedAnswer] = {}
    for lineno, obj in json_lines(path, REPLAY_EXAMPLE, BackendError, code=ErrorCode.INPUT):
        if not isinstance(obj, dict) or not isinstance(obj.get("raw_text"), str):
            raise BackendError(
                f"{path.name} line {lineno} needs a \"raw_text\" string (and optionally \"tile_id\", "
                f"\"input_size\": [w, h]).",
                code=ErrorCode.INPUT,
            )
        try:
            tile_id = int(obj.get("tile_id", 0))
        except (TypeError, ValueError):
            raise BackendError(f"{path.name} line {lineno}: \"tile_id\" must be an integer.", code=ErrorCode.INPUT) from None
        digest, view = obj.get(KEY_IMAGE_SHA256), obj.get(KEY_VIEW)
        answers[tile_id] = RecordedAnswer(obj["raw_text"], _parse_size(obj.get("input_size")),
                                          digest.lower() if isinstance(digest, str) and digest else None,
                                          view if isinstance(view, str) and view else None)
    return answers


def read_gpkg(path: Path) -> dict[int, RecordedAnswer]:
    """tile_id -> answer from the newest run in a result GeoPackage's `responses` table."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackendError(f"Cannot open {path.name} as a GeoPackage ({exc}).", code=ErrorCode.INPUT) from None
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "responses" not in tables:
            raise BackendError(
                f"{path.name} has no `responses` table: replay needs a result GeoPackage written by a "
                "RemoteReasoner run (or a .jsonl of answers).",
                code=ErrorCode.INPUT,
            )
        run_id = _newest_run(con, tables)
        if run_id is None:
            return {}
        # rowid order: when a resumed run answered a tile twice, the later answer wins.
        rows = con.execute(
            "SELECT tile_id, raw_text, input_size FROM responses WHERE run_id = ? ORDER BY rowid", (run_id,)
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackendError(f"Cannot read {path.name} ({exc}); is it a GeoPackage?", code=ErrorCode.INPUT) from None
    finally:
        con.close()
    return {int(t): RecordedAnswer(text or "", _parse_size(size)) for t, text, size in rows if t is not None}


def _newest_run(con: sqlite3.Connection, tables: set[str]) -> Optional[str]:
    """The run to replay: the latest `runs.started` that has responses, else the last run written."""
    if "runs" in tables:
        row = con.execute(
            "SELECT r.run_id FROM runs r WHERE r.run_id IN (SELECT run_id FROM responses) "
            "ORDER BY r.started DESC, r.rowid DESC LIMIT 1"
        ).fetchone()
        if row:
            return row[0]
    row = con.execute("SELECT run_id FROM responses ORDER BY rowid DESC LIMIT 1").fetchone()
    return row[0] if row else None


class ReplayBackend:
    """Serves recorded answers by tile id; a tile with no recording gets empty text (a parse error)."""

    name = "replay"

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise BackendError(
                f"Replay file not found: {self.path}. Pass --replay with a result .gpkg or a .jsonl of answers.",
                code=ErrorCode.INPUT,
            )
        if self.path.suffix.lower() == ".gpkg":
            self.answers = read_gpkg(self.path)
        elif self.path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
            self.answers = read_jsonl(self.path)
        else:
            raise BackendError(
                f"Cannot replay {self.path.name}: use a result GeoPackage (.gpkg) or a JSON-lines file (.jsonl).",
                code=ErrorCode.INPUT,
            )
        # A file that says who gave its answers ("recorded answers (human labels), not a live model") is
        # labelled so in every result's `model` field and in the run's warnings.
        self.recorded_by = recording(self.path).model
        self.model_id = f"replay: {self.recorded_by}" if self.recorded_by else f"replay:{self.path.name}"
        self.notice = (f"The answers are replayed from {self.path.name}: {self.recorded_by}."
                       if self.recorded_by else None)

    def reason(self, requests: Sequence[ReasonRequest]) -> list[ReasonReply]:
        replies = []
        for req in requests:
            answer = self.answers.get(req.tile_id)
            if answer is not None and answer.image_sha256:
                self._check_view(req, answer)
            size = answer.input_size if answer and answer.input_size else tuple(req.image.size)
            replies.append(ReasonReply(req.tile_id, answer.raw_text if answer else "", (int(size[0]), int(size[1])), 0.0,
                                       warning=self.notice))
        return replies

    def _check_view(self, req: ReasonRequest, answer: RecordedAnswer) -> None:
        """An answer recorded for one view must not be placed on another (its boxes would land on the wrong
        ground): the view's pixels must be the recorded ones."""
        image = req.image.convert("RGB")
        if hashlib.sha256(image.tobytes()).hexdigest() == answer.image_sha256:
            return
        where = answer.view or f"tile {req.tile_id} of the raster they were recorded on"
        raise BackendError(
            f"The answers in {self.path.name} were recorded for one view only ({where}) and this view "
            f"({image.size[0]}x{image.size[1]} px) is another: run them on that view (extent: the whole layer), "
            "or choose a live model for this one.",
            code=ErrorCode.INPUT,
        )

    def describe(self) -> dict:
        """What is loaded, for the worker's `status`."""
        return {"backend": self.name, "model": self.model_id, "replay": str(self.path), "answers": len(self.answers)}

    def close(self) -> None:
        self.answers = {}
