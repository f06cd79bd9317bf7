"""Replay at scale: --repeat, --rate, --concurrency, the summary, Ctrl+C, and confirmation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import Run

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.history import History
from eventcomposer.core.pacing import RateLimiter
from eventcomposer.paths import history_file

SEQ_PRESET = """\
entries:
  - Source: com.example.replay
    DetailType: Replayed
    Detail:
      n: "{{seq}}"
      id: "{{uuid}}"
"""


def test_repeat_resolves_variables_afresh_each_time(cli: Run, tmp_path: Path) -> None:
    preset = tmp_path / "seq.yaml"
    preset.write_text(SEQ_PRESET)
    code, out, err = cli(
        "send", str(preset), "--repeat", "25", "--concurrency", "3", "--output", "json"
    )
    assert code == 0, err
    assert len(json.loads(out)["Entries"]) == 25
    assert "Summary" in err and "sent      25 of 25 in 3 call(s)" in err
    assert "accepted  25 of 25" in err
    assert "p50" in err and "p95" in err
    (record,) = History(history_file()).records()
    details = [json.loads(e["Detail"]) for e in record.entries]
    assert [d["n"] for d in details] == list(range(1, 26))
    assert len({d["id"] for d in details}) == 25


def test_rate_paces_the_calls(cli: Run, tmp_path: Path) -> None:
    preset = tmp_path / "seq.yaml"
    preset.write_text(SEQ_PRESET)
    code, _, err = cli("send", str(preset), "--repeat", "30", "--rate", "100")
    assert code == 0, err
    assert "sent      30 of 30 in 3 call(s)" in err


def test_rate_limiter_schedule() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(200, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire(10)
        now[0] += 0.004  # the call itself takes 4 ms: no drift from it
    assert sleeps == [0.05, 0.046, 0.046, 0.046]
    unlimited = RateLimiter(0, clock=lambda: 0.0, sleep=sleep)
    unlimited.acquire(1000)
    assert len(sleeps) == 4


def test_bad_replay_options(cli: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preset = tmp_path / "seq.yaml"
    preset.write_text(SEQ_PRESET)
    for option, value in (("--repeat", "0"), ("--rate", "-1")):  # usage errors: argparse's exit
        with pytest.raises(SystemExit) as info:
            cli("send", str(preset), option, value)
        assert info.value.code == 2
    assert "--rate: must be 0 (unlimited)" in capsys.readouterr().err


def test_more_than_100_events_to_a_real_endpoint_asks_first(cli: Run, tmp_path: Path) -> None:
    preset = tmp_path / "seq.yaml"
    preset.write_text(SEQ_PRESET)
    code, out, err = cli(
        "send", str(preset), "--repeat", "101", "--region", "eu-west-1", endpoint=False
    )
    assert code == 2 and out == ""
    assert (
        "refusing to send 101 events to AWS (profile default, region eu-west-1) "
        "without confirmation: pass --yes" in " ".join(err.split())
    )
    code, _, err = cli(
        "send",
        str(preset),
        "--repeat",
        "101",
        "--region",
        "eu-west-1",
        "--yes",
        "--endpoint-url",
        "http://127.0.0.1:9",
        endpoint=False,
    )
    assert code == 3  # confirmed, then the endpoint refused the connection


def test_ctrl_c_stops_cleanly_and_prints_the_summary(
    tmp_path: Path,
    local_settings: AwsSettings,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    # Events the demo rule paid-signups delivers to its queue: the test interrupts only once
    # the first one has arrived, so it never depends on how fast the process starts.
    preset = tmp_path / "signups.yaml"
    preset.write_text(
        "entries:\n"
        "  - Source: com.example.users\n"
        "    DetailType: User Signed Up\n"
        "    Detail:\n"
        f"      plan: pro\n      marker: {marker}\n      n: '{{{{seq}}}}'\n"
    )
    env = {
        **os.environ,
        "EVENTCOMPOSER_DATA_DIR": str(tmp_path / "data"),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eventcomposer.cli.main",
            "send",
            str(preset),
            "--endpoint-url",
            local_settings.endpoint_url or "",
            "--region",
            "us-east-1",
            "--repeat",
            "3000",
            "--rate",
            "200",
            "--output",
            "json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert delivered("demo-default-paid-signups", marker, timeout=60), "nothing was sent"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1, err
    response = json.loads(out)
    results = response["Entries"]
    assert len(results) == 3000
    accepted = [r for r in results if "EventId" in r]
    assert accepted and response["FailedEntryCount"] == 3000 - len(accepted)
    assert {r["ErrorCode"] for r in results if "ErrorCode" in r} == {"NotSent"}
    assert "stopped by the user" in err and "Summary" in err
    (record,) = History(tmp_path / "data" / "history.sqlite3").records()
    assert record.failed == 3000 - len(accepted)


def test_a_later_round_that_is_invalid_stops_the_replay_after_what_was_sent(
    cli: Run, tmp_path: Path
) -> None:
    # Resources of 2048 characters hold {{seq}} up to 999: round 1000 is invalid.
    preset = tmp_path / "long.yaml"
    preset.write_text(
        "entries:\n  - Source: com.example.test\n    DetailType: t\n"
        f"    Resources: ['{'x' * 2045}{{{{seq}}}}']\n"
    )
    code, out, err = cli("send", str(preset), "--repeat", "1001", "--output", "json")
    assert code == 2
    assert "(repeat 1000), Resources" in " ".join(err.split())
    results = json.loads(out)["Entries"]
    assert len(results) == 1001
    assert sum(1 for r in results if "EventId" in r) == 500  # the first chunk went out
    assert {r["ErrorCode"] for r in results[500:]} == {"NotSent"}
    (record,) = History(history_file()).records()
    assert record.total == 1001


def test_dry_run_of_a_huge_repeat_is_refused_at_once(cli: Run, tmp_path: Path) -> None:
    preset = tmp_path / "one.yaml"
    preset.write_text("entries:\n  - Source: com.example.test\n    DetailType: t\n")
    # the most --repeat takes (more is a usage error), ten times what a dry run lists
    code, _, err = cli("send", str(preset), "--repeat", "1000000", "--dry-run")
    assert code == 2 and "--dry-run lists at most" in err
