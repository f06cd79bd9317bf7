"""The one send service: where a send went and where its resend goes, the rule context,
no value from the environment on disk, and a long replay built lazily."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from helpers import Run, write_json

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.core.history import History, new_record
from eventcomposer.paths import history_file
from eventcomposer.sending import (
    Plan,
    SendService,
    merge_reports,
    plan_resend,
    plan_retry,
    resend_settings,
    rule_context,
)

REFUSING = "http://127.0.0.1:9"  # nothing listens there: connections are refused


def entries_file(tmp_path: Path, marker: str, **detail: Any) -> Path:
    entry = {
        "Source": "com.example.users",
        "DetailType": "User Signed Up",
        "Detail": json.dumps({"plan": "pro", "marker": marker, **detail}),
    }
    return write_json(tmp_path, [entry], f"{marker}.json")


# -- where a resend goes ----------------------------------------------------------------------


def test_resend_goes_to_the_recorded_endpoint_not_the_environment(
    cli: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    local_settings: AwsSettings,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    code, _, err = cli("send", "--entries", f"file://{entries_file(tmp_path, marker)}")
    assert code == 0, err
    (sent,) = History(history_file()).records()
    assert sent.endpoint == local_settings.endpoint_url and sent.region == "us-east-1"
    assert delivered("demo-default-paid-signups", marker)
    # The environment now points elsewhere, and names no region.
    monkeypatch.setenv("AWS_ENDPOINT_URL", REFUSING)
    code, _, err = cli("history", "resend", sent.id, "--output", "json", endpoint=False)
    assert code == 0, err
    assert f"resending 1 entry of {sent.id} to {local_settings.endpoint_url} (region us-east-1" in (
        " ".join(err.split())
    )
    assert delivered("demo-default-paid-signups", marker)
    newest = History(history_file()).records()[0]
    assert newest.endpoint == local_settings.endpoint_url and newest.labels == [
        f"resend of {sent.id}"
    ]
    # --endpoint-url says otherwise: it goes there (and says so first).
    code, _, err = cli("history", "resend", sent.id, "--endpoint-url", REFUSING, endpoint=False)
    assert code == 3 and f"to {REFUSING}" in " ".join(err.split())


def test_an_endpoint_from_the_profile_is_recorded_and_resent_to(
    cli: Run, tmp_path: Path, local_settings: AwsSettings, marker: str
) -> None:
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        f"[profile dev]\nregion = us-east-1\nendpoint_url = {local_settings.endpoint_url}\n"
    )
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[dev]\naws_access_key_id = local\naws_secret_access_key = local\n"
    )
    path = entries_file(tmp_path, marker)
    code, _, err = cli("send", "--entries", f"file://{path}", "--profile", "dev", endpoint=False)
    assert code == 0, err
    (sent,) = History(history_file()).records()
    assert (sent.endpoint, sent.profile) == (local_settings.endpoint_url, "dev")  # not "AWS"
    code, _, err = cli("history", "resend", sent.id, endpoint=False)
    assert code == 0, err
    assert "profile dev" in " ".join(err.split())


def _record(**changes: Any) -> Any:
    values: dict[str, Any] = {
        "origin": "cli",
        "endpoint": "https://events.eu-west-1.amazonaws.com",
        "region": "eu-west-1",
        "profile": "prod",
        "entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}],
        "results": [{"EventId": "1"}],
    }
    return new_record(**{**values, **changes})


def test_resend_settings_keep_what_the_options_do_not_change() -> None:
    aws = _record()
    assert resend_settings(aws, AwsSettings()) == AwsSettings(
        profile="prod", region="eu-west-1", endpoint_url="https://events.eu-west-1.amazonaws.com"
    )
    moved = resend_settings(aws, AwsSettings(region="us-east-1"))
    assert (moved.region, moved.endpoint_url, moved.profile) == ("us-east-1", None, "prod")
    assert resend_settings(aws, AwsSettings(profile="dev")).profile == "dev"
    assert resend_settings(aws, AwsSettings(local=True)).local
    local = _record(
        endpoint="http://127.0.0.1:4567", region="us-east-1", profile="local", local=True
    )
    assert resend_settings(local, AwsSettings()).local  # a new embedded EventBridge
    elsewhere = resend_settings(local, AwsSettings(endpoint_url="http://127.0.0.1:4010"))
    assert (elsewhere.local, elsewhere.endpoint_url) == (False, "http://127.0.0.1:4010")
    old = _record(endpoint="AWS", region="(from profile)", profile="default")  # an old record
    assert resend_settings(old, AwsSettings()) == AwsSettings()
    global_endpoint = _record(endpoint_id="abcde.veo")
    assert plan_resend(global_endpoint).plan.endpoint_id == "abcde.veo"  # type: ignore[union-attr]


def test_failed_only_when_every_failure_has_an_unknown_outcome(cli: Run) -> None:
    record = _record(
        results=[{"ErrorCode": "UnknownOutcome", "ErrorMessage": "read timeout"}],
    )
    History(history_file()).append(record)
    code, out, err = cli("history", "resend", record.id, "--failed-only")
    assert code == 0
    assert "no entry of" in out and "failed for certain" in out and "was accepted" not in out
    assert "unknown outcome" in " ".join(err.split())
    plan = plan_resend(record, failed_only=True)
    assert plan.plan is None


# -- no value from the environment on disk ----------------------------------------------------

ENV_SECRET = "env-secret-3f9c1d7e-never-on-disk"
KEY_ID = "AKIAPROFILEKEYNEVERONDISK"
SECRET_KEY = "profile/secret+key/never/on/disk/0123456789"
SESSION_TOKEN = "IQoJprofileSESSIONtokenNEVERonDISK"


def test_no_secret_is_written_anywhere_and_resend_resolves_again(
    cli: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    monkeypatch.setenv("EC_TEST_TOKEN", ENV_SECRET)
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[ci]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET_KEY}\n"
        f"aws_session_token = {SESSION_TOKEN}\n"
    )
    preset = tmp_path / "signup.yaml"
    preset.write_text(
        "name: Signup with a token\n"
        "entries:\n"
        "  - Source: com.example.users\n"
        "    DetailType: User Signed Up\n"
        "    Resources: ['arn:aws:x:::token/{{env.EC_TEST_TOKEN}}']\n"
        "    Detail:\n"
        f"      plan: pro\n      marker: {marker}\n"
        '      token: "{{env.EC_TEST_TOKEN}}"\n'
        '      quoted: "a \\"{{env.EC_TEST_TOKEN}}\\" b"\n'
    )
    code, _, err = cli("send", str(preset), "--profile", "ci")
    assert code == 0, err
    (event,) = delivered("demo-default-paid-signups", marker)
    assert event["detail"]["token"] == ENV_SECRET  # sent resolved
    (sent,) = History(history_file()).records()
    assert sent.entries[0]["Detail"].count("<env.EC_TEST_TOKEN>") == 2
    assert sent.entries[0]["Resources"] == ["arn:aws:x:::token/<env.EC_TEST_TOKEN>"]
    assert "{{env.EC_TEST_TOKEN}}" in json.dumps(sent.written)
    code, out, _ = cli("history", "show", sent.id, endpoint=False)
    assert ENV_SECRET not in out and "<env.EC_TEST_TOKEN>" in out
    code, _, err = cli("history", "resend", sent.id, "--profile", "ci")
    assert code == 0, err
    (again,) = delivered("demo-default-paid-signups", marker)
    assert again["detail"]["token"] == ENV_SECRET  # resolved again from the environment
    inputs = {preset, Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])}
    written = [
        p
        for root in (
            tmp_path,
            Path(os.environ["XDG_DATA_HOME"]),
            Path(os.environ["XDG_STATE_HOME"]),
        )
        for p in root.rglob("*")
        if p.is_file() and p not in inputs
    ]
    assert any(p.name == "history.sqlite3" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in (ENV_SECRET, KEY_ID, SECRET_KEY, SESSION_TOKEN):
            assert secret.encode() not in data, f"{secret[:8]}… written to {path}"


# -- the rule context -------------------------------------------------------------------------


def test_rule_context_from_the_bus_arn_and_the_client(events_client: Any) -> None:
    assert rule_context(events_client, "orders") == rule_context(events_client, None)
    context = rule_context(events_client, "orders")
    assert (context.account, context.region) == ("123456789012", "us-east-1")
    other = rule_context(events_client, "arn:aws:events:eu-west-1:111122223333:event-bus/x")
    assert (other.account, other.region) == ("111122223333", "eu-west-1")  # no call needed


def test_the_rules_command_matches_rules_on_account_and_region(
    cli: Run, tmp_path: Path, events_client: Any, marker: str
) -> None:
    bus = f"ctx-{marker}"
    events_client.create_event_bus(Name=bus)
    events_client.put_rule(
        Name="on-account",
        EventBusName=bus,
        EventPattern=json.dumps({"account": ["123456789012"], "region": ["us-east-1"]}),
    )
    preset = tmp_path / "p.yaml"
    preset.write_text(f"bus: {bus}\nentries:\n  - Source: com.example.users\n    DetailType: t\n")
    code, out, err = cli("rules", str(preset))
    assert code == 0, err
    assert "1 of 1 rule(s) match" in " ".join(out.split())


# -- the service, as the TUI calls it ---------------------------------------------------------


def test_the_service_sends_records_and_merges_a_retry(local_settings: AwsSettings) -> None:
    service = SendService(local_settings, origin="tui")
    entries = [
        Entry(source="com.example.orders", detail_type="Order Placed", detail='{"n": 1}'),
        Entry(source="com.example.orders", detail_type="Order Placed", detail='{"n": 2}'),
    ]
    progress: list[tuple[int, int]] = []
    result = service.send(
        Plan(entries, bus="orders", labels=["my batch"]),
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert result.refused is None and result.report is not None
    assert result.report.failed_count == 0 and progress[-1] == (2, 2)
    record = History(history_file()).get(result.record_id or "")
    assert record.origin == "tui" and record.labels == ["my batch"]
    assert record.buses == ["orders"] and record.endpoint == local_settings.endpoint_url
    assert (
        str(result.destination)
        == "the local EventBridge (embedded) (region us-east-1, profile local)"
    )
    retry = service.send(Plan(entries[1:], bus="orders", numbers=[2]))
    merged = merge_reports(result.report, retry.report)  # type: ignore[arg-type]
    assert [o.number for o in merged.outcomes] == [1, 2]
    assert merged.outcomes[1].event_id == retry.report.outcomes[0].event_id  # type: ignore[union-attr]
    missing = service.send(Plan(entries, bus=f"no-such-bus-{time.time_ns()}"))
    assert missing.refused and "does not exist" in missing.refused and missing.report is None


# -- a long replay is built lazily ------------------------------------------------------------


def test_repeat_is_lazy_and_confirmed_before_any_work(cli: Run, tmp_path: Path) -> None:
    plan = Plan([Entry(source="s", detail_type="d", detail='{"n": "{{seq}}"}')], repeat=10**12)
    assert plan.count == 10**12
    assert [o.resolved.detail for o in islice(plan.outgoing(), 3)] == [
        '{"n": 1}',
        '{"n": 2}',
        '{"n": 3}',
    ]
    path = entries_file(tmp_path, "lazy")
    started = time.perf_counter()
    code, _, err = cli(
        "send",
        "--entries",
        f"file://{path}",
        "--repeat",
        "1000000",  # the most --repeat takes; more is a usage error
        "--region",
        "eu-west-1",
        endpoint=False,
    )
    assert code == 2 and "without confirmation" in err
    assert time.perf_counter() - started < 5


def test_the_service_loads_without_boto3_or_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, eventcomposer.sending, eventcomposer.core.history\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'textual'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_plan_retry_resends_only_the_failed_known_not_accepted() -> None:
    from eventcomposer.aws.send import EntryOutcome, SendReport

    written = [Entry(source="s", detail_type="d", detail='{"id": "{{uuid}}"}') for _ in range(3)]
    plan = Plan(written, bus="orders", labels=["batch"])
    sent = [o.resolved for o in plan.outgoing()]
    report = SendReport(
        [
            EntryOutcome(1, sent[0], event_id="e1"),
            EntryOutcome(2, sent[1], error_code="ThrottlingException", error_message="slow"),
            EntryOutcome(3, sent[2], error_code="UnknownOutcome", error_message="timeout"),
        ]
    )
    retry = plan_retry(plan, report)
    assert retry.plan is not None and retry.plan.numbers == [2]
    assert retry.plan.written[0].detail == '{"id": "{{uuid}}"}'  # resolved again when sent
    assert retry.plan.written[0].event_bus_name == "orders"
    assert "unknown outcome" in retry.notes[0]
    report.outcomes[1] = EntryOutcome(2, sent[1], event_id="e2")
    nothing = plan_retry(plan, report)
    assert nothing.plan is None and nothing.nothing == "no entry failed for certain"


def test_an_oversized_send_is_a_warning_of_the_send(
    local_settings: AwsSettings, tmp_path: Path
) -> None:
    history = History(tmp_path / "history.sqlite3", max_bytes=8_000)
    service = SendService(local_settings, history=history)
    detail = json.dumps({"pad": "x" * 1_000})
    plan = Plan([Entry(source="s.x", detail_type="d", detail=detail)] * 20)
    result = service.send(plan)
    assert result.report is not None and result.report.failed_count == 0
    assert any("kept the first" in w for w in result.warnings)
    (record,) = history.records()
    assert record.truncated and record.total == 20 and len(record.entries) < 20


_CRASH = """
import sqlite3, os, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO sends (id, time, bytes, data) VALUES ('crash', 't', 3, X'7b7d00')")
os._exit(9)  # killed in the middle of recording a send
"""


def test_a_crash_while_recording_loses_only_that_send(tmp_path: Path) -> None:
    import subprocess
    import sys

    history = History(tmp_path / "history.sqlite3")
    history.append(_record(labels=["before"]))
    crashed = subprocess.run([sys.executable, "-c", _CRASH, str(history.path)], check=False)
    assert crashed.returncode == 9
    history.append(_record(labels=["after"]))
    assert [r.labels for r in history.records()] == [["after"], ["before"]]
