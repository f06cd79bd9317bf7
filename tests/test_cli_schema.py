"""``eventcomposer sample``, and ``validate``/``send`` checking Detail against its schema, against
the real local EventBridge over HTTP."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import Run
from test_schemas import DEMO_SCHEMA


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ``presets/`` and ``schemas/`` side by side, as the current folder."""
    (tmp_path / "presets" / "orders").mkdir(parents=True)
    (tmp_path / "schemas").mkdir()
    shutil.copy(DEMO_SCHEMA, tmp_path / "schemas" / "order-placed.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sample_writes_a_preset_that_validates_and_the_same_seed_is_byte_identical(
    cli: Run, project: Path
) -> None:
    code, out, err = cli(
        "sample",
        "--schema",
        "schemas/order-placed.json",
        "--count",
        "3",
        "--seed",
        "11",
        "-o",
        "presets/orders/placed.yaml",
    )
    assert code == 0, err
    first = (project / "presets/orders/placed.yaml").read_bytes()
    code, out, err = cli(
        "sample", "--schema", "schemas/order-placed.json", "--count", "3", "--seed", "11"
    )
    assert code == 0, err
    assert out.encode() == first  # stdout and the file: the same bytes for the same seed
    assert b"schema: schemas/order-placed.json" in first
    code, out, err = cli("validate", "presets/orders/placed.yaml", endpoint=False)
    assert code == 0, err
    assert "3 entries valid" in out
    code, _, err = cli(
        "sample", "--schema", "schemas/order-placed.json", "-o", "presets/orders/placed.yaml"
    )
    assert code == 2 and "--force" in err


def test_sample_without_seed_says_which_seed_reproduces_it(cli: Run, project: Path) -> None:
    code, out, err = cli("sample", "--schema", "schemas/order-placed.json")
    assert code == 0
    seed = err.split("--seed ")[1].split()[0]
    assert cli("sample", "--schema", "schemas/order-placed.json", "--seed", seed)[1] == out


def test_sample_of_an_unusable_schema_is_exit_2(cli: Run, project: Path) -> None:
    (project / "schemas" / "bad.json").write_text('{"type": 5}')
    code, _, err = cli("sample", "--schema", "schemas/bad.json")
    assert code == 2 and "not a valid JSON Schema" in err
    code, _, err = cli("sample", "--schema", "schemas/none.json")
    assert code == 2 and "no such schema file" in err


def _violating_preset(project: Path) -> Path:
    path = project / "presets" / "orders" / "bad.yaml"
    path.write_text(
        "version: 1\n"  # 1
        "name: bad order\n"  # 2
        "bus: orders\n"  # 3
        "schema: schemas/order-placed.json\n"  # 4
        "entries:\n"  # 5
        "  - Source: com.example.orders\n"  # 6
        "    DetailType: Order Placed\n"  # 7
        "    Detail:\n"  # 8
        '      orderId: "{{faker.uuid4}}"\n'  # 9
        "      amount: 50\n"  # 10
        "      currency: EUR\n"  # 11
        '      placedAt: "{{now}}"\n'  # 12
        "      customer: {email: '{{faker.email}}', name: Ann, tier: gold}\n"  # 13
        "      shipping: {country: XX}\n"  # 14
        "      items:\n"  # 15
        "        - {sku: SKU-1, quantity: 1}\n"  # 16
    )
    return path


def test_validate_reports_each_violation_with_path_and_line_exit_2(cli: Run, project: Path) -> None:
    path = _violating_preset(project)
    code, _out, err = cli("validate", str(path), endpoint=False)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert "entry 1, Detail: $.amount: 50 is less than the minimum of 100" in lines[0]
    assert f"({path}:10)" in lines[0]
    assert "$.items[0].sku: 'SKU-1' does not match" in err and f"({path}:16)" in err
    assert "$.shipping.country" in err and f"({path}:14)" in err
    assert "[schema schemas/order-placed.json]" in err
    code, _, err = cli("validate", "--no-schema", str(path), endpoint=False)
    assert code == 0, err


def test_send_refuses_violations_unless_no_schema_and_a_sample_arrives(
    cli: Run,
    project: Path,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    path = _violating_preset(project)
    code, out, err = cli("send", str(path), "--output", "json")
    assert code == 2 and out == "" and "nothing was sent" in err
    # A sample goes to the orders bus, where the large-orders rule (amount >= 100) takes it.
    code, out, err = cli(
        "sample",
        "--schema",
        "schemas/order-placed.json",
        "--seed",
        "5",
        "--bus",
        "orders",
        "-o",
        "presets/orders/sample.yaml",
    )
    assert code == 0, err
    sample = project / "presets/orders/sample.yaml"
    sample.write_text(
        sample.read_text().replace("    Detail:\n", f"    Detail:\n      marker: {marker}\n")
    )
    code, out, err = cli("send", str(sample), "--output", "json", "--seed", "1")
    assert code == 0, err
    assert json.loads(out)["FailedEntryCount"] == 0
    (event,) = delivered("demo-orders-large-orders", marker)
    assert event["detail-type"] == "Order Placed"
    assert event["detail"]["amount"] >= 100


def test_an_entry_schema_json_string_detail_reports_the_detail_line(
    cli: Run, project: Path
) -> None:
    path = project / "presets" / "string.yaml"
    detail = json.dumps({"orderId": "not-a-uuid"}, indent=2)
    path.write_text(
        "entries:\n  - Source: com.example.orders\n    DetailType: Order Placed\n"
        "    schema: ../schemas/order-placed.json\n    Detail: |\n"
        + "".join(f"      {line}\n" for line in detail.splitlines())
    )
    code, _, err = cli("validate", str(path), endpoint=False)
    assert code == 2
    assert "$.orderId: 'not-a-uuid' is not a 'uuid' (Detail line 2)" in err
    assert "$: 'amount' is a required property (Detail line 1)" in err
