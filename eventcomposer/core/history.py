"""The local history of sends, in SQLite (the standard library's ``sqlite3``).

One row per send, written in one transaction (WAL, a busy timeout), so that senders in several
processes at once (the CLI, the TUI) lose nothing and a crash loses at most the send in progress.
The file is readable only by the user (0600). Bounds (count and bytes) trim the oldest rows only;
a single send too big for the bound is stored truncated, with a note, never by dropping others.

Reading never fails on what is inside: a row that is not UTF-8, not JSON or not of the record's
shape is skipped and reported; a file that is not our database is reported when read and moved
aside (kept, renamed) when written. A ``history.jsonl`` of earlier versions is migrated once.

Credentials are never part of a record (only where the send went), and values that came from the
environment (``{{env.NAME}}``) are stored redacted; the entries as written keep the placeholder so
that a resend resolves them again.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_RECORDS = 500
#: A record keeps at most this many entries (a 10,000-event replay keeps the first ones).
MAX_ENTRIES_PER_RECORD = 1000
#: Seconds a writer waits for another one's transaction before giving up.
BUSY_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    id    TEXT NOT NULL UNIQUE,
    time  TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    data  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = {"seq", "id", "time", "bytes", "data"}


class HistoryError(ValueError):
    """The history can't be read or written; the message says what to do."""


@dataclass
class HistoryRecord:
    """One send.

    ``entries`` are PutEvents entries as sent (API shape, variables resolved) except that every
    value taken from the environment is replaced by ``<env.NAME>``; ``written`` holds, for each
    entry, the entry as written (``{{env.NAME}}`` kept) when it differs from ``entries[i]``, else
    None; ``variables`` are the ``--vars`` values the send used. ``results`` are the PutEvents
    results, in the same order. ``endpoint`` is the URL the client sent to (``local`` is True for
    the embedded EventBridge), ``region`` and ``profile`` where it was signed for, ``endpoint_id``
    the global endpoint if one was used.
    """

    id: str
    time: str
    origin: str
    endpoint: str
    region: str
    profile: str
    entries: list[dict[str, Any]]
    results: list[dict[str, str]]
    total: int = 0
    failed: int = 0
    truncated: bool = False
    labels: list[str] = field(default_factory=list)
    written: list[dict[str, Any] | None] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    local: bool = False
    note: str = ""
    endpoint_id: str = ""

    @property
    def buses(self) -> list[str]:
        return list(dict.fromkeys(e.get("EventBusName") or "default" for e in self.entries))

    @property
    def destination(self) -> str:
        """Where the send went, as a user reads it."""
        where = "local EventBridge (embedded)" if self.local else self.endpoint
        return f"{where} (region {self.region}, profile {self.profile})"

    def written_entry(self, index: int) -> dict[str, Any]:
        """Entry ``index`` as written (to resolve again for a resend)."""
        if index < len(self.written) and self.written[index] is not None:
            return dict(self.written[index] or {})
        return dict(self.entries[index])


def new_record(
    *,
    origin: str,
    endpoint: str,
    region: str,
    profile: str,
    entries: Sequence[dict[str, Any]],
    results: Sequence[dict[str, str]],
    labels: Sequence[str] = (),
    written: Sequence[dict[str, Any] | None] = (),
    variables: Mapping[str, str] | None = None,
    local: bool = False,
    endpoint_id: str | None = None,
    total: int | None = None,
    failed: int | None = None,
    now: datetime | None = None,
) -> HistoryRecord:
    """A record for a send that just ended. ``total``/``failed`` count every entry of the send
    when ``entries`` and ``results`` hold only the first ones (a long replay)."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    kept = list(entries[:MAX_ENTRIES_PER_RECORD])
    count = len(entries) if total is None else total
    return HistoryRecord(
        id=secrets.token_hex(4),
        time=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        origin=origin,
        endpoint=endpoint,
        region=region,
        profile=profile,
        entries=kept,
        results=list(results[:MAX_ENTRIES_PER_RECORD]),
        total=count,
        failed=sum(1 for r in results if "ErrorCode" in r) if failed is None else failed,
        truncated=count > len(kept),
        labels=list(labels),
        written=list(written[:MAX_ENTRIES_PER_RECORD]),
        variables=dict(variables or {}),
        local=local,
        endpoint_id=endpoint_id or "",
    )


def record_from_data(data: Any) -> HistoryRecord:
    """A record from its JSON form; ValueError when the shape is not a record's."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    strings = ("id", "time", "origin", "endpoint", "region", "profile")
    for key in strings:
        if not isinstance(data.get(key), str):
            raise ValueError(f"{key!r} is not a string")
    entries, results = data.get("entries"), data.get("results")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("'entries' is not a list of objects")
    if not isinstance(results, list) or not all(
        isinstance(r, dict) and all(isinstance(v, str) for v in r.values()) for r in results
    ):
        raise ValueError("'results' is not a list of results")
    written = data.get("written") or []
    if not isinstance(written, list) or not all(w is None or isinstance(w, dict) for w in written):
        raise ValueError("'written' is not a list of objects")
    labels = data.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ValueError("'labels' is not a list of strings")
    variables = data.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("'variables' is not an object of strings")
    numbers = {k: data.get(k, d) for k, d in (("total", len(entries)), ("failed", 0))}
    for key, value in numbers.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key!r} is not a count")
    return HistoryRecord(
        **{k: data[k] for k in strings},
        entries=entries,
        results=results,
        total=numbers["total"],
        failed=numbers["failed"],
        truncated=bool(data.get("truncated", False)),
        labels=labels,
        written=written,
        variables=variables,
        local=bool(data.get("local", False)),
        note=str(data.get("note") or ""),
        endpoint_id=str(data.get("endpoint_id") or ""),
    )


@dataclass
class HistoryRead:
    """Records read (newest first) and what was skipped, in words."""

    records: list[HistoryRecord]
    skipped: list[str] = field(default_factory=list)


def _encode(record: HistoryRecord) -> bytes:
    return json.dumps(asdict(record), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fit(record: HistoryRecord, max_bytes: int) -> tuple[HistoryRecord, bytes]:
    """The record and its encoding, truncated to the first entries that fit ``max_bytes``."""
    data = _encode(record)
    if len(data) <= max_bytes:
        return record, data
    count = len(record.entries)

    def cut(keep: int) -> HistoryRecord:
        return HistoryRecord(
            **{
                **asdict(record),
                "entries": record.entries[:keep],
                "results": record.results[:keep],
                "written": record.written[:keep],
                "truncated": True,
                "note": (
                    f"kept the first {keep} of {record.total} entries: the send was too big "
                    f"for the history's bound of {max_bytes:,} bytes"
                ),
            }
        )

    low, high = 0, count  # the largest keep whose encoding fits
    while low < high:
        middle = (low + high + 1) // 2
        if len(_encode(cut(middle))) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    smaller = cut(low)
    return smaller, _encode(smaller)


class History:
    """The history database at ``path`` (``history.jsonl`` beside it is migrated once)."""

    def __init__(
        self,
        path: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_records: int = DEFAULT_MAX_RECORDS,
    ) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.max_records = max_records

    @property
    def legacy_path(self) -> Path | None:
        """The JSON-lines history of earlier versions, beside the database."""
        legacy = self.path.with_name("history.jsonl")
        return None if legacy == self.path else legacy

    # -- writing --------------------------------------------------------------------------------

    def append(self, record: HistoryRecord) -> list[str]:
        """Add a record in one transaction, then drop the oldest past the bounds. Returns notes
        for the user (the record was truncated, a damaged file was moved aside); raises
        HistoryError when it could not be written."""
        notes: list[str] = []
        record, data = _fit(record, self.max_bytes)
        if record.note:
            notes.append(f"send {record.id}: {record.note}")
        for attempt in (1, 2):
            try:
                self._insert(record, data, notes)
                return notes
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and _damaged(exc):  # found damaged past the open: set it aside
                    aside = self._move_aside()
                    if aside:
                        notes.append(_moved_note(self.path, aside, exc))
                    continue
                raise HistoryError(f"can't write the history at {self.path}: {exc}") from None
            except (OSError, sqlite3.Error) as exc:
                raise HistoryError(f"can't write the history at {self.path}: {exc}") from None
        return notes  # pragma: no cover - the loop returns or raises

    def _insert(self, record: HistoryRecord, data: bytes, notes: list[str]) -> None:
        connection = self._connect_for_writing(notes)
        try:
            self._migrate(connection, notes)
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(
                    "INSERT INTO sends (id, time, bytes, data) VALUES (?, ?, ?, ?)",
                    (record.id, record.time, len(data), data),
                )
                self._trim(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        finally:
            connection.close()

    def _trim(self, connection: sqlite3.Connection) -> None:
        """Drop the oldest rows past the count and byte bounds (inside the caller's
        transaction; the newest row is never dropped: it was made to fit)."""
        connection.execute(
            "DELETE FROM sends WHERE seq NOT IN (SELECT seq FROM sends ORDER BY seq DESC LIMIT ?)",
            (max(1, self.max_records),),
        )
        total = 0
        rows = connection.execute("SELECT seq, bytes FROM sends ORDER BY seq DESC").fetchall()
        for position, (seq, size) in enumerate(rows):
            total += size if isinstance(size, int) else 0
            if total > self.max_bytes and position > 0:
                connection.execute("DELETE FROM sends WHERE seq <= ?", (seq,))
                return

    def _connect_for_writing(self, notes: list[str]) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            return self._connect(create=True)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):  # locked, read-only, I/O: not the file's fault
                raise
            aside = self._move_aside()
            if aside:
                notes.append(_moved_note(self.path, aside, exc))
            return self._connect(create=True)

    def _move_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{secrets.token_hex(2)}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return None  # another process moved it aside first
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        return aside

    def _connect(self, create: bool) -> sqlite3.Connection:
        """An open connection to a database with our schema; DatabaseError when the file is
        not ours or damaged."""
        if create and not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        if create and (self.path.stat().st_mode & 0o077):
            os.chmod(self.path, 0o600)
        uri = self.path.resolve().as_uri() + ("" if create else "?mode=rw")
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            # Before anything is written to a new file: trimmed rows give their space back.
            connection.execute("PRAGMA auto_vacuum=FULL")
            connection.execute("PRAGMA journal_mode=WAL").fetchall()
            connection.execute("PRAGMA synchronous=FULL")
            connection.executescript(_SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(sends)")}
            if not columns >= _COLUMNS:
                raise sqlite3.DatabaseError("a 'sends' table of another shape")
        except BaseException:
            connection.close()
            raise
        return connection

    def _migrate(self, connection: sqlite3.Connection, notes: list[str]) -> None:
        """Move the records of an earlier version's ``history.jsonl`` in, once."""
        legacy = self.legacy_path
        if legacy is None or not legacy.exists():
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            try:
                raw = legacy.read_bytes()
            except FileNotFoundError:  # another process migrated it
                connection.execute("ROLLBACK")
                return
            moved = skipped = 0
            for line in raw.split(b"\n"):
                if not line.strip():
                    continue
                try:
                    record = record_from_data(json.loads(line.decode("utf-8")))
                except (ValueError, TypeError):
                    skipped += 1
                    continue
                record, data = _fit(record, self.max_bytes)
                connection.execute(
                    "INSERT OR IGNORE INTO sends (id, time, bytes, data) VALUES (?, ?, ?, ?)",
                    (record.id, record.time, len(data), data),
                )
                moved += 1
            self._trim(connection)
            done = legacy.with_name(legacy.name + ".migrated")
            os.replace(legacy, done)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        note = f"moved {moved} send(s) from {legacy.name} into the history (kept as {done.name})"
        if skipped:
            note += f"; {skipped} damaged line(s) skipped"
        notes.append(note)

    # -- reading --------------------------------------------------------------------------------

    def _connect_for_reading(self) -> sqlite3.Connection | None:
        """None when there is no history yet."""
        legacy = self.legacy_path
        if not self.path.exists() and not (legacy and legacy.exists()):
            return None
        try:
            if legacy and legacy.exists():  # migrate first, so that nothing is read twice
                connection = self._connect_for_writing([])
                self._migrate(connection, [])
                return connection
            return self._connect(create=False)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(
                f"can't read the history at {self.path}: {exc} (the next send moves a damaged "
                "file aside and starts a new history)"
            ) from None

    def read(self, limit: int | None = None) -> HistoryRead:
        """Records, newest first; rows that can't be read are skipped and named."""
        connection = self._connect_for_reading()
        if connection is None:
            return HistoryRead([])
        try:
            rows = connection.execute(
                "SELECT id, data FROM sends ORDER BY seq DESC LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"can't read the history at {self.path}: {exc}") from None
        finally:
            connection.close()
        result = HistoryRead([])
        for row_id, data in rows:
            try:
                result.records.append(_decode(data))
            except ValueError as exc:
                result.skipped.append(f"send {row_id}: {exc}")
        return result

    def records(self) -> list[HistoryRecord]:
        """Every readable record, newest first."""
        return self.read().records

    def get(self, record_id: str) -> HistoryRecord:
        """The record with this id (or a unique prefix of it)."""
        connection = self._connect_for_reading()
        rows: list[tuple[str, Any]] = []
        if connection is not None and record_id:
            try:
                rows = connection.execute(
                    "SELECT id, data FROM sends WHERE substr(id, 1, ?) = ? ORDER BY seq DESC",
                    (len(record_id), record_id),
                ).fetchall()
            except sqlite3.Error as exc:
                raise HistoryError(f"can't read the history at {self.path}: {exc}") from None
            finally:
                connection.close()
        exact = [r for r in rows if r[0] == record_id]
        if exact:
            rows = exact
        if not rows:
            raise HistoryError(
                f"no send {record_id!r} in the history (see `eventcomposer history`)"
            )
        if len(rows) > 1:
            raise HistoryError(f"{record_id!r} names {len(rows)} sends; give more of the id")
        try:
            return _decode(rows[0][1])
        except ValueError as exc:
            raise HistoryError(f"send {rows[0][0]} is damaged in the history: {exc}") from None


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether an error says the file is not a database of ours or is corrupt (not: locked,
    read-only, disk full, which are no reason to set the file aside)."""
    return type(exc) is sqlite3.DatabaseError


def _moved_note(path: Path, aside: Path, exc: BaseException) -> str:
    return (
        f"the history at {path} was not a readable history database ({exc}); it was kept as "
        f"{aside.name} and a new history started"
    )


def _decode(data: Any) -> HistoryRecord:
    """A record from a row's bytes; ValueError (in words) when it is not one."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if not isinstance(data, bytes):
        raise ValueError("not a record")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start})") from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at {exc.pos})") from None
    try:
        return record_from_data(parsed)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a record ({exc})") from None
