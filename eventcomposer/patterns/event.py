"""Finding an event's leaf values at a dotted path, without flattening the whole event.

event-ruler flattens an event into ``dotted.name -> values``: object keys are joined with dots
(so a key may itself contain dots), arrays are "crushed out" (every element sits at the array's
own path) and only strings, numbers, booleans and null are values. Walking the path answers the
same question for one field: at each object we try the key made of the next one, two, ...
path segments (``joins`` precomputes those keys).

Each value carries its array membership: the ``(id(array), index)`` pairs of the arrays it sits
in. Two values whose memberships name the same array with different indexes come from different
elements of that array; a rule may not combine them (event-ruler's array-consistent matching).
"""

from __future__ import annotations

from typing import Any

Membership = tuple[tuple[int, int], ...]
NO_ARRAYS: Membership = ()
Found = list[tuple[Any, Membership]]
_MISSING = object()
# A key with dots can stand for this many path segments at most. Real keys have a few dots;
# the cap keeps absurdly deep patterns from costing cubic time.
MAX_JOINED_SEGMENTS = 32


class FieldPath:
    """A dotted pattern path, ready to be looked up in events."""

    __slots__ = ("joins", "segments", "simple")

    def __init__(self, path: str) -> None:
        segments = tuple(path.split("."))
        self.segments = segments
        # joins[i]: the keys that can consume path segments from i, with where they end
        count = len(segments)
        self.joins: tuple[tuple[tuple[str, int], ...], ...] = tuple(
            tuple(
                (".".join(segments[start:end]), end)
                for end in range(start + 1, min(count, start + MAX_JOINED_SEGMENTS) + 1)
            )
            for start in range(count)
        )
        self.simple = segments[0] if len(segments) == 1 else None

    def leaves(self, event: Any) -> Found:
        """Leaf values at this path, each with its array membership."""
        found: Found = []
        simple = self.simple
        if simple is not None and isinstance(event, dict):
            value = event.get(simple, _MISSING)
            if value is _MISSING or isinstance(value, dict):
                return found
            if not isinstance(value, (list, tuple)):
                found.append((value, NO_ARRAYS))
                return found
            _walk(value, self.joins, 1, NO_ARRAYS, found)
            return found
        _walk(event, self.joins, 0, NO_ARRAYS, found)
        return found

    def nodes(self, event: Any) -> list[Any]:
        """Whatever sits at the path (objects and arrays included), for explanations."""
        found: list[Any] = []
        _walk_nodes(event, self.joins, 0, found)
        return found


def _walk(
    node: Any,
    joins: tuple[tuple[tuple[str, int], ...], ...],
    index: int,
    membership: Membership,
    found: Found,
) -> None:
    if isinstance(node, (list, tuple)):
        for position, item in enumerate(node):
            _walk(item, joins, index, (*membership, (id(node), position)), found)
        return
    if index == len(joins):
        if not isinstance(node, dict):
            found.append((node, membership))
        return
    if not isinstance(node, dict):
        return
    for key, end in joins[index]:
        child = node.get(key, _MISSING)
        if child is not _MISSING:
            _walk(child, joins, end, membership, found)


def _walk_nodes(
    node: Any, joins: tuple[tuple[tuple[str, int], ...], ...], index: int, found: list[Any]
) -> None:
    if index == len(joins):
        found.append(node)
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            _walk_nodes(item, joins, index, found)
        return
    if not isinstance(node, dict):
        return
    for key, end in joins[index]:
        child = node.get(key, _MISSING)
        if child is not _MISSING:
            _walk_nodes(child, joins, end, found)


def compatible(first: Membership, second: Membership) -> bool:
    """False if the two values sit in different elements of one array."""
    if not first or not second:
        return True
    positions = dict(first)
    return all(positions.get(array, position) == position for array, position in second)
