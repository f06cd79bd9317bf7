"""The CLI under faults injected between boto3 and the local EventBridge: it says what happened,
keeps failed entries retryable, never resends an accepted entry, and exits with the right code."""

from __future__ import annotations

import json
from pathlib import Path

from faultproxy import FaultProxy
from helpers import Run, write_json

from eventcomposer.core.history import History
from eventcomposer.paths import history_file

ENTRIES = [
    {"Source": "com.example.faults", "DetailType": "Fault", "Detail": json.dumps({"n": n})}
    for n in range(1, 26)
]


def send(cli: Run, proxy: FaultProxy, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    """Send ENTRIES through the proxy, one call at a time unless ``extra`` says otherwise: the
    faults here are set by call number (adaptive concurrency has its own tests)."""
    path = write_json(tmp_path, ENTRIES)
    if "--concurrency" not in extra:
        extra = (*extra, "--concurrency", "1")
    code, out, err = cli(
        "send",
        "--entries",
        f"file://{path}",
        "--output",
        "json",
        *extra,
        endpoint=proxy.endpoint_url,
    )
    return code, json.loads(out) if out.strip() else {}, " ".join(err.split())


def accepted_numbers(proxy: FaultProxy) -> list[int]:
    return sorted(json.loads(e["Detail"])["n"] for call in proxy.forwarded for e in call)


def test_a_500_on_one_call_is_retried_and_nothing_is_sent_twice(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.fault_on = lambda call: "http500" if call == 2 else None
    code, response, _ = send(cli, proxy, tmp_path)
    assert code == 0
    assert response["FailedEntryCount"] == 0
    assert accepted_numbers(proxy) == list(range(1, 26))  # each accepted exactly once


def test_throttling_that_persists_fails_those_entries_and_keeps_the_rest(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.fault_on = lambda call: "throttle" if call >= 3 else None  # the third call, forever
    code, response, err = send(cli, proxy, tmp_path)
    assert code == 1
    assert response["FailedEntryCount"] == 5
    failed = response["Entries"][20:]
    assert {e["ErrorCode"] for e in failed} == {"ThrottlingException"}
    assert all("EventId" in e for e in response["Entries"][:20])
    assert "ThrottlingException: Rate exceeded" in err
    assert accepted_numbers(proxy) == list(range(1, 21))
    (record,) = History(history_file()).records()
    assert record.failed == 5  # kept for `eventcomposer history resend ID --failed-only`


def test_an_answer_past_the_timeout_is_never_resent(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.fault_on = lambda call: "slow" if call == 1 else None
    code, response, err = send(cli, proxy, tmp_path, "--timeout", "1")
    assert code == 1
    unknown = response["Entries"][:10]
    assert {e["ErrorCode"] for e in unknown} == {"UnknownOutcome"}
    assert all("EventId" in e for e in response["Entries"][10:])
    assert (
        "did not answer in time; the outcome of the request is unknown, so it was not sent "
        "again" in err
    )
    # the slow call was accepted by the server; it was not sent again
    assert accepted_numbers(proxy) == list(range(1, 26))


def test_a_connection_reset_is_reported_and_not_resent(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.fault_on = lambda call: "reset" if call == 1 else None
    code, response, err = send(cli, proxy, tmp_path)
    assert code == 1
    assert {e["ErrorCode"] for e in response["Entries"][:10]} == {"UnknownOutcome"}
    assert response["FailedEntryCount"] == 10
    assert "broke during the request (Connection reset by peer)" in err  # the OS's reason
    assert len(proxy.calls) == 3  # no second try of the reset call


def test_per_entry_internal_failures_are_retried_once_they_pass(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    failed: set[int] = set()

    def flaky(entry: dict) -> tuple[str, str] | None:
        n = json.loads(entry["Detail"])["n"]
        if n % 7 == 0 and n not in failed:
            failed.add(n)
            return ("InternalFailure", "try again")
        return None

    proxy.fail_entry = flaky
    code, response, _ = send(cli, proxy, tmp_path)
    assert code == 0 and response["FailedEntryCount"] == 0
    assert accepted_numbers(proxy) == list(range(1, 26))


def test_the_server_going_away_mid_send_exits_3_when_nothing_was_accepted(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.stop()
    code, _, err = send(cli, proxy, tmp_path)
    assert code == 3
    assert "Could not connect to" in err


def test_a_bus_that_cannot_be_described_is_sent_to_with_a_warning(
    cli: Run, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.denied = {"DescribeEventBus"}  # credentials that may send to it but not describe it
    code, result, err = send(cli, proxy, tmp_path, "--bus", "orders")
    assert code == 0 and result["FailedEntryCount"] == 0
    assert accepted_numbers(proxy) == list(range(1, 26))
    assert "warning: can't tell whether 'orders' exists:" in err
    assert "Check --profile and --region" in err  # the command line's own options
