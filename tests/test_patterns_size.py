"""The pattern size quota: 2,048 characters by default, raisable to 4,096."""

from __future__ import annotations

import json

import pytest

from eventcomposer.patterns import (
    InvalidPatternError,
    PatternTooLargeError,
    compile_pattern,
    matches,
)


def pattern_of(length: int) -> str:
    """A valid pattern exactly ``length`` characters long."""
    base = json.dumps({"source": [""]})
    text = json.dumps({"source": ["x" * (length - len(base))]})
    assert len(text) == length
    return text


EVENT = json.dumps({"source": "x"})


def test_a_pattern_at_the_default_limit_is_accepted() -> None:
    assert not matches(pattern_of(2048), EVENT)


def test_a_pattern_over_the_default_limit_is_refused_as_aws_refuses_it() -> None:
    with pytest.raises(PatternTooLargeError) as caught:
        compile_pattern(pattern_of(2049))
    error = caught.value
    assert isinstance(error, InvalidPatternError)
    assert error.code == "InvalidEventPatternException"
    assert str(error).startswith("Event pattern is not valid. Reason: ")
    assert "2049" in str(error) and "2048" in str(error)
    with pytest.raises(PatternTooLargeError):
        matches(pattern_of(2049), EVENT)


def test_a_raised_quota_accepts_up_to_4096(monkeypatch: pytest.MonkeyPatch) -> None:
    assert compile_pattern(pattern_of(4096), size_limit=4096)
    with pytest.raises(PatternTooLargeError):
        compile_pattern(pattern_of(3001), size_limit=3000)
    monkeypatch.setenv("EVENTCOMPOSER_PATTERN_SIZE_LIMIT", "4096")
    assert not matches(pattern_of(4000), EVENT)


def test_over_the_api_maximum_is_a_validation_error() -> None:
    with pytest.raises(PatternTooLargeError) as caught:
        compile_pattern(pattern_of(4097), size_limit=4096)
    assert caught.value.code == "ValidationException"
    assert str(caught.value) == (
        "1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096"
    )


@pytest.mark.parametrize("limit", [2047, 4097])
def test_the_quota_is_between_2048_and_4096(limit: int) -> None:
    with pytest.raises(ValueError, match="between 2048 and 4096"):
        compile_pattern(pattern_of(100), size_limit=limit)


def test_a_parsed_pattern_is_not_measured() -> None:
    assert compile_pattern({"source": ["x" * 5000]}).matches({"source": "x" * 5000})
