"""The command line under hostile arguments, files and environment values: every command ends
with a documented exit code (0, 1, 2 with a message, 3), never a traceback.

Hypothesis picks a command, its options from values that broke it before (and random text),
the contents of the files it reads, and the environment. Nothing reaches AWS: every endpoint is
a closed local port or not a URL at all. The example count comes from the Hypothesis profile
(tests/conftest.py; HYPOTHESIS_PROFILE=fuzz for 10,000).
"""

from __future__ import annotations

import io
import json
import os
import socket
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eventcomposer.cli.main import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLOSED = f"http://127.0.0.1:{_closed_port()}"


def _deep(n: int) -> str:
    return '{"a":' * (n - 1) + "{}" + "}" * (n - 1)


NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "1",
        "2",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e-300",
        "1e300",
        "9" * 5000,
        "",
        " ",
        "0x10",
        "1_000",
        "½",
        "١٢",
        "256KB",
        "256KiB",
        "1MiB",
        "1.5MiB",
        "-0",
        "+5",
        "10**9",
        "\x00",
        "\ud800",
    ]
) | st.integers(-(10**6), 10**6).map(str)

WORDS = st.sampled_from(
    [
        "",
        "-",
        "--",
        ".",
        "..",
        "/",
        "default",
        "orders",
        "aws.ec2",
        "arn:aws:events:us-east-1:123456789012:event-bus/x",
        "x" * 300,
        "\ud800",
        "\udcff",
        "é",
        "\x00",
        "{{now-999999d}}",
        "{{random.int(1," + "9" * 5000 + ")}}",
        "{{" + " " * 5000,
        "--help",
    ]
) | st.text(max_size=12)

DETAILS = st.sampled_from(
    [
        "{}",
        '{"a": 1}',
        _deep(990),
        _deep(1000),
        _deep(1001),
        "[" * 5000,
        '{"n": ' + "9" * 5000 + "}",
        '{"n": NaN}',
        '{"n": -Infinity}',
        '{"n": 1e999}',
        '{"s": "\\ud800"}',
        '{"s": "{{now-999999d}}"}',
        '{"s": "{{random.int(1,' + "9" * 5000 + ')}}"}',
        '{"s": "{{seq}}", "t": "{{env.NOPE}}"}',
        '{"s": "{{' + " " * 5000 + '"}',
        "",
        "null",
        "{",
    ]
) | st.text(max_size=20)

TIMES = st.sampled_from(
    [
        None,
        "2026-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2026-02-30T00:00:00Z",
        "yesterday",
        "",
    ]
)


def valid(*values: str, hostile: bool = True) -> st.SearchStrategy[str]:
    """Values an option takes; with ``hostile``, or (half as likely) one of NUMBERS."""
    if not hostile:
        return st.sampled_from(values)
    return st.sampled_from(values) | st.sampled_from(values) | NUMBERS


@st.composite
def entries_json(draw: st.DrawFn) -> str:
    entry: dict[str, object] = {
        "Source": draw(st.sampled_from(["com.example.fuzz", "aws.ec2", "", "\ud800"])),
        "DetailType": draw(st.sampled_from(["Fuzz", "", "d" * 129])),
        "Detail": draw(DETAILS),
    }
    time = draw(TIMES)
    if time is not None:
        entry["Time"] = time
    if draw(st.booleans()):
        entry["Resources"] = draw(st.lists(WORDS, max_size=2))
    if draw(st.booleans()):
        entry["EventBusName"] = draw(WORDS)
    document: object = [entry] * draw(st.integers(1, 3))
    if draw(st.integers(0, 9)) == 0:
        document = draw(st.sampled_from([{}, [], "text", 1, None, [1], {"Entries": [entry]}]))
    return json.dumps(document)


def preset_yaml(detail: str, time: str | None) -> str:
    lines = ["version: 1", "entries:", "  - Source: com.example.fuzz", "    DetailType: Fuzz"]
    lines.append(f"    Detail: {json.dumps(detail)}")
    if time is not None:
        lines.append(f"    Time: {json.dumps(time)}")
    return "\n".join(lines) + "\n"


FILE_TEXTS = st.one_of(
    entries_json(),
    st.builds(preset_yaml, DETAILS, TIMES),
    st.sampled_from(["", "\x00\x01", "a: [", "- 1", "{{}}", "x: .nan\n", "[" * 5000]),
    st.text(max_size=40),
)


@st.composite
def command_line(draw: st.DrawFn) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(argv, files by name, environment). Half the runs keep the options valid, so that the
    hostile files and entries get past argument parsing to validation, templating and sending."""
    hostile = draw(st.booleans())

    def opt(*values: str) -> st.SearchStrategy[str]:
        return valid(*values, hostile=hostile)

    def pick(*values: str) -> st.SearchStrategy[str]:
        return st.sampled_from(values if hostile else values[:1])

    # Mostly well-formed files with hostile values in them, so that runs get past parsing.
    files = {
        "a.yaml": draw(st.builds(preset_yaml, DETAILS, TIMES) | FILE_TEXTS),
        "b.json": draw(entries_json() | FILE_TEXTS),
        "vars.yaml": draw(st.sampled_from(["n: 1\n", "s: text\n"]) | FILE_TEXTS),
    }
    preset_arg = pick("a.yaml", ".", "missing.yaml", "b.json")
    json_arg = st.sampled_from(["file://b.json"]) | entries_json() | pick("file://nope", "-")
    command = draw(
        st.sampled_from(
            ["send"] * 4
            + ["validate"] * 2
            + ["pattern"] * 2
            + ["history", "export", "import"]
            + ["rules", "nope"]
        )
    )
    argv = [command]
    options: list[tuple[str, st.SearchStrategy[str]]] = []
    if command in ("send", "validate", "export", "rules"):
        argv += draw(st.lists(preset_arg, min_size=command == "validate", max_size=2))
        options += [("--vars", pick("vars.yaml", "a.yaml", "missing.yaml"))]
    if command in ("send", "validate", "export"):
        options += [("--size-limit", opt("262144", "256KB", "1MiB"))]
    if command in ("send", "export", "rules"):
        options += [("--bus", pick("orders", "default") | (WORDS if hostile else st.nothing()))]
    if command == "send":
        if not argv[1:] or draw(st.booleans()):
            argv += ["--entries", draw(json_arg)]
        options += [
            ("--cli-input-json", entries_json().map(lambda e: '{"Entries": ' + e + "}")),
            ("--rate", opt("0", "1000", "0.5")),
            ("--concurrency", opt("1", "4")),
            ("--repeat", pick("2", "0", "-1", "1", "nan", "9" * 30)),
            ("--output", pick("json", "table", "yaml")),
        ]
        if draw(st.integers(0, 4)):
            argv.append("--dry-run")  # most of the time: sends are slow to refuse
    if command == "pattern":
        patterns = st.sampled_from(
            ['{"source": ["com.example.fuzz"]}', '{"a": [{"exists": true}]}']
        )
        events = st.sampled_from(['{"source": "com.example.fuzz", "a": 1}'])
        hostile_json = WORDS | DETAILS | json_arg
        argv += ["--pattern", draw(patterns | hostile_json if hostile else patterns)]
        argv += ["--event", draw(events | hostile_json)]
    if command == "history":
        argv += [draw(pick("list", "show", "resend", "nope"))]
        if draw(st.booleans()):
            argv.append(draw(WORDS.filter(lambda w: not w.startswith("-"))))
        options += [("--limit", opt("5")), ("--failed-only", st.just(""))]
    if command == "export":
        options += [("--format", pick("aws-cli", "boto3", "xml"))]
    if command == "import":
        argv += [draw(json_arg | WORDS), "-o", draw(pick("out.yaml", "."))]
        options += [("--name", WORDS), ("--bus", WORDS), ("--force", st.just(""))]
    options += [
        ("--timeout", opt("1", "5")),
        ("--region", pick("us-east-1", "nowhere-1", "not a region", "\ud800")),
        ("--endpoint-url", pick(CLOSED, "notaurl", "http://[::1", "ftp://x", "")),
        ("--profile", pick("nope", "\ud800")),
    ]
    for option, values in options:
        if draw(st.integers(0, 2)) == 0:
            value = draw(values)
            argv += [option, value] if value else [option]
    if "--endpoint-url" not in argv:
        argv += ["--endpoint-url", CLOSED]
    env = {
        "EVENTCOMPOSER_SIZE_LIMIT": draw(opt("", "", "262144", "256KB")),
        "AWS_REGION": draw(st.sampled_from(["us-east-1", "", "not a region"])),
        "AWS_ENDPOINT_URL": draw(st.sampled_from([CLOSED, "notaurl"])),
        "AWS_ACCESS_KEY_ID": "fuzz",
        "AWS_SECRET_ACCESS_KEY": "fuzz",
    }
    return argv, files, {k: v for k, v in env.items() if _settable(v)}


def _settable(value: str) -> bool:
    """Whether the OS takes ``value`` as an environment value (no NUL, encodable)."""
    try:
        os.fsencode(value)
    except UnicodeError:
        return False
    return "\x00" not in value


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command_line())
def test_no_command_line_ends_in_a_traceback(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], dict[str, str], dict[str, str]],
) -> None:
    argv, files, env = case
    for name, text in files.items():
        (workdir / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    saved, stdin = dict(os.environ), sys.stdin
    os.environ.update(env)
    sys.stdin = io.StringIO(files["b.json"])  # for `-`
    try:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: a usage error (2) or --help (0)
            code = exc.code if isinstance(exc.code, int) else 2
            assert code in (0, 2)
        except (RecursionError, UnicodeEncodeError, ValueError) as exc:
            if not _known_left(exc):
                raise
            event(f"left to another owner: {type(exc).__name__}")
            return
    finally:
        os.environ.clear()
        os.environ.update(saved)
        sys.stdin = stdin
        (workdir / "out.yaml").unlink(missing_ok=True)
    err = capsys.readouterr().err
    event(f"{argv[0]}: exit {code}")  # --hypothesis-show-statistics shows the spread
    assert code in (0, 1, 2, 3), (code, err)
    if code == 2:
        assert err.strip(), "exit 2 without a message"
    assert "Traceback" not in err


#: Failures left to other owners, by the function they come from. The presets' (issue 17's
#: YAML part): writing a preset whose Detail is nested ~500+ levels deep (YAML's representer
#: recurses) or holds a lone surrogate, as `import` does; a vars file value `.nan`. The AWS CLI
#: formats': `--entries`/`--cli-input-json`/`import` JSON nested ~990+ levels or with an integer
#: of 4,300+ digits outside a Detail string (`core.validation.load_json(text, max_depth=1003)`
#: reads it within AWS's limits). Anything else fails the test.
KNOWN_LEFT: set[tuple[str, str]] = set()  # (file, function) a traceback may still come from


def _known_left(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return any(
        f.filename.endswith(path) and f.name == name for f in frames for path, name in KNOWN_LEFT
    )
