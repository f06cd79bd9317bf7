"""JSON laid out again (compacted for sending, indented for the editor) keeps every token as
written: numbers, escapes and repeated keys are what the user typed, never Python's rewrite."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventcomposer.core.entries import Entry, as_sent, compact_detail
from eventcomposer.core.json_layout import compact_json, compacted, pretty_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.sampled_from('[]{}",:\\ \n\t\x10aé中\ud800')),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.sampled_from('[]"\\:, ab\x11'), max_size=3), inner, max_size=4)
    ),
    max_leaves=25,
)
#: Ways json.dumps can lay a value out: one line, indented, or with spaces after separators.
LAYOUTS = st.sampled_from(
    [{}, {"indent": 2}, {"indent": 7}, {"indent": "\t"}, {"separators": (" , ", " : ")}]
)


@settings(deadline=None)
@given(JSON_VALUES, LAYOUTS, st.booleans())
def test_layouts_are_pythons_for_pythons_text_and_never_change_a_token(
    value: Any, layout: dict[str, Any], ascii_only: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, **layout)
    compact, pretty = compact_json(text), pretty_json(text)
    assert compact is not None and pretty is not None
    assert compact_json(pretty) == compact == compacted(text)
    assert json.loads(pretty) == json.loads(compact) == value
    if not ascii_only:  # tokens written as Python writes them: the layout is Python's too
        assert pretty == json.dumps(value, indent=2, ensure_ascii=False)
        assert compact == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:  # escapes stay escapes
        assert compact == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ('{"a": 1e400}', '{"a":1e400}'),  # not Infinity (which is not JSON)
        ('{"a": 0.10000000000000000000001}', '{"a":0.10000000000000000000001}'),  # not 0.1
        ('{"a": 1E5, "b": -0, "c": 1.50}', '{"a":1E5,"b":-0,"c":1.50}'),  # not 100000.0, 0, 1.5
        ('{"a": 1, "a": 2}', '{"a":1,"a":2}'),  # both members: AWS reads both
        ('{"a": "\\u00e9 \\" \\\\"}', '{"a":"\\u00e9 \\" \\\\"}'),  # escapes as written
        ('{"a": "x \u2028 y\u0085"}', '{"a":"x \\u2028 y\\u0085"}'),  # the same string
        ('{ "a" : [ ] , "b" : { } }', '{"a":[],"b":{}}'),
    ],
)
def test_sent_text_keeps_every_value_as_written(written: str, sent: str) -> None:
    assert compact_json(written) == compact_detail(written) == sent
    assert json.loads(sent) == json.loads(written)
    pretty = pretty_json(written)
    assert pretty is not None and compact_json(pretty) == sent


def test_pretty_json_lays_out_like_json_dumps_and_keeps_numbers() -> None:
    assert pretty_json('{"a":[1E5,{}],"b":{"c":[]},"d":-0}') == (
        '{\n  "a": [\n    1E5,\n    {}\n  ],\n  "b": {\n    "c": []\n  },\n  "d": -0\n}'
    )
    assert pretty_json("[]") == "[]" and pretty_json('"x"') == '"x"'


def test_text_that_is_not_json_is_left_alone() -> None:
    for text in ('{"a": [1, 2', '{"a": tru e}', '{"a": 1} x', "", "[" * 100_000 + "]" * 100_000):
        assert compact_json(text) is None and pretty_json(text) is None
        assert compact_detail(text) == text  # validation reports it; nothing is rewritten


def test_deep_json_is_laid_out() -> None:
    deep = "[" * 900 + "{}" + "]" * 900
    assert pretty_json(deep) == json.dumps(json.loads(deep), indent=2)
    assert compact_json(deep) == deep


def test_as_sent_keeps_the_number_the_user_wrote() -> None:
    entry = Entry(source="s", detail_type="t", detail='{\n  "amount": 12.50,\n  "big": 1e400\n}')
    assert as_sent(entry).detail == '{"amount":12.50,"big":1e400}'
