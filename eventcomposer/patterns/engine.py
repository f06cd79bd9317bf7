"""A compiled pattern: match events fast, or explain the verdict field by field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .compiler import Branch, compile_branches
from .conditions import Condition, Exact, FieldTest, compact
from .errors import InvalidPatternError
from .event import FieldPath, Membership, compatible
from .explain import Explanation, FieldResult, actual_text, failed_reason, matched_reason
from .jsontext import parse_pattern_text, to_plain

# A field's outcome on one event: None = failed; True = passed with a value outside any array
# (or by absence), so it cannot clash with other fields; else the memberships of passing values.
_Outcome = bool | list[Membership] | None


@dataclass(frozen=True)
class _Field:
    path: str
    where: FieldPath
    test: FieldTest
    expected: str

    @property
    def conditions(self) -> list[Condition]:
        return self.test.conditions

    def outcome(self, event: Any) -> _Outcome:
        return self.outcome_of(self.where.leaves(event))

    def outcome_of(self, found: list[tuple[Any, Membership]]) -> _Outcome:
        if not found:
            return True if self.test.exists_false else None
        accepts = self.test.accepts
        memberships: list[Membership] = []
        for value, membership in found:
            if accepts(value):
                if not membership:
                    return True
                memberships.append(membership)
        return memberships or None


def _consistent(constrained: list[list[Membership]]) -> bool:
    """Can one passing value per field be chosen so that no two clash? (small backtracking)"""
    chosen: list[Membership] = []

    def place(index: int) -> bool:
        if index == len(constrained):
            return True
        for membership in dict.fromkeys(constrained[index]):
            if all(compatible(membership, other) for other in chosen):
                chosen.append(membership)
                if place(index + 1):
                    return True
                chosen.pop()
        return False

    return place(0)


class CompiledPattern:
    """A validated pattern. Compile once, then call ``matches``/``explain`` per event.

    ``source`` is the pattern as parsed (plain dicts and lists).
    """

    __slots__ = ("_branches", "source")

    def __init__(self, pattern: str | bytes | dict[str, Any]) -> None:
        try:
            if isinstance(pattern, (str, bytes, bytearray)):
                tree = parse_pattern_text(pattern)
                source = to_plain(tree)
            else:
                tree = source = pattern
            branches = compile_branches(tree)
        except RecursionError:
            raise InvalidPatternError("JSON nesting is too deep") from None
        self.source: Any = source
        self._branches: tuple[tuple[_Field, ...], ...] = tuple(
            _make_branch(branch) for branch in branches
        )

    def __repr__(self) -> str:
        return f"CompiledPattern({to_compact(self.source)})"

    def matches(self, event: dict[str, Any]) -> bool:
        """True if the event (a parsed JSON object) matches the pattern."""
        for branch in self._branches:
            constrained: list[list[Membership]] | None = None
            for field in branch:
                outcome = field.outcome(event)
                if outcome is None:
                    break
                if outcome is not True:
                    if constrained is None:
                        constrained = [outcome]  # type: ignore[list-item]
                    else:
                        constrained.append(outcome)  # type: ignore[arg-type]
            else:
                if constrained is None or len(constrained) < 2 or _consistent(constrained):
                    return True
        return False

    def explain(self, event: dict[str, Any]) -> Explanation:
        """The verdict with the reason for each field (see ``Explanation``)."""
        best: tuple[int, tuple[FieldResult, ...]] | None = None
        for branch in self._branches:
            results = _explain_branch(branch, event)
            if all(result.ok for result in results):
                return Explanation(True, results)
            score = sum(result.ok for result in results)
            if best is None or score > best[0]:
                best = (score, results)
        assert best is not None
        return Explanation(False, best[1])


def to_compact(value: Any) -> str:
    return compact(value)


def _make_branch(branch: Branch) -> tuple[_Field, ...]:
    fields = []
    for path, (conditions, raw) in branch.items():
        fields.append(_Field(path, FieldPath(path), FieldTest(conditions), to_compact(raw)))
    return tuple(fields)


def _explain_branch(branch: tuple[_Field, ...], event: Any) -> tuple[FieldResult, ...]:
    results: list[FieldResult] = []
    constrained: list[tuple[int, list[Membership]]] = []
    for field in branch:
        found = field.where.leaves(event)
        values = [value for value, _ in found]
        outcome = field.outcome_of(found)
        if outcome is None:
            reason = failed_reason(field.conditions, values, consistent=True)
            if not found:
                reason = _missing_reason(field, event)
            results.append(
                FieldResult(field.path, False, reason, field.expected, actual_text(values))
            )
            continue
        if outcome is not True:
            constrained.append((len(results), outcome))  # type: ignore[arg-type]
        results.append(
            FieldResult(
                field.path, True, _ok_reason(field, found), field.expected, actual_text(values)
            )
        )
    if len(constrained) >= 2 and all(result.ok for result in results):
        # every field passes on its own; find the first one that cannot join the others
        for count in range(2, len(constrained) + 1):
            if not _consistent([memberships for _, memberships in constrained[:count]]):
                index = constrained[count - 1][0]
                old = results[index]
                results[index] = FieldResult(
                    old.path,
                    False,
                    failed_reason(branch[index].conditions, [None], consistent=False),
                    old.expected,
                    old.actual,
                )
                break
    return tuple(results)


def _ok_reason(field: _Field, found: list[tuple[Any, Membership]]) -> str:
    if not found:
        return "absent, as required"
    conditions = field.conditions
    if len(conditions) > 1 and all(isinstance(c, Exact) for c in conditions):
        for value, _membership in found:
            if field.test.accepts(value):
                options = ", ".join(compact(c.value) for c in conditions)  # type: ignore[attr-defined]
                return f"value {compact(value)} is one of [{options}]"
    for value, _membership in found:
        for condition in field.conditions:
            if condition.test(value):
                return matched_reason(condition, value)
    return "matches"  # pragma: no cover - outcome said a value passed


def _only_empty_arrays(node: Any) -> bool:
    return isinstance(node, (list, tuple)) and all(_only_empty_arrays(item) for item in node)


def _missing_reason(field: _Field, event: Any) -> str:
    present = field.where.nodes(event)
    if not present:
        return "missing"
    if all(_only_empty_arrays(node) for node in present):
        return "missing: the event has an empty array here"
    return "missing: the event has an object here, and patterns match only leaf values"
