"""The results: FailedEntryCount, then one row per entry with its EventId or error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from eventcomposer.tui.messages import CopyRequested

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from eventcomposer.core.entries import Entry


class Outcome(Protocol):
    """One entry's outcome, as the table shows it (``aws.send.EntryOutcome`` is one)."""

    number: int
    entry: Entry
    event_id: str | None
    error_code: str | None
    error_message: str | None

    @property
    def ok(self) -> bool: ...


class Report(Protocol):
    """A send's outcomes, as the table shows them (``aws.send.SendReport`` is one)."""

    calls: int
    problem: Any

    @property
    def outcomes(self) -> Sequence[Outcome]: ...

    @property
    def failed_count(self) -> int: ...


COLUMNS = ("#", "Source", "DetailType", "EventId / ErrorCode", "ErrorMessage")


class ResultsTable(Vertical):
    """Every entry's outcome of the last send; copy an EventId with C or Enter."""

    HELP = """\
## Results
One row per entry of the last send: its number, Source, DetailType, and the **EventId** AWS gave
it, or its **ErrorCode** and **ErrorMessage**. **FailedEntryCount** is above: a call can succeed
while some of its entries fail. **C** or **Enter** copies the EventId of the selected row;
**F8** resends only the failed entries.
"""

    BINDINGS = [
        Binding("c", "copy_event_id", "Copy EventId", id="results.copy"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self.report: Report | None = None
        self._table: DataTable[Text | str] | None = None

    def compose(self) -> ComposeResult:
        yield Static("No results yet: compose an entry and press F5 to send.", id="results-summary")

    @property
    def table(self) -> DataTable[Text | str]:
        """The results grid, created (and mounted) on first use: the app asks for it only after
        its first frame, which is then not delayed by it."""
        if self._table is None:
            from textual.widgets import DataTable

            table: DataTable[Text | str] = DataTable(id="results-grid", cursor_type="row")
            for name in COLUMNS:
                table.add_column(name, key=name)
            self._table = table
            self.mount(table)
        return self._table

    @property
    def has_results(self) -> bool:
        """Whether a send's rows are shown (else only the summary line, and the pane folds)."""
        return self.report is not None

    def show_progress(self, message: str) -> None:
        self.query_one("#results-summary", Static).update(message)

    def clear(self, message: str) -> None:
        """No results to show (a refused send): only ``message``, no earlier send's rows."""
        self.report = None
        self.table.clear()
        self.add_class("-empty")
        self.show_progress(message)

    def show_report(self, report: Report, heading: str = "") -> None:
        """Fill the table from ``report`` (every entry, in order)."""
        self.report = report
        self.remove_class("-empty")
        table = self.table
        table.clear()
        for outcome in report.outcomes:
            entry = outcome.entry
            if outcome.ok:
                result = Text(outcome.event_id or "", style="green")
                message = Text("")
            else:
                result = Text(outcome.error_code or "", style="bold red")
                message = Text(outcome.error_message or "", style="red")
            table.add_row(
                str(outcome.number),
                entry.source,
                entry.detail_type,
                result,
                message,
                key=str(outcome.number),
            )
        failed = report.failed_count
        summary = Text()
        summary.append("FailedEntryCount: ", style="bold")
        summary.append(str(failed), style="bold red" if failed else "bold green")
        summary.append(f"   {len(report.outcomes) - failed} accepted, {failed} failed", style="")
        summary.append(f" · {report.calls} call(s)", style="dim")
        if heading:
            summary.append(f" · {heading}", style="dim")
        if report.problem:
            summary.append(f"\n{report.problem}", style="red")
        if failed:
            summary.append("   F8: retry failed", style="yellow")
        self.query_one("#results-summary", Static).update(summary)

    def selected_event_id(self) -> str | None:
        if self.report is None or not self.report.outcomes:
            return None
        row = self.table.cursor_row
        if not 0 <= row < len(self.report.outcomes):
            return None
        return self.report.outcomes[row].event_id

    def action_copy_event_id(self) -> None:
        event_id = self.selected_event_id()
        if event_id:
            self.post_message(CopyRequested(event_id, f"EventId {event_id}", "event-id.txt"))
        else:
            self.notify("This entry has no EventId to copy.", severity="warning")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_copy_event_id()

    def focus_table(self) -> None:
        self.table.focus()
