"""What earlier tails left behind (killed with ``kill -9``): found by name and tags, removed.

A resource is a leftover when the process that made it is gone (same host), or, for another
host's, when it is over a day old; a tail still running is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from eventcomposer.aws.errors import AwsProblem, describe_error
from eventcomposer.aws.tail import (
    PREFIX,
    TAG_BUS,
    TAG_HOST,
    TAG_PID,
    CleanupReport,
    created_at,
    host_name,
    refused,
    remove_queue,
    remove_rule,
)

#: A leftover from another machine is removed once it is this old (it can't be checked).
FOREIGN_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class Leftover:
    """A rule or queue an earlier tail did not remove."""

    kind: str  # "rule" | "queue"
    name: str
    bus: str  # the rule's bus (for a queue: the bus its rule was on, if tagged)
    url: str = ""  # queues only


def _alive(tags: dict[str, str], now: datetime, name: str) -> bool:
    """Whether the tail that made a resource may still be running."""
    host, pid = tags.get(TAG_HOST), tags.get(TAG_PID)
    if host == host_name() and pid and pid.isdigit():
        if int(pid) == os.getpid():
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    created = created_at(name)
    return created is not None and now - created < FOREIGN_AGE


def find_leftovers(events: Any, sqs: Any, bus: str | None = None, keep: str = "") -> list[Leftover]:
    """Tail rules on ``bus`` and tail queues in the region whose tail is no longer running.

    ``keep`` is the name of the current tail's resources, never a leftover.
    """
    now = datetime.now(timezone.utc)
    found: list[Leftover] = []
    bus = bus or "default"
    try:
        token: dict[str, str] = {}
        while True:
            page = sqs.list_queues(QueueNamePrefix=PREFIX, **token)
            for url in page.get("QueueUrls", []):
                name = url.rstrip("/").rsplit("/", 1)[-1]
                if name == keep:
                    continue
                tags = sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
                if not _alive(tags, now, name):
                    found.append(Leftover("queue", name, tags.get(TAG_BUS, ""), url))
            if not page.get("NextToken"):
                break
            token = {"NextToken": page["NextToken"]}
        buses = dict.fromkeys([bus, *(lo.bus for lo in found if lo.bus)])
        for rule_bus in buses:
            for rule in _tail_rules(events, rule_bus):
                if rule["Name"] == keep:
                    continue
                tags = {
                    t["Key"]: t["Value"]
                    for t in events.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags", [])
                }
                if not _alive(tags, now, rule["Name"]):
                    found.append(Leftover("rule", rule["Name"], rule_bus))
    except Exception as exc:
        if describe_error(exc).code == "ResourceNotFoundException":
            return found
        raise refused(
            exc,
            "sqs:ListQueues / sqs:ListQueueTags / events:ListRules / events:ListTagsForResource",
            getattr(events.meta, "endpoint_url", None),
            "Leftovers of earlier tails were not looked for.",
        ) from exc
    return found


def _tail_rules(events: Any, bus: str) -> list[dict[str, Any]]:
    rules = []
    paginator = events.get_paginator("list_rules")
    for page in paginator.paginate(EventBusName=bus, NamePrefix=PREFIX):
        rules.extend(page.get("Rules", []))
    return rules


def remove_leftovers(events: Any, sqs: Any, leftovers: list[Leftover]) -> CleanupReport:
    """Remove leftover rules (targets first) and queues; each attempted on its own."""
    report = CleanupReport()
    for leftover in leftovers:
        if leftover.kind == "rule":
            remove_rule(events, leftover.name, leftover.bus, report)
        else:
            remove_queue(sqs, leftover.url, report)
    return report


def clean_earlier_tails(
    events: Any, sqs: Any, bus: str | None, say: Callable[[str], None]
) -> CleanupReport:
    """Find and remove what earlier tails left, saying what before removing it.

    Not being allowed to look (e.g. no sqs:ListQueueTags) is said, and does not stop the tail.
    """
    try:
        leftovers = find_leftovers(events, sqs, bus)
    except AwsProblem as problem:
        if problem.is_connectivity and problem.kind != "auth":
            raise
        say(str(problem))
        return CleanupReport()
    if not leftovers:
        return CleanupReport()
    say(
        f"Removing {len(leftovers)} resource(s) an earlier tail left behind (it was killed "
        "before it could clean up): " + ", ".join(f"{lo.kind} {lo.name}" for lo in leftovers)
    )
    return remove_leftovers(events, sqs, leftovers)
