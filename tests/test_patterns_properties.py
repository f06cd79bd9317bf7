"""Property tests for the pattern engine (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventcomposer.patterns import InvalidPatternError, compile_pattern, explain, matches

# --- strategies ---------------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "c", "detail", "source", "x.y", "", "$or", "prefix", "é"])
TEXT = st.one_of(
    st.sampled_from(["", "a", "abc", "ABC", "10.0.0.1", "10.0.0.300", "::1", "a*b", "x.y"]),
    st.text(max_size=8),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -1, 0.5, 1e-7, 5e9, -5e9, 6e9, 301.8]),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)


def json_values(leaves: st.SearchStrategy[Any] = LEAVES) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(KEYS, inner, max_size=4),
        ),
        max_leaves=12,
    )


EVENTS = st.dictionaries(KEYS, json_values(), max_size=5)

OPERATORS = [
    "prefix",
    "suffix",
    "equals-ignore-case",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
    "wildcard",
    "exactly",
    "$or",
    "regex",
    "NUMERIC",
]
NUMERIC_PARTS = st.lists(
    st.one_of(st.sampled_from(["<", "<=", "=", ">", ">=", "!"]), NUMBERS, st.none()), max_size=5
)
OPERAND = st.one_of(
    LEAVES,
    NUMERIC_PARTS,
    st.lists(LEAVES, max_size=3),
    st.sampled_from(["10.0.0.0/24", "10.0.0.1/32", "2001:db8::/64", "bad/x", "a**b", "a\\b"]),
)
WILDCARDS = st.sampled_from(["*", "a*", "*c", "a*c", "*b*", "x.*", "\\*", "", "A*C"])
SMALL = st.integers(min_value=-10, max_value=10)
WELL_FORMED = st.one_of(
    st.builds(lambda t: {"prefix": t}, TEXT),
    st.builds(lambda t: {"suffix": t}, TEXT),
    st.builds(lambda t: {"prefix": {"equals-ignore-case": t}}, TEXT),
    st.builds(lambda t: {"suffix": {"equals-ignore-case": t}}, TEXT),
    st.builds(lambda t: {"equals-ignore-case": t}, TEXT),
    st.builds(lambda t: {"wildcard": t}, WILDCARDS),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.builds(lambda c: {"cidr": c}, st.sampled_from(["10.0.0.0/24", "10.0.0.0/8", "::/1"])),
    st.builds(lambda n: {"numeric": [">", n]}, SMALL),
    st.builds(lambda n: {"numeric": ["<=", n]}, NUMBERS),
    st.builds(lambda n: {"numeric": [">=", n, "<", n + 5]}, SMALL),
    st.builds(lambda n: {"numeric": ["=", n]}, SMALL),
    st.builds(lambda t: {"anything-but": t}, st.one_of(TEXT, SMALL)),
    st.builds(lambda t: {"anything-but": t}, st.lists(TEXT, min_size=1, max_size=3)),
    st.builds(lambda t: {"anything-but": {"prefix": t}}, st.text(min_size=1, max_size=3)),
    st.builds(lambda t: {"anything-but": {"suffix": [t]}}, st.text(min_size=1, max_size=3)),
    st.builds(lambda t: {"anything-but": {"equals-ignore-case": t}}, TEXT),
    st.builds(lambda t: {"anything-but": {"wildcard": [t]}}, WILDCARDS),
)


@st.composite
def mangled_objects(draw: st.DrawFn) -> dict[str, Any]:
    """``{operator: operand}`` with a random operand, maybe nested or with an extra key."""
    name = draw(st.sampled_from(OPERATORS))
    operand = draw(st.one_of(OPERAND, WELL_FORMED, st.deferred(mangled_objects)))
    result = {name: operand}
    if draw(st.integers(0, 9)) == 0:
        result[draw(st.sampled_from(OPERATORS))] = draw(OPERAND)
    return result


def operator_objects() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(WELL_FORMED, WELL_FORMED, mangled_objects())


FIELD_VALUES = st.lists(st.one_of(LEAVES, operator_objects()), min_size=1, max_size=3)


def patterns(depth: int = 1) -> st.SearchStrategy[dict[str, Any]]:
    """Pattern-shaped dicts (mostly valid, often not): fields, nesting and ``$or``."""
    fields = st.dictionaries(KEYS, FIELD_VALUES, min_size=1, max_size=3)
    if depth == 0:
        return fields
    inner = patterns(depth - 1)
    nested = st.dictionaries(KEYS, st.one_of(FIELD_VALUES, inner), min_size=1, max_size=3)
    with_or = st.builds(
        lambda base, branches: {**base, "$or": branches},
        st.dictionaries(KEYS, FIELD_VALUES, max_size=2),
        st.lists(st.one_of(inner, inner, LEAVES), max_size=3),
    )
    return st.one_of(fields, nested, with_or)


PATTERNS = patterns()
FUZZ_EVENTS = [
    {},
    {"a": "abc", "b": 5, "c": None, "detail": {"x": [1, "10.0.0.5"], "y": {"z": True}}},
    {"a": [{"b": "x", "c": 1}, {"b": "y"}], "source": "ABC", "x.y": 301.8},
]


# --- (a) an event matches the pattern made of its own leaf values ---------------------------


def pattern_of(value: Any) -> Any:
    """The pattern that names ``value``'s leaves: ``{key: [leaf]}`` recursively.

    Returns None when there is nothing to match on (empty objects and arrays have no values).
    For an array, one element stands for it: fields of objects inside an array must match within
    a single element, so taking leaves from different elements would rightly fail.
    """
    if isinstance(value, dict):
        fields = {}
        for key, item in value.items():
            sub = pattern_of(item)
            if sub is not None:
                fields[key] = sub
        return fields or None
    if isinstance(value, list):
        for item in value:
            sub = pattern_of(item)
            if sub is not None:
                return sub
        return None
    return [value]


@settings(deadline=None)
@given(EVENTS)
def test_event_matches_pattern_of_its_own_leaves(event: dict[str, Any]) -> None:
    pattern = pattern_of(event)
    assume(isinstance(pattern, dict))
    rule = compile_pattern(pattern)
    assert rule.matches(event)
    assert matches(json.dumps(pattern), json.dumps(event))
    result = rule.explain(event)
    assert result.matched and result.failure is None


# --- (b) any JSON as a pattern: a verdict or InvalidPatternError, nothing else ---------------


def verdicts(pattern: Any) -> list[bool]:
    """Compile (as text, and as a dict when it is one) and match the fuzz events."""
    out: list[bool] = []
    forms: list[Any] = [json.dumps(pattern)]
    if isinstance(pattern, dict):
        forms.append(pattern)
    for form in forms:
        try:
            rule = compile_pattern(form)
        except InvalidPatternError as error:
            assert str(error).startswith("Event pattern is not valid. Reason: ")
            continue
        for event in FUZZ_EVENTS:
            verdict = rule.matches(event)
            assert isinstance(verdict, bool)
            assert rule.explain(event).matched is verdict
            out.append(verdict)
    return out


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values(), PATTERNS))
def test_any_json_pattern_gives_a_verdict_or_invalid_pattern_error(pattern: Any) -> None:
    verdicts(pattern)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_pattern_gives_a_verdict_or_invalid_pattern_error(text: str) -> None:
    try:
        rule = compile_pattern(text)
    except InvalidPatternError:
        return
    assert all(isinstance(rule.matches(event), bool) for event in FUZZ_EVENTS)


# --- (c) explain agrees with matches ----------------------------------------------------------


@st.composite
def event_and_pattern(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event, and a pattern either drawn freely or derived from the event and perturbed."""
    event = draw(EVENTS)
    if draw(st.booleans()):
        return event, draw(PATTERNS)
    pattern = pattern_of(event) or {"a": ["x"]}
    if draw(st.booleans()):  # replace or add one field with another condition
        pattern = {**pattern, draw(KEYS): [draw(st.one_of(LEAVES, operator_objects()))]}
    return event, pattern


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_and_pattern())
def test_explain_agrees_with_matches(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    event, pattern = case
    try:
        rule = compile_pattern(pattern)
    except InvalidPatternError:
        return
    verdict = rule.matches(event)
    result = rule.explain(event)
    assert result.matched is verdict
    if verdict:
        assert result.fields and all(field.ok for field in result.fields)
    else:
        assert result.failure is not None and not result.failure.ok
    assert explain(json.dumps(pattern), json.dumps(event)).matched is verdict
