"""Round-trip saves: a preset saved over its own file keeps everything that did not change."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from eventcomposer.core.entries import Entry
from eventcomposer.core.presets import Preset, find_presets, load_preset, save_preset
from eventcomposer.paths import demo_presets_dir

ROOT = Path(__file__).resolve().parents[1]

HAND_KEPT = """\
# Orders for the shipping rules, kept in git.
version: 1
name: "Hand kept"          # shown in the presets tree

bus: orders
entries:
    # the first one matches large-orders
    - Source: com.example.orders   # our service
      DetailType: 'Order Placed'
      Resources: [arn:aws:dynamodb:eu-west-1:123456789012:table/orders, "arn:x"]

      Detail:
        orderId: "{{uuid}}"      # a new one each send
        country: "NO"
        amount: 250
        flags: [a, b]
        nested:
          - {sku: a-1, qty: 2}
    - Source: com.example.orders
      DetailType: Order Placed
      Detail: '{"a": 1}'   # a JSON string
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def example_presets() -> list[Path]:
    files = find_presets(demo_presets_dir())
    assert len(files) >= 4
    return files


@pytest.mark.parametrize("name", ["hand-kept", *[p.name for p in example_presets()]])
def test_open_and_save_without_edits_is_byte_identical(tmp_path: Path, name: str) -> None:
    path = tmp_path / "p.yaml"
    if name == "hand-kept":
        path.write_text(HAND_KEPT)
    else:
        shutil.copy(next(p for p in example_presets() if p.name == name), path)
    before = path.read_bytes()
    save_preset(load_preset(path), path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("source", ["hand-kept", "example"])
def test_changing_one_field_changes_only_that_line(tmp_path: Path, source: str) -> None:
    path = tmp_path / "p.yaml"
    if source == "hand-kept":
        path.write_text(HAND_KEPT)
    else:
        shutil.copy(demo_presets_dir() / "order-placed-large.yaml", path)
    before = path.read_text()
    preset = load_preset(path)
    preset.entries[0].detail_type = "Order Shipped"
    save_preset(preset, path)
    after = path.read_text()
    old_line = next(line for line in before.splitlines() if "DetailType:" in line)
    assert changed_lines(before, after) == [
        f"-{old_line}",
        f"+{old_line.replace('Order Placed', 'Order Shipped')}",
    ]
    assert load_preset(path).entries[0].detail_type == "Order Shipped"


def test_changing_a_detail_value_keeps_its_comment_and_quoting(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    preset = load_preset(path)
    detail = json.loads(preset.entries[0].detail)
    detail["orderId"] = "o-1"
    detail["country"] = "on"
    preset.entries[0].detail = json.dumps(detail)
    save_preset(preset, path)
    changes = changed_lines(HAND_KEPT, path.read_text())
    assert changes[:2] == [
        '-        orderId: "{{uuid}}"      # a new one each send',
        '-        country: "NO"',
    ]
    # the comment stays, in its column
    assert [" ".join(line.split()) for line in changes[2:]] == [
        '+ orderId: "o-1" # a new one each send',
        '+ country: "on"',
    ]
    assert json.loads(load_preset(path).entries[0].detail)["country"] == "on"


def test_new_values_are_quoted_when_they_would_read_back_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    preset = load_preset(path)
    preset.entries[1].time = "2024-01-01T00:00:00Z"
    preset.entries[1].source = "NO"
    save_preset(preset, path)
    after = path.read_text()
    assert changed_lines(HAND_KEPT, after) == [
        "-    - Source: com.example.orders",
        '+    - Source: "NO"',
        '+      Time: "2024-01-01T00:00:00Z"',
    ]
    entry = load_preset(path).entries[1]
    assert (entry.source, entry.time) == ("NO", "2024-01-01T00:00:00Z")


def test_adding_and_removing_entries_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    preset = load_preset(path)
    preset.entries.append(
        Entry(source="com.example.new", detail_type="New", detail='{"k": [1, 2]}')
    )
    save_preset(preset, path)
    after = path.read_text()
    assert after.startswith(HAND_KEPT)
    assert load_preset(path).entries[2].source == "com.example.new"
    preset = load_preset(path)
    del preset.entries[2]
    save_preset(preset, path)
    assert path.read_text() == HAND_KEPT


def test_saving_elsewhere_or_a_new_preset_writes_fresh_in_the_examples_style(
    tmp_path: Path,
) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(HAND_KEPT)
    copy = tmp_path / "b.yaml"
    save_preset(load_preset(source), copy)
    text = copy.read_text()
    assert "#" not in text  # a new file: the examples' style, not the other file's comments
    assert 'orderId: "{{uuid}}"' in text and 'country: "NO"' in text
    assert "Resources: [arn:aws:dynamodb:eu-west-1:123456789012:table/orders, arn:x]" in text
    fresh = tmp_path / "c.yaml"
    save_preset(Preset(name="n", entries=[Entry(source="a.b", detail_type="T")]), fresh)
    assert load_preset(fresh).entries[0].source == "a.b"


def test_a_file_changed_into_something_else_is_written_fresh(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    preset = load_preset(path)
    path.write_text("not: [a preset")  # changed on disk meanwhile (the TUI asks first)
    save_preset(preset, path)
    assert load_preset(path).name == "Hand kept"


def test_demo_presets_ship_as_package_data() -> None:
    import ast
    import fnmatch
    import re

    text = (ROOT / "pyproject.toml").read_text()
    line = re.search(r"^eventcomposer = (\[.*\])$", text, re.MULTILINE)
    assert line, "no [tool.setuptools.package-data] eventcomposer line"
    patterns = ast.literal_eval(line.group(1))
    package = ROOT / "eventcomposer"
    for path in example_presets():
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
    for pattern in patterns:  # no phantom entries
        assert list(package.glob(pattern)), pattern
    assert (ROOT / "presets").resolve() == demo_presets_dir()


def test_the_tuis_save_over_its_file_round_trips(tmp_path: Path) -> None:
    """The TUI saves a Preset built from its batch (no path) over the file it opened."""
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    opened = load_preset(path)
    batch = Preset(
        name=opened.name,
        entries=[e.copy() for e in opened.entries],
        description=opened.description,
        bus=opened.bus,
    )
    save_preset(batch, path)
    assert path.read_text() == HAND_KEPT
    save_preset(batch, path, round_trip=False)
    assert "#" not in path.read_text()


@pytest.mark.parametrize("over_its_file", [True, False])
def test_a_detail_a_mapping_would_rewrite_is_saved_as_its_json_text(
    tmp_path: Path, over_its_file: bool
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HAND_KEPT)
    preset = load_preset(path)
    written = '{"amount": 0.10000000000000000000001, "big": 1e400, "e": 1E5, "a": 1, "a": 2}'
    preset.entries[0].detail = written
    target = path if over_its_file else tmp_path / "elsewhere.yaml"
    save_preset(preset, target)
    again = load_preset(target)
    assert again.entries[0].detail == written  # not 0.1, Infinity, 100000.0 or one "a"
    assert again.entries[1].detail == '{"a": 1}'
