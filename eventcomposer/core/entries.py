"""The PutEvents entry model, in the API's own field names."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from eventcomposer.core.fields import API_KEYS, BY_API, FIELDS, Kind
from eventcomposer.core.json_layout import compact_json, deep_json


class EntryFormatError(ValueError):
    """An entry given in the API's JSON shape has an unknown key or a value of the wrong type."""


@dataclass
class Entry:
    """One PutEvents entry.

    ``detail`` is JSON text, as the API takes it. ``time`` is the RFC 3339 text the user wrote
    (``None`` means "the time of the call"). ``key_order`` remembers the order of keys in the
    file the entry came from so that saving it keeps that order. ``schema`` names the JSON
    Schema its Detail must fit (a file or ``registry/name@version``): not a PutEvents field,
    never sent.
    """

    source: str = ""
    detail_type: str = ""
    detail: str = "{}"
    resources: list[str] = field(default_factory=list)
    time: str | None = None
    trace_header: str | None = None
    event_bus_name: str | None = None
    detail_as_mapping: bool = True
    key_order: tuple[str, ...] = ()
    schema: str | None = None
    #: a preset entry's ``expect`` mapping as written (for ``eventcomposer test``); never sent
    expect: dict[str, Any] | None = field(default=None, compare=False)

    def copy(self, **changes: Any) -> Entry:
        """A copy with ``changes`` applied (the resource list is copied too)."""
        changes.setdefault("resources", list(self.resources))
        return replace(self, **changes)

    def to_api(self, bus: str | None = None) -> dict[str, Any]:
        """The entry as a PutEvents request entry; empty optional fields are left out.

        ``bus`` fills EventBusName when the entry names none.
        """
        out: dict[str, Any] = {}
        for f in FIELDS:
            value = f.get(self)
            if f.api == "EventBusName":
                value = value or bus
            if f.kind is Kind.TEXT or f.kind is Kind.JSON or value:
                out[f.api] = list(value) if isinstance(value, list) else value
        return out

    @classmethod
    def from_api(cls, data: Mapping[str, Any], where: str = "entry") -> Entry:
        """Build an entry from the API's JSON shape (``aws events put-events --entries``).

        Raises EntryFormatError naming ``where`` and the key for unknown keys or wrong types.
        """
        if not isinstance(data, Mapping):
            raise EntryFormatError(f"{where}: must be an object, not {json_type_name(data)}")
        unknown = [k for k in data if k not in BY_API]
        if unknown:
            raise EntryFormatError(
                f"{where}: unknown key {unknown[0]!r} (known: {', '.join(API_KEYS)})"
            )
        values: dict[str, Any] = {}
        for key, value in data.items():
            f = BY_API[key]
            if f.kind is Kind.LIST:
                if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                    raise EntryFormatError(f"{where}, {key}: must be a list of strings")
                values[f.attr] = list(value)
            elif f.kind is Kind.JSON and isinstance(value, Mapping):
                try:
                    values[f.attr] = dump_detail(value)
                except UnwritableDetail as exc:
                    raise EntryFormatError(f"{where}, {key}{exc.inside}: {exc.reason}") from None
                values["detail_as_mapping"] = True
            elif value is None and f.kind is Kind.OPTIONAL:
                continue
            elif not isinstance(value, str):
                raise EntryFormatError(
                    f"{where}, {key}: must be a string, not {json_type_name(value)}"
                )
            else:
                values[f.attr] = value
                if f.kind is Kind.JSON:
                    values["detail_as_mapping"] = False
        values["key_order"] = tuple(data)
        return cls(**values)


@lru_cache(maxsize=8)  # few: a Detail may be megabytes
def compact_detail(text: str) -> str:
    """Detail text without insignificant whitespace (what is sent and counted): the editor
    pretty-prints for reading, but AWS counts every byte of Detail. Every value stays as
    written (``compact_json``). Text that is not valid JSON is returned as it is (validation
    reports it)."""
    compact = compact_json(text)
    return text if compact is None else compact


def as_sent(entry: Entry) -> Entry:
    """The entry with its Detail compacted, as it goes over the wire."""
    compact = compact_detail(entry.detail)
    return entry if compact == entry.detail else entry.copy(detail=compact)


#: Detail mappings as compact JSON, refusing NaN and infinity (JSON has neither).
_DETAIL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


class UnwritableDetail(ValueError):
    """A Detail mapping holds a value JSON can't hold: ``path`` leads to it, ``reason`` says
    what it is and what to do."""

    def __init__(self, path: list[str | int], reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    @property
    def inside(self) -> str:
        """The path as it reads after the Detail's name: ``.items[0].n``."""
        return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)


def dump_detail(value: Any) -> str:
    """Compact JSON text for a Detail given as a mapping (what is sent and counted).

    Raises UnwritableDetail for NaN or infinity (YAML's ``.nan``/``.inf``, or a number past a
    double's range, such as ``1e400``, that a YAML or JSON reader turned into infinity)."""
    with deep_json():
        try:
            return _DETAIL_JSON(value)
        except ValueError:
            raise UnwritableDetail(*_first_non_finite(value)) from None


def _first_non_finite(value: Any) -> tuple[list[str | int], str]:
    """The path to the first NaN or infinity in ``value``, and what to say of it."""
    stack: list[tuple[list[str | int], Any]] = [([], value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(([*path, k], v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(([*path, i], v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, float) and math.isnan(item):
            return path, "is NaN (.nan) and can't be sent: JSON has no NaN; quote it for the text"
        elif isinstance(item, float) and math.isinf(item):
            return path, (
                "is infinite (.inf, or a number past ±1.8e308 such as 1e400) and can't be sent: "
                "JSON has no infinity; quote it for the text, or give Detail as JSON text to "
                "send the number as written"
            )
    return [], "can't be written as JSON"


def json_type_name(value: Any) -> str:
    """A JSON value's type in words, for messages: ``a number``, ``an array``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
