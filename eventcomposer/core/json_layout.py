"""JSON text laid out again (compacted or indented) without rewriting a single value.

What the user typed is what is sent: going through Python values would turn ``1e400`` into
``Infinity`` (which is not JSON), round ``0.10000000000000000000001`` to ``0.1``, write ``1E5`` as
``100000.0``, drop the first of two repeated keys and undo ``\\u00e9`` escapes. Here the text is
cut into its tokens and only the whitespace between them changes, with one exception: the
characters that end a line for a text editor but may stand raw in a JSON string (U+0085,
U+2028, U+2029) are written as their escapes, the same string, so that an editor can't split
a string across lines. Both functions check the text is JSON first and return None if not.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: A JSON string (escapes included), or a run of anything but whitespace and strings.
_COMPACT_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^ \t\n\r"]+', re.DOTALL)
#: A JSON string, a number or literal, or one structural character.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^ \t\n\r"\[\]{},:]+|[\[\]{},:]', re.DOTALL)
#: Line ends for an editor (``str.splitlines``) that JSON allows raw inside a string.
_LINE_BREAKERS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_LINE_BREAKER_RE = re.compile("[\x85\u2028\u2029]")

#: AWS allows a Detail nested 1000 levels deep; Python's json recurses once per level.
JSON_DEPTH = 1000


@contextmanager
def deep_json(depth: int = JSON_DEPTH) -> Iterator[None]:
    """Room on the interpreter's stack for json's recursion through ``depth`` levels (callers
    check the depth first, without recursion, so nothing deeper gets here)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, depth * 3 + 200))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a large document is parsed or indexed: its hundreds of
    thousands of new containers would trigger full collections of everything the process
    holds (a TUI's widgets too), which cost more than the work itself (a 2.5 MB paste in the
    TUI: about a second)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def is_json(text: str) -> bool:
    """Whether Python's json reads ``text`` (NaN and Infinity included: validation, not
    layout, says they are not JSON)."""
    try:
        with deep_json(), gc_paused():
            json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _escaped_line_breakers(text: str) -> str:
    if _LINE_BREAKER_RE.search(text) is None:
        return text
    return text.translate(_LINE_BREAKERS)


def compact_json(text: str) -> str | None:
    """``text`` without whitespace between tokens, every token as written; None if not JSON."""
    return compacted(text) if is_json(text) else None


def compacted(json_text: str) -> str:
    """``compact_json`` of text already known to be JSON (not checked again)."""
    return _escaped_line_breakers("".join(_COMPACT_TOKENS.findall(json_text)))


def pretty_json(text: str, indent: int = 2) -> str | None:
    """``text`` with one member or item per line, indented ``indent`` spaces a level, laid out
    as ``json.dumps(value, indent=indent)`` lays out a value; None if not JSON."""
    return indented(text, indent) if is_json(text) else None


def indented(json_text: str, indent: int = 2) -> str:
    """``pretty_json`` of text already known to be JSON (not checked again)."""
    tokens = _TOKENS.findall(json_text)
    pad = " " * indent
    indents = ["\n"]
    out: list[str] = []
    append = out.append
    depth = 0
    empty = False  # the last token opened a bracket that nothing has been put in yet
    for token in tokens:
        first = token[0]
        if first == ",":
            append(",")
            append(indents[depth])
        elif first == ":":
            append(": ")
        elif first in "[{":
            if empty:
                append(indents[depth])
            append(token)
            depth += 1
            if depth == len(indents):
                indents.append(indents[-1] + pad)
            empty = True
            continue
        elif first in "]}":
            depth -= 1
            if not empty:
                append(indents[depth])
            append(token)
        else:
            if empty:
                append(indents[depth])
            append(token)
        empty = False
    return _escaped_line_breakers("".join(out))
