"""AWS CLI round trips: export as `aws events put-events` (run for real) or boto3; import back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import AWS_CLI_EXAMPLE, ROOT, Run, write_json

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.presets import load_preset

AWS = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")


def local_env(settings: AwsSettings) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.mark.skipif(
    AWS is None, reason="the aws CLI is in the test extra: pip install -e '.[test]'"
)
def test_exported_aws_cli_commands_run_for_real(cli: Run, local_settings: AwsSettings) -> None:
    code, out, err = cli("export", str(ROOT / "presets"))
    assert code == 0, err
    commands = out.strip().splitlines()
    assert len(commands) == 1 and commands[0].startswith("aws events put-events")
    result = subprocess.run(
        ["bash", "-c", commands[0]],
        capture_output=True,
        text=True,
        timeout=120,
        env=local_env(local_settings),
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["FailedEntryCount"] == 0
    assert len(response["Entries"]) == 6 and all(e["EventId"] for e in response["Entries"])


def test_export_splits_into_calls_of_ten(cli: Run, tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE * 6)
    preset = tmp_path / "p.yaml"
    assert cli("import", f"file://{path}", "-o", str(preset), endpoint=False)[0] == 0
    code, out, _ = cli("export", str(preset), endpoint=False)
    assert code == 0 and len(out.strip().splitlines()) == 2


def test_boto3_snippet_runs(cli: Run, local_settings: AwsSettings, tmp_path: Path) -> None:
    code, out, _ = cli("export", str(ROOT / "presets" / "refund-issued.yaml"), "--format", "boto3")
    assert code == 0
    script = tmp_path / "snippet.py"
    script.write_text(out)
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=local_env(local_settings),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Refund Issued") == 2


def test_import_the_aws_cli_example_into_a_preset(cli: Run, tmp_path: Path) -> None:
    source = write_json(tmp_path, AWS_CLI_EXAMPLE, "putevents.json")
    target = tmp_path / "presets" / "example.yaml"
    code, out, _ = cli(
        "import", f"file://{source}", "-o", str(target), "--name", "Example", endpoint=False
    )
    assert code == 0 and "2 entries" in out
    preset = load_preset(target)
    assert preset.name == "Example"
    assert [json.loads(e.detail) for e in preset.entries] == [
        {"key1": "value1", "key2": "value2"},
        {"key1": "value3", "key2": "value4"},
    ]
    assert "key1: value1" in target.read_text()  # Detail written as a YAML mapping
    code, _, err = cli("import", f"file://{source}", "-o", str(target), endpoint=False)
    assert code == 2 and "exists; pass --force" in err


def test_import_cli_input_yaml(cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "input.yaml"
    source.write_text("Entries:\n  - Source: a.b\n    DetailType: T\n    Detail: '{\"k\": 1}'\n")
    target = tmp_path / "p.yaml"
    assert cli("import", f"file://{source}", "-o", str(target), endpoint=False)[0] == 0
    assert load_preset(target).entries[0].source == "a.b"
    code, out, err = cli("send", "--cli-input-yaml", f"file://{source}", "--output", "json")
    assert code == 0, err
    assert len(json.loads(out)["Entries"]) == 1


def test_import_bad_input(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("import", '[{"Source": 1}]', "-o", str(tmp_path / "x.yaml"), endpoint=False)
    assert code == 2
    assert "<argument>, entry 1, Source: must be a string, not a number" in err


SECRET = "tok-7Hq2-not-on-disk"


def _secret_preset(tmp_path: Path, marker: str) -> Path:
    preset = tmp_path / "secret.yaml"
    preset.write_text(
        "version: 1\nname: With a secret\nbus: orders\nentries:\n"
        "  - Source: com.example.orders\n    DetailType: Order Placed\n"
        f'    Detail: {{amount: 500, token: "{{{{env.EC_SECRET}}}}", marker: "{marker}"}}\n'
    )
    return preset


@pytest.mark.skipif(
    AWS is None, reason="the aws CLI is in the test extra: pip install -e '.[test]'"
)
@pytest.mark.parametrize("form", ["aws-cli", "boto3"])
def test_an_export_reads_the_environment_when_it_runs_and_never_holds_the_value(
    cli: Run,
    local_settings: AwsSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    marker: str,
    delivered: Any,
    form: str,
) -> None:
    monkeypatch.setenv("EC_SECRET", SECRET)
    output = tmp_path / ("out.sh" if form == "aws-cli" else "out.py")
    code, _, err = cli(
        "export", str(_secret_preset(tmp_path, marker)), "--format", form, "-o", str(output)
    )
    assert code == 0, err
    written = output.read_text()
    assert SECRET not in written and "EC_SECRET" in written
    command = ["bash", str(output)] if form == "aws-cli" else [sys.executable, str(output)]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**local_env(local_settings), "EC_SECRET": SECRET},
    )
    assert result.returncode == 0, result.stderr
    (event,) = delivered("demo-orders-large-orders", marker)
    assert event["detail"]["token"] == SECRET  # read from the environment when it ran
