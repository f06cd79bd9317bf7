"""Validation of entries and requests against every PutEvents rule we know.

Each problem names the entry (1-based, as users count), the field, what is wrong and the limit,
so that a message can be shown as it is. AWS checks some of these only silently or not at all
(a long DetailType, a missing bus), and the local EventBridge checks almost none, so this is the
one place they live.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from itertools import accumulate
from typing import Any

from eventcomposer.core.entries import Entry, json_type_name
from eventcomposer.core.fields import FIELDS
from eventcomposer.core.json_layout import deep_json
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


@dataclass(frozen=True)
class JsonCheck:
    """The outcome of reading JSON text within AWS's limits: the value or the problem."""

    value: Any
    problem: str | None = None
    line: int | None = None
    column: int | None = None


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON (and AWS) does not."""


#: One pass over JSON text: strings (an unterminated one runs to the end, so a match never
#: fails and the scan stays linear), brackets, and the constants Python reads but JSON lacks.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{]|[\]}]|-?Infinity|NaN', re.DOTALL)
#: A JSON string as _JSON_TOKENS reads it (an unterminated one runs to the end), and brackets.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
#: More digits than any int64 has (19, and a sign): out of range without converting it.
_INT64_DIGITS = 20
#: 19 digits in a row: only then can an integer be outside int64 (whose bounds have 19).
_INT64_LONG = b"0" * 19
#: UTF-8 bytes with every ASCII digit as "0" and every other byte as ".".
_DIGITS_AS_ZERO = bytes(ord("0") if chr(b).isdigit() and b < 128 else ord(".") for b in range(256))
#: Every byte but quotes and brackets (deleted by ``bytes.translate``).
_NOT_STRUCTURE = bytes(b for b in range(256) if chr(b) not in '"[]{}')
_BRACKET_BYTE_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def load_json(text: str, max_depth: int = MAX_DETAIL_DEPTH) -> JsonCheck:
    """JSON text as a value, within AWS's limits: nesting ≤ ``max_depth`` levels (counted
    without recursion), integers within int64 (however many digits), no NaN or
    Infinity. Never raises for any text.

    ``max_depth`` is more than 1000 for documents that hold a Detail object inside them (the
    AWS CLI's ``--entries``: a list, an entry, then the Detail, so 1002)."""
    out_of_range: list[str] = []

    def parse_int(digits: str) -> int:
        if len(digits) > _INT64_DIGITS:
            out_of_range.append(digits)
            return 0
        value = int(digits)
        if not INT64_MIN <= value <= INT64_MAX:
            out_of_range.append(digits)
        return value

    def parse_constant(name: str) -> Any:
        raise _NotJson(name)

    # A cheap upper bound: the depth can't exceed the number of openers.
    may_be_deep = text.count("{") + text.count("[") > max_depth
    # Integers are checked one by one (a Python call each) only if the text holds a run of 19
    # digits somewhere: a shorter integer is always within int64.
    checked_int = parse_int if _long_digit_run(text) else None
    try:
        value = _loads_deep(text, checked_int, parse_constant, max_depth)
    except (ValueError, RecursionError) as exc:
        # Too deep is said first, whatever else is wrong.
        depth = nesting_depth(text) if may_be_deep else 0
        if depth > max_depth:
            return JsonCheck(None, _depth_message(depth, max_depth))
        return _not_json(text, exc, max_depth)
    # Valid JSON, so its depth can be read at C speed (nesting_depth's scan of the strings is
    # for any text at all, and half the cost of checking a large Detail).
    if may_be_deep and (depth := _json_depth(text)) > max_depth:
        return JsonCheck(None, _depth_message(depth, max_depth))
    if out_of_range:
        return JsonCheck(
            None,
            f"integer {_shorten(out_of_range[0])} is outside the 64-bit range "
            f"({INT64_MIN} to {INT64_MAX})",
        )
    return JsonCheck(value)


def _not_json(text: str, exc: ValueError | RecursionError, max_depth: int) -> JsonCheck:
    """What ``json.loads`` refusing ``text`` (within the depth limit) means, as a problem."""
    if isinstance(exc, json.JSONDecodeError):
        return JsonCheck(
            None,
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            exc.lineno,
            exc.colno,
        )
    if isinstance(exc, _NotJson):
        line, column = _constant_position(text)
        return JsonCheck(
            None,
            f"is not valid JSON: {exc} is not a JSON value (AWS answers MalformedDetail); "
            f"use null or a string, at line {line}, column {column}",
            line,
            column,
        )
    if isinstance(exc, RecursionError):  # only if the interpreter's stack is smaller than AWS's
        return JsonCheck(None, _depth_message(nesting_depth(text), max_depth))
    # Nothing known raises another ValueError; if anything does, it is still said.
    return JsonCheck(None, f"is not valid JSON: {exc}")


def _long_digit_run(text: str) -> bool:
    """Whether ``text`` holds 19 ASCII digits in a row (a regular expression's search for them
    took a quarter of the time of checking a large Detail)."""
    return _INT64_LONG in text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)


def check_detail(text: str) -> DetailCheck:
    """Parse Detail text and check it is a JSON object within AWS's depth and integer limits."""
    if not text or not text.strip():
        return DetailCheck(None, "is required: a JSON object such as {}")
    loaded = load_json(text)
    if loaded.problem:
        return DetailCheck(None, loaded.problem, loaded.line, loaded.column)
    if not isinstance(loaded.value, dict):
        return DetailCheck(None, f"must be a JSON object, not {json_type_name(loaded.value)}")
    return DetailCheck(loaded.value)


def _loads_deep(text: str, parse_int: Any, parse_constant: Any, max_depth: int) -> Any:
    """json.loads that copes with AWS's full nesting limit: Python's parser recurses once per
    level and may stop short of 1000 levels, so allow more when the document is within it."""
    try:
        return json.loads(text, parse_int=parse_int, parse_constant=parse_constant)
    except RecursionError:
        if nesting_depth(text) > max_depth:
            raise
    with deep_json(max_depth):
        return json.loads(text, parse_int=parse_int, parse_constant=parse_constant)


def nesting_depth(text: str) -> int:
    """The deepest nesting of objects and arrays in JSON text, ignoring brackets in strings.

    One linear pass, no recursion, whatever the text (an unterminated string runs to the end):
    the strings are cut out and the brackets left are summed as +1/-1 at C speed (a loop over
    the tokens in Python took 0.7 s for a 2.5 MB Detail)."""
    brackets = _BRACKETS.findall(_STRINGS.sub("", text))
    return max(0, max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0))


def _json_depth(text: str) -> int:
    """``nesting_depth`` of text that ``json.loads`` accepted, at C speed (a sixth of the time).

    In valid JSON a backslash is only ever an escape inside a string: once escaped backslashes
    and quotes are cut out, every quote opens or closes a string. Of the quotes and brackets
    alone, two quotes side by side can go too (an empty string, or the end of one string and
    the start of the next: either way nothing changes side), and the brackets outside strings
    are every other piece between the quotes left."""
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    structure = text.encode("utf-8", "surrogatepass").translate(None, _NOT_STRUCTURE)
    brackets = b"".join(structure.replace(b'""', b"").split(b'"')[::2])
    return max(0, max(accumulate(map(_BRACKET_BYTE_STEP.__getitem__, brackets)), default=0))


def _constant_position(text: str) -> tuple[int, int]:
    """Line and column (1-based) of the first NaN or Infinity outside a string."""
    for match in _JSON_TOKENS.finditer(text):
        if match.group() in ("NaN", "Infinity", "-Infinity"):
            offset = match.start()
            line = text.count("\n", 0, offset) + 1
            return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return 1, 1


_Add = Callable[..., None]


def _check_source(value: str, add: _Add) -> None:
    if not value:
        add("is required")
    elif value.startswith("aws."):
        add(
            f"{value!r} starts with 'aws.', which is reserved for AWS services "
            "(AWS answers NotAuthorizedForSourceException)"
        )


def _check_detail_type(value: str, add: _Add) -> None:
    if not value:
        add("is required")
    elif len(value) > MAX_DETAIL_TYPE_CHARS:
        add(f"is {len(value)} characters; the limit is {MAX_DETAIL_TYPE_CHARS}")


def _check_resource(value: str, add: _Add) -> None:
    if not value:
        add("is empty")
    elif len(value) > MAX_RESOURCE_CHARS:
        add(f"is {len(value)} characters; the limit is {MAX_RESOURCE_CHARS}")


def _check_detail_field(value: str, add: _Add) -> None:
    problem = _detail_problem(value)
    if problem is not None:
        add(*problem)


@lru_cache(maxsize=8)
def _detail_problem(value: str) -> tuple[str, int | None, int | None] | None:
    """The Detail's problem, remembered by text: the TUI checks the same (up to 1 MiB, or more)
    Detail on every redraw of its model, and a parse of 2.5 MB costs a tenth of a second."""
    detail = check_detail(value)
    return (detail.problem, detail.line, detail.column) if detail.problem else None


def _check_time_field(value: str, add: _Add) -> None:
    problem = check_time(value)
    if problem:
        add(problem)


def _check_trace_header(value: str, add: _Add) -> None:
    if not 1 <= len(value) <= MAX_TRACE_HEADER_CHARS:
        add(f"is {len(value)} characters; it must be 1 to {MAX_TRACE_HEADER_CHARS}")


def _check_bus_field(value: str, add: _Add) -> None:
    problem = check_bus_name(value)
    if problem:
        add(problem)


#: Each field's rule, by API name (a list field's rule checks one item). Adding a field to
#: ``core.fields.FIELDS`` is adding its rule here; a test keeps the two in step.
FIELD_RULES: dict[str, Callable[[str, _Add], None]] = {
    "Source": _check_source,
    "DetailType": _check_detail_type,
    "Resources": _check_resource,
    "Detail": _check_detail_field,
    "Time": _check_time_field,
    "TraceHeader": _check_trace_header,
    "EventBusName": _check_bus_field,
}


def validate_entry(entry: Entry, number: int, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem with one entry; ``number`` is its 1-based position in the request.

    Loops over the field table: an unset optional field has nothing to check; text that can't
    be sent as UTF-8 (a lone surrogate) is said so; otherwise the field's rule decides."""
    problems: list[Problem] = []
    for f in FIELDS:
        value = f.get(entry)
        if value is None:
            continue
        items = list(enumerate(value, start=1)) if isinstance(value, list) else [(0, value)]
        for index, item in items:
            where = f"{f.api}[{index}]" if index else f.api

            def add(
                message: str, line: int | None = None, col: int | None = None, where: str = where
            ) -> None:
                problems.append(Problem(number, where, message, line, col))

            surrogate = _lone_surrogate(item)
            if surrogate:
                add(surrogate)
            else:
                FIELD_RULES[f.api](item, add)
    size = entry_size(entry)
    if size > limits.request_bytes:
        problems.append(
            Problem(
                number,
                "size",
                f"the entry is {size:,} bytes ({format_bytes(size)}); the limit is "
                f"{limits.request_bytes:,} bytes ({format_bytes(limits.request_bytes)})",
            )
        )
    return problems


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(text: str) -> str | None:
    """What is wrong with text holding a lone surrogate (not Unicode, can't be UTF-8)."""
    if text.isascii():
        return None
    match = _SURROGATE.search(text)
    if not match:
        return None
    return (
        f"has a lone surrogate (U+{ord(match.group()):04X}) at character {match.start() + 1}: "
        "not valid Unicode, so it can't be sent as UTF-8"
    )


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
        moment = parse_time(text)
    except ValueError as exc:
        return f"{text!r} is not a valid time: {exc}"
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return f"{text!r} is outside the years 0001 to 9999 in UTC"
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


def _depth_message(depth: int, limit: int = MAX_DETAIL_DEPTH) -> str:
    return f"is nested {depth} levels deep; the limit is {limit}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
