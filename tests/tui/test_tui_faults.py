"""The composer under faults injected between boto3 and the local EventBridge: it stays up, says
what happened in words, keeps failed entries for F8, never resends an accepted entry, and never
resends one whose outcome is unknown (it may have been accepted)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy
from textual.widgets import Static
from tui_helpers import ready, send_and_wait, settle, told, wait_for

from eventcomposer.aws.send import RetryPolicy
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp

SIZE = (120, 40)
RETRY = RetryPolicy(max_attempts=3, base_delay=0)


def number(entry: dict[str, Any]) -> int:
    return int(json.loads(entry["Detail"])["n"])


def numbers(calls: list[list[dict[str, Any]]]) -> list[int]:
    """The entries' numbers in these calls, sorted (an entry twice = sent twice)."""
    return sorted(number(e) for call in calls for e in call)


def status(app: EventComposerApp) -> str:
    return " ".join(str(app.query_one("#status", Static).content).split())


def summary(app: EventComposerApp) -> str:
    return " ".join(str(app.query_one("#results-summary", Static).content).split())


def rows(app: EventComposerApp) -> list[list[str]]:
    table = app.results.table
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def compose_three(app: EventComposerApp, pilot: Any) -> None:
    """Entries 1, 2 and 3 (their Detail says which), set directly: typing is tested elsewhere."""
    await ready(pilot)
    for n in (1, 2, 3):
        if n > 1:
            await app.batch_action("add")
        app.form.field("source").input.value = "com.example.faults"
        app.form.field("detail-type").input.value = "Fault"
        app.editor.load_text(json.dumps({"n": n}))
        await settle(pilot)


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        ("http500", "InternalException", "injected internal error"),
        ("throttle", "ThrottlingException", "Rate exceeded"),
    ],
)
async def test_persistent_500s_or_throttling_keep_failed_entries_for_f8(
    local_settings: AwsSettings,
    presets_dir: Path,
    proxy: FaultProxy,
    fault: str,
    code: str,
    words: str,
) -> None:
    failing = {2}
    proxy.fail_entry = lambda e: (
        ("InternalFailure", "injected failure") if number(e) in failing else None
    )
    settings = replace(local_settings, endpoint_url=proxy.endpoint_url)
    app = EventComposerApp(settings, presets_dir, retry=RETRY)
    async with app.run_test(size=SIZE) as pilot:
        await compose_three(app, pilot)
        first = await send_and_wait(app, pilot, "f5")
        assert [o.ok for o in first.outcomes] == [True, False, True]
        assert numbers(proxy.forwarded) == [1, 3]
        ids = [o.event_id for o in first.outcomes]

        # Now every call fails as a whole: F8 resends entry 2 only, which fails again.
        proxy.fault_on = lambda call: fault
        calls_before = len(proxy.calls)
        second = await send_and_wait(app, pilot, "f8")
        assert app.is_running
        new_calls = proxy.calls[calls_before:]
        assert len(new_calls) == RETRY.max_attempts  # retried with backoff, then given up
        assert numbers(new_calls) == [2] * RETRY.max_attempts
        assert [o.ok for o in second.outcomes] == [True, False, True]
        assert [o.event_id for o in second.outcomes][::2] == ids[::2]
        row = rows(app)[1]
        assert row[:4] == ["2", "com.example.faults", "Fault", code]
        assert words in row[4]
        assert words in summary(app)
        assert "1 of 3 entries failed. F8 retries them." in status(app)
        assert numbers(proxy.forwarded) == [1, 3]  # nothing got through

        # The fault is gone: F8 once more, and every entry was accepted exactly once.
        proxy.fault_on = None
        failing.clear()
        third = await send_and_wait(app, pilot, "f8")
        assert third.failed_count == 0
        assert [o.event_id for o in third.outcomes][::2] == ids[::2]
        assert numbers(proxy.forwarded) == [1, 2, 3]
        assert "All 3 entries accepted." in status(app)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("slow", "did not answer in time; the outcome of the request is unknown"),
        ("reset", "broke during the request"),
    ],
)
async def test_an_unknown_outcome_is_never_resent_by_f8(
    local_settings: AwsSettings,
    presets_dir: Path,
    proxy: FaultProxy,
    fault: str,
    words: str,
) -> None:
    """Entry 1 is accepted; entry 2 fails with InternalFailure, and its retry hits the fault
    (an answer past the 1 s timeout, or a reset connection): its outcome is unknown; entry 3
    is refused for good (InvalidArgument). F8 resends only entry 3."""
    retried_once: set[int] = set()

    def rule(entry: dict[str, Any]) -> tuple[str, str] | None:
        n = number(entry)
        if n == 2 and n not in retried_once:
            retried_once.add(n)
            return ("InternalFailure", "injected failure")
        if n == 3 and refusing:
            return ("InvalidArgument", "injected refusal")
        return None

    refusing = True
    proxy.fail_entry = rule
    proxy.fault_on = lambda call: fault if call == 2 else None
    settings = replace(local_settings, endpoint_url=proxy.endpoint_url, read_timeout=1.0)
    app = EventComposerApp(settings, presets_dir, retry=RETRY)
    async with app.run_test(size=SIZE) as pilot:
        await compose_three(app, pilot)
        first = await send_and_wait(app, pilot, "f5")
        assert app.is_running
        assert [o.error_code for o in first.outcomes] == [None, "UnknownOutcome", "InvalidArgument"]
        assert len(proxy.calls) == 2  # the faulty call was not retried
        unknown = rows(app)[1]
        assert unknown[3] == "UnknownOutcome" and words in unknown[4]
        assert words in summary(app)
        assert (
            "2 of 3 entries failed. F8 retries 1 of them. 1 entry has an unknown outcome (the "
            "request timed out or the connection broke, so AWS may have accepted it) and is not "
            "resent." in status(app)
        )

        refusing = False
        second = await send_and_wait(app, pilot, "f8")
        assert numbers(proxy.calls[2:]) == [3]  # entry 2 left out, entry 1 never resent
        assert [o.error_code for o in second.outcomes] == [None, "UnknownOutcome", None]
        assert second.outcomes[0].event_id == first.outcomes[0].event_id
        assert "1 of 3 entries failed." in status(app)
        assert "1 entry has an unknown outcome" in status(app)
        assert "F8 retries" not in status(app)

        # F8 again: nothing is safe to resend, and the status line says why.
        calls = len(proxy.calls)
        await pilot.press("f8")
        await settle(pilot)
        assert len(proxy.calls) == calls
        assert status(app).startswith("Nothing resent: 1 entry has an unknown outcome")
        # Accepted exactly once: 1 and 3, and 2 too if the slow call reached the service.
        assert numbers(proxy.forwarded) == ([1, 2, 3] if fault == "slow" else [1, 3])


async def test_a_bus_that_cannot_be_described_is_noted_in_the_composers_terms(
    local_settings: AwsSettings, presets_dir: Path, proxy: FaultProxy
) -> None:
    proxy.denied = {"DescribeEventBus"}  # credentials that may send to it but not describe it
    settings = replace(local_settings, endpoint_url=proxy.endpoint_url)
    app = EventComposerApp(settings, presets_dir, retry=RETRY)
    async with app.run_test(size=SIZE) as pilot:
        await compose_three(app, pilot)
        app.state.set_bus("orders")  # a demo bus (the default bus is never checked)
        await app.show_state()
        report = await send_and_wait(app, pilot, "f5")
        assert [o.ok for o in report.outcomes] == [True, True, True]
        await wait_for(pilot, lambda: any("can't tell" in m for m, _ in told(app)))
        note = next(m for m, _ in told(app) if "can't tell" in m)
        assert "can't tell whether 'orders' exists" in note and "access denied" in note
        assert "--profile" not in note and "--region" not in note
