"""The Archives screen: a bus's archives, and an EventBridge replay of one with its progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

if TYPE_CHECKING:
    from eventcomposer.aws.archives import ArchiveInfo, ReplayStatus

#: Seconds between two DescribeReplay calls while a replay runs.
POLL_SECONDS = 2.0


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

    def __init__(self, events_factory: Callable[[], Any], bus: str | None = None) -> None:
        """``events_factory`` makes an events client; it is called in a worker."""
        super().__init__()
        self.events_factory = events_factory
        self.bus = bus
        self.archives: list[ArchiveInfo] = []
        self.replay: ReplayStatus | None = None
        self._stop = threading.Event()

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
        table.focus()
        self.load_archives()

    def _status(self, text: str, style: str = "") -> None:
        if self.is_attached:
            self.query_one("#archives-status", Static).update(Text(text, style=style))

    @work(thread=True, exclusive=True, group="archives-list")
    def load_archives(self) -> None:
        from eventcomposer.aws.archives import list_archives
        from eventcomposer.aws.errors import AwsProblem

        try:
            archives = list_archives(self.events_factory(), self.bus)
        except AwsProblem as problem:
            self.app.call_from_thread(self._status, f"Could not list archives: {problem}", "red")
            return
        self.app.call_from_thread(self._show_archives, archives)

    def _show_archives(self, archives: list[ArchiveInfo]) -> None:
        self.archives = archives
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

    def action_replay(self) -> None:
        from eventcomposer.core.capture import parse_moment

        if self.replay is not None and not self.replay.done:
            self.notify(f"The replay {self.replay.name} is still running.", severity="warning")
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
        self.run_replay(archive.name, start, end, to_bus)

    @work(thread=True, exclusive=True, group="replay")
    def run_replay(self, archive: str, start: datetime, end: datetime, to_bus: str | None) -> None:
        """Start the replay and follow it until it ends or the screen closes."""
        from eventcomposer.aws.archives import describe_replay, start_replay
        from eventcomposer.aws.errors import AwsProblem

        try:
            events = self.events_factory()
            status = start_replay(events, archive, start, end, to_bus)
            self.app.call_from_thread(self._show_replay, status)
            while not status.done and not self._stop.wait(POLL_SECONDS):
                status = describe_replay(events, status.name)
                self.app.call_from_thread(self._show_replay, status)
        except AwsProblem as problem:
            self.app.call_from_thread(self._status, f"Replay: {problem}", "red")

    def _show_replay(self, status: ReplayStatus) -> None:
        self.replay = status
        progress = status.progress
        done = f" {progress:.0%}" if progress is not None and not status.done else ""
        reason = f" ({status.reason})" if status.reason else ""
        style = {"COMPLETED": "green", "FAILED": "red", "CANCELLED": "yellow"}.get(status.state, "")
        self._status(f"Replay {status.name}: {status.state}{done}{reason}", style)

    def action_cancel_replay(self) -> None:
        from eventcomposer.tui.screens.confirm import ConfirmScreen

        if self.replay is None or self.replay.done:
            self.notify("No replay is running.")
            return
        name = self.replay.name

        def answered(yes: bool | None) -> None:
            if yes:
                self.cancel_worker(name)

        self.app.push_screen(
            ConfirmScreen(f"Cancel the replay {name}?", yes="Cancel it", no="Let it run"),
            answered,
        )

    @work(thread=True, group="replay-cancel")
    def cancel_worker(self, name: str) -> None:
        from eventcomposer.aws.archives import cancel_replay
        from eventcomposer.aws.errors import AwsProblem

        try:
            state = cancel_replay(self.events_factory(), name)
        except AwsProblem as problem:
            self.app.call_from_thread(self._status, f"Not cancelled: {problem}", "red")
            return
        self.app.call_from_thread(self.notify, f"Replay {name}: {state}")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_replay()

    def action_close(self) -> None:
        if self.replay is not None and not self.replay.done:
            self.notify(f"The replay {self.replay.name} goes on in EventBridge.", timeout=6)
        self._stop.set()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self._stop.set()
