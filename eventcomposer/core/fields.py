"""The one table of a PutEvents entry's fields.

Everything that handles an entry field by field loops over :data:`FIELDS`: the API mapping
(``Entry.to_api``/``from_api``), presets, drafts, templating, validation, sizes and the TUI's
form. Adding a field is one row here, an attribute on ``Entry`` and its validation rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a field's value is held on an ``Entry``."""

    #: a required string ("" when not filled in)
    TEXT = "text"
    #: an optional string (None when not set; an empty form field means None)
    OPTIONAL = "optional"
    #: a list of strings
    LIST = "list"
    #: JSON text (Detail): templated with JSON escaping
    JSON = "json"


class Size(Enum):
    """How a field counts toward PutEvents' size limit."""

    #: its UTF-8 bytes (each item's, for a list)
    UTF8 = "utf8"
    #: a fixed number of bytes when set (Time: 14)
    FIXED = "fixed"
    #: not at all (EventBusName, TraceHeader)
    NONE = "none"


#: What a set Time counts toward the size limit, whatever its text.
TIME_BYTES = 14


@dataclass(frozen=True)
class Field:
    """One entry field: its API name, where it lives on ``Entry`` (an attribute: the table is
    below the entry model, which loops over it), and how it is handled."""

    api: str
    attr: str
    kind: Kind
    size: Size
    #: the form's label and its hint (placeholders read as hints, never as demo values)
    label: str
    hint: str
    #: whether the entry form shows it (Detail has its own editor)
    in_form: bool = True

    def get(self, entry: object) -> str | list[str] | None:
        """This field's value on ``entry``."""
        value: str | list[str] | None = getattr(entry, self.attr)
        return value

    def form_text(self, entry: object) -> str:
        """The field's value as a one-line form input shows it."""
        value = self.get(entry)
        if isinstance(value, list):
            raise TypeError(f"{self.api} is a list; the form edits it row by row")
        return value or ""

    def from_form(self, text: str) -> str | None:
        """The value a form input's text means (an empty optional field is unset)."""
        if self.kind is Kind.OPTIONAL:
            return text or None
        return text


FIELDS: tuple[Field, ...] = (
    Field("Source", "source", Kind.TEXT, Size.UTF8, "Source", "required, e.g. my.app.orders"),
    Field(
        "DetailType",
        "detail_type",
        Kind.TEXT,
        Size.UTF8,
        "DetailType",
        "required, up to 128 characters",
    ),
    Field(
        "Resources",
        "resources",
        Kind.LIST,
        Size.UTF8,
        "Resources",
        "an ARN (optional)",
    ),
    Field("Detail", "detail", Kind.JSON, Size.UTF8, "Detail", "a JSON object", in_form=False),
    Field("Time", "time", Kind.OPTIONAL, Size.FIXED, "Time", "empty: the time of sending"),
    Field(
        "TraceHeader",
        "trace_header",
        Kind.OPTIONAL,
        Size.NONE,
        "TraceHeader",
        "optional X-Amzn-Trace-Id",
    ),
    Field(
        "EventBusName",
        "event_bus_name",
        Kind.OPTIONAL,
        Size.NONE,
        "Bus",
        "empty: the batch's bus (F2)",
    ),
)

#: API name -> field, in the order the API documents them.
BY_API: dict[str, Field] = {f.api: f for f in FIELDS}
#: PutEvents entry keys, in the order the API documents them.
API_KEYS: tuple[str, ...] = tuple(BY_API)
#: The fields the entry form shows, in its order.
FORM_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.in_form)
