"""Wildcard patterns: syntax check, matching, and the "too complex" check.

Syntax is event-ruler's: ``*`` matches any run of characters, ``\\*`` and ``\\\\`` are a literal
star and backslash, any other backslash escape is an error, and two stars in a row are an error.
Error positions count UTF-8 bytes of the value as event-ruler stores it, i.e. with a leading
quote, so the first character is at position 1.

Complexity follows event-ruler's MachineComplexityEvaluator: the largest number of wildcard
pattern prefixes that one input can match at once (summed over the wildcard patterns on one
field). AWS rejects a rule whose complexity exceeds ``COMPLEXITY_LIMIT``.
"""

from __future__ import annotations

from collections.abc import Callable

COMPLEXITY_LIMIT = 10
TOO_COMPLEX = (
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
    "sequences after a wildcard character"
)

STAR = -1  # token for a wildcard in a byte-token list
_QUOTE = 0x22
_MAX_STATES = 20_000  # bound on the exploration; the limit is usually hit long before


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def parse(text: str) -> list[int]:
    """The value's byte tokens (``STAR`` for a wildcard); ValueError with AWS's message."""
    data = _utf8(text)
    tokens: list[int] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x2A:  # *
            if i + 1 < len(data) and data[i + 1] == 0x2A:
                raise ValueError(f"Consecutive wildcard characters at pos {i + 1}")
            tokens.append(STAR)
        elif byte == 0x5C:  # backslash
            if i + 1 < len(data) and data[i + 1] in (0x2A, 0x5C):
                tokens.append(data[i + 1])
                i += 1
            else:
                raise ValueError(f"Invalid escape character at pos {i + 1}")
        else:
            tokens.append(byte)
        i += 1
    return tokens


def segments(text: str) -> list[str]:
    """The literal runs between the stars of an (already valid) wildcard value, unescaped."""
    parts: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "*":
            parts.append("".join(literal))
            literal = []
        elif char == "\\":
            literal.append(text[i + 1])
            i += 1
        else:
            literal.append(char)
        i += 1
    parts.append("".join(literal))
    return parts


def matcher(text: str) -> Callable[[str], bool]:
    """A test that fully matches what the (already valid) wildcard value matches.

    Linear in the value, never a backtracking regex: the value must start with the first
    literal run and end with the last, and the runs between must occur in order in what lies
    between; taking each at its leftmost occurrence is always right for ``*``-only globs, and
    each ``str.find`` is linear (CPython switches to the two-way algorithm on hard inputs).
    Matching characters instead of event-ruler's UTF-8 bytes gives the same answers: UTF-8 is
    self-synchronising, so a literal run can only match at a character boundary.
    """
    runs = segments(text)
    if len(runs) == 1:
        only = runs[0]
        return lambda value: value == only
    first, last = runs[0], runs[-1]
    middle = tuple(run for run in runs[1:-1] if run)
    least = len(first) + len(last) + sum(len(run) for run in middle)

    def check(value: str) -> bool:
        if len(value) < least or not value.startswith(first) or not value.endswith(last):
            return False
        position = len(first)
        end = len(value) - len(last)
        for run in middle:
            found = value.find(run, position, end)
            if found < 0:
                return False
            position = found + len(run)
        return True

    return check


# --- complexity -----------------------------------------------------------------------------
#
# Each pattern becomes a tiny NFA over its tokens (quotes included, as event-ruler stores
# '"' + value + '"'): state i means "the first i tokens match the input so far". A star token
# can match nothing (epsilon from i to i+1) and the state right after a star loops on any byte.
# All patterns of a field run side by side as one bit set (bit = state), so a step is a few
# integer operations; stars are never adjacent, so one epsilon hop closes a set.


def complexity(values: list[str]) -> int:
    """Most wildcard prefixes one input can match at once, over the given wildcard values."""
    literal: dict[int, int] = {}  # byte -> bits of states that read that byte
    stars = 0  # bits of states whose next token is a star
    loops = 0  # bits of states right after a star
    start = 0
    offset = 0
    for value in dict.fromkeys(values):  # duplicates do not add complexity
        tokens = [_QUOTE, *parse(value), _QUOTE]
        start |= 1 << offset
        for index, token in enumerate(tokens):
            bit = 1 << (offset + index)
            if token == STAR:
                stars |= bit
                loops |= bit << 1
            else:
                literal[token] = literal.get(token, 0) | bit
        offset += len(tokens) + 1
    if not offset:
        return 0
    masks = [*literal.values(), 0]  # 0: a byte no pattern mentions

    def close(states: int) -> int:
        return states | ((states & stars) << 1)

    initial = close(start)
    seen = {initial}
    todo = [initial]
    worst = 0
    while todo:
        current = todo.pop()
        looping = current & loops
        for mask in masks:
            following = close(looping | ((current & mask) << 1))
            if not following:
                continue
            size = following.bit_count()
            if size > worst:
                worst = size
                if worst > COMPLEXITY_LIMIT:
                    return worst
            if following not in seen:
                if len(seen) > _MAX_STATES:
                    return worst
                seen.add(following)
                todo.append(following)
    return worst
