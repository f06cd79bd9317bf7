"""Every PutEvents rule, and the message a user sees when an entry breaks it."""

from __future__ import annotations

import pytest

from eventcomposer.core.entries import Entry
from eventcomposer.core.validation import (
    DEFAULT_LIMITS,
    Limits,
    check_detail,
    check_time,
    nesting_depth,
    parse_time,
    validate_call,
    validate_entry,
)


def good(**changes: object) -> Entry:
    entry = Entry(source="com.example.orders", detail_type="Order Placed", detail='{"a": 1}')
    return entry.copy(**changes)


def messages(entry: Entry, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    return [str(p) for p in validate_entry(entry, 1, limits)]


def test_a_good_entry_has_no_problems() -> None:
    assert messages(good()) == []


def test_detail_that_is_not_json_names_line_and_column() -> None:
    problems = validate_entry(good(detail='{\n  "a": 1,\n  "b" 2\n}'), 3)
    assert [str(p) for p in problems] == [
        "entry 3, Detail: is not valid JSON: Expecting ':' delimiter at line 3, column 7"
    ]
    assert (problems[0].line, problems[0].column) == (3, 7)


@pytest.mark.parametrize(
    ("detail", "kind"),
    [
        ("[1, 2]", "an array"),
        ('"text"', "a string"),
        ("42", "a number"),
        ("null", "null"),
        ("true", "a boolean"),
    ],
)
def test_detail_must_be_an_object(detail: str, kind: str) -> None:
    assert messages(good(detail=detail)) == [f"entry 1, Detail: must be a JSON object, not {kind}"]


def test_empty_detail_is_required() -> None:
    assert messages(good(detail="")) == ["entry 1, Detail: is required: a JSON object such as {}"]


def test_missing_source_and_detail_type() -> None:
    assert messages(good(source="", detail_type="")) == [
        "entry 1, Source: is required",
        "entry 1, DetailType: is required",
    ]


def test_source_may_not_start_with_aws() -> None:
    (message,) = messages(good(source="aws.ec2"))
    assert message.startswith("entry 1, Source: 'aws.ec2' starts with 'aws.'")
    assert "NotAuthorizedForSourceException" in message


def test_detail_type_over_128_characters() -> None:
    assert messages(good(detail_type="x" * 129)) == [
        "entry 1, DetailType: is 129 characters; the limit is 128"
    ]
    assert messages(good(detail_type="x" * 128)) == []


def test_entry_over_the_size_limit_names_its_bytes_and_the_limit() -> None:
    detail = '{"blob": "' + "x" * 300_000 + '"}'
    (message,) = messages(good(detail=detail), Limits(request_bytes=262_144))
    assert message == (
        "entry 1, size: the entry is 300,042 bytes (293.0 KiB); the limit is 262,144 bytes "
        "(256.0 KiB)"
    )


def test_resource_too_long_and_empty() -> None:
    assert messages(good(resources=["", "r" * 2049])) == [
        "entry 1, Resources[1]: is empty",
        "entry 1, Resources[2]: is 2049 characters; the limit is 2048",
    ]


def test_trace_header_length() -> None:
    assert messages(good(trace_header="t" * 501)) == [
        "entry 1, TraceHeader: is 501 characters; it must be 1 to 500"
    ]


@pytest.mark.parametrize(
    "bus", ["orders", "my.bus-1_a", "arn:aws:events:eu-west-1:111122223333:event-bus/orders"]
)
def test_valid_bus_names(bus: str) -> None:
    assert messages(good(event_bus_name=bus)) == []


def test_invalid_bus_name() -> None:
    (message,) = messages(good(event_bus_name="no spaces"))
    assert message.startswith("entry 1, EventBusName: 'no spaces' is not an event bus name or ARN")
    assert messages(good(event_bus_name="b" * 1601)) == [
        "entry 1, EventBusName: is 1601 characters; the limit is 1600"
    ]


@pytest.mark.parametrize(
    "text", ["2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123456789+02:00", "2026-01-31t12:00:00z"]
)
def test_rfc3339_times(text: str) -> None:
    assert check_time(text) is None
    assert parse_time(text).tzinfo is not None


def test_bad_times() -> None:
    assert check_time("yesterday") == (
        "'yesterday' is not an RFC 3339 timestamp such as 2026-01-31T12:00:00Z"
    )
    assert check_time("2026-02-30T00:00:00Z").startswith("'2026-02-30T00:00:00Z' is not a valid")


def test_integers_must_fit_int64() -> None:
    assert check_detail('{"n": 9223372036854775807}').problem is None
    problem = check_detail('{"n": 9223372036854775808}').problem
    assert problem == (
        "integer 9223372036854775808 is outside the 64-bit range "
        "(-9223372036854775808 to 9223372036854775807)"
    )


def test_nesting_limit() -> None:
    ok = '{"a": ' + "[" * 999 + "]" * 999 + "}"
    assert check_detail(ok).problem is None
    deep = '{"a": ' + "[" * 1000 + "]" * 1000 + "}"
    assert check_detail(deep).problem == "is nested 1001 levels deep; the limit is 1000"
    very_deep = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    assert check_detail(very_deep).problem == "is nested 5001 levels deep; the limit is 1000"


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert nesting_depth('{"a": "[[[[{{{{\\"]]"}') == 1


def test_a_call_of_eleven_entries_and_its_total_size() -> None:
    problems = [str(p) for p in validate_call([good()] * 11)]
    assert problems == ["11 entries; one PutEvents call takes at most 10"]
    big = good(detail='{"b": "' + "x" * 200 + '"}')
    assert [str(p) for p in validate_call([big] * 3, Limits(request_bytes=500))] == [
        "size: the request is 717 bytes (717 B); the limit is 500 bytes (500 B)"
    ]
