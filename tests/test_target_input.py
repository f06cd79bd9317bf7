"""What each target receives: Input, InputPath and InputTransformer, as EventBridge builds them.

The transformer cases are the examples of the EventBridge user guide ("Amazon EventBridge input
transformation"): its EC2 event, its InputPathsMap, and each template of its table.
"""

from __future__ import annotations

import json

import pytest

from eventcomposer.core.target_input import (
    TargetInput,
    compare_inputs,
    predict_input,
    render_template,
    select,
)

EVENT = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING"},
}
PATHS = {"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}
RULE = {"rule_name": "example", "rule_arn": "arn:aws:events:us-east-2:123456789012:rule/example"}


def transform(template: str, paths: dict[str, str] | None = None) -> TargetInput:
    target = {"InputTransformer": {"InputPathsMap": paths or PATHS, "InputTemplate": template}}
    return predict_input(target, EVENT, **RULE)


def test_no_input_settings_deliver_the_whole_event_minified() -> None:
    got = predict_input({"Id": "q", "Arn": "arn"}, EVENT)
    assert got.kind == "event"
    assert got.body == json.dumps(EVENT, separators=(",", ":"))


def test_input_is_constant_json() -> None:
    got = predict_input({"Input": '{"fixed": true}'}, EVENT)
    assert (got.kind, got.body) == ("Input", '{"fixed": true}')


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("$.detail", '{"instance-id":"i-0123456789","state":"RUNNING"}'),
        ("$.detail.state", '"RUNNING"'),
        ("$.resources[0]", '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"'),
        ("$", json.dumps(EVENT, separators=(",", ":"))),
    ],
)
def test_input_path_selects_part_of_the_event(path: str, body: str) -> None:
    got = predict_input({"InputPath": path}, EVENT)
    assert (got.kind, got.body) == ("InputPath", body)


def test_input_path_that_selects_nothing() -> None:
    got = predict_input({"InputPath": "$.detail.nope"}, EVENT)
    assert got.body is None and "selects nothing" in got.notes[0]


def test_simple_string() -> None:
    got = transform('"instance <instance> is in <state>"')
    assert got.body == '"instance i-0123456789 is in RUNNING"'


def test_string_with_escaped_quotes() -> None:
    got = transform('"instance \\"<instance>\\" is in <state>"')
    assert got.body == '"instance \\"i-0123456789\\" is in RUNNING"'


def test_simple_json_quotes_string_values() -> None:
    got = transform('{\n  "instance" : <instance>,\n  "state": <state>\n}')
    assert got.body == '{"instance":"i-0123456789","state":"RUNNING"}'


def test_json_with_strings_and_variables() -> None:
    got = transform(
        '{"instance" : <instance>, "state": "<state>", '
        '"instanceStatus": "instance \\"<instance>\\" is in <state>"}'
    )
    assert json.loads(got.body or "") == {
        "instance": "i-0123456789",
        "state": "RUNNING",
        "instanceStatus": 'instance "i-0123456789" is in RUNNING',
    }


def test_json_with_a_mix_of_variables_and_static_information() -> None:
    got = transform(
        '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'
    )
    assert got.body == '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}'


def test_reserved_variables_in_json() -> None:
    got = transform(
        '{"instance": <instance>, "ruleArn": <aws.events.rule-arn>, '
        '"ruleName": <aws.events.rule-name>, "originalEvent": <aws.events.event>, '
        '"whole": <aws.events.event.json>}'
    )
    value = json.loads(got.body or "")
    assert value["ruleArn"] == RULE["rule_arn"] and value["ruleName"] == "example"
    assert value["originalEvent"] == {k: v for k, v in EVENT.items() if k != "detail"}
    assert value["whole"] == EVENT


def test_reserved_variables_in_a_string() -> None:
    assert transform('"<aws.events.rule-name> triggered"').body == '"example triggered"'


def test_ingestion_time() -> None:
    target = {"InputTransformer": {"InputTemplate": '{"at": <aws.events.event.ingestion-time>}'}}
    known = predict_input(target, EVENT, ingestion_time="2015-11-11T21:29:55Z")
    assert known.body == '{"at":"2015-11-11T21:29:55Z"}' and not known.notes
    guessed = predict_input(target, EVENT)
    assert guessed.body == '{"at":"2015-11-11T21:29:54Z"}' and "time" in guessed.notes[0]


def test_values_are_not_escaped_inside_strings() -> None:
    event = {**EVENT, "detail": {"text": 'say "hi"'}}
    target = {
        "InputTransformer": {"InputPathsMap": {"t": "$.detail.text"}, "InputTemplate": '"<t>"'}
    }
    assert predict_input(target, event).body == '"say "hi""'


def test_non_string_values() -> None:
    event = {**EVENT, "detail": {"n": 5, "ok": True, "list": [1, "a"], "obj": {"k": None}}}
    paths = {"n": "$.detail.n", "ok": "$.detail.ok", "list": "$.detail.list", "obj": "$.detail.obj"}
    target = {
        "InputTransformer": {
            "InputPathsMap": paths,
            "InputTemplate": (
                '{"n": <n>, "ok": <ok>, "list": <list>, "obj": <obj>, "s": "<n>-<ok>"}'
            ),
        }
    }
    assert json.loads(predict_input(target, event).body or "") == {
        "n": 5,
        "ok": True,
        "list": [1, "a"],
        "obj": {"k": None},
        "s": "5-true",
    }
    text = {"InputTransformer": {"InputPathsMap": paths, "InputTemplate": "n=<n> list=<list>"}}
    assert predict_input(text, event).body == 'n=5 list=[1,"a"]'


def test_a_missing_path_creates_no_variable() -> None:
    paths = {**PATHS, "gone": "$.detail.gone"}
    in_json = transform('{"a": <gone>, "b": "x<gone>y", "state": <state>}', paths)
    assert in_json.body == '{"a":"","b":"xy","state":"RUNNING"}'
    assert any("$.detail.gone" in note for note in in_json.notes)
    assert transform('"[<gone>]"', paths).body == '"[]"'


def test_an_invalid_json_result_is_reported() -> None:
    got = transform('{"a": <state>,}')
    assert got.body == '{"a": "RUNNING",}' and "not valid JSON" in got.notes[-1]


def test_placeholders_are_found_once_per_occurrence() -> None:
    text, _notes = render_template("<a><a> <b>", {"a": "x", "b": 1})
    assert text == "xx 1"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.detail.state", "RUNNING"),
        ("$['detail']['instance-id']", "i-0123456789"),
        ("$.resources[-1]", EVENT["resources"][0]),
        ("$.detail.*", ["i-0123456789", "RUNNING"]),
        ("$.resources[*]", EVENT["resources"]),
    ],
)
def test_jsonpath_subset(path: str, expected: object) -> None:
    assert select(EVENT, path) == expected


def test_compare_inputs() -> None:
    predicted = TargetInput("InputTransformer", '{"a":1,"b":[1,2]}')
    assert compare_inputs(predicted, '{ "b": [1, 2], "a": 1 }') == []
    assert compare_inputs(predicted, '{"a":2,"b":[1,2],"c":0}') == [
        "$.a: predicted 1, received 2",
        "$.c: received 0, not predicted",
    ]
    assert compare_inputs(TargetInput("Input", '"x"'), '"y"') == ['$: predicted "x", received "y"']
    assert compare_inputs(TargetInput("InputPath", None), "{}")
