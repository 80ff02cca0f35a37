"""Answer parsing: both grammars of docs/ANSWERS.md, and no input string ever crashes the parser."""

from hypothesis import given, settings
from hypothesis import strategies as st

from inference_core.models.parsing import parse_answer


def test_remotereasoner_grammar():
    text = "<think>Two tanks east of the pier.</think><answer>[[10, 20, 110, 220], [300,40,350,90]]</answer>"
    ans = parse_answer(text)
    assert ans.error is None
    assert ans.boxes == [(10.0, 20.0, 110.0, 220.0), (300.0, 40.0, 350.0, 90.0)]
    assert ans.reasoning == "Two tanks east of the pier."


def test_empty_answer_is_not_an_error():
    ans = parse_answer("<think>Nothing flooded here.</think><answer>[]</answer>")
    assert ans.boxes == [] and ans.error is None
    assert ans.reasoning == "Nothing flooded here."


def test_qwen_json_fence_with_labels_and_points():
    text = 'Here:\n```json\n[{"bbox_2d": [1, 2, 30, 40], "label": "tank", "point_2d": [15, 20]},\n {"bbox_2d": [50.5, 60, 70, 80], "label": "ship"}]\n```'
    ans = parse_answer(text)
    assert ans.error is None
    assert ans.boxes == [(1.0, 2.0, 30.0, 40.0), (50.5, 60.0, 70.0, 80.0)]
    assert ans.labels == ["tank", "ship"]


def test_qwen_json_without_fence_single_object():
    ans = parse_answer('{"bbox_2d": [5, 6, 7, 8], "label": "car"}')
    assert ans.boxes == [(5.0, 6.0, 7.0, 8.0)] and ans.labels == ["car"]


def test_malformed_answers_record_an_error():
    for text in ("I cannot see anything", "<answer>[[1,2,3]]</answer>", '```json\n[{"bbox_2d": "x"}]\n```', ""):
        ans = parse_answer(text)
        assert ans.boxes == []
        assert ans.error, text


def test_unclosed_tags_still_parse():
    ans = parse_answer("<think>cut off reasoning <answer>[[1,1,9,9]]")
    assert ans.boxes == [(1.0, 1.0, 9.0, 9.0)]


def test_non_text_input():
    assert parse_answer(None).error and parse_answer(b"[[1,2,3,4]]").error


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_text(text):
    ans = parse_answer(text)
    assert len(ans.boxes) == len(ans.labels) == len(ans.scores)
    assert all(len(b) == 4 for b in ans.boxes)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(["bbox_2d", "label", "score", "x"]), c, max_size=3),
                    max_leaves=12))
def test_parser_never_raises_on_json_like_answers(value):
    import json

    try:
        body = json.dumps(value)
    except ValueError:
        return
    for text in (body, f"```json\n{body}\n```", f"<answer>{body}</answer>"):
        parse_answer(text)
