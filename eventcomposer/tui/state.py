"""The composer's state: the batch of entries being composed, the bus, and the preset it is from.

Plain Python (no Textual, no boto3) so that it is cheap to import and easy to test. Widgets read
and change it through the app; the app posts messages when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eventcomposer.core.entries import Entry
from eventcomposer.core.validation import MAX_ENTRIES_PER_CALL


def blank_entry() -> Entry:
    """A new entry as the form starts it."""
    return Entry(source="", detail_type="", detail="{}")


@dataclass
class ComposerState:
    """A list of entries (one PutEvents call), the selected one, the bus and the preset."""

    entries: list[Entry] = field(default_factory=lambda: [blank_entry()])
    selected: int = 0
    bus: str | None = None
    preset_path: Path | None = None
    preset_name: str = ""
    description: str = ""
    dirty: bool = False
    max_entries: int = MAX_ENTRIES_PER_CALL
    #: The preset file's (st_mtime_ns, st_size) when it was opened or saved (None: unknown), so
    #: that saving over a file someone changed meanwhile asks first.
    preset_stamp: tuple[int, int] | None = None

    @property
    def entry(self) -> Entry:
        """The selected entry."""
        return self.entries[self.selected]

    @property
    def bus_label(self) -> str:
        return self.bus or "default"

    @property
    def can_add(self) -> bool:
        return len(self.entries) < self.max_entries

    def update_entry(self, entry: Entry, index: int | None = None) -> bool:
        """Replace an entry (the selected one by default); returns whether anything changed."""
        index = self.selected if index is None else index
        if self.entries[index] == entry:
            return False
        self.entries[index] = entry
        self.dirty = True
        return True

    def add(self, entry: Entry | None = None) -> int:
        """Append an entry after the selected one and select it; refuses past the call limit."""
        if not self.can_add:
            raise ValueError(f"one PutEvents call takes at most {self.max_entries} entries")
        self.entries.insert(self.selected + 1, entry or blank_entry())
        self.selected += 1
        self.dirty = True
        return self.selected

    def duplicate(self) -> int:
        return self.add(self.entry.copy())

    def remove(self) -> int:
        """Remove the selected entry; the batch always keeps one (a blank one if need be)."""
        del self.entries[self.selected]
        if not self.entries:
            self.entries.append(blank_entry())
        self.selected = min(self.selected, len(self.entries) - 1)
        self.dirty = True
        return self.selected

    def move(self, delta: int) -> int:
        """Move the selected entry up (-1) or down (+1) in the batch."""
        target = self.selected + delta
        if not 0 <= target < len(self.entries):
            return self.selected
        entries = self.entries
        entries[self.selected], entries[target] = entries[target], entries[self.selected]
        self.selected = target
        self.dirty = True
        return self.selected

    def load(
        self,
        entries: list[Entry],
        bus: str | None,
        path: Path | None,
        name: str,
        description: str = "",
        stamp: tuple[int, int] | None = None,
    ) -> None:
        """Replace everything with a preset's contents (not dirty); ``stamp`` is the file's
        (st_mtime_ns, st_size) as read."""
        self.entries = [e.copy() for e in entries] or [blank_entry()]
        self.selected = 0
        self.bus = bus
        self.preset_path = path
        self.preset_name = name
        self.description = description
        self.dirty = False
        self.preset_stamp = stamp
