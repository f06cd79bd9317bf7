"""Finding an event's leaf values at a dotted path, without flattening the whole event.

event-ruler flattens an event into ``dotted.name -> values``: object keys are joined with dots
(so a key may itself contain dots), arrays are "crushed out" (every element sits at the array's
own path) and only strings, numbers, booleans and null are values. We walk the event the same
way, by name: a node's name is its keys joined with dots, and the walk only enters nodes whose
name is the field's path or a dotted prefix of it. Any number of dotted segments may join; the
walk is iterative, so no depth of event exhausts the stack.

Each leaf carries whether it sits inside an array element that is an object or an array
(``indexed``). Like event-ruler's Event, a plain value inside an array gets no index of that
array (ACMachineTest ``intensitiesACTest``): only object and array elements do. An unindexed
leaf can never clash with another field's leaf, which keeps the common case a simple scan.
"""

from __future__ import annotations

from typing import Any

Found = list[tuple[Any, bool]]


def dotted_prefixes(path: str) -> set[str]:
    """``"a.b.c"`` -> ``{"a", "a.b"}``: the names a walk must enter to reach the path."""
    parts = path.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def child_name(name: str | None, key: str) -> str:
    return key if name is None else f"{name}.{key}"


# Keys that may hold up to this many path segments are looked up directly (a few dict lookups
# per object); longer dotted keys are still found, by scanning the object's keys.
_DIRECT_SEGMENTS = 8


class FieldPath:
    """A dotted pattern path, ready to be looked up in events."""

    __slots__ = ("complete", "joins", "path", "prefixes", "segments", "simple")

    def __init__(self, path: str) -> None:
        self.path = path
        self.prefixes = frozenset(dotted_prefixes(path))
        self.simple = path if "." not in path else None
        segments = tuple(path.split("."))
        self.segments = segments
        count = len(segments)
        # joins[i]: keys that consume segments i.. (up to _DIRECT_SEGMENTS), with where they end
        self.joins: tuple[tuple[tuple[str, int], ...], ...] = tuple(
            tuple(
                (".".join(segments[start:stop]), stop)
                for stop in range(start + 1, min(count, start + _DIRECT_SEGMENTS) + 1)
            )
            for start in range(count)
        )
        self.complete = tuple(start + _DIRECT_SEGMENTS >= count for start in range(count))

    def leaves(self, event: Any) -> Found:
        """Leaf values at this path, each with whether it sits in an indexed array element."""
        found: Found = []
        simple = self.simple
        if simple is not None and isinstance(event, dict):
            value = event.get(simple, _MISSING)
            if value is _MISSING or isinstance(value, dict):
                return found
            if not isinstance(value, (list, tuple)):
                found.append((value, False))
                return found
            _array_leaves(value, False, found)
            return found
        for node, indexed in self._at_path(event):
            if isinstance(node, (list, tuple)):
                _array_leaves(node, indexed, found)
            elif not isinstance(node, dict):
                found.append((node, indexed))
        return found

    def nodes(self, event: Any) -> list[Any]:
        """Whatever sits at the path (objects and arrays included), for explanations."""
        return [node for node, _ in self._at_path(event)]

    def _children(self, node: dict[str, Any], start: int) -> list[tuple[Any, int]]:
        """The children of an object that continue the path from segment ``start``."""
        if self.complete[start]:
            return [(node[key], stop) for key, stop in self.joins[start] if key in node]
        segments = self.segments
        out = []
        for key, child in node.items():
            parts = key.split(".")
            stop = start + len(parts)
            if tuple(parts) == segments[start:stop]:
                out.append((child, stop))
        return out

    def _at_path(self, event: Any) -> list[tuple[Any, bool]]:
        """Nodes named exactly ``path`` (a depth-first walk, no recursion)."""
        out: list[tuple[Any, bool]] = []
        if not isinstance(event, dict):
            return out
        count = len(self.segments)
        # frames: (is_object, iterator, segment index, indexed)
        stack: list[tuple[bool, Any, int, bool]] = [
            (True, iter(self._children(event, 0)), 0, False)
        ]
        while stack:
            is_object, items, _start, indexed = stack[-1]
            if is_object:
                for child, stop in items:
                    if stop == count:
                        out.append((child, indexed))
                    elif isinstance(child, dict):
                        stack.append((True, iter(self._children(child, stop)), stop, indexed))
                        break
                    elif isinstance(child, (list, tuple)):
                        stack.append((False, iter(child), stop, indexed))
                        break
                else:
                    stack.pop()
            else:  # an array before the end of the path: its object and array elements count
                for item in items:
                    if isinstance(item, dict):
                        stack.append((True, iter(self._children(item, _start)), _start, True))
                        break
                    if isinstance(item, (list, tuple)):
                        stack.append((False, iter(item), _start, True))
                        break
                else:
                    stack.pop()
        return out


_MISSING = object()


def _frame(node: Any, name: str | None, indexed: bool) -> tuple[bool, Any, str | None, bool]:
    if isinstance(node, dict):
        return (True, iter(node.items()), name, indexed)
    return (False, iter(node), name, indexed)


def _array_leaves(array: Any, indexed: bool, found: Found) -> None:
    """The plain values of an array at the path, in order; nested arrays' values are indexed."""
    stack: list[tuple[Any, bool]] = [(iter(array), indexed)]
    while stack:
        items, flag = stack[-1]
        for item in items:
            if isinstance(item, (list, tuple)):
                stack.append((iter(item), True))
                break
            if not isinstance(item, dict):
                found.append((item, flag))
        else:
            stack.pop()


class PathSet:
    """Several dotted paths looked up in one walk of the event (``collect``)."""

    __slots__ = ("paths", "prefixes")

    def __init__(self, paths: list[str]) -> None:
        self.paths = frozenset(paths)
        prefixes: set[str] = set()
        for path in paths:
            prefixes |= dotted_prefixes(path)
        self.prefixes = frozenset(prefixes)

    def collect(self, event: Any) -> dict[str, Found]:
        """Each path's leaves (as ``FieldPath.leaves`` finds them), in one depth-first walk."""
        paths, prefixes = self.paths, self.prefixes
        found: dict[str, Found] = {path: [] for path in paths}
        if not isinstance(event, dict):
            return found
        stack: list[tuple[bool, Any, str | None, bool]] = [(True, iter(event.items()), None, False)]
        while stack:
            is_object, items, name, indexed = stack[-1]
            if is_object:
                for key, child in items:
                    full = child_name(name, key)
                    if full in paths:
                        if isinstance(child, (list, tuple)):
                            _array_leaves(child, indexed, found[full])
                        elif not isinstance(child, dict):
                            found[full].append((child, indexed))
                    if full in prefixes and isinstance(child, (dict, list, tuple)):
                        stack.append(_frame(child, full, indexed))
                        break
                else:
                    stack.pop()
            else:
                for item in items:
                    if isinstance(item, (dict, list, tuple)):
                        stack.append(_frame(item, name, True))
                        break
                else:
                    stack.pop()
        return found
