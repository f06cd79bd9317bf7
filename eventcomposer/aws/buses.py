"""Event buses: list them (all pages) and check that one exists before sending to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventcomposer.aws.errors import describe_error

DEFAULT_BUS = "default"


@dataclass(frozen=True)
class BusInfo:
    name: str
    arn: str
    description: str = ""


@dataclass(frozen=True)
class BusCheck:
    """Whether a bus exists: True, False, or None when it could not be told (e.g. no access
    to another account's bus) with the reason in ``message``."""

    bus: str
    exists: bool | None
    message: str = ""


def list_buses(events_client: Any, page_size: int = 100) -> list[BusInfo]:
    """Every event bus of the account and region, following NextToken through all pages."""
    buses: list[BusInfo] = []
    kwargs: dict[str, Any] = {"Limit": page_size}
    while True:
        try:
            page = events_client.list_event_buses(**kwargs)
        except Exception as exc:
            raise describe_error(exc, events_client.meta.endpoint_url) from exc
        buses += [
            BusInfo(b["Name"], b.get("Arn", ""), b.get("Description", ""))
            for b in page.get("EventBuses", [])
        ]
        token = page.get("NextToken")
        if not token:
            return buses
        kwargs["NextToken"] = token


def check_bus(events_client: Any, bus: str | None) -> BusCheck:
    """Whether ``bus`` exists. AWS accepts events for a missing bus and drops them, so callers
    check first. Connectivity and credential problems are raised as AwsProblem."""
    name = bus or DEFAULT_BUS
    if name == DEFAULT_BUS:
        return BusCheck(name, True)
    try:
        events_client.describe_event_bus(Name=name)
        return BusCheck(name, True)
    except Exception as exc:
        problem = describe_error(exc, events_client.meta.endpoint_url)
    if problem.code == "ResourceNotFoundException":
        return BusCheck(
            name,
            False,
            f"event bus {name!r} does not exist in this account and region; AWS would "
            "accept the events and drop them. Create it, or choose another with --bus.",
        )
    if problem.code in ("AccessDeniedException", "AccessDenied") or not problem.is_connectivity:
        # e.g. another account's bus we may send to but not describe
        return BusCheck(name, None, f"can't tell whether {name!r} exists: {problem}")
    raise problem
