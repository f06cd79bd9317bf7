"""``eventcomposer pattern`` (one pattern, one event) and ``eventcomposer rules`` (a bus)."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, out, settings_from
from eventcomposer.core.cli_formats import InputFormatError, read_argument
from eventcomposer.core.envelope import event_for_entry
from eventcomposer.core.rule_matching import RuleVerdict, Verdict, evaluate_rules
from eventcomposer.core.target_input import rule_target_inputs
from eventcomposer.core.validation import load_json
from eventcomposer.patterns import Explanation, InvalidPatternError, compile_pattern, size_limit
from eventcomposer.patterns.size import ENVIRONMENT as PATTERN_SIZE_ENV

if TYPE_CHECKING:
    from eventcomposer.sending import RuleContext


def _size_limit(args: argparse.Namespace) -> int | None:
    """The --pattern-size-limit (validated), or None for the environment's or AWS's default."""
    value = getattr(args, "pattern_size_limit", None)
    return None if value is None else size_limit(value)


def run_pattern(args: argparse.Namespace) -> int:
    try:
        pattern_text, _ = read_argument(args.pattern)
        event_text, event_name = read_argument(args.event)
        limit = _size_limit(args)
    except (InputFormatError, ValueError) as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    as_json = getattr(args, "output", "table") == "json"
    code, ours, explanation = _our_verdict(
        pattern_text, event_text, event_name, limit, show=not as_json
    )
    if getattr(args, "check_aws", False):
        return _check_aws(args, pattern_text, event_text, ours, code, explanation)
    if as_json:
        _print_json(_verdict_json(ours, explanation))
    return code


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _verdict_json(verdict: bool | str, explanation: Explanation | None) -> dict[str, Any]:
    """``{"matched": true|false|null, "error": ..., "fields": [...]}``: null and the error
    for an invalid pattern or event."""
    data: dict[str, Any] = {"matched": verdict if isinstance(verdict, bool) else None}
    if not isinstance(verdict, bool):
        data["error"] = verdict
    if explanation is not None:
        failure = explanation.failure
        data["failure"] = _field_json(failure) if failure else None
        data["fields"] = [_field_json(f) for f in explanation.fields]
    return data


def _field_json(field: Any) -> dict[str, Any]:
    return {
        "path": field.path,
        "ok": field.ok,
        "reason": field.reason,
        "pattern": field.expected,
        "event": field.actual,
    }


def _our_verdict(
    pattern_text: str, event_text: str, event_name: str, limit: int | None, show: bool = True
) -> tuple[int, bool | str, Explanation | None]:
    """Exit code, verdict of our engine (True/False, or the error message, printed on stderr)
    and its explanation (printed on stdout if ``show``)."""
    try:
        compiled = compile_pattern(pattern_text, size_limit=limit)
    except InvalidPatternError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT, str(exc), None
    loaded = load_json(event_text)  # within AWS's limits: depth, int64, no NaN; never raises
    if loaded.problem:
        message = f"--event {event_name}: {loaded.problem.removeprefix('is ')}"
        error(message)
        return exit_codes.BAD_INPUT, message, None
    event = loaded.value
    if not isinstance(event, dict):
        message = f"--event {event_name}: must be a JSON object (an EventBridge event)"
        error(message)
        return exit_codes.BAD_INPUT, message, None
    explanation = compiled.explain(event)
    if show:
        _print_explanation(explanation)
    code = exit_codes.OK if explanation.matched else exit_codes.FAILED
    return code, explanation.matched, explanation


def _verdict_words(verdict: bool | None, message: str = "") -> str:
    if verdict is True:
        return "match"
    if verdict is False:
        return "no match"
    return f"invalid: {message}"


def _check_aws(
    args: argparse.Namespace,
    pattern_text: str,
    event_text: str,
    ours: bool | str,
    code: int,
    explanation: Explanation | None = None,
) -> int:
    """Ask EventBridge's TestEventPattern too; print both answers and whether they agree."""
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.aws.pattern_check import test_event_pattern
    from eventcomposer.cli.send_cmd import connection

    try:
        with connection(settings_from(args)) as settings:
            from eventcomposer.aws.client import client

            events = client(settings, "events")
            theirs = test_event_pattern(events, pattern_text, event_text)
    except AwsProblem as problem:
        error(f"could not ask EventBridge's TestEventPattern: {problem}")
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED
    mine = ours if isinstance(ours, bool) else None
    if getattr(args, "output", "table") == "json":
        theirs_json: dict[str, Any] = {"matched": theirs.matched}
        if theirs.matched is None:
            theirs_json["error"] = f"{theirs.code}: {theirs.message}"
        _print_json(
            {
                **_verdict_json(ours, explanation),
                "aws": theirs_json,
                "agree": mine == theirs.matched,
            }
        )
        return code
    out.print(Text("eventcomposer:      ") + Text(_verdict_words(mine, str(ours))))
    aws_words = _verdict_words(theirs.matched, f"{theirs.code}: {theirs.message}")
    out.print(Text("EventBridge (AWS):  ") + Text(aws_words))
    if mine is None and theirs.matched is None:
        out.print(Text("agree: both reject it", style="bold green"))
    elif mine == theirs.matched:
        out.print(Text("agree", style="bold green"))
    else:
        out.print(
            Text("DISAGREE", style="bold red")
            + Text(": EventBridge's answer is the one that counts on this account")
        )
    return code


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
        limit = _size_limit(args)
    except (InputError, ValueError) as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    try:
        with connection(settings_from(args)) as settings:
            from eventcomposer.aws.client import client
            from eventcomposer.aws.rules import list_rules
            from eventcomposer.sending import rule_context

            events = client(settings, "events")
            buses = list(dict.fromkeys(e.event_bus_name or "default" for e in batch.entries))
            rules_by_bus = {bus: list_rules(events, bus) for bus in buses}
            contexts = {bus: rule_context(events, bus) for bus in buses}
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED
    saved = os.environ.get(PATTERN_SIZE_ENV)
    if limit is not None:  # the rules' patterns are judged against this account's quota
        os.environ[PATTERN_SIZE_ENV] = str(limit)
    try:
        return _report_rules(args, batch, rules_by_bus, contexts)
    finally:
        if limit is not None:
            if saved is None:
                os.environ.pop(PATTERN_SIZE_ENV, None)
            else:
                os.environ[PATTERN_SIZE_ENV] = saved


def _report_rules(
    args: argparse.Namespace,
    batch: Any,
    rules_by_bus: dict[str, Any],
    contexts: dict[str, RuleContext],
) -> int:
    """Each entry against the rules of its bus, in the account and region of events there."""
    unrouted = 0
    as_json = getattr(args, "output", "table") == "json"
    results: list[dict[str, Any]] = []
    for number, (entry, origin) in enumerate(zip(batch.entries, batch.origins, strict=True), 1):
        bus = entry.event_bus_name or "default"
        event = event_for_entry(entry, contexts[bus].account, contexts[bus].region)
        verdicts = evaluate_rules(rules_by_bus[bus], event)
        matched = [v for v in verdicts if v.verdict is Verdict.MATCH and not v.disabled]
        unrouted += not matched
        if as_json:
            targets = getattr(args, "targets", False)
            results.append(_entry_json(origin, entry, bus, verdicts, event, targets))
            continue
        out.print(
            Text(f"{origin}", style="bold")
            + Text(
                f"  {entry.source} / {entry.detail_type} on bus {bus}: "
                f"{len(matched)} of {len(verdicts)} rule(s) match"
            )
        )
        if verdicts:
            out.print(_verdict_table(verdicts))
        if getattr(args, "targets", False):
            for verdict in matched:
                _print_targets(verdict, event)
        if number < len(batch.entries):
            out.print()
    if as_json:
        _print_json(results)
    return exit_codes.FAILED if unrouted else exit_codes.OK


def _entry_json(
    origin: str,
    entry: Any,
    bus: str,
    verdicts: list[RuleVerdict],
    event: dict[str, Any],
    with_targets: bool,
) -> dict[str, Any]:
    """One entry's verdicts as data (``rules --output json``): every rule of its bus, and with
    ``--targets`` what each target of a matching rule receives."""
    rules = []
    for verdict in verdicts:
        routes = verdict.verdict is Verdict.MATCH and not verdict.disabled
        rule: dict[str, Any] = {
            "name": verdict.rule.name,
            "verdict": verdict.verdict.value,
            "disabled": verdict.disabled,
            "reason": verdict.reason,
            "targets": [t.arn for t in verdict.rule.targets],
        }
        if with_targets and routes:
            rule["receives"] = [
                {
                    "target": target.id,
                    "arn": target.arn,
                    "kind": predicted.kind,
                    "body": predicted.body,
                    "notes": list(predicted.notes),
                }
                for target, predicted in rule_target_inputs(verdict.rule, event)
            ]
        rules.append(rule)
    return {
        "entry": origin,
        "Source": entry.source,
        "DetailType": entry.detail_type,
        "bus": bus,
        "matched": [r["name"] for r in rules if r["verdict"] == "match" and not r["disabled"]],
        "rules": rules,
    }


def _print_targets(verdict: RuleVerdict, event: dict[str, Any]) -> None:
    """What each target of a matching rule receives, as EventBridge builds it."""
    rule = verdict.rule
    if not rule.targets:
        out.print(Text(f"  {rule.name}: no targets", style="dim"))
    for target, predicted in rule_target_inputs(rule, event):
        where = target.arn.rsplit(":", 1)[-1]
        head = Text(f"  {rule.name} → {target.id} ({where}) receives ", style="bold")
        head += Text(
            "the event" if predicted.kind == "event" else f"its {predicted.kind}", style="bold"
        )
        out.print(head + Text(":"))
        out.print(Text("    " + (predicted.body if predicted.body is not None else "(nothing)")))
        for note in predicted.notes:
            out.print(Text(f"    note: {note}", style="yellow"))


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
