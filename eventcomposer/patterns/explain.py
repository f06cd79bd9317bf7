"""Why a pattern matched an event or not, one field at a time, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .conditions import (
    AnythingBut,
    Cidr,
    Condition,
    Exact,
    Exactly,
    Exists,
    Numeric,
    StringTest,
    compact,
    quoted,
    type_name,
)


@dataclass(frozen=True)
class FieldResult:
    """The verdict on one pattern field.

    ``path`` is dotted (``detail.state.status``); ``expected`` is the pattern's value list as
    compact JSON; ``actual`` is the event's value there as compact JSON (a list if the event
    has several values at that path), or None if the event has none.
    """

    path: str
    ok: bool
    reason: str
    expected: str
    actual: str | None


@dataclass(frozen=True)
class Explanation:
    """``matched`` plus the fields behind the verdict.

    For a match, every field of the matching branch; otherwise every field of the branch that
    came closest, with ``failure`` the first one that did not match.
    """

    matched: bool
    fields: tuple[FieldResult, ...]

    @property
    def failure(self) -> FieldResult | None:
        for field in self.fields:
            if not field.ok:
                return field
        return None


_ARTICLE = {"string": "a string", "number": "a number", "boolean": "a boolean", "null": "null"}


def actual_text(values: list[Any]) -> str | None:
    if not values:
        return None
    return compact(values[0] if len(values) == 1 else values)


def describe_value(value: Any) -> str:
    """``"shipped"`` for strings, ``5`` for numbers, ``true``/``null`` for the literals."""
    return compact(value)


def matched_reason(condition: Condition, value: Any) -> str:
    shown = describe_value(value)
    if isinstance(condition, Exists):
        return "exists" if condition.present else "absent, as required"
    if isinstance(condition, Exact):
        return f"value {shown} equals {compact(condition.value)}"
    if isinstance(condition, Exactly):
        return f"value {shown} is exactly {quoted(condition.text)}"
    if isinstance(condition, StringTest):
        return f"{condition.describe()} matches {shown}"
    if isinstance(condition, Numeric):
        return f"{shown} is in numeric range {condition.text}"
    if isinstance(condition, Cidr):
        return f"{shown} is in CIDR block {quoted(condition.text)}"
    if isinstance(condition, AnythingBut):
        return f"value {shown} is allowed by {condition.describe()}"
    return f"value {shown} matches {condition.describe()}"


def _failed_one(condition: Condition, value: Any) -> str:
    """Why one condition rejects one value (the value has the type the condition wants)."""
    shown = describe_value(value)
    if isinstance(condition, Exact):
        return f"value {shown} is not {compact(condition.value)}"
    if isinstance(condition, Exactly):
        return f"value {shown} is not exactly {quoted(condition.text)}"
    if isinstance(condition, StringTest):
        if condition.kind == "equals-ignore-case":
            return f"value {shown} does not equal {quoted(condition.text)} ignoring case"
        return f"{condition.describe()} does not match {shown}"
    if isinstance(condition, Numeric):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return f"{shown} is not a number"
        return f"{shown} is not in numeric range {condition.text}"
    if isinstance(condition, Cidr):
        return f"{shown} is not an IP address in CIDR block {quoted(condition.text)}"
    if isinstance(condition, AnythingBut):
        return f"value {shown} is excluded by {condition.describe()}"
    return f"value {shown} does not match {condition.describe()}"


def failed_reason(conditions: list[Condition], values: list[Any], consistent: bool) -> str:
    """Why none of the event's values at a path passes any of the field's conditions.

    ``consistent=False`` means each value would pass, but only in another element of an array
    of objects than the values chosen for the other fields.
    """
    if not values:
        return "missing"
    if not consistent:
        return (
            "matches only in a different element of an array than the other fields "
            "(fields inside an array of objects must match within one element)"
        )
    if any(isinstance(c, Exists) and not c.present for c in conditions) and len(conditions) == 1:
        return f"present ({actual_text(values)}), but the pattern requires it to be absent"
    wanted = {c.expects for c in conditions if not isinstance(c, (Exists, AnythingBut))}
    open_ended = any(isinstance(c, AnythingBut) for c in conditions)
    if len(values) == 1:
        value = values[0]
        kind = type_name(value)
        if not open_ended and wanted and kind not in wanted:
            expected = " or ".join(_ARTICLE[w] for w in sorted(w for w in wanted if w is not None))
            return f"type differs: pattern expects {expected}, event has {kind} {compact(value)}"
        if all(isinstance(c, Exact) for c in conditions) and len(conditions) > 1:
            options = ", ".join(compact(c.value) for c in conditions)  # type: ignore[attr-defined]
            return f"value {compact(value)} is not one of [{options}]"
        if len(conditions) == 1:
            return _failed_one(conditions[0], value)
        described = "; ".join(c.describe() for c in conditions)
        return f"value {compact(value)} matches none of: {described}"
    described = "; ".join(c.describe() for c in conditions)
    return f"none of the values {compact(values)} matches: {described}"
