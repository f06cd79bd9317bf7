"""Splitting entries into PutEvents calls: at most N entries and at most the size limit each."""

from __future__ import annotations

from collections.abc import Sequence

from eventcomposer.core.entries import Entry
from eventcomposer.core.sizes import entry_size
from eventcomposer.core.validation import DEFAULT_LIMITS, Limits


def plan_calls(entries: Sequence[Entry], limits: Limits = DEFAULT_LIMITS) -> list[list[int]]:
    """Indexes of ``entries`` grouped into calls, in order.

    A new call starts when the current one holds ``entries_per_call`` entries or the next entry
    would take it past ``request_bytes``. An entry larger than the limit on its own still gets a
    call of its own (validation refuses it before sending; this only never merges it).
    """
    calls: list[list[int]] = []
    current: list[int] = []
    current_bytes = 0
    for index, entry in enumerate(entries):
        size = entry_size(entry)
        if current and (
            len(current) >= limits.entries_per_call or current_bytes + size > limits.request_bytes
        ):
            calls.append(current)
            current, current_bytes = [], 0
        current.append(index)
        current_bytes += size
    if current:
        calls.append(current)
    return calls
