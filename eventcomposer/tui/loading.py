"""Entries from elsewhere (the history, AWS CLI input) as a batch the composer can show.

Plain Python, like ``state``: what to keep of the entries (one call's worth) and which bus the
batch goes to, so that reopening and importing behave the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventcomposer.core.entries import Entry

DEFAULT_BUS = "default"


@dataclass(frozen=True)
class LoadedBatch:
    """The entries to show, the bus for the batch (None: default) and a note for the user."""

    entries: list[Entry]
    bus: str | None
    note: str = ""


def batch_from_entries(entries: Sequence[Entry], max_entries: int) -> LoadedBatch:
    """The first ``max_entries`` entries; a bus they all name becomes the batch's bus (shown in
    the header, switched with F2) instead of staying hidden in each entry."""
    kept = [e.copy(detail_as_mapping=True) for e in entries[:max_entries]]
    notes = []
    if len(entries) > len(kept):
        notes.append(f"first {len(kept)} of {len(entries)} entries: one call's worth")
    buses = {e.event_bus_name or DEFAULT_BUS for e in kept}
    bus: str | None = None
    if len(buses) == 1:
        only = buses.pop()
        bus = None if only == DEFAULT_BUS else only
        kept = [e.copy(event_bus_name=None) for e in kept]
    elif buses:
        notes.append(f"the entries go to {len(buses)} buses: {', '.join(sorted(buses))}")
    return LoadedBatch(kept, bus, "; ".join(notes))
