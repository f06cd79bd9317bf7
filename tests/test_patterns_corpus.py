"""The pattern engine against outcomes recorded from AWS (shared corpus, see its README).

The corpus lives outside the project at ``../shared/corpus/event-patterns.json``; set
``EVENTCOMPOSER_PATTERN_CORPUS`` to use another file (then a missing file is a failure).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from eventcomposer.patterns import InvalidPatternError, compile_pattern, explain, matches

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpus/event-patterns.json"
ENV_VAR = "EVENTCOMPOSER_PATTERN_CORPUS"


def _corpus_path() -> Path | None:
    named = os.environ.get(ENV_VAR)
    if named:
        return Path(named)
    return DEFAULT_CORPUS if DEFAULT_CORPUS.is_file() else None


def _load_cases() -> list[Any]:
    path = _corpus_path()
    if path is None:
        return [
            pytest.param(
                None,
                id="corpus-absent",
                marks=pytest.mark.skip(
                    reason=f"pattern corpus not found at {DEFAULT_CORPUS} "
                    f"(set {ENV_VAR} to point at event-patterns.json)"
                ),
            )
        ]
    if not path.is_file():
        # Named explicitly but missing: collect one case that fails loudly.
        return [pytest.param({"missing": str(path)}, id="corpus-missing")]
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [pytest.param(case, id=case["name"]) for case in cases]


@pytest.mark.parametrize("case", _load_cases())
def test_engine_agrees_with_aws(case: dict[str, Any]) -> None:
    if "missing" in case:
        pytest.fail(f"{ENV_VAR} names {case['missing']}, which does not exist")
    pattern, event, expect = case["pattern"], case["event"], case["expect"]

    if expect == "invalid":
        with pytest.raises(InvalidPatternError) as caught:
            compile_pattern(pattern)
        recorded = case.get("aws_error_message")
        if recorded:
            assert str(caught.value).splitlines()[0] == recorded
        return

    assert matches(pattern, event) is (expect == "match")
    # the explanation must tell the same story
    assert explain(pattern, event).matched is (expect == "match")


def test_corpus_is_complete() -> None:
    path = _corpus_path()
    if path is None:
        pytest.skip(f"pattern corpus not found at {DEFAULT_CORPUS}")
    if not path.is_file():
        pytest.fail(f"{ENV_VAR} names {path}, which does not exist")
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [case["name"] for case in data["cases"]]
    assert len(names) == len(set(names)), "case names must be unique (they are test ids)"
