"""The history store: concurrent writers lose nothing; damaged content is reported and skipped,
never fatal; bounds trim the oldest rows only; the JSON-lines history is migrated once."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, Run, write_json

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.history import History, HistoryError, new_record
from eventcomposer.paths import history_file


def record(n: int, size: int = 10, entries: int = 1) -> object:
    entry = {"Source": "s", "DetailType": "d", "Detail": json.dumps({"pad": "x" * size, "n": n})}
    return new_record(
        origin="cli",
        endpoint="http://127.0.0.1:1",
        region="eu-west-1",
        profile="default",
        entries=[entry] * entries,
        results=[{"EventId": f"id-{n}"}] * entries,
        labels=[f"send {n}"],
    )


def labels(history: History) -> list[str]:
    return [r.labels[0] for r in history.records()]


def corrupt(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql)


def one_entry(tmp_path: Path, marker: str) -> Path:
    entry = {"Source": "com.example.test", "DetailType": "t", "Detail": json.dumps({"m": marker})}
    return write_json(tmp_path, [entry], f"{marker}.json")


# -- damaged content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        # not UTF-8
        "UPDATE sends SET data = CAST(X'7b22696422ff' AS BLOB) || data WHERE id = '{id}'",
        "UPDATE sends SET data = substr(data, 1, 40) WHERE id = '{id}'",  # a torn row
        'UPDATE sends SET data = CAST(\'{{"id":"{id}","entries":null}}\' AS BLOB) '
        "WHERE id = '{id}'",  # valid JSON, wrong shape
        "UPDATE sends SET data = 42 WHERE id = '{id}'",  # not even text
    ],
    ids=["invalid-utf8", "torn", "wrong-shape", "foreign-value"],
)
def test_a_damaged_row_is_skipped_and_reported_never_fatal(
    cli: Run, tmp_path: Path, damage: str
) -> None:
    history = History(history_file())
    for n in range(3):
        history.append(record(n, size=50_000))  # a history over 100 KB
    damaged = history.records()[1]
    corrupt(history.path, damage.format(id=damaged.id))
    assert labels(history) == ["send 2", "send 0"]
    code, out, err = cli("history", "--output", "json", endpoint=False)
    assert code == 0 and "skipped a damaged record" in err
    assert [r["labels"] for r in json.loads(out)] == [["send 2"], ["send 0"]]
    code, out, err = cli("history", "show", damaged.id, endpoint=False)
    assert code == 2 and "damaged" in err and "Traceback" not in err
    code, _, err = cli("history", "resend", damaged.id, "--failed-only")
    assert code == 2 and "damaged" in err
    # A send still goes out, prints its outcome, exits 0 and is kept.
    code, out, err = cli("send", "--entries", f"file://{one_entry(tmp_path, 'after')}")
    assert code == 0, err
    assert "Traceback" not in err and "EventId" not in err
    assert len(history.records()) == 3


@pytest.mark.parametrize(
    "content",
    [b"\x00\xffnot a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["foreign-file", "corrupt-database"],
)
def test_a_file_that_is_not_our_database(cli: Run, tmp_path: Path, content: bytes) -> None:
    path = history_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    code, out, err = cli("history", endpoint=False)
    assert code == 0 and "can't read the history" in err and "No sends yet" in out
    code, out, err = cli("send", "--entries", f"file://{one_entry(tmp_path, 'x')}")
    assert code == 0, err
    assert "was not a readable history database" in err and "Traceback" not in err
    (kept,) = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert kept.read_bytes() == content  # kept, never deleted
    assert len(History(path).records()) == 1


def test_a_database_of_another_shape_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sends (what TEXT)")
        db.execute("INSERT INTO sends VALUES ('theirs')")
    with pytest.raises(HistoryError):
        History(path).records()
    notes = History(path).append(record(1))
    assert any("was not a readable history database" in n for n in notes)
    assert labels(History(path)) == ["send 1"]


def test_a_history_that_cannot_be_written_warns_and_keeps_the_sends_exit_code(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("EVENTCOMPOSER_DATA_DIR", str(blocker / "data"))
    code, out, err = cli(
        "send", "--entries", f"file://{one_entry(tmp_path, 'nowhere')}", "--output", "json"
    )
    assert code == 0
    assert json.loads(out)["FailedEntryCount"] == 0  # the outcome is still printed
    assert "the send was not kept in the history" in err and "Traceback" not in err


# -- bounds -----------------------------------------------------------------------------------


def test_an_oversized_send_is_stored_truncated_and_drops_nothing_else(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3", max_bytes=200_000)
    for n in range(3):
        history.append(record(n, size=1_000))
    notes = history.append(record(9, size=9_000, entries=25))  # ~225 KB alone
    assert notes and "kept the first" in notes[0]
    newest, *older = history.records()
    assert [r.labels[0] for r in older] == ["send 2", "send 1", "send 0"]
    assert newest.truncated and 0 < len(newest.entries) < 25 and newest.total == 25
    assert "too big for the history" in newest.note


def test_bounds_by_count_keep_the_newest_across_processes_and_file_is_private(
    tmp_path: Path,
) -> None:
    history = History(tmp_path / "d" / "history.sqlite3", max_records=3)
    for n in range(5):
        history.append(record(n))
    assert labels(history) == ["send 4", "send 3", "send 2"]
    assert stat.S_IMODE(history.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(history.path.parent.stat().st_mode) == 0o700


# -- migration --------------------------------------------------------------------------------


def test_history_jsonl_is_migrated_once_skipping_damaged_lines(tmp_path: Path) -> None:
    from dataclasses import asdict

    lines = [json.dumps(asdict(record(n))).encode() for n in range(3)]
    legacy = tmp_path / "history.jsonl"
    legacy.write_bytes(
        lines[0]
        + b"\n"
        + b'{"id": "bad\xff"}\n'  # not UTF-8
        + json.dumps({**asdict(record(7)), "entries": None}).encode()  # wrong shape
        + b"\n"
        + lines[1]
        + b"\n"
        + lines[2]
        + b"\n"
        + lines[2][:30]  # a torn last line
    )
    history = History(tmp_path / "history.sqlite3")
    assert labels(history) == ["send 2", "send 1", "send 0"]
    assert not legacy.exists() and (tmp_path / "history.jsonl.migrated").exists()
    history.append(record(3))
    assert labels(history) == ["send 3", "send 2", "send 1", "send 0"]


# -- concurrent writers -----------------------------------------------------------------------

_WRITER = """
import json, sys
from eventcomposer.cli.main import main
name, count, endpoint, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
for n in range(count):
    path = f"{folder}/{name}-{n}.json"
    detail = json.dumps({"m": f"{name}-{n}"})
    entry = {"Source": "com.example.test", "DetailType": "t", "Detail": detail}
    with open(path, "w") as f:
        json.dump([entry], f)
    code = main(["send", "--entries", f"file://{path}", "--endpoint-url", endpoint,
                 "--region", "us-east-1", "--output", "json"])
    assert code == 0, code
"""


def test_concurrent_senders_at_the_bound_lose_no_record(
    tmp_path: Path, local_settings: AwsSettings
) -> None:
    data = tmp_path / "data"
    history = History(data / "history.sqlite3")
    for n in range(485):  # near the bound of 500
        history.append(record(n))
    env = {
        **os.environ,
        "EVENTCOMPOSER_DATA_DIR": str(data),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "PYTHONPATH": str(ROOT),
    }
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                f"p{i}",
                "10",
                local_settings.endpoint_url or "",
                str(tmp_path),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    records = history.records()
    assert len(records) == 500
    sent = {
        json.loads(r.entries[0]["Detail"])["m"]
        for r in records
        if r.origin == "cli" and r.endpoint == local_settings.endpoint_url
    }
    assert sent == {f"p{i}-{n}" for i in range(3) for n in range(10)}  # all 30 kept
    # and what was trimmed is the oldest: the 470 newest of the earlier records remain
    assert labels(history)[30:] == [f"send {n}" for n in range(484, 14, -1)]
