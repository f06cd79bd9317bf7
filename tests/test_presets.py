"""Preset files: load, save, and the message a user sees for each kind of bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eventcomposer.core.presets import (
    MAX_PRESET_BYTES,
    Preset,
    PresetError,
    dump_preset,
    find_presets,
    load_preset,
    load_vars,
    parse_preset,
    save_preset,
)

ROOT = Path(__file__).resolve().parents[1]

PRESET = """\
version: 1
name: Order placed
description: A paid order
bus: orders
entries:
  - Source: com.example.orders
    DetailType: Order Placed
    Resources: [arn:aws:dynamodb:eu-west-1:111122223333:table/orders]
    Detail:
      orderId: "{{uuid}}"
      amount: 42.5
  - DetailType: Refund Issued
    Source: com.example.payments
    Detail: '{"refundId": "r-1"}'
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(PresetError) as info:
        load_preset(path)
    return str(info.value).replace(str(path), "p.yaml")


def test_load_a_preset(tmp_path: Path) -> None:
    preset = load_preset(write(tmp_path, PRESET))
    assert (preset.name, preset.description, preset.bus) == (
        "Order placed",
        "A paid order",
        "orders",
    )
    first, second = preset.entries
    assert first.source == "com.example.orders"
    assert json.loads(first.detail) == {"orderId": "{{uuid}}", "amount": 42.5}
    assert first.detail_as_mapping and not second.detail_as_mapping
    assert second.detail == '{"refundId": "r-1"}'
    assert first.resources == ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]


def test_missing_version_is_tolerated_and_name_defaults_to_the_file(tmp_path: Path) -> None:
    preset = load_preset(write(tmp_path, "entries:\n  - Source: a\n    DetailType: b\n", "x.yaml"))
    assert (preset.version, preset.name) == (1, "x")


def test_save_keeps_key_order_and_detail_style_and_round_trips(tmp_path: Path) -> None:
    preset = load_preset(write(tmp_path, PRESET))
    out = tmp_path / "saved.yaml"
    save_preset(preset, out)
    text = out.read_text()
    assert text.index("DetailType: Refund Issued") < text.index("Source: com.example.payments")
    assert 'Detail: \'{"refundId": "r-1"}\'' in text
    assert 'orderId: "{{uuid}}"' in text
    assert text == PRESET  # a new file is written in the example presets' own style
    again = load_preset(out)
    assert again.entries == preset.entries
    assert dump_preset(again) == text  # saving what was saved changes nothing


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    out.write_text("old")
    save_preset(Preset(name="n", entries=parse_preset(PRESET).entries), out)
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]
    assert load_preset(out).name == "n"


def test_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    text = "name: x\nentries:\n  - Source: a\n    DetailType: [b\n"
    assert error_of(tmp_path, text).startswith("p.yaml:5: YAML error:")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert error_of(tmp_path, "name: x\nbuss: orders\nentries: []\n") == (
        "p.yaml:2: unknown key 'buss' (known: version, name, description, bus, EndpointId, schema, "
        "entries)"
    )


def test_unknown_entry_key_names_line_and_entry(tmp_path: Path) -> None:
    text = "entries:\n  - Source: a\n    DetailType: b\n    Detials: {}\n"
    assert error_of(tmp_path, text) == (
        "p.yaml:4: entries[1]: unknown key 'Detials' (known: Source, DetailType, Resources, "
        "Detail, Time, TraceHeader, EventBusName, schema, expect)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "p.yaml: the file is empty; a preset needs at least 'entries'"),
        ("- a\n", "p.yaml:1: must be a mapping with 'entries'"),
        ("name: x\n", "p.yaml:1: 'entries' is missing: a preset needs at least one entry"),
        ("entries: []\n", "p.yaml:1: entries: must be a non-empty list of entries"),
        ("entries:\n  - 5\n", "p.yaml:2: entries[1]: must be a mapping of PutEvents fields"),
        ("version: 2\nentries: []\n", "p.yaml:1: version: version 2 is not supported (only 1)"),
        (
            "entries:\n  - Source: a\n    DetailType: true\n",
            "p.yaml:3: entries[1].DetailType: must be a string, not a boolean (true); put it in "
            "quotes to send it as text",
        ),
        (
            "entries:\n  - Source: a\n    Resources: arn:x\n",
            "p.yaml:3: entries[1].Resources: must be a list of strings",
        ),
        (
            "entries:\n  - Source: a\n    Detail: [1]\n",
            "p.yaml:3: entries[1].Detail: must be a mapping or a JSON object string",
        ),
        (
            "entries:\n  - Source: a\n    Detail:\n      y: 1\n      x: .nan\n",
            "p.yaml:5: entries[1].Detail.x: is NaN (.nan) and can't be sent: JSON has no NaN; "
            "quote it for the text",
        ),
        (
            "entries:\n  - Source: a\n    Detail:\n      n: [1, 1e400]\n",
            "p.yaml:4: entries[1].Detail.n.1: is infinite (.inf, or a number past ±1.8e308 such "
            "as 1e400) and can't be sent: JSON has no infinity; quote it for the text, or give "
            "Detail as JSON text to send the number as written",
        ),
    ],
)
def test_structural_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert error_of(tmp_path, text) == expected


def test_python_tags_are_refused(tmp_path: Path) -> None:
    text = "entries:\n  - Source: !!python/object/apply:os.system [echo hi]\n"
    message = error_of(tmp_path, text)
    assert message.startswith("p.yaml:2: unsupported YAML tag:")
    assert "presets hold data only" in message


def test_anchors_and_aliases_are_refused(tmp_path: Path) -> None:
    text = 'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nentries: [*c]\n'
    assert "YAML anchors and aliases are not supported" in error_of(tmp_path, text)


def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, PRESET)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: use a folder instead
        path.chmod(0o644)
        path = tmp_path / "folder.yaml"
        path.mkdir()
        with pytest.raises(PresetError, match="is a folder, not a preset file"):
            load_preset(path)
        return
    with pytest.raises(PresetError, match="permission denied: the file can't be read"):
        load_preset(path)


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="no such file"):
        load_preset(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"name: \xff\n")
    with pytest.raises(PresetError, match=r"is not UTF-8 text \(byte 6\)"):
        load_preset(bad)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_PRESET_BYTES + 1)
    with pytest.raises(PresetError, match="presets are limited to 16,777,216 bytes"):
        load_preset(path)


def test_time_written_unquoted_stays_rfc3339(tmp_path: Path) -> None:
    text = "entries:\n  - Source: a\n    DetailType: b\n    Time: 2026-01-31T12:00:00Z\n"
    assert load_preset(write(tmp_path, text)).entries[0].time == "2026-01-31T12:00:00Z"


def test_find_presets_walks_subfolders_and_skips_vars(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/one.yaml", "two.yml", "vars.yaml", "notes.txt"):
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_presets(tmp_path)] == [
        "a/one.yaml",
        "two.yml",
    ]


def test_vars_file(tmp_path: Path) -> None:
    assert load_vars(write(tmp_path, "tenant: acme\nlimit: 5\n", "vars.yaml")) == {
        "tenant": "acme",
        "limit": "5",
    }
    with pytest.raises(PresetError, match="must map a name to a string or number"):
        load_vars(write(tmp_path, "tenant: [a]\n", "vars.yaml"))


def test_example_presets_are_valid() -> None:
    from eventcomposer.core.validation import validate_entries

    files = find_presets(ROOT / "presets")
    assert len(files) >= 4
    for path in files:
        preset = load_preset(path)
        assert preset.entries, path
        from eventcomposer.core.templating import TemplateContext, resolve_entry

        ctx = TemplateContext()
        entries = [resolve_entry(e, ctx) for e in preset.entries]
        assert validate_entries(entries) == [], path


def test_preset_paths_stay_inside_the_folder(tmp_path: Path) -> None:
    from eventcomposer.core.presets import preset_path

    folder = tmp_path / "presets"
    (folder / "orders").mkdir(parents=True)
    assert preset_path(folder, "orders/placed") == folder / "orders" / "placed.yaml"
    assert preset_path(folder, "x.yml") == folder / "x.yml"
    for bad in ("../escape", "/etc/passwd", "orders/../../x", "a\\b"):
        with pytest.raises(PresetError, match=r"may not be absolute or contain '\.\.'"):
            preset_path(folder, bad)
    with pytest.raises(PresetError, match="needs a file name"):
        preset_path(folder, "  ")


def test_symlinks_out_of_the_folder_are_not_followed_for_writes(tmp_path: Path) -> None:
    from eventcomposer.core.presets import preset_path

    folder = tmp_path / "presets"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "linked").symlink_to(outside)
    (folder / "evil.yaml").symlink_to(tmp_path / "victim.yaml")
    (folder / "inside.yaml").symlink_to(folder / "real.yaml")
    with pytest.raises(PresetError, match="leads outside the presets folder"):
        preset_path(folder, "linked/x.yaml")
    with pytest.raises(PresetError, match="leads outside the presets folder"):
        preset_path(folder, "evil.yaml")
    assert preset_path(folder, "inside.yaml") == (folder / "real.yaml").resolve()
    assert not (tmp_path / "victim.yaml").exists()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, PRESET)
    before = path.read_bytes()
    preset = load_preset(path)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        save_preset(preset, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]


def test_a_read_only_folder_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    path = write(tmp_path, PRESET)
    before = path.read_bytes()
    tmp_path.chmod(0o555)
    if os.access(tmp_path, os.W_OK):  # root writes anywhere: inject what the kernel would say

        def read_only(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", read_only)
    try:
        with pytest.raises(PermissionError):
            save_preset(load_preset(path), path)
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == before


CANONICAL = """\
version: 1
name: Refund issued
description: A refund with a reason
bus: orders
entries:
- Source: com.example.payments
  DetailType: Refund Issued
  Resources:
  - arn:aws:dynamodb:eu-west-1:111122223333:table/refunds
  Detail:
    refundId: r-1
    amount: 30.5
    reason: damaged
    tags:
    - priority
    nested:
      ok: true
      none: null
  Time: '2026-01-31T12:00:00Z'
- DetailType: Refund Issued
  Source: com.example.payments
  Detail: '{"refundId": "r-2",  "amount": 15}'
  TraceHeader: Root=1-5759e988-bd862e3fe1be46a994272793
"""


def test_a_preset_without_variables_round_trips_byte_for_byte(tmp_path: Path) -> None:
    path = write(tmp_path, CANONICAL)
    save_preset(load_preset(path), path)
    assert path.read_text(encoding="utf-8") == CANONICAL
