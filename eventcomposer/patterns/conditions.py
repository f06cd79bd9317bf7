"""One condition per entry of a field's value list, and the per-field test built from them.

A field's list is an OR: the field matches when one of the event's values at that path passes
one condition. Each ``Condition`` tests a single leaf value (string, number, bool or None) and
can describe itself for explanations; ``FieldTest`` folds a field's conditions into sets and
tuples so the common cases cost one or two lookups.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from . import wildcard
from .ipaddr import Address, parse_ip
from .numbers import event_scaled, format_scaled

Leaf = str | int | float | bool | None


def compact(value: Any) -> str:
    """Compact JSON for display (``["a","b"]``)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=repr)


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def type_name(value: Any) -> str:
    """'string', 'number', 'boolean' or 'null' for a leaf."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _ignore_case_regex(text: str, reverse: bool = False) -> str:
    """Regex source matching ``text`` with each character in its own, lower or upper case.

    ``reverse``: the source matches the reversed text instead (for suffixes: matching the
    reversed value from its start is linear, where searching for a suffix is not).
    """
    out = []
    for char in reversed(text) if reverse else text:
        variants = {char, char.lower(), char.upper()}
        if reverse:
            variants = {variant[::-1] for variant in variants}
        ordered = sorted(variants, key=lambda v: (-len(v), v))
        if len(ordered) == 1:
            out.append(re.escape(char))
        else:
            out.append("(?:" + "|".join(re.escape(v) for v in ordered) + ")")
    return "".join(out)


class Condition:
    """One entry of a field's value list."""

    raw: Any  # the entry as written in the pattern
    expects: str | None = None  # the leaf type this condition can match, None if any

    def test(self, value: Leaf) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        return compact(self.raw)


class Exact(Condition):
    """A literal value. Numbers compare numerically; an IP-address string matches that address."""

    def __init__(self, value: Leaf, ip: Address | None = None) -> None:
        self.raw = value
        self.value = value
        self.ip = ip
        self.expects = type_name(value)

    def test(self, value: Leaf) -> bool:
        mine = self.value
        if isinstance(mine, str):
            if not isinstance(value, str):
                return False
            return value == mine or (self.ip is not None and parse_ip(value) == self.ip)
        if isinstance(mine, bool) or mine is None:
            return value is mine
        return is_num(value) and value == mine


class Exactly(Condition):
    """``{"exactly": "..."}``: string equality, nothing else."""

    expects = "string"

    def __init__(self, text: str, raw: Any) -> None:
        self.raw = raw
        self.text = text

    def test(self, value: Leaf) -> bool:
        return isinstance(value, str) and value == self.text

    def describe(self) -> str:
        return f"exactly {quoted(self.text)}"


class StringTest(Condition):
    """prefix / suffix / equals-ignore-case / wildcard, optionally ignoring case."""

    expects = "string"

    def __init__(self, kind: str, text: str, raw: Any, ignore_case: bool = False) -> None:
        self.kind = kind
        self.text = text
        self.raw = raw
        self.ignore_case = ignore_case
        self.check = _string_check(kind, text, ignore_case)

    def test(self, value: Leaf) -> bool:
        return isinstance(value, str) and self.check(value)

    def describe(self) -> str:
        label = self.kind
        if self.ignore_case and self.kind in ("prefix", "suffix"):
            label += " (ignoring case)"
        return f"{label} {quoted(self.text)}"


def _string_check(kind: str, text: str, ignore_case: bool) -> Callable[[str], bool]:
    """A linear-time test for one string operator (no regex that can backtrack on the value)."""
    if kind == "wildcard":
        return wildcard.matcher(text)
    if not ignore_case and kind == "prefix":
        return lambda value: value.startswith(text)
    if not ignore_case and kind == "suffix":
        return lambda value: value.endswith(text)
    if kind == "prefix":
        rx = re.compile(_ignore_case_regex(text), re.DOTALL)
        return lambda value: rx.match(value) is not None
    if kind == "suffix":
        rx = re.compile(_ignore_case_regex(text, reverse=True), re.DOTALL)
        return lambda value: rx.match(value[::-1]) is not None
    rx = re.compile(_ignore_case_regex(text), re.DOTALL)  # equals-ignore-case
    return lambda value: rx.fullmatch(value) is not None


class Numeric(Condition):
    """``{"numeric": [...]}`` on scaled integers; bounds are None when open-ended at +-5e9."""

    expects = "number"

    def __init__(
        self, raw: Any, low: int, low_open: bool, high: int, high_open: bool, text: str
    ) -> None:
        self.raw = raw
        self.low, self.low_open, self.high, self.high_open = low, low_open, high, high_open
        self.text = text  # e.g. "> 0, <= 5"

    def test_scaled(self, scaled: int) -> bool:
        if scaled < self.low or (self.low_open and scaled == self.low):
            return False
        return not (scaled > self.high or (self.high_open and scaled == self.high))

    def test(self, value: Leaf) -> bool:
        if not is_num(value):
            return False
        scaled = event_scaled(value)  # type: ignore[arg-type]
        return scaled is not None and self.test_scaled(scaled)

    def describe(self) -> str:
        return f"numeric range {self.text}"


class Cidr(Condition):
    expects = "string"

    def __init__(self, raw: Any, text: str, block: tuple[int, int, int]) -> None:
        self.raw = raw
        self.text = text
        self.size, self.low, self.high = block

    def contains(self, address: Address | None) -> bool:
        return (
            address is not None and address[0] == self.size and self.low <= address[1] <= self.high
        )

    def test(self, value: Leaf) -> bool:
        return isinstance(value, str) and self.contains(parse_ip(value))

    def describe(self) -> str:
        return f"cidr {quoted(self.text)}"


class Exists(Condition):
    def __init__(self, raw: Any, present: bool) -> None:
        self.raw = raw
        self.present = present

    def test(self, value: Leaf) -> bool:
        return self.present  # a value exists; exists:false never accepts a value

    def describe(self) -> str:
        return f"exists: {'true' if self.present else 'false'}"


class AnythingBut(Condition):
    """Any value except the listed ones; values of another type always pass.

    ``kind`` is "values" (strings or numbers), "prefix", "suffix", "equals-ignore-case" or
    "wildcard". An empty list excludes nothing.
    """

    def __init__(
        self, raw: Any, kind: str, texts: list[str], numbers: list[int] | None = None
    ) -> None:
        self.raw = raw
        self.kind = kind
        self.texts = texts
        self.numbers = frozenset(numbers) if numbers is not None else None
        self.string_set = frozenset(texts)
        if kind == "prefix":
            self.prefixes = tuple(texts)
        elif kind == "suffix":
            self.suffixes = tuple(texts)
        elif kind in ("equals-ignore-case", "wildcard"):
            self.checks = [_string_check(kind, text, ignore_case=True) for text in texts]

    def excludes(self, value: Leaf) -> bool:
        kind = self.kind
        if kind == "values":
            if self.numbers is not None:
                if not is_num(value):
                    return False
                scaled = event_scaled(value)  # type: ignore[arg-type]
                return scaled is not None and scaled in self.numbers
            return isinstance(value, str) and value in self.string_set
        if not isinstance(value, str):
            return False
        if kind == "prefix":
            return value.startswith(self.prefixes)
        if kind == "suffix":
            return value.endswith(self.suffixes)
        return any(check(value) for check in self.checks)

    def test(self, value: Leaf) -> bool:
        return not self.excludes(value)

    def describe(self) -> str:
        inner = self.raw.get("anything-but") if isinstance(self.raw, dict) else None
        return f"anything-but {compact(inner)}"


class FieldTest:
    """All conditions of one field, folded for speed. ``accepts`` tests one leaf."""

    def __init__(self, conditions: list[Condition]) -> None:
        self.conditions = conditions
        self.exists_true = any(isinstance(c, Exists) and c.present for c in conditions)
        self.exists_false = any(isinstance(c, Exists) and not c.present for c in conditions)
        strings: set[str] = set()
        numbers: set[int | float] = set()
        self.bools: frozenset[bool] = frozenset(
            c.value for c in conditions if isinstance(c, Exact) and isinstance(c.value, bool)
        )
        self.null = any(isinstance(c, Exact) and c.value is None for c in conditions)
        ips: set[Address] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        self.string_checks: list[Callable[[str], bool]] = []
        self.ranges: list[Numeric] = []
        self.cidrs: list[Cidr] = []
        self.anything_buts: list[AnythingBut] = []
        for c in conditions:
            if isinstance(c, Exact):
                if isinstance(c.value, str):
                    strings.add(c.value)
                    if c.ip is not None:
                        ips.add(c.ip)
                elif is_num(c.value):
                    numbers.add(c.value)  # type: ignore[arg-type]
            elif isinstance(c, Exactly):
                strings.add(c.text)
            elif isinstance(c, StringTest):
                if c.kind == "prefix" and not c.ignore_case:
                    prefixes.append(c.text)
                elif c.kind == "suffix" and not c.ignore_case:
                    suffixes.append(c.text)
                else:
                    self.string_checks.append(c.check)
            elif isinstance(c, Numeric):
                self.ranges.append(c)
            elif isinstance(c, Cidr):
                self.cidrs.append(c)
            elif isinstance(c, AnythingBut):
                self.anything_buts.append(c)
        self.strings = frozenset(strings)
        self.numbers = frozenset(numbers)
        self.ips = frozenset(ips)
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        self.needs_ip = bool(ips or self.cidrs)

    def accepts(self, value: Leaf) -> bool:
        if self.exists_true:
            return True
        if isinstance(value, str):
            if value in self.strings:
                return True
            if self.prefixes and value.startswith(self.prefixes):
                return True
            if self.suffixes and value.endswith(self.suffixes):
                return True
            for check in self.string_checks:
                if check(value):
                    return True
            if self.needs_ip:
                address = parse_ip(value)
                if address is not None:
                    if address in self.ips:
                        return True
                    for cidr in self.cidrs:
                        if cidr.contains(address):
                            return True
        elif isinstance(value, bool):
            if value in self.bools:
                return True
        elif value is None:
            if self.null:
                return True
        elif isinstance(value, (int, float)):
            if value in self.numbers:
                return True
            if self.ranges:
                scaled = event_scaled(value)
                if scaled is not None:
                    for numeric in self.ranges:
                        if numeric.test_scaled(scaled):
                            return True
        for anything_but in self.anything_buts:  # noqa: SIM110 - a loop is faster on this path
            if not anything_but.excludes(value):
                return True
        return False


def range_text(parts: list[tuple[str, int]]) -> str:
    """``[(">", scaled), ("<=", scaled)]`` -> ``"> 0, <= 5"``."""
    return ", ".join(f"{op} {format_scaled(value)}" for op, value in parts)
