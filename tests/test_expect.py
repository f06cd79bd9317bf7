"""`eventcomposer test`: the expectations a preset entry carries (`expect:`), run against the
local EventBridge's demo rules: a pass/fail table, --junit, --output json, exit codes; and the
`expect` key in the preset format (loaded, kept on save, ignored by send)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import Run

from eventcomposer.core.presets import PresetError, load_preset, save_preset

ROUTED = """\
version: 1
name: Routing of orders
bus: orders
entries:
  - Source: com.example.orders
    DetailType: Order Placed
    Detail: {amount: 150, customer: {tier: gold}, shipping: {country: US}, m: "MARK"}
    expect:                     # what the shipping rules must do with it
      match: [large-orders, real-customers]
      no-match: [eu-orders]
      delivered: [large-orders, real-customers/queue]
  - Source: com.example.orders
    DetailType: Order Placed
    Detail: {amount: 5, customer: {tier: test}, m: "MARK"}
    expect:
      no-match: [large-orders, real-customers]
  - Source: com.example.orders    # no expectations: not a test case
    DetailType: Order Placed
    Detail: {amount: 5}
"""

WRONG = """\
version: 1
bus: orders
entries:
  - Source: com.example.orders
    DetailType: Order Placed
    Detail: {amount: 5, m: "MARK"}
    expect:
      match: [large-orders]
      no-match: [no-such-rule]
      delivered: [eu-orders]
"""


def write(tmp_path: Path, text: str, marker: str, name: str = "routing.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace("MARK", marker))
    return path


def test_expectations_that_hold_pass_and_the_events_reach_their_targets(
    cli: Run, tmp_path: Path, marker: str
) -> None:
    path = write(tmp_path, ROUTED, marker)
    code, out, err = cli("test", str(path))
    assert code == 0, err
    assert "7 passed, 0 failed, 0 skipped (2 entries)" in out and "FAIL" not in out
    code, out, err = cli("test", str(path), "--output", "json")
    assert code == 0, err
    checks = {
        (c["expect"], c["name"]): c["message"] for c in json.loads(out)["entries"][0]["checks"]
    }
    assert checks[("match", "large-orders")] == "matches on source, detail-type, detail.amount"
    assert checks[("delivered", "real-customers/queue")] == "received by queue"


def test_failed_expectations_exit_1_with_a_junit_report_and_json(
    cli: Run, tmp_path: Path, marker: str
) -> None:
    path = write(tmp_path, WRONG, marker)
    junit = tmp_path / "report.xml"
    code, out, err = cli("test", str(path), "--junit", str(junit), "--output", "json")
    assert code == 1, err
    report = json.loads(out)  # stdout is the JSON and nothing else
    assert (report["passed"], report["failed"], report["skipped"]) == (0, 3, 0)
    checks = {(c["expect"], c["name"]): c for c in report["entries"][0]["checks"]}
    assert "5 is not in numeric range >= 100" in checks[("match", "large-orders")]["message"]
    assert checks[("no-match", "no-such-rule")]["message"] == "no rule 'no-such-rule' on bus orders"
    assert checks[("delivered", "eu-orders")]["message"] == "not received by queue"
    suites = ET.parse(junit).getroot()
    assert suites.tag == "testsuites" and suites.get("failures") == "3"
    (suite,) = suites
    assert suite.get("name") == str(path) and suite.get("tests") == "3"
    names = [(case.get("name"), case.find("failure") is not None) for case in suite]
    assert names == [
        ("match large-orders", True),
        ("no-match no-such-rule", True),
        ("delivered eu-orders", True),
    ]


def test_deliveries_are_skipped_on_an_endpoint_that_is_not_local(
    cli: Run, tmp_path: Path, marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventcomposer.aws.settings import AwsSettings

    monkeypatch.setattr(AwsSettings, "is_local_endpoint", lambda self: False)
    code, out, err = cli("test", str(write(tmp_path, ROUTED, marker)), "--output", "json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["passed"], report["skipped"]) == (5, 2)
    skipped = [c for e in report["entries"] for c in e["checks"] if c["outcome"] == "skip"]
    assert all("only read back on a local EventBridge" in c["message"] for c in skipped)


def test_bad_input_exits_2_and_an_unreachable_endpoint_3(
    cli: Run, tmp_path: Path, marker: str
) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("entries:\n  - {Source: a.b, DetailType: X, Detail: {}}\n")
    code, out, err = cli("test", str(plain))
    assert code == 2 and out == ""
    assert "no entry has expectations" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entries:\n  - Source: a.b\n    DetailType: X\n    expect:\n      matches: [r]\n"
    )
    code, _, err = cli("test", str(bad))
    assert code == 2
    assert "bad.yaml:5: entries[1].expect.matches: unknown key 'matches'" in " ".join(err.split())
    code, _, err = cli("test", str(write(tmp_path, ROUTED, marker)), endpoint="http://127.0.0.1:9")
    assert code == 3, err


def test_test_runs_on_the_embedded_local_eventbridge_by_default(
    cli: Run, tmp_path: Path, marker: str
) -> None:
    code, out, err = cli("test", str(write(tmp_path, ROUTED, marker)), endpoint=False)
    assert code == 0, err
    assert "7 passed" in out


def test_expect_is_part_of_the_preset_format_kept_on_save_and_never_sent(
    cli: Run, tmp_path: Path, marker: str
) -> None:
    path = write(tmp_path, ROUTED, marker)
    original = path.read_text()
    preset = load_preset(path)
    assert preset.entries[0].expect == {
        "match": ["large-orders", "real-customers"],
        "no-match": ["eu-orders"],
        "delivered": ["large-orders", "real-customers/queue"],
    }
    save_preset(preset, path)
    assert path.read_text() == original  # unchanged: byte for byte
    preset.entries[0].detail_type = "Order Shipped"
    save_preset(preset, path)
    assert path.read_text() == original.replace(
        "DetailType: Order Placed\n    Detail: {amount: 150",
        "DetailType: Order Shipped\n    Detail: {amount: 150",
    )
    fresh = tmp_path / "fresh.yaml"
    save_preset(preset, fresh, round_trip=False)
    assert load_preset(fresh).entries[0].expect == preset.entries[0].expect
    code, out, _ = cli("send", str(path), "--dry-run", "--output", "json")
    assert code == 0 and "expect" not in out and "large-orders" not in out
    code, out, err = cli("send", str(path), "--output", "json")
    assert code == 0, err
    assert json.loads(out)["FailedEntryCount"] == 0


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ("[large-orders]", "expect: must be a mapping with any of match, no-match, delivered"),
        ("{match: []}", "expect.match: must be a rule name or a non-empty list of them"),
        ("{match: [1]}", "expect.match.0: must be a rule name (text)"),
        ("{match: [a], no-match: [a]}", "rule 'a' is both in match and in no-match"),
    ],
)
def test_an_invalid_expect_names_the_file_line_and_key(
    tmp_path: Path, expect: str, message: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"entries:\n  - Source: a.b\n    DetailType: X\n    expect: {expect}\n")
    with pytest.raises(PresetError) as raised:
        load_preset(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{path}:4: ")
