"""``eventcomposer pattern`` and ``rules``: verdicts, reasons and exit codes; what the engine
predicts for the demo rules is what the local EventBridge delivers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, Run

from eventcomposer.aws.rules import list_rules
from eventcomposer.aws.send import Sender
from eventcomposer.core.entries import Entry
from eventcomposer.core.envelope import event_for_entry
from eventcomposer.core.rule_matching import Verdict, evaluate_rules
from eventcomposer.local.demo import DEMO_RULES

EVENT = json.dumps({"source": "com.example.orders", "detail": {"amount": 42, "tier": "gold"}})


def test_pattern_match_exits_0_and_lists_matched_fields(cli: Run) -> None:
    code, out, _ = cli(
        "pattern",
        "--pattern",
        '{"detail": {"amount": [{"numeric": [">", 10]}]}}',
        "--event",
        EVENT,
        endpoint=False,
    )
    assert code == 0
    assert out.startswith("match")
    assert "detail.amount" in out


def test_pattern_no_match_exits_1_with_the_reason(cli: Run) -> None:
    code, out, _ = cli(
        "pattern",
        "--pattern",
        '{"detail": {"tier": ["silver", "bronze"]}}',
        "--event",
        EVENT,
        endpoint=False,
    )
    assert code == 1
    assert out.splitlines()[0] == (
        'no match: detail.tier: value "gold" is not one of ["silver", "bronze"]'
    )


def test_invalid_pattern_exits_2_in_aws_words(cli: Run) -> None:
    code, _, err = cli(
        "pattern", "--pattern", '{"source": [{"prefix": 5}]}', "--event", EVENT, endpoint=False
    )
    assert code == 2
    assert "Event pattern is not valid. Reason: prefix match pattern must be a string" in err


def test_pattern_and_event_from_files(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{"source": [{"prefix": "com.example"}]}')
    (tmp_path / "e.json").write_text(EVENT)
    code, _, _ = cli(
        "pattern",
        "--pattern",
        f"file://{tmp_path / 'p.json'}",
        "--event",
        f"file://{tmp_path / 'e.json'}",
        endpoint=False,
    )
    assert code == 0


@pytest.mark.parametrize(
    ("event", "message"),
    [("{nope", "not valid JSON: Expecting property name"), ("[1]", "must be a JSON object")],
)
def test_bad_event(cli: Run, event: str, message: str) -> None:
    code, _, err = cli(
        "pattern", "--pattern", '{"source": ["a"]}', "--event", event, endpoint=False
    )
    assert code == 2 and message in err


def test_rules_for_the_example_presets(cli: Run) -> None:
    code, out, _ = cli("rules", str(ROOT / "presets" / "order-placed-small-test.yaml"))
    assert code == 1  # the small test order reaches no rule
    text = " ".join(out.split())
    assert "0 of 4 rule(s) match" in text
    assert "detail.amount: 12 is not in numeric range >= 100" in text
    assert 'detail.customer.tier: value "test" is excluded by anything-but' in text
    code, out, _ = cli("rules", str(ROOT / "presets" / "order-placed-large.yaml"))
    assert code == 0
    assert "3 of 4 rule(s) match" in out and "demo-orders-large-orders" in out


def test_schedule_only_rules_never_match(events_client: Any, marker: str) -> None:
    events_client.put_rule(Name=marker, ScheduleExpression="rate(5 minutes)")
    try:
        rules = {r.name: r for r in list_rules(events_client, "default")}
        (verdict,) = evaluate_rules([rules[marker]], {"source": "x"})
        assert verdict.verdict is Verdict.SCHEDULED
        assert "never matches events" in verdict.reason
    finally:
        events_client.delete_rule(Name=marker)


@pytest.mark.parametrize(
    "preset", ["order-placed-large.yaml", "order-placed-small-test.yaml", "refund-issued.yaml"]
)
def test_predicted_rules_are_the_ones_that_receive_the_event(
    preset: str,
    events_client: Any,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    from eventcomposer.aws.client import client
    from eventcomposer.core.presets import load_preset
    from eventcomposer.core.templating import TemplateContext, resolve_entry

    loaded = load_preset(ROOT / "presets" / preset)
    ctx = TemplateContext()
    entries: list[Entry] = []
    for number, entry in enumerate(loaded.entries, start=1):
        resolved = resolve_entry(entry, ctx)
        detail = json.loads(resolved.detail)
        detail["marker"] = f"{marker}-{number}"  # each entry's deliveries are told apart
        entries.append(resolved.copy(detail=json.dumps(detail), event_bus_name=loaded.bus))
    rules = list_rules(events_client, loaded.bus)
    sender = Sender(client(_settings(events_client), retries=False))
    report = sender.send(entries)
    assert report.failed_count == 0
    for entry in entries:
        predicted = {
            v.rule.name
            for v in evaluate_rules(rules, event_for_entry(entry))
            if v.verdict is Verdict.MATCH
        }
        for rule in (r for r in DEMO_RULES if r.bus == loaded.bus):
            got = delivered(
                rule.queue_name,
                json.loads(entry.detail)["marker"],
                timeout=1.0 if rule.name in predicted else 0.2,
            )
            assert bool(got) == (rule.name in predicted), (rule.name, predicted)


def _settings(events_client: Any) -> Any:
    from eventcomposer.aws.settings import AwsSettings

    return AwsSettings(endpoint_url=events_client.meta.endpoint_url, local=True)


# --- pattern size quota, --check-aws, rules --targets -------------------------------------------

FULL_EVENT = json.dumps(
    {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "Order Placed",
        "source": "com.example.orders",
        "account": "123456789012",
        "time": "2024-05-02T13:48:01Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"amount": 42, "items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]},
    }
)


def _long_pattern(length: int) -> str:
    base = json.dumps({"source": [""]})
    return json.dumps({"source": ["x" * (length - len(base))]})


def test_pattern_over_the_size_quota(cli: Run) -> None:
    code, _, err = cli(
        "pattern", "--pattern", _long_pattern(2049), "--event", EVENT, endpoint=False
    )
    assert code == 2
    assert "Event pattern is not valid. Reason: Event pattern size 2049 exceeds" in err
    code, _, _ = cli(
        "pattern",
        "--pattern",
        _long_pattern(2049),
        "--event",
        EVENT,
        "--pattern-size-limit",
        "4096",
        endpoint=False,
    )
    assert code == 1  # valid now, and no match
    code, _, err = cli(
        "pattern", "--pattern", "{}", "--event", EVENT, "--pattern-size-limit", "9000"
    )
    assert code == 2 and "between 2048 and 4096" in err


def test_check_aws_agrees(cli: Run) -> None:
    pattern = '{"detail": {"items": {"sku": ["b"], "qty": [2]}}}'
    code, out, _ = cli("pattern", "--pattern", pattern, "--event", FULL_EVENT, "--check-aws")
    assert code == 0
    lines = out.splitlines()
    assert "eventcomposer:      match" in lines
    assert "EventBridge (AWS):  match" in lines
    assert lines[-1] == "agree"


def test_check_aws_both_reject_an_invalid_pattern(cli: Run) -> None:
    code, out, err = cli(
        "pattern", "--pattern", '{"source": [{"prefix": 5}]}', "--event", FULL_EVENT, "--check-aws"
    )
    assert code == 2
    assert "prefix match pattern must be a string" in err
    assert (
        "EventBridge (AWS):  invalid: InvalidEventPatternException: Event pattern is not valid. "
        "Reason: prefix match pattern must be a string"
    ) in out
    assert out.splitlines()[-1] == "agree: both reject it"


def test_check_aws_shows_a_disagreement(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventcomposer.local import matching

    # the local EventBridge answers TestEventPattern with our engine; make it differ
    monkeypatch.setattr(matching, "answer_test_event_pattern", lambda pattern, event: False)
    code, out, _ = cli(
        "pattern",
        "--pattern",
        '{"source": ["com.example.orders"]}',
        "--event",
        FULL_EVENT,
        "--check-aws",
    )
    assert code == 0  # our verdict decides the exit code
    assert "EventBridge (AWS):  no match" in out
    assert out.splitlines()[-1].startswith("DISAGREE")


def test_check_aws_needs_a_reachable_eventbridge(cli: Run) -> None:
    code, _, err = cli(
        "pattern",
        "--pattern",
        '{"source": ["x"]}',
        "--event",
        FULL_EVENT,
        "--check-aws",
        endpoint="http://127.0.0.1:9",
    )
    assert code == 3 and "TestEventPattern" in err


def test_rules_targets_shows_each_targets_input(
    cli: Run, events_client: Any, sqs_client: Any, tmp_path: Path, marker: str
) -> None:
    bus = f"t-{marker[-12:]}"
    events_client.create_event_bus(Name=bus)
    url = sqs_client.create_queue(QueueName=bus)["QueueUrl"]
    arn = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events_client.put_rule(
        Name="ship", EventBusName=bus, EventPattern='{"source": ["com.example.orders"]}'
    )
    transformer = {
        "InputPathsMap": {"amount": "$.detail.amount", "gone": "$.detail.gone"},
        "InputTemplate": '{"amount": <amount>, "rule": <aws.events.rule-name>, "x": <gone>}',
    }
    events_client.put_targets(
        Rule="ship",
        EventBusName=bus,
        Targets=[
            {"Id": "whole", "Arn": arn},
            {"Id": "constant", "Arn": arn, "Input": '{"fixed": 1}'},
            {"Id": "path", "Arn": arn, "InputPath": "$.detail.amount"},
            {"Id": "shaped", "Arn": arn, "InputTransformer": transformer},
        ],
    )
    preset = tmp_path / "order.yaml"
    preset.write_text(
        "version: 1\nname: order\nbus: " + bus + "\nentries:\n"
        "  - Source: com.example.orders\n    DetailType: Order Placed\n"
        "    Detail: {amount: 42}\n"
    )
    try:
        code, out, _ = cli("rules", str(preset), "--targets")
        assert code == 0
        text = " ".join(out.split())
        assert "ship → whole (" in text and '"source":"com.example.orders"' in text
        assert "ship → constant (" in text and '{"fixed": 1}' in text
        assert "ship → path (" in text and "receives its InputPath: 42" in text
        assert '{"amount":42,"rule":"ship","x":""}' in text
        assert "note: <gone>: $.detail.gone is not in this event" in text
    finally:
        events_client.remove_targets(
            Rule="ship", EventBusName=bus, Ids=["whole", "constant", "path", "shaped"]
        )
        events_client.delete_rule(Name="ship", EventBusName=bus)
        events_client.delete_event_bus(Name=bus)
        sqs_client.delete_queue(QueueUrl=url)
