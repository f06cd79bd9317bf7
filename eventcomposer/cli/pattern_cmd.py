"""``eventcomposer pattern`` (one pattern, one event) and ``eventcomposer rules`` (a bus)."""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, out, settings_from
from eventcomposer.core.cli_formats import InputFormatError, read_argument
from eventcomposer.core.envelope import event_for_entry
from eventcomposer.core.rule_matching import RuleVerdict, Verdict, evaluate_rules
from eventcomposer.core.validation import load_json
from eventcomposer.patterns import Explanation, InvalidPatternError, compile_pattern


def run_pattern(args: argparse.Namespace) -> int:
    try:
        pattern_text, _ = read_argument(args.pattern)
        event_text, event_name = read_argument(args.event)
    except InputFormatError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    try:
        compiled = compile_pattern(pattern_text)
    except InvalidPatternError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    loaded = load_json(event_text)  # within AWS's limits: depth, int64, no NaN; never raises
    if loaded.problem:
        error(f"--event {event_name}: {loaded.problem.removeprefix('is ')}")
        return exit_codes.BAD_INPUT
    event = loaded.value
    if not isinstance(event, dict):
        error(f"--event {event_name}: must be a JSON object (an EventBridge event)")
        return exit_codes.BAD_INPUT
    explanation = compiled.explain(event)
    _print_explanation(explanation)
    return exit_codes.OK if explanation.matched else exit_codes.FAILED


def _print_explanation(explanation: Explanation) -> None:
    if explanation.matched:
        out.print(Text("match", style="bold green"))
    else:
        failure = explanation.failure
        out.print(
            Text("no match", style="bold red")
            + Text(f": {failure.path}: {failure.reason}" if failure else "")
        )
    table = Table(show_header=True, box=None, pad_edge=False)
    for column in ("", "Field", "Why", "Pattern", "Event"):
        table.add_column(column, overflow="fold")
    for field in explanation.fields:
        table.add_row(
            Text("✓", style="green") if field.ok else Text("✗", style="red"),
            field.path,
            field.reason,
            field.expected,
            field.actual or "(missing)",
        )
    if explanation.fields:
        out.print(table)


def run_rules(args: argparse.Namespace) -> int:
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.cli.inputs import InputError, gather
    from eventcomposer.cli.send_cmd import connection

    try:
        batch = gather(args)
    except InputError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    try:
        with connection(settings_from(args)) as settings:
            from eventcomposer.aws.client import client
            from eventcomposer.aws.rules import list_rules

            events = client(settings, "events")
            region = events.meta.region_name
            rules_by_bus = {
                bus: list_rules(events, bus)
                for bus in dict.fromkeys(e.event_bus_name or "default" for e in batch.entries)
            }
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED
    unrouted = 0
    for number, (entry, origin) in enumerate(zip(batch.entries, batch.origins, strict=True), 1):
        bus = entry.event_bus_name or "default"
        event = event_for_entry(entry, region=region)
        verdicts = evaluate_rules(rules_by_bus[bus], event)
        matched = [v for v in verdicts if v.verdict is Verdict.MATCH and not v.disabled]
        unrouted += not matched
        out.print(
            Text(f"{origin}", style="bold")
            + Text(
                f"  {entry.source} / {entry.detail_type} on bus {bus}: "
                f"{len(matched)} of {len(verdicts)} rule(s) match"
            )
        )
        if verdicts:
            out.print(_verdict_table(verdicts))
        if number < len(batch.entries):
            out.print()
    return exit_codes.FAILED if unrouted else exit_codes.OK


def _verdict_table(verdicts: list[RuleVerdict]) -> Table:
    table = Table(box=None, pad_edge=False, show_header=True)
    for column in ("Rule", "Verdict", "Why / targets"):
        table.add_column(column, overflow="fold")
    styles = {
        Verdict.MATCH: "green",
        Verdict.NO_MATCH: "red",
        Verdict.SCHEDULED: "dim",
        Verdict.INVALID: "yellow",
    }
    for verdict in verdicts:
        label = verdict.verdict.value + (" (disabled)" if verdict.disabled else "")
        why = verdict.reason
        if verdict.verdict is Verdict.MATCH:
            targets = ", ".join(t.arn.rsplit(":", 1)[-1] for t in verdict.rule.targets)
            why = f"→ {targets or 'no targets'}"
        table.add_row(verdict.rule.name, Text(label, style=styles[verdict.verdict]), why)
    return table
