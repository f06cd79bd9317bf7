"""The send history: recorded by every send, private, bounded, listed and resent."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from helpers import AWS_CLI_EXAMPLE, Run, write_json

from eventcomposer.cli.main import main
from eventcomposer.core.history import History, new_record
from eventcomposer.paths import history_file


def record(n: int, size: int = 10) -> object:
    entry = {"Source": "s", "DetailType": "d", "Detail": json.dumps({"pad": "x" * size})}
    return new_record(
        origin="cli",
        endpoint="AWS",
        region="eu-west-1",
        profile="default",
        entries=[entry],
        results=[{"EventId": f"id-{n}"}],
        labels=[f"send {n}"],
    )


def test_a_send_is_recorded_with_entries_results_and_where_it_went(
    cli: Run, tmp_path: Path
) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code, out, _ = cli("send", "--entries", f"file://{path}", "--output", "json")
    assert code == 0
    (latest,) = History(history_file()).records()
    assert latest.origin == "cli"
    assert latest.endpoint.startswith("http://127.0.0.1:")
    assert latest.region == "us-east-1"
    assert latest.results == json.loads(out)["Entries"]
    assert [e["Detail"] for e in latest.entries] == [e["Detail"] for e in AWS_CLI_EXAMPLE]


def test_the_history_file_is_readable_only_by_the_user(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "history.sqlite3")
    history.append(record(1))
    assert stat.S_IMODE(history.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(history.path.parent.stat().st_mode) == 0o700


def test_the_history_is_bounded_and_keeps_the_newest(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", max_records=5)
    for n in range(12):
        history.append(record(n))
    assert [r.labels[0] for r in history.records()] == [f"send {n}" for n in (11, 10, 9, 8, 7)]
    by_size = History(tmp_path / "s.sqlite3", max_bytes=4000)
    for n in range(20):
        by_size.append(record(n, size=500))
    with sqlite3.connect(by_size.path) as db:
        assert db.execute("SELECT SUM(bytes), SUM(LENGTH(data)) FROM sends").fetchone()[0] <= 4000
    assert by_size.path.stat().st_size <= 64 * 1024  # pages, not the file of every send
    assert by_size.records()[0].labels == ["send 19"]
    assert stat.S_IMODE(by_size.path.stat().st_mode) == 0o600


def test_list_show_and_resend_from_the_history(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    cli("send", "--entries", f"file://{path}", "--output", "json")
    (first,) = History(history_file()).records()
    code, out, _ = cli("history", endpoint=False)
    assert code == 0 and first.id in out
    code, out, _ = cli("history", "show", first.id[:5], endpoint=False)
    assert json.loads(out)["results"] == first.results
    code, out, err = cli("history", "resend", first.id, "--output", "json")
    assert code == 0, err
    again = json.loads(out)["Entries"]
    assert len(again) == 2 and {e["EventId"] for e in again}.isdisjoint(
        r["EventId"] for r in first.results
    )
    newest = History(history_file()).records()[0]
    assert newest.labels == [f"resend of {first.id}"]


def test_resend_failed_only_with_nothing_failed(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    cli("send", "--entries", f"file://{path}")
    (first,) = History(history_file()).records()
    code, out, _ = cli("history", "resend", first.id, "--failed-only")
    assert code == 0 and "Nothing to resend" in out


def test_unknown_history_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "show", "nope"]) == 2
    assert "no send 'nope' in the history" in capsys.readouterr().err
