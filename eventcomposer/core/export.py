"""The current batch as something to run elsewhere: an AWS CLI command or a boto3 snippet."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

from eventcomposer.core.batching import plan_calls
from eventcomposer.core.entries import Entry


def aws_cli_commands(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
) -> str:
    """Ready-to-run ``aws events put-events`` commands, one per call of at most 10 entries."""
    options = ""
    if profile:
        options += f" --profile {shlex.quote(profile)}"
    if region:
        options += f" --region {shlex.quote(region)}"
    if endpoint_url:
        options += f" --endpoint-url {shlex.quote(endpoint_url)}"
    commands = []
    for call in plan_calls(entries):
        payload = json.dumps([entries[i].to_api() for i in call], ensure_ascii=False)
        commands.append(f"aws events put-events{options} --entries {shlex.quote(payload)}")
    return "\n".join(commands)


def boto3_snippet(
    entries: Sequence[Entry], region: str | None = None, endpoint_url: str | None = None
) -> str:
    """A Python snippet that sends the entries with boto3 and prints each result."""
    kwargs = []
    if region:
        kwargs.append(f"region_name={region!r}")
    if endpoint_url:
        kwargs.append(f"endpoint_url={endpoint_url!r}")
    # Entries hold only strings and lists of strings, so their JSON is a Python literal too.
    literal = json.dumps([e.to_api() for e in entries], indent=4, ensure_ascii=False)
    return (
        "import boto3\n\n"
        f'events = boto3.client("events"{", " if kwargs else ""}{", ".join(kwargs)})\n'
        f"entries = {literal}\n"
        "for start in range(0, len(entries), 10):\n"
        "    response = events.put_events(Entries=entries[start:start + 10])\n"
        '    for entry, result in zip(entries[start:start + 10], response["Entries"]):\n'
        '        print(entry["DetailType"], result.get("EventId") or result)\n'
    )
