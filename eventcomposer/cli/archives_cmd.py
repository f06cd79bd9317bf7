"""``eventcomposer archives`` and ``eventcomposer replay-archive``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, out, settings_from, warn
from eventcomposer.cli.signals import sigterm_as_interrupt

if TYPE_CHECKING:
    from eventcomposer.aws.archives import ReplayStatus
    from eventcomposer.aws.errors import AwsProblem

#: Seconds between two DescribeReplay calls while a replay runs.
POLL_SECONDS = 2.0


def run_archives(args: argparse.Namespace) -> int:
    from eventcomposer.aws.archives import list_archives
    from eventcomposer.aws.client import client
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.cli.send_cmd import connection

    try:
        with connection(settings_from(args)) as settings:
            archives = list_archives(client(settings, "events"), args.bus)
    except AwsProblem as problem:
        error(str(problem))
        return _code(problem)
    if args.output == "json":
        rows = [
            {
                "ArchiveName": a.name,
                "EventSourceArn": a.source_arn,
                "State": a.state,
                "EventCount": a.event_count,
                "SizeBytes": a.size_bytes,
                "RetentionDays": a.retention_days,
                "CreationTime": a.created.isoformat() if a.created else None,
            }
            for a in archives
        ]
        sys.stdout.write(json.dumps({"Archives": rows}, indent=2) + "\n")
        return exit_codes.OK
    if not archives:
        err.print(f"no archives{f' of bus {args.bus}' if args.bus else ''}")
        return exit_codes.OK
    table = Table(box=None, pad_edge=False)
    for column in ("Archive", "Bus", "State", "Events", "Bytes", "Retention", "Created (UTC)"):
        table.add_column(
            column, justify="right" if column in ("Events", "Bytes") else "left", overflow="fold"
        )
    for a in archives:
        table.add_row(
            a.name,
            a.bus,
            a.state,
            f"{a.event_count:,}",
            f"{a.size_bytes:,}",
            f"{a.retention_days} d" if a.retention_days else "forever",
            a.created.strftime("%Y-%m-%d %H:%M") if a.created else "",
        )
    out.print(table)
    return exit_codes.OK


def run_replay_archive(args: argparse.Namespace) -> int:
    from eventcomposer.aws.archives import start_replay
    from eventcomposer.aws.client import client
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.cli.send_cmd import connection
    from eventcomposer.core.capture import parse_moment

    try:
        start, end = parse_moment(args.start), parse_moment(args.end)
    except ValueError as exc:
        error(f"--from/--to: {exc}")
        return exit_codes.BAD_INPUT
    if end <= start:
        error("--to must be later than --from")
        return exit_codes.BAD_INPUT
    try:
        with connection(settings_from(args)) as settings:
            events = client(settings, "events")
            status = start_replay(events, args.archive, start, end, args.to_bus)
            err.print(
                Text(
                    f"replay {status.name} of {args.archive} from {start:%Y-%m-%dT%H:%M:%SZ} "
                    f"to {end:%Y-%m-%dT%H:%M:%SZ} onto {status.destination}: {status.state}",
                    style="dim",
                )
            )
            with sigterm_as_interrupt():
                status = _follow(events, status)
    except AwsProblem as problem:
        error(str(problem))
        return _code(problem)
    if args.output == "json":
        sys.stdout.write(json.dumps(status.as_json()) + "\n")
    else:
        style = "green" if status.state == "COMPLETED" else "red" if status.done else "yellow"
        reason = f" ({status.reason})" if status.reason else ""
        out.print(Text(f"replay {status.name}: ") + Text(status.state + reason, style=style))
    return exit_codes.OK if status.state == "COMPLETED" else exit_codes.FAILED


def _follow(events: Any, status: ReplayStatus) -> ReplayStatus:
    """Poll until the replay ends; Ctrl+C asks whether to cancel it (or to leave it running)."""
    from eventcomposer.aws.archives import cancel_replay, describe_replay

    last = ""
    while not status.done:
        shown = _progress_text(status)
        if shown != last:
            err.print(Text(shown, style="dim"))
            last = shown
        try:
            _wait(POLL_SECONDS)
        except KeyboardInterrupt:
            if not _ask_cancel(status.name):
                warn(
                    f"replay {status.name} goes on in EventBridge; cancel it with "
                    f"`aws events cancel-replay --replay-name {status.name}`"
                )
                return status
            err.print(f"cancelling: {cancel_replay(events, status.name)}")
        status = describe_replay(events, status.name)
    return status


def _wait(seconds: float) -> None:
    time.sleep(seconds)


def _progress_text(status: ReplayStatus) -> str:
    progress = status.progress
    done = f" {progress:.0%}" if progress is not None else ""
    return f"{status.state}{done}"


def _ask_cancel(name: str) -> bool:
    """Whether to cancel; without a terminal to ask on, the replay is left running."""
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        answer = err.input(f"\nCancel the replay {name}? [y/N] ")
    except (KeyboardInterrupt, EOFError):
        return False
    return answer.strip().lower() in ("y", "yes")


def _code(problem: AwsProblem) -> int:
    if problem.is_connectivity:
        return exit_codes.UNREACHABLE
    if problem.code in ("ResourceNotFoundException", "ValidationException"):
        return exit_codes.BAD_INPUT
    return exit_codes.FAILED
