"""Rules on a bus with their targets, through every page."""

from __future__ import annotations

import json
from typing import Any

from eventcomposer.aws.errors import describe_error
from eventcomposer.core.rules import RuleInfo, TargetInfo


def list_rules(
    events_client: Any, bus: str | None = None, with_targets: bool = True
) -> list[RuleInfo]:
    """Every rule on ``bus`` (default bus if None), with targets if asked."""
    try:
        rules = []
        kwargs: dict[str, Any] = {"EventBusName": bus or "default"}
        for page in events_client.get_paginator("list_rules").paginate(**kwargs):
            for rule in page.get("Rules", []):
                targets: tuple[TargetInfo, ...] = ()
                if with_targets:
                    targets = tuple(_targets(events_client, rule["Name"], bus or "default"))
                rules.append(
                    RuleInfo(
                        name=rule["Name"],
                        bus=rule.get("EventBusName", bus or "default"),
                        arn=rule.get("Arn", ""),
                        event_pattern=rule.get("EventPattern"),
                        schedule=rule.get("ScheduleExpression"),
                        state=rule.get("State", "ENABLED"),
                        description=rule.get("Description", ""),
                        targets=targets,
                    )
                )
        return rules
    except Exception as exc:
        raise describe_error(exc, events_client.meta.endpoint_url) from exc


def _targets(events_client: Any, rule: str, bus: str) -> list[TargetInfo]:
    paginator = events_client.get_paginator("list_targets_by_rule")
    return [
        TargetInfo(
            t["Id"],
            t["Arn"],
            input=t.get("Input"),
            input_path=t.get("InputPath"),
            input_transformer=(
                json.dumps(t["InputTransformer"]) if "InputTransformer" in t else None
            ),
        )
        for page in paginator.paginate(Rule=rule, EventBusName=bus)
        for t in page.get("Targets", [])
    ]
