"""Rules and targets as data: what the aws layer reads and the rules panel and CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TargetInfo:
    """A rule's target; at most one of the input settings is set (``input_transformer`` as
    the JSON text of the API's ``InputTransformer``)."""

    id: str
    arn: str
    input: str | None = None
    input_path: str | None = None
    input_transformer: str | None = None

    def as_target(self) -> dict[str, object]:
        """The target in the API's shape (for ``core.target_input.predict_input``)."""
        target: dict[str, object] = {"Id": self.id, "Arn": self.arn}
        if self.input is not None:
            target["Input"] = self.input
        if self.input_path is not None:
            target["InputPath"] = self.input_path
        if self.input_transformer is not None:
            target["InputTransformer"] = self.input_transformer
        return target


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
