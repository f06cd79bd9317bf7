"""The Tail screen: what really arrives on a bus, which rules match it and why; capture to a preset.

The screen only displays. Shown, it asks the app to tail its bus (``Opened``): the app's worker
(``tui.watching``) creates a temporary rule and queue, polls the queue and hands each event here
with its rules' verdicts (``show_event``). When the screen goes, closed or with the app quitting or
crashing, the app removes the rule and queue (``Closed``, and the app's own unmount). What a
``kill -9`` leaves behind is removed by the next tail, after saying so. **c** asks the app to save
the chosen events as a preset (``CaptureRequested``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from eventcomposer.core.rule_matching import RuleVerdict, Verdict
from eventcomposer.tui.messages import WatchRequest

#: Rows kept on screen; older events are dropped from the table (not from a running capture).
MAX_ROWS = 1000


@dataclass
class Received:
    event: dict[str, Any]
    verdicts: list[RuleVerdict]
    selected: bool = False

    @property
    def matched(self) -> list[str]:
        return [v.rule.name for v in self.verdicts if v.verdict is Verdict.MATCH and not v.disabled]


class TailScreen(Screen[None]):
    """Tails ``bus`` (with ``pattern``, default every event) until closed."""

    HELP = """\
## Tail
Watches the bus through a temporary rule and SQS queue (named `eventcomposer-tail-<id>`),
removed when this screen closes. Each event shows which of the bus's rules match it; the
panel on the right says why, rule by rule. **Space** selects events, **c** saves the selected
ones (or all) as a preset in `captured/`, **t** keeps their Time in the preset, **Esc** stops.
"""

    DEFAULT_CSS = """
    TailScreen { layout: vertical; }
    TailScreen #tail-status { height: auto; padding: 0 1; background: $boost; }
    TailScreen #tail-body { height: 1fr; }
    TailScreen #tail-events { width: 3fr; }
    TailScreen #tail-why { width: 2fr; border-left: solid $primary; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Stop and close", id="tail.close"),
        Binding("space", "toggle_select", "Select", id="tail.select"),
        Binding("c", "capture", "Save as preset", id="tail.capture"),
        Binding("t", "toggle_time", "Keep Time", id="tail.time"),
    ]

    @dataclass
    class Opened(WatchRequest):
        """The screen is shown: the app tails its bus for it (``show_tailing``, ``show_event``,
        ``show_stopped`` or ``show_failed``, and ``show_notice`` about earlier tails)."""

        screen: TailScreen

    @dataclass
    class Closed(WatchRequest):
        """The screen is gone (closed, or the app ending): the app stops the tail and removes
        its rule and queue."""

        screen: TailScreen

    @dataclass
    class CaptureRequested(WatchRequest):
        """Save ``events`` as a preset in the presets folder's captured/ (``show_saved`` or
        ``show_not_saved``)."""

        screen: TailScreen
        events: list[dict[str, Any]]
        keep_time: bool

    def __init__(self, bus: str | None = None, pattern: str | None = None) -> None:
        super().__init__()
        self.bus = bus or "default"
        self.pattern = pattern
        self.received: list[Received] = []
        self.keep_time = False
        self.state = "starting"  # starting | tailing | stopped | failed
        #: The name of the tail's rule and queue, once created.
        self.tail_name = ""
        self.last_saved: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Tail of bus {self.bus}: starting…", id="tail-status")
        with Horizontal(id="tail-body"):
            yield DataTable(id="tail-events", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="tail-why"):
                yield Static("Events appear here as they arrive.", id="tail-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tail-events", DataTable)
        table.add_columns(" ", "Time (UTC)", "Source", "DetailType", "Rules that match")
        self.set_focus(table)
        self.post_message(self.Opened(self))

    def on_unmount(self) -> None:
        """However the screen goes (closed, the app quitting), the app removes the rule and
        queue (when the app crashes, its own unmount does)."""
        self.app.post_message(self.Closed(self))

    # -- what the app's tail reports ------------------------------------------------------------

    def show_notice(self, message: str) -> None:
        """What an earlier tail left behind, and that it is being removed."""
        self.notify(message, title="Earlier tail cleaned up", timeout=8)

    def show_tailing(self, name: str) -> None:
        """The rule and queue ``name`` exist: events arrive from now on."""
        self.tail_name = name
        self._set_state("tailing", "")

    def show_stopped(self, removed: str) -> None:
        """The tail ended; ``removed`` says what was removed (and what could not be)."""
        self._set_state("stopped", removed)

    def show_failed(self, message: str) -> None:
        self._set_state("failed", message)

    def show_event(self, event: dict[str, Any], verdicts: list[RuleVerdict]) -> None:
        """An event arrived; ``verdicts``: each rule of the bus on it."""
        self._add(Received(event, verdicts))

    def show_saved(self, path: Path, count: int) -> None:
        self.last_saved = path
        self.notify(f"Saved {count} event(s) as {path}", title="Captured", timeout=8)

    def show_not_saved(self, message: str, nothing: bool = False) -> None:
        """The capture was not saved: ``nothing`` to save, or the file could not be written."""
        if nothing:
            self.notify(f"Nothing to save: {message}", severity="warning")
        else:
            self.notify(message, title="Not saved", severity="error", timeout=10)

    # -- showing events ----------------------------------------------------------------------

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        if not self.is_attached:
            return
        count = f"{len(self.received)} event(s)"
        time_note = "; Time kept in captures" if self.keep_time else ""
        texts = {
            "starting": f"Tail of bus {self.bus}: starting…",
            "tailing": f"Tailing bus {self.bus} through {self.tail_name}: {count}{time_note}. "
            "Esc stops and removes the rule and queue.",
            "stopped": f"Stopped: {count}. {message}",
            "failed": f"Tail failed: {message}",
        }
        status = self.query_one("#tail-status", Static)
        status.update(Text(texts[state], style="bold red" if state == "failed" else ""))
        if state == "failed":
            self.notify(message, title="Tail failed", severity="error", timeout=15)

    def _add(self, item: Received) -> None:
        self.received.append(item)
        if not self.is_attached:
            return
        table = self.query_one("#tail-events", DataTable)
        event = item.event
        matched = item.matched
        table.add_row(
            "",
            str(event.get("time", ""))[11:19],
            str(event.get("source", "")),
            str(event.get("detail-type", "")),
            Text(", ".join(matched) or "none", style="green" if matched else "yellow"),
            key=str(len(self.received) - 1),
        )
        if table.row_count > MAX_ROWS:
            table.remove_row(str(len(self.received) - 1 - MAX_ROWS))
        if len(self.received) == 1:
            self._show_why(item)
        self._set_state(self.state, "")

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        if message.row_key.value is not None:
            self._show_why(self.received[int(message.row_key.value)])

    def _show_why(self, item: Received) -> None:
        text = Text()
        for verdict in item.verdicts:
            ok = verdict.verdict is Verdict.MATCH
            text.append("✓ " if ok else "✗ ", style="green" if ok else "red")
            text.append(verdict.rule.name + (" (disabled)" if verdict.disabled else ""))
            text.append(f"  {verdict.reason}\n", style="dim")
        if not item.verdicts:
            text.append("The bus has no rules.\n", style="dim")
        text.append("\n" + json.dumps(item.event, indent=2, ensure_ascii=False))
        self.query_one("#tail-detail", Static).update(text)

    # -- actions -------------------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        table = self.query_one("#tail-events", DataTable)
        if not self.received or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        item = self.received[int(key.value or 0)]
        item.selected = not item.selected
        table.update_cell(key, table.ordered_columns[0].key, "●" if item.selected else "")

    def action_toggle_time(self) -> None:
        self.keep_time = not self.keep_time
        self.notify(f"Captured presets {'keep' if self.keep_time else 'leave out'} each Time.")
        self._set_state(self.state, "")

    def action_capture(self) -> None:
        """Save the selected events (or all) as a preset in the presets folder's captured/."""
        chosen = [r.event for r in self.received if r.selected] or [r.event for r in self.received]
        self.post_message(self.CaptureRequested(self, chosen, self.keep_time))

    def action_close(self) -> None:
        self.dismiss(None)
