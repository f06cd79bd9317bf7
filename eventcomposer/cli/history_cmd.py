"""``eventcomposer history``: list past sends, show one, resend one (to where it went)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from rich.table import Table

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, limits_from, out, settings_from, warn
from eventcomposer.core.entries import EntryFormatError
from eventcomposer.core.history import History, HistoryError, HistoryRecord
from eventcomposer.paths import history_file


def run_history(args: argparse.Namespace) -> int:
    history = History(history_file())
    if args.action == "list":
        try:
            read = history.read(args.limit)
        except HistoryError as exc:  # reported, never fatal: the next send starts a new one
            warn(str(exc))
            return _list([], args.output == "json")
        for skipped in read.skipped:
            warn(f"skipped a damaged record of the history: {skipped}")
        return _list(read.records, args.output == "json")
    if not args.id:
        error(f"history {args.action} needs a send's id (see `eventcomposer history`)")
        return exit_codes.BAD_INPUT
    try:
        record = history.get(args.id)
    except HistoryError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if args.action == "show":
        data = {**asdict(record), "destination": record.destination}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return exit_codes.OK
    return _resend(args, record)


def _list(records: list[HistoryRecord], as_json: bool) -> int:
    if as_json:
        print(json.dumps([asdict(r) for r in records], indent=2, ensure_ascii=False))
        return exit_codes.OK
    if not records:
        out.print(f"No sends yet (the history is kept in {history_file()}).")
        return exit_codes.OK
    table = Table(title="Sends, newest first", title_justify="left")
    for column in ("Id", "Time (UTC)", "From", "Where", "Bus", "Entries", "Failed", "What"):
        table.add_column(
            column,
            justify="right" if column in ("Entries", "Failed") else "left",
            no_wrap=column != "What",
            overflow="ellipsis",
            max_width=30 if column in ("What", "Where") else None,
            min_width={"Id": 8, "Time (UTC)": 19, "What": 10}.get(column),
        )
    for r in records:
        table.add_row(
            r.id,
            r.time.replace("T", " ").rstrip("Z"),
            r.origin,
            _where(r),
            ", ".join(r.buses),
            f"{r.total:,}",
            str(r.failed) if r.failed else "",
            ", ".join(r.labels),
        )
    out.print(table)
    return exit_codes.OK


def _where(record: HistoryRecord) -> str:
    """Where a send went, short: ``local``, ``AWS eu-west-1``, or the endpoint and region."""
    from eventcomposer.sending import is_aws_endpoint

    if record.local:
        return f"local {record.region}"
    if record.endpoint == "AWS" or is_aws_endpoint(record.endpoint):
        return f"AWS {record.region}"
    return f"{record.endpoint.split('://', 1)[-1]} {record.region}"


def _resend(args: argparse.Namespace, record: HistoryRecord) -> int:
    """Send a record's entries again, as written (resolved afresh), to where the send went
    unless --endpoint-url/--profile/--region/--local say otherwise."""
    from eventcomposer.cli.render import print_problems
    from eventcomposer.cli.send_cmd import send_plan
    from eventcomposer.core.templating import TemplateError
    from eventcomposer.sending import plan_resend, resend_settings

    try:
        resend = plan_resend(record, failed_only=args.failed_only)
    except EntryFormatError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    for note in resend.notes:
        warn(note)
    if resend.plan is None:
        out.print(f"Nothing to resend: {resend.nothing}.")
        return exit_codes.OK
    plan = resend.plan
    limits = limits_from(args)
    try:
        problems = plan.check(limits)
    except TemplateError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if problems:
        print_problems(problems, [o.origin for o in plan.first_round()])
        return exit_codes.BAD_INPUT
    args.rate, args.concurrency, args.yes = 0, 1, getattr(args, "yes", False)
    count = plan.count
    return send_plan(
        args,
        plan,
        limits,
        origin="cli",
        settings=resend_settings(record, settings_from(args)),
        announce=f"resending {count} entr{'y' if count == 1 else 'ies'} of {record.id}",
    )
