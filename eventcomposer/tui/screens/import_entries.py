"""Ctrl+O: entries from the AWS CLI's own input formats, pasted or from a ``file://`` path.

Takes ``--entries`` JSON, ``--cli-input-json`` and ``--cli-input-yaml`` (the core's
``parse_any``). A parse error is shown in the dialog, which stays open with the text as it was.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from eventcomposer.core.cli_formats import CliInput, InputFormatError, parse_any, read_argument

PASTED = "pasted text"


def parse_import(text: str, path: str) -> CliInput:
    """Entries from ``path`` (``file://`` optional) if given, else from ``text``.

    Raises InputFormatError with the problem in words."""
    if path.strip():
        location = path.strip()
        if not location.startswith("file://"):
            location = f"file://{location}"
        text, name = read_argument(location)
    else:
        name = PASTED
    if not text.strip():
        raise InputFormatError(
            "Paste --entries JSON, --cli-input-json or --cli-input-yaml, or give a file."
        )
    document = parse_any(text, name)
    if not document.entries:
        raise InputFormatError(f"{name}: holds no entries")
    return document


class ImportScreen(ModalScreen[CliInput | None]):
    """Dismisses with the parsed input, or None. Reading and parsing run in a worker (a file
    may be large, and YAML is slow to parse)."""

    HELP = """\
## Import AWS CLI entries
Paste what you would give `aws events put-events`: the `--entries` JSON list, a
`--cli-input-json` document (`{"Entries": [...]}`) or `--cli-input-yaml`; or give a file as
`file://path`. **Import** loads the entries into the composer as an unsaved batch.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="modal")
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog import-dialog"):
            yield Static("Import AWS CLI entries", classes="dialog-title")
            yield Label("Paste --entries JSON, --cli-input-json or --cli-input-yaml")
            yield TextArea(id="import-text", soft_wrap=True, show_line_numbers=False)
            yield Label("…or read a file")
            yield Input(placeholder="file://entries.json", id="import-path")
            yield Static("", id="import-message", classes="field-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", variant="primary", id="import")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#import-text", TextArea))

    @property
    def message(self) -> str:
        return str(self.query_one("#import-message", Static).content)

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#import-message", Static).update("Reading…")
        self.parse(
            self.query_one("#import-text", TextArea).text,
            self.query_one("#import-path", Input).value,
        )

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def parse(self, text: str, path: str) -> None:
        try:
            document = parse_import(text, path)
        except InputFormatError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # never leave the dialog stuck in "Reading…"
            self.app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._parsed, document)

    def _parsed(self, document: CliInput) -> None:
        if self.is_current:  # not cancelled meanwhile
            self.dismiss(document)

    def _failed(self, message: str) -> None:
        if not self.is_current:
            return
        self.busy = False
        self.query_one("#import-message", Static).update(message)
        self.app.bell()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
