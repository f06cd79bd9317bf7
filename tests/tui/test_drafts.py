"""Drafts: unsaved work survives a crash or a kill -9 and comes back on the next start; quitting
cleanly leaves no draft behind."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import ready, settle, told, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.drafts import (
    Draft,
    draft_from_json,
    draft_to_json,
    load_draft,
    save_draft,
)
from eventcomposer.core.entries import Entry
from eventcomposer.paths import state_dir
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.confirm import ConfirmScreen

SIZE = (120, 40)
#: No network is needed: nothing is sent, and port 9 (discard) refuses connections.
OFFLINE = AwsSettings(endpoint_url="http://127.0.0.1:9", region="us-east-1")


def draft_files() -> list[Path]:
    """The drafts in the state folder (one per composer that has unsaved work)."""
    return sorted((state_dir() / "drafts").glob("*.json"))


def draft_file() -> Path:
    """The one draft there is (a path that does not exist if there is none)."""
    files = draft_files()
    return files[0] if files else state_dir() / "drafts" / "none.json"


def poll(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Wait (bounded) for ``condition()`` outside an event loop."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


def draft_sources() -> list[str]:
    loaded = load_draft(draft_file())
    return [e.source for e in loaded.entries] if loaded else []


# -- the core: (de)serialization ---------------------------------------------------------------


def test_a_draft_round_trips_every_field(tmp_path: Path) -> None:
    draft = Draft(
        entries=[
            Entry(
                source="com.example.orders",
                detail_type="Order Placed",
                detail='{\n  "amount": 42.5,\n  "note": "é ☃"\n}',
                resources=["arn:aws:s3:::a", "arn:aws:s3:::b"],
                time="2026-01-31T12:00:00Z",
                trace_header="Root=1-5759e988-bd862e3fe1be46a994272793",
                event_bus_name="orders",
                detail_as_mapping=False,
                key_order=("Source", "Detail", "DetailType"),
            ),
            Entry(source="", detail_type="", detail="{ not json yet"),
        ],
        selected=1,
        bus="orders",
        preset_path=tmp_path / "presets" / "x.yaml",
        preset_name="X",
        description="a description",
        dirty=True,
        saved_at=1_790_000_000.25,
        preset_stamp=(1_790_000_000_123_456_789, 321),
    )
    path = tmp_path / "state" / "draft.json"
    save_draft(path, draft)
    assert load_draft(path) == draft
    assert draft_from_json(draft_to_json(draft)) == draft
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{ truncated",
        b"\xff\xfe not utf-8",
        b"[]",
        b'{"version": 99, "entries": []}',
        b'{"version": 1, "entries": []}',
        b'{"version": 1, "entries": [{"source": 5}]}',
        b'{"version": 1, "entries": [{}], "selected": "x"}',
        b'{"version": 1, "entries": [{}], "preset_stamp": [1]}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_draft_is_ignored_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "draft.json"
    path.write_bytes(content)
    reasons: list[str] = []
    assert load_draft(path, reasons.append) is None
    assert len(reasons) == 1 and str(path) in reasons[0]


def test_no_draft_is_no_problem(tmp_path: Path) -> None:
    reasons: list[str] = []
    assert load_draft(tmp_path / "missing.json", reasons.append) is None
    assert reasons == []


# -- the app -----------------------------------------------------------------------------------


async def test_an_edit_is_kept_restored_and_removed_on_a_clean_quit(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        path = app.drafts.path
        assert path.parent == state_dir() / "drafts"
        app.form.field("source").input.value = "com.example.draft"
        app.form.field("time").input.value = "2026-01-31T12:00:00Z"
        app.editor.load_text('{"kept": [1, 2]}')
        await settle(pilot)
        shown = app.editor.text  # Detail exactly as the editor shows it
        await app.batch_action("add")
        app.form.field("source").input.value = "com.example.second"
        both = ["com.example.draft", "com.example.second"]
        await wait_for(pilot, lambda: draft_sources() == both)
    # The app ended without quitting (as a crash would): the draft stays.
    draft = load_draft(path)
    assert draft is not None and draft.dirty
    assert draft.entries[0].detail == shown
    assert draft.entries[0].time == "2026-01-31T12:00:00Z"
    assert path.stat().st_mode & 0o777 == 0o600

    again = EventComposerApp(OFFLINE, presets_dir)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        state = again.state
        assert [e.source for e in state.entries] == ["com.example.draft", "com.example.second"]
        assert state.selected == 1 and state.dirty and again.header.dirty
        assert again.form.field("source").value == "com.example.second"
        assert any("Restored your unsaved work from" in m for m, _ in told(again))
        again.batch.list_view.focus()
        await pilot.press("up")
        await settle(pilot)
        assert again.form.field("source").value == "com.example.draft"
        assert again.editor.text == shown
        # Quitting with unsaved changes asks; saying yes loses them, draft included.
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(again.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    assert not path.exists()
    assert draft_files() == []


async def test_saving_the_preset_removes_the_draft(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.form.field("source").input.value = "com.example.tosave"
        await wait_for(pilot, lambda: draft_sources() == ["com.example.tosave"])
        app.preset_files.write("To save", presets_dir / "to-save.yaml")
        await wait_for(pilot, lambda: not draft_file().exists())
        # A clean quit with nothing unsaved asks nothing and leaves nothing.
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not draft_file().exists()


async def test_a_corrupt_draft_does_not_stop_the_app(presets_dir: Path) -> None:
    legacy = state_dir() / "draft.json"  # where drafts were kept before one per composer
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text("{ half a draft")
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert app.form.field("source").value == ""
        assert any("could not be restored" in m for m, _ in told(app))


# -- kill -9 -----------------------------------------------------------------------------------


class Terminal:
    """The real ``eventcomposer`` in a pseudo-terminal; its output is drained in a thread."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.master = master
        self.output = bytearray()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from eventcomposer.cli.main import entry_point; entry_point()",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--region",
                "us-east-1",
            ],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                ready_fds, _, _ = select.select([self.master], [], [], 0.1)
                if ready_fds:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    self.output += chunk
                elif self.process.poll() is not None:
                    return
            except OSError:
                return

    def text(self) -> bytes:
        """The output without escape sequences (a line may be drawn in several pieces)."""
        return re.sub(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b.", b"", self.output)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self.master)


@pytest.fixture
def terminal_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "EVENTCOMPOSER_"))
    }
    env.update(
        TERM="xterm-256color",
        COLUMNS="120",
        LINES="40",
        EVENTCOMPOSER_STATE_DIR=str(tmp_path / "state"),
        AWS_CONFIG_FILE=os.environ["AWS_CONFIG_FILE"],
        AWS_SHARED_CREDENTIALS_FILE=os.environ["AWS_SHARED_CREDENTIALS_FILE"],
        AWS_EC2_METADATA_DISABLED="true",
    )
    yield env


async def test_a_kill_9_loses_nothing_typed(
    tmp_path: Path,
    presets_dir: Path,
    terminal_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state"
    drafts = state / "drafts"
    terminal = Terminal(tmp_path, terminal_env)
    try:
        # The Source field has the focus from the first frame (keys typed meanwhile are queued).
        poll(lambda: b"DetailType" in terminal.text() or terminal.process.poll() is not None)
        assert terminal.process.poll() is None, terminal.output.decode(errors="replace")
        terminal.type("com.example.killed")

        def typed() -> bool:
            found = sorted(drafts.glob("*.json"))
            loaded = load_draft(found[0]) if found else None
            return loaded is not None and loaded.entries[0].source == "com.example.killed"

        poll(typed)
    finally:
        terminal.kill()
    assert terminal.process.returncode == -signal.SIGKILL
    # Started again (here in-process, on the same state folder): the typing is back.
    monkeypatch.setenv("EVENTCOMPOSER_STATE_DIR", str(state))
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.query_one("#source-input", Input).value == "com.example.killed"
        assert app.state.dirty


async def test_a_second_composer_never_takes_a_running_ones_draft(
    tmp_path: Path,
    presets_dir: Path,
    terminal_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A runs (a real process) with unsaved work; B starts, restores nothing and quits cleanly
    without touching A's draft; A is killed; C restores A's work."""
    state = tmp_path / "state"
    drafts = state / "drafts"
    monkeypatch.setenv("EVENTCOMPOSER_STATE_DIR", str(state))
    terminal = Terminal(tmp_path, terminal_env)
    try:
        poll(lambda: b"DetailType" in terminal.text() or terminal.process.poll() is not None)
        assert terminal.process.poll() is None, terminal.output.decode(errors="replace")
        terminal.type("com.example.first")

        def a_draft() -> bool:
            found = sorted(drafts.glob("*.json"))
            loaded = load_draft(found[0]) if found else None
            return loaded is not None and loaded.entries[0].source == "com.example.first"

        poll(a_draft)
        (a_path,) = sorted(drafts.glob("*.json"))

        second = EventComposerApp(OFFLINE, presets_dir)
        async with second.run_test(size=SIZE, notifications=True) as pilot:
            await ready(pilot)
            assert second.form.field("source").value == ""  # not A's live batch
            assert not second.state.dirty
            assert not any("Restored" in m for m, _ in told(second))
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert a_path.exists()  # B's clean quit left A's draft alone
        assert load_draft(a_path) is not None
    finally:
        terminal.kill()
    # A is gone without quitting: its work is offered to the next composer.
    third = EventComposerApp(OFFLINE, presets_dir)
    async with third.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert third.query_one("#source-input", Input).value == "com.example.first"
        assert any("Restored your unsaved work" in m for m, _ in told(third))
    assert not a_path.exists()  # adopted: the third composer keeps it under its own name
