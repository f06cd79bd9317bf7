"""The one exception the pattern engine raises for a pattern AWS would reject."""

from __future__ import annotations

AWS_PREFIX = "Event pattern is not valid. Reason: "


class InvalidPatternError(ValueError):
    """A pattern EventBridge rejects with ``InvalidEventPatternException``.

    ``str(error)`` is AWS's message, e.g.
    ``Event pattern is not valid. Reason: prefix match pattern must be a string``;
    ``reason`` is the part after ``Reason: ``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(AWS_PREFIX + reason)
        self.reason = reason


def invalid(reason: str) -> InvalidPatternError:
    """Build the error (callers ``raise invalid(...)`` so the raise stays visible)."""
    return InvalidPatternError(reason)
