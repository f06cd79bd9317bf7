"""Typed messages the composer's widgets and the app send each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen


class FormEdited(Message):
    """A field of the entry form changed. No value comes with it: by the time it is handled an
    action may have applied a newer one, so the app applies what the inputs hold then
    (``EntryForm.pending_edits``)."""


@dataclass
class EntrySelected(Message):
    """The user selected another entry of the batch (0-based ``index``)."""

    index: int


@dataclass
class BatchAction(Message):
    """The batch list asks for an action on the selected entry: add, duplicate, remove, up, down."""

    action: str


@dataclass
class PresetChosen(Message):
    """The presets browser asks to open a preset file."""

    path: Path


@dataclass
class PresetDeleteRequested(Message):
    """The presets browser asks to delete a preset file (after confirmation)."""

    path: Path


@dataclass
class ResourcesChanged(Message):
    """The resources editor's list of resources changed."""

    resources: list[str]


@dataclass
class CopyRequested(Message):
    """A widget or screen asks to copy text (an EventId, the request) to the clipboard:
    ``what`` it is in words, and the file Alt+W writes it to if the terminal did not take it."""

    text: str
    what: str = ""
    file_name: str = "copied.txt"


@dataclass
class ScreenOpened(Message):
    """A dialog that shows what the app fetches is up (the bus picker: the account's buses; the
    history: its sends): the app's backend fetches it in a worker and calls the screen's
    ``show_*`` methods back. Each such screen's ``Opened`` derives from this."""

    screen: Screen[Any]


class WatchRequest(Message):
    """What the Tail and Archives screens ask the app for (each screen's own typed messages
    derive from this): the app's ``tui.watching.Watching`` does the I/O in a worker and calls
    the screen's ``show_*`` methods back with what it found."""
