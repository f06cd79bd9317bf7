"""Parity with aws/event-ruler's own unit tests, where our engine used to differ.

Each test names the event-ruler test it follows (RulerTest, ACMachineTest in
src/test/software/amazon/event/ruler/); events and rules are theirs, reformatted.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from eventcomposer.patterns import compile_pattern, explain, matches


def check(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    verdict = matches(json.dumps(pattern), json.dumps(event))
    assert explain(json.dumps(pattern), event).matched is verdict
    return verdict


# --- exists: false is judged per array element -------------------------------------------------

# RulerTest.JSON_WITH_COMPLEX_ARRAYS
COMPLEX_ARRAYS = {
    "employees": [
        [
            {"firstName": "John", "lastName": "Doe", "ids": [1234, 1000, 9999]},
            {"firstName": "Anna", "lastName": "Smith"},
        ],
        [{"firstName": "Peter", "lastName": "Jones", "ids": []}],
    ]
}


@pytest.mark.parametrize(
    "rule",
    [
        {"employees": {"firstName": ["Anna"]}},
        {"employees": {"firstName": ["John"], "ids": [1000]}},
        {"employees": {"firstName": ["Anna"], "ids": [{"exists": False}]}},
    ],
)
def test_ruler_json_contains_arrays_matching_rules(rule: dict[str, Any]) -> None:
    """RulerTest WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork, matchingRules."""
    assert check(rule, COMPLEX_ARRAYS)


@pytest.mark.parametrize(
    "rule",
    [
        {"employees": {"firstName": ["Alice"]}},
        {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
        {"employees": {"firstName": ["Alice"], "lastName": ["Bob"]}},
        {"a": ["b"]},
        {"employees": ["b"]},
        {"employees": {"firstName": ["Anna"], "ids": [1000]}},
        {"employees": {"firstName": ["Anna"], "ids": [{"exists": True}]}},
    ],
)
def test_ruler_json_contains_arrays_non_matching_rules(rule: dict[str, Any]) -> None:
    """RulerTest WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork, nonMatchingRules."""
    assert not check(rule, COMPLEX_ARRAYS)


def _task(state: str, provider: str, interface: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "legacyFocusCategory": "XXXXXFocus",
        "endpointIdentifier": {"type": "XXXIdentifier", "MaskedNumber": "XXXXXXXXXX"},
    }
    if interface is not None:
        resource["additionalContext"] = {"capabilityInterfaces": [{"interfaceName": interface}]}
    return {
        "taskInstanceId": "id1",
        "taskInstanceState": state,
        "provider": {"id": provider, "type": "XXXXXXXX"},
        "resources": [resource],
    }


def _ac_rule(leaf: str) -> dict[str, Any]:
    return {
        "requestContext": {
            "taskInstances": {
                "taskInstanceState": ["ACTIVE"],
                "provider": {"id": ["XXXXXXXXXXXX"]},
                "resources": {
                    "additionalContext": {"capabilityInterfaces": {leaf: [{"exists": False}]}}
                },
            }
        }
    }


def test_ac_with_exist_false_rule() -> None:
    """ACMachineTest testACWithExistFalseRule."""
    rule1, rule2 = _ac_rule("interfaceName"), _ac_rule("abc")
    # event1 matches both rules through the first task instance, which has no interfaceName
    event1 = {
        "requestContext": {
            "taskInstances": [
                _task("ACTIVE", "XXXXXXXXXXXX", None),
                _task("InACTIVE", "SomeRandom", "Dummy.DummyDumDum"),
            ]
        }
    }
    # event2: the active instance has an interfaceName, so only rule2 matches
    event2 = {
        "requestContext": {
            "taskInstances": [
                _task("ACTIVE", "XXXXXXXXXXXX", "XXXX.XXXXXXXXXXXXXX"),
                _task("InACTIVE", "SomeRandom", "XXXX.XXXXXXXXXXXXXX"),
            ]
        }
    }
    assert check(rule1, event1) and check(rule2, event1)
    assert not check(rule1, event2) and check(rule2, event2)


def test_exists_false_outside_arrays_still_sees_the_whole_event() -> None:
    """RulerTest WHEN_WeTryToMatchExistsRules_THEN_TheyWork."""
    assert check({"b": [{"exists": False}]}, {"a": 1})
    assert not check({"b": [{"exists": False}]}, {"b": 2})
    assert not check({"x": [{"exists": False}]}, {"x": "X"})


def test_explain_names_the_field_present_in_the_chosen_element() -> None:
    rule = {"employees": {"firstName": ["John"], "ids": [{"exists": False}]}}
    result = explain(json.dumps(rule), COMPLEX_ARRAYS)
    assert not result.matched
    assert result.failure is not None and result.failure.path == "employees.ids"
    assert "same array element" in result.failure.reason


# --- CIDR with host bits set ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("220.160.153.170", True),
        ("220.160.153.171", True),
        ("220.160.153.169", False),
        ("220.160.153.172", False),
    ],
)
def test_cidr_with_host_bits_starts_at_its_network_address(address: str, expected: bool) -> None:
    """ACMachineTest testIPAddressOfCIDRIsEqualToMaximumOfRange (event-ruler PR #89)."""
    rule = {"sourceIPAddress": [{"cidr": "220.160.153.171/31"}]}
    assert check(rule, {"sourceIPAddress": address}) is expected


def test_ipv6_cidr_with_host_bits() -> None:
    rule = {"ip": [{"cidr": "2001:db8::ff/120"}]}
    assert check(rule, {"ip": "2001:db8::1"})
    assert not check(rule, {"ip": "2001:db8::100"})


# --- plain values in an array that also holds objects -----------------------------------------


def test_plain_values_in_an_array_get_no_index() -> None:
    """ACMachineTest intensitiesACTest (the rule repeats "points": a list, then an object)."""
    event = {
        "lines": [
            {
                "intensities": [[0.5]],
                "points": [
                    [
                        [{"pp": "index0"}, 483.3474497412421, 287.48116291799363],
                        [{"pp": "index1"}, 489.9999497412421, 299.99996291799363],
                    ]
                ],
            }
        ]
    }
    rule = '{"lines": {"points": [287.48116291799363], "points": {"pp": ["index0"]}}}'
    assert matches(rule, json.dumps(event))
    assert explain(rule, event).matched


# --- dotted keys are not capped -----------------------------------------------------------------


@pytest.mark.parametrize("depth", [33, 64, 200])
def test_dotted_keys_join_beyond_32_segments(depth: int) -> None:
    keys = [f"k{i}" for i in range(depth)]
    flat = {".".join(keys): "v"}  # one key holding every dot
    nested: Any = "v"
    for key in reversed(keys):
        nested = {key: nested}
    half = {".".join(keys[: depth // 2]): {".".join(keys[depth // 2 :]): "v"}}
    rule = {".".join(keys): ["v"]}
    for event in (flat, nested, half):
        assert check(rule, event)


def test_a_deep_event_does_not_exhaust_the_stack() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = {"a": [deep]}
    rule = compile_pattern({"a": {"a": {"a": [{"exists": False}], "b": [{"exists": False}]}}})
    assert rule.matches(deep) and rule.explain(deep).matched
    dotted = compile_pattern({".".join(["a"] * 1500): ["x"]})
    assert not dotted.matches(deep) and not dotted.explain(deep).matched
