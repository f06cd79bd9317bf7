"""Received events made into a preset: a real event becomes a replayable test event.

An event as EventBridge delivers it (``source``, ``detail-type``, ``resources``, ``detail``,
``time``...) maps back to the PutEvents entry that would produce it. Fields EventBridge adds
(``id``, ``account``, ``region``, ``version``) are not part of an entry and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from eventcomposer.core.entries import Entry, UnwritableDetail, dump_detail
from eventcomposer.core.presets import Preset
from eventcomposer.core.validation import check_time, parse_time

_KEY_ORDER = ("Source", "DetailType", "Resources", "Detail", "Time")


class CaptureError(ValueError):
    """A received message that is not an EventBridge event."""


def entry_from_event(event: Mapping[str, Any], keep_time: bool = False) -> Entry:
    """The PutEvents entry that produces ``event``; ``keep_time`` keeps the event's time."""
    if not isinstance(event, Mapping) or "source" not in event or "detail-type" not in event:
        raise CaptureError("not an EventBridge event: it has no source or detail-type")
    detail = event.get("detail", {})
    resources = event.get("resources") or []
    time = event.get("time") if keep_time else None
    return Entry(
        source=str(event["source"]),
        detail_type=str(event["detail-type"]),
        detail=dump_detail(detail if detail is not None else {}),
        resources=[str(r) for r in resources],
        time=str(time) if time else None,
        detail_as_mapping=isinstance(detail, Mapping),
        key_order=_KEY_ORDER,
    )


def preset_from_events(
    events: Sequence[Mapping[str, Any]],
    name: str,
    bus: str | None = None,
    keep_time: bool = False,
    description: str = "",
) -> Preset:
    """A preset whose entries reproduce ``events``, in order, sent to ``bus``."""
    if not events:
        raise CaptureError("no events to capture")
    entries = []
    for number, event in enumerate(events, start=1):
        try:
            entries.append(entry_from_event(event, keep_time))
        except UnwritableDetail as exc:  # a number past a double's range, read as infinity
            raise CaptureError(f"event {number}, detail{exc.inside}: {exc.reason}") from None
    return Preset(
        name=name,
        entries=entries,
        description=description,
        bus=None if bus in (None, "", "default") else bus,
    )


_RELATIVE = re.compile(r"^now(?:\s*([+-])\s*(\d+)\s*([smhd]))?$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_moment(text: str, now: datetime | None = None) -> datetime:
    """An RFC 3339 time, or ``now``, ``now-2h``, ``now+30m`` (units s, m, h, d), in UTC.

    Raises ValueError with words for users.
    """
    value = text.strip()
    current = now or datetime.now(timezone.utc)
    relative = _RELATIVE.match(value)
    if relative:
        if not relative.group(1):
            return current
        delta = timedelta(**{_UNITS[relative.group(3)]: int(relative.group(2))})
        return current - delta if relative.group(1) == "-" else current + delta
    problem = check_time(value)
    if problem:
        raise ValueError(f"{problem}, or now, now-2h, now-30m")
    return parse_time(value).astimezone(timezone.utc)
