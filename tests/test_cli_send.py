"""``eventcomposer send`` and ``validate`` against the real local EventBridge over HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import AWS_CLI_EXAMPLE, Run, write_json

from eventcomposer.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def preset_file(tmp_path: Path, entries_yaml: str, bus: str | None = None) -> Path:
    path = tmp_path / "p.yaml"
    head = f"bus: {bus}\n" if bus else ""
    path.write_text(f"version: 1\nname: test\n{head}entries:\n{entries_yaml}")
    return path


def test_aws_cli_example_with_entries_file_returns_two_event_ids(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE, "putevents.json")
    code, out, err = cli("send", "--entries", f"file://{path}", "--output", "json")
    assert code == 0, err
    response = json.loads(out)
    assert response["FailedEntryCount"] == 0
    assert len(response["Entries"]) == 2
    assert all(set(e) == {"EventId"} and e["EventId"] for e in response["Entries"])


def test_cli_input_json(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, {"Entries": AWS_CLI_EXAMPLE[:1]})
    code, out, _ = cli("send", "--cli-input-json", f"file://{path}", "--output", "json")
    assert code == 0
    assert len(json.loads(out)["Entries"]) == 1


def test_preset_event_arrives_in_the_sqs_target_of_the_matching_rule(
    cli: Run, tmp_path: Path, marker: str, delivered: Callable[..., list[dict[str, Any]]]
) -> None:
    path = preset_file(
        tmp_path,
        "  - Source: com.example.orders\n"
        "    DetailType: Order Placed\n"
        "    Detail:\n"
        f"      orderId: {marker}\n"
        "      amount: 250\n"
        "      customer: {tier: gold}\n"
        "      shipping: {country: US}\n",
        bus="orders",
    )
    code, out, err = cli("send", str(path), "--output", "json")
    assert code == 0, err
    (event,) = delivered("demo-orders-large-orders", marker)
    assert event["detail"] == {
        "orderId": marker,
        "amount": 250,
        "customer": {"tier": "gold"},
        "shipping": {"country": "US"},
    }
    assert event["id"] == json.loads(out)["Entries"][0]["EventId"]
    assert event["source"] == "com.example.orders"
    assert delivered("demo-orders-eu-orders", marker, timeout=0.3) == []  # US: not EU


def test_example_presets_send_and_table_output(cli: Run) -> None:
    code, out, err = cli("send", str(ROOT / "presets"))
    assert code == 0, err
    assert "FailedEntryCount: 0 of 6" in out
    assert "com.example.orders" in out and "Refund Issued" in out


def test_twenty_five_entries_are_sent_in_three_calls(cli: Run, tmp_path: Path) -> None:
    entries = [
        {"Source": "com.example.bulk", "DetailType": "Bulk", "Detail": json.dumps({"n": i})}
        for i in range(25)
    ]
    path = write_json(tmp_path, entries)
    code, out, err = cli("send", "--entries", f"file://{path}")
    assert code == 0, err
    assert "FailedEntryCount: 0 of 25  (3 PutEvents call(s)" in out
    assert [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ ")][::1][
        :1
    ] == ["1"]
    code, out, _ = cli("send", "--entries", f"file://{path}", "--output", "json")
    assert len(json.loads(out)["Entries"]) == 25


def test_dry_run_shows_sizes_and_sends_nothing(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code, out, _ = cli("send", "--entries", f"file://{path}", "--dry-run", endpoint=False)
    assert code == 0
    assert "Dry run: nothing sent" in out
    assert "87 B" in out  # Source 19 + DetailType 12 + Detail 38 + two Resources 9 each
    assert "2 entries in 1 PutEvents call(s)" in out


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"Source": "a.b", "DetailType": "T", "Detail": '{"a": 1,\n "b" 2}'},
            "--entries entry 1, Detail: is not valid JSON: Expecting ':' delimiter at line 2, "
            "column 6",
        ),
        (
            {"Source": "a.b", "DetailType": "T", "Detail": "[1, 2]"},
            "--entries entry 1, Detail: must be a JSON object, not an array",
        ),
        ({"DetailType": "T", "Detail": "{}"}, "--entries entry 1, Source: is required"),
        ({"Source": "a.b", "Detail": "{}"}, "--entries entry 1, DetailType: is required"),
        (
            {"Source": "aws.ec2", "DetailType": "T", "Detail": "{}"},
            "--entries entry 1, Source: 'aws.ec2' starts with 'aws.', which is reserved",
        ),
        (
            {"Source": "a.b", "DetailType": "T" * 129, "Detail": "{}"},
            "--entries entry 1, DetailType: is 129 characters; the limit is 128",
        ),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_sent(
    cli: Run, tmp_path: Path, entry: dict[str, str], expected: str
) -> None:
    good = {"Source": "com.example.good", "DetailType": "Good", "Detail": "{}"}
    path = write_json(tmp_path, [good, entry])
    code, out, err = cli("send", "--entries", f"file://{path}", "--output", "json")
    assert code == 2
    assert out == ""
    message = " ".join(err.split())
    assert expected.replace("entry 1", "entry 2") in message
    assert "nothing was sent" in message


def test_entry_over_the_size_limit(cli: Run, tmp_path: Path) -> None:
    entry = {"Source": "a.b", "DetailType": "T", "Detail": json.dumps({"x": "y" * 300_000})}
    path = write_json(tmp_path, [entry])
    code, _, err = cli("send", "--entries", f"file://{path}", "--size-limit", "262144")
    assert code == 2
    assert (
        "size: the entry is 300,013 bytes (293.0 KiB); the limit is 262,144 bytes (256.0 KiB)"
        in " ".join(err.split())
    )


def test_a_bus_that_does_not_exist(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code, out, err = cli("send", "--entries", f"file://{path}", "--bus", "no-such-bus")
    assert code == 2
    assert out == ""
    assert (
        "event bus 'no-such-bus' does not exist in this account and region; AWS would "
        "accept the events and drop them" in " ".join(err.split())
    )


def test_preset_yaml_error_names_file_and_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("entries:\n  - Source: a\n    Detail: {x: [1, 2}\n")
    code, _, err = cli("send", str(path))
    assert code == 2
    assert f"{path}:3: YAML error:" in " ".join(err.split())


def test_preset_unknown_key(cli: Run, tmp_path: Path) -> None:
    path = preset_file(tmp_path, "  - Source: a\n    DetailTyp: b\n")
    code, _, err = cli("validate", str(path), endpoint=False)
    assert code == 2
    assert f"{path}:5: entries[1]: unknown key 'DetailTyp'" in " ".join(err.split())


def test_unreadable_and_missing_files(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("send", str(tmp_path / "missing.yaml"))
    assert (code, "no such file or folder" in err) == (2, True)
    code, _, err = cli("send", "--entries", f"file://{tmp_path / 'missing.json'}")
    assert code == 2 and "missing.json: no such file" in err
    folder = tmp_path / "dir.json"
    folder.mkdir()
    code, _, err = cli("send", "--entries", f"file://{folder}")
    assert code == 2 and "is a folder, not a file" in err


def test_entries_json_that_is_not_json(cli: Run) -> None:
    code, _, err = cli("send", "--entries", "[{]")
    assert code == 2
    assert (
        "--entries <argument>: not valid JSON: Expecting property name enclosed in double "
        "quotes at line 1, column 3" in " ".join(err.split())
    )


def test_validate_reports_ok(cli: Run) -> None:
    code, out, _ = cli("validate", str(ROOT / "presets"), endpoint=False)
    assert code == 0
    assert out.startswith("ok: 6 entries valid")


def test_no_credentials_and_no_local_is_an_actionable_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code = main(["send", "--entries", f"file://{path}", "--region", "eu-west-1"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 3
    assert "No AWS credentials found." in err
    assert "--profile" in err and "--local" in err


def test_unknown_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code = main(["send", "--entries", f"file://{path}", "--profile", "nope"])
    assert code == 3
    assert "The config profile (nope) could not be found" in capsys.readouterr().err


def test_an_endpoint_that_refuses_connections(cli: Run, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code, _, err = cli(
        "send",
        "--entries",
        f"file://{path}",
        "--endpoint-url",
        f"http://127.0.0.1:{port}",
        "--region",
        "us-east-1",
        endpoint=False,
    )
    assert code == 3
    assert f"Could not connect to http://127.0.0.1:{port}" in " ".join(err.split())


def test_usage_errors_exit_2(cli: Run) -> None:
    code, _, err = cli("send", endpoint=False)
    assert code == 2 and "nothing to send" in err
    with pytest.raises(SystemExit) as info:
        main(["send", "--output", "yaml"])
    assert info.value.code == 2


def test_local_json_output_is_pure_json_in_a_real_process(tmp_path: Path) -> None:
    """--local starts moto in the process; none of its chatter may reach stdout."""
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "eventcomposer.cli.main",
            "send",
            "--local",
            "--entries",
            f"file://{path}",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["FailedEntryCount"] == 0


def test_detail_text_goes_out_exactly_as_written(cli: Run, tmp_path: Path, proxy: Any) -> None:
    # As `aws events put-events` sends it: no number rewritten (1e400 is not Infinity, the
    # long fraction not 0.1, 1E5 not 100000.0), no escape undone, the whitespace kept.
    written = (
        '{\n  "amount": 0.10000000000000000000001,\n  "big": 1e400,\n  "e": 1E5,\n'
        '  "s": "\\u00e9"\n}'
    )
    path = write_json(tmp_path, [{"Source": "s", "DetailType": "t", "Detail": written}])
    code, out, err = cli("send", "--entries", f"file://{path}", "--dry-run", "--output", "json")
    assert code == 0, err
    assert json.loads(out)[0]["Entries"][0]["Detail"] == written
    code, _, err = cli("send", "--entries", f"file://{path}", endpoint=proxy.endpoint_url)
    assert code == 0, err
    assert [entry["Detail"] for entry in proxy.calls[0]] == [written]


def test_a_detail_object_with_a_number_past_a_double_says_what_to_do(cli: Run) -> None:
    entries = '[{"Source": "a", "DetailType": "b", "Detail": {"items": [{"n": 1e400}]}}]'
    code, _, err = cli("send", "--entries", entries, "--dry-run")
    assert code == 2
    said = " ".join(err.split())
    assert "entry 1, Detail.items[0].n: is infinite" in said, said
    assert "give Detail as JSON text to send the number as written" in said
    assert "Infinity" not in said  # not the name of what Python read it as
