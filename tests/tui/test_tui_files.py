"""Preset files in the composer when the disk says no: a full disk, a read-only folder, a file
changed by someone else, and names that would write outside the presets folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import Input, Static
from tui_helpers import ready, settle, told, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.save_as import SaveAsScreen

SIZE = (120, 40)
#: Nothing here is sent; port 9 (discard) refuses connections.
OFFLINE = AwsSettings(endpoint_url="http://127.0.0.1:9", region="us-east-1")
PRESET = "refund-issued.yaml"


def status(app: EventComposerApp) -> str:
    return str(app.query_one("#status", Static).content)


def notifications(app: EventComposerApp) -> str:
    return "\n".join(m for m, _ in told(app))


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a failed atomic write might have left."""
    return [p for p in folder.rglob("*.tmp")]


async def open_and_edit(app: EventComposerApp, pilot: Any, path: Path) -> None:
    await settle(pilot)
    await app.preset_files.load(path)  # what Enter in the browser does (tested elsewhere)
    await settle(pilot)
    assert app.state.preset_path == path and not app.state.dirty
    app.form.field("source").input.value = "com.example.edited"
    await pilot.pause()
    assert app.state.dirty


async def test_a_full_disk_keeps_the_old_file_and_the_changes(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = presets_dir / PRESET
    before = path.read_bytes()
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_and_edit(app, pilot, path)

        def full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", full)
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert "No space left on device" in status(app)
        assert "No space left on device" in notifications(app)
        assert path.read_bytes() == before
        assert leftovers(presets_dir) == []
        assert app.state.dirty and app.header.dirty
        assert app.form.field("source").value == "com.example.edited"
        # Space again: the same key saves.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.state.dirty
        saved = yaml.safe_load(path.read_text())
        assert saved["entries"][0]["Source"] == "com.example.edited"


async def test_a_read_only_presets_folder_keeps_everything(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = presets_dir / PRESET
    before = path.read_bytes()
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_and_edit(app, pilot, path)
        real_mkstemp = tempfile.mkstemp

        def read_only(*args: Any, **kwargs: Any) -> Any:
            folder = Path(kwargs.get("dir") or ".").resolve()
            if folder.is_relative_to(presets_dir.resolve()):
                raise PermissionError(13, "Permission denied", str(folder))
            return real_mkstemp(*args, **kwargs)

        with monkeypatch.context() as patch:
            if os.geteuid() == 0:  # root writes anywhere: make the folder refuse by hand
                patch.setattr(tempfile, "mkstemp", read_only)
            presets_dir.chmod(0o555)
            try:
                await pilot.press("ctrl+s")
                await pilot.pause()
            finally:
                presets_dir.chmod(0o755)
        assert "Permission denied" in status(app)
        assert f"Could not save {path}" in notifications(app)
        assert path.read_bytes() == before
        assert leftovers(presets_dir) == []
        assert app.state.dirty and app.header.dirty


async def test_a_preset_changed_on_disk_asks_before_overwriting(presets_dir: Path) -> None:
    path = presets_dir / PRESET
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_edit(app, pilot, path)
        theirs = path.read_text().replace("com.example", "com.theirs") + "# edited elsewhere\n"
        path.write_text(theirs)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question  # type: ignore[attr-defined]
        assert question == f"{PRESET} changed on disk since you opened it. Overwrite it?"
        await pilot.press("n")
        await pilot.pause()
        assert path.read_text() == theirs
        assert app.state.dirty and app.form.field("source").value == "com.example.edited"
        assert "changed on disk" in status(app)
        # Asked again on the next save; yes overwrites.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert yaml.safe_load(path.read_text())["entries"][0]["Source"] == "com.example.edited"
        assert not app.state.dirty
        # Our own save is not a change on disk: the next one does not ask.
        app.form.field("detail-type").input.value = "Refund Issued Again"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert not app.state.dirty
        assert "Refund Issued Again" in path.read_text()


async def save_as(app: EventComposerApp, pilot: Any, relative: str) -> str:
    """Fill the Save-as dialog and press Save; returns the dialog's message ("" if it closed)."""
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
    app.screen.query_one("#save-name", Input).value = "Escape attempt"
    await pilot.pause()
    app.screen.query_one("#save-path", Input).value = relative
    await pilot.pause()
    await pilot.click("#save")
    await pilot.pause()
    if not isinstance(app.screen, SaveAsScreen):
        return ""
    message = str(app.screen.query_one("#save-message", Static).content)
    await pilot.press("escape")
    await pilot.pause()
    return message


async def test_save_as_refuses_names_outside_the_presets_folder(
    presets_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (presets_dir / "elsewhere").symlink_to(outside, target_is_directory=True)
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.form.field("source").input.value = "com.example.escape"
        app.form.field("detail-type").input.value = "Escape"
        await settle(pilot)
        dotdot = await save_as(app, pilot, "../escaped.yaml")
        assert "may not be absolute or contain '..'" in dotdot
        absolute = await save_as(app, pilot, str(outside / "abs.yaml"))
        assert "may not be absolute" in absolute
        linked = await save_as(app, pilot, "elsewhere/linked.yaml")
        assert "leads outside the presets folder" in linked
        assert list(outside.iterdir()) == []
        assert not (tmp_path / "escaped.yaml").exists()
        assert app.state.dirty and app.state.preset_path is None
        # A plain name inside the folder is fine (and gets its .yaml).
        assert await save_as(app, pilot, "team/escape") == ""
        await settle(pilot)
        assert (presets_dir / "team" / "escape.yaml").is_file()
        assert not app.state.dirty
