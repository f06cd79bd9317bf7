"""Credentials: actionable messages when they are missing, expired or for a wrong region, and
never written anywhere the tool writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import AWS_CLI_EXAMPLE, ROOT, write_json

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli.main import main

SECRET_KEY_ID = "AKIAEXAMPLEKEY7SECRET"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"


def test_expired_or_missing_sso_token(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        "[profile dev]\n"
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 111122223333\n"
        "sso_role_name = Developer\n"
        "region = eu-west-1\n"
    )
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code = main(["send", "--entries", f"file://{path}", "--profile", "dev"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 3
    assert "The SSO session has expired or is missing" in err
    assert "Run `aws sso login`" in err


def test_a_region_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code = main(["send", "--entries", f"file://{path}", "--region", "eu-wset-1"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 3
    assert "'eu-wset-1' is not an AWS region for EventBridge. Did you mean eu-west-1?" in err


def test_no_region_at_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path, AWS_CLI_EXAMPLE)
    code = main(["send", "--entries", f"file://{path}"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 3
    assert "No AWS region is set. Pass --region" in err


def test_credentials_are_never_written(
    local_settings: AwsSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SECRET_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    presets = tmp_path / "presets"
    entries = write_json(tmp_path, AWS_CLI_EXAMPLE)
    steps = [
        ("send", str(ROOT / "presets")),
        ("send", "--entries", f"file://{entries}", "--output", "json"),
        ("import", f"file://{entries}", "-o", str(presets / "imported.yaml")),
        ("history", "list"),
    ]
    for step in steps:
        # before the command: every command takes them there (import, which does not connect,
        # has none of its own)
        code = main(
            ["--endpoint-url", local_settings.endpoint_url or "", "--region", "us-east-1", *step]
        )
        assert code == 0, capsys.readouterr().err
    logged = capsys.readouterr()
    written = [
        p
        for root in (
            tmp_path,
            Path(os.environ["XDG_DATA_HOME"]),
            Path(os.environ["XDG_STATE_HOME"]),
        )
        for p in root.rglob("*")
        if p.is_file()
    ]
    assert any(p.name == "history.sqlite3" for p in written)
    for path in written:
        text = path.read_bytes()
        for secret in (SECRET_KEY_ID, SECRET_KEY, SESSION_TOKEN):
            assert secret.encode() not in text, f"{secret[:6]}… written to {path}"
    for secret in (SECRET_KEY_ID, SECRET_KEY, SESSION_TOKEN):
        assert secret not in logged.out + logged.err


def test_sessions_share_botocores_data_but_keep_their_own_profile() -> None:
    """Clients share one loader of botocore's model files (a client is cheap to make); each
    keeps the credentials and region of its own profile."""
    from eventcomposer.aws.client import client, make_session

    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        "[profile one]\nregion = eu-west-1\n[profile two]\nregion = ap-southeast-2\n"
    )
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[one]\naws_access_key_id = AKIAONE\naws_secret_access_key = s1\n"
        "[two]\naws_access_key_id = AKIATWO\naws_secret_access_key = s2\n"
    )
    for _ in range(3):
        for profile, key, region in (
            ("one", "AKIAONE", "eu-west-1"),
            ("two", "AKIATWO", "ap-southeast-2"),
        ):
            settings = AwsSettings(profile=profile)
            credentials = make_session(settings).get_credentials()
            assert credentials is not None and credentials.access_key == key
            assert client(settings).meta.region_name == region
