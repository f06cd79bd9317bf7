"""The local history of sends: every send's resolved entries, bus, endpoint and results.

One JSON object per line in a file readable only by the user (0600), newest last, bounded in
size: when it grows past ``max_bytes`` or ``max_records`` the oldest records are dropped
(rewritten atomically). Credentials are never part of a record: only labels of where it went.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eventcomposer.core.files import atomic_write_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_RECORDS = 500
#: A record keeps at most this many entries (a 10,000-event replay keeps the first ones).
MAX_ENTRIES_PER_RECORD = 1000


class HistoryError(ValueError):
    """The history can't be read or written; the message says what to do."""


@dataclass
class HistoryRecord:
    """One send. ``entries`` are PutEvents entries (API shape, variables resolved);
    ``results`` the PutEvents result of each, in the same order."""

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

    @property
    def buses(self) -> list[str]:
        return list(dict.fromkeys(e.get("EventBusName") or "default" for e in self.entries))


def new_record(
    *,
    origin: str,
    endpoint: str,
    region: str,
    profile: str,
    entries: Sequence[dict[str, Any]],
    results: Sequence[dict[str, str]],
    labels: Sequence[str] = (),
    now: datetime | None = None,
) -> HistoryRecord:
    """A record for a send that just ended."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    kept = list(entries[:MAX_ENTRIES_PER_RECORD])
    return HistoryRecord(
        id=secrets.token_hex(4),
        time=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        origin=origin,
        endpoint=endpoint,
        region=region,
        profile=profile,
        entries=kept,
        results=list(results[:MAX_ENTRIES_PER_RECORD]),
        total=len(entries),
        failed=sum(1 for r in results if "ErrorCode" in r),
        truncated=len(entries) > len(kept),
        labels=list(labels),
    )


class History:
    """The history file at ``path``."""

    def __init__(
        self,
        path: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_records: int = DEFAULT_MAX_RECORDS,
    ) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.max_records = max_records

    def append(self, record: HistoryRecord) -> None:
        """Add a record, then drop the oldest ones past the bounds."""
        line = json.dumps(asdict(record), ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
            os.chmod(self.path, 0o600)
            self._trim()
        except OSError as exc:
            raise HistoryError(
                f"can't write the history at {self.path}: {exc.strerror or exc}"
            ) from None

    def records(self) -> list[HistoryRecord]:
        """Every record, newest first; unreadable lines are skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise HistoryError(f"can't read the history at {self.path}: {exc}") from None
        out = []
        for line in text.splitlines():
            try:
                out.append(HistoryRecord(**json.loads(line)))
            except (ValueError, TypeError):
                continue
        out.reverse()
        return out

    def get(self, record_id: str) -> HistoryRecord:
        """The record with this id (or a unique prefix of it)."""
        matches = [r for r in self.records() if r.id.startswith(record_id)]
        if not matches:
            raise HistoryError(
                f"no send {record_id!r} in the history (see `eventcomposer history`)"
            )
        if len(matches) > 1 and matches[0].id != record_id:
            raise HistoryError(f"{record_id!r} names {len(matches)} sends; give more of the id")
        return matches[0]

    def _trim(self) -> None:
        size = self.path.stat().st_size
        if size <= self.max_bytes and size <= self.max_records * 200:
            return  # cheap check first: small files can't hold too many records
        lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept: list[str] = []
        total = 0
        for line in reversed(lines):
            if len(kept) >= self.max_records or total + len(line) > self.max_bytes:
                break
            kept.append(line)
            total += len(line)
        if len(kept) < len(lines):
            atomic_write_text(self.path, "".join(reversed(kept)), mode=0o600)
