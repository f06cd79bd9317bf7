"""Hostile inputs (issue 17): every case is a row, run through the real command line, and ends
in a clear message with a documented exit code (2 bad input, 3 unreachable), never a traceback;
and the work each takes is bounded.

The YAML cases (duplicate keys, vars files, YAML Detail nested deep), `resend --failed-only` and
the TUI's are tested where those live.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from eventcomposer.cli.main import main
from eventcomposer.core.entries import Entry
from eventcomposer.core.fields import BY_API
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry
from eventcomposer.core.validation import FIELD_RULES, check_detail, load_json, nesting_depth


def entries(detail: str = "{}", **fields: str) -> str:
    """One entry in the AWS CLI's --entries JSON."""
    return json.dumps(
        [{"Source": "com.example.hostile", "DetailType": "Hostile", "Detail": detail, **fields}]
    )


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    code: int
    says: str  # in stderr (whitespace-normalised)
    env: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


DRY = ["--dry-run"]
CASES = [
    # Inputs within AWS's limits are taken, however deep or large.
    Case("Detail nested 990", ["send", "--entries", entries(nested(990)), *DRY], 0, ""),
    Case(
        "Detail nested 1000 (AWS's limit)",
        ["send", "--entries", entries(nested(1000)), *DRY],
        0,
        "",
    ),
    Case(
        "Detail nested 1001",
        ["send", "--entries", entries(nested(1001)), *DRY],
        2,
        "Detail: is nested 1001 levels deep; the limit is 1000",
    ),
    Case(
        "Detail nested 100,000 (brackets only)",
        ["send", "--entries", entries("[" * 100_000), *DRY],
        2,
        "is nested 100000 levels deep; the limit is 1000",
    ),
    Case(
        "an integer of 5,000 digits",
        ["send", "--entries", entries('{"n": ' + "9" * 5000 + "}"), *DRY],
        2,
        "is outside the 64-bit range",
    ),
    Case(
        "NaN in Detail",
        ["send", "--entries", entries('{"n": NaN}'), *DRY],
        2,
        "NaN is not a JSON value (AWS answers MalformedDetail)",
    ),
    Case(
        "-Infinity in Detail",
        ["send", "--entries", entries('{"n": [1, -Infinity]}'), *DRY],
        2,
        "-Infinity is not a JSON value (AWS answers MalformedDetail); use null or a string, "
        "at line 1, column 11",
    ),
    Case(
        "a lone surrogate in --entries",
        ["send", "--entries", entries('{"a": "\\ud800"}').replace("\\\\ud800", "\\ud800"), *DRY],
        2,
        "Detail: has a lone surrogate (U+D800) at character 8",
    ),
    Case(
        "a lone surrogate in an argument",
        ["send", "--entries", entries('{"a": "\udcff"}'), *DRY],
        2,
        "has a lone surrogate (U+DCFF)",
    ),
    Case(
        "an argument that is not UTF-8 (bytes as the shell passes them)",
        ["send", "--entries", "[\udcff]", *DRY],
        2,
        "argument 3 is not valid UTF-8 text (byte 0xFF at character 2)",
    ),
    Case(
        "Time in year 0 in UTC",
        ["send", "--entries", entries(Time="0001-01-01T00:00:00+01:00"), *DRY],
        2,
        "Time: '0001-01-01T00:00:00+01:00' is outside the years 0001 to 9999 in UTC",
    ),
    Case(
        "Time past year 9999 in UTC",
        ["send", "--entries", entries(Time="9999-12-31T23:30:00-01:00"), *DRY],
        2,
        "is outside the years 0001 to 9999 in UTC",
    ),
    Case(
        "{{now-999999d}}",
        ["send", "--entries", entries('{"at": "{{now-999999d}}"}'), *DRY],
        2,
        "{{now-999999d}} is outside the years 0001 to 9999",
    ),
    Case(
        "{{now+<30 digits>s}}",
        ["send", "--entries", entries('{"at": "{{now+' + "9" * 30 + 's}}"}'), *DRY],
        2,
        "is outside the years 0001 to 9999",
    ),
    Case(
        "a 5,000-digit random.int bound",
        ["send", "--entries", entries('{"n": "{{random.int(1,' + "9" * 5000 + ')}}"}'), *DRY],
        2,
        "has a bound outside the 64-bit integer range",
    ),
    Case(
        "--rate 1e-300",
        ["send", "--entries", entries(), "--rate", "1e-300"],
        2,
        "argument --rate: must be 0 (unlimited) or 0.001 to",
    ),
    Case(
        "--rate nan",
        ["send", "--entries", entries(), "--rate", "nan"],
        2,
        "argument --rate: 'nan' is not a finite number",
    ),
    Case(
        "--rate inf",
        ["send", "--entries", entries(), "--rate", "inf"],
        2,
        "'inf' is not a finite number",
    ),
    Case(
        "--rate -1",
        ["send", "--entries", entries(), "--rate", "-1"],
        2,
        "argument --rate: must be 0",
    ),
    Case(
        "--timeout 0",
        ["send", "--entries", entries(), "--timeout", "0"],
        2,
        "argument --timeout: must be more than 0",
    ),
    Case(
        "--timeout -1",
        ["send", "--entries", entries(), "--timeout", "-1"],
        2,
        "argument --timeout: must be more than 0",
    ),
    Case(
        "--timeout nan",
        ["send", "--entries", entries(), "--timeout", "nan"],
        2,
        "argument --timeout: 'nan' is not a finite",
    ),
    Case(
        "--timeout inf",
        ["send", "--entries", entries(), "--timeout", "inf"],
        2,
        "argument --timeout: 'inf' is not a finite",
    ),
    Case(
        "--concurrency 0",
        ["send", "--entries", entries(), "--concurrency", "0"],
        2,
        "argument --concurrency: must be from 1 to 64",
    ),
    Case(
        "--concurrency 10**9",
        ["send", "--entries", entries(), "--concurrency", "1000000000"],
        2,
        "must be from 1 to 64",
    ),
    Case(
        "--repeat of 5,000 digits",
        ["send", "--entries", entries(), "--repeat", "9" * 5000],
        2,
        "argument --repeat: must be a whole number",
    ),
    Case(
        "--size-limit 0",
        ["send", "--entries", entries(), "--size-limit", "0", *DRY],
        2,
        "argument --size-limit: '0' must be from 1 byte",
    ),
    Case(
        "--size-limit lots",
        ["send", "--entries", entries(), "--size-limit", "lots", *DRY],
        2,
        "'lots' is not a size",
    ),
    Case(
        "--size-limit 1KiB takes units",
        ["send", "--entries", entries('{"b": "' + "x" * 2000 + '"}'), "--size-limit", "1KiB", *DRY],
        2,
        "the limit is 1,024 bytes (1.0 KiB)",
    ),
    Case(
        "EVENTCOMPOSER_SIZE_LIMIT=256KB",
        ["send", "--entries", entries('{"b": "' + "x" * 300_000 + '"}'), *DRY],
        2,
        "the limit is 262,144 bytes (256.0 KiB)",
        {"EVENTCOMPOSER_SIZE_LIMIT": "256KB"},
    ),
    Case(
        "EVENTCOMPOSER_SIZE_LIMIT=256KB, history list",
        ["history", "list"],
        0,
        "",
        {"EVENTCOMPOSER_SIZE_LIMIT": "256KB"},
    ),
    Case(
        "EVENTCOMPOSER_SIZE_LIMIT=nonsense, history list",
        ["history", "list"],
        0,
        "",
        {"EVENTCOMPOSER_SIZE_LIMIT": "nonsense"},
    ),
    Case(
        "EVENTCOMPOSER_SIZE_LIMIT=nonsense, send",
        ["send", "--entries", entries(), *DRY],
        2,
        "EVENTCOMPOSER_SIZE_LIMIT: 'nonsense' is not a size",
        {"EVENTCOMPOSER_SIZE_LIMIT": "nonsense"},
    ),
    Case(
        "--endpoint-url notaurl",
        ["send", "--entries", entries(), "--endpoint-url", "notaurl"],
        2,
        "argument --endpoint-url: 'notaurl' is not an http:// or https:// URL",
    ),
    Case(
        "--endpoint-url http://[::1",
        ["send", "--entries", entries(), "--endpoint-url", "http://[::1"],
        2,
        "is not a URL",
    ),
    Case(
        "--endpoint-url http://host:99999",
        ["send", "--entries", entries(), "--endpoint-url", "http://host:99999"],
        2,
        "is not a URL",
    ),
    Case(
        "AWS_ENDPOINT_URL=notaurl",
        ["send", "--entries", entries(), "--region", "us-east-1"],
        3,
        "'notaurl' is not an endpoint URL such as https://events.eu-west-1.amazonaws.com",
        {"AWS_ENDPOINT_URL": "notaurl", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
    ),
    Case(
        "--region 'not a region'",
        ["send", "--entries", entries(), "--region", "not a region"],
        2,
        "argument --region: 'not a region' is not a region name",
    ),
    Case(
        "AWS_REGION='not a region'",
        ["send", "--entries", entries(), "--endpoint-url", "http://127.0.0.1:9"],
        3,
        "'not a region' is not a region name such as eu-west-1",
        {"AWS_REGION": "not a region", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
    ),
    Case(
        "pattern --event nested 5,000",
        ["pattern", "--pattern", '{"a": [1]}', "--event", "[" * 5000],
        2,
        "--event <argument>: nested 5000 levels deep",
    ),
    Case(
        "pattern --event with a 5,000-digit number",
        ["pattern", "--pattern", '{"a": [1]}', "--event", '{"a": ' + "9" * 5000 + "}"],
        2,
        "is outside the 64-bit range",
    ),
    Case(
        "pattern --event with NaN",
        ["pattern", "--pattern", '{"a": [1]}', "--event", '{"a": NaN}'],
        2,
        "NaN is not a JSON value",
    ),
    Case(
        "--repeat +-5",
        ["send", "--entries", entries(), "--repeat", "+-5"],
        2,
        "--repeat: must be a whole number",
    ),
    Case(
        "history --limit -1",
        ["history", "list", "--limit", "-1"],
        2,
        "argument --limit: must be from 1",
    ),
    Case(
        "local --port 70000",
        ["local", "--port", "70000"],
        2,
        "argument --port: must be from 1 to 65,535",
    ),
]


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[object]:
    monkeypatch.chdir(tmp_path)

    def go(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return code, captured.out, " ".join(captured.err.split())

    yield go


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_input(case: Case, run: object) -> None:
    started = time.perf_counter()
    code, _, err = run(case.argv, case.env)  # type: ignore[operator]
    assert (code, case.says in err) == (case.code, True), err
    assert "Traceback" not in err
    assert time.perf_counter() - started < 5  # bounded work


def test_a_refused_connection_says_why_not_the_url_twice(run: object) -> None:
    url = f"http://127.0.0.1:{refused_port()}"
    argv = ["send", "--entries", entries(), "--endpoint-url", url, "--region", "us-east-1"]
    code, _, err = run(argv, {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"})  # type: ignore[operator]
    assert code == 3
    assert f"Could not connect to {url}/: Connection refused." in err
    assert err.count(url) == 1


# The core's own guarantees, row by row.

DETAILS = [
    ('{"a": 1}', None),
    (nested(1000), None),
    (nested(1001), "is nested 1001 levels deep; the limit is 1000"),
    ('{"n": -9223372036854775808}', None),
    ('{"n": -9223372036854775809}', "integer -9223372036854775809 is outside the 64-bit range"),
    ('{"n": ' + "1" * 100_000 + "}", "is outside the 64-bit range"),
    ('{"n": 1e999}', None),  # JSON syntax; a double AWS reads as it likes
    ('{"n": NaN}', "is not valid JSON: NaN is not a JSON value"),
    (
        '{\n  "n": Infinity}',
        "Infinity is not a JSON value (AWS answers MalformedDetail); use null or a string, "
        "at line 2, column 8",
    ),
    ('{"NaN": "Infinity"}', None),  # words in strings are strings
    ('"' + '\\"' * 200_000, "is not valid JSON: Unterminated string"),
    ("[" * 1_000_000, "is nested 1000000 levels deep"),
]


@pytest.mark.parametrize(("detail", "problem"), DETAILS, ids=lambda v: str(v)[:30])
def test_detail_rows(detail: str, problem: str | None) -> None:
    started = time.perf_counter()
    checked = check_detail(detail)
    assert time.perf_counter() - started < 2
    if problem is None:
        assert checked.problem is None
    else:
        assert checked.problem is not None and problem in checked.problem


def test_nesting_depth_is_linear_on_unterminated_strings() -> None:
    started = time.perf_counter()
    assert nesting_depth('"a\\"' * 100_000 + "[") == 0
    assert nesting_depth('{"a": "[" , "b": [[ "]" ]]}') == 3
    assert time.perf_counter() - started < 1


def test_load_json_never_raises_on_deep_text_within_the_limit() -> None:
    assert load_json("[" * 1000 + "]" * 1000).problem is None


TEMPLATES = [
    ('{"n": "{{random.int(-9223372036854775808, 9223372036854775807)}}"}', None),
    (
        '{"n": "{{random.int(0, 9223372036854775808)}}"}',
        "has a bound outside the 64-bit integer range",
    ),
    (
        '{"n": "{{random.int(0, ' + "9" * 10_000 + ')}}"}',
        "has a bound outside the 64-bit integer range",
    ),
    ('{"t": "{{now-999999d}}"}', "is outside the years 0001 to 9999"),
    ('{"t": "{{now+' + "9" * 10_000 + 'd}}"}', "is outside the years 0001 to 9999"),
    ('{"t": "{{now-3650d}}"}', None),
    ('{"x": "{{' + " " * 100_000 + '"}', None),  # never closed: text (it took 40 s per 5,000)
    ('{"x": "{{' + " " * 100_000 + 'nope}}"}', "is not a known variable"),
]


@pytest.mark.parametrize(("detail", "problem"), TEMPLATES, ids=lambda v: str(v)[:30])
def test_template_rows(detail: str, problem: str | None) -> None:
    entry = Entry(source="s", detail_type="d", detail=detail)
    started = time.perf_counter()
    try:
        resolved = resolve_entry(entry, TemplateContext(env={}))
    except TemplateError as exc:
        assert problem is not None and problem in str(exc)
        assert len(str(exc)) < 300  # the variable is shortened in the message
    else:
        assert problem is None
        assert check_detail(resolved.detail).problem is None
    assert time.perf_counter() - started < 2


def test_every_field_of_the_table_has_a_validation_rule() -> None:
    assert set(FIELD_RULES) == set(BY_API)
