"""Entry and request sizes, counted the way PutEvents counts them."""

from __future__ import annotations

from collections.abc import Iterable

from eventcomposer.core.entries import Entry
from eventcomposer.core.fields import FIELDS, TIME_BYTES, Size

#: PutEvents' request size limit since 2026-01 (was 256 KB; some regions lag: it is a setting).
DEFAULT_REQUEST_LIMIT = 1_048_576


def entry_size(entry: Entry) -> int:
    """Bytes the entry counts toward the request limit.

    Time counts 14 bytes if set; Source, DetailType, Detail and each Resource count their UTF-8
    bytes; EventBusName and TraceHeader do not count (the field table says which is which).
    """
    size = 0
    for f in FIELDS:
        if f.size is Size.NONE:
            continue
        value = f.get(entry)
        if f.size is Size.FIXED:
            size += TIME_BYTES if value else 0
        elif isinstance(value, list):
            size += sum(_utf8_len(item) for item in value)
        else:
            size += _utf8_len(value)
    return size


def request_size(entries: Iterable[Entry]) -> int:
    """Bytes of a whole PutEvents request: the sum of its entries' sizes."""
    return sum(entry_size(e) for e in entries)


def _utf8_len(text: str | None) -> int:
    if not text:
        return 0
    if text.isascii():
        return len(text)
    # "surrogatepass": a lone surrogate is counted, not raised on (validation reports it).
    return len(text.encode("utf-8", "surrogatepass"))


def format_bytes(size: int) -> str:
    """Human-readable size: ``512 B``, ``12.3 KiB``, ``1.00 MiB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.2f} MiB"
