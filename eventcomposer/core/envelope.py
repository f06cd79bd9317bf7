"""The event EventBridge delivers for an entry: the envelope rules' patterns are matched against."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from eventcomposer.core.entries import Entry

#: Used for the envelope when no account is known (the local EventBridge's account).
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"


def event_for_entry(
    entry: Entry,
    account: str = DEFAULT_ACCOUNT,
    region: str = DEFAULT_REGION,
    event_id: str = PLACEHOLDER_ID,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The event as delivered: ``version``, ``id``, ``detail-type``, ``source``, ``account``,
    ``time`` (the entry's, at second precision, or now), ``region``, ``resources``, ``detail``.

    Detail that is not a JSON object becomes ``{}`` here: validation reports it separately.
    """
    try:
        detail = json.loads(entry.detail) if entry.detail else {}
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    return {
        "version": "0",
        "id": event_id,
        "detail-type": entry.detail_type,
        "source": entry.source,
        "account": account,
        "time": _event_time(entry.time, now),
        "region": region,
        "resources": list(entry.resources),
        "detail": detail,
    }


def _event_time(text: str | None, now: datetime | None) -> str:
    from eventcomposer.core.validation import check_time, parse_time

    moment = parse_time(text) if text and check_time(text) is None else now
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def account_region_from_arn(arn: str | None) -> tuple[str, str] | None:
    """(account, region) of an ARN, or None if it is not one."""
    parts = (arn or "").split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[3] and parts[4]:
        return parts[4], parts[3]
    return None
