"""The bus picker: the account's buses (all pages, listed in a worker), the default bus, and a
free-text name or ARN for buses of other accounts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from eventcomposer.core.validation import check_bus_name
from eventcomposer.tui.messages import ScreenOpened

DEFAULT = "default"


class BusPickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen bus name or ARN ("default" for the default bus), or None."""

    HELP = """\
## Bus picker
Choose the event bus the batch is sent to: one of this account's buses, or type a name or the
ARN of another account's bus and press **Enter**. A bus that does not exist is flagged: AWS
accepts events for it and drops them.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="bus_picker.cancel")]

    class Opened(ScreenOpened):
        """The picker is shown: the app lists the account's buses for it (``show_buses``)."""

    def __init__(self, current: str | None) -> None:
        super().__init__(classes="modal")
        self.current = current or DEFAULT
        #: (name, description) of the account's buses, once the app has listed them.
        self.buses: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog bus-dialog"):
            yield Static("Switch event bus", classes="dialog-title")
            yield Label("Name or ARN (Enter to use it)")
            yield Input(self.current, placeholder="orders or arn:aws:events:…", id="bus-input")
            yield Static("", id="bus-message", classes="field-message")
            yield Static("Loading the account's buses…", id="bus-status")
            yield OptionList(Option(f"{DEFAULT}  (the default bus)", id=DEFAULT), id="bus-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use", variant="primary", id="use")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#bus-input", Input))
        self.post_message(self.Opened(self))

    def show_error(self, message: str) -> None:
        self.query_one("#bus-status", Static).update(message)

    def show_buses(self, buses: list[tuple[str, str]]) -> None:
        """Show the account's buses, (name, description) each."""
        if not self.is_attached:
            return
        self.buses = buses
        options = self.query_one("#bus-list", OptionList)
        options.clear_options()
        names = [DEFAULT, *sorted(name for name, _ in buses if name != DEFAULT)]
        descriptions = dict(buses)
        for name in names:
            label = name
            if name == DEFAULT:
                label = f"{DEFAULT}  (the default bus)"
            elif descriptions.get(name):
                label = f"{name}  — {descriptions[name]}"
            options.add_option(Option(label, id=name))
        self.query_one("#bus-status", Static).update(
            f"{len(names)} bus(es) in this account and region"
        )
        if self.current in names:
            options.highlighted = names.index(self.current)

    @property
    def names(self) -> list[str]:
        options = self.query_one("#bus-list", OptionList)
        return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]

    @on(Input.Changed, "#bus-input")
    def _typed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        problem = check_bus_name(value) if value else None
        message = self.query_one("#bus-message", Static)
        if problem:
            message.update(f"Bus {problem}")
        elif value and self.buses and value not in self.names and not value.startswith("arn:"):
            message.update(f"⚠ {value!r} is not one of this account's buses")
        else:
            message.update("")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))

    @on(Input.Submitted, "#bus-input")
    @on(Button.Pressed, "#use")
    def _use(self) -> None:
        value = self.query_one("#bus-input", Input).value.strip() or DEFAULT
        if check_bus_name(value):
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
