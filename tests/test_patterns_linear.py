"""The issue's adversarial cases: each compiles, matches and explains in well under a second.

The engine of commit 23ea613 took from seconds to minutes on each (a backtracking regex per
wildcard, combinations for arrays of objects); ``bench/patterns.py`` times them side by side.
The bound here is loose on purpose (a shared CI machine), yet far below the old times.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from eventcomposer.patterns import compile_pattern

LIMIT_SECONDS = 1.5


def _five_fields() -> tuple[Any, Any, bool]:
    names = ["f1", "f2", "f3", "f4", "f5"]
    items = [{n: "x" for n in names[:4]} for _ in range(2001)] + [{"f5": "x"}]
    return {"items": {n: ["x"] for n in names}}, {"items": items}, False


def _nested() -> tuple[Any, Any, bool]:
    outer = [
        {"p": 1, "i": [{"q": 1} if j % 2 else {"r": 1} for j in range(100)]} for _ in range(100)
    ]
    return {"o": {"p": [1], "i": {"q": [1], "r": [1]}}}, {"o": outer}, False


CASES = {
    "wildcard *a*b*c*z vs 4 KB": lambda: (
        {"a": [{"wildcard": "*a*b*c*z"}]},
        {"a": "abcdefgh" * 512},
        False,
    ),
    "s3 key with 800 slashes": lambda: (
        {"resources": [{"wildcard": "arn:aws:s3:::*/*/*/*.csv"}]},
        {"resources": ["arn:aws:s3:::bucket/" + "d/" * 799 + "file.txt"]},
        False,
    ),
    "log wildcard vs 15 KB": lambda: (
        {"log": [{"wildcard": "*ERROR*timeout*retry*FATAL"}]},
        {"log": ("ERROR request timeout; retry later\n" * 500)[:15_000]},
        False,
    ),
    "anything-but wildcard vs 240 KB": lambda: (
        {"a": [{"anything-but": {"wildcard": "*a*b*c*z"}}]},
        {"a": "abcdefgh" * 30_720},
        True,
    ),
    "5 fields, 2,001 elements": _five_fields,
    "100 x 100 nested arrays": _nested,
}


@pytest.mark.parametrize("name", list(CASES))
def test_adversarial_case_is_fast(name: str) -> None:
    pattern, event, expected = CASES[name]()
    start = time.perf_counter()
    compiled = compile_pattern(json.dumps(pattern))
    assert compiled.matches(event) is expected
    assert compiled.explain(event).matched is expected
    assert time.perf_counter() - start < LIMIT_SECONDS
