"""F6: past sends (from the TUI and the CLI), newest first; reopen one or resend it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from eventcomposer.core.history import HistoryRecord
from eventcomposer.tui.messages import ScreenOpened

HistoryAction = Literal["open", "resend", "resend_failed"]

#: (column label, right-aligned)
COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Time (UTC)", False),
    ("From", False),
    ("Endpoint", False),
    ("Bus", False),
    ("Entries", True),
    ("Failed", True),
    ("What", False),
)


@dataclass(frozen=True)
class HistoryChoice:
    """What the user asked for: reopen ``record`` in the composer, resend it all, or resend
    only its failed entries."""

    action: HistoryAction
    record: HistoryRecord


def _cell(text: str, right: bool = False, style: str = "") -> Text:
    return Text(text, style=style, justify="right" if right else "left", no_wrap=True)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class HistoryScreen(ModalScreen[HistoryChoice | None]):
    """Dismisses with a HistoryChoice, or None. The file is read in a worker: it may hold
    500 sends of up to 1000 entries each."""

    HELP = """\
## History
Every send from the composer and the command line, newest first. **Enter** or **o** reopens the
highlighted send in the composer (its entries as an unsaved batch), **r** resends all its
entries now, **f** resends only its failed entries (not those whose outcome is unknown: they
may have been accepted). **Esc** closes.
"""

    BINDINGS = [
        Binding("o", "choose('open')", "Reopen", id="history.open"),
        Binding("r", "choose('resend')", "Resend", id="history.resend"),
        Binding("f", "choose('resend_failed')", "Resend failed", id="history.resend_failed"),
        Binding("escape", "close", "Close", id="history.close"),
    ]

    class Opened(ScreenOpened):
        """The screen is shown: the app reads the history for it (``show_records``)."""

    def __init__(self) -> None:
        super().__init__(classes="modal")
        self.records: list[HistoryRecord] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history-dialog"):
            yield Static("History: sends, newest first", classes="dialog-title")
            yield Static("Reading the history…", id="history-status")
            table: DataTable[Text] = DataTable(id="history-table", cursor_type="row")
            for label, right in COLUMNS:
                table.add_column(_cell(label, right), key=label)
            yield table
            yield Static("", id="history-detail")
            yield Static(
                "Enter/o reopen · r resend · f resend failed · Esc close", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(DataTable))
        self.post_message(self.Opened(self))

    def show_error(self, message: str) -> None:
        if not self.is_attached:
            return
        self.loaded = True
        self.query_one("#history-status", Static).update(Text(message, style="bold red"))

    def show_records(self, records: list[HistoryRecord], where: str) -> None:
        if not self.is_attached:  # closed before the file was read
            return
        self.records = records
        table = self.query_one(DataTable)
        table.clear()
        for r in records:
            table.add_row(
                _cell(r.time.replace("T", " ").rstrip("Z")),
                _cell(r.origin),
                _cell(_short(r.endpoint, 28)),
                _cell(_short(", ".join(r.buses), 20)),
                _cell(f"{r.total:,}", right=True),
                _cell(str(r.failed) if r.failed else "", right=True, style="bold red"),
                _cell(_short(", ".join(r.labels), 30)),
                key=r.id,
            )
        status = (
            f"{len(records)} send(s), kept in {where}"
            if records
            else f"No sends yet (the history is kept in {where})."
        )
        self.query_one("#history-status", Static).update(Text(status))
        self.loaded = True
        if records:
            self._show_detail(records[0])

    @property
    def highlighted(self) -> HistoryRecord | None:
        table = self.query_one(DataTable)
        if not self.records or not 0 <= table.cursor_row < len(self.records):
            return None
        return self.records[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        record = self.highlighted
        if record is not None:
            self._show_detail(record)

    def _show_detail(self, record: HistoryRecord) -> None:
        """The highlighted send's first entries and their outcomes."""
        text = Text()
        text.append(f"{record.id}", style="bold")
        text.append(f"  {record.region} · profile {record.profile}", style="dim")
        if record.truncated:
            text.append(f"  (first {len(record.entries)} of {record.total} kept)", style="dim")
        for entry, result in list(zip(record.entries, record.results, strict=False))[:3]:
            text.append(f"\n  {entry.get('Source', '')} / {entry.get('DetailType', '')}  → ")
            if "EventId" in result:
                text.append(result["EventId"], style="green")
            else:
                text.append(
                    f"{result.get('ErrorCode', '')}: {result.get('ErrorMessage', '')}", style="red"
                )
        if len(record.entries) > 3:
            text.append(f"\n  … and {len(record.entries) - 3} more", style="dim")
        self.query_one("#history-detail", Static).update(text)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose("open")

    def action_choose(self, action: HistoryAction) -> None:
        record = self.highlighted
        if record is None:
            self.notify("No send is selected.")
            return
        self.dismiss(HistoryChoice(action, record))

    def action_close(self) -> None:
        self.dismiss(None)
