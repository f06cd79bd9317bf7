"""Reading delivered events back from rules' SQS targets on the local EventBridge."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from eventcomposer.aws.client import client
from eventcomposer.aws.deliveries import read_deliveries, sqs_queue
from eventcomposer.aws.errors import AwsProblem
from eventcomposer.aws.rules import list_rules
from eventcomposer.aws.send import Sender
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.core.rules import RuleInfo, TargetInfo
from eventcomposer.local.demo import DEMO_RULES


def _order(marker: str, amount: float, country: str = "DE", tier: str = "gold") -> Entry:
    detail = {"marker": marker, "amount": amount, "shipping": {"country": country}}
    detail["customer"] = {"tier": tier}
    return Entry(
        source="com.example.orders",
        detail_type="Order Placed",
        detail=json.dumps(detail),
        event_bus_name="orders",
    )


def _send(settings: AwsSettings, *entries: Entry) -> list[str]:
    report = Sender(client(settings, retries=False)).send(list(entries))
    assert report.problem is None
    ids = [outcome.event_id for outcome in report.outcomes]
    assert all(ids), report.outcomes
    return [i for i in ids if i]


def test_sqs_queue_arns() -> None:
    queue = sqs_queue("arn:aws:sqs:eu-west-1:111122223333:my-queue")
    assert queue is not None and (queue.region, queue.account, queue.name) == (
        "eu-west-1",
        "111122223333",
        "my-queue",
    )
    assert sqs_queue("arn:aws:lambda:eu-west-1:111122223333:function:f") is None
    assert sqs_queue("arn:aws:sqs:eu-west-1:111122223333") is None


def test_reports_exactly_the_rules_the_event_matched(
    local_settings: AwsSettings, events_client: Any, marker: str
) -> None:
    rules = list_rules(events_client, "orders")
    [event_id] = _send(local_settings, _order(marker, 250))

    delivered = read_deliveries(local_settings, rules, {event_id})

    orders_rules = {r.name for r in DEMO_RULES if r.bus == "orders"}
    assert set(delivered) == orders_rules  # every demo rule has an SQS target
    got = {name for name, ids in delivered.items() if event_id in ids}
    assert got == {"large-orders", "eu-orders", "real-customers"}
    # Read and deleted: a second read finds nothing of it.
    again = read_deliveries(local_settings, rules, {event_id}, wait=0.5)
    assert not any(again.values())


def test_no_match_is_delivered_nowhere(
    local_settings: AwsSettings, events_client: Any, marker: str
) -> None:
    rules = list_rules(events_client, "orders")
    [event_id] = _send(local_settings, _order(marker, 12, country="US", tier="test"))
    delivered = read_deliveries(local_settings, rules, {event_id})
    assert not any(delivered.values())


def test_other_messages_are_left_in_the_queue(
    local_settings: AwsSettings,
    events_client: Any,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    rules = [r for r in list_rules(events_client, "orders") if r.name == "large-orders"]
    mine, other = _send(local_settings, _order(marker, 300), _order(marker + "-other", 400))

    assert read_deliveries(local_settings, rules, {mine}) == {"large-orders": {mine}}

    left = delivered("demo-orders-large-orders", marker + "-other")
    assert [event["id"] for event in left] == [other]


def test_non_sqs_targets_are_skipped(local_settings: AwsSettings) -> None:
    rule = RuleInfo(
        "to-lambda",
        "orders",
        event_pattern="{}",
        targets=(TargetInfo("f", "arn:aws:lambda:us-east-1:123456789012:function:f"),),
    )
    assert read_deliveries(local_settings, [rule], {"some-id"}) == {}


def test_a_missing_queue_is_an_aws_problem(local_settings: AwsSettings) -> None:
    rule = RuleInfo(
        "to-nowhere",
        "orders",
        event_pattern="{}",
        targets=(TargetInfo("q", "arn:aws:sqs:us-east-1:123456789012:no-such-queue-xyz"),),
    )
    with pytest.raises(AwsProblem):
        read_deliveries(local_settings, [rule], {"some-id"}, wait=0.5)
