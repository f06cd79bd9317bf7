"""Drafts: the composer's unsaved batch, kept on disk so that a crash or a kill loses nothing.

A draft is a snapshot of the composer model (``core.composer.Snapshot``) and the time it was
taken: what the user typed (entries with Detail exactly as in the editor, the bus, the preset it
came from) and nothing else, so no setting or credential can end up in it. Each running composer
keeps its own draft file, locked while it runs: a second instance never restores or deletes a
live one's draft, and the drafts of instances that died are offered on the next start.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: msvcrt's locking instead
    fcntl = None  # type: ignore[assignment]

from eventcomposer.core.composer import Snapshot
from eventcomposer.core.entries import Entry
from eventcomposer.core.fields import FIELDS, Kind
from eventcomposer.core.files import atomic_write_text

DRAFT_VERSION = 1
#: A draft is a batch of at most 10 entries of at most 1 MiB each, in JSON; anything much bigger
#: is not ours, and reading it would slow startup down.
MAX_DRAFT_BYTES = 64 * 1024 * 1024


class DraftError(ValueError):
    """A draft file that can't be read or is not a draft; the message says why."""


@dataclass(frozen=True)
class Draft(Snapshot):
    """A snapshot of the composer and when it was taken (``saved_at``, seconds since the epoch).

    ``preset_stamp`` is the open preset file's (st_mtime_ns, st_size) when it was opened or saved,
    so that a save after restoring still notices the file changed on disk meanwhile.
    """

    saved_at: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """Every attribute of ``entry`` (not the API shape: Detail stays the editor's text)."""
    data: dict[str, Any] = {}
    for f in FIELDS:
        value = f.get(entry)
        data[f.attr] = list(value) if isinstance(value, list) else value
    data["detail_as_mapping"] = entry.detail_as_mapping
    data["key_order"] = list(entry.key_order)
    data["schema"] = entry.schema
    if entry.expect is not None:
        data["expect"] = entry.expect
    return data


def entry_from_json(data: Any, where: str) -> Entry:
    """The inverse of :func:`entry_to_json`; DraftError names ``where`` and the field."""
    if not isinstance(data, Mapping):
        raise DraftError(f"{where}: not an object")
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = data.get(f.attr, [] if f.kind is Kind.LIST else None)
        if f.kind is Kind.LIST:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DraftError(f"{where}: {f.attr} is not a list of strings")
        elif f.kind is Kind.OPTIONAL:
            if value is not None and not isinstance(value, str):
                raise DraftError(f"{where}: {f.attr} is not a string")
        else:
            value = "" if value is None else value
            if not isinstance(value, str):
                raise DraftError(f"{where}: {f.attr} is not a string")
        values[f.attr] = value
    key_order = data.get("key_order", [])
    if not isinstance(key_order, list) or not all(isinstance(v, str) for v in key_order):
        raise DraftError(f"{where}: key_order is not a list of strings")
    as_mapping = data.get("detail_as_mapping", True)
    if not isinstance(as_mapping, bool):
        raise DraftError(f"{where}: detail_as_mapping is not true or false")
    schema = data.get("schema")
    if schema is not None and not isinstance(schema, str):
        raise DraftError(f"{where}: schema is not a string")
    expect = data.get("expect")
    if expect is not None and not isinstance(expect, Mapping):
        raise DraftError(f"{where}: expect is not an object")
    return Entry(
        **values,
        detail_as_mapping=as_mapping,
        key_order=tuple(key_order),
        schema=schema,
        expect=dict(expect) if expect is not None else None,
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
        "endpoint_id": draft.endpoint_id,
        "schema": draft.schema,
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
    for name in ("bus", "preset_path", "preset_name", "description", "endpoint_id", "schema"):
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
        entries=tuple(entries),
        selected=min(max(selected, 0), len(entries) - 1),
        bus=texts["bus"] or None,
        preset_path=Path(texts["preset_path"]) if texts["preset_path"] else None,
        preset_name=texts["preset_name"] or "",
        description=texts["description"] or "",
        dirty=dirty,
        saved_at=float(saved_at),
        preset_stamp=(stamp[0], stamp[1]) if stamp else None,
        endpoint_id=texts["endpoint_id"] or None,
        schema=texts["schema"] or None,
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


#: Drafts live in this folder of the state folder, one file per running composer.
DRAFTS_FOLDER = "drafts"
#: Where a single shared draft was kept before drafts were per instance (read once, as a
#: draft whose composer is gone).
LEGACY_DRAFT = "draft.json"


class DraftSlot:
    """This composer's own draft file, locked for as long as the composer runs.

    ``orphans()`` lists the drafts of composers that are not running any more (their lock is
    free), newest first; ``adopt()`` takes one over: its contents become this composer's, and
    the file is removed so that no other instance offers it again.
    """

    def __init__(self, state_folder: Path) -> None:
        self.state_folder = Path(state_folder)
        self.folder = self.state_folder / DRAFTS_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.folder / f"{token}.json"
        self._lock = _hold_lock(self.folder / f"{token}.lock")

    def orphans(self) -> list[Path]:
        """Drafts whose composer is gone, newest first (a live composer's are never listed)."""
        found: list[tuple[float, Path]] = []
        for path in self.folder.glob("*.json"):
            if path == self.path:
                continue
            lock = _try_lock(path.with_suffix(".lock"))
            if lock is None:
                continue  # its composer is running
            os.close(lock)
            found.append((_mtime(path), path))
        legacy = self.state_folder / LEGACY_DRAFT
        if legacy.exists():
            found.append((_mtime(legacy), legacy))
        return [p for _, p in sorted(found, key=lambda item: item[0], reverse=True)]

    def adopt(self, path: Path, on_problem: Callable[[str], None] | None = None) -> Draft | None:
        """Read an orphan draft and remove it (and its lock): it is this composer's now."""
        draft = load_draft(path, on_problem)
        if draft is not None:
            delete_draft(path)
            Path(path).with_suffix(".lock").unlink(missing_ok=True)
        return draft

    def save(self, draft: Draft) -> None:
        save_draft(self.path, draft)

    def discard(self) -> None:
        """Quitting cleanly: remove this composer's draft (never another's)."""
        delete_draft(self.path)

    def release(self) -> None:
        """The composer ends: free the lock (its draft, if any, is offered next time)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
            self.path.with_suffix(".lock").unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` (made if need be) as an open descriptor, or None if another
    process holds it. The lock goes with the process, however it ends (even ``kill -9``)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        os.close(fd)
        return None
    return fd


def _hold_lock(path: Path) -> int | None:
    """This composer's own lock; None where locking is not possible (then its draft is simply
    not protected from a second instance)."""
    return _try_lock(path)
