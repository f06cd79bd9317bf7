"""``eventcomposer send`` and ``eventcomposer validate``."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, limits_from, out, settings_from, warn
from eventcomposer.cli.inputs import InputError, gather
from eventcomposer.cli.render import print_dry_run, print_problems, print_report
from eventcomposer.core.batching import plan_calls
from eventcomposer.core.sizes import entry_size, format_bytes
from eventcomposer.core.validation import validate_entries


def run_validate(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    try:
        batch = gather(args)
    except InputError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    problems = validate_entries(batch.entries, limits)
    if problems:
        print_problems(problems, batch.origins)
        return exit_codes.BAD_INPUT
    total = sum(entry_size(e) for e in batch.entries)
    out.print(
        f"ok: {len(batch.entries)} entries valid, {total:,} bytes ({format_bytes(total)}), "
        f"{len(plan_calls(batch.entries, limits))} PutEvents call(s)"
    )
    return exit_codes.OK


def run_send(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    if not (args.files or args.entries or args.cli_input_json):
        error("nothing to send: name preset files or folders, --entries or --cli-input-json")
        return exit_codes.BAD_INPUT
    try:
        batch = gather(args)
    except InputError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    problems = validate_entries(batch.entries, limits)
    if problems:
        print_problems(problems, batch.origins)
        return exit_codes.BAD_INPUT
    if args.dry_run:
        print_dry_run(batch.entries, plan_calls(batch.entries, limits), limits)
        return exit_codes.OK

    from eventcomposer.aws.errors import AwsProblem

    try:
        with _connection(settings_from(args)) as settings:
            return _send(args, batch, settings, limits)
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED


def _send(args, batch, settings: AwsSettings, limits) -> int:  # type: ignore[no-untyped-def]
    from eventcomposer.aws.buses import check_bus
    from eventcomposer.aws.client import client
    from eventcomposer.aws.send import Sender

    events = client(settings, "events", retries=False)
    for bus in dict.fromkeys(e.event_bus_name for e in batch.entries):
        check = check_bus(events, bus)
        if check.exists is False:
            error(check.message)
            return exit_codes.BAD_INPUT
        if check.exists is None:
            warn(check.message)
    sender = Sender(events, limits, endpoint_id=batch.endpoint_id)
    with _progress(len(batch.entries)) as on_progress:
        report = sender.send(batch.entries, on_progress=on_progress)
    print_report(report, as_json=args.output == "json")
    if report.problem:
        error(str(report.problem))
        if report.problem.is_connectivity and not any(o.ok for o in report.outcomes):
            return exit_codes.UNREACHABLE
    return exit_codes.FAILED if report.failed_count else exit_codes.OK


@contextlib.contextmanager
def _connection(settings: AwsSettings) -> Iterator[AwsSettings]:
    """The settings to use; with --local, an embedded EventBridge for the command's duration."""
    if not settings.local:
        yield settings
        return
    from eventcomposer.local.server import LocalServerUnavailable
    from eventcomposer.local.session import start_local

    try:
        server, local_settings = start_local(settings)
    except LocalServerUnavailable as exc:
        error(str(exc))
        raise SystemExit(exit_codes.UNREACHABLE) from None
    try:
        yield local_settings
    finally:
        server.stop()


@contextlib.contextmanager
def _progress(total: int) -> Iterator[object]:
    """A progress bar on stderr for larger sends in a terminal; nothing otherwise."""
    if total <= 50 or not err.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("sending", total=total)
        yield lambda done, _total: progress.update(task, completed=done)
