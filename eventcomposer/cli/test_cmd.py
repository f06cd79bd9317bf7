"""``eventcomposer test``: run the expectations preset entries carry (``expect``), for CI.

Each entry with ``expect`` is checked against the rules of its bus: rules that must match it,
rules that must not (our pattern engine, the one ``rules`` uses), and, on a local EventBridge,
targets that must receive it (the entries are sent and read back from the rules' SQS queues).
Exit 0 every check passed, 1 some failed, 2 bad input, 3 EventBridge unreachable.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, out, settings_from, warn
from eventcomposer.core.entries import Entry
from eventcomposer.core.expectations import (
    Check,
    Expectation,
    check_deliveries,
    check_rules,
    parse_expectation,
)

#: Seconds the target queues are read for deliveries.
DELIVERY_WAIT = 5.0


@dataclass
class Case:
    """One entry with expectations and its checks."""

    origin: str
    entry: Entry
    expectation: Expectation
    checks: list[Check] = field(default_factory=list)

    @property
    def bus(self) -> str:
        return self.entry.event_bus_name or "default"

    @property
    def outcome(self) -> str:
        if any(c.failed for c in self.checks):
            return "fail"
        return "pass" if any(c.passed for c in self.checks) else "skip"


def where_to_test(args: argparse.Namespace) -> AwsSettings:
    """Where the test runs: the embedded local EventBridge unless --endpoint-url, --profile,
    AWS_ENDPOINT_URL(_EVENTBRIDGE) or --aws say otherwise."""
    from eventcomposer.aws.settings import env_endpoint

    settings = settings_from(args)
    elsewhere = settings.endpoint_url or settings.profile or env_endpoint() or args.aws
    return settings if elsewhere else replace(settings, local=True)


def run_test(args: argparse.Namespace) -> int:
    from eventcomposer.cli.context import limits_from
    from eventcomposer.cli.send_cmd import gather_valid

    if args.aws and args.local:
        error("--aws and --local contradict each other: --aws tests on your AWS configuration")
        return exit_codes.BAD_INPUT
    batch = gather_valid(args, limits_from(args))
    if batch is None:
        return exit_codes.BAD_INPUT
    cases = [
        Case(origin, entry, parse_expectation(entry.expect))
        for entry, origin in zip(batch.entries, batch.origins, strict=True)
        if entry.expect
    ]
    if not cases:
        error(
            "no entry has expectations: add `expect:` with match, no-match or delivered to "
            "entries (see the README's Presets section)"
        )
        return exit_codes.BAD_INPUT
    code = _run(args, cases, batch)
    if code is not None:
        return code
    _report(args, cases)
    return exit_codes.FAILED if any(c.outcome == "fail" for c in cases) else exit_codes.OK


def _run(args: argparse.Namespace, cases: list[Case], batch: Any) -> int | None:
    """Check every case (filling ``checks``); an exit code when the test could not run."""
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.cli.send_cmd import connection

    try:
        with connection(where_to_test(args)) as settings:
            return _check_all(args, settings, cases, batch)
    except AwsProblem as problem:
        error(str(problem))
        return exit_codes.UNREACHABLE if problem.is_connectivity else exit_codes.BAD_INPUT


def _check_all(
    args: argparse.Namespace, settings: AwsSettings, cases: list[Case], batch: Any
) -> int | None:
    from eventcomposer.aws.buses import check_bus
    from eventcomposer.aws.client import client
    from eventcomposer.aws.rules import list_rules
    from eventcomposer.core.envelope import event_for_entry
    from eventcomposer.core.rule_matching import evaluate_rules
    from eventcomposer.sending import rule_context

    events = client(settings, "events")
    buses = list(dict.fromkeys(c.bus for c in cases))
    for bus in buses:
        check = check_bus(events, bus)
        if check.exists is False:
            error(check.message)
            return exit_codes.BAD_INPUT
    rules = {bus: list_rules(events, bus) for bus in buses}
    contexts = {bus: rule_context(events, bus) for bus in buses}
    for case in cases:
        event = event_for_entry(case.entry, contexts[case.bus].account, contexts[case.bus].region)
        verdicts = evaluate_rules(rules[case.bus], event)
        case.checks += check_rules(case.expectation, verdicts, case.bus)
    delivering = [c for c in cases if c.expectation.delivered]
    received = _deliveries(args, settings, delivering, rules, labels=batch.labels)
    for case in cases:
        got, why = received.get(id(case), (None, "not sent"))
        case.checks += check_deliveries(case.expectation, rules[case.bus], got, why)
    return None


def _deliveries(
    args: argparse.Namespace,
    settings: AwsSettings,
    cases: list[Case],
    rules: dict[str, Any],
    labels: list[str],
) -> dict[int, tuple[dict[tuple[str, str], bool] | None, str]]:
    """Send the entries that expect deliveries and read their targets' SQS queues back:
    id(case) -> ((rule, target id) -> received, or None; why not read)."""
    from eventcomposer.aws.deliveries import read_deliveries, sqs_queue
    from eventcomposer.cli.context import limits_from
    from eventcomposer.sending import Plan, SendService

    if not cases:
        return {}
    if not settings.is_local_endpoint():
        why = "targets are only read back on a local EventBridge (--local, eventcomposer local)"
        return {id(c): (None, why) for c in cases}
    plan = Plan([c.entry for c in cases], [c.origin for c in cases], labels=labels)
    result = SendService(settings, limits_from(args), origin="test").send(plan)
    if result.refused or result.report is None:
        why = result.refused or "not sent"
        return {id(c): (None, why) for c in cases}
    answers: dict[int, tuple[dict[tuple[str, str], bool] | None, str]] = {}
    sent: dict[int, str] = {}
    for case, outcome in zip(cases, result.report.outcomes, strict=True):
        if outcome.ok and outcome.event_id:
            sent[id(case)] = outcome.event_id
        else:
            why = f"PutEvents did not accept it: {outcome.error_code}: {outcome.error_message}"
            answers[id(case)] = (None, why)
    # One pseudo-rule per SQS target, so that each target's deliveries are told apart.
    targets = [
        replace(rule, name=f"{rule.name}\0{target.id}", targets=(target,))
        for bus_rules in rules.values()
        for rule in bus_rules
        for target in rule.targets
        if sqs_queue(target.arn) is not None
    ]
    delivered = read_deliveries(settings, targets, set(sent.values()), wait=DELIVERY_WAIT)
    by_target: dict[tuple[str, str], set[str]] = {}
    for name, ids in delivered.items():
        rule_name, target_id = name.split("\0", 1)
        by_target[(rule_name, target_id)] = ids
    for case in cases:
        if id(case) in sent:
            own = {r.name for r in rules[case.bus]}
            got = {key: sent[id(case)] in ids for key, ids in by_target.items() if key[0] in own}
            answers[id(case)] = (got, "")
    return answers


# --- output -------------------------------------------------------------------------------


def _report(args: argparse.Namespace, cases: list[Case]) -> None:
    if args.junit:
        try:
            _write_junit(Path(args.junit), cases)
        except OSError as exc:
            warn(f"could not write the JUnit report {args.junit}: {exc.strerror or exc}")
    if args.output == "json":
        print(json.dumps(as_json(cases), indent=2, ensure_ascii=False))
        return
    table = Table(title="eventcomposer test", title_justify="left")
    for column in ("", "Entry", "Bus", "Expect", "Rule / target", "Why"):
        table.add_column(column, overflow="fold")
    marks = {"pass": ("✓ pass", "green"), "fail": ("✗ FAIL", "bold red"), "skip": ("- skip", "dim")}
    for case in cases:
        for check in case.checks:
            mark, style = marks[check.outcome]
            table.add_row(
                Text(mark, style=style),
                Text(f"{case.origin}: {case.entry.source} / {case.entry.detail_type}"),
                case.bus,
                check.kind,
                Text(check.name),
                Text(check.message),
            )
    out.print(table)
    totals = _totals(cases)
    style = "bold red" if totals["failed"] else "bold green"
    out.print(
        Text(
            f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped "
            f"({len(cases)} entr{'y' if len(cases) == 1 else 'ies'})",
            style=style,
        )
    )


def _totals(cases: list[Case]) -> dict[str, int]:
    checks = [c for case in cases for c in case.checks]
    return {
        "passed": sum(c.outcome == "pass" for c in checks),
        "failed": sum(c.outcome == "fail" for c in checks),
        "skipped": sum(c.outcome == "skip" for c in checks),
    }


def as_json(cases: list[Case]) -> dict[str, Any]:
    """The test run as data: totals, then each entry with its checks."""
    return {
        **_totals(cases),
        "entries": [
            {
                "entry": case.origin,
                "Source": case.entry.source,
                "DetailType": case.entry.detail_type,
                "bus": case.bus,
                "outcome": case.outcome,
                "checks": [
                    {"expect": c.kind, "name": c.name, "outcome": c.outcome, "message": c.message}
                    for c in case.checks
                ],
            }
            for case in cases
        ],
    }


def _write_junit(path: Path, cases: list[Case]) -> None:
    """JUnit XML: a test suite per preset file, a test case per check."""
    import xml.etree.ElementTree as ET

    from eventcomposer.core.files import atomic_write_text

    root = ET.Element("testsuites", name="eventcomposer test")
    suites: dict[str, ET.Element] = {}
    for case in cases:
        file = case.origin.rsplit(" entry ", 1)[0]
        suite = suites.get(file)
        if suite is None:
            suite = suites[file] = ET.SubElement(root, "testsuite", name=file)
        for check in case.checks:
            testcase = ET.SubElement(
                suite,
                "testcase",
                classname=case.origin,
                name=f"{check.kind} {check.name}",
                time="0",
            )
            if check.outcome == "fail":
                ET.SubElement(testcase, "failure", message=check.message).text = (
                    f"{case.entry.source} / {case.entry.detail_type} on bus {case.bus}: "
                    f"{check.kind} {check.name}: {check.message}"
                )
            elif check.outcome == "skip":
                ET.SubElement(testcase, "skipped", message=check.message)
    for suite in suites.values():
        testcases = suite.findall("testcase")
        suite.set("tests", str(len(testcases)))
        suite.set("failures", str(sum(t.find("failure") is not None for t in testcases)))
        suite.set("skipped", str(sum(t.find("skipped") is not None for t in testcases)))
        suite.set("errors", "0")
    totals = _totals(cases)
    root.set("tests", str(sum(totals.values())))
    root.set("failures", str(totals["failed"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("errors", "0")
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    if str(path) == "-":
        sys.stderr.write(text)
        return
    atomic_write_text(path, text)
