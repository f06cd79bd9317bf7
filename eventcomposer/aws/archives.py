"""Archives of a bus, and EventBridge replays of them with their progress."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from eventcomposer.aws.errors import AwsProblem, describe_error

#: Replay states after which nothing changes any more.
END_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED"})


@dataclass(frozen=True)
class ArchiveInfo:
    name: str
    source_arn: str
    state: str
    event_count: int
    size_bytes: int
    retention_days: int
    created: datetime | None
    reason: str = ""

    @property
    def bus(self) -> str:
        """The archived bus's name (the last part of its ARN)."""
        return self.source_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ReplayStatus:
    name: str
    arn: str
    state: str
    reason: str
    start: datetime | None
    end: datetime | None
    last_replayed: datetime | None
    destination: str

    @property
    def done(self) -> bool:
        return self.state in END_STATES

    @property
    def progress(self) -> float | None:
        """How far through the replayed time span (0–1), when EventBridge says."""
        if self.state == "COMPLETED":
            return 1.0
        if not (self.start and self.end and self.last_replayed) or self.end <= self.start:
            return None
        done = (self.last_replayed - self.start) / (self.end - self.start)
        return min(1.0, max(0.0, done))

    def as_json(self) -> dict[str, Any]:
        def stamp(moment: datetime | None) -> str | None:
            return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

        return {
            "ReplayName": self.name,
            "ReplayArn": self.arn,
            "State": self.state,
            "StateReason": self.reason or None,
            "EventStartTime": stamp(self.start),
            "EventEndTime": stamp(self.end),
            "EventLastReplayedTime": stamp(self.last_replayed),
            "Destination": self.destination,
        }


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _problem(exc: BaseException, events: Any, action: str, context: str = "") -> AwsProblem:
    problem = describe_error(exc, getattr(events.meta, "endpoint_url", None))
    if problem.code in ("AccessDenied", "AccessDeniedException"):
        message = f"{action} was denied ({problem.code}); the identity needs {action}. {context}"
        return AwsProblem(problem.kind, problem.code, message.strip())
    return problem


def bus_arn(events: Any, bus: str | None) -> str:
    """The ARN of ``bus`` (name or ARN); AwsProblem if it does not exist."""
    if bus and bus.startswith("arn:"):
        return bus
    try:
        return str(events.describe_event_bus(Name=bus or "default")["Arn"])
    except Exception as exc:
        raise _problem(exc, events, "events:DescribeEventBus") from exc


def list_archives(events: Any, bus: str | None = None) -> list[ArchiveInfo]:
    """Every archive (of ``bus`` when given), through all pages."""
    kwargs: dict[str, Any] = {}
    if bus:
        kwargs["EventSourceArn"] = bus_arn(events, bus)
    archives: list[ArchiveInfo] = []
    try:
        while True:
            page = events.list_archives(**kwargs)
            archives += [_archive(a) for a in page.get("Archives", [])]
            if not page.get("NextToken"):
                return archives
            kwargs["NextToken"] = page["NextToken"]
    except Exception as exc:
        raise _problem(exc, events, "events:ListArchives") from exc


def _archive(raw: dict[str, Any]) -> ArchiveInfo:
    return ArchiveInfo(
        name=raw.get("ArchiveName", ""),
        source_arn=raw.get("EventSourceArn", ""),
        state=raw.get("State", ""),
        event_count=int(raw.get("EventCount", 0) or 0),
        size_bytes=int(raw.get("SizeBytes", 0) or 0),
        retention_days=int(raw.get("RetentionDays", 0) or 0),
        created=raw.get("CreationTime"),
        reason=raw.get("StateReason", "") or "",
    )


def new_replay_name(now: datetime | None = None) -> str:
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"eventcomposer-replay-{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def start_replay(
    events: Any,
    archive: str,
    start: datetime,
    end: datetime,
    to_bus: str | None = None,
    name: str | None = None,
) -> ReplayStatus:
    """Start replaying ``archive``'s events from ``start`` to ``end`` onto ``to_bus`` (default:
    the archived bus)."""
    try:
        described = events.describe_archive(ArchiveName=archive)
    except Exception as exc:
        raise _problem(exc, events, "events:DescribeArchive", "No replay was started.") from exc
    destination = bus_arn(events, to_bus) if to_bus else str(described["EventSourceArn"])
    name = name or new_replay_name()
    try:
        events.start_replay(
            ReplayName=name,
            Description=f"eventcomposer replay-archive {archive}",
            EventSourceArn=described["ArchiveArn"],
            EventStartTime=start,
            EventEndTime=end,
            Destination={"Arn": destination},
        )
    except Exception as exc:
        raise _problem(exc, events, "events:StartReplay", "No replay was started.") from exc
    return describe_replay(events, name)


def describe_replay(events: Any, name: str) -> ReplayStatus:
    try:
        raw = events.describe_replay(ReplayName=name)
    except Exception as exc:
        raise _problem(
            exc, events, "events:DescribeReplay", f"The replay {name} may still be running."
        ) from exc
    return ReplayStatus(
        name=raw.get("ReplayName", name),
        arn=raw.get("ReplayArn", ""),
        state=raw.get("State", ""),
        reason=raw.get("StateReason", "") or "",
        start=raw.get("EventStartTime"),
        end=raw.get("EventEndTime"),
        last_replayed=raw.get("EventLastReplayedTime"),
        destination=(raw.get("Destination") or {}).get("Arn", ""),
    )


def cancel_replay(events: Any, name: str) -> str:
    """Ask EventBridge to cancel the replay; returns the state it answers (CANCELLING)."""
    try:
        return str(events.cancel_replay(ReplayName=name).get("State", "CANCELLING"))
    except Exception as exc:
        raise _problem(
            exc, events, "events:CancelReplay", f"The replay {name} was not cancelled."
        ) from exc
