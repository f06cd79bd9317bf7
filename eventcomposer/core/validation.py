"""Validation of entries and requests against every PutEvents rule we know.

Each problem names the entry (1-based, as users count), the field, what is wrong and the limit,
so that a message can be shown as it is. AWS checks some of these only silently or not at all
(see PRODUCT.md), and the local EventBridge checks almost none, so this is the one place they live.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventcomposer.core.entries import Entry, json_type_name
from eventcomposer.core.sizes import DEFAULT_REQUEST_LIMIT, entry_size, format_bytes, request_size

MAX_ENTRIES_PER_CALL = 10
MAX_DETAIL_TYPE_CHARS = 128
MAX_RESOURCE_CHARS = 2048
MAX_TRACE_HEADER_CHARS = 500
MAX_BUS_NAME_CHARS = 1600
MAX_DETAIL_DEPTH = 1000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_BUS_RE = re.compile(r"^(arn:aws[\w-]*:events:[a-z0-9\-]*:\d{0,12}:event-bus/)?[.\-_A-Za-z0-9]+$")
_RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class Limits:
    """Limits that differ by region or change over time, so they are settings."""

    request_bytes: int = DEFAULT_REQUEST_LIMIT
    entries_per_call: int = MAX_ENTRIES_PER_CALL


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an entry (``entry`` is 1-based) or with the request (``entry`` None)."""

    entry: int | None
    field: str | None
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.entry is not None:
            where.append(f"entry {self.entry}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class DetailCheck:
    """The outcome of checking Detail text: the parsed object or the problem, never both."""

    value: dict[str, Any] | None
    problem: str | None = None
    line: int | None = None
    column: int | None = None


def check_detail(text: str) -> DetailCheck:
    """Parse Detail text and check it is a JSON object within AWS's depth and integer limits."""
    if not text or not text.strip():
        return DetailCheck(None, "is required: a JSON object such as {}")
    out_of_range: list[str] = []

    def parse_int(digits: str) -> int:
        value = int(digits)
        if not INT64_MIN <= value <= INT64_MAX:
            out_of_range.append(digits)
        return value

    try:
        value = _loads_deep(text, parse_int)
    except json.JSONDecodeError as exc:
        return DetailCheck(
            None,
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            exc.lineno,
            exc.colno,
        )
    except RecursionError:
        return DetailCheck(None, _depth_message(nesting_depth(text)))
    if not isinstance(value, dict):
        return DetailCheck(None, f"must be a JSON object, not {json_type_name(value)}")
    if out_of_range:
        return DetailCheck(
            None,
            f"integer {_shorten(out_of_range[0])} is outside the 64-bit range "
            f"({INT64_MIN} to {INT64_MAX})",
        )
    # A cheap upper bound first: the depth can't exceed the number of openers.
    if text.count("{") + text.count("[") > MAX_DETAIL_DEPTH:
        depth = nesting_depth(text)
        if depth > MAX_DETAIL_DEPTH:
            return DetailCheck(None, _depth_message(depth))
    return DetailCheck(value)


def _loads_deep(text: str, parse_int: Any) -> Any:
    """json.loads that copes with AWS's full nesting limit: Python's parser recurses once per
    level and may stop short of 1000 levels, so allow more when the document is within it."""
    try:
        return json.loads(text, parse_int=parse_int)
    except RecursionError:
        if nesting_depth(text) > MAX_DETAIL_DEPTH:
            raise
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, MAX_DETAIL_DEPTH * 3))
    try:
        return json.loads(text, parse_int=parse_int)
    finally:
        sys.setrecursionlimit(previous)


def nesting_depth(text: str) -> int:
    """The deepest nesting of objects and arrays in JSON text, ignoring brackets in strings."""
    depth = deepest = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def validate_entry(entry: Entry, number: int, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem with one entry; ``number`` is its 1-based position in the request."""
    problems: list[Problem] = []

    def add(field: str, message: str, line: int | None = None, col: int | None = None) -> None:
        problems.append(Problem(number, field, message, line, col))

    if not entry.source:
        add("Source", "is required")
    elif entry.source.startswith("aws."):
        add(
            "Source",
            f"{entry.source!r} starts with 'aws.', which is reserved for AWS services "
            "(AWS answers NotAuthorizedForSourceException)",
        )
    if not entry.detail_type:
        add("DetailType", "is required")
    elif len(entry.detail_type) > MAX_DETAIL_TYPE_CHARS:
        add(
            "DetailType",
            f"is {len(entry.detail_type)} characters; the limit is {MAX_DETAIL_TYPE_CHARS}",
        )
    detail = check_detail(entry.detail)
    if detail.problem:
        add("Detail", detail.problem, detail.line, detail.column)
    for i, resource in enumerate(entry.resources, start=1):
        if not resource:
            add(f"Resources[{i}]", "is empty")
        elif len(resource) > MAX_RESOURCE_CHARS:
            add(
                f"Resources[{i}]",
                f"is {len(resource)} characters; the limit is {MAX_RESOURCE_CHARS}",
            )
    if entry.time is not None:
        problem = check_time(entry.time)
        if problem:
            add("Time", problem)
    if entry.trace_header is not None and not (
        1 <= len(entry.trace_header) <= MAX_TRACE_HEADER_CHARS
    ):
        add(
            "TraceHeader",
            f"is {len(entry.trace_header)} characters; it must be 1 to {MAX_TRACE_HEADER_CHARS}",
        )
    if entry.event_bus_name is not None:
        problem = check_bus_name(entry.event_bus_name)
        if problem:
            add("EventBusName", problem)
    size = entry_size(entry)
    if size > limits.request_bytes:
        add(
            "size",
            f"the entry is {size:,} bytes ({format_bytes(size)}); the limit is "
            f"{limits.request_bytes:,} bytes ({format_bytes(limits.request_bytes)})",
        )
    return problems


def validate_entries(entries: Sequence[Entry], limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem with every entry (for sending, where batches are split as needed)."""
    if not entries:
        return [Problem(None, None, "there are no entries to send")]
    problems: list[Problem] = []
    for number, entry in enumerate(entries, start=1):
        problems.extend(validate_entry(entry, number, limits))
    return problems


def validate_call(entries: Sequence[Entry], limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Problems of one PutEvents call as composed: its entries, their count and total size."""
    problems = validate_entries(entries, limits)
    if len(entries) > limits.entries_per_call:
        problems.append(
            Problem(
                None,
                None,
                f"{len(entries)} entries; one PutEvents call takes at most "
                f"{limits.entries_per_call}",
            )
        )
    total = request_size(entries)
    if total > limits.request_bytes:
        problems.append(
            Problem(
                None,
                "size",
                f"the request is {total:,} bytes ({format_bytes(total)}); the limit is "
                f"{limits.request_bytes:,} bytes ({format_bytes(limits.request_bytes)})",
            )
        )
    return problems


def check_time(text: str) -> str | None:
    """None if ``text`` is an RFC 3339 timestamp, else what is wrong with it."""
    if not _RFC3339_RE.match(text):
        return f"{text!r} is not an RFC 3339 timestamp such as 2026-01-31T12:00:00Z"
    try:
        parse_time(text)
    except ValueError as exc:
        return f"{text!r} is not a valid time: {exc}"
    return None


def parse_time(text: str) -> datetime:
    """An RFC 3339 timestamp as an aware datetime (Python 3.10's fromisoformat lacks 'Z')."""
    normalized = text.strip().replace("t", "T").replace("z", "Z")
    if normalized.endswith("Z"):
        normalized = normalized[:-1] + "+00:00"
    if "." in normalized:
        # fromisoformat on 3.10 takes only 3 or 6 fractional digits.
        head, _, rest = normalized.partition(".")
        digits = re.match(r"\d+", rest)
        frac = digits.group() if digits else ""
        normalized = head + "." + (frac + "000000")[:6] + rest[len(frac) :]
    return datetime.fromisoformat(normalized)


def check_bus_name(name: str) -> str | None:
    """None if ``name`` is a valid event bus name or ARN, else what is wrong with it."""
    if not name:
        return "is empty"
    if len(name) > MAX_BUS_NAME_CHARS:
        return f"is {len(name)} characters; the limit is {MAX_BUS_NAME_CHARS}"
    if not _BUS_RE.match(name):
        return (
            f"{_shorten(name)!r} is not an event bus name or ARN "
            "(letters, digits, '.', '-', '_'; or arn:aws:events:REGION:ACCOUNT:event-bus/NAME)"
        )
    return None


def _depth_message(depth: int) -> str:
    return f"is nested {depth} levels deep; the limit is {MAX_DETAIL_DEPTH}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
