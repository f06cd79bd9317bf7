"""F1: help for the focused widget, and the keys that work there."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

GENERAL = """\
## eventcomposer
Compose PutEvents entries, send them to an event bus, and keep them as presets.
**F5** sends, **F2** switches the bus, **Ctrl+S** saves the preset, **Ctrl+P** opens the command
palette, **Tab** moves between panels, **Ctrl+Q** quits.
"""


class HelpScreen(ModalScreen[None]):
    """Markdown help for the focused widget (the nearest one that has HELP) and its keys."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close help", id="help.close")]

    def __init__(self, help_text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.help_text = help_text
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            with VerticalScroll():
                yield Markdown(self.help_text + "\n\n" + GENERAL, id="help-text")
                lines = "\n".join(f"  {key:<16} {description}" for key, description in self.keys)
                yield Static(f"Keys here:\n{lines}", id="help-keys")
            yield Static("Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
