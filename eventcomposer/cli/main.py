"""``eventcomposer``: the TUI with no command, headless commands otherwise."""

from __future__ import annotations

import argparse
import importlib
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from eventcomposer import __version__

#: Bounds of the numbers the command line takes; outside them is a usage error (exit 2).
MAX_TIMEOUT = 3600.0
MIN_RATE, MAX_RATE = 0.001, 1_000_000.0
MAX_CONCURRENCY = 64
#: A replay is streamed and confirmed before any work, so only a sanity bound (10**15 events
#: would take over 3,000 years at 10,000 a second).
MAX_REPEAT = 10**15
MAX_SIZE_LIMIT = 1 << 30
SIZE_LIMIT_ENV = "EVENTCOMPOSER_SIZE_LIMIT"
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1 << 20, "mb": 1 << 20}
_SIZE_UNITS["mib"] = 1 << 20
_SIZE_RE = re.compile(r"\s*(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]{0,3})\s*", re.IGNORECASE)
_WHOLE_RE = re.compile(r"[+-]?[0-9]{1,16}")  # 10**15 and below; never a huge int
_REGION_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)
_HOST_RE = re.compile(r"((?!-)[a-z0-9_-]{1,63}(?<!-)\.)*(?!-)[a-z0-9_-]{1,63}(?<!-)\.?", re.I)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _finite(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number of {what}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a finite number of {what}")
    return value


def seconds(text: str) -> float:
    """--timeout: seconds above 0, at most an hour (0 is not "no timeout")."""
    value = _finite(text, "seconds")
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds, not {_shown(text)}"
        )
    return value


def rate(text: str) -> float:
    """--rate: events per second, 0 for unlimited."""
    value = _finite(text, "events per second")
    if value != 0 and not MIN_RATE <= value <= MAX_RATE:
        raise argparse.ArgumentTypeError(
            f"must be 0 (unlimited) or {MIN_RATE:g} to {MAX_RATE:,.0f} events per second, "
            f"not {_shown(text)}"
        )
    return value


def count(low: int, high: int) -> Callable[[str], int]:
    """A whole number within [low, high]."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if not _WHOLE_RE.fullmatch(stripped):
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}, not {_shown(text)}"
            )
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be from {low:,} to {high:,}, not {_shown(text)}"
            )
        return value

    return parse


def size_limit(text: str) -> int:
    """--size-limit and EVENTCOMPOSER_SIZE_LIMIT: bytes, or with a unit (256KB, 256KiB, 1MiB;
    KB is 1024 bytes, as AWS writes "256 KB" for 262,144)."""
    match = _SIZE_RE.fullmatch(text)
    unit = match and _SIZE_UNITS.get(match.group(2).lower())
    if not match or not unit:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)} is not a size: bytes (262144) or with a unit (256KB, 256KiB, 1MiB)"
        )
    value = int(float(match.group(1)) * unit)
    if not 1 <= value <= MAX_SIZE_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)} must be from 1 byte to {MAX_SIZE_LIMIT:,} bytes (1 GiB)"
        )
    return value


def endpoint_url(text: str) -> str:
    """--endpoint-url: an http(s) URL with a host (botocore's own check, said plainly)."""
    problem = endpoint_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def endpoint_problem(text: str) -> str | None:
    """What is wrong with an endpoint URL, or None."""
    example = "such as https://events.eu-west-1.amazonaws.com or http://127.0.0.1:4010"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"{_shown(text)} is not a URL {example}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{_shown(text)} is not an http:// or https:// URL {example}"
    host = parts.hostname
    if not (_HOST_RE.fullmatch(host) or ":" in host):  # ":" : an IPv6 address in brackets
        return f"{_shown(text)} does not name a valid host; a URL {example}"
    return None


def region(text: str) -> str:
    if not _REGION_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a region name such as eu-west-1")
    return text


#: The connection options; a command takes those that apply to it.
CONNECTION = ("profile", "region", "endpoint-url", "timeout", "local")


def _shared_options(
    suppress: bool, names: Sequence[str] = CONNECTION, title: str = "connection"
) -> argparse.ArgumentParser:
    """Connection options (``names`` of them), before or after the command name."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group(title)
    if "profile" in names:
        group.add_argument("--profile", default=default, help="AWS profile (default: AWS_PROFILE)")
    if "region" in names:
        group.add_argument(
            "--region", type=region, default=default, help="AWS region (default: AWS_REGION)"
        )
    if "endpoint-url" in names:
        group.add_argument(
            "--endpoint-url",
            type=endpoint_url,
            default=default,
            help="EventBridge endpoint (default: AWS_ENDPOINT_URL_EVENTBRIDGE or AWS_ENDPOINT_URL)",
        )
    if "timeout" in names:
        group.add_argument(
            "--timeout",
            type=seconds,
            default=argparse.SUPPRESS if suppress else 20.0,
            metavar="S",
            help="seconds to wait for an answer from EventBridge (default 20)",
        )
    if "local" in names:
        group.add_argument(
            "--local",
            action="store_true",
            default=argparse.SUPPRESS if suppress else False,
            help="use an embedded local EventBridge seeded with demo buses, rules and presets "
            "(not with --endpoint-url or --profile)",
        )
    return parent


def _output_option(parser: argparse.ArgumentParser, what: str = "a table") -> None:
    parser.add_argument(
        "--output",
        choices=("table", "json"),
        default="table",
        help=f"table: {what}, for people; json: the results as JSON on stdout, nothing else "
        "(messages go to stderr)",
    )


def _limit_options(parser: argparse.ArgumentParser) -> None:
    _size_limit_option(parser)
    parser.add_argument(
        "--vars",
        action="append",
        default=[],
        metavar="FILE",
        help="YAML file of variables for {{NAME}} placeholders (repeatable)",
    )


def _size_limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--size-limit",
        type=size_limit,
        metavar="BYTES",
        default=None,  # then EVENTCOMPOSER_SIZE_LIMIT, read (and checked) only by these commands
        help="request size limit in bytes, or 256KB, 1MiB (default 1048576; some regions still "
        "have 262144; env EVENTCOMPOSER_SIZE_LIMIT)",
    )


def _schema_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-schema",
        action="store_true",
        help="don't check Detail against the schema its entry or preset names",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed for {{faker.*}} and {{random.int}}: the same seed, the same values",
    )


def _pattern_size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pattern-size-limit",
        type=int,
        metavar="N",
        default=None,
        help="the account's event pattern size quota in characters (default 2048, raisable to "
        "4096; env EVENTCOMPOSER_PATTERN_SIZE_LIMIT)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventcomposer",
        description="Compose, send, replay and debug Amazon EventBridge events.",
        parents=[_shared_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"eventcomposer {__version__}")
    parser.add_argument(
        "--presets", default="presets", metavar="DIR", help="presets folder for the TUI"
    )
    _size_limit_option(parser)  # the TUI's; each command that sends has its own
    shared = _shared_options(suppress=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    send = commands.add_parser(
        "send",
        parents=[shared],
        help="send presets (or AWS CLI input) headless",
        description="Send presets headless. Exit 0 all accepted, 1 some failed, 2 bad input, "
        "3 EventBridge unreachable.",
    )
    send.add_argument("files", nargs="*", metavar="FILE", help="preset files or folders")
    send.add_argument("--bus", help="event bus name or ARN (overrides the presets' bus)")
    send.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send nothing"
    )
    _output_option(send, "each entry's EventId or error")
    send.add_argument(
        "--entries",
        metavar="JSON",
        action="append",
        default=[],
        help="entries in the AWS CLI's --entries JSON (text or file://PATH)",
    )
    send.add_argument(
        "--cli-input-json",
        metavar="JSON",
        action="append",
        default=[],
        help="an AWS CLI --cli-input-json document (text or file://PATH)",
    )
    send.add_argument(
        "--cli-input-yaml",
        metavar="YAML",
        action="append",
        default=[],
        help="an AWS CLI v2 --cli-input-yaml document (text or file://PATH)",
    )
    replay = send.add_argument_group("replay")
    replay.add_argument(
        "--repeat",
        type=count(1, MAX_REPEAT),
        default=1,
        metavar="N",
        help="send everything N times (variables are resolved afresh each time)",
    )
    replay.add_argument(
        "--rate",
        type=rate,
        default=0,
        metavar="R",
        help="at most R events per second (0: unlimited)",
    )
    replay.add_argument(
        "--concurrency",
        type=count(1, MAX_CONCURRENCY),
        default=None,
        metavar="C",
        help=(
            "PutEvents calls in flight at once (1: one at a time, in order); by default it "
            "adapts: up while calls go through, down on throttling and 5xx (more than 10 "
            "entries; 10 or fewer are one call)"
        ),
    )
    replay.add_argument(
        "--yes",
        action="store_true",
        help="don't ask before sending more than 100 events to a non-local endpoint",
    )
    _limit_options(send)
    _schema_options(send)

    validate = commands.add_parser(
        "validate",
        parents=[
            _shared_options(
                True, ("profile", "region", "timeout"), title="connection (registry schemas only)"
            )
        ],
        help="validate presets without sending",
        description="Check presets (and AWS CLI input) as send would, without connecting. "
        "Exit 0 all valid, 2 some problem (each one named with file, entry, field and line).",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="preset files or folders")
    _limit_options(validate)
    _schema_options(validate)
    _output_option(validate, "a summary line")

    sample = commands.add_parser(
        "sample",
        parents=[shared],
        help="write a preset whose Details satisfy a JSON Schema or a registry schema",
        description="Samples satisfy every required property, enum, const, format, bound and "
        "pattern of the schema, with realistic values from Faker; the same --seed gives the "
        "same preset. REF: a JSON Schema file (JSON or YAML) or registry/name[@version] in the "
        "EventBridge Schema Registry (aws.events/aws.s3@ObjectCreated). Exit 2 for a schema "
        "that can't be used, 3 when the registry can't be reached.",
    )
    sample.add_argument("--schema", required=True, metavar="REF", help="the schema")
    sample.add_argument("--count", type=int, default=1, metavar="N", help="entries (default 1)")
    sample.add_argument("--seed", type=int, metavar="S", help="seed (default: a random one)")
    sample.add_argument(
        "-o", "--output-file", default="-", metavar="FILE", help="the preset (default -: stdout)"
    )
    sample.add_argument("--force", action="store_true", help="overwrite an existing file")
    sample.add_argument("--name", help="the preset's name (default: the schema's title)")
    sample.add_argument("--bus", help="the preset's bus")
    sample.add_argument("--source", help="Source (default: the schema's, else com.example.app)")
    sample.add_argument("--detail-type", help="DetailType (default: the schema's or its title)")

    pattern = commands.add_parser(
        "pattern",
        parents=[_shared_options(True, CONNECTION[:4], title="connection (with --check-aws only)")],
        help="test one event pattern against one event",
        description="Exit 0 match, 1 no match, 2 invalid pattern or event. Both take JSON text "
        "or file://PATH, as AWS's TestEventPattern does.",
    )
    pattern.add_argument("--pattern", required=True, metavar="P", help="the event pattern")
    pattern.add_argument("--event", required=True, metavar="E", help="the event")
    pattern.add_argument(
        "--check-aws",
        action="store_true",
        help="also ask EventBridge's TestEventPattern (needs credentials; the event must be a "
        "whole event with id, account, source, time, region, resources, detail-type) and say "
        "whether the two answers agree",
    )
    _pattern_size_option(pattern)
    _output_option(pattern, "the verdict and each field")

    rules = commands.add_parser(
        "rules",
        parents=[shared],
        help="which rules on the bus match each entry of presets, and why not",
        description="Exit 0 when every entry matches at least one enabled rule, 1 otherwise.",
    )
    rules.add_argument("files", nargs="+", metavar="FILE", help="preset files or folders")
    rules.add_argument("--bus", help="event bus name or ARN (overrides the presets' bus)")
    rules.add_argument(
        "--targets",
        action="store_true",
        help="for each matching rule, show what each target receives (the event, Input, "
        "InputPath or InputTransformer output)",
    )
    _pattern_size_option(rules)
    rules.add_argument(
        "--vars",
        action="append",
        default=[],
        metavar="FILE",
        help="YAML file of variables for {{NAME}} placeholders",
    )
    _output_option(rules, "each entry's verdict per rule")

    history = commands.add_parser(
        "history",
        parents=[shared],
        help="list past sends; show or resend one",
        description="Every send from the TUI or the CLI is kept in the history (newest first).",
    )
    history.add_argument(
        "action",
        nargs="?",
        choices=("list", "show", "resend"),
        default="list",
        help="list (default) the newest sends, show one as JSON, or resend one",
    )
    history.add_argument("id", nargs="?", help="a send's id (or a unique prefix)")
    history.add_argument(
        "--limit", type=count(1, 100_000), default=20, help="how many sends to list"
    )
    history.add_argument(
        "--failed-only", action="store_true", help="with resend: only the entries that failed"
    )
    _output_option(history, "the sends (list), or what was resent")

    export = commands.add_parser(
        "export",
        parents=[_shared_options(True, CONNECTION[:3], title="written into the export")],
        help="print presets as `aws events put-events` commands or a boto3 snippet",
        description="Presets as ready-to-run `aws events put-events` commands (--format "
        "aws-cli) or a boto3 snippet (--format boto3); --profile, --region and --endpoint-url "
        "are written into them. Nothing is sent.",
    )
    export.add_argument("files", nargs="+", metavar="FILE", help="preset files or folders")
    export.add_argument(
        "--format",
        choices=("aws-cli", "boto3"),
        default="aws-cli",
        help="aws-cli (default): shell commands; boto3: a Python snippet",
    )
    export.add_argument("--bus", help="event bus name or ARN (overrides the presets' bus)")
    export.add_argument(
        "-o",
        "--output-file",
        default="-",
        metavar="FILE",
        help="write the export to FILE (default -: stdout); a call too large for one argument "
        "reads its entries from a file beside it",
    )
    _limit_options(export)

    importer = commands.add_parser(
        "import",
        help="make a preset from AWS CLI input (--entries JSON, --cli-input-json or -yaml)",
        description="Write a preset from AWS CLI input: --entries JSON, a --cli-input-json "
        "or --cli-input-yaml document. Time is read as the AWS CLI reads it. Nothing is sent.",
    )
    importer.add_argument(
        "source",
        metavar="INPUT",
        help="the AWS CLI input: text, file://PATH, or - for standard input",
    )
    importer.add_argument(
        "-o",
        "--output-file",
        required=True,
        metavar="FILE",
        help="the preset file to write (refuses to overwrite without --force; - for stdout)",
    )
    importer.add_argument("--name", help="the preset's name (default: the file name)")
    importer.add_argument("--bus", help="the preset's bus")
    importer.add_argument("--force", action="store_true", help="overwrite an existing file")

    local = commands.add_parser(
        "local",
        parents=[_shared_options(True, ("region",))],
        help="run the embedded local EventBridge as a server for other tools",
        description="Run the embedded local EventBridge (moto, with SQS and CloudWatch Logs) "
        "on 127.0.0.1 until Ctrl+C, and print the AWS_ENDPOINT_URL to export for other tools.",
    )
    local.add_argument(
        "--port", type=count(1, 65535), default=4010, help="port on 127.0.0.1 (default 4010)"
    )
    local.add_argument("--no-demo", action="store_true", help="start empty, without demo data")

    tail = commands.add_parser(
        "tail",
        parents=[shared],
        help="watch what arrives on a bus (a temporary rule and queue), capture it as a preset",
        description="Creates a temporary rule and SQS queue named eventcomposer-tail-<id>, "
        "shows each event as it arrives and which of the bus's rules match it, and removes "
        "both at the end (--max-events, --duration, Ctrl+C or SIGTERM). Leftovers of a tail "
        "that was killed are removed by the next one.",
    )
    tail.add_argument("--bus", help="event bus name or ARN (default: the default bus)")
    which = tail.add_mutually_exclusive_group()
    which.add_argument(
        "--pattern", metavar="P", help="only events this pattern matches (JSON or file://PATH)"
    )
    which.add_argument("--rule", metavar="NAME", help="only events the bus's rule NAME matches")
    tail.add_argument("--max-events", type=int, metavar="N", help="stop after N events")
    tail.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    tail.add_argument(
        "--output",
        choices=("table", "json"),
        default="table",
        help="json: one event per line (JSON Lines), as delivered",
    )
    tail.add_argument("--save", metavar="FILE", help="write the received events as a preset")
    tail.add_argument(
        "--keep-time", action="store_true", help="with --save: keep each event's Time"
    )
    tail.add_argument("--force", action="store_true", help="with --save: overwrite FILE")

    archives = commands.add_parser(
        "archives",
        parents=[shared],
        help="list the archives (of a bus)",
        description="The archives of the account (or of one bus): state, events, bytes, retention.",
    )
    archives.add_argument("--bus", help="only the archives of this bus (name or ARN)")
    _output_option(archives, "the archives")

    replay_archive = commands.add_parser(
        "replay-archive",
        parents=[shared],
        help="replay an archive's events with EventBridge and follow its progress",
        description="Starts an EventBridge replay and shows its progress until it completes, "
        "fails or is cancelled; Ctrl+C asks whether to cancel it. Exit 0 when it completes.",
    )
    replay_archive.add_argument("archive", metavar="ARCHIVE", help="the archive's name")
    replay_archive.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="T",
        help="events from this time: RFC 3339, now, or now-2h (units s, m, h, d)",
    )
    replay_archive.add_argument(
        "--to", dest="end", required=True, metavar="T", help="events up to this time"
    )
    replay_archive.add_argument(
        "--to-bus", metavar="B", help="replay onto this bus (default: the archived bus)"
    )
    _output_option(replay_archive, "the replay's state")

    test = commands.add_parser(
        "test",
        parents=[shared],
        help="check the expectations presets carry: rules that must (not) match, targets "
        "that must receive",
        description="Run the `expect:` of each preset entry: `match` (rules on the entry's bus "
        "that must match it), `no-match` (rules that must not) and `delivered` (targets that "
        "must receive it: the entry is sent and read back from SQS; on a local EventBridge "
        "only). Runs on the embedded local EventBridge unless --endpoint-url, --profile, "
        "AWS_ENDPOINT_URL or --aws say otherwise. Exit 0 all passed, 1 some failed, 2 bad "
        "input, 3 EventBridge unreachable.",
    )
    test.add_argument("files", nargs="+", metavar="PRESET", help="preset files or folders")
    test.add_argument("--bus", help="event bus name or ARN (overrides the presets' bus)")
    test.add_argument(
        "--aws",
        action="store_true",
        help="test on your AWS configuration (credentials, region) instead of the embedded "
        "local EventBridge",
    )
    test.add_argument(
        "--junit",
        metavar="FILE",
        help="also write a JUnit XML report to FILE (a test case per expectation)",
    )
    _output_option(test, "a pass/fail row per expectation")
    _limit_options(test)

    completion = commands.add_parser(
        "completion",
        help="print the shell completion script (bash, zsh or fish)",
        description="Print the script that completes eventcomposer's commands, options, preset "
        'files and bus names. bash: eval "$(eventcomposer completion bash)" in ~/.bashrc; '
        "zsh: the same in ~/.zshrc; fish: eventcomposer completion fish | source.",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="your shell")
    return parser


#: command -> (module, function); None is no command: the TUI.
_COMMANDS: dict[str | None, tuple[str, str]] = {
    "send": ("eventcomposer.cli.send_cmd", "run_send"),
    "validate": ("eventcomposer.cli.send_cmd", "run_validate"),
    "pattern": ("eventcomposer.cli.pattern_cmd", "run_pattern"),
    "rules": ("eventcomposer.cli.pattern_cmd", "run_rules"),
    "history": ("eventcomposer.cli.history_cmd", "run_history"),
    "sample": ("eventcomposer.cli.sample_cmd", "run_sample"),
    "export": ("eventcomposer.cli.export_cmd", "run_export"),
    "import": ("eventcomposer.cli.export_cmd", "run_import"),
    "local": ("eventcomposer.cli.local_cmd", "run_local"),
    "tail": ("eventcomposer.cli.tail_cmd", "run_tail"),
    "archives": ("eventcomposer.cli.archives_cmd", "run_archives"),
    "replay-archive": ("eventcomposer.cli.archives_cmd", "run_replay_archive"),
    "test": ("eventcomposer.cli.test_cmd", "run_test"),
    "completion": ("eventcomposer.cli.completion", "run_completion"),
    None: ("eventcomposer.cli.tui_cmd", "run_tui"),
}


def main(argv: Sequence[str] | None = None) -> int:
    problem = _undecodable_argument(sys.argv[1:] if argv is None else argv)
    if problem:
        print(f"eventcomposer: error: {problem}", file=sys.stderr)
        return 2
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (cli/completion.py)
        from eventcomposer.cli.completion import autocomplete

        autocomplete(parser)
    args = parser.parse_args(argv)  # a usage error: SystemExit(2), the message printed
    problem = _check_environment(args, parser) or _check_connection(args)
    if problem:
        print(f"eventcomposer: error: {problem}", file=sys.stderr)
        return 2
    module, function = _COMMANDS[args.command]
    if args.command is None and not _interactive():
        print(no_terminal_message(parser), file=sys.stderr)
        return 2
    try:
        if args.command is None:  # the TUI handles its own keys and signals
            return getattr(importlib.import_module(module), function)(args)
        from eventcomposer.cli.context import closed_pipe_quiet, stop_signals

        # SIGTERM/SIGHUP end a command (a send: cleanly) like Ctrl+C; a reader that goes
        # away (`| head`) ends the output, not the command.
        with stop_signals(), closed_pipe_quiet():
            # Each command's module is imported only when it runs: start-up stays small.
            return getattr(importlib.import_module(module), function)(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command ``name``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    raise KeyError(name)


def _interactive() -> bool:
    """Whether the TUI can run: keys come from a terminal and the screen goes to one."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def no_terminal_message(parser: argparse.ArgumentParser) -> str:
    """What bare ``eventcomposer`` says without a terminal: the headless commands."""
    lines = [
        "eventcomposer: error: the TUI needs a terminal (standard input and output are not "
        "one); without one, run a command:"
    ]
    for name, help_text in headless_commands(parser):
        lines.append(f"  {name:<16}{help_text}")
    lines.append("`eventcomposer COMMAND --help` says more.")
    return "\n".join(lines)


def headless_commands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(name, one line of help) of every command, in the order of --help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return [(c.dest, c.help or "") for c in action._choices_actions]
    return []


def _check_connection(args: argparse.Namespace) -> str | None:
    """--local runs an EventBridge on this machine: another endpoint or a profile can't also
    say where to go (it used to win silently)."""
    if not getattr(args, "local", False):
        return None
    for option, value, says in (
        ("--endpoint-url", getattr(args, "endpoint_url", None), "names another EventBridge"),
        ("--profile", getattr(args, "profile", None), "picks an AWS account's credentials"),
    ):
        if value:
            return (
                f"--local and {option} contradict each other: --local runs an embedded "
                f"EventBridge on this machine, which needs no account, and {option} {says}; "
                "pass one of them"
            )
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _undecodable_argument(argv: Sequence[str]) -> str | None:
    """An argument that is not text: bytes that aren't UTF-8 reach Python as lone surrogates,
    which nothing downstream (JSON, YAML, the terminal, AWS) can encode."""
    for number, arg in enumerate(argv, start=1):
        match = _SURROGATE.search(arg)
        if match:
            char = ord(match.group())
            what = f"byte 0x{char - 0xDC00:02X}" if 0xDC80 <= char <= 0xDCFF else f"U+{char:04X}"
            return (
                f"argument {number} is not valid UTF-8 text ({what} at character "
                f"{match.start() + 1})"
            )
    return None


def _check_environment(
    args: argparse.Namespace, parser: argparse.ArgumentParser | None = None
) -> str | None:
    """Settings from the environment, checked like the arguments they stand for (exit 2), and
    only by the commands that use them: a bad size limit doesn't break `history list`."""
    # The TUI and the commands that take --size-limit (each declares it: not the top level's).
    uses_size = args.command is None or any(
        "--size-limit" in a.option_strings
        for a in _command_parser(parser or build_parser(), args.command)._actions
    )
    if uses_size and "size_limit" in args and args.size_limit is None:
        text = os.environ.get(SIZE_LIMIT_ENV, "").strip()
        if text and text != "0":  # unset, empty or 0: the default
            try:
                args.size_limit = size_limit(text)
            except argparse.ArgumentTypeError as exc:
                return f"{SIZE_LIMIT_ENV}: {exc}"
    # (AWS_ENDPOINT_URL* are checked when a client is made, by the commands that connect:
    # aws.errors says which URL is wrong, exit 3.)
    return None


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
