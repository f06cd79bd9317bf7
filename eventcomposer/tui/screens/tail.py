"""The Tail screen: what really arrives on a bus, which rules match it and why; capture to a preset.

A worker the screen owns creates a temporary rule and queue (``eventcomposer.aws.tail``), polls
the queue and removes both when the screen closes, when the worker fails, and when the screen is
unmounted for any other reason (the app quitting or crashing). What a ``kill -9`` leaves behind
is removed by the next tail, after saying so.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from eventcomposer.core.rule_matching import RuleVerdict, Verdict, evaluate_rules

if TYPE_CHECKING:
    from eventcomposer.aws.tail import CleanupReport, Tail

#: Makes (events client, sqs client); called in the screen's worker (it imports boto3).
ClientsFactory = Callable[[], tuple[Any, Any]]
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

    def __init__(
        self,
        clients: ClientsFactory,
        presets_dir: str | Path,
        bus: str | None = None,
        pattern: str | None = None,
    ) -> None:
        super().__init__()
        self.clients = clients
        self.presets_dir = Path(presets_dir)
        self.bus = bus or "default"
        self.pattern = pattern
        self.received: list[Received] = []
        self.keep_time = False
        self.state = "starting"  # starting | tailing | stopped | failed
        self.last_saved: Path | None = None
        self._stop = threading.Event()
        self._tail: Tail | None = None

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
        table.focus()
        self.run_tail()

    # -- the worker ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="tail")
    def run_tail(self) -> None:
        """Create the rule and queue, poll until stopped, and always remove them."""
        from eventcomposer.aws.errors import AwsProblem
        from eventcomposer.aws.tail import MATCH_ALL, Tail, watched_rules
        from eventcomposer.aws.tail_cleanup import clean_earlier_tails

        try:
            events, sqs = self.clients()
            clean_earlier_tails(
                events, sqs, self.bus, say=lambda m: self._from_thread(self._notify, m)
            )
            rules = watched_rules(events, self.bus)
            self._tail = Tail(events, sqs, self.bus, self.pattern or MATCH_ALL)
            if self._stop.is_set():
                return
            self._tail.start()
            self._from_thread(self._set_state, "tailing", "")
            while not self._stop.is_set():
                for event in self._tail.receive(1):
                    self._from_thread(self._add, Received(event, evaluate_rules(rules, event)))
        except AwsProblem as problem:
            self._from_thread(self._set_state, "failed", str(problem))
        except Exception as exc:  # the screen must not leak resources on any failure
            self._from_thread(self._set_state, "failed", f"{type(exc).__name__}: {exc}")
        finally:
            report = self._remove()
            if self.state != "failed":
                self._from_thread(self._set_state, "stopped", _removed_text(report))

    def _from_thread(self, callback: Callable[..., None], *args: Any) -> None:
        """Run ``callback`` on the UI thread, unless the app is already gone."""
        if self._stop.is_set() and not self.is_attached:
            return
        try:
            self.app.call_from_thread(callback, *args)
        except Exception:
            return  # the app is closing: nothing left to show

    def _remove(self) -> CleanupReport | None:
        tail = self._tail
        return tail.close() if tail is not None else None

    # -- showing events ----------------------------------------------------------------------

    def _notify(self, message: str) -> None:
        self.notify(message, title="Earlier tail cleaned up", timeout=8)

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        if not self.is_attached:
            return
        name = self._tail.name if self._tail is not None else ""
        count = f"{len(self.received)} event(s)"
        time_note = "; Time kept in captures" if self.keep_time else ""
        texts = {
            "starting": f"Tail of bus {self.bus}: starting…",
            "tailing": f"Tailing bus {self.bus} through {name}: {count}{time_note}. "
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
        from eventcomposer.core.capture import CaptureError, preset_from_events
        from eventcomposer.core.presets import PresetError, preset_path, save_preset

        chosen = [r.event for r in self.received if r.selected] or [r.event for r in self.received]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        bus_label = self.bus.rsplit("/", 1)[-1]
        try:
            preset = preset_from_events(
                chosen,
                name=f"Captured from {bus_label} at {stamp}",
                bus=self.bus,
                keep_time=self.keep_time,
                description=f"{len(chosen)} event(s) captured by the Tail screen",
            )
            path = preset_path(self.presets_dir, f"captured/{bus_label}-{stamp}.yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            save_preset(preset, path)
        except CaptureError as exc:
            self.notify(f"Nothing to save: {exc}", severity="warning")
            return
        except (PresetError, OSError) as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.last_saved = path
        self.notify(f"Saved {len(chosen)} event(s) as {path}", title="Captured", timeout=8)

    def action_close(self) -> None:
        self._stop.set()
        self.dismiss(None)

    def on_unmount(self) -> None:
        """However the screen goes (closed, app quit, a crash), stop and remove everything."""
        self._stop.set()
        self._remove()


def _removed_text(report: CleanupReport | None) -> str:
    if report is None:
        return "Nothing was created."
    text = f"Removed {', '.join(report.removed)}." if report.removed else ""
    if report.failed:
        text += f" Not removed: {'; '.join(report.failed)}"
    return text.strip()
