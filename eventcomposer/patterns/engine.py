"""A compiled pattern: match events fast, or explain the verdict field by field.

Matching is linear in the event: each field's leaves are found by one walk of the part of the
event its path reaches, every value test is linear in the value (no backtracking regex), and
when fields inside arrays of objects must agree on one element, ``arrays.Solver`` decides it in
one more walk instead of trying combinations.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from .arrays import Solver
from .compiler import Branch, compile_branches
from .conditions import Condition, Exact, Exists, FieldTest, compact
from .errors import InvalidPatternError
from .event import FieldPath, Found, PathSet
from .explain import Explanation, FieldResult, actual_text, failed_reason, matched_reason
from .jsontext import parse_pattern_text, to_plain


class _Field:
    """One field of a branch: its path, its test, and how ``exists: false`` enters it."""

    __slots__ = ("absent_only", "absent_or_value", "expected", "path", "test", "where")

    def __init__(self, path: str, test: FieldTest, expected: str) -> None:
        self.path = path
        self.where = FieldPath(path)
        self.test = test
        self.expected = expected
        # only ``exists: false``: the field must be absent
        self.absent_only = all(isinstance(c, Exists) and not c.present for c in test.conditions)
        # ``exists: false`` next to other conditions: absent, or a value that passes
        self.absent_or_value = test.exists_false and not self.absent_only

    @property
    def conditions(self) -> list[Condition]:
        return self.test.conditions


class _Plan:
    """One way a branch can match: fields that need a passing leaf, fields that must be absent."""

    __slots__ = ("_solvers", "absences", "positives")

    def __init__(self, positives: list[_Field], absences: list[_Field]) -> None:
        self.positives = tuple((f.path, f.where, f.test.accepts) for f in positives)
        self.absences = tuple((f.path, f.where) for f in absences)
        self._solvers: dict[bool, Solver] = {}

    def solver(self, exact: bool) -> Solver:
        solver = self._solvers.get(exact)
        if solver is None:
            solver = Solver(
                [(path, accepts) for path, _where, accepts in self.positives],
                [path for path, _where in self.absences],
                exact,
            )
            self._solvers[exact] = solver
        return solver

    def matches(self, event: dict[str, Any], found: dict[str, Found] | None = None) -> bool:
        """``found``: the leaves at each path, if the caller already has them (else each field
        walks its own path: for events of ordinary size that is cheaper than one shared walk)."""
        verdict = self.decide(event, found)
        if verdict is None:
            return self.solve(event, found)
        return verdict

    def decide(self, event: dict[str, Any], found: dict[str, Found] | None = None) -> bool | None:
        """True or False when each field on its own settles it; None when the solver must."""
        constrained = 0
        for path, where, accepts in self.positives:
            free = indexed_pass = False
            leaves = found[path] if found is not None else where.leaves(event)
            for value, indexed in leaves:
                if accepts(value):
                    if not indexed:
                        free = True
                        break
                    indexed_pass = True
            if not free:
                if not indexed_pass:
                    return False
                constrained += 1
        for path, where in self.absences:
            leaves = found[path] if found is not None else where.leaves(event)
            if leaves:
                if not all(indexed for _value, indexed in leaves):
                    return False  # a leaf outside arrays clashes with nothing: present
                return None
        if constrained < 2:
            return True
        return None

    def exact(self, event: dict[str, Any], found: dict[str, Found] | None) -> bool:
        """Must the solver track ``exists: false`` fields (some of them has leaves)?"""
        for path, where in self.absences:
            if found[path] if found is not None else where.leaves(event):
                return True
        return False

    def solve(self, event: dict[str, Any], found: dict[str, Found] | None = None) -> bool:
        return self.solver(self.exact(event, found)).matches(event)


def _plans(fields: tuple[_Field, ...]) -> tuple[_Plan, ...]:
    """A field that is "absent or a value" doubles the plans: one each way."""
    choices: list[tuple[tuple[_Field, bool], ...]] = []
    for field in fields:
        if field.absent_only:
            choices.append(((field, False),))
        elif field.absent_or_value:
            choices.append(((field, True), (field, False)))
        else:
            choices.append(((field, True),))
    plans = []
    for combination in product(*choices):
        positives = [f for f, positive in combination if positive]
        absences = [f for f, positive in combination if not positive]
        plans.append(_Plan(positives, absences))
    return tuple(plans)


class CompiledPattern:
    """A validated pattern. Compile once, then call ``matches``/``explain`` per event.

    ``source`` is the pattern as parsed (plain dicts and lists).
    """

    __slots__ = ("_branches", "_paths", "_plans", "source")

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
        self._plans: tuple[tuple[_Plan, ...], ...] = tuple(
            _plans(branch) for branch in self._branches
        )
        self._paths: tuple[PathSet, ...] | None = None  # for explain, built on first use

    def __repr__(self) -> str:
        return f"CompiledPattern({to_compact(self.source)})"

    def matches(self, event: dict[str, Any]) -> bool:
        """True if the event (a parsed JSON object) matches the pattern."""
        for plans in self._plans:
            for plan in plans:
                if plan.matches(event):
                    return True
        return False

    def explain(self, event: dict[str, Any]) -> Explanation:
        """The verdict with the reason for each field (see ``Explanation``)."""
        best: tuple[int, tuple[FieldResult, ...]] | None = None
        if self._paths is None:
            self._paths = tuple(PathSet([f.path for f in branch]) for branch in self._branches)
        for branch, plans, paths in zip(self._branches, self._plans, self._paths, strict=True):
            results = _explain_branch(branch, plans, paths.collect(event), event)
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
        fields.append(_Field(path, FieldTest(conditions), to_compact(raw)))
    return tuple(fields)


def _passes_alone(field: _Field, found: Found) -> bool:
    """The field's verdict on its own, before fields in arrays must agree on one element."""
    if not found:
        return field.test.exists_false
    if field.absent_only:
        # present; only leaves inside arrays of objects can be ruled out by the other fields
        return all(indexed for _value, indexed in found)
    accepts = field.test.accepts
    return any(accepts(value) for value, _indexed in found) or (
        field.absent_or_value and all(indexed for _value, indexed in found)
    )


def _explain_branch(
    branch: tuple[_Field, ...], plans: tuple[_Plan, ...], found_at: dict[str, Found], event: Any
) -> tuple[FieldResult, ...]:
    """``found_at``: every field's leaves, collected in one walk of the event."""
    results: list[FieldResult] = []
    for field in branch:
        found = found_at[field.path]
        values = [value for value, _ in found]
        if not _passes_alone(field, found):
            reason = failed_reason(field.conditions, values, consistent=True)
            if not found:
                reason = _missing_reason(field, event)
            results.append(
                FieldResult(field.path, False, reason, field.expected, actual_text(values))
            )
            continue
        results.append(
            FieldResult(
                field.path, True, _ok_reason(field, found), field.expected, actual_text(values)
            )
        )
    if all(result.ok for result in results):
        # every field passes on its own; find the first one that cannot join the ones before it
        count = _first_clash(branch, plans, event, found_at)
        if count:
            old = results[count - 1]
            field = branch[count - 1]
            if field.absent_only:
                reason = (
                    f"present ({old.actual}) in the same array element as the other "
                    "fields' values, but the pattern requires it to be absent"
                )
            else:
                reason = failed_reason(field.conditions, [None], consistent=False)
            results[count - 1] = FieldResult(old.path, False, reason, old.expected, old.actual)
    return tuple(results)


def _ok_reason(field: _Field, found: Found) -> str:
    if not found:
        return "absent, as required"
    conditions = field.conditions
    if field.absent_only:
        return "absent from the array element the other fields match in"
    if len(conditions) > 1 and all(isinstance(c, Exact) for c in conditions):
        for value, _indexed in found:
            if field.test.accepts(value):
                options = ", ".join(compact(c.value) for c in conditions)  # type: ignore[attr-defined]
                return f"value {compact(value)} is one of [{options}]"
    for value, _indexed in found:
        for condition in field.conditions:
            if condition.test(value):
                return matched_reason(condition, value)
    if field.absent_or_value:
        return "absent from the array element the other fields match in"
    return "matches"  # pragma: no cover - a value passed


def _only_empty_arrays(node: Any) -> bool:
    """Iteratively: arrays holding nothing but (arrays of) empty arrays."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, (list, tuple)):
            return False
        stack.extend(current)
    return True


def _missing_reason(field: _Field, event: Any) -> str:
    present = field.where.nodes(event)
    if not present:
        return "missing"
    if all(_only_empty_arrays(node) for node in present):
        return "missing: the event has an empty array here"
    return "missing: the event has an object here, and patterns match only leaf values"


def _first_clash(
    branch: tuple[_Field, ...], plans: tuple[_Plan, ...], event: Any, found: dict[str, Found]
) -> int:
    """The smallest ``count`` such that ``branch[:count]`` cannot match (0 if the branch
    matches).

    With one plan, one solver walk answers every prefix. Without ``exists: false`` leaves the
    states are the largest sets of fields that can be given leaves together, and a prefix can
    match iff one of them holds it; otherwise the exact states list every choice of leaves, and
    a prefix can match iff some state chooses exactly its positive fields and leaves none of its
    absent fields present.

    A branch that matches has no clash, whatever its prefixes say: a field that must be
    absent may be ruled out only by a later field's choice of array element (``a.a`` absent
    and ``a`` equal to a value found in another element of the array ``a``).
    """
    if any(plan.matches(event, found) for plan in plans):
        return 0
    if len(plans) == 1:
        plan = plans[0]
        verdict = plan.decide(event, found)
        if verdict is not None:
            return 0 if verdict else _first_failure(branch, plans, event, found)
        exact = plan.exact(event, found)
        states = plan.solver(exact).states(event)
        positive_bit = {path: 1 << i for i, (path, _w, _a) in enumerate(plan.positives)}
        absent_bit = {path: 1 << i for i, (path, _w) in enumerate(plan.absences)}
        wanted = absent = 0
        for count, field in enumerate(branch, 1):
            if field.path in positive_bit:
                wanted |= positive_bit[field.path]
            else:
                absent |= absent_bit[field.path]
            if exact:
                possible = any(chosen == wanted and not x & absent for chosen, x in states)
            else:
                possible = any(chosen & wanted == wanted for chosen, _x in states)
            if not possible:
                return count
        return 0
    if any(plan.matches(event, found) for plan in plans):
        return 0
    return _first_failure(branch, plans, event, found)


def _first_failure(
    branch: tuple[_Field, ...], plans: tuple[_Plan, ...], event: Any, found: dict[str, Found]
) -> int:
    for count in range(1, len(branch) + 1):
        if not any(plan.matches(event, found) for plan in _plans(branch[:count])):
            return count
    return len(branch)  # pragma: no cover - the whole branch did not match
