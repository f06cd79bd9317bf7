"""Unit tests for the event-pattern engine: operators, validation, explanations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eventcomposer.patterns import (
    CompiledPattern,
    Explanation,
    FieldResult,
    InvalidPatternError,
    compile_pattern,
    explain,
    matches,
)

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Order Placed",
    "source": "com.example.orders",
    "account": "123456789012",
    "time": "2024-05-02T13:48:01Z",
    "region": "eu-west-1",
    "resources": ["arn:aws:s3:::invoices/o-1.pdf", "arn:aws:dynamodb:eu-west-1:1:table/orders"],
    "detail": {
        "orderId": "o-1",
        "status": "placed",
        "amount": 149.99,
        "count": 3,
        "paid": True,
        "coupon": None,
        "note": "",
        "ip": "10.0.0.17",
        "state": {"status": "shipped"},
        "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}],
        "tags": ["new", "promo"],
        "empty": [],
        "nested": {"deeper": {}},
    },
}


def hit(pattern: dict[str, Any], event: dict[str, Any] | None = None) -> bool:
    return compile_pattern(pattern).matches(EVENT if event is None else event)


def reason_of(pattern: dict[str, Any]) -> str:
    return aws_reason(pattern).removeprefix("Event pattern is not valid. Reason: ")


def aws_reason(pattern: Any) -> str:
    with pytest.raises(InvalidPatternError) as caught:
        compile_pattern(pattern)
    return str(caught.value)


# --- exact values -------------------------------------------------------------------------


class TestExact:
    def test_string(self) -> None:
        assert hit({"source": ["com.example.orders"]})
        assert not hit({"source": ["com.example.other"]})

    def test_list_is_or(self) -> None:
        assert hit({"detail": {"status": ["paid", "placed"]}})

    def test_numbers_compare_numerically(self) -> None:
        assert hit({"detail": {"count": [3.0]}})
        assert hit({"detail": {"amount": [149.99]}})
        assert hit({"n": [5]}, {"n": 5.0})
        assert not hit({"detail": {"count": [4]}})

    def test_types_matter(self) -> None:
        assert not hit({"detail": {"paid": ["true"]}})
        assert hit({"detail": {"paid": [True]}})
        assert not hit({"detail": {"count": ["3"]}})
        assert not hit({"n": [1]}, {"n": True})  # a boolean is not the number 1
        assert not hit({"n": [True]}, {"n": 1})

    def test_null_and_empty_string(self) -> None:
        assert hit({"detail": {"coupon": [None]}})
        assert not hit({"detail": {"orderId": [None]}})
        assert hit({"detail": {"note": [""]}})
        assert not hit({"detail": {"missing": [None]}})  # missing is not null

    def test_keys_are_case_sensitive(self) -> None:
        assert not hit({"Source": ["com.example.orders"]})

    def test_ip_address_values_compare_as_addresses(self) -> None:
        assert hit({"detail": {"ip": ["10.0.0.17"]}})
        assert hit({"a": ["2001:db8::1"]}, {"a": "2001:0db8:0000:0000:0000:0000:0000:0001"})

    def test_exactly_operator(self) -> None:
        assert hit({"detail": {"status": [{"exactly": "placed"}]}})
        assert not hit({"detail": {"status": [{"exactly": "PLACED"}]}})


class TestArraysAndPaths:
    def test_event_array_matches_on_overlap(self) -> None:
        assert hit({"detail": {"tags": ["promo", "other"]}})
        assert not hit({"detail": {"tags": ["other"]}})

    def test_empty_event_array_has_no_values(self) -> None:
        assert not hit({"detail": {"empty": [None]}})
        assert not hit({"detail": {"empty": [{"exists": True}]}})
        assert hit({"detail": {"empty": [{"exists": False}]}})

    def test_arrays_of_objects_are_flattened(self) -> None:
        assert hit({"detail": {"items": {"sku": ["B"]}}})
        assert hit({"detail": {"items": {"qty": [{"numeric": [">", 1]}]}}})

    def test_fields_in_an_array_of_objects_match_within_one_element(self) -> None:
        assert hit({"detail": {"items": {"sku": ["A"], "qty": [1]}}})
        assert not hit({"detail": {"items": {"sku": ["A"], "qty": [2]}}})

    def test_nested_arrays_are_flattened(self) -> None:
        assert hit({"a": {"b": [3]}}, {"a": [[{"b": 1}], [{"b": [2, [3]]}]]})

    def test_dotted_pattern_keys_join(self) -> None:
        assert hit({"detail": {"state.status": ["shipped"]}})
        assert hit({"detail.state.status": ["shipped"]})

    def test_dotted_event_keys_join(self) -> None:
        assert hit(
            {"detail": {"state": {"status": ["running"]}}}, {"detail": {"state.status": "running"}}
        )
        assert hit({"a": {"b": {"c": [1]}}}, {"a.b": {"c": 1}})

    def test_objects_are_not_values(self) -> None:
        assert not hit({"detail": {"state": [{"exists": True}]}})
        assert hit({"detail": {"state": [{"exists": False}]}})
        assert not hit({"detail": [{"exists": True}]})

    def test_json_in_a_string_is_just_a_string(self) -> None:
        assert not hit({"detail": {"a": ["b"]}}, {"detail": '{"a": "b"}'})


# --- operators ----------------------------------------------------------------------------


class TestStringOperators:
    def test_prefix(self) -> None:
        assert hit({"source": [{"prefix": "com.example"}]})
        assert not hit({"source": [{"prefix": "org."}]})
        assert hit({"source": [{"prefix": ""}]})
        assert not hit({"detail": {"count": [{"prefix": "3"}]}})  # strings only

    def test_suffix(self) -> None:
        assert hit({"resources": [{"suffix": ".pdf"}]})
        assert not hit({"resources": [{"suffix": ".PDF"}]})
        assert hit({"resources": [{"suffix": {"equals-ignore-case": ".PDF"}}]})

    def test_equals_ignore_case(self) -> None:
        assert hit({"detail": {"status": [{"equals-ignore-case": "PLACED"}]}})
        assert not hit({"detail": {"status": [{"equals-ignore-case": "PLACE"}]}})
        assert hit({"source": [{"prefix": {"equals-ignore-case": "COM.EXAMPLE"}}]})

    def test_wildcard(self) -> None:
        assert hit({"resources": [{"wildcard": "arn:aws:s3:::*/o-*.pdf"}]})
        assert not hit({"resources": [{"wildcard": "arn:aws:s3:::*/x-*.pdf"}]})
        assert hit({"a": [{"wildcard": "a\\*b"}]}, {"a": "a*b"})
        assert not hit({"a": [{"wildcard": "a\\*b"}]}, {"a": "axxb"})
        assert hit({"a": [{"wildcard": "x\\\\y"}]}, {"a": "x\\y"})
        assert hit({"a": [{"wildcard": ""}]}, {"a": ""})
        assert not hit({"a": [{"wildcard": ""}]}, {"a": "x"})

    def test_cidr(self) -> None:
        assert hit({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}})
        assert not hit({"detail": {"ip": [{"cidr": "10.0.1.0/24"}]}})
        assert hit({"a": [{"cidr": "2001:db8::/32"}]}, {"a": "2001:db8:ffff::1"})
        assert not hit({"a": [{"cidr": "10.0.0.0/8"}]}, {"a": "not an ip"})
        assert not hit({"a": [{"cidr": "10.0.0.0/8"}]}, {"a": 10})


class TestNumeric:
    @pytest.mark.parametrize(
        ("expression", "value", "expected"),
        [
            ([">", 100], 149.99, True),
            ([">", 149.99], 149.99, False),
            ([">=", 149.99], 149.99, True),
            (["<", 150], 149.99, True),
            (["<=", 149.98], 149.99, False),
            (["=", 3.0], 3, True),
            ([">", 0, "<=", 5], 5, True),
            ([">", 0, "<", 5], 5, False),
            ([">=", -5e9, "<=", 5e9], -5e9, True),
        ],
    )
    def test_ranges(self, expression: list[Any], value: float, expected: bool) -> None:
        assert hit({"n": [{"numeric": expression}]}, {"n": value}) is expected

    def test_only_numbers_in_range_and_precision_match(self) -> None:
        rule = {"n": [{"numeric": [">", 0]}]}
        assert not hit(rule, {"n": "5"})
        assert not hit(rule, {"n": True})
        assert not hit(rule, {"n": 6e9})  # beyond event-ruler's +-5e9 range
        assert not hit(rule, {"n": 1e-7})  # more than six decimals
        assert hit(rule, {"n": 1e-6})

    def test_array_of_numbers(self) -> None:
        assert hit({"n": [{"numeric": [">", 10]}]}, {"n": [1, 20]})


class TestAnythingBut:
    def test_strings(self) -> None:
        assert hit({"detail": {"status": [{"anything-but": ["paid", "cancelled"]}]}})
        assert not hit({"detail": {"status": [{"anything-but": "placed"}]}})

    def test_numbers(self) -> None:
        assert hit({"detail": {"count": [{"anything-but": [1, 2]}]}})
        assert not hit({"detail": {"count": [{"anything-but": 3.0}]}})

    def test_other_types_pass_but_missing_fails(self) -> None:
        assert hit({"detail": {"coupon": [{"anything-but": "x"}]}})
        assert hit({"detail": {"count": [{"anything-but": "3"}]}})
        assert hit({"detail": {"status": [{"anything-but": [1]}]}})
        assert not hit({"detail": {"missing": [{"anything-but": "x"}]}})

    def test_prefix_suffix_wildcard_ignore_case(self) -> None:
        assert not hit({"detail": {"status": [{"anything-but": {"prefix": "pla"}}]}})
        assert hit({"detail": {"status": [{"anything-but": {"prefix": ["x", "y"]}}]}})
        assert not hit({"detail": {"status": [{"anything-but": {"suffix": "ced"}}]}})
        assert not hit({"detail": {"status": [{"anything-but": {"wildcard": "p*d"}}]}})
        assert hit({"detail": {"status": [{"anything-but": {"wildcard": ["x*", "*y"]}}]}})
        assert not hit({"detail": {"status": [{"anything-but": {"equals-ignore-case": "PLACED"}}]}})

    def test_any_array_element_may_pass(self) -> None:
        assert hit({"detail": {"tags": [{"anything-but": "new"}]}})
        assert not hit({"a": [{"anything-but": ["x", "y"]}]}, {"a": ["x", "y"]})


class TestExists:
    def test_exists(self) -> None:
        assert hit({"detail": {"orderId": [{"exists": True}]}})
        assert hit({"detail": {"coupon": [{"exists": True}]}})  # null is a value
        assert not hit({"detail": {"missing": [{"exists": True}]}})
        assert hit({"detail": {"missing": [{"exists": False}]}})
        assert not hit({"detail": {"orderId": [{"exists": False}]}})

    def test_exists_false_or_value(self) -> None:
        rule = {"a": [{"exists": False}, "x"]}
        assert hit(rule, {})
        assert hit(rule, {"a": "x"})
        assert not hit(rule, {"a": "y"})


class TestOr:
    def test_or_of_fields(self) -> None:
        rule = {"detail": {"$or": [{"status": ["paid"]}, {"count": [{"numeric": [">", 2]}]}]}}
        assert hit(rule)
        assert not hit(rule, {"detail": {"status": "new", "count": 1}})

    def test_top_level_or_with_and(self) -> None:
        rule = {
            "source": ["com.example.orders"],
            "$or": [{"detail-type": ["Order Paid"]}, {"region": ["eu-west-1"]}],
        }
        assert hit(rule)
        assert not hit({**rule, "source": ["x"]})

    def test_nested_or(self) -> None:
        rule = {"$or": [{"a": ["1"]}, {"b": ["2"], "$or": [{"c": ["3"]}, {"d": ["4"]}]}]}
        assert hit(rule, {"b": "2", "d": "4"})
        assert not hit(rule, {"b": "2"})
        assert hit(rule, {"a": "1"})

    def test_or_that_is_not_the_operator_is_a_field_name(self) -> None:
        rule = {"$or": {"a": ["x"]}}  # not an array: event-ruler reads "$or" as a plain key
        assert hit(rule, {"$or": {"a": "x"}})
        assert not hit(rule, {"a": "x"})
        rule = {"a": {"$or": [{"prefix": "x"}, {"suffix": "y"}]}}  # operators inside
        assert hit(rule, {"a": {"$or": "xz"}})

    def test_later_path_replaces_earlier(self) -> None:
        # event-ruler keeps the last value list written for a path, in document order
        rule = json.dumps({"a": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]})
        assert matches(rule, '{"a": "2"}')
        assert not matches(rule, '{"a": "1"}')
        assert matches(rule, '{"a": "1", "b": "3"}')
        assert matches('{"a": ["x"], "a": ["y"]}', '{"a": "y"}')
        assert not matches('{"a": ["x"], "a": ["y"]}', '{"a": "x"}')

    def test_repeated_object_keys_both_count(self) -> None:
        pattern = '{"d": {"a": ["1"]}, "d": {"b": ["2"]}}'
        assert matches(pattern, '{"d": {"a": "1", "b": "2"}}')
        assert not matches(pattern, '{"d": {"b": "2"}}')


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ({}, "Empty objects are not allowed"),
        ({"a": {}}, "Empty objects are not allowed"),
        ({"a": []}, "Empty arrays are not allowed"),
        ({"a": "x"}, '"a" must be an object or an array'),
        ({"a": [[1]]}, "Match value must be String, number, true, false, or null"),
        ({"a": [{}]}, "Match expression name not found"),
        ({"a": [{"regex": "x"}]}, "Unrecognized match type regex"),
        ({"a": [{"prefix": "x", "suffix": "y"}]}, "Only one key allowed in match expression"),
        ({"a": [{"prefix": {"foo": "x"}}]}, "Unsupported prefix pattern: foo"),
        ({"a": [{"exists": "yes"}]}, "exists match pattern must be either true or false."),
        ({"a": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
        ({"a": [{"numeric": [5]}]}, "Invalid member in numeric match: 5"),
        ({"a": [{"numeric": ["~", 5]}]}, "Unrecognized numeric range operator: ~"),
        ({"a": [{"numeric": ["=", "5"]}]}, "Value of equals must be numeric"),
        ({"a": [{"numeric": ["=", 1, 2]}]}, "Too many elements in numeric expression"),
        ({"a": [{"numeric": [">", 0, 5]}]}, "Bad value in numeric range: 5"),
        ({"a": [{"numeric": [">", 0, "<", 5, 6]}]}, "Too many terms in numeric range expression"),
        ({"a": [{"numeric": [">", 5, "<", 3]}]}, "Bottom must be less than top"),
        ({"a": [{"numeric": [">=", 1, "<=", 1]}]}, "Bottom must be less than top"),
        ({"a": [{"numeric": ["=", 6e9]}]}, "Value must be between -5.0E9 and 5.0E9, inclusive"),
        ({"a": [{"numeric": ["=", 1e-7]}]}, "Only values upto 6 decimals are supported"),
        (
            {"a": [{"anything-but": []}]},
            "Inside anything but list, either all values are number or string, mixed type is not "
            "supported",
        ),
        (
            {"a": [{"anything-but": ["x", 1]}]},
            "Inside anything but list, either all values are number or string, mixed type is not "
            "supported",
        ),
        (
            {"a": [{"anything-but": [True]}]},
            "Inside anything but list, start|null|boolean is not supported.",
        ),
        ({"a": [{"anything-but": {}}]}, "Anything-But expression name not found"),
        ({"a": [{"anything-but": {"exists": True}}]}, "Unsupported anything-but pattern: exists"),
        (
            {"a": [{"anything-but": {"wildcard": "a**"}}]},
            "Consecutive wildcard characters at pos 2",
        ),
        ({"a": [{"wildcard": "a\\b"}]}, "Invalid escape character at pos 2"),
        ({"a": [{"cidr": "10.0.0.1/32"}]}, "IPv4 mask bits must be < 32"),
        ({"a": [{"cidr": "10.0.0.1/-1"}]}, "Malformed CIDR, mask bits must not be negative"),
        ({"a": [{"cidr": "10.0.0.256/8"}]}, "Invalid IP address: 10.0.0.256"),
        ({"a": [{"cidr": "::/128"}]}, "IPv6 mask bits must be < 128"),
    ],
)
def test_invalid_patterns(pattern: dict[str, Any], reason: str) -> None:
    assert reason_of(pattern) == reason


def test_invalid_or_is_reported_as_event_ruler_does() -> None:
    # A $or the operator-aware compiler rejects is recompiled with "$or" as a field name, and
    # that compiler's complaint is the one AWS reports.
    assert reason_of({"$or": [{"a": ["x"]}]}) == "Unrecognized match type a"
    assert reason_of({"$or": "x"}) == '"$or" must be an object or an array'


def test_not_json_or_not_an_object() -> None:
    for text in ["this is not json", "{'a': ['b']}", '{"a": closed"', '{"a": [NaN]}']:
        assert aws_reason(text).startswith("Event pattern is not valid. Reason: ")
    assert aws_reason('["a"]') == "Event pattern is not valid. Reason: Filter is not an object"
    assert aws_reason("42") == "Event pattern is not valid. Reason: Filter is not an object"
    assert aws_reason(["a"]) == "Event pattern is not valid. Reason: Filter is not an object"


def test_wildcard_complexity_limit() -> None:
    compile_pattern({"a": [{"wildcard": "arn:aws:events:*:*:event-bus/*"}]})
    assert "Rule is too complex" in aws_reason({"a": [{"wildcard": "*a*a*a*a*a*"}]})


def test_error_is_a_value_error_with_reason() -> None:
    with pytest.raises(ValueError) as caught:
        compile_pattern({"time": [{"prefix": 123}]})
    assert isinstance(caught.value, InvalidPatternError)
    assert caught.value.reason == "prefix match pattern must be a string"
    assert str(caught.value) == (
        "Event pattern is not valid. Reason: prefix match pattern must be a string"
    )


# --- API ----------------------------------------------------------------------------------


def test_compile_once_match_many() -> None:
    rule = compile_pattern('{"detail": {"n": [{"numeric": [">", 10]}]}}')
    assert isinstance(rule, CompiledPattern)
    assert rule.source == {"detail": {"n": [{"numeric": [">", 10]}]}}
    results = [rule.matches({"detail": {"n": n}}) for n in range(8, 14)]
    assert results == [False, False, False, True, True, True]
    assert compile_pattern(rule.source).matches({"detail": {"n": 11}})


def test_module_functions_take_json_text() -> None:
    assert matches('{"source": ["a"]}', '{"source": "a"}') is True
    assert matches('{"source": ["a"]}', '{"source": "b"}') is False
    with pytest.raises(InvalidPatternError):
        matches('{"source": "a"}', '{"source": "a"}')
    with pytest.raises(ValueError):
        matches('{"source": ["a"]}', "[1, 2]")


def test_source_keeps_the_last_duplicate_like_json_loads() -> None:
    assert compile_pattern('{"a": ["1"], "a": ["2"]}').source == {"a": ["2"]}


# --- explain ------------------------------------------------------------------------------


def failure(pattern: dict[str, Any], event: dict[str, Any] | None = None) -> FieldResult:
    result = explain(pattern, EVENT if event is None else event)
    assert not result.matched
    assert result.failure is not None
    return result.failure


class TestExplain:
    def test_match_lists_every_field(self) -> None:
        result = explain(
            {"source": ["com.example.orders"], "detail": {"status": ["placed", "paid"]}}, EVENT
        )
        assert isinstance(result, Explanation)
        assert result.matched and result.failure is None
        assert [f.path for f in result.fields] == ["source", "detail.status"]
        assert all(f.ok for f in result.fields)
        status = result.fields[1]
        assert status.expected == '["placed","paid"]'
        assert status.actual == '"placed"'
        assert "placed" in status.reason

    def test_missing(self) -> None:
        field = failure({"source": ["com.example.orders"], "detail": {"shipTo": ["DE"]}})
        assert field == FieldResult("detail.shipTo", False, "missing", '["DE"]', None)

    def test_missing_because_object(self) -> None:
        field = failure({"detail": {"state": ["x"]}})
        assert field.reason.startswith("missing")
        assert "object" in field.reason

    def test_value_not_allowed(self) -> None:
        field = failure({"detail": {"status": ["shipped", "paid"]}})
        assert field.path == "detail.status"
        assert field.reason == 'value "placed" is not one of ["shipped", "paid"]'
        assert field.actual == '"placed"'

    def test_numeric_out_of_range(self) -> None:
        field = failure({"detail": {"count": [{"numeric": [">", 100]}]}})
        assert field.reason == "3 is not in numeric range > 100"
        assert field.expected == '[{"numeric":[">",100]}]'

    def test_type_differs(self) -> None:
        field = failure({"detail": {"count": ["5"]}})
        assert field.reason == "type differs: pattern expects a string, event has number 3"
        field = failure({"detail": {"status": [{"numeric": [">", 1]}]}})
        assert field.reason == 'type differs: pattern expects a number, event has string "placed"'

    def test_prefix(self) -> None:
        field = failure({"source": [{"prefix": "org.x"}]})
        assert field.reason == 'prefix "org.x" does not match "com.example.orders"'

    def test_first_failure_is_reported_after_passing_fields(self) -> None:
        result = explain(
            {"source": ["com.example.orders"], "region": ["us-east-1"], "account": ["1"]}, EVENT
        )
        assert [f.ok for f in result.fields] == [True, False, False]
        assert result.failure is not None and result.failure.path == "region"

    def test_exists_false_present(self) -> None:
        field = failure({"detail": {"orderId": [{"exists": False}]}})
        assert "absent" in field.reason

    def test_array_element_consistency(self) -> None:
        field = failure({"detail": {"items": {"sku": ["A"], "qty": [2]}}})
        assert field.path == "detail.items.qty"
        assert "element" in field.reason

    def test_or_reports_the_closest_branch(self) -> None:
        result = explain(
            {
                "$or": [
                    {"source": ["x"]},
                    {"source": ["com.example.orders"], "region": ["us-east-1"]},
                ]
            },
            EVENT,
        )
        assert not result.matched
        assert [f.path for f in result.fields] == ["source", "region"]
        assert result.failure is not None and result.failure.path == "region"

    def test_explain_accepts_text(self) -> None:
        result = explain('{"a": [1]}', '{"a": [2, 3]}')
        assert result.failure is not None
        assert result.failure.actual == "[2,3]"
