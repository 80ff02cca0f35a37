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


def test_tally_is_the_covered_area_in_the_users_number_format():
    """The union of the targets is the area; the per-target sum only as such, where targets overlap; numbers in
    the locale QGIS sets (French: a space between thousands, a decimal comma)."""
    from qgis.PyQt.QtCore import QLocale

    from remotereasoner_qgis.bridge.events import tally_text

    demo = {"tally": {"targets": 61, "total_area": 55858.6, "covered_area": 1600.0, "largest_area": 1600.0,
                      "unit": "m²", "measured_on": "masks"}}
    assert tally_text(demo) == ("61 targets · 1,600.0 m² covered (masks) · the largest 1,600.0 m² · "
                                "the targets' own areas add up to 55,858.6 m² (they overlap)")
    apart = {"tally": {"targets": 2, "total_area": 30.0, "covered_area": 30.0, "largest_area": 20.0, "unit": "m²",
                       "measured_on": "boxes"}}
    assert tally_text(apart) == "2 targets · 30.0 m² covered (box areas) · the largest 20.0 m²"
    assert tally_text({"tally": {"targets": 0, "total_area": None, "covered_area": None}}) == "0 targets"
    saved = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    try:
        assert "1\u202f600,0 m²" in tally_text(demo) or "1\u00a0600,0 m²" in tally_text(demo), tally_text(demo)
    finally:
        QLocale.setDefault(saved)


def test_a_find_all_run_that_dropped_everything_is_a_warning():
    from remotereasoner_qgis.bridge.events import SUCCESS, WARNING, end_state

    base = {"status": "finished", "counts": {"boxes": 0}, "tiles_done": 1, "tiles_total": 1}
    assert end_state(base).level == SUCCESS  # nothing found, nothing dropped: an honest "Found 0"
    dropped = {**base, "below_threshold": {"dropped": 20, "threshold": 0.5, "best_score": 0.48}}
    end = end_state(dropped)
    assert end.level == WARNING and end.short == "All under the threshold"
    assert end.text == ("Found 0 boxes. Dropped 20 instances under the score threshold 0.50 (best score 0.48). "
                        "Lower the score threshold to see them.")
    some = {**dropped, "counts": {"boxes": 3}}
    assert end_state(some).level == SUCCESS
    assert end_state(some).text == "Found 3 boxes. Dropped 20 instances under the score threshold 0.50 (best score 0.48)."
