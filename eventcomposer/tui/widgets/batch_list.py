"""The batch: up to 10 entries sent in one PutEvents call; add, duplicate, remove, reorder."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ListItem, ListView, Static

from eventcomposer.core.entries import Entry
from eventcomposer.tui.messages import BatchAction, EntrySelected
from eventcomposer.tui.widgets.static_text import show_text


def short_source(source: str) -> str:
    """A Source as the narrow batch list shows it: its last part (``com.example.orders`` ->
    ``…orders``); the form shows it whole."""
    head, _, last = source.rpartition(".")
    return f"…{last}" if head and last else source


def entry_label(number: int, entry: Entry, invalid: bool) -> Text:
    """``✓ 1 Order Placed · …orders`` (✗ when the entry has a problem). The DetailType comes
    first: the entries of a batch mostly share their Source, and a row is cut at 22 columns."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("✗ " if invalid else "✓ ", style="bold red" if invalid else "green")
    text.append(f"{number} ", style="bold")
    text.append(
        entry.detail_type or "(no detail type)", style="" if entry.detail_type else "dim italic"
    )
    text.append(" · ", style="dim")
    source = short_source(entry.source)
    text.append(source or "(no source)", style="" if entry.source else "dim")
    return text


class BatchList(Vertical):
    """The entries of the batch; the highlighted one is shown in the form."""

    HELP = """\
## Batch
The entries sent together in one PutEvents call (at most 10). **Up/Down** select an entry;
**A** adds one, **D** duplicates, **Delete** removes, **Shift+Up/Down** move it.
**Ctrl+N** adds an entry from anywhere.
"""

    BINDINGS = [
        Binding("a", "batch('add')", "Add", id="batch.add"),
        Binding("d", "batch('duplicate')", "Duplicate", id="batch.duplicate"),
        Binding("delete,x", "batch('remove')", "Remove", id="batch.remove"),
        Binding("shift+up", "batch('up')", "Move up", id="batch.up"),
        Binding("shift+down", "batch('down')", "Move down", id="batch.down"),
    ]

    def __init__(self, entries: Sequence[Entry] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = list(entries)
        self._lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static(f"Batch · {len(self._initial)} of 10", id="batch-title", classes="panel-title")
        yield ListView(
            *(ListItem(Static(entry_label(i + 1, e, False))) for i, e in enumerate(self._initial)),
            id="batch-items",
            initial_index=0,
        )

    @property
    def list_view(self) -> ListView:
        return self.query_one(ListView)

    async def show(self, entries: Sequence[Entry], selected: int, invalid: set[int]) -> None:
        """Show ``entries``; ``invalid`` holds 0-based indexes of entries with problems."""
        async with self._lock:  # one rebuild at a time: they await mounting
            view = self.list_view
            show_text(self.query_one("#batch-title", Static), f"Batch · {len(entries)} of 10")
            items = list(view.query(ListItem))
            labels = [list(item.query(Static)) for item in items]
            with self.prevent(ListView.Highlighted):
                if len(items) != len(entries) or not all(labels):
                    await view.clear()
                    await view.extend(
                        ListItem(Static(entry_label(i + 1, e, i in invalid)))
                        for i, e in enumerate(entries)
                    )
                else:
                    for i, (found, entry) in enumerate(zip(labels, entries, strict=True)):
                        show_text(found[0], entry_label(i + 1, entry, i in invalid))
                view.index = selected

    def action_batch(self, action: str) -> None:
        self.post_message(BatchAction(action))

    @on(ListView.Highlighted)
    def _highlighted(self, event: ListView.Highlighted) -> None:
        event.stop()
        if event.list_view.index is not None:
            self.post_message(EntrySelected(event.list_view.index))
