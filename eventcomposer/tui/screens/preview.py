"""F7: exactly what Send would send, variables resolved, as PutEvents API JSON with sizes.

The app resolves the batch once and hands the resolved entries here; Enter gives those very
entries back to be sent, so ``{{uuid}}`` and ``{{now}}`` have the values shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from eventcomposer.core.entries import Entry
from eventcomposer.core.sizes import entry_size, format_bytes, request_size
from eventcomposer.tui.messages import CopyRequested

#: How much of the request the preview shows: rendering text costs time in proportion to its
#: length (a 2.5 MB Detail took 23 s), and no one reads past this on screen. ``c`` copies all.
SHOWN_CHARS = 64 * 1024


def request_document(entries: Sequence[Entry], bus: str | None) -> str:
    """The PutEvents request body for ``entries``, pretty-printed."""
    return json.dumps({"Entries": [e.to_api(bus) for e in entries]}, indent=2, ensure_ascii=False)


class PreviewScreen(ModalScreen[list[Entry] | None]):
    """Dismisses with the resolved entries to send them, or None.

    ``error`` (a variable that can't be resolved) is shown instead of entries; ``problems`` are
    what validation would refuse, shown so they are not a surprise on Enter.
    """

    HELP = """\
## Preview
The batch exactly as PutEvents will receive it: variables such as `{{uuid}}` and `{{now}}`
resolved, the target bus filled in, and each entry's size as AWS counts it. **Enter** sends these
very entries (the values shown), **c** copies the JSON, **Esc** closes.
"""

    BINDINGS = [
        Binding("enter", "send", "Send these", id="preview.send"),
        Binding("c", "copy", "Copy JSON", id="preview.copy"),
        Binding("escape", "close", "Close", id="preview.close"),
    ]

    def __init__(
        self,
        entries: Sequence[Entry],
        bus: str | None,
        *,
        limit: int,
        error: str = "",
        problems: Sequence[str] = (),
    ) -> None:
        super().__init__(classes="modal")
        self.entries = list(entries)
        self.bus = bus
        self.limit = limit
        self.error = error
        self.problems = list(problems)
        self.document = "" if error else request_document(self.entries, bus)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog preview-dialog"):
            yield Static("Preview: what Send will send", classes="dialog-title")
            yield Static(self._summary(), id="preview-summary")
            with VerticalScroll(id="preview-scroll"):
                if self.error:
                    yield Static(Text(self.error, style="bold red"), id="preview-error")
                else:
                    yield Static(self._body(), id="preview-json")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Send", variant="primary", id="preview-send", disabled=bool(self.error)
                )
                yield Button("Close", id="preview-close")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#preview-scroll"))

    def _summary(self) -> Text:
        text = Text()
        if self.error:
            text.append("Variables can't be resolved; nothing can be sent.", style="red")
            return text
        count = len(self.entries)
        total = request_size(self.entries)
        text.append(f"to bus {self.bus or 'default'}", style="bold")
        text.append(f" · {count} entr{'y' if count == 1 else 'ies'} · request ")
        text.append(f"{total:,} bytes ({format_bytes(total)})", style="bold")
        text.append(f" of {self.limit:,}")
        for problem in self.problems[:3]:
            text.append(f"\n⚠ {problem}", style="red")
        if len(self.problems) > 3:
            text.append(f"\n  … and {len(self.problems) - 3} more problems", style="red")
        return text

    def _body(self) -> Text:
        """Each entry's size above its API JSON (the request's ``Entries`` items), the whole
        up to ``SHOWN_CHARS`` characters (then how much is left out, and that ``c`` copies it)."""
        text = Text()
        room = SHOWN_CHARS
        for number, entry in enumerate(self.entries, 1):
            if number > 1:
                text.append("\n\n")
            text.append(f"Entry {number}", style="bold")
            text.append(f" · {entry_size(entry):,} bytes\n", style="dim")
            body = json.dumps(entry.to_api(self.bus), indent=2, ensure_ascii=False)
            if len(body) > room:
                text.append(body[:room])
                text.append(
                    f"\n… the rest is not shown ({len(self.document):,} characters in all); "
                    "c copies the whole request.",
                    style="bold yellow",
                )
                break
            room -= len(body)
            text.append(body)
        return text

    @on(Button.Pressed, "#preview-send")
    def action_send(self) -> None:
        if self.error:
            self.notify("Nothing to send: fix the variables first.", severity="warning")
            return
        self.dismiss(self.entries)

    def action_copy(self) -> None:
        if self.document:
            request = CopyRequested(self.document, "the PutEvents request JSON", "request.json")
            self.post_message(request)

    @on(Button.Pressed, "#preview-close")
    def action_close(self) -> None:
        self.dismiss(None)
