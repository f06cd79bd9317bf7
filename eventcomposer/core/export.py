"""The current batch as something to run elsewhere: an AWS CLI command or a boto3 snippet."""

from __future__ import annotations

import json
import re
import secrets
import shlex
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from eventcomposer.core.batching import plan_calls
from eventcomposer.core.entries import Entry


class ExportError(ValueError):
    """The entries can't be exported as asked; the message says why and what to do instead."""


class EnvReferences(Mapping[str, str]):
    """Environment values for an export, as references the export resolves when it runs.

    Resolve the entries with this as the environment: each ``{{env.NAME}}`` becomes a token of
    letters and digits (which survives JSON escaping at any depth), and the export turns each
    token back into ``{{env.NAME}}`` (boto3, which reads the environment when it runs) or a
    shell reference (the AWS CLI): a secret in the environment is never written out.
    """

    _NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

    def __init__(self) -> None:
        self._tag = secrets.token_hex(6)
        #: Every name asked for, in order.
        self.names: list[str] = []

    def token(self, name: str) -> str:
        return f"ECENV{self._tag}X{name}XECENV"

    def __getitem__(self, name: str) -> str:
        if not self._NAME.fullmatch(name):
            raise KeyError(name)
        if name not in self.names:
            self.names.append(name)
        return self.token(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._NAME.fullmatch(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def replace(self, text: str, reference: str) -> str:
        """``text`` with each token replaced by ``reference`` formatted with the name."""
        for name in self.names:
            text = text.replace(self.token(name), reference.format(name=name))
        return text


#: A call's ``--entries`` JSON longer than this goes in a file beside the command: Linux refuses
#: any one argument over 131,072 bytes (MAX_ARG_STRLEN) with "Argument list too long".
MAX_ARGUMENT_BYTES = 100_000


def aws_cli_commands(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    endpoint_id: str | None = None,
    env: EnvReferences | None = None,
) -> str:
    """Ready-to-run ``aws events put-events`` commands, one per call of at most 10 entries,
    every call's entries inline (see :func:`aws_cli_export` for calls too large for that)."""
    text, _ = aws_cli_export(
        entries, region, endpoint_url, profile, endpoint_id=endpoint_id, env=env
    )
    return text


def aws_cli_export(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    folder: Path | None = None,
    stem: str = "put-events",
    endpoint_id: str | None = None,
    env: EnvReferences | None = None,
) -> tuple[str, dict[Path, str]]:
    """``aws events put-events`` commands, one per call, and the files they read.

    With ``folder``, a call whose ``--entries`` JSON is over :data:`MAX_ARGUMENT_BYTES` reads
    it from ``folder/STEM-call-N.json`` (``--entries file://…``, an absolute path, so the
    command runs from anywhere); the second item maps each such file to its text, for the
    caller to write. Without ``folder`` every call is inline. Entries resolved with ``env``
    read those values from the shell's environment when the command runs (inline calls only:
    a file can't; ExportError says so).
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
            if env is not None and any(env.token(n) in payload for n in env.names):
                raise ExportError(
                    f"call {number} is too large for one argument and reads the environment "
                    f"({', '.join('{{env.' + n + '}}' for n in env.names)}), which a file "
                    "can't: export it with --format boto3, which reads it when it runs"
                )
            path = (Path(folder) / f"{stem}-call-{number}.json").absolute()
            files[path] = payload
            argument = shlex.quote(f"file://{path}")
        else:
            argument = shlex.quote(payload)
            if env is not None:  # inside the single quotes: close, expand, reopen
                argument = env.replace(argument, "'\"${name}\"'")
        commands.append(f"aws events put-events{options} --entries {argument}")
    if env is not None and env.names:
        names = ", ".join(f"${n}" for n in env.names)
        commands.insert(
            0,
            f"# Reads {names} from the environment when it runs (inserted as they are: "
            "without quotes or backslashes).",
        )
    return "\n".join(commands), files


def boto3_snippet(
    entries: Sequence[Entry],
    region: str | None = None,
    endpoint_url: str | None = None,
    env: EnvReferences | None = None,
) -> str:
    """A Python snippet that sends the entries with boto3 and prints each result. Entries
    resolved with ``env`` keep ``{{env.NAME}}`` as written, and the snippet reads those values
    from the environment when it runs."""
    kwargs = []
    if region:
        kwargs.append(f"region_name={region!r}")
    if endpoint_url:
        kwargs.append(f"endpoint_url={endpoint_url!r}")
    # Entries hold only strings and lists of strings, so their JSON is a Python literal too.
    literal = json.dumps([e.to_api() for e in entries], indent=4, ensure_ascii=False)
    prelude = ""
    if env is not None and env.names:
        literal = env.replace(literal, "{{{{env.{name}}}}}")
        prelude = _ENV_RESOLVER
    return (
        f"import boto3{prelude and chr(10) + 'import json, os, re'}\n\n"
        f'events = boto3.client("events"{", " if kwargs else ""}{", ".join(kwargs)})\n'
        f"entries = {literal}\n"
        f"{prelude}"
        "for start in range(0, len(entries), 10):\n"
        "    response = events.put_events(Entries=entries[start:start + 10])\n"
        '    for entry, result in zip(entries[start:start + 10], response["Entries"]):\n'
        '        print(entry["DetailType"], result.get("EventId") or result)\n'
    )


#: The snippet's own resolution of ``{{env.NAME}}``, as eventcomposer resolves it (in Detail,
#: JSON-escaped).
_ENV_RESOLVER = """\


def from_env(text, json_text=False):
    def value(match):
        found = os.environ[match.group(1)]
        return json.dumps(found)[1:-1] if json_text else found

    return re.sub(r"\\{\\{env\\.([A-Za-z_][A-Za-z0-9_]*)\\}\\}", value, text)


entries = [
    {
        key: [from_env(item) for item in value]
        if isinstance(value, list)
        else from_env(value, key == "Detail")
        for key, value in entry.items()
    }
    for entry in entries
]
"""
