"""Rich output of headless commands: results, dry runs and problems."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from eventcomposer.aws.send import SendReport
from eventcomposer.cli.context import err, out
from eventcomposer.core.entries import Entry
from eventcomposer.core.sizes import entry_size, format_bytes
from eventcomposer.core.validation import Limits, Problem


def problem_lines(problems: Sequence[Problem], origins: Sequence[str]) -> list[str]:
    """Problems as lines naming where each entry came from (file and entry number)."""
    lines = []
    for problem in problems:
        if problem.entry is not None and problem.entry <= len(origins):
            lines.append(f"{origins[problem.entry - 1]}, {problem.field}: {problem.message}")
        else:
            lines.append(str(problem))
    return lines


def problems_json(problems: Sequence[Problem], origins: Sequence[str]) -> list[dict[str, object]]:
    """Problems as data: where (file and entry), field, line, column, message."""
    return [
        {
            "entry": (
                origins[p.entry - 1] if p.entry is not None and p.entry <= len(origins) else None
            ),
            "field": p.field,
            "line": p.line,
            "column": p.column,
            "message": p.message,
        }
        for p in problems
    ]


def print_problems(problems: Sequence[Problem], origins: Sequence[str]) -> None:
    for line in problem_lines(problems, origins):
        err.print(Text("error: ", style="bold red") + Text(line))
    err.print(Text(f"{len(problems)} problem(s); nothing was sent.", style="bold"))


def dry_run_bodies(
    entries: Sequence[Entry], calls: list[list[int]], endpoint_id: str | None = None
) -> list[dict[str, object]]:
    """The PutEvents request bodies a send would make: ``[{"Entries": [...]}, ...]``."""
    bodies: list[dict[str, object]] = []
    for call in calls:
        body: dict[str, object] = {"Entries": [entries[i].to_api() for i in call]}
        if endpoint_id:
            body["EndpointId"] = endpoint_id
        bodies.append(body)
    return bodies


def print_dry_run(
    entries: Sequence[Entry],
    calls: list[list[int]],
    limits: Limits,
    as_json: bool = False,
    endpoint_id: str | None = None,
) -> None:
    """What a send would do; ``as_json`` prints only the request bodies on stdout."""
    if as_json:
        print(json.dumps(dry_run_bodies(entries, calls, endpoint_id), indent=2, ensure_ascii=False))
        return
    table = Table(title="Dry run: nothing sent", title_justify="left")
    for column in ("#", "Call", "Bus", "Source", "DetailType", "Size"):
        table.add_column(column, justify="right" if column in ("#", "Call", "Size") else "left")
    call_of = {i: n for n, call in enumerate(calls, start=1) for i in call}
    for i, entry in enumerate(entries[:TABLE_ROWS]):
        table.add_row(
            str(i + 1),
            str(call_of[i]),
            entry.event_bus_name or "default",
            entry.source,
            entry.detail_type,
            f"{entry_size(entry):,} B",
        )
    if len(entries) > TABLE_ROWS:
        table.add_row("…", "", "", f"and {len(entries) - TABLE_ROWS:,} more (below)", "", "")
    out.print(table)
    total = sum(entry_size(e) for e in entries)
    out.print(
        f"{len(entries)} entries in {len(calls)} PutEvents call(s); {total:,} bytes "
        f"({format_bytes(total)}) in all; limit per call {limits.request_bytes:,} bytes"
    )
    # Every entry as sent, one line each: plain text (Rich would take seconds for thousands).
    out.file.write(
        "".join(
            f"entry {i}: {json.dumps(entry.to_api(), ensure_ascii=False)}\n"
            for i, entry in enumerate(entries, start=1)
        )
    )


#: Tables list every entry up to this many; beyond it only the failed ones.
TABLE_ROWS = 100


def print_summary(report: SendReport) -> None:
    """Sent, accepted, retried, failed by error code, events/s, call latency percentiles and
    the calls in flight, on stderr."""
    total = len(report.outcomes)
    accepted = total - report.failed_count
    rate = accepted / report.seconds if report.seconds else 0.0
    codes = Counter(o.error_code for o in report.outcomes if not o.ok)
    latencies = sorted(report.latencies)
    err.print(Text("Summary", style="bold"))
    calls = f"{report.calls:,} call(s), {report.seconds:.2f} s"
    err.print(f"  sent      {report.sent:,} of {total:,} in {calls}")
    err.print(f"  accepted  {accepted:,} of {total:,}, {rate:,.0f} events/s")
    if report.retried:
        throttled = f" ({report.retried_throttled:,} after throttling)"
        err.print(
            f"  retried   {report.retried:,} time(s){throttled if report.retried_throttled else ''}"
            ", none of them accepted before"
        )
    if codes:
        failed = ", ".join(f"{code} {count:,}" for code, count in codes.most_common())
        err.print(f"  failed    {report.failed_count:,}: {failed}")
    if report.adaptive:
        err.print(
            f"  calls     adaptive: settled at {report.concurrency} in flight "
            f"(peak {report.peak_concurrency}, backed off {report.backoffs:,} time(s))"
        )
    elif report.concurrency > 1:
        err.print(f"  calls     {report.concurrency} in flight (--concurrency)")
    if latencies:
        err.print(
            f"  latency   p50 {_percentile(latencies, 50) * 1000:.1f} ms, "
            f"p95 {_percentile(latencies, 95) * 1000:.1f} ms per call"
        )


def _percentile(ordered: list[float], pct: float) -> float:
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def print_report(report: SendReport, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report.to_response())) if out.is_terminal else print(
            json.dumps(report.to_response(), indent=2)
        )
        return
    total = len(report.outcomes)
    style = "bold green" if report.failed_count == 0 else "bold red"
    out.print(
        Text(f"FailedEntryCount: {report.failed_count} of {total}", style=style)
        + Text(f"  ({report.calls} PutEvents call(s), {report.seconds:.2f} s)")
    )
    table = Table(show_lines=False)
    for column in ("#", "Source", "DetailType", "Bus", "EventId / Error"):
        table.add_column(
            column,
            justify="right" if column == "#" else "left",
            overflow="fold",
            min_width=36 if column.startswith("EventId") else None,
        )
    rows = report.outcomes
    if len(rows) > TABLE_ROWS:
        rows = report.failed[:TABLE_ROWS]
        if not rows:
            out.print(f"All {total:,} entries accepted; --output json lists every EventId.")
            return
    for outcome in rows:
        entry = outcome.entry
        result = (
            Text(outcome.event_id or "", style="green")
            if outcome.ok
            else Text(f"{outcome.error_code}: {outcome.error_message}", style="red")
        )
        table.add_row(
            str(outcome.number),
            entry.source,
            entry.detail_type,
            entry.event_bus_name or "default",
            result,
        )
    out.print(table)
    if len(report.outcomes) > TABLE_ROWS:
        out.print(
            f"{len(report.outcomes) - len(rows):,} more entries not listed; "
            "--output json lists every one"
        )
