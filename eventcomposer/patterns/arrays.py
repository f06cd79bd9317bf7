"""Array-consistent matching in time linear in the event, as event-ruler's ACFinder decides it.

Fields inside an array of objects must match within one element: the leaves chosen for a
branch's fields (one leaf per field) may not sit in different elements of one array. event-ruler
tracks, for each leaf, the array elements it sits in; a plain value in an array gets no index of
that array, objects and nested arrays do (see ``event``).

Instead of trying combinations of leaves (exponential on adversarial events), we walk the part
of the event the fields can reach once, bottom-up, and keep for each node the set of *states*
its subtree can offer: ``(S, X)`` with ``S`` the bit set of fields given a leaf inside this
subtree and ``X`` the bit set of ``exists: false`` fields that still have a leaf which the chosen
leaves do not rule out. Objects combine their children freely (leaves under different keys
never clash); an array lets at most one of its indexed elements give leaves. The number of
states depends on the pattern only, so the walk is linear in the event.

``exists: false`` follows event-ruler too (RulerTest ``WHEN_JSONContainsArrays…``,
ACMachineTest ``testACWithExistFalseRule``): the field is absent if none of its leaves is
consistent with the leaves already chosen for the fields that sort before it (event-ruler walks
a rule's fields in name order). A leaf in another element of an array that holds one of those
chosen leaves is ruled out; any other leaf makes the field present.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .event import child_name, dotted_prefixes

State = tuple[int, int]
ZERO: frozenset[State] = frozenset([(0, 0)])


def java_order(path: str) -> bytes:
    """Sort key equal to Java's ``String.compareTo`` (UTF-16 code units)."""
    return path.encode("utf-16-be", "surrogatepass")


class Solver:
    """The bottom-up walk for one branch: positive fields (with their value test) and absent ones.

    ``exact=False`` (no ``exists: false`` field has leaves) keeps only maximal field sets, which
    is enough when choosing more leaves can only help; ``exact=True`` keeps every state.
    """

    __slots__ = ("exact", "fields", "full", "preds", "prefixes")

    def __init__(
        self,
        positives: Sequence[tuple[str, Callable[[Any], bool]]],
        absences: Sequence[str],
        exact: bool,
    ) -> None:
        self.exact = exact
        self.fields: dict[str, tuple[bool, int, Callable[[Any], bool] | None]] = {}
        prefixes: set[str] = set()
        for index, (path, accepts) in enumerate(positives):
            self.fields[path] = (True, 1 << index, accepts)
            prefixes |= dotted_prefixes(path)
        self.full = (1 << len(positives)) - 1
        self.preds: list[tuple[int, int]] = []  # (absence bit, mask of positives sorted before)
        if exact:
            for index, path in enumerate(absences):
                bit = 1 << index
                self.fields[path] = (False, bit, None)
                prefixes |= dotted_prefixes(path)
                before = 0
                for position, (other, _accepts) in enumerate(positives):
                    if java_order(other) < java_order(path):
                        before |= 1 << position
                self.preds.append((bit, before))
        self.prefixes = frozenset(prefixes)

    # --- states -------------------------------------------------------------------------------

    def _leaf(self, name: str, value: Any) -> frozenset[State]:
        entry = self.fields.get(name)
        if entry is None:
            return ZERO
        positive, bit, accepts = entry
        if positive:
            if accepts(value):  # type: ignore[misc]
                return frozenset([(0, 0), (bit, 0)]) if self.exact else frozenset([(bit, 0)])
            return ZERO
        return frozenset([(0, bit)])

    def _combine(self, first: frozenset[State], second: frozenset[State]) -> frozenset[State]:
        if first is ZERO:
            return second
        if second is ZERO:
            return first
        if self.exact:
            return frozenset(
                (s1 | s2, x1 | x2) for s1, x1 in first for s2, x2 in second if not s1 & s2
            )
        return _maximal({(s1 | s2, 0) for s1, _ in first for s2, _ in second})

    def _array(self, free: frozenset[State], elements: list[frozenset[State]]) -> frozenset[State]:
        """States of an array: one indexed element may give leaves; plain values combine freely."""
        if not elements:
            return free
        if not self.exact:
            union: set[State] = {(0, 0)}
            for states in elements:
                union |= states
            return self._combine(_maximal(union), free)
        # absent-field leaves each element holds when it gives no leaves (always one such state)
        idle = [next(x for s, x in states if not s) for states in elements]
        counts: dict[int, int] = {}
        everything = 0
        for x in idle:
            everything |= x
            for bit, _before in self.preds:
                if x & bit:
                    counts[bit] = counts.get(bit, 0) + 1
        result: set[State] = {(0, everything)}
        for states, own in zip(elements, idle, strict=True):
            others = 0
            for bit, _before in self.preds:
                if counts.get(bit, 0) - (1 if own & bit else 0) > 0:
                    others |= bit
            for chosen, x in states:
                if not chosen:
                    continue
                blocked = 0
                for bit, before in self.preds:
                    if before & chosen:
                        blocked |= bit
                result.add((chosen, x | (others & ~blocked)))
        return self._combine(frozenset(result), free)

    # --- the walk -----------------------------------------------------------------------------

    def _flat_object(self, node: dict[str, Any], name: str) -> frozenset[State] | None:
        """States of an object whose relevant children are all leaves; None if it has a
        relevant object or array (the walk then enters it). Saves a frame per array element."""
        fields, prefixes = self.fields, self.prefixes
        states = ZERO
        for key, child in node.items():
            full = f"{name}.{key}"
            if isinstance(child, (dict, list, tuple)):
                if full in prefixes or (full in fields and not isinstance(child, dict)):
                    return None
            elif full in fields:
                states = self._combine(states, self._leaf(full, child))
        return states

    def matches(self, event: dict[str, Any]) -> bool:
        states = self.states(event)
        full = self.full
        return any(chosen == full and not x for chosen, x in states)

    def states(self, event: dict[str, Any]) -> frozenset[State]:
        fields, prefixes = self.fields, self.prefixes
        # frame: [is_object, iterator, name, states (objects) / free states (arrays), elements]
        stack: list[list[Any]] = [[True, iter(event.items()), None, ZERO, None]]
        while True:
            frame = stack[-1]
            is_object, items, name = frame[0], frame[1], frame[2]
            pushed = False
            if is_object:
                for key, child in items:
                    full = child_name(name, key)
                    if isinstance(child, dict):
                        if full in prefixes:
                            stack.append([True, iter(child.items()), full, ZERO, None])
                            pushed = True
                            break
                    elif isinstance(child, (list, tuple)):
                        if full in prefixes or full in fields:
                            stack.append([False, iter(child), full, ZERO, []])
                            pushed = True
                            break
                    elif full in fields:
                        frame[3] = self._combine(frame[3], self._leaf(full, child))
            else:
                for item in items:
                    if isinstance(item, dict):
                        if name in prefixes:
                            flat = self._flat_object(item, name)
                            if flat is None:  # it holds relevant objects or arrays: walk it
                                stack.append([True, iter(item.items()), name, ZERO, None])
                                pushed = True
                                break
                            if flat is not ZERO:
                                frame[4].append(flat)
                        continue
                    elif isinstance(item, (list, tuple)):
                        stack.append([False, iter(item), name, ZERO, []])
                        pushed = True
                        break
                    elif name in fields:
                        frame[3] = self._combine(frame[3], self._leaf(name, item))
            if pushed:
                continue
            stack.pop()
            result = frame[3] if is_object else self._array(frame[3], frame[4])
            if not stack:
                return result
            parent = stack[-1]
            if parent[0]:
                parent[3] = self._combine(parent[3], result)
            elif result != ZERO:
                parent[4].append(result)


def _maximal(states: set[State]) -> frozenset[State]:
    """Only the field sets no other set contains (any subset of a reachable set is reachable)."""
    if len(states) <= 1:
        return frozenset(states)
    ordered = sorted(states, key=lambda state: -state[0].bit_count())
    kept: list[State] = []
    for state in ordered:
        chosen = state[0]
        if not any(chosen & other[0] == chosen for other in kept):
            kept.append(state)
    return frozenset(kept)
