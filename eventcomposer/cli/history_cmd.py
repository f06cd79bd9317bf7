"""``eventcomposer history``: list past sends, show one, resend one."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from rich.table import Table

from eventcomposer.aws.send import UNKNOWN_OUTCOME
from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, limits_from, out, warn
from eventcomposer.cli.inputs import Batch
from eventcomposer.core.entries import Entry, EntryFormatError
from eventcomposer.core.history import History, HistoryError, HistoryRecord
from eventcomposer.core.validation import validate_entries
from eventcomposer.paths import history_file


def run_history(args: argparse.Namespace) -> int:
    history = History(history_file())
    try:
        if args.action == "list":
            return _list(history.records()[: args.limit], args.output == "json")
        if not args.id:
            error(f"history {args.action} needs a send's id (see `eventcomposer history`)")
            return exit_codes.BAD_INPUT
        record = history.get(args.id)
    except HistoryError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if args.action == "show":
        print(json.dumps(asdict(record), indent=2, ensure_ascii=False))
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
    for column in ("Id", "Time (UTC)", "From", "Endpoint", "Bus", "Entries", "Failed", "What"):
        table.add_column(
            column,
            justify="right" if column in ("Entries", "Failed") else "left",
            no_wrap=column != "What",
            overflow="ellipsis",
            max_width=30 if column in ("What", "Endpoint") else None,
            min_width={"Id": 8, "Time (UTC)": 19, "What": 10}.get(column),
        )
    for r in records:
        table.add_row(
            r.id,
            r.time.replace("T", " ").rstrip("Z"),
            r.origin,
            r.endpoint,
            ", ".join(r.buses),
            f"{r.total:,}",
            str(r.failed) if r.failed else "",
            ", ".join(r.labels),
        )
    out.print(table)
    return exit_codes.OK


def _resend(args: argparse.Namespace, record: HistoryRecord) -> int:
    from eventcomposer.cli.send_cmd import send_batch

    pairs = list(zip(record.entries, record.results, strict=False))
    if args.failed_only:
        unknown = sum(1 for _, r in pairs if r.get("ErrorCode") == UNKNOWN_OUTCOME)
        if unknown:
            warn(
                f"{unknown} entries of {record.id} have an unknown outcome (they may have been "
                "accepted) and are not resent; resend the whole send to include them"
            )
        pairs = [(e, r) for e, r in pairs if r.get("ErrorCode") not in (None, UNKNOWN_OUTCOME)]
        if not pairs:
            out.print(f"Nothing to resend: every entry of {record.id} was accepted.")
            return exit_codes.OK
    try:
        entries = [Entry.from_api(e, f"history {record.id}") for e, _ in pairs]
    except EntryFormatError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if record.truncated and not args.failed_only:
        error(f"{record.id} kept only the first {len(record.entries)} of {record.total} entries")
    origins = [f"history {record.id} entry {i}" for i in range(1, len(entries) + 1)]
    problems = validate_entries(entries, limits_from(args))
    if problems:
        from eventcomposer.cli.render import print_problems

        print_problems(problems, origins)
        return exit_codes.BAD_INPUT
    batch = Batch(entries, origins, [f"resend of {record.id}"])
    args.rate, args.concurrency, args.yes = 0, 1, getattr(args, "yes", False)
    return send_batch(args, batch, limits_from(args), origin="cli")
