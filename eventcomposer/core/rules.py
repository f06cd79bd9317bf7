"""Rules and targets as data: what the aws layer reads and the rules panel and CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TargetInfo:
    id: str
    arn: str


@dataclass(frozen=True)
class RuleInfo:
    """One rule on a bus. A rule with only a schedule never matches events."""

    name: str
    bus: str
    arn: str = ""
    event_pattern: str | None = None
    schedule: str | None = None
    state: str = "ENABLED"
    description: str = ""
    targets: tuple[TargetInfo, ...] = field(default_factory=tuple)

    @property
    def is_scheduled_only(self) -> bool:
        return self.event_pattern is None
