"""``eventcomposer tail``: watch what arrives on a bus, and capture it as a preset."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, out, settings_from, warn
from eventcomposer.cli.signals import signals_ignored, sigterm_as_interrupt
from eventcomposer.core.rule_matching import RuleVerdict, Verdict, evaluate_rules
from eventcomposer.core.rules import RuleInfo

if TYPE_CHECKING:
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.aws.tail import CleanupReport, Tail

#: Non-matching rules listed under each event in the table output; the rest are counted.
_SHOWN_MISSES = 5


def run_tail(args: argparse.Namespace) -> int:
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.cli.send_cmd import connection

    try:
        pattern = _pattern_argument(args)
    except ValueError as exc:
        error(f"--pattern: {exc}")
        return exit_codes.BAD_INPUT
    if (args.max_events is not None and args.max_events < 1) or (
        args.duration is not None and args.duration <= 0
    ):
        error("--max-events must be 1 or more and --duration more than 0 seconds")
        return exit_codes.BAD_INPUT
    save = Path(args.save) if args.save else None
    if save is not None and save.exists() and not args.force:
        error(f"{save} exists; pass --force to overwrite it, or choose another --save file")
        return exit_codes.BAD_INPUT
    try:
        with connection(settings_from(args)) as settings:
            received, code = _tail(args, settings, pattern)
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.FAILED
    if save is not None and code == exit_codes.OK:
        return _save(save, received, args)
    return code


def _pattern_argument(args: argparse.Namespace) -> str | None:
    """The --pattern text, None when not given; ValueError when it is not a valid pattern."""
    if args.pattern is None:
        return None
    from eventcomposer.core.cli_formats import InputFormatError, read_argument
    from eventcomposer.patterns import InvalidPatternError, compile_pattern

    try:
        text, _ = read_argument(args.pattern)
        compile_pattern(text)
    except (InputFormatError, InvalidPatternError) as exc:
        raise ValueError(str(exc)) from exc
    return text


def _tail(
    args: argparse.Namespace, settings: AwsSettings, pattern: str | None
) -> tuple[list[dict[str, Any]], int]:
    from eventcomposer.aws.buses import check_bus
    from eventcomposer.aws.client import client
    from eventcomposer.aws.tail import MATCH_ALL, Tail, rule_pattern, watched_rules
    from eventcomposer.aws.tail_cleanup import clean_earlier_tails

    events = client(settings, "events")
    sqs = client(settings, "sqs")
    bus = args.bus or "default"
    check = check_bus(events, bus)
    if check.exists is False:
        error(check.message)
        return [], exit_codes.BAD_INPUT
    if args.rule:
        pattern = rule_pattern(events, args.rule, bus)
    _report(clean_earlier_tails(events, sqs, bus, say=lambda m: err.print(Text(m))))
    rules = watched_rules(events, bus)
    tail = Tail(events, sqs, bus, pattern or MATCH_ALL)
    received: list[dict[str, Any]] = []
    with sigterm_as_interrupt():
        try:
            tail.start()
            err.print(
                Text(
                    f"Tailing bus {bus} through rule {tail.name} and its queue "
                    f"(pattern {tail.pattern}). Ctrl+C stops and removes both.",
                    style="dim",
                )
            )
            _receive(tail, args, rules, received)
        except KeyboardInterrupt:
            err.print(Text("stopped", style="dim"))
        finally:
            with signals_ignored():
                _report(tail.close())
    err.print(Text(f"{len(received)} event(s) received", style="dim"))
    return received, exit_codes.OK


def _receive(
    tail: Tail, args: argparse.Namespace, rules: list[RuleInfo], received: list[dict[str, Any]]
) -> None:
    deadline = time.monotonic() + args.duration if args.duration else None
    while True:
        wait = 1
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            wait = min(1, int(remaining))
        for event in tail.receive(wait):
            received.append(event)
            _show(event, rules, as_json=args.output == "json")
            if args.max_events and len(received) >= args.max_events:
                return


def _show(event: dict[str, Any], rules: list[RuleInfo], as_json: bool) -> None:
    if as_json:
        # JSON Lines: one event per line, exactly as delivered, for jq.
        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    verdicts = evaluate_rules(rules, event)
    matched = [v for v in verdicts if v.verdict is Verdict.MATCH and not v.disabled]
    stamp = str(event.get("time", ""))[11:19] or "--:--:--"
    line = Text(f"{stamp}  ", style="dim")
    line += Text(f"{event.get('source', '')}", style="bold")
    line += Text(f"  {event.get('detail-type', '')}  ")
    line += Text(
        f"{len(matched)} of {len(verdicts)} rule(s) match",
        style="green" if matched else "yellow",
    )
    out.print(line)
    for verdict in _ordered(verdicts):
        out.print(_verdict_line(verdict))
    misses = sum(1 for v in verdicts if v.verdict is not Verdict.MATCH) - _SHOWN_MISSES
    if misses > 0:
        out.print(Text(f"    … and {misses} more rule(s) that don't match", style="dim"))


def _ordered(verdicts: list[RuleVerdict]) -> list[RuleVerdict]:
    """Matches first, then the first few others."""
    matched = [v for v in verdicts if v.verdict is Verdict.MATCH]
    others = [v for v in verdicts if v.verdict is not Verdict.MATCH][:_SHOWN_MISSES]
    return matched + others


def _verdict_line(verdict: RuleVerdict) -> Text:
    ok = verdict.verdict is Verdict.MATCH
    mark = Text("    ✓ " if ok else "    ✗ ", style="green" if ok else "red")
    disabled = " (disabled)" if verdict.disabled else ""
    why = f"matches on {verdict.reason}" if ok else verdict.reason
    return mark + Text(f"{verdict.rule.name}{disabled}: ") + Text(why, style="dim")


def _report(report: CleanupReport) -> None:
    """What a cleanup removed, and what it could not remove (with how to)."""
    if report.removed:
        err.print(Text(f"removed: {', '.join(report.removed)}", style="dim"))
    for failure in report.failed:
        warn(f"not removed: {failure}")


def _save(path: Path, received: list[dict[str, Any]], args: argparse.Namespace) -> int:
    from eventcomposer.cli.render import problem_lines
    from eventcomposer.core.capture import CaptureError, preset_from_events
    from eventcomposer.core.presets import save_preset
    from eventcomposer.core.validation import validate_entries

    try:
        preset = preset_from_events(
            received,
            name=path.stem,
            bus=args.bus,
            keep_time=args.keep_time,
            description=f"Captured by eventcomposer tail from bus {args.bus or 'default'}",
        )
    except CaptureError as exc:
        warn(f"nothing saved to {path}: {exc}")
        return exit_codes.OK
    try:
        save_preset(preset, path)
    except OSError as exc:
        error(f"can't write {path}: {exc.strerror or exc}")
        return exit_codes.FAILED
    err.print(Text(f"saved {len(preset.entries)} event(s) as the preset {path}"))
    origins = [f"{path} entry {n}" for n in range(1, len(preset.entries) + 1)]
    for line in problem_lines(validate_entries(preset.entries), origins):
        warn(f"{line} (PutEvents would refuse this entry; edit it before sending)")
    return exit_codes.OK
