"""A labelled one-line input with its validation message beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from eventcomposer.tui.widgets.static_text import show_text


def leaves_alt_keys(key: str) -> bool:
    """Alt+key is the composer's (Alt+D and the like jump to a pane, Alt+N starts a new
    batch), not text: a terminal sends Alt+D as Esc d, which a text widget would otherwise keep
    for itself, and its app's bindings would never see."""
    return key.startswith("alt+")


class FieldInput(Input):
    """The composer's one-line input: types text, leaves Alt+key to the composer's keys."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return not leaves_alt_keys(key) and super().check_consume_key(key, character)


class ValidatedField(Horizontal):
    """``Label  [input]  message``; the message is red when the value is not valid."""

    def __init__(
        self,
        label: str,
        *,
        placeholder: str = "",
        field_name: str,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="field")
        self.label = label
        self.placeholder = placeholder
        self.field_name = field_name
        # Kept, not queried: the composer shows every field's problem after every edit.
        self._input = FieldInput(placeholder=placeholder, compact=True, id=f"{id}-input")
        self._message = Static("", classes="field-message")

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="field-label")
        yield self._input
        yield self._message

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self.input.value

    @property
    def message(self) -> str:
        return str(self._message.content)

    def set_message(self, message: str | None) -> None:
        """Show ``message`` (a problem) beside the input, or clear it."""
        show_text(self._message, message or "")
        self.set_class(bool(message), "-invalid")
