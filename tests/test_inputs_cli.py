"""What every input reads: `-` as stdin, a byte cap while reading, data-only YAML everywhere, and
AWS CLI input read by the AWS CLI's own rules. Each case shows the message the user sees."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import ROOT, Run

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.files import MAX_INPUT_BYTES

PRESET = "entries:\n  - Source: com.example.t\n    DetailType: T\n    Detail: {country: NO}\n"
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{x}: &{x} [{','.join(['*' + p] * 9)}]\n" for p, x in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def feed(text: str | bytes) -> None:
        data = text.encode() if isinstance(text, str) else text
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    return feed


def bodies(out: str) -> list[dict[str, object]]:
    return json.loads(out)


def no_traceback(err: str) -> None:
    assert "Traceback" not in err


# -- `-` is stdin -----------------------------------------------------------------------------


def test_send_and_validate_read_a_preset_from_stdin(cli: Run, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(PRESET)
    code, out, err = cli("validate", "-", endpoint=False)
    assert code == 0, err
    stdin(PRESET)
    code, out, err = cli("send", "-", "--output", "json")
    assert code == 0, err
    assert json.loads(out)["FailedEntryCount"] == 0


def test_entries_and_cli_input_json_read_stdin(cli: Run, stdin) -> None:  # type: ignore[no-untyped-def]
    entry = {"Source": "a.b", "DetailType": "T", "Detail": "{}"}
    for option, value in (
        ("--entries", "-"),
        ("--entries", "file://-"),
        ("--cli-input-json", "file://-"),
    ):
        payload = [entry] if option == "--entries" else {"Entries": [entry]}
        stdin(json.dumps(payload))
        code, out, err = cli("send", option, value, "--dry-run", "--output", "json")
        assert code == 0, (option, err)
        assert bodies(out) == [{"Entries": [entry]}]


def test_pattern_event_from_stdin(cli: Run, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin('{"detail": {"a": 1}}')
    code, _, err = cli(
        "pattern", "--pattern", '{"detail": {"a": [1]}}', "--event", "-", endpoint=False
    )
    assert code == 0, err


def test_import_reads_stdin_and_writes_stdout(cli: Run, stdin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stdin('[{"Source": "a.b", "DetailType": "T", "Detail": "{\\"k\\": \\"NO\\"}"}]')
    os.chdir(tmp_path)
    code, out, err = cli("import", "-", "-o", "-", endpoint=False)
    assert code == 0, err
    assert not (tmp_path / "-").exists()
    assert 'k: "NO"' in out and out.startswith("version: 1\n")


def test_vars_from_stdin(cli: Run, stdin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preset = tmp_path / "p.yaml"
    preset.write_text("entries:\n  - Source: a.b\n    DetailType: T\n    Detail: {d: '{{day}}'}\n")
    stdin("day: 2024-01-01\n")
    code, out, err = cli("send", str(preset), "--vars", "-", "--dry-run", "--output", "json")
    assert code == 0, err
    assert bodies(out)[0]["Entries"][0]["Detail"] == '{"d":"2024-01-01"}'  # type: ignore[index]


# -- bounded reads ----------------------------------------------------------------------------


def test_dev_zero_stops_at_the_cap(cli: Run) -> None:
    code, _, err = cli("validate", "/dev/zero", endpoint=False)
    assert code == 2
    assert f"/dev/zero: is larger than {MAX_INPUT_BYTES:,} bytes; presets are limited" in err
    no_traceback(err)


def test_a_pipe_on_stdin_stops_at_the_cap(cli: Run, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(b"x: 1\n" * (MAX_INPUT_BYTES // 5 + 10))
    code, _, err = cli("validate", "-", endpoint=False)
    assert code == 2 and "<stdin>: is larger than 16,777,216 bytes" in err
    no_traceback(err)


def test_an_endless_fifo_stops_at_the_cap(cli: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer() -> None:  # like <(yes 'x: 1'): writes until the reader goes away
        try:
            with open(fifo, "wb") as handle:
                while not stop.is_set():
                    handle.write(b"x: 1\n" * 10_000)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        code, _, err = cli("validate", str(fifo), endpoint=False)
    finally:
        stop.set()
    assert code == 2 and "is larger than 16,777,216 bytes" in err
    no_traceback(err)


def test_aws_cli_input_files_are_capped_too(cli: Run) -> None:
    code, _, err = cli("send", "--cli-input-json", "file:///dev/zero")
    assert code == 2 and "/dev/zero: is larger than 16,777,216 bytes" in err
    no_traceback(err)


@pytest.mark.parametrize(
    "command",
    [
        ["send", "--cli-input-yaml", "file://{path}"],
        ["import", "file://{path}", "-o", "-"],
        ["validate", "{path}"],
        ["send", "{preset}", "--vars", "{path}", "--dry-run"],
    ],
)
def test_billion_laughs_is_refused_at_once_everywhere(
    cli: Run, tmp_path: Path, command: list[str]
) -> None:
    import time

    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    preset = tmp_path / "p.yaml"
    preset.write_text(PRESET)
    argv = [a.format(path=path, preset=preset) for a in command]
    started = time.perf_counter()
    code, _, err = cli(*argv, endpoint=False)
    assert time.perf_counter() - started < 2
    assert code == 2
    assert "YAML anchors and aliases are not supported" in err
    assert "laughs.yaml:1: " in err or "at line 1: " in err
    no_traceback(err)


def test_duplicate_keys_name_file_and_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "entries:\n  - Source: a.b\n    DetailType: T\n"
        "entries:\n  - Source: c.d\n    DetailType: U\n"
    )
    code, _, err = cli("validate", str(path), endpoint=False)
    assert code == 2
    assert (
        f"{path}:4: duplicate key 'entries': a second one would silently replace the first" in err
    )
    no_traceback(err)


def test_a_vars_nan_is_a_clear_error(cli: Run, tmp_path: Path) -> None:
    preset = tmp_path / "p.yaml"
    preset.write_text(PRESET)
    values = tmp_path / "v.yaml"
    values.write_text("ratio: .nan\n")
    code, _, err = cli("validate", str(preset), "--vars", str(values), endpoint=False)
    assert code == 2
    assert f"{values}:1: ratio: .nan is not a number JSON can hold" in err
    no_traceback(err)


# -- the AWS CLI's own rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"),
        (1700000000, "2023-11-14T22:13:20Z"),
        ("1700000000", "2023-11-14T22:13:20Z"),
        (1700000000.25, "2023-11-14T22:13:20.25Z"),
        ("2024-01-01", "2024-01-01T00:00:00Z"),
        ("2024-01-01T02:00:00+02:00", "2024-01-01T02:00:00+02:00"),
    ],
)
def test_time_is_read_as_botocore_reads_it(cli: Run, time: object, expected: str) -> None:
    document = {"Entries": [{"Source": "a.b", "DetailType": "T", "Detail": "{}", "Time": time}]}
    code, out, err = cli(
        "send", "--cli-input-json", json.dumps(document), "--dry-run", "--output", "json"
    )
    assert code == 0, err
    assert bodies(out)[0]["Entries"][0]["Time"] == expected  # type: ignore[index]


def test_a_time_botocore_refuses_is_refused(cli: Run) -> None:
    document = [{"Source": "a.b", "DetailType": "T", "Detail": "{}", "Time": "soon"}]
    code, _, err = cli("send", "--entries", json.dumps(document), "--dry-run")
    assert code == 2
    assert "<argument>, entry 1, Time: 'soon' is not a timestamp the AWS CLI accepts" in err


def test_endpoint_id_is_kept_by_import_and_sent_from_the_preset(cli: Run, tmp_path: Path) -> None:
    document = {
        "Entries": [{"Source": "a.b", "DetailType": "T", "Detail": "{}"}],
        "EndpointId": "abcde.veo",
    }
    target = tmp_path / "p.yaml"
    code, _, err = cli("import", json.dumps(document), "-o", str(target), endpoint=False)
    assert code == 0, err
    assert "EndpointId: abcde.veo" in target.read_text()
    code, out, err = cli("send", str(target), "--dry-run", "--output", "json")
    assert code == 0, err
    assert bodies(out) == [
        {
            "Entries": [{"Source": "a.b", "DetailType": "T", "Detail": "{}"}],
            "EndpointId": "abcde.veo",
        }
    ]


def test_skeleton_placeholders_are_reported(cli: Run, tmp_path: Path) -> None:
    skeleton = subprocess.run(
        [
            str(Path(sys.executable).parent / "aws"),
            "events",
            "put-events",
            "--generate-cli-skeleton",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = tmp_path / "skeleton.json"
    path.write_text(skeleton)
    code, _, err = cli("import", f"file://{path}", "-o", str(tmp_path / "p.yaml"), endpoint=False)
    assert code == 2
    assert (
        f'{path}: holds --generate-cli-skeleton placeholders ("", "string" or '
        "1970-01-01T00:00:00) not filled in: entry 1: Time, Source, Resources, DetailType, "
        "Detail, EventBusName, TraceHeader; EndpointId" in " ".join(err.split())
    )
    assert not (tmp_path / "p.yaml").exists()
    yaml_skeleton = "Entries:\n- Source: string\n  DetailType: string\n  Detail: string\n"
    code, _, err = cli("send", "--cli-input-yaml", yaml_skeleton, "--dry-run")
    assert code == 2 and "entry 1: Source, DetailType, Detail" in err


def test_export_of_a_200_kb_detail_runs_for_real(
    cli: Run, local_settings: AwsSettings, tmp_path: Path
) -> None:
    preset = tmp_path / "big.yaml"
    preset.write_text(
        "entries:\n  - Source: com.example.big\n    DetailType: Big\n    Detail:\n"
        f"      blob: {'x' * 200_000}\n"
    )
    script = tmp_path / "send.sh"
    code, _, err = cli("export", str(preset), "-o", str(script))
    assert code == 0, err
    command = script.read_text().strip()
    assert len(command) < 1000 and "--entries file://" in command
    assert (tmp_path / "send-call-1.json").exists()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    result = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=120, env=env, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["FailedEntryCount"] == 0 and response["Entries"][0]["EventId"]


# -- dry run ----------------------------------------------------------------------------------


def test_dry_run_json_prints_exactly_the_request_bodies(cli: Run) -> None:
    code, out, err = cli(
        "send", str(ROOT / "presets"), "--dry-run", "--output", "json", endpoint=False
    )
    assert code == 0, err
    calls = bodies(out)
    assert [len(c["Entries"]) for c in calls] == [6]  # type: ignore[arg-type]
    first = calls[0]["Entries"][0]  # type: ignore[index]
    assert first["EventBusName"] == "orders"
    assert "{{" not in json.dumps(calls)  # variables resolved
    assert set(first) <= {"Source", "DetailType", "Detail", "Resources", "EventBusName"}


def test_a_terminal_on_stdin_is_refused_not_waited_on(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    code, _, err = cli("validate", "-", endpoint=False)
    assert code == 2 and "<stdin>: standard input is a terminal; pipe the input in" in err


def test_an_unquoted_time_is_the_text_written_not_a_date_with_a_z_added(
    cli: Run,
    stdin,  # type: ignore[no-untyped-def]
) -> None:
    stdin("entries:\n  - Source: a.b\n    DetailType: T\n    Time: 2024-01-01T10:00:00\n")
    code, _, err = cli("validate", "-", endpoint=False)
    assert code == 2
    assert "<stdin> entry 1, Time: '2024-01-01T10:00:00' is not an RFC 3339 timestamp" in err
