"""F1: help for the focused widget, and the keys that work there."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from eventcomposer.tui.help_texts import GENERAL


class HelpScreen(ModalScreen[None]):
    """Markdown help for the focused widget (the nearest one that has HELP) and its keys."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close help", id="help.close")]

    def __init__(self, help_text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.help_text = help_text
        self.keys = keys

    @classmethod
    def for_focus(cls, app: App[Any], fallback: str) -> HelpScreen:
        """Help for the focused widget (the nearest with HELP, else ``fallback``) and the keys
        that work there: the footer's, and ours kept off it (they carry ids; the widgets' own
        cursor keys don't and stay out of the list)."""
        help_text = ""
        node: Any = app.focused
        while node is not None and node is not app:
            text = getattr(node, "HELP", None)
            if text:
                help_text = text
                break
            node = node.parent
        # The app's priority keys win where a focused widget binds the same key (F6 and F7 in
        # the Detail editor), though active_bindings lists the widget's.
        priority = {
            key: binding
            for binding in app.BINDINGS
            if isinstance(binding, Binding) and binding.priority
            for key in binding.key.split(",")
        }
        keys = []
        for key, active in app.screen.active_bindings.items():
            binding = priority.get(key, active.binding)
            if binding.description and (binding.show or binding.id):
                keys.append((binding.key_display or key, binding.description))
        return cls(help_text or fallback, keys)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self.help_text + "\n\n" + GENERAL, id="help-text")
                lines = "\n".join(f"  {key:<16} {description}" for key, description in self.keys)
                yield Static(f"Keys here:\n{lines}", id="help-keys")
            yield Static("↑↓ PgUp PgDn scroll · Esc closes", classes="dialog-hint")

    def on_mount(self) -> None:
        """The keys scroll the help at once (no Tab first)."""
        self.set_focus(self.query_one("#help-scroll"))

    def action_close(self) -> None:
        self.dismiss(None)
