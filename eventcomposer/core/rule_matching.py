"""Which rules match an event, and why the others don't: the rules panel's and CLI's model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from eventcomposer.core.rules import RuleInfo
from eventcomposer.patterns import (
    CompiledPattern,
    Explanation,
    InvalidPatternError,
    compile_pattern,
)


class Verdict(str, Enum):
    MATCH = "match"
    NO_MATCH = "no match"
    SCHEDULED = "scheduled"  # a schedule-only rule never matches events
    INVALID = "invalid pattern"


@dataclass(frozen=True)
class RuleVerdict:
    rule: RuleInfo
    verdict: Verdict
    explanation: Explanation | None = None
    error: str | None = None

    @property
    def reason(self) -> str:
        """One line: why not (the first failing field) or what matched."""
        if self.verdict is Verdict.SCHEDULED:
            return f"runs on a schedule ({self.rule.schedule}); it never matches events"
        if self.verdict is Verdict.INVALID:
            return self.error or "invalid pattern"
        assert self.explanation is not None
        failure = self.explanation.failure
        if failure is not None:
            return f"{failure.path}: {failure.reason}"
        return ", ".join(f.path for f in self.explanation.fields) or "matches every event"

    @property
    def disabled(self) -> bool:
        return self.rule.state.upper() != "ENABLED"


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> CompiledPattern | InvalidPatternError:
    try:
        return compile_pattern(pattern)
    except InvalidPatternError as exc:
        return exc


def evaluate_rules(
    rules: Sequence[RuleInfo], event: dict[str, Any], explain: bool = True
) -> list[RuleVerdict]:
    """The verdict of every rule for ``event``; patterns are compiled once and cached."""
    verdicts = []
    for rule in rules:
        if rule.event_pattern is None:
            verdicts.append(RuleVerdict(rule, Verdict.SCHEDULED))
            continue
        compiled = _compiled(rule.event_pattern)
        if isinstance(compiled, InvalidPatternError):
            verdicts.append(RuleVerdict(rule, Verdict.INVALID, error=str(compiled)))
            continue
        if explain:
            explanation = compiled.explain(event)
            matched = explanation.matched
        else:
            explanation, matched = None, compiled.matches(event)
        verdicts.append(
            RuleVerdict(rule, Verdict.MATCH if matched else Verdict.NO_MATCH, explanation)
        )
    return verdicts
