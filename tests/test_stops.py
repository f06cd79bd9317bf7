"""Stops stop: Ctrl+C, SIGTERM and SIGHUP end a paced send at once, and a second Ctrl+C ends it
even while a call is in flight. A real `eventcomposer send` process is signalled, sending through
the fault proxy to the local EventBridge, so the test sees exactly which calls went out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy
from helpers import ROOT, write_json

from eventcomposer.core.history import History
from eventcomposer.core.pacing import RateLimiter

ONE_ENTRY = [{"Source": "com.example.stops", "DetailType": "Stop", "Detail": '{"n": 1}'}]


def start_send(
    tmp_path: Path, proxy: FaultProxy, *extra: str, entries: list[dict[str, str]] = ONE_ENTRY
) -> subprocess.Popen[str]:
    path = write_json(tmp_path, entries)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "EVENTCOMPOSER_DATA_DIR": str(tmp_path / "data"),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    argv = ["send", "--entries", f"file://{path}", "--output", "json"]
    argv += ["--endpoint-url", proxy.endpoint_url, "--region", "us-east-1", *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "eventcomposer.cli.main", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def finish(process: subprocess.Popen[str], timeout: float) -> tuple[float, str, str]:
    """(seconds until the process ended, stdout, stderr)."""
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
    return time.monotonic() - started, out, " ".join(err.split())


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_ends_a_paced_send_at_once_and_waiting_calls_are_not_sent(
    stop: str, tmp_path: Path, proxy: FaultProxy
) -> None:
    # 100 events at 2/s in calls of 10, 4 at once: one call goes out (after its 5 s slot), the
    # next three wait in the rate limiter for 5, 10 and 15 s more. They used to count as "in
    # flight", and went out after the stop.
    process = start_send(
        tmp_path, proxy, "--repeat", "100", "--rate", "2", "--concurrency", "4", "--yes"
    )
    wait_for(lambda: len(proxy.forwarded) == 1)
    time.sleep(0.3)  # the next calls are waiting for their turn
    process.send_signal(getattr(signal, stop))
    seconds, out, err = finish(process, timeout=30)
    assert seconds < 4, f"took {seconds:.1f} s to stop"  # its next slot: 4.7 s away
    assert process.returncode == 1, err
    results = json.loads(out)["Entries"]
    assert sum("EventId" in r for r in results) == 10
    assert {r.get("ErrorCode") for r in results[10:]} == {"NotSent"}
    assert "stopped by the user" in err and "Summary" in err
    assert len(proxy.calls) == 1  # nothing went out after the signal
    (record,) = History(tmp_path / "data" / "history.sqlite3").records()
    assert record.failed == 90


def test_sigterm_mid_replay_records_exactly_what_eventbridge_received(
    tmp_path: Path, proxy: FaultProxy, events_client: Any, sqs_client: Any, marker: str
) -> None:
    # A replay to the local EventBridge, 4 calls in flight at once (each answered 0.3 s late,
    # as a slow network would), stopped by SIGTERM (`timeout`, a cancelled CI job): the calls
    # in flight finish, the summary is printed, the rest is NotSent, and the history record
    # holds exactly the EventIds of the events EventBridge delivered.
    # A bus, rule and queue of its own (other tests list the demo buses' rules).
    bus = f"stops-{marker}"
    events_client.create_event_bus(Name=bus)
    queue_url = sqs_client.create_queue(QueueName=f"stops-{marker}")["QueueUrl"]
    queue_arn = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    events_client.put_rule(
        Name=bus, EventBusName=bus, EventPattern=json.dumps({"detail": {"marker": [marker]}})
    )
    events_client.put_targets(
        Rule=bus,
        EventBusName=bus,
        Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
    )
    entries = [
        {
            "Source": "com.example.stops",
            "DetailType": "Stop",
            "EventBusName": bus,
            "Detail": json.dumps({"marker": marker, "n": "{{seq}}"}),
        }
    ]
    proxy.slow_seconds = 0.3
    proxy.fault_on = lambda call: "slow"
    process = start_send(
        tmp_path,
        proxy,
        "--repeat",
        "600",
        "--concurrency",
        "4",
        "--timeout",
        "30",
        "--yes",
        entries=entries,
    )
    wait_for(lambda: len(proxy.calls) >= 12)
    process.send_signal(signal.SIGTERM)
    seconds, out, err = finish(process, timeout=30)
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    assert process.returncode == 1, err
    assert "stopped by the user" in err and "Summary" in err
    (record,) = History(tmp_path / "data" / "history.sqlite3").records()
    accepted = {r["EventId"] for r in record.results if "EventId" in r}
    assert record.total == 600 and len(record.results) == 600
    assert {r.get("ErrorCode") for r in record.results if "EventId" not in r} == {"NotSent"}
    assert len(accepted) == 10 * len(proxy.forwarded)  # every call that went out, answered
    assert record.failed == 600 - len(accepted)
    received: set[str] = set()
    while True:
        messages = sqs_client.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            received.add(json.loads(message["Body"])["id"])
            sqs_client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert received == accepted
    assert json.loads(out)["FailedEntryCount"] == record.failed


def test_a_second_ctrl_c_stops_while_a_call_is_in_flight(tmp_path: Path, proxy: FaultProxy) -> None:
    proxy.slow_seconds = 20
    proxy.fault_on = lambda call: "slow" if call == 1 else None
    process = start_send(tmp_path, proxy, "--repeat", "20", "--timeout", "60")
    wait_for(lambda: len(proxy.calls) == 1)
    process.send_signal(signal.SIGINT)  # the first: waits for the call in flight...
    assert process.stderr is not None
    said = process.stderr.readline()  # (and says so: a second signal is then never merged
    assert said.startswith("stopping: waiting for the 1 call in flight"), said  # with it)
    assert "Ctrl+C again to stop now" in said
    assert process.poll() is None
    process.send_signal(signal.SIGINT)  # ...the second: not any longer
    seconds, out, err = finish(process, timeout=30)
    assert seconds < 8, f"took {seconds:.1f} s to stop"  # the answer: 20 s away
    assert process.returncode == 1, err
    results = json.loads(out)["Entries"]
    assert {r["ErrorCode"] for r in results[:10]} == {"UnknownOutcome"}  # it may be accepted
    assert {r["ErrorCode"] for r in results[10:]} == {"NotSent"}
    assert "stopped by the user before EventBridge answered" in results[0]["ErrorMessage"]
    assert len(proxy.calls) == 1


def test_stopping_the_rate_limiter_wakes_every_waiting_caller() -> None:
    limiter = RateLimiter(0.001)  # 1,000 s per event (even the first waits for its slot)
    answers: list[bool] = []
    waiting = [threading.Thread(target=lambda: answers.append(limiter.acquire(10))) for _ in "abc"]
    for thread in waiting:
        thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    limiter.stop()
    for thread in waiting:
        thread.join(timeout=5)
    assert time.monotonic() - started < 3  # their slots: 1,000 s away
    assert answers == [False, False, False]
    assert not limiter.acquire(1)  # nothing starts after a stop


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), -1.0])
def test_the_rate_limiter_refuses_a_rate_that_is_not_a_rate(rate: float) -> None:
    with pytest.raises(ValueError, match="finite number of events per second"):
        RateLimiter(rate)


def test_ctrl_c_during_an_adaptive_throttled_replay_loses_and_doubles_nothing(
    tmp_path: Path, proxy: FaultProxy
) -> None:
    # Default settings: the calls in flight adapt, the quota throttles some of them, and
    # throttled entries wait in the queue for another try when the signal comes.
    proxy.delay, proxy.quota = 0.03, 300.0
    process = start_send(tmp_path, proxy, "--repeat", "3000", "--yes")
    wait_for(lambda: proxy.throttled_entries >= 20 and proxy.forwarded_entries >= 300)
    process.send_signal(signal.SIGINT)
    seconds, out, err = finish(process, timeout=30)
    assert seconds < 5, f"took {seconds:.1f} s to stop"  # the rest of the send: 9 s
    assert process.returncode == 1, err
    results = json.loads(out)["Entries"]
    assert len(results) == 3000
    accepted = sum("EventId" in r for r in results)
    codes = {r.get("ErrorCode") for r in results if "EventId" not in r}
    assert codes <= {"NotSent", "ThrottlingException"}  # none accepted, so retry-safe
    assert accepted == len(proxy.accepted_ids) == proxy.forwarded_entries  # each once
    assert "stopped by the user" in err and "adaptive" in err
