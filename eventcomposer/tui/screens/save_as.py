"""Save as: a preset name and a file path inside the presets folder."""

from __future__ import annotations

import re
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


def slug(name: str) -> str:
    """A file name for a preset name: ``Order placed!`` -> ``order-placed``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "preset"


class SaveAsScreen(ModalScreen[tuple[str, Path] | None]):
    """Dismisses with (name, path) or None; the path is relative to the presets folder."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_as.cancel")]

    def __init__(self, folder: Path, name: str, relative: str = "") -> None:
        super().__init__(classes="modal")
        self.folder = Path(folder)
        self.initial_name = name
        self.initial_relative = relative or (f"{slug(name)}.yaml" if name else "")
        self._path_edited = bool(relative)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save preset as", classes="dialog-title")
            yield Label("Name")
            yield Input(self.initial_name, placeholder="Order placed", id="save-name")
            yield Label(f"File (in {self.folder}/; subfolders allowed)")
            yield Input(self.initial_relative, placeholder="orders/placed.yaml", id="save-path")
            yield Static("", id="save-message", classes="field-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Typing goes to the name at once."""
        self.set_focus(self.query_one("#save-name", Input))

    @on(Input.Changed, "#save-name")
    def _name_changed(self, event: Input.Changed) -> None:
        """The file follows the name until the user edits the file themselves."""
        if not self._path_edited:
            path = self.query_one("#save-path", Input)
            with self.prevent(Input.Changed):
                path.value = f"{slug(event.input.value)}.yaml"

    @on(Input.Changed, "#save-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._path_edited = True

    def _target(self, name: str, relative: str) -> Path | str:
        """Where to write, or what is wrong. The core's rules decide (the same as the CLI's):
        no absolute path, no ``..``, no symlink leading out of the presets folder."""
        from eventcomposer.core.presets import PresetError, preset_path

        if not name.strip():
            return "A preset needs a name."
        if not relative.strip():
            return "A preset needs a file name."
        try:
            return preset_path(self.folder, relative)
        except PresetError as exc:
            return str(exc)
        except (ValueError, OSError) as exc:  # ".", a name too long for the file system
            return f"{relative!r} can't be a preset's file name: {exc}"

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#save-name", Input).value.strip()
        relative = self.query_one("#save-path", Input).value.strip()
        target = self._target(name, relative)
        if isinstance(target, str):
            self.query_one("#save-message", Static).update(target)
            return
        self.dismiss((name, target))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
