"""``eventcomposer tail`` against the local EventBridge: events arrive in order and are shown with
the rules they match; everything ``eventcomposer-tail-*`` is gone afterwards, after a normal end,
after SIGTERM, and after ``kill -9`` followed by the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ROOT, Run

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.aws.tail import PREFIX, Tail
from eventcomposer.aws.tail_cleanup import find_leftovers

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def bus(events_client: Any) -> Iterator[str]:
    """A fresh bus per test: tails on other buses don't interfere."""
    name = f"tail-{uuid.uuid4().hex[:10]}"
    events_client.create_event_bus(Name=name)
    yield name
    for rule in events_client.list_rules(EventBusName=name).get("Rules", []):
        ids = [
            t["Id"]
            for t in events_client.list_targets_by_rule(Rule=rule["Name"], EventBusName=name)[
                "Targets"
            ]
        ]
        if ids:
            events_client.remove_targets(Rule=rule["Name"], EventBusName=name, Ids=ids)
        events_client.delete_rule(Name=rule["Name"], EventBusName=name)
    events_client.delete_event_bus(Name=name)


def tail_rules(events_client: Any, bus: str) -> list[str]:
    rules = events_client.list_rules(EventBusName=bus, NamePrefix=PREFIX).get("Rules", [])
    return [r["Name"] for r in rules]


def tail_queues(sqs_client: Any) -> list[str]:
    return sqs_client.list_queues(QueueNamePrefix=PREFIX).get("QueueUrls", [])


def assert_nothing_left(events_client: Any, sqs_client: Any, bus: str) -> None:
    assert tail_rules(events_client, bus) == []
    assert tail_queues(sqs_client) == []
    # Not even a target pointing at a removed queue, on any rule of the bus.
    for rule in events_client.list_rules(EventBusName=bus).get("Rules", []):
        targets = events_client.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)
        assert not any(PREFIX in t["Arn"] for t in targets["Targets"])


def wait_until(condition: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def put(events_client: Any, bus: str, *details: dict[str, Any], source: str = "com.test") -> None:
    for detail in details:
        response = events_client.put_events(
            Entries=[
                {
                    "Source": source,
                    "DetailType": "Tail Test",
                    "Detail": json.dumps(detail),
                    "Resources": ["arn:aws:test:::thing/1"],
                    "EventBusName": bus,
                }
            ]
        )
        assert response["FailedEntryCount"] == 0


def when_tailing(events_client: Any, bus: str, action: Callable[[], None]) -> threading.Thread:
    """Run ``action`` in a thread once the tail's rule and its target exist."""

    def target_ready() -> bool:
        for name in tail_rules(events_client, bus):
            if events_client.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]:
                return True
        return False

    def run() -> None:
        wait_until(target_ready)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def send_when_tailing(
    events_client: Any, bus: str, *details: dict[str, Any], source: str = "com.test"
) -> threading.Thread:
    """Send ``details`` from a thread once the tail's rule and target exist."""
    return when_tailing(
        events_client, bus, lambda: put(events_client, bus, *details, source=source)
    )


def test_events_arrive_in_order_as_json_lines_and_nothing_is_left(
    cli: Run, events_client: Any, sqs_client: Any, bus: str
) -> None:
    details = [{"n": n, "marker": "order"} for n in range(1, 6)]
    sender = send_when_tailing(events_client, bus, *details)
    code, out, err = cli("tail", "--bus", bus, "--max-events", "5", "--output", "json")
    sender.join()
    assert code == 0, err
    lines = out.splitlines()
    events = [json.loads(line) for line in lines]  # every stdout line is one JSON event
    assert [e["detail"]["n"] for e in events] == [1, 2, 3, 4, 5]
    assert all(e["source"] == "com.test" and e["detail-type"] == "Tail Test" for e in events)
    assert "removed: rule eventcomposer-tail-" in err
    assert_nothing_left(events_client, sqs_client, bus)


def test_table_shows_time_source_detail_type_and_which_rules_match_and_why(
    cli: Run, events_client: Any, bus: str
) -> None:
    events_client.put_rule(
        Name="big",
        EventBusName=bus,
        EventPattern=json.dumps({"detail": {"n": [{"numeric": [">", 5]}]}}),
    )
    events_client.put_rule(
        Name="from-test", EventBusName=bus, EventPattern=json.dumps({"source": ["com.test"]})
    )
    sender = send_when_tailing(events_client, bus, {"n": 1})
    code, out, err = cli("tail", "--bus", bus, "--max-events", "1")
    sender.join()
    assert code == 0, err
    assert "com.test  Tail Test  1 of 2 rule(s) match" in out
    assert "✓ from-test: matches on source" in out
    assert "✗ big: detail.n: 1 is not in numeric range > 5" in out
    assert out.split()[0].count(":") == 2  # the event's time, HH:MM:SS


def test_pattern_and_rule_narrow_what_arrives(cli: Run, events_client: Any, bus: str) -> None:
    events_client.put_rule(
        Name="only-b", EventBusName=bus, EventPattern=json.dumps({"source": ["com.b"]})
    )
    for option in (["--pattern", '{"source": ["com.b"]}'], ["--rule", "only-b"]):

        def send_a_then_b() -> None:
            put(events_client, bus, {"x": 1}, source="com.a")
            put(events_client, bus, {"x": 2}, source="com.b")

        thread = when_tailing(events_client, bus, send_a_then_b)
        code, out, err = cli("tail", "--bus", bus, *option, "--max-events", "1", "--output", "json")
        thread.join()
        assert code == 0, err
        assert [json.loads(line)["detail"] for line in out.splitlines()] == [{"x": 2}]


def test_invalid_pattern_missing_bus_and_bad_limits_are_bad_input(
    cli: Run, events_client: Any, sqs_client: Any, bus: str
) -> None:
    code, _, err = cli("tail", "--bus", bus, "--pattern", '{"source": "x"}')
    assert code == 2 and "Event pattern is not valid" in err
    code, _, err = cli("tail", "--bus", "no-such-bus-here", "--duration", "1")
    assert code == 2 and "does not exist" in err
    code, _, err = cli("tail", "--bus", bus, "--max-events", "0")
    assert code == 2
    code, _, err = cli("tail", "--bus", bus, "--rule", "no-such-rule", "--duration", "1")
    assert code == 1 and "events:DescribeRule" in err
    assert_nothing_left(events_client, sqs_client, bus)


def test_duration_ends_the_tail_and_removes_everything(
    cli: Run, events_client: Any, sqs_client: Any, bus: str
) -> None:
    started = time.monotonic()
    code, _, err = cli("tail", "--bus", bus, "--duration", "1.5")
    assert code == 0, err
    assert time.monotonic() - started < 8
    assert "0 event(s) received" in err
    assert_nothing_left(events_client, sqs_client, bus)


def test_save_writes_a_preset_that_sends_the_same_detail_back(
    cli: Run,
    events_client: Any,
    sqs_client: Any,
    bus: str,
    tmp_path: Path,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    from eventcomposer.core.presets import load_preset
    from eventcomposer.core.validation import validate_entries

    detail = {"orderId": "o-1", "amount": 42.5, "nested": {"list": [1, "two", None]}, "ok": True}
    sender = send_when_tailing(events_client, bus, detail, {"n": 2})
    preset_file = tmp_path / "captured.yaml"
    code, _, err = cli(
        "tail", "--bus", bus, "--max-events", "2", "--save", str(preset_file), "--keep-time"
    )
    sender.join()
    assert code == 0, err
    assert f"saved 2 event(s) as the preset {preset_file}" in err
    preset = load_preset(preset_file)
    assert preset.bus == bus and not validate_entries(preset.entries)
    first = preset.entries[0]
    assert (first.source, first.detail_type, first.resources) == (
        "com.test",
        "Tail Test",
        ["arn:aws:test:::thing/1"],
    )
    assert json.loads(first.detail) == detail and first.time
    # Without --force an existing file is not overwritten.
    assert cli("tail", "--bus", bus, "--save", str(preset_file), "--duration", "1")[0] == 2

    # Send it back: a rule with our own queue receives the same Detail.
    queue = f"back-{uuid.uuid4().hex[:8]}"
    url = sqs_client.create_queue(QueueName=queue)["QueueUrl"]
    arn = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    events_client.put_rule(
        Name="back", EventBusName=bus, EventPattern=json.dumps({"source": ["com.test"]})
    )
    events_client.put_targets(
        Rule="back", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}]
    )
    code, _, err = cli("send", str(preset_file))
    assert code == 0, err
    received = delivered(queue, "o-1")
    assert [e["detail"] for e in received] == [detail]
    sqs_client.delete_queue(QueueUrl=url)


def test_a_failed_step_names_the_action_and_removes_what_was_created(
    local_settings: AwsSettings, events_client: Any, sqs_client: Any, bus: str
) -> None:
    from eventcomposer.aws.errors import AwsProblem

    class Denying:
        """The local SQS, refusing CreateQueue as IAM would."""

        def __getattr__(self, name: str) -> Any:
            return getattr(sqs_client, name)

        def create_queue(self, **kwargs: Any) -> Any:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "CreateQueue"
            )

    tail = Tail(events_client, Denying(), bus)
    with pytest.raises(AwsProblem) as caught:
        tail.start()
    message = str(caught.value)
    assert "sqs:CreateQueue" in message and "was denied (AccessDenied)" in message
    assert "No queue was created. Removed again: rule eventcomposer-tail-" in message
    assert_nothing_left(events_client, sqs_client, bus)


def _subprocess_env(local_settings: AwsSettings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_ENDPOINT_URL=local_settings.endpoint_url or "",
        AWS_REGION="us-east-1",
    )
    return env


def _start_tail(local_settings: AwsSettings, bus: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "eventcomposer.cli.main", "tail", "--bus", bus, *extra],
        env=_subprocess_env(local_settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_sigterm_and_ctrl_c_stop_cleanly_and_remove_everything(
    local_settings: AwsSettings, events_client: Any, sqs_client: Any, bus: str, stop: int
) -> None:
    process = _start_tail(local_settings, bus, "--output", "json")
    try:
        sender = send_when_tailing(events_client, bus, {"n": 1}, {"n": 2})
        sender.join()
        first = process.stdout.readline() if process.stdout else ""
        second = process.stdout.readline() if process.stdout else ""
        assert [json.loads(first)["detail"], json.loads(second)["detail"]] == [{"n": 1}, {"n": 2}]
        process.send_signal(stop)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out == ""
    assert "stopped" in err and "removed: rule eventcomposer-tail-" in err
    assert_nothing_left(events_client, sqs_client, bus)


def test_after_kill_9_the_next_tail_says_so_and_removes_the_leftovers(
    cli: Run, local_settings: AwsSettings, events_client: Any, sqs_client: Any, bus: str
) -> None:
    process = _start_tail(local_settings, bus)
    try:
        wait_until(lambda: tail_rules(events_client, bus) and tail_queues(sqs_client))
        wait_until(
            lambda: events_client.list_targets_by_rule(
                Rule=tail_rules(events_client, bus)[0], EventBusName=bus
            )["Targets"]
        )
    finally:
        process.kill()  # SIGKILL: no chance to clean up
        process.communicate(timeout=20)
    [left_rule] = tail_rules(events_client, bus)
    [left_queue] = tail_queues(sqs_client)
    # Named and tagged with the creation time, the host and the process.
    tags = sqs_client.list_queue_tags(QueueUrl=left_queue)["Tags"]
    assert left_queue.endswith(left_rule) and tags["eventcomposer:pid"] == str(process.pid)
    assert tags["eventcomposer:created"].endswith("Z") and tags["eventcomposer:bus"] == bus
    # A tail of this very process is running: it is not a leftover.
    assert {lo.name for lo in find_leftovers(events_client, sqs_client, bus)} == {left_rule}

    code, _, err = cli("tail", "--bus", bus, "--duration", "1")
    assert code == 0, err
    assert "an earlier tail left behind" in err and left_rule in err
    assert_nothing_left(events_client, sqs_client, bus)


def test_a_running_tail_of_another_live_process_is_not_a_leftover(
    events_client: Any, sqs_client: Any, bus: str
) -> None:
    with Tail(events_client, sqs_client, bus) as running:
        assert find_leftovers(events_client, sqs_client, bus) == []
        assert running.name in tail_rules(events_client, bus)
    assert_nothing_left(events_client, sqs_client, bus)


def test_not_being_allowed_to_look_for_leftovers_is_said_and_the_tail_goes_on(
    events_client: Any, sqs_client: Any, bus: str
) -> None:
    from eventcomposer.aws.tail_cleanup import clean_earlier_tails

    class NoTags:
        def __getattr__(self, name: str) -> Any:
            return getattr(sqs_client, name)

        def list_queues(self, **kwargs: Any) -> Any:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "ListQueues"
            )

    said: list[str] = []
    report = clean_earlier_tails(events_client, NoTags(), bus, said.append)
    assert report.removed == [] and len(said) == 1
    assert (
        "sqs:ListQueues" in said[0] and "Leftovers of earlier tails were not looked for" in said[0]
    )


def test_only_the_tail_rule_may_send_to_its_queue(
    events_client: Any, sqs_client: Any, bus: str
) -> None:
    with Tail(events_client, sqs_client, bus) as tail:
        attributes = sqs_client.get_queue_attributes(
            QueueUrl=tail.queue_url, AttributeNames=["Policy", "QueueArn"]
        )["Attributes"]
        [statement] = json.loads(attributes["Policy"])["Statement"]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Action"] == "sqs:SendMessage"
        assert statement["Resource"] == attributes["QueueArn"]
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": tail.rule_arn}}
    assert_nothing_left(events_client, sqs_client, bus)


def test_a_tail_that_cannot_connect_says_what_to_check_in_each_interfaces_terms() -> None:
    from botocore.exceptions import EndpointConnectionError

    from eventcomposer.aws.tail import refused
    from eventcomposer.tui.backend import TUI_TERMS

    problem = refused(
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        "events:PutRule",
        "http://127.0.0.1:9",
        "Nothing {was} created.",
    )
    cli_words, tui_words = str(problem), problem.in_terms(TUI_TERMS)
    assert cli_words.startswith("events:PutRule failed: ") and "--endpoint-url" in cli_words
    assert tui_words.startswith("events:PutRule failed: ") and "--endpoint-url" not in tui_words
    assert "in the header" in tui_words
    assert cli_words.endswith("Nothing {was} created.") and tui_words.endswith(
        "Nothing {was} created."
    )
