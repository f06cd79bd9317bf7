"""Typed messages the composer's widgets and the app send each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from eventcomposer.core.entries import Entry


@dataclass
class EntryEdited(Message):
    """The entry form changed the selected entry (any field but Detail)."""

    entry: Entry


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
    """The results table asks to copy text (an EventId) to the clipboard."""

    text: str
