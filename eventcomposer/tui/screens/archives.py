"""The Archives screen: a bus's archives, and an EventBridge replay of one with its progress.

The screen only displays: it asks the app for the archives (``Opened``), to start a replay and
follow it (``ReplayRequested``) and to cancel it (``CancelRequested``); the app's workers
(``tui.watching``) call ``show_archives``, ``show_replay``, ``show_cancelled`` or ``show_error``
back. When the screen goes (``Closed``), the app stops following the replay, which goes on in
EventBridge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from eventcomposer.tui.messages import WatchRequest


class Archive(Protocol):
    """An archive, as the screen lists it (``aws.archives.ArchiveInfo`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def bus(self) -> str: ...

    @property
    def state(self) -> str: ...

    @property
    def event_count(self) -> int: ...

    @property
    def size_bytes(self) -> int: ...

    @property
    def created(self) -> datetime | None: ...


class Replay(Protocol):
    """A replay's state, as the screen shows it (``aws.archives.ReplayStatus`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def state(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def done(self) -> bool: ...

    @property
    def progress(self) -> float | None: ...


class ArchivesScreen(Screen[None]):
    """Lists the archives (of ``bus``, or all); **r** replays the highlighted one."""

    HELP = """\
## Archives
The archives of the bus. Set **From** and **To** (RFC 3339, `now`, `now-2h`) and press **r** to
replay the highlighted archive's events onto its bus (or **To bus**); the progress shows until
the replay completes, fails or is cancelled (**x** asks, then cancels it). **Esc** closes; a
running replay goes on in EventBridge.
"""

    DEFAULT_CSS = """
    ArchivesScreen { layout: vertical; }
    ArchivesScreen #archives-status { height: auto; padding: 0 1; background: $boost; }
    ArchivesScreen #archives-form { height: auto; }
    ArchivesScreen #archives-form Input { width: 1fr; }
    ArchivesScreen #archives-form Label { padding: 1 1 0 1; }
    ArchivesScreen #archives-list { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="archives.close"),
        Binding("r", "replay", "Replay", id="archives.replay"),
        Binding("x", "cancel_replay", "Cancel replay", id="archives.cancel"),
    ]

    @dataclass
    class Opened(WatchRequest):
        """The screen is shown: the app lists the archives of its bus (``show_archives``)."""

        screen: ArchivesScreen

    @dataclass
    class ReplayRequested(WatchRequest):
        """Replay ``archive``'s events from ``start`` to ``end`` onto ``to_bus`` (None: the
        archived bus); the app follows it to its end (``show_replay``)."""

        screen: ArchivesScreen
        archive: str
        start: datetime
        end: datetime
        to_bus: str | None

    @dataclass
    class CancelRequested(WatchRequest):
        """Cancel the replay ``name`` (``show_cancelled``)."""

        screen: ArchivesScreen
        name: str

    @dataclass
    class Closed(WatchRequest):
        """The screen is gone: the app stops following the replay."""

        screen: ArchivesScreen

    def __init__(self, bus: str | None = None) -> None:
        super().__init__()
        self.bus = bus
        self.archives: list[Archive] = []
        self.replay: Replay | None = None
        #: A replay was asked for and has not been reported yet.
        self.starting = False

    def compose(self) -> ComposeResult:
        yield Static("Loading archives…", id="archives-status")
        with Horizontal(id="archives-form"):
            yield Label("From")
            yield Input("now-1h", id="replay-from")
            yield Label("To")
            yield Input("now", id="replay-to")
            yield Label("To bus")
            yield Input("", placeholder="the archived bus", id="replay-bus")
        yield DataTable(id="archives-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#archives-list", DataTable)
        table.add_columns("Archive", "Bus", "State", "Events", "Bytes", "Created (UTC)")
        self.set_focus(table)
        self.post_message(self.Opened(self))

    def on_unmount(self) -> None:
        self.app.post_message(self.Closed(self))

    def _status(self, text: str, style: str = "") -> None:
        if self.is_attached:
            self.query_one("#archives-status", Static).update(Text(text, style=style))

    # -- what the app's workers report ----------------------------------------------------------

    def show_error(self, message: str) -> None:
        """A listing, a replay or a cancel failed: ``message`` says which and why."""
        self.starting = False
        self._status(message, "red")

    def show_archives(self, archives: Sequence[Archive]) -> None:
        self.archives = list(archives)
        if not self.is_attached:
            return
        table = self.query_one("#archives-list", DataTable)
        table.clear()
        for archive in archives:
            table.add_row(
                archive.name,
                archive.bus,
                archive.state,
                f"{archive.event_count:,}",
                f"{archive.size_bytes:,}",
                archive.created.strftime("%Y-%m-%d %H:%M") if archive.created else "",
            )
        where = f" of bus {self.bus}" if self.bus else ""
        self._status(
            f"{len(archives)} archive(s){where}. r replays the highlighted one."
            if archives
            else f"No archives{where}."
        )

    def show_replay(self, status: Replay) -> None:
        """The replay started, or moved on."""
        self.starting = False
        self.replay = status
        progress = status.progress
        done = f" {progress:.0%}" if progress is not None and not status.done else ""
        reason = f" ({status.reason})" if status.reason else ""
        style = {"COMPLETED": "green", "FAILED": "red", "CANCELLED": "yellow"}.get(status.state, "")
        self._status(f"Replay {status.name}: {status.state}{done}{reason}", style)

    def show_cancelled(self, name: str, state: str) -> None:
        """EventBridge took the cancel (``state``: CANCELLING); the progress shows the rest."""
        self.notify(f"Replay {name}: {state}")

    # -- actions --------------------------------------------------------------------------------

    def action_replay(self) -> None:
        from eventcomposer.core.capture import parse_moment

        if self.starting or (self.replay is not None and not self.replay.done):
            name = self.replay.name if self.replay is not None and not self.starting else ""
            which = f"The replay {name}" if name else "A replay"
            self.notify(f"{which} is still running.", severity="warning")
            return
        table = self.query_one("#archives-list", DataTable)
        if not self.archives or table.row_count == 0:
            self.notify("No archive to replay.", severity="warning")
            return
        archive = self.archives[table.cursor_row]
        try:
            start = parse_moment(self.query_one("#replay-from", Input).value)
            end = parse_moment(self.query_one("#replay-to", Input).value)
        except ValueError as exc:
            self.notify(str(exc), title="From / To", severity="error")
            return
        if end <= start:
            self.notify("To must be later than From.", severity="error")
            return
        to_bus = self.query_one("#replay-bus", Input).value.strip() or None
        self._status(f"Starting a replay of {archive.name}…")
        self.starting = True
        self.post_message(self.ReplayRequested(self, archive.name, start, end, to_bus))

    def action_cancel_replay(self) -> None:
        from eventcomposer.tui.screens.confirm import ConfirmScreen

        if self.replay is None or self.replay.done:
            self.notify("No replay is running.")
            return
        name = self.replay.name

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(self.CancelRequested(self, name))

        self.app.push_screen(
            ConfirmScreen(f"Cancel the replay {name}?", yes="Cancel it", no="Let it run"),
            answered,
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_replay()

    def action_close(self) -> None:
        if self.replay is not None and not self.replay.done:
            self.notify(f"The replay {self.replay.name} goes on in EventBridge.", timeout=6)
        self.dismiss(None)
