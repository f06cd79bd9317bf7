"""Pattern validation and compilation, following event-ruler's rule compilers step by step.

The pattern becomes a list of branches (one per ``$or`` alternative, as event-ruler's
JsonRuleCompiler produces them); each branch maps a dotted field path to the list of
conditions for that field. A later entry for the same path replaces the earlier one.

Like event-ruler's ``Machine.addRule``, a pattern the ``$or``-aware compiler rejects is
compiled again with ``$or`` as an ordinary field name, and if that fails too, its error is the
one reported. Messages are AWS's (the text after ``Reason: ``).
"""

from __future__ import annotations

from typing import Any

from . import wildcard
from .conditions import (
    AnythingBut,
    Cidr,
    Condition,
    Exact,
    Exactly,
    Exists,
    Numeric,
    StringTest,
    range_text,
)
from .errors import InvalidPatternError
from .ipaddr import looks_like_ip, parse_cidr, parse_ip
from .jsontext import is_array, is_number, members, to_plain, token_text
from .numbers import LIMIT, scaled_from_text

OR = "$or"
# Our guard against $or combinations exploding (each $or multiplies the branches). AWS caps
# combinations too; the exact count and wording are not known, so the message is ours.
MAX_BRANCHES = 1000

RESERVED_IN_OR = frozenset(
    [
        "exactly",
        "equals-ignore-case",
        "prefix",
        "suffix",
        "anything-but",
        "exists",
        "wildcard",
        "numeric",
        "cidr",
        "=",
        "<",
        "<=",
        ">",
        ">=",
        "regex",
        "not-wildcard",
        "not-equals-ignore-case",
        "date-after",
        "date-on-or-after",
        "date-before",
        "date-on-or-before",
        "in-date-range",
        "ip-address-in-range",
        "ip-address-not-in-range",
    ]
)

TOO_MANY_ELEMENTS = "Too many elements in numeric expression"
ONE_KEY = "Only one key allowed in match expression"

Branch = dict[str, tuple[list[Condition], list[Any]]]


class _Fail(Exception):
    """Internal: compilation stopped with AWS's reason text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _TooMany(_Fail):
    """A limit, not a malformed pattern: never retried with ``$or`` as a plain field."""


def compile_branches(tree: Any) -> list[Branch]:
    """Validate and compile a parsed pattern; raise InvalidPatternError with AWS's message."""
    pairs = members(tree)
    if pairs is None:
        raise InvalidPatternError("Filter is not an object")
    compiler = _Compiler(or_enabled=True)
    try:
        branches = compiler.run(pairs)
    except _Fail as first:
        if not compiler.saw_or or isinstance(first, _TooMany):
            raise InvalidPatternError(first.reason) from None
        try:
            branches = _Compiler(or_enabled=False).run(pairs)
        except _Fail as second:
            raise InvalidPatternError(second.reason) from None
    _check_complexity(branches)
    return branches


def _check_complexity(branches: list[Branch]) -> None:
    by_path: dict[str, list[str]] = {}
    for branch in branches:
        for path, (conditions, _raw) in branch.items():
            for condition in conditions:
                if isinstance(condition, StringTest) and condition.kind == "wildcard":
                    by_path.setdefault(path, []).append(condition.text)
    for values in by_path.values():
        if wildcard.complexity(values) > wildcard.COMPLEXITY_LIMIT:
            raise InvalidPatternError(wildcard.TOO_COMPLEX)


class _Compiler:
    def __init__(self, or_enabled: bool) -> None:
        self.or_enabled = or_enabled
        self.saw_or = False

    def run(self, pairs: list[tuple[str, Any]]) -> list[Branch]:
        rules: list[Branch] = []
        self._object(pairs, [], rules, inside_or=False)
        return rules or [{}]

    # --- structure ------------------------------------------------------------------------

    def _object(
        self, pairs: list[tuple[str, Any]], path: list[str], rules: list[Branch], inside_or: bool
    ) -> None:
        if not pairs:
            raise _Fail("Empty objects are not allowed")
        for key, value in pairs:
            if key == OR:
                self.saw_or = True
                if self.or_enabled:
                    self._or(value, path, rules)
                    continue
            if inside_or and key in RESERVED_IN_OR:
                raise _Fail(f"{key} is Ruler reserved fieldName which cannot be used inside $or.")
            child = members(value)
            if child is not None:
                self._object(child, [*path, key], rules, inside_or)
            elif is_array(value):
                name = ".".join([*path, key])
                entry = (self._values(value), [to_plain(v) for v in value])
                if not rules:
                    rules.append({})
                for rule in rules:
                    rule[name] = entry
            else:
                raise _Fail(f'"{key}" must be an object or an array')

    def _or(self, value: Any, path: list[str], rules: list[Branch]) -> None:
        current = [dict(rule) for rule in rules]
        rules.clear()
        if not is_array(value):
            raise _Fail("It must be an Array followed with $or.")
        for item in value:
            pairs = members(item)
            if pairs is None:
                raise _Fail("Only JSON object is allowed in array of $or relationship.")
            forked = [dict(rule) for rule in current] or [{}]
            self._object(pairs, path, forked, inside_or=True)
            rules.extend(forked)
            if len(rules) > MAX_BRANCHES:
                raise _TooMany(f"Too many $or combinations (more than {MAX_BRANCHES})")
        if len(value) < 2:
            raise _Fail("There must have at least 2 Objects in $or relationship.")

    # --- values -----------------------------------------------------------------------------

    def _values(self, items: Any) -> list[Condition]:
        conditions: list[Condition] = []
        for item in items:
            pairs = members(item)
            if pairs is not None:
                conditions.append(self._expression(pairs, to_plain(item)))
            elif isinstance(item, str):
                address = parse_ip(item) if looks_like_ip(item) else None
                conditions.append(Exact(item, address))
            elif is_number(item) or isinstance(item, bool) or item is None:
                conditions.append(Exact(to_plain(item)))
            else:
                raise _Fail("Match value must be String, number, true, false, or null")
        if not conditions:
            raise _Fail("Empty arrays are not allowed")
        return conditions

    def _expression(self, pairs: list[tuple[str, Any]], raw: Any) -> Condition:
        if not pairs:
            raise _Fail("Match expression name not found")
        name, value = pairs[0]
        rest = pairs[1:]
        if name == "exactly":
            if not isinstance(value, str):
                raise _Fail("exact match pattern must be a string")
            _only_one(rest, ONE_KEY)
            return Exactly(value, raw)
        if name in ("prefix", "suffix"):
            inner = members(value)
            if inner is not None:
                condition = self._ignore_case_affix(name, inner, raw)
                _only_one(rest, ONE_KEY)
                return condition
            if not isinstance(value, str):
                raise _Fail(f"{name} match pattern must be a string")
            _only_one(rest, ONE_KEY)
            return StringTest(name, value, raw)
        if name == "numeric":
            if not is_array(value):
                raise _Fail("Value of numeric must be an array.")
            condition = self._numeric(list(value), raw)
            _only_one(rest, TOO_MANY_ELEMENTS)
            return condition
        if name == "anything-but":
            return self._anything_but(value, rest, raw)
        if name == "exists":
            if value is not True and value is not False:
                raise _Fail("exists match pattern must be either true or false.")
            _only_one(rest, ONE_KEY)
            return Exists(raw, value)
        if name == "cidr":
            if not isinstance(value, str):
                raise _Fail("prefix match pattern must be a string")  # sic, as AWS says
            try:
                block = parse_cidr(value)
            except ValueError as error:
                raise _Fail(str(error)) from None
            _only_one(rest, ONE_KEY)
            return Cidr(raw, value, block)
        if name == "equals-ignore-case":
            if not isinstance(value, str):
                raise _Fail("equals-ignore-case match pattern must be a string")
            _only_one(rest, ONE_KEY)
            return StringTest("equals-ignore-case", value, raw, ignore_case=True)
        if name == "wildcard":
            if not isinstance(value, str):
                raise _Fail("wildcard match pattern must be a string")
            _check_wildcard(value)
            _only_one(rest, ONE_KEY)
            return StringTest("wildcard", value, raw)
        raise _Fail(f"Unrecognized match type {name}")

    def _ignore_case_affix(self, name: str, inner: list[tuple[str, Any]], raw: Any) -> Condition:
        label = name.capitalize()
        if not inner:
            raise _Fail(f"{label} expression name not found")
        op, text = inner[0]
        if op != "equals-ignore-case":
            raise _Fail(f"Unsupported {name} pattern: {op}")
        if not isinstance(text, str):
            raise _Fail("equals-ignore-case match pattern must be a string")
        _only_one(inner[1:], ONE_KEY)
        return StringTest(name, text, raw, ignore_case=True)

    def _numeric(self, items: list[Any], raw: Any) -> Condition:
        if not items or not isinstance(items[0], str):
            shown = token_text(items[0]) if items else "]"
            raise _Fail(f"Invalid member in numeric match: {shown}")
        op = items[0]
        operand = items[1] if len(items) > 1 else None
        has_operand = len(items) > 1 and is_number(operand)
        try:
            if op == "=":
                if not has_operand:
                    raise _Fail("Value of equals must be numeric")
                if len(items) > 2:
                    raise _Fail(TOO_MANY_ELEMENTS)
                value = scaled_from_text(token_text(operand))
                return Numeric(raw, value, False, value, False, range_text([("=", value)]))
            if op in (">=", ">"):
                if not has_operand:
                    raise _Fail(f"Value of {op} must be numeric")
                bottom_text = token_text(operand)
                if len(items) == 2:
                    return _range(raw, bottom_text, op == ">", None, False, op, None)
                return self._between(items, raw, bottom_text, op)
            if op in ("<=", "<"):
                if not has_operand:
                    raise _Fail(f"Value of {op} must be numeric")
                if len(items) > 2:
                    raise _Fail(TOO_MANY_ELEMENTS)
                return _range(raw, None, False, token_text(operand), op == "<", None, op)
            raise _Fail(f"Unrecognized numeric range operator: {op}")
        except ValueError as error:  # number out of range / too many decimals
            raise _Fail(str(error)) from None

    def _between(self, items: list[Any], raw: Any, bottom_text: str, low_op: str) -> Condition:
        second = items[2]
        if not isinstance(second, str):
            raise _Fail(f"Bad value in numeric range: {token_text(second)}")
        if second not in ("<", "<="):
            raise _Fail(f"Bad numeric range operator: {second}")
        if len(items) < 4 or not is_number(items[3]):
            raise _Fail(f"Value of {second} must be numeric")
        if len(items) > 4:
            raise _Fail("Too many terms in numeric range expression")
        return _range(
            raw, bottom_text, low_op == ">", token_text(items[3]), second == "<", low_op, second
        )

    def _anything_but(self, value: Any, rest: list[tuple[str, Any]], raw: Any) -> Condition:
        kind = "values"
        inner_rest: list[tuple[str, Any]] | None = None
        inner = members(value)
        if inner is not None:
            if not inner:
                raise _Fail("Anything-But expression name not found")
            op, value = inner[0]
            if op not in ("equals-ignore-case", "prefix", "suffix", "wildcard"):
                raise _Fail(f"Unsupported anything-but pattern: {op}")
            kind = op
            inner_rest = inner[1:]
        if not (is_array(value) or isinstance(value, str) or is_number(value)):
            raise _Fail("Value of anything-but must be an array or single string/number value.")
        items = list(value) if is_array(value) else [value]
        if kind == "values":
            condition = _anything_but_values(items, is_array(value), raw)
        else:
            condition = _anything_but_set(kind, items, raw)
        if inner_rest is not None:
            _only_one(inner_rest, TOO_MANY_ELEMENTS)
        _only_one(rest, TOO_MANY_ELEMENTS)
        return condition


def _only_one(rest: list[tuple[str, Any]], message: str) -> None:
    if rest:
        raise _Fail(message)


def _check_wildcard(text: str) -> None:
    try:
        wildcard.parse(text)
    except ValueError as error:
        raise _Fail(str(error)) from None


def _range(
    raw: Any,
    bottom_text: str | None,
    low_open: bool,
    top_text: str | None,
    high_open: bool,
    low_op: str | None,
    high_op: str | None,
) -> Condition:
    """event-ruler's Range: open ends are the +-5e9 limits, and bottom must be below top."""
    low = -LIMIT if bottom_text is None else None
    high = LIMIT if top_text is None else None
    low_value = float(bottom_text) if bottom_text is not None else -5e9
    high_value = float(top_text) if top_text is not None else 5e9
    if low_value >= high_value:
        raise _Fail("Bottom must be less than top")
    if low is None:
        low = scaled_from_text(bottom_text)  # type: ignore[arg-type]
    if high is None:
        high = scaled_from_text(top_text)  # type: ignore[arg-type]
    parts = []
    if low_op is not None:
        parts.append((low_op, low))
    if high_op is not None:
        parts.append((high_op, high))
    return Numeric(raw, low, low_open, high, high_open, range_text(parts))


def _anything_but_values(items: list[Any], listed: bool, raw: Any) -> Condition:
    texts: list[str] = []
    numbers: list[int] = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        elif is_number(item):
            try:
                numbers.append(scaled_from_text(token_text(item)))
            except ValueError as error:
                raise _Fail(str(error)) from None
        else:
            raise _Fail("Inside anything but list, start|null|boolean is not supported.")
    if listed and bool(texts) == bool(numbers):
        raise _Fail(
            "Inside anything but list, either all values are number or string, "
            "mixed type is not supported"
        )
    return AnythingBut(raw, "values", texts, numbers if numbers else None)


def _anything_but_set(kind: str, items: list[Any], raw: Any) -> Condition:
    texts: list[str] = []
    for item in items:
        if not isinstance(item, str):
            if kind == "equals-ignore-case":
                raise _Fail(
                    "Inside anything-but/equals-ignore-case list, "
                    "number|start|null|boolean is not supported."
                )
            if kind == "wildcard":
                raise _Fail("wildcard match pattern must be a string")
            raise _Fail("prefix/suffix match pattern must be a string")
        if kind in ("prefix", "suffix") and not item:
            raise _Fail("Null prefix/suffix not allowed")
        texts.append(item)
    if kind == "wildcard":
        for text in texts:
            _check_wildcard(text)
    return AnythingBut(raw, kind, texts)
