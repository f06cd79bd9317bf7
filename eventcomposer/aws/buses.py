"""Event buses: list them (all pages) and check that one exists before sending to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventcomposer.aws.advice import Terms
from eventcomposer.aws.errors import AwsProblem, advised, describe_error

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
    problem: AwsProblem | None = None
    """Why it does not exist, or why that could not be told (for ``in_terms``)."""

    def in_terms(self, terms: Terms) -> str:
        """``message`` in an interface's terms (the TUI's: F2, not --bus)."""
        if self.problem is None:
            return self.message
        said = self.problem.in_terms(terms)
        return said if self.exists is False else f"can't tell whether {self.bus!r} exists: {said}"


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
        missing = missing_bus(name)
        return BusCheck(name, False, missing.message, missing)
    if problem.code in ("AccessDeniedException", "AccessDenied") or not problem.is_connectivity:
        # e.g. another account's bus we may send to but not describe
        return BusCheck(name, None, f"can't tell whether {name!r} exists: {problem}", problem)
    raise problem


def missing_bus(name: str) -> AwsProblem:
    """A bus that does not exist: what AWS would do, and (in each interface's terms) what to
    do instead."""
    return advised(
        "request",
        "ResourceNotFoundException",
        f"event bus {name!r} does not exist in this account and region; AWS would accept the "
        "events and drop them.",
        "Create it, or {another_bus}.",
    )
