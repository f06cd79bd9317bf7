"""The command line under hostile arguments, files and environment values: every command ends
with a documented exit code (0, 1, 2 with a message, 3), never a traceback.

Hypothesis picks a command, its options from values that broke it before (and random text),
the contents of the files it reads, and the environment. Nothing reaches AWS: every endpoint is
a closed local port or not a URL at all. The example count comes from the Hypothesis profile
(tests/conftest.py; HYPOTHESIS_PROFILE=fuzz for 10,000).
"""

from __future__ import annotations

import json
import os
import socket
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
    """(argv, files by name, environment)."""
    files = {
        "a.yaml": draw(FILE_TEXTS),
        "b.json": draw(FILE_TEXTS),
        "vars.yaml": draw(FILE_TEXTS),
    }
    file_arg = st.sampled_from(
        ["a.yaml", "b.json", ".", "missing.yaml", "file://b.json", "file://a.yaml", "file://nope"]
    )
    inline = entries_json()
    command = draw(
        st.sampled_from(["send", "send", "send", "validate", "pattern", "history", "export"])
        | st.sampled_from(["import", "rules", "nope"])
    )
    argv = [command]
    options: list[tuple[str, st.SearchStrategy[str]]] = []
    if command in ("send", "validate", "export", "rules"):
        argv += draw(st.lists(file_arg, max_size=2))
        options += [("--size-limit", NUMBERS), ("--vars", file_arg), ("--bus", WORDS)]
    if command == "send":
        options += [
            ("--entries", inline | file_arg),
            ("--cli-input-json", inline | file_arg),
            ("--rate", NUMBERS),
            ("--concurrency", NUMBERS),
            ("--repeat", st.sampled_from(["0", "-1", "1", "2", "nan", "9" * 30])),
            ("--output", st.sampled_from(["json", "table", "yaml"])),
        ]
        if draw(st.integers(0, 4)):
            argv.append("--dry-run")  # most of the time: sends are slow to refuse
    if command == "pattern":
        argv += ["--pattern", draw(WORDS | inline | file_arg | DETAILS)]
        argv += ["--event", draw(WORDS | inline | file_arg | DETAILS)]
    if command == "history":
        argv += [draw(st.sampled_from(["list", "show", "resend", "nope"]))]
        if draw(st.booleans()):
            argv.append(draw(WORDS.filter(lambda w: not w.startswith("-"))))
        options += [("--limit", NUMBERS)]
    if command == "export":
        options += [("--format", st.sampled_from(["aws-cli", "boto3", "xml"]))]
    if command == "import":
        argv += [draw(inline | file_arg | WORDS), "-o", draw(st.sampled_from(["out.yaml", "."]))]
        options += [("--name", WORDS), ("--bus", WORDS)]
    options += [
        ("--timeout", NUMBERS),
        ("--region", st.sampled_from(["us-east-1", "nowhere-1", "not a region", "\ud800"])),
        ("--endpoint-url", st.sampled_from([CLOSED, "notaurl", "http://[::1", "ftp://x", ""])),
        ("--profile", st.sampled_from(["nope", "\ud800"])),
    ]
    for option, values in options:
        if draw(st.integers(0, 2)) == 0:
            argv += [option, draw(values)]
    if "--endpoint-url" not in argv:
        argv += ["--endpoint-url", CLOSED]
    env = {
        "EVENTCOMPOSER_SIZE_LIMIT": draw(NUMBERS),
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
    saved = dict(os.environ)
    os.environ.update(env)
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
KNOWN_LEFT = {
    ("core/presets.py", "dump_preset"),
    ("core/presets.py", "_jsonable"),
    ("core/cli_formats.py", "_load_json"),
}


def _known_left(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return any(
        f.filename.endswith(path) and f.name == name for f in frames for path, name in KNOWN_LEFT
    )
