"""EventBridge's limit on the size of an event pattern.

The "Event pattern size" quota is 2,048 characters by default and can be raised to 4,096 (the
API's own maximum for ``EventPattern``). A pattern over the API maximum is refused by request
validation, before any pattern parsing, in the ``ValidationException`` form every AWS API uses;
a pattern over the account's quota (but within the maximum) is refused as an invalid pattern.
``EVENTCOMPOSER_PATTERN_SIZE_LIMIT`` (or the CLI's ``--pattern-size-limit``) sets the quota of
an account whose limit was raised.
"""

from __future__ import annotations

import os

from .errors import InvalidPatternError

PATTERN_SIZE_LIMIT = 2048
PATTERN_SIZE_MAXIMUM = 4096
ENVIRONMENT = "EVENTCOMPOSER_PATTERN_SIZE_LIMIT"


class PatternTooLargeError(InvalidPatternError):
    """A pattern over the size quota (``code`` is the AWS error code it would get)."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        if size > PATTERN_SIZE_MAXIMUM:
            self.code = "ValidationException"
            super().__init__(f"Event pattern is {size} characters; the maximum is 4096")
            message = (
                "1 validation error detected: Value at 'eventPattern' failed to satisfy "
                f"constraint: Member must have length less than or equal to {PATTERN_SIZE_MAXIMUM}"
            )
            self.args = (message,)
        else:
            self.code = "InvalidEventPatternException"
            super().__init__(
                f"Event pattern size {size} exceeds the maximum of {limit} characters "
                f"(the account's 'Event pattern size' quota; it can be raised up to "
                f"{PATTERN_SIZE_MAXIMUM})"
            )

    def __str__(self) -> str:
        return str(self.args[0])


def size_limit(value: int | str | None = None) -> int:
    """The quota to apply: ``value``, else the environment, else 2048. ValueError if outside
    2048..4096."""
    if value is None:
        value = os.environ.get(ENVIRONMENT) or PATTERN_SIZE_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise ValueError(f"pattern size limit must be a number, not {value!r}") from None
    if not PATTERN_SIZE_LIMIT <= limit <= PATTERN_SIZE_MAXIMUM:
        raise ValueError(
            f"pattern size limit must be between {PATTERN_SIZE_LIMIT} and {PATTERN_SIZE_MAXIMUM}"
        )
    return limit


def check_size(text: str | bytes | bytearray, limit: int | None = None) -> None:
    """Raise PatternTooLargeError if the pattern text is over the quota (characters)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    quota = size_limit(limit)
    if len(text) > quota:
        raise PatternTooLargeError(len(text), quota)
