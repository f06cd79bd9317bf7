"""New entry from schema: pick a JSON Schema file, or a registry → schema → version of the
EventBridge Schema Registry (listed by the app's workers), and the entry's Detail is a sample."""

from __future__ import annotations

from typing import Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class SchemaListings(Protocol):
    """What lists the registry for the picker (the app's schema controller, in workers); each
    answers by calling the screen back: ``show_registries``, ``show_schemas``,
    ``show_versions`` or ``show_error``."""

    def list_registries(self, screen: SchemaPickerScreen) -> None: ...

    def list_schemas(self, screen: SchemaPickerScreen, registry: str) -> None: ...

    def list_versions(self, screen: SchemaPickerScreen, registry: str, name: str) -> None: ...


class SchemaPickerScreen(ModalScreen[str | None]):
    """Dismisses with a schema reference (a file, or ``registry/name@version``), or None."""

    HELP = """\
## New entry from schema
Type a JSON Schema file (JSON or YAML; relative to the presets folder or the folders above it)
and press **Enter**, or pick a registry, a schema and a version of the EventBridge Schema
Registry (`aws.events` holds AWS services' events). A new entry is added whose Detail is a
sample that satisfies the schema; its Detail is then checked against the schema as you type.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="schema_picker.cancel")]

    def __init__(self, listings: SchemaListings, file: str = "") -> None:
        super().__init__(classes="modal")
        self.listings = listings
        self.file = file
        self.registry: str | None = None
        self.schema: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog schema-dialog"):
            yield Static("New entry from schema", classes="dialog-title")
            yield Label("JSON Schema file (Enter to use it)")
            yield Input(self.file, placeholder="schemas/order-placed.json", id="schema-file")
            yield Label("or the Schema Registry: registry → schema → version")
            with Horizontal(id="schema-columns"):
                yield OptionList(id="schema-registries")
                yield OptionList(id="schema-names")
                yield OptionList(id="schema-versions")
            yield Static("Listing the registries…", id="schema-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#schema-file", Input))
        self.listings.list_registries(self)

    # -- called back by the app's workers -----------------------------------------------------

    def show_error(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#schema-status", Static).update(message)

    def show_registries(self, names: list[str]) -> None:
        self._fill("#schema-registries", names)
        self.show_error(f"{len(names)} registr{'y' if len(names) == 1 else 'ies'}")

    def show_schemas(self, registry: str, names: list[str]) -> None:
        if registry != self.registry:
            return  # another registry was picked meanwhile
        self._fill("#schema-names", names)
        self.show_error(f"{len(names)} schema(s) in {registry}")

    def show_versions(self, registry: str, name: str, versions: list[str]) -> None:
        if (registry, name) != (self.registry, self.schema):
            return
        self._fill("#schema-versions", versions)
        self.show_error(f"{name}: {len(versions)} version(s), newest first")

    def _fill(self, selector: str, names: list[str]) -> None:
        if not self.is_attached:
            return
        options = self.query_one(selector, OptionList)
        options.clear_options()
        options.add_options([Option(name, id=name) for name in names])
        if names:
            options.highlighted = 0

    # -- choosing -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#schema-registries")
    def _registry(self, event: OptionList.OptionSelected) -> None:
        self.registry, self.schema = str(event.option.id), None
        self._fill("#schema-names", [])
        self._fill("#schema-versions", [])
        self.show_error(f"Listing the schemas of {self.registry}…")
        self.listings.list_schemas(self, self.registry)
        self.set_focus(self.query_one("#schema-names", OptionList))

    @on(OptionList.OptionSelected, "#schema-names")
    def _schema(self, event: OptionList.OptionSelected) -> None:
        if self.registry is None:
            return
        self.schema = str(event.option.id)
        self._fill("#schema-versions", [])
        self.show_error(f"Listing the versions of {self.schema}…")
        self.listings.list_versions(self, self.registry, self.schema)
        self.set_focus(self.query_one("#schema-versions", OptionList))

    @on(OptionList.OptionSelected, "#schema-versions")
    def _version(self, event: OptionList.OptionSelected) -> None:
        if self.registry and self.schema:
            self.dismiss(f"{self.registry}/{self.schema}@{event.option.id}")

    @on(Input.Submitted, "#schema-file")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        value = self.query_one("#schema-file", Input).value.strip()
        if value:
            self.dismiss(value)
            return
        versions = self.query_one("#schema-versions", OptionList)
        if self.registry and self.schema and versions.highlighted is not None:
            version = versions.get_option_at_index(versions.highlighted).id
            self.dismiss(f"{self.registry}/{self.schema}@{version}")
        else:
            self.show_error("Type a schema file, or pick a registry, a schema and a version.")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
