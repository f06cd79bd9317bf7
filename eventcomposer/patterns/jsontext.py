"""JSON text -> a tree that keeps what Jackson's streaming parser sees.

event-ruler reads patterns token by token, so an object with a repeated key is processed
key by key (the later value wins for a leaf field, nested objects both contribute), and number
tokens keep their source text for messages. ``json.loads`` with hooks gives us the same view.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import invalid


class Obj:
    """A JSON object as the ordered list of its (key, value) members, duplicates kept."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


class JFloat(float):
    """A float that remembers how it was written (``3.018e2`` stays ``3.018e2``)."""

    text: str

    def __new__(cls, text: str) -> JFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


def parse_pattern_text(text: str | bytes) -> Any:
    """Parse pattern JSON into the member-list tree; raise InvalidPatternError if not JSON."""
    try:
        return json.loads(
            text,
            object_pairs_hook=Obj,
            parse_float=JFloat,
            parse_constant=_reject_constant,
        )
    except RecursionError:
        raise invalid("JSON nesting is too deep") from None
    except (ValueError, TypeError) as error:
        raise invalid(f"Invalid JSON: {error}") from None


def parse_event_text(text: str | bytes) -> Any:
    """Parse event JSON; NaN/Infinity are not JSON. Raises ValueError."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("event JSON nesting is too deep") from None


def to_plain(node: Any) -> Any:
    """The tree as ordinary dicts/lists (last duplicate key wins, as with ``json.loads``).

    Iterative, so any depth the JSON parser accepted converts without hitting the recursion limit.
    """
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(node, holder, 0)]
    while stack:
        source, container, slot = stack.pop()
        if isinstance(source, Obj):
            mapping = dict(source.pairs)
            out: Any = dict.fromkeys(mapping)
            stack.extend((value, out, key) for key, value in mapping.items())
        elif isinstance(source, list):
            out = [None] * len(source)
            stack.extend((item, out, index) for index, item in enumerate(source))
        elif isinstance(source, JFloat):
            out = float(source)
        else:
            out = source
        container[slot] = out
    return holder[0]


def members(node: Any) -> list[tuple[str, Any]] | None:
    """The members of an object node (tree or plain dict), or None if it is not an object."""
    if isinstance(node, Obj):
        return node.pairs
    if isinstance(node, dict):
        return [(str(key), value) for key, value in node.items()]
    return None


def is_array(node: Any) -> bool:
    return isinstance(node, (list, tuple))


def is_number(node: Any) -> bool:
    """A JSON number token (bool is not one, even though Python says it is an int)."""
    if isinstance(node, bool):
        return False
    if isinstance(node, (int, JFloat)):
        return True
    return isinstance(node, float) and math.isfinite(node)


def token_text(node: Any) -> str:
    """What Jackson's ``getText()`` returns for the token that starts this node."""
    if isinstance(node, (Obj, dict)):
        return "{"
    if is_array(node):
        return "["
    if node is None:
        return "null"
    if node is True:
        return "true"
    if node is False:
        return "false"
    if isinstance(node, JFloat):
        return node.text
    if isinstance(node, float):
        return repr(node)
    return str(node)
