"""The embedded local EventBridge routes with our engine and delivers what EventBridge would.

Cases where moto's own matcher is wrong come from the AWS-recorded corpus
(``list_within_dict``: ``exists`` on a field inside an array of objects matches on AWS, moto says
no; ``exists_list_empty_NEG``: ``exists`` on an empty array does not match on AWS, moto says
yes). Each test first shows moto's own verdict, then what the local EventBridge delivers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from eventcomposer.core.target_input import compare_inputs, predict_input
from eventcomposer.local import matching


def moto_own_verdict(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    from moto.events.models import EventPattern

    return bool(matching._ORIGINAL["matches_event"](EventPattern.load(json.dumps(pattern)), event))


@pytest.fixture
def route(events_client: Any, sqs_client: Any) -> Callable[..., tuple[str, str]]:
    """``route(pattern, target_extra=None, state="ENABLED")`` -> (rule name, queue name)."""
    made: list[tuple[str, str]] = []

    def make(
        pattern: dict[str, Any], target_extra: dict[str, Any] | None = None, state: str = "ENABLED"
    ) -> tuple[str, str]:
        name = f"t-{uuid.uuid4().hex[:12]}"
        url = sqs_client.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events_client.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
        target = {"Id": "q", "Arn": arn, **(target_extra or {})}
        events_client.put_targets(Rule=name, Targets=[target])
        made.append((name, url))
        return name, name

    yield make
    for name, url in made:
        events_client.remove_targets(Rule=name, Ids=["q"])
        events_client.delete_rule(Name=name)
        sqs_client.delete_queue(QueueUrl=url)


def send(events_client: Any, detail: dict[str, Any], source: str = "test-source") -> None:
    response = events_client.put_events(
        Entries=[{"Source": source, "DetailType": "test-detail-type", "Detail": json.dumps(detail)}]
    )
    assert response["FailedEntryCount"] == 0


def test_delivery_follows_our_engine_where_moto_says_no(
    route: Any, events_client: Any, delivered: Any, marker: str
) -> None:
    pattern = {"detail": {"automations": {"id": [{"exists": True}]}}}  # corpus list_within_dict
    detail = {"marker": marker, "automations": [{"id": "a"}, {"id": "b"}]}
    assert not moto_own_verdict(pattern, {"detail": detail})  # moto alone would drop it
    _rule, queue = route(pattern)
    send(events_client, detail)
    got = delivered(queue, marker)
    assert len(got) == 1 and got[0]["detail"] == detail


def test_no_delivery_where_moto_says_yes(
    route: Any, events_client: Any, delivered: Any, marker: str
) -> None:
    pattern = {"source": ["test-source"], "detail": {"tags": [{"exists": True}]}}
    detail = {"marker": marker, "tags": []}  # corpus exists_list_empty_NEG, on detail
    assert moto_own_verdict(pattern, {"source": "test-source", "detail": detail})
    _rule, queue = route(pattern)
    send(events_client, detail)
    assert delivered(queue, marker, timeout=0.5) == []


def test_a_heavy_wildcard_does_not_freeze_the_local_eventbridge(
    route: Any, events_client: Any, delivered: Any, marker: str
) -> None:
    _rule, queue = route({"detail": {"text": [{"wildcard": "*a*b*c*z"}]}})
    send(events_client, {"marker": marker, "text": "abcdefgh" * 4096})
    send(events_client, {"marker": marker, "text": "abc" * 1000 + "z"})
    got = delivered(queue, marker)
    assert [event["detail"]["text"][-1] for event in got] == ["z"]


def test_disabled_rules_do_not_deliver(
    route: Any, events_client: Any, delivered: Any, marker: str
) -> None:
    _rule, queue = route({"source": ["test-source"]}, state="DISABLED")
    send(events_client, {"marker": marker})
    assert delivered(queue, marker, timeout=0.5) == []


def test_input_transformer_predicted_equals_delivered(
    route: Any, events_client: Any, sqs_client: Any, marker: str
) -> None:
    transformer = {
        "InputPathsMap": {"instance": "$.detail.instance-id", "state": "$.detail.state"},
        "InputTemplate": (
            '{"instance": <instance>, "state": "<state>", '
            '"instanceStatus": "instance \\"<instance>\\" is in <state>", '
            '"rule": <aws.events.rule-name>, "source": <aws.events.event>}'
        ),
    }
    rule, queue = route({"detail": {"marker": [marker]}}, {"InputTransformer": transformer})
    detail = {"marker": marker, "instance-id": "i-0123456789", "state": "RUNNING"}
    send(events_client, detail)
    url = sqs_client.get_queue_url(QueueName=queue)["QueueUrl"]
    messages = sqs_client.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
    assert len(messages) == 1
    body = messages[0]["Body"]

    # predict from the rule and target as the API lists them, for the event as delivered
    listed = events_client.list_targets_by_rule(Rule=rule)["Targets"][0]
    arn = events_client.describe_rule(Name=rule)["Arn"]
    received = json.loads(body)
    event = {**received["source"], "detail": detail}
    predicted = predict_input(listed, event, rule_name=rule, rule_arn=arn)
    assert compare_inputs(predicted, body) == []
    assert received["instance"] == "i-0123456789"
    assert received["instanceStatus"] == 'instance "i-0123456789" is in RUNNING'
    assert received["rule"] == rule and "detail" not in received["source"]

    # and a difference is named when there is one
    changed = json.dumps({**received, "state": "STOPPED"})
    assert compare_inputs(predicted, changed) == [
        '$.state: predicted "RUNNING", received "STOPPED"'
    ]


def test_uninstall_gives_moto_back(local_server: Any) -> None:
    from moto.events import models

    ours = models.EventPattern.matches_event
    matching.uninstall()
    try:
        assert models.EventPattern.matches_event is not ours
    finally:
        matching.install()
    assert models.EventPattern.matches_event is ours


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('{"source": [{"prefix": 5}]}', "prefix match pattern must be a string"),
        ('{"a": [{"numeric": [">", 1, ">", 2]}]}', "Bad numeric range operator: >"),
        ('{"a": [{"wildcard": "a**b"}]}', "Consecutive wildcard characters at pos 2"),
    ],
)
def test_put_rule_refuses_what_aws_refuses(events_client: Any, pattern: str, message: str) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        events_client.put_rule(Name=f"t-{uuid.uuid4().hex[:12]}", EventPattern=pattern)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidEventPatternException"
    assert error["Message"] == f"Event pattern is not valid. Reason: {message}"


def test_put_rule_applies_the_pattern_size_quota(
    events_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    base = json.dumps({"source": [""]})
    big = json.dumps({"source": ["x" * (2049 - len(base))]})
    name = f"t-{uuid.uuid4().hex[:12]}"
    with pytest.raises(ClientError) as caught:
        events_client.put_rule(Name=name, EventPattern=big)
    assert "exceeds the maximum of 2048" in caught.value.response["Error"]["Message"]
    monkeypatch.setenv("EVENTCOMPOSER_PATTERN_SIZE_LIMIT", "4096")
    events_client.put_rule(Name=name, EventPattern=big)
    events_client.delete_rule(Name=name)


def test_the_local_eventbridge_agrees_with_aws_on_the_corpus(events_client: Any) -> None:
    """Every AWS-recorded corpus case, through the local EventBridge's own API: PutRule
    refuses the invalid patterns with AWS's message, TestEventPattern gives AWS's verdict."""
    from botocore.exceptions import ClientError
    from test_patterns_corpus import _corpus_path

    path = _corpus_path()
    if path is None or not path.is_file():
        pytest.skip("pattern corpus not found (set EVENTCOMPOSER_PATTERN_CORPUS)")
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    wrong = []
    for case in cases:
        name = f"t-{uuid.uuid4().hex[:12]}"
        try:
            events_client.put_rule(Name=name, EventPattern=case["pattern"])
        except ClientError as exc:
            message = exc.response["Error"]["Message"]
            recorded = case.get("aws_error_message") or message
            if case["expect"] != "invalid" or message.splitlines()[0] != recorded:
                wrong.append((case["name"], message))
            continue
        events_client.delete_rule(Name=name)
        if case["expect"] == "invalid":
            wrong.append((case["name"], "accepted"))
            continue
        result = events_client.test_event_pattern(
            EventPattern=case["pattern"], Event=case["event"]
        )["Result"]
        if result is not (case["expect"] == "match"):
            wrong.append((case["name"], result))
    assert len(cases) == 161 and wrong == []
