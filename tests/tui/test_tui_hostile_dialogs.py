"""Hostile input in the composer's dialogs: a message in the dialog (or a saved file inside the
presets folder), never a crash and never a file outside the folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static
from tui_helpers import ready, settle, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.bus_picker import BusPickerScreen
from eventcomposer.tui.screens.save_as import SaveAsScreen

SIZE = (120, 40)
#: No network is needed: nothing is sent, and port 9 (discard) refuses connections.
OFFLINE = AwsSettings(endpoint_url="http://127.0.0.1:9", region="us-east-1")
HOSTILE_FILES = [
    ".",
    "..",
    "../outside.yaml",
    "/etc/passwd",
    "a" * 300,
    "é" * 200 + ".yaml",
    "x\x00y.yaml",
    "dir/" * 60 + "deep.yaml",
    " ",
    "\ud800.yaml",
    "nul\\name.yaml",
]


@pytest.mark.parametrize("file_name", HOSTILE_FILES, ids=repr)
async def test_save_as_with_a_hostile_file_name(presets_dir: Path, file_name: str) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.form.field("source").input.value = "com.example.hostile"
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        await pilot.pause()
        screen = app.screen
        assert screen.focused is screen.query_one("#save-name", Input)  # typing goes there
        screen.query_one("#save-name", Input).value = "Hostile"
        screen.query_one("#save-path", Input).value = file_name
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        if isinstance(app.screen, SaveAsScreen):  # refused: the dialog says why
            message = str(app.screen.query_one("#save-message", Static).content)
            assert message.strip()
        else:  # saved, inside the folder
            saved = app.state.preset_path
            assert saved is not None and saved.resolve().is_relative_to(presets_dir.resolve())
    assert not (presets_dir.parent / "outside.yaml").exists()


@pytest.mark.parametrize("bus", ["", " ", "a" * 2000, "arn:aws:events:::", "bus\nname", "é"])
async def test_the_bus_picker_refuses_a_hostile_name_in_place(presets_dir: Path, bus: str) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, BusPickerScreen))
        await pilot.pause()
        app.screen.query_one("#bus-input", Input).value = bus
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        if isinstance(app.screen, BusPickerScreen):
            assert str(app.screen.query_one("#bus-message", Static).content).strip()
        else:
            assert app.state.bus in (None, bus.strip())
