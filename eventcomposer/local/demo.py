"""Demo data for the local EventBridge: an ``orders`` bus, rules using several pattern operators,
and an SQS queue per rule so a delivered event can be read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ACCOUNT = "123456789012"


@dataclass(frozen=True)
class DemoRule:
    name: str
    bus: str
    pattern: dict[str, Any]
    description: str

    @property
    def queue_name(self) -> str:
        return f"demo-{self.bus}-{self.name}"


DEMO_BUSES = ("orders",)
DEMO_RULES: tuple[DemoRule, ...] = (
    DemoRule(
        "large-orders",
        "orders",
        {
            "source": ["com.example.orders"],
            "detail-type": ["Order Placed"],
            "detail": {"amount": [{"numeric": [">=", 100]}]},
        },
        "Orders of 100 or more (numeric)",
    ),
    DemoRule(
        "eu-orders",
        "orders",
        {
            "source": [{"prefix": "com.example."}],
            "detail": {"shipping": {"country": ["DE", "FR", "IE", "NL"]}},
        },
        "Orders shipped to the EU (prefix, list of values)",
    ),
    DemoRule(
        "real-customers",
        "orders",
        {
            "source": ["com.example.orders"],
            "detail": {"customer": {"tier": [{"anything-but": ["test", "internal"]}]}},
        },
        "Orders not from test or internal customers (anything-but)",
    ),
    DemoRule(
        "refunds-with-reason",
        "orders",
        {
            "detail-type": ["Refund Issued"],
            "detail": {"reason": [{"exists": True}]},
        },
        "Refunds that give a reason (exists)",
    ),
    DemoRule(
        "paid-signups",
        "default",
        {
            "source": ["com.example.users"],
            "detail-type": ["User Signed Up"],
            "detail": {"plan": [{"anything-but": "free"}]},
        },
        "Sign-ups on a paid plan (anything-but)",
    ),
)


def queue_arn(name: str, region: str) -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


def seed(events: Any, sqs: Any) -> None:
    """Create the demo buses, queues, rules and targets; safe to run twice."""
    region = events.meta.region_name
    existing = {b["Name"] for b in events.list_event_buses().get("EventBuses", [])}
    for bus in DEMO_BUSES:
        if bus not in existing:
            events.create_event_bus(Name=bus, Description=f"eventcomposer demo bus {bus!r}")
    for rule in DEMO_RULES:
        sqs.create_queue(QueueName=rule.queue_name)
        events.put_rule(
            Name=rule.name,
            EventBusName=rule.bus,
            EventPattern=json.dumps(rule.pattern),
            Description=rule.description,
            State="ENABLED",
        )
        events.put_targets(
            Rule=rule.name,
            EventBusName=rule.bus,
            Targets=[{"Id": "queue", "Arn": queue_arn(rule.queue_name, region)}],
        )
