"""AWS CLI round trips in the composer: import `--entries` / `--cli-input-json` / `-yaml` input,
copy the batch as `aws events put-events` (run for real) or as a boto3 snippet."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import AWS_CLI_EXAMPLE
from textual.widgets import Button, Input, Static, TextArea
from tui_helpers import ready, run_from_palette, settle, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.import_entries import ImportScreen

SIZE = (120, 40)
BIN = Path(sys.executable).parent
AWS = shutil.which("aws", path=str(BIN)) or shutil.which("aws")


def local_env() -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


async def open_import(app: EventComposerApp, pilot: Any) -> ImportScreen:
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen))
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await pilot.pause()
    return screen


async def click_import(pilot: Any, screen: ImportScreen) -> None:
    """Click Import (once its press effect from an earlier click is over: a Button ignores
    clicks while it shows that), then wait for an outcome that stays: the dialog closed, or a
    message in it (the press effect and "busy" are too brief to poll for on a loaded machine)."""
    button = screen.query_one("#import", Button)
    await wait_for(pilot, lambda: not button.has_class("-active") and not screen.busy)
    screen.query_one("#import-message", Static).update("")
    await pilot.click("#import")
    await wait_for(
        pilot,
        lambda: (
            pilot.app.screen is not screen
            or (not screen.busy and screen.message not in ("", "Reading…"))
        ),
    )


async def import_text(app: EventComposerApp, pilot: Any, text: str) -> ImportScreen:
    """Paste ``text`` into the import dialog and press Import."""
    screen = await open_import(app, pilot)
    screen.query_one("#import-text", TextArea).load_text(text)
    await click_import(pilot, screen)
    return screen


async def show_next_entry(app: EventComposerApp, pilot: Any) -> None:
    app.batch.list_view.focus()
    await pilot.press("down")
    await settle(pilot)


def form_values(app: EventComposerApp) -> dict[str, Any]:
    return {
        "Source": app.form.field("source").value,
        "DetailType": app.form.field("detail-type").value,
        "Resources": app.form.current().resources,
        "Detail": json.loads(app.editor.text),
    }


async def test_import_the_aws_cli_example_fills_the_composer(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_text(app, pilot, json.dumps(AWS_CLI_EXAMPLE, indent=2))
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
        assert app.state.preset_path is None and app.state.dirty
        assert app.state.bus is None
        assert form_values(app) == {
            "Source": "com.mycompany.myapp",
            "DetailType": "myDetailType",
            "Resources": ["resource1", "resource2"],
            "Detail": {"key1": "value1", "key2": "value2"},
        }
        await show_next_entry(app, pilot)
        assert app.state.selected == 1
        assert form_values(app) == {
            "Source": "com.mycompany.myapp",
            "DetailType": "myDetailType",
            "Resources": ["resource1", "resource2"],
            "Detail": {"key1": "value3", "key2": "value4"},
        }
        assert "2 imported entries" in str(app.query_one("#status", Static).content)


async def test_import_cli_input_yaml_from_a_file_asks_before_losing_changes(
    local_settings: AwsSettings, presets_dir: Path, tmp_path: Path
) -> None:
    document = {
        "Entries": [{**AWS_CLI_EXAMPLE[0], "EventBusName": "orders"}],
        "EndpointId": "abc.xyz",
    }
    path = tmp_path / "input.yaml"
    path.write_text(yaml.safe_dump(document))
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.form.field("source").input.value = "com.example.unsaved"
        await pilot.pause()
        screen = await open_import(app, pilot)
        screen.query_one("#import-path", Input).value = f"file://{path}"
        screen.query_one("#import-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.state.entries[0].source == "com.mycompany.myapp")
        await settle(pilot)
        assert len(app.state.entries) == 1
        assert app.state.bus == "orders" and app.header.bus == "orders"
        assert form_values(app)["Detail"] == {"key1": "value1", "key2": "value2"}


async def test_a_bad_paste_shows_the_error_and_keeps_the_dialog(
    local_settings: AwsSettings, presets_dir: Path, tmp_path: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bad = '[{"Source": "com.example", "DetailType": "x",}]'
        screen = await import_text(app, pilot, bad)
        await wait_for(pilot, lambda: not screen.busy)
        assert app.screen is screen
        assert "not valid JSON" in screen.message and "line 1, column" in screen.message
        assert screen.query_one("#import-text", TextArea).text == bad
        # An unknown key is named, in words.
        screen.query_one("#import-text", TextArea).load_text('[{"Source": "a", "Color": "red"}]')
        await click_import(pilot, screen)
        await wait_for(pilot, lambda: not screen.busy and "Color" in screen.message)
        assert "unknown key 'Color'" in screen.message
        # A missing file too.
        screen.query_one("#import-path", Input).value = f"file://{tmp_path}/missing.json"
        await click_import(pilot, screen)
        await wait_for(pilot, lambda: not screen.busy and "no such file" in screen.message)
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)
        assert app.state.entries[0].source == ""


@pytest.mark.skipif(AWS is None, reason="the aws CLI is in the test extra")
async def test_copied_aws_cli_command_runs_for_real(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await import_text(app, pilot, json.dumps(AWS_CLI_EXAMPLE))
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        await settle(pilot)
        # Through the command palette, as a user finds it.
        await run_from_palette(pilot, "aws events put", "aws events put")
        await wait_for(pilot, lambda: bool(copied))
    [command] = copied
    assert command.startswith("aws events put-events")
    assert f"--endpoint-url {local_settings.endpoint_url}" in command
    assert "--region us-east-1" in command
    argv = shlex.split(command)
    result = subprocess.run(
        [str(AWS), *argv[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        env=local_env(),
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["FailedEntryCount"] == 0
    assert len(response["Entries"]) == 2 and all(e["EventId"] for e in response["Entries"])


async def test_copy_resolves_variables_names_the_bus_and_no_endpoint_unless_set(
    presets_dir: Path,
) -> None:
    app = EventComposerApp(AwsSettings(region="eu-west-1"), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.form.field("source").input.value = "com.example.orders"
        app.form.field("detail-type").input.value = "Order Placed"
        app.editor.load_text('{"orderId": "{{uuid}}"}')
        app.state.bus = "orders"
        await app.run_action("copy_aws_cli")
        command = app.clipboard
        # Let the editor's debounced validation land before the app closes (it raced the
        # teardown under load: NoMatches for EntryForm in show_state).
        await pilot.pause(0.3)
        assert command.startswith("aws events put-events --region eu-west-1 --entries ")
        assert "--endpoint-url" not in command and "--profile" not in command
        [entry] = json.loads(shlex.split(command)[-1])
        assert entry["EventBusName"] == "orders"
        assert "{{" not in entry["Detail"] and len(json.loads(entry["Detail"])["orderId"]) == 36


async def test_copied_boto3_snippet_runs(local_settings: AwsSettings, presets_dir: Path) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_text(app, pilot, json.dumps(AWS_CLI_EXAMPLE))
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        await settle(pilot)
        await app.run_action("copy_boto3")
        snippet = app.clipboard
    assert f"endpoint_url={local_settings.endpoint_url!r}" in snippet
    result = subprocess.run(
        [sys.executable, "-c", snippet],
        capture_output=True,
        text=True,
        timeout=60,
        env=local_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("myDetailType") == 2
