"""Drafts: the composer's unsaved batch, kept on disk so that a crash or a kill loses nothing.

Pure (de)serialization and the file's read and write; the TUI decides when to save. A draft holds
what the user typed (entries with Detail exactly as in the editor, the bus, the preset it came
from) and nothing else: no settings, so no credentials can ever end up in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcomposer.core.entries import Entry
from eventcomposer.core.files import atomic_write_text

DRAFT_VERSION = 1
#: A draft is a batch of at most 10 entries of at most 1 MiB each, in JSON; anything much bigger
#: is not ours, and reading it would slow startup down.
MAX_DRAFT_BYTES = 64 * 1024 * 1024

_ENTRY_STRINGS = ("source", "detail_type", "detail")
_ENTRY_OPTIONAL = ("time", "trace_header", "event_bus_name")


class DraftError(ValueError):
    """A draft file that can't be read or is not a draft; the message says why."""


@dataclass
class Draft:
    """The composer's state as last seen: restored on the next start.

    ``preset_stamp`` is the open preset file's (st_mtime_ns, st_size) when it was opened or saved,
    so that a save after restoring still notices the file changed on disk meanwhile.
    """

    entries: list[Entry]
    selected: int = 0
    bus: str | None = None
    preset_path: Path | None = None
    preset_name: str = ""
    description: str = ""
    dirty: bool = True
    saved_at: float = 0.0
    preset_stamp: tuple[int, int] | None = field(default=None)


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """Every attribute of ``entry`` (not the API shape: Detail stays the editor's text)."""
    return {
        "source": entry.source,
        "detail_type": entry.detail_type,
        "detail": entry.detail,
        "resources": list(entry.resources),
        "time": entry.time,
        "trace_header": entry.trace_header,
        "event_bus_name": entry.event_bus_name,
        "detail_as_mapping": entry.detail_as_mapping,
        "key_order": list(entry.key_order),
    }


def entry_from_json(data: Any, where: str) -> Entry:
    """The inverse of :func:`entry_to_json`; DraftError names ``where`` and the field."""
    if not isinstance(data, Mapping):
        raise DraftError(f"{where}: not an object")
    values: dict[str, Any] = {}
    for name in _ENTRY_STRINGS:
        value = data.get(name, "")
        if not isinstance(value, str):
            raise DraftError(f"{where}: {name} is not a string")
        values[name] = value
    for name in _ENTRY_OPTIONAL:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise DraftError(f"{where}: {name} is not a string")
        values[name] = value
    for name in ("resources", "key_order"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DraftError(f"{where}: {name} is not a list of strings")
        values[name] = value
    as_mapping = data.get("detail_as_mapping", True)
    if not isinstance(as_mapping, bool):
        raise DraftError(f"{where}: detail_as_mapping is not true or false")
    return Entry(
        source=values["source"],
        detail_type=values["detail_type"],
        detail=values["detail"],
        resources=list(values["resources"]),
        time=values["time"],
        trace_header=values["trace_header"],
        event_bus_name=values["event_bus_name"],
        detail_as_mapping=as_mapping,
        key_order=tuple(values["key_order"]),
    )


def draft_to_json(draft: Draft) -> str:
    """The draft as JSON text (UTF-8 as is, so a large Detail costs no escaping)."""
    data = {
        "version": DRAFT_VERSION,
        "saved_at": draft.saved_at,
        "selected": draft.selected,
        "bus": draft.bus,
        "preset_path": str(draft.preset_path) if draft.preset_path is not None else None,
        "preset_name": draft.preset_name,
        "description": draft.description,
        "dirty": draft.dirty,
        "preset_stamp": list(draft.preset_stamp) if draft.preset_stamp else None,
        "entries": [entry_to_json(e) for e in draft.entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def draft_from_json(text: str) -> Draft:
    """Parse a draft; DraftError says what is wrong (never another exception)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DraftError(f"not valid JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise DraftError("not a JSON object")
    version = data.get("version")
    if version != DRAFT_VERSION:
        raise DraftError(f"version {version!r} is not one this eventcomposer reads")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise DraftError("no entries")
    entries = [entry_from_json(e, f"entry {i}") for i, e in enumerate(raw_entries, 1)]
    selected = data.get("selected", 0)
    if not isinstance(selected, int) or isinstance(selected, bool):
        raise DraftError("selected is not a number")
    saved_at = data.get("saved_at", 0.0)
    if not isinstance(saved_at, (int, float)) or isinstance(saved_at, bool):
        raise DraftError("saved_at is not a number")
    texts: dict[str, str | None] = {}
    for name in ("bus", "preset_path", "preset_name", "description"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise DraftError(f"{name} is not a string")
        texts[name] = value
    dirty = data.get("dirty", True)
    if not isinstance(dirty, bool):
        raise DraftError("dirty is not true or false")
    stamp = data.get("preset_stamp")
    if stamp is not None and not (
        isinstance(stamp, list)
        and len(stamp) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in stamp)
    ):
        raise DraftError("preset_stamp is not two numbers")
    return Draft(
        entries=entries,
        selected=min(max(selected, 0), len(entries) - 1),
        bus=texts["bus"] or None,
        preset_path=Path(texts["preset_path"]) if texts["preset_path"] else None,
        preset_name=texts["preset_name"] or "",
        description=texts["description"] or "",
        dirty=dirty,
        saved_at=float(saved_at),
        preset_stamp=(stamp[0], stamp[1]) if stamp else None,
    )


def save_draft(path: Path, draft: Draft) -> None:
    """Write the draft atomically, readable only by the user (its folder is made if need be)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_text(path, draft_to_json(draft), mode=0o600)


def load_draft(path: Path, on_problem: Callable[[str], None] | None = None) -> Draft | None:
    """The draft at ``path``, or None if there is none. A draft that can't be read or parsed is
    ignored (startup must never fail on it): ``on_problem`` gets the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DRAFT_BYTES:
            raise DraftError(f"{size:,} bytes is too large for a draft")
        text = path.read_bytes().decode("utf-8")
        return draft_from_json(text)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, DraftError) as exc:
        if on_problem is not None:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            on_problem(f"{path}: {reason}")
        return None


def delete_draft(path: Path) -> None:
    """Remove the draft (quitting cleanly: nothing is unsaved). A missing file is fine."""
    Path(path).unlink(missing_ok=True)
