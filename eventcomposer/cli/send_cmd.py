"""``eventcomposer send`` and ``eventcomposer validate``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, limits_from, out, settings_from, warn
from eventcomposer.cli.inputs import Batch, InputError, gather
from eventcomposer.cli.render import (
    print_dry_run,
    print_problems,
    print_report,
    print_summary,
    problem_lines,
    problems_json,
)
from eventcomposer.cli.schema_check import schema_problems
from eventcomposer.core.batching import plan_calls
from eventcomposer.core.sizes import entry_size, format_bytes
from eventcomposer.core.validation import Limits
from eventcomposer.sending import Plan, ProgressCallback, SendResult, SendService

#: Sending more events than this to an endpoint that is not local asks first (--yes skips).
CONFIRM_ABOVE = 100
#: A dry run lists every entry: beyond this, --repeat is refused.
MAX_DRY_RUN = 100_000


def gather_valid(args: argparse.Namespace, limits: Limits, as_json: bool = False) -> Batch | None:
    """The entries the arguments name, valid as they will be sent (the first round of a
    ``--repeat``; later rounds are checked as they are built); None (with every problem printed)
    when anything is wrong: nothing is ever sent half-validated."""
    try:
        batch = gather(args)
    except InputError as exc:
        error(str(exc))
        if as_json:
            print(json.dumps({"valid": False, "problems": [{"message": str(exc)}]}))
        return None
    plan = batch.plan()
    problems = plan.check(limits) + schema_problems(args, batch)
    if problems:
        origins = [o.origin for o in plan.first_round()]
        print_problems(problems, origins)
        if as_json:
            print(json.dumps({"valid": False, "problems": problems_json(problems, origins)}))
        return None
    return batch


def run_validate(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    as_json = getattr(args, "output", "table") == "json"
    batch = gather_valid(args, limits, as_json=as_json)
    if batch is None:
        return exit_codes.BAD_INPUT
    total = sum(entry_size(e) for e in batch.entries)
    calls = len(plan_calls(batch.entries, limits))
    if as_json:
        print(
            json.dumps(
                {"valid": True, "entries": len(batch.entries), "bytes": total, "calls": calls}
            )
        )
        return exit_codes.OK
    out.print(
        f"ok: {len(batch.entries)} entries valid, {total:,} bytes ({format_bytes(total)}), "
        f"{calls} PutEvents call(s)"
    )
    return exit_codes.OK


def run_send(args: argparse.Namespace) -> int:
    limits = limits_from(args)
    if not (args.files or args.entries or args.cli_input_json or args.cli_input_yaml):
        error("nothing to send: name preset files or folders, --entries or --cli-input-json")
        return exit_codes.BAD_INPUT
    if args.rate < 0 or (args.concurrency is not None and args.concurrency < 1):
        error("--rate must be 0 (unlimited) or more, and --concurrency 1 or more")
        return exit_codes.BAD_INPUT
    batch = gather_valid(args, limits)
    if batch is None:
        return exit_codes.BAD_INPUT
    if args.dry_run:
        if batch.count > MAX_DRY_RUN:
            error(f"--dry-run lists at most {MAX_DRY_RUN:,} entries, not {batch.count:,}")
            return exit_codes.BAD_INPUT
        calls = plan_calls(batch.entries, limits)
        as_json = args.output == "json"
        print_dry_run(batch.entries, calls, limits, as_json=as_json, endpoint_id=batch.endpoint_id)
        return exit_codes.OK
    return send_plan(args, batch.plan(), limits, origin="cli")


def send_plan(
    args: argparse.Namespace,
    plan: Plan,
    limits: Limits,
    origin: str,
    settings: AwsSettings | None = None,
    announce: str | None = None,
) -> int:
    """Send a checked plan with the connection, replay and output options of ``args`` (or
    ``settings``), through the send service. ``announce`` is said, with where, before sending."""
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.core.templating import TemplateError

    settings = settings or settings_from(args)
    if not _confirmed(args, settings, plan.count):
        return exit_codes.BAD_INPUT
    try:
        with connection(settings) as live:
            service = SendService(live, limits, origin=origin)
            if announce:
                err.print(f"{announce} to {service.destination()}", markup=False)
            with _progress(plan.count) as on_progress:
                result = service.send(
                    plan,
                    concurrency=getattr(args, "concurrency", 1),  # None: adaptive
                    rate=getattr(args, "rate", 0) or None,
                    on_progress=on_progress,
                    on_stopping=_say_stopping,
                )
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED
    except TemplateError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    return _finish(args, result)


def _say_stopping(in_flight: int) -> None:
    calls = "1 call" if in_flight == 1 else f"{in_flight:,} calls"
    err.print(
        f"stopping: waiting for the {calls} in flight to finish "
        "(Ctrl+C again to stop now; their outcome will then be unknown)",
        markup=False,
        highlight=False,
    )


def _finish(args: argparse.Namespace, result: SendResult) -> int:
    """Print what a send did; its exit code."""
    for check in result.unchecked:
        warn(check.message)
    for warning in result.warnings:
        warn(warning)
    if result.refused:
        error(result.refused)
        return exit_codes.BAD_INPUT
    report = result.report
    assert report is not None
    print_report(report, as_json=args.output == "json")
    if len(report.outcomes) > 10 or report.stopped:
        print_summary(report)
    if result.not_listed:
        warn(f"{result.not_listed:,} more entries were not sent (not listed)")
    if result.problems:
        for line in problem_lines(result.problems, result.problem_origins):
            error(line)
        error("the replay stopped at an invalid entry; the entries before it were sent")
        return exit_codes.BAD_INPUT
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
def _progress(total: int) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr for larger sends in a terminal; nothing otherwise."""
    if total <= 50 or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("sending", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("sending", total=total)
        yield lambda done, _total: progress.update(task, completed=done)
