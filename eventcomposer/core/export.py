"""The current batch as something to run elsewhere: an AWS CLI command or a boto3 snippet."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

from eventcomposer.core.batching import plan_calls
from eventcomposer.core.entries import Entry

#: A call's ``--entries`` JSON longer than this goes in a file beside the command: Linux refuses
#: any one argument over 131,072 bytes (MAX_ARG_STRLEN) with "Argument list too long".
MAX_ARGUMENT_BYTES = 100_000


def aws_cli_commands(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    endpoint_id: str | None = None,
) -> str:
    """Ready-to-run ``aws events put-events`` commands, one per call of at most 10 entries,
    every call's entries inline (see :func:`aws_cli_export` for calls too large for that)."""
    text, _ = aws_cli_export(entries, region, endpoint_url, profile, endpoint_id=endpoint_id)
    return text


def aws_cli_export(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    folder: Path | None = None,
    stem: str = "put-events",
    endpoint_id: str | None = None,
) -> tuple[str, dict[Path, str]]:
    """``aws events put-events`` commands, one per call, and the files they read.

    With ``folder``, a call whose ``--entries`` JSON is over :data:`MAX_ARGUMENT_BYTES` reads
    it from ``folder/STEM-call-N.json`` (``--entries file://…``, an absolute path, so the
    command runs from anywhere); the second item maps each such file to its text, for the
    caller to write. Without ``folder`` every call is inline.
    """
    options = ""
    if profile:
        options += f" --profile {shlex.quote(profile)}"
    if region:
        options += f" --region {shlex.quote(region)}"
    if endpoint_url:
        options += f" --endpoint-url {shlex.quote(endpoint_url)}"
    if endpoint_id:
        options += f" --endpoint-id {shlex.quote(endpoint_id)}"
    commands = []
    files: dict[Path, str] = {}
    for number, call in enumerate(plan_calls(entries), start=1):
        payload = json.dumps([entries[i].to_api() for i in call], ensure_ascii=False)
        if folder is not None and len(payload.encode("utf-8")) > MAX_ARGUMENT_BYTES:
            path = (Path(folder) / f"{stem}-call-{number}.json").absolute()
            files[path] = payload
            argument = shlex.quote(f"file://{path}")
        else:
            argument = shlex.quote(payload)
        commands.append(f"aws events put-events{options} --entries {argument}")
    return "\n".join(commands), files


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
