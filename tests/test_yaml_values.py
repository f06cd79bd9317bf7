"""Presets mean exactly what they say: YAML 1.2 core-schema values in Detail, in other fields and
in variables; saves that quote whatever would read back as something else."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventcomposer.core.presets import PresetError, load_vars, parse_preset
from eventcomposer.core.templating import TemplateContext, resolve_entry
from eventcomposer.core.yaml_dump import dump_yaml, scalar
from eventcomposer.core.yaml_load import load_yaml

#: Nothing: the value can't be sent (NaN, infinity) and is an error naming where.
REFUSED = object()

#: (as written plain in YAML, what it means in YAML 1.2 core / JSON)
SCALARS = [
    ("NO", "NO"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("yes", "yes"),
    ("y", "y"),
    ("Y", "Y"),
    ("n", "n"),
    ("1:20", "1:20"),
    ("12:30:00", "12:30:00"),
    ("1.10", 1.1),
    ("0o17", 15),
    ("017", 17),
    ("0x1F", 31),
    ("0b101", "0b101"),
    ("1_000", "1_000"),
    ("1e3", 1000.0),
    ("+12", 12),
    ("-0.5", -0.5),
    (".5", 0.5),
    ("1.", 1.0),
    ("2024-01-01", "2024-01-01"),
    ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
    ("~", None),
    ("null", None),
    ("Null", None),
    ("", None),
    ("''", ""),
    ('"NO"', "NO"),
    ("'123'", "123"),
    ("true", True),
    ("True", True),
    ("FALSE", False),
    ("0o8", "0o8"),
    ("0x", "0x"),
    (".inf", REFUSED),
    ("-.Inf", REFUSED),
    (".nan", REFUSED),
    ("=", "="),
    ("<<", "<<"),
]


def same(a: object, b: object) -> bool:
    """Equal as JSON: 1, 1.0 and true differ."""
    return json.dumps(a) == json.dumps(b)


def test_the_table_is_large_enough() -> None:
    assert len(SCALARS) >= 25


@pytest.mark.parametrize(("written", "meaning"), SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_detail_values_mean_what_yaml_1_2_says(written: str, meaning: object) -> None:
    text = f"entries:\n  - Source: a.b\n    DetailType: T\n    Detail:\n      v: {written}\n"
    if meaning is REFUSED:
        with pytest.raises(PresetError, match=r"<p>:5: entries\[1\]\.Detail\.v: .* can't be sent"):
            parse_preset(text, "<p>")
        return
    entry = resolve_entry(parse_preset(text, "<p>").entries[0], TemplateContext())
    sent = json.loads(entry.detail)["v"]
    assert same(sent, meaning), (written, sent)


@pytest.mark.parametrize(("written", "meaning"), SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_other_fields_take_text_only_and_say_how_to_fix(written: str, meaning: object) -> None:
    text = f"entries:\n  - DetailType: T\n    Source: {written}\n"
    if isinstance(meaning, str):
        assert parse_preset(text, "<p>").entries[0].source == meaning
    else:
        with pytest.raises(PresetError) as info:
            parse_preset(text, "<p>")
        assert str(info.value).startswith("<p>:3: entries[1].Source: must be a string, not ")
        assert "put it in quotes to send it as text" in str(info.value)


@pytest.mark.parametrize(("written", "meaning"), SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_variables_are_the_text_of_what_yaml_1_2_says(
    tmp_path: Path, written: str, meaning: object
) -> None:
    path = tmp_path / "vars.yaml"
    path.write_text(f"v: {written}\n")
    if meaning is None or meaning is REFUSED:
        with pytest.raises(PresetError, match=r"vars.yaml:1: v: "):
            load_vars(path)
        return
    expected = meaning if isinstance(meaning, str) else json.dumps(meaning)
    assert load_vars(path) == {"v": expected}
    preset = parse_preset(
        "entries:\n  - Source: a.b\n    DetailType: T\n    Detail: {x: '{{v}}'}\n"
    )
    entry = resolve_entry(preset.entries[0], TemplateContext(variables=load_vars(path)))
    assert json.loads(entry.detail) == {"x": expected}


def test_a_vars_date_is_sent_as_its_text_and_nan_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "vars.yaml"
    path.write_text("day: 2024-01-01\n")
    assert load_vars(path) == {"day": "2024-01-01"}
    path.write_text("day: 2024-01-01\nratio: .nan\n")
    with pytest.raises(PresetError) as info:
        load_vars(path)
    assert str(info.value) == (
        f"{path}:2: ratio: .nan is not a number JSON can hold; quote it to use the text"
    )


@pytest.mark.parametrize(("written", "meaning"), SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_saving_quotes_what_would_read_back_as_something_else(
    written: str, meaning: object
) -> None:
    if meaning is REFUSED:
        return
    text = dump_yaml({"v": meaning, "as_text": str(written)})
    assert same(load_yaml(text), {"v": meaning, "as_text": str(written)}), text


def test_saved_text_is_quoted_for_yaml_1_1_readers_too() -> None:
    import yaml

    values = ["NO", "on", "y", "1:20", "0o17", "1e3", "2024-01-01", "~", "", "{{uuid}}", "a: b"]
    text = dump_yaml({"v": values})
    assert yaml.safe_load(text) == {"v": values}  # PyYAML reads YAML 1.1
    assert load_yaml(text) == {"v": values}


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text_reads_back_as_itself(value: str) -> None:
    assert load_yaml(f"v: {scalar(value)}\n") == {"v": value}


@settings(deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_data_reads_back_as_itself(value: object) -> None:
    doc = {"v": value}
    assert same(load_yaml(dump_yaml(doc)), doc)


def test_numbers_keep_their_kind() -> None:
    data = load_yaml("a: 1\nb: 1.0\nc: -0\nd: 1e-3\n")
    assert [type(v) for v in data.values()] == [int, float, int, float]
    assert math.isclose(data["d"], 0.001)
