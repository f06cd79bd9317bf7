"""EventBridge's own verdict on a pattern: the ``TestEventPattern`` API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventcomposer.aws.errors import describe_error


@dataclass(frozen=True)
class AwsVerdict:
    """``matched`` is True/False, or None when AWS rejected the pattern or event (``code``,
    ``message`` say how, in AWS's words)."""

    matched: bool | None
    code: str = ""
    message: str = ""


_REJECTIONS = {"InvalidEventPatternException", "ValidationException"}


def test_event_pattern(events_client: Any, pattern: str, event: str) -> AwsVerdict:
    """Ask EventBridge whether ``event`` matches ``pattern`` (both JSON text).

    AwsProblem for anything but an answer or a rejection of the pattern or event (no
    credentials, no connection, throttling, ...). An answer without ``Result`` is reported as a
    rejection with code ``NoResult``.
    """
    try:
        response = events_client.test_event_pattern(EventPattern=pattern, Event=event)
    except Exception as exc:
        error = getattr(exc, "response", {}).get("Error", {})
        if error.get("Code") in _REJECTIONS:
            return AwsVerdict(None, error["Code"], error.get("Message", ""))
        raise describe_error(exc, events_client.meta.endpoint_url) from exc
    if "Result" not in response:
        return AwsVerdict(None, "NoResult", "EventBridge answered without a Result")
    return AwsVerdict(bool(response["Result"]))
