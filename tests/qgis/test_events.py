"""The one walk over a run's worker events, shared by the dock's task and Processing."""

from __future__ import annotations

import pytest

from remotereasoner_qgis.bridge.events import RunEnd, dispatch, progress_percent, stage_label


def test_callbacks_in_order_until_done():
    seen: list[tuple[str, object]] = []
    events = [
        {"type": "progress", "stage": "read", "tile": 0, "tiles": 2},
        {"type": "reasoning", "tile_id": 0, "text": "round crowns"},
        {"type": "result", "tile_id": 0, "features": {}},
        {"type": "warning", "message": "band 4 ignored"},
        {"type": "status"},  # not a run event: skipped
        {"type": "done", "summary": {"status": "finished", "counts": {"boxes": 1}}},
        {"type": "progress", "tile": 1, "tiles": 2},  # after the terminal event: never read
    ]
    end = dispatch(iter(events), progress=lambda ev: seen.append(("progress", ev["stage"])),
                   result=lambda ev: seen.append(("result", ev["tile_id"])),
                   reasoning=lambda ev: seen.append(("reasoning", ev["text"])),
                   warning=lambda msg: seen.append(("warning", msg)))
    assert seen == [("progress", "read"), ("reasoning", "round crowns"), ("result", 0), ("warning", "band 4 ignored")]
    assert end == RunEnd(summary={"status": "finished", "counts": {"boxes": 1}})


def test_error_and_a_stream_without_an_end():
    error = {"type": "error", "code": "input", "message": "no such raster"}
    assert dispatch([{"type": "progress", "tile": 0, "tiles": 1}, error]) == RunEnd(error=error)
    assert dispatch([{"type": "warning", "message": "x"}]) == RunEnd()


def test_source_failures_pass_through():
    def dying():
        yield {"type": "progress", "tile": 0, "tiles": 1}
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError, match="worker died"):
        dispatch(dying())


def test_stage_labels_and_progress():
    assert stage_label("reason") == "asking the model" and stage_label("segment") == "segmenting"
    assert stage_label("load") == "load"  # an unknown stage is shown as it is
    assert progress_percent({"tile": 0, "tiles": 4, "stage": "read"}) == 0.0
    assert progress_percent({"tile": 1, "tiles": 4, "stage": "segment"}) == pytest.approx(42.5)
    assert progress_percent({"tile": 4, "tiles": 4, "stage": "write"}) == 100.0
    assert progress_percent({"tile": None, "tiles": 4}) is None and progress_percent({"tile": 1, "tiles": 0}) is None
