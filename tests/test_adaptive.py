"""Adaptive concurrency: replays find the account's quota by themselves, and nothing is lost or
doubled on the way. Replays go through the latency-and-quota proxy (tests/faultproxy.py) to the
local EventBridge, which counts every event forwarded and accepted by the number in its Detail.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from faultproxy import FaultProxy
from helpers import Run

from eventcomposer.aws.send import RetryPolicy
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.core.history import History
from eventcomposer.core.pacing import AdaptiveConcurrency
from eventcomposer.sending import Plan, SendService

SEQ_PRESET = """\
entries:
  - Source: com.example.adaptive
    DetailType: Replayed
    Detail:
      n: "{{seq}}"
"""


def number(entry: dict[str, Any]) -> Any:
    return json.loads(entry["Detail"]).get("n")


def quota_proxy(settings: AwsSettings, **options: Any) -> FaultProxy:
    proxy = FaultProxy(settings.endpoint_url or "", lifetime=120, **options)
    proxy.marker = number
    return proxy


def preset(tmp_path: Path) -> Path:
    path = tmp_path / "seq.yaml"
    path.write_text(SEQ_PRESET)
    return path


def assert_exactly_once(proxy: FaultProxy, count: int) -> None:
    once = Counter(range(1, count + 1))
    assert proxy.accepted_markers == once  # every event accepted, none twice
    assert proxy.forwarded_markers == once  # and none forwarded again after it was accepted
    assert len(proxy.accepted_ids) == len(set(proxy.accepted_ids)) == count


# -- the controller ---------------------------------------------------------------------------


def test_it_doubles_per_round_trip_until_congestion_then_grows_by_one() -> None:
    control = AdaptiveConcurrency(start=1, maximum=64)
    for _ in range(7):  # 1 + 7 calls that went through quickly
        control.succeeded(control.started(), 0.05)
    assert control.limit == 8
    control.congested(control.started())
    assert control.limit == 5  # 8 x 0.7
    for _ in range(5):  # one window's worth of calls: one more call in flight
        control.succeeded(control.started(), 0.05)
    assert control.limit == 6
    assert control.peak == 8 and control.decreases == 1


def test_throttling_of_calls_sent_before_a_decrease_does_not_decrease_again() -> None:
    control = AdaptiveConcurrency(start=16, maximum=64)
    tickets = [control.started() for _ in range(16)]  # a whole window in flight
    for ticket in tickets:  # every one of them throttled: one decrease, not sixteen
        control.congested(ticket)
    assert control.limit == 11 and control.decreases == 1
    control.congested(control.started())  # sent after the decrease, still throttled
    assert control.limit == 7 and control.decreases == 2
    control.congested(control.started(), partly=True)  # some entries accepted: a smaller step
    assert control.limit == 6 and control.decreases == 3


def test_slow_calls_shrink_it_and_it_stays_within_bounds() -> None:
    control = AdaptiveConcurrency(start=4, maximum=6)
    control.succeeded(control.started(), 0.04)
    for _ in range(10):
        control.succeeded(control.started(), 0.04)
    assert control.limit == 6  # the maximum
    for _ in range(30):  # queueing at the endpoint: 3x the fastest call
        control.succeeded(control.started(), 0.12)
    assert 1 <= control.limit < 6
    for _ in range(20):
        control.congested(control.started())
        control.started()
    assert control.limit == 1  # never below one call
    assert control.settled() >= 1


# -- replays through the latency-and-quota proxy ------------------------------------------------


def test_a_throttled_replay_with_5xx_ends_with_every_event_accepted_exactly_once(
    cli: Run, tmp_path: Path, local_settings: AwsSettings
) -> None:
    events = 1500  # more than one chunk of the send service (1,000 entries while adapting)
    # Each entry meets at most one failure that is not throttling (3 would fail it: the bounded
    # retry doing its job, not a loss): a per-entry InternalFailure for every 37th the first
    # time, and a whole call refused with a 500 about every 40 calls (one none of whose entries
    # failed).
    hurt: set[Any] = set()

    def internal_failure_once(entry: dict[str, Any]) -> tuple[str, str] | None:
        n = number(entry)
        if n % 37 == 0 and n not in hurt:
            hurt.add(n)
            return ("InternalFailure", "injected internal failure")
        return None

    refused: list[int] = []

    def http500_now_and_then(call: int) -> str | None:
        # The first call from the 40th, 80th... on whose entries have met no failure yet
        # (at least 150 calls: at least three refused, whatever the throttling does).
        numbers = [number(e) for e in proxy.calls[call - 1]]
        if call < 40 * (len(refused) + 1) or any(n in hurt for n in numbers):
            return None
        hurt.update(numbers)
        refused.append(call)
        return "http500"

    with quota_proxy(local_settings, delay=0.02, quota=800) as proxy:
        proxy.fail_entry = internal_failure_once
        proxy.fault_on = http500_now_and_then
        code, out, err = cli(
            "send", str(preset(tmp_path)), "--repeat", str(events), "--output", "json",
            endpoint=proxy.endpoint_url,
        )  # fmt: skip
    assert code == 0, err
    results = json.loads(out)
    assert results["FailedEntryCount"] == 0 and len(results["Entries"]) == events
    assert proxy.throttled_entries > 0  # the quota was met...
    assert proxy.max_in_flight > 1  # ...by more than one call at a time
    assert len(refused) >= 3 and sum(1 for n in hurt if n % 37 == 0) >= events // 37 - 5
    assert_exactly_once(proxy, events)
    summary = " ".join(err.split())
    assert f"sent {events:,} of {events:,}" in summary
    assert f"accepted {events:,} of {events:,}" in summary
    assert "retried" in summary and "after throttling" in summary
    assert "adaptive: settled at" in summary


def test_accepted_and_unknown_outcome_entries_are_never_resent_while_adapting(
    cli: Run, tmp_path: Path, local_settings: AwsSettings
) -> None:
    events = 200
    with quota_proxy(local_settings, delay=0.01) as proxy:
        proxy.slow_seconds = 2.0  # past the 1 s timeout: forwarded (accepted), answered late
        proxy.fault_on = lambda call: "slow" if call == 3 else None
        code, out, err = cli(
            "send", str(preset(tmp_path)), "--repeat", str(events), "--output", "json",
            "--timeout", "1", endpoint=proxy.endpoint_url,
        )  # fmt: skip
    assert code == 1, err
    results = json.loads(out)["Entries"]
    unknown = [i + 1 for i, r in enumerate(results) if r.get("ErrorCode") == "UnknownOutcome"]
    assert len(unknown) == 10
    assert all("EventId" in r for r in results if r.get("ErrorCode") != "UnknownOutcome")
    # The timed-out call's entries were accepted by the local EventBridge and never sent again.
    assert proxy.accepted_markers == Counter(range(1, events + 1))
    assert proxy.forwarded_markers == Counter(range(1, events + 1))
    assert "UnknownOutcome 10" in " ".join(err.split())
    assert proxy.max_in_flight > 1


def test_small_sends_explicit_concurrency_1_and_the_tui_stay_sequential_and_in_order(
    cli: Run, tmp_path: Path, local_settings: AwsSettings
) -> None:
    with quota_proxy(local_settings, delay=0.01) as proxy:
        code, _, err = cli(
            "send", str(preset(tmp_path)), "--repeat", "10", endpoint=proxy.endpoint_url
        )
        assert code == 0, err
        assert len(proxy.calls) == 1 and proxy.max_in_flight == 1  # one call: not adapted

    with quota_proxy(local_settings, delay=0.01) as proxy:
        code, _, err = cli(
            "send", str(preset(tmp_path)), "--repeat", "60", "--concurrency", "1",
            endpoint=proxy.endpoint_url,
        )  # fmt: skip
        assert code == 0, err
        assert proxy.max_in_flight == 1
        assert [number(e) for call in proxy.forwarded for e in call] == list(range(1, 61))
        assert "adaptive" not in err

    # The TUI sends with SendService.send's defaults: one call at a time, in order.
    with quota_proxy(local_settings, delay=0.01) as proxy:
        service = SendService(
            replace(local_settings, endpoint_url=proxy.endpoint_url),
            history=History(tmp_path / "history.sqlite3"),
            origin="tui",
        )
        entry = Entry(source="com.example.adaptive", detail_type="t", detail='{"n": "{{seq}}"}')
        result = service.send(Plan([entry], repeat=40))
        assert result.report is not None and result.report.failed_count == 0
        assert proxy.max_in_flight == 1
        assert [number(e) for call in proxy.forwarded for e in call] == list(range(1, 41))


def test_the_default_adapts_upwards_and_rate_caps_it(
    cli: Run, tmp_path: Path, local_settings: AwsSettings
) -> None:
    with quota_proxy(local_settings, delay=0.05) as proxy:  # no quota: latency is the limit
        code, _, err = cli(
            "send", str(preset(tmp_path)), "--repeat", "300", endpoint=proxy.endpoint_url
        )
        assert code == 0, err
        assert proxy.max_in_flight >= 4
        assert_exactly_once(proxy, 300)

    with quota_proxy(local_settings, delay=0.05) as proxy:
        code, _, err = cli(
            "send", str(preset(tmp_path)), "--repeat", "100", "--rate", "200",
            endpoint=proxy.endpoint_url,
        )  # fmt: skip
        assert code == 0, err
        assert proxy.throttled_entries == 0
        # The cap holds (unpaced: > 600); a loaded machine may well send slower than asked.
        assert 60 <= proxy.request_rate() <= 240
        settled = re.search(r"settled at (\d+) in flight \(peak (\d+)", err)
        # What the rate needs (about one call in flight at 50 ms a call, a few more when a
        # loaded machine delays one), not the 64 that would queue up in the rate limiter.
        assert settled and int(settled.group(2)) <= 8
        assert_exactly_once(proxy, 100)


def test_throttled_entries_that_run_out_of_attempts_fail_as_throttled(
    local_settings: AwsSettings, tmp_path: Path
) -> None:
    with quota_proxy(local_settings, quota=0.001) as proxy:  # nothing ever gets through
        service = SendService(
            replace(local_settings, endpoint_url=proxy.endpoint_url),
            history=History(tmp_path / "history.sqlite3"),
            retry=RetryPolicy(base_delay=0.001, max_throttled_attempts=4),
        )
        entry = Entry(source="com.example.adaptive", detail_type="t", detail='{"n": "{{seq}}"}')
        result = service.send(Plan([entry], repeat=30), concurrency=None)
    report = result.report
    assert report is not None and report.adaptive
    assert {o.error_code for o in report.outcomes} == {"ThrottlingException"}
    assert all(o.attempts == 4 and o.retry_safe for o in report.outcomes)
    assert report.retried == report.retried_throttled == 30 * 3
    assert proxy.forwarded_entries == 0


def test_attempts_spent_on_throttling_do_not_use_up_those_for_5xx(
    local_settings: AwsSettings,
) -> None:
    from eventcomposer.aws.client import client
    from eventcomposer.aws.send import Sender

    seen: Counter[Any] = Counter()

    def throttled_then_failed(entry: dict[str, Any]) -> tuple[str, str] | None:
        n = number(entry)
        seen[n] += 1
        if seen[n] <= 5:  # five throttles, then two InternalFailures, then accepted
            return ("ThrottlingException", "Rate exceeded")
        if seen[n] <= 7:
            return ("InternalFailure", "injected")
        return None

    with quota_proxy(local_settings) as proxy:
        proxy.fail_entry = throttled_then_failed
        settings = replace(local_settings, endpoint_url=proxy.endpoint_url)
        sender = Sender(
            client(settings, retries=False),
            retry=RetryPolicy(base_delay=0.001),
            concurrency=None,
        )
        batch = [
            Entry(source="com.example.adaptive", detail_type="t", detail=json.dumps({"n": i}))
            for i in range(1, 26)
        ]
        report = sender.send(batch)
    assert report.failed_count == 0
    assert all(o.attempts == 8 for o in report.outcomes)
    assert report.retried == 25 * 7 and report.retried_throttled == 25 * 5
    assert_exactly_once(proxy, 25)
