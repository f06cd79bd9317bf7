"""EventBridge event patterns in pure Python: validate, match and explain.

Semantics follow Amazon EventBridge (reference engine: aws/event-ruler), error messages are
AWS's. Compile a pattern once and match it against many events::

    rule = compile_pattern('{"source": ["com.example.orders"]}')
    rule.matches(event_dict)          # bool
    rule.explain(event_dict).failure  # FieldResult of the first field that did not match
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .engine import CompiledPattern
from .errors import InvalidPatternError
from .explain import Explanation, FieldResult
from .jsontext import parse_event_text
from .size import (
    PATTERN_SIZE_LIMIT,
    PATTERN_SIZE_MAXIMUM,
    PatternTooLargeError,
    check_size,
    size_limit,
)

__all__ = [
    "PATTERN_SIZE_LIMIT",
    "PATTERN_SIZE_MAXIMUM",
    "CompiledPattern",
    "Explanation",
    "FieldResult",
    "InvalidPatternError",
    "PatternTooLargeError",
    "check_size",
    "compile_pattern",
    "explain",
    "matches",
    "size_limit",
]


def compile_pattern(
    pattern: str | bytes | dict[str, Any], size_limit: int | None = None
) -> CompiledPattern:
    """Validate a pattern (JSON text or parsed dict); raise InvalidPatternError as AWS would.

    Text longer than the pattern size quota raises PatternTooLargeError (an
    InvalidPatternError): ``size_limit`` characters, else ``EVENTCOMPOSER_PATTERN_SIZE_LIMIT``,
    else AWS's default of 2048. A parsed dict is not measured (AWS only ever sees text).
    """
    if not isinstance(pattern, (str, bytes, bytearray, dict)):
        raise InvalidPatternError("Filter is not an object")
    if not isinstance(pattern, dict):
        check_size(pattern, size_limit)
    return CompiledPattern(pattern)


@lru_cache(maxsize=512)
def _compile_text(text: str, limit: int) -> CompiledPattern:
    """Compiled patterns for ``matches``/``explain`` (never handed out, so safe to share)."""
    check_size(text, limit)
    return CompiledPattern(text)


def _compiled(pattern: str | dict[str, Any]) -> CompiledPattern:
    if isinstance(pattern, str):
        return _compile_text(pattern, size_limit())
    return compile_pattern(pattern)


def _event(event: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(event, dict):
        return event
    parsed = parse_event_text(event)
    if not isinstance(parsed, dict):
        raise ValueError("the event must be a JSON object")
    return parsed


def matches(pattern: str | dict[str, Any], event: str | dict[str, Any]) -> bool:
    """Does the event match the pattern? Both are JSON text, as TestEventPattern takes them.

    Raises InvalidPatternError for a pattern AWS rejects, ValueError for an event that is not a
    JSON object.
    """
    return _compiled(pattern).matches(_event(event))


def explain(pattern: str | dict[str, Any], event: str | dict[str, Any]) -> Explanation:
    """Like ``matches``, with the verdict for each field of the pattern."""
    return _compiled(pattern).explain(_event(event))
