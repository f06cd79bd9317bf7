"""Sending: calls of ≤ 10 entries, results mapped back, and retries only where it is safe.

Per-entry failures are what no local server produces, so a fault-injecting proxy in front of the
real local EventBridge makes them (tests/faultproxy.py); everything else is real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from faultproxy import FaultProxy
from helpers import Run, write_json

from eventcomposer.aws.buses import list_buses
from eventcomposer.aws.client import client
from eventcomposer.aws.send import RetryPolicy, Sender
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry


def entries(n: int, source: str = "com.example.send") -> list[Entry]:
    return [
        Entry(source=source, detail_type="Numbered", detail=json.dumps({"n": i}))
        for i in range(1, n + 1)
    ]


@pytest.fixture
def proxied(local_settings: AwsSettings, proxy: FaultProxy) -> AwsSettings:
    return replace(local_settings, endpoint_url=proxy.endpoint_url)


def sender(settings: AwsSettings, **kwargs: Any) -> Sender:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=3, base_delay=0.0))
    return Sender(client(settings, retries=False), **kwargs)


def numbers_in(call: list[dict[str, Any]]) -> list[int]:
    return [json.loads(e["Detail"])["n"] for e in call]


def test_25_entries_go_in_three_calls_in_order(proxied: AwsSettings, proxy: FaultProxy) -> None:
    report = sender(proxied).send(entries(25))
    assert [numbers_in(c) for c in proxy.calls] == [
        list(range(1, 11)),
        list(range(11, 21)),
        list(range(21, 26)),
    ]
    assert report.calls == 3 and report.failed_count == 0
    assert [o.number for o in report.outcomes] == list(range(1, 26))
    assert len({o.event_id for o in report.outcomes}) == 25


def test_only_retryable_failures_are_retried_and_accepted_entries_never_resent(
    proxied: AwsSettings, proxy: FaultProxy
) -> None:
    failed_once: set[int] = set()

    def fail(entry: dict[str, Any]) -> tuple[str, str] | None:
        n = json.loads(entry["Detail"])["n"]
        if n in (3, 12) and n not in failed_once:
            failed_once.add(n)
            return ("InternalFailure", "try again")
        if n == 5:
            return ("MalformedDetail", "Detail is malformed.")
        if n == 7:
            return ("ThrottlingException", "slow down")  # every time: gives up after 3 tries
        return None

    proxy.fail_entry = fail
    report = sender(proxied).send(entries(15))
    sent = [n for call in proxy.calls for n in numbers_in(call)]
    assert sorted(sent) == sorted([*range(1, 16), 3, 12, 7, 7])  # retries only of 3, 12, 7
    by_number = {o.number: o for o in report.outcomes}
    assert by_number[3].ok and by_number[3].attempts == 2
    assert by_number[12].ok
    assert (by_number[5].error_code, by_number[5].attempts) == ("MalformedDetail", 1)
    assert (by_number[7].error_code, by_number[7].attempts) == ("ThrottlingException", 3)
    assert report.failed_count == 2
    assert report.to_response()["Entries"][4] == {
        "ErrorCode": "MalformedDetail",
        "ErrorMessage": "Detail is malformed.",
    }


def test_a_mix_of_good_and_bad_entries_shows_each_outcome_and_exits_1(
    cli: Run, proxy: FaultProxy, tmp_path: Any
) -> None:
    proxy.fail_entry = lambda e: (
        ("NotAuthorizedForDetailTypeException", "not allowed")
        if e["DetailType"] == "Forbidden"
        else None
    )
    data = [
        {"Source": "com.example.a", "DetailType": "Fine", "Detail": "{}"},
        {"Source": "com.example.b", "DetailType": "Forbidden", "Detail": "{}"},
        {"Source": "com.example.c", "DetailType": "Fine", "Detail": "{}"},
    ]
    path = write_json(tmp_path, data)
    code, out, _ = cli(
        "send",
        "--entries",
        f"file://{path}",
        "--output",
        "json",
        endpoint=proxy.endpoint_url,
    )
    assert code == 1
    response = json.loads(out)
    assert response["FailedEntryCount"] == 1
    first, second, third = response["Entries"]
    assert "EventId" in first and "EventId" in third
    assert second == {
        "ErrorCode": "NotAuthorizedForDetailTypeException",
        "ErrorMessage": "not allowed",
    }
    code, out, _ = cli(
        "send",
        "--entries",
        f"file://{path}",
        endpoint=proxy.endpoint_url,
    )
    assert code == 1
    assert "FailedEntryCount: 1 of 3" in out
    assert "NotAuthorizedForDetailType" in out  # folded in the 80-column table


def test_progress_and_numbers_for_a_retry_of_failed_entries(proxied: AwsSettings) -> None:
    seen: list[tuple[int, int]] = []
    report = sender(proxied).send(
        entries(12),
        on_progress=lambda done, total: seen.append((done, total)),
        numbers=list(range(101, 113)),
    )
    assert seen[-1] == (12, 12)
    assert [o.number for o in report.outcomes][:2] == [101, 102]


def test_should_stop_marks_the_rest_not_sent(proxied: AwsSettings) -> None:
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 1

    report = sender(proxied).send(entries(30), should_stop=stop)
    assert report.stopped
    assert sum(o.ok for o in report.outcomes) == 10
    assert {o.error_code for o in report.outcomes if not o.ok} == {"NotSent"}


def test_listing_buses_pages_through_all_of_them(events_client: Any, marker: str) -> None:
    names = [f"{marker}-{i}" for i in range(5)]
    for name in names:
        events_client.create_event_bus(Name=name)
    try:
        buses = list_buses(events_client, page_size=2)
        listed = [b.name for b in buses]
        assert set(names) | {"default", "orders"} <= set(listed)
        assert len(listed) == len(set(listed))
    finally:
        for name in names:
            events_client.delete_event_bus(Name=name)


def test_delivered_detail_matches_what_was_sent(
    local_settings: AwsSettings, marker: str, delivered: Callable[..., list[dict[str, Any]]]
) -> None:
    entry = Entry(
        source="com.example.users",
        detail_type="User Signed Up",
        detail=json.dumps({"plan": "pro", "marker": marker, "nested": {"list": [1, 2.5, None]}}),
    )
    report = sender(local_settings).send([entry])
    (event,) = delivered("demo-default-paid-signups", marker)
    assert event["id"] == report.outcomes[0].event_id
    assert event["detail"] == json.loads(entry.detail)
