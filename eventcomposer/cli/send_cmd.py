"""``eventcomposer send`` and ``eventcomposer validate``."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, limits_from, out, settings_from, warn
from eventcomposer.cli.inputs import Batch, InputError, gather
from eventcomposer.cli.render import print_dry_run, print_problems, print_report, print_summary
from eventcomposer.core.batching import plan_calls
from eventcomposer.core.sizes import entry_size, format_bytes
from eventcomposer.core.validation import Limits, validate_entries
from eventcomposer.recording import record_send

#: Sending more events than this to an endpoint that is not local asks first (--yes skips).
CONFIRM_ABOVE = 100


def gather_valid(args: argparse.Namespace, limits: Limits) -> Batch | None:
    """The entries the arguments name, resolved and valid; None (with every problem printed)
    when anything is wrong: nothing is ever sent half-validated."""
    try:
        batch = gather(args)
    except InputError as exc:
        error(str(exc))
        return None
    problems = validate_entries(batch.entries, limits)
    if problems:
        print_problems(problems, batch.origins)
        return None
    return batch


def run_validate(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    batch = gather_valid(args, limits)
    if batch is None:
        return exit_codes.BAD_INPUT
    total = sum(entry_size(e) for e in batch.entries)
    out.print(
        f"ok: {len(batch.entries)} entries valid, {total:,} bytes ({format_bytes(total)}), "
        f"{len(plan_calls(batch.entries, limits))} PutEvents call(s)"
    )
    return exit_codes.OK


def run_send(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    if not (args.files or args.entries or args.cli_input_json or args.cli_input_yaml):
        error("nothing to send: name preset files or folders, --entries or --cli-input-json")
        return exit_codes.BAD_INPUT
    if args.rate < 0 or args.concurrency < 1:
        error("--rate must be 0 (unlimited) or more, and --concurrency 1 or more")
        return exit_codes.BAD_INPUT
    batch = gather_valid(args, limits)
    if batch is None:
        return exit_codes.BAD_INPUT
    if args.dry_run:
        print_dry_run(batch.entries, plan_calls(batch.entries, limits), limits)
        return exit_codes.OK
    return send_batch(args, batch, limits, origin="cli")


def send_batch(args: argparse.Namespace, batch: Batch, limits: Limits, origin: str) -> int:
    """Send validated entries with the connection, replay and output options of ``args``."""
    from eventcomposer.aws.errors import AwsProblem

    settings = settings_from(args)
    if not _confirmed(args, settings, len(batch.entries)):
        return exit_codes.BAD_INPUT
    try:
        with connection(settings) as live:
            return _send(args, batch, live, limits, origin)
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED


def _send(
    args: argparse.Namespace, batch: Batch, settings: AwsSettings, limits: Limits, origin: str
) -> int:
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
    sender = Sender(
        events,
        limits,
        endpoint_id=batch.endpoint_id,
        concurrency=getattr(args, "concurrency", 1),
        rate=getattr(args, "rate", 0) or None,
    )
    with _progress(len(batch.entries)) as on_progress:
        report = sender.send(batch.entries, on_progress=on_progress)
    warning = record_send(report, settings, origin, events.meta.region_name, batch.labels)
    if warning:
        warn(warning)
    print_report(report, as_json=args.output == "json")
    if len(batch.entries) > 10 or report.stopped:
        print_summary(report)
    if report.stopped:
        warn("stopped by the user: entries not yet sent are marked NotSent")
    if report.problem:
        error(str(report.problem))
        if report.problem.is_connectivity and not any(o.ok for o in report.outcomes):
            return exit_codes.UNREACHABLE
    return exit_codes.FAILED if report.failed_count else exit_codes.OK


def _confirmed(args: argparse.Namespace, settings: AwsSettings, count: int) -> bool:
    """Ask before a large send to a real endpoint, unless --yes or the endpoint is local."""
    if count <= CONFIRM_ABOVE or getattr(args, "yes", False) or settings.is_local_endpoint():
        return True
    where = (
        f"{settings.endpoint_label} (profile {settings.profile_label}, region "
        f"{settings.region_label})"
    )
    if not sys.stdin or not sys.stdin.isatty():
        error(f"refusing to send {count} events to {where} without confirmation: pass --yes")
        return False
    answer = err.input(f"Send {count} events to {where}? [y/N] ")
    if answer.strip().lower() in ("y", "yes"):
        return True
    error("cancelled: nothing was sent")
    return False


@contextlib.contextmanager
def connection(settings: AwsSettings) -> Iterator[AwsSettings]:
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("sending", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("sending", total=total)
        yield lambda done, _total: progress.update(task, completed=done)
