"""Fuzzing the preset loader and the validator: only the project's own errors come out.

The Hypothesis profile sets how many examples: 100 by default, 10,000 each with
HYPOTHESIS_PROFILE=fuzz (tests/conftest.py). The pattern parser's fuzz is in
test_patterns_properties.py; the command line's in test_fuzz_cli.py.
"""

from __future__ import annotations

import contextlib
import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcomposer.core.cli_formats import InputFormatError, parse_any
from eventcomposer.core.entries import Entry
from eventcomposer.core.presets import Preset, PresetError, parse_preset
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry
from eventcomposer.core.validation import Problem, check_detail, validate_entry

#: The loaded profile's example count (tests/conftest.py); no deadline, slow examples fine.
MANY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)
)
data = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=10)
            | st.sampled_from(
                [
                    "version",
                    "name",
                    "entries",
                    "bus",
                    "Source",
                    "DetailType",
                    "Detail",
                    "Resources",
                    "Time",
                    "TraceHeader",
                    "EventBusName",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
fragments = st.sampled_from(
    [
        "entries:",
        "\n",
        "  - ",
        "Source: ",
        "Detail: ",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "&a ",
        "*a",
        "!!python/object:os.system",
        "!!binary ",
        "'",
        '"',
        "{{uuid}}",
        "version: 1",
        "- ",
        "#",
        "\t",
        "Resources: [",
        "x",
        "é",
        "\x00",
        "---",
        "...",
        "? ",
        "|",
        ">",
        "%YAML 1.1",
    ]
)
yaml_like = st.lists(fragments | st.text(max_size=5), max_size=40).map("".join)


@MANY
@given(yaml_like)
def test_preset_loader_on_yaml_like_text(text: str) -> None:
    with contextlib.suppress(PresetError):
        assert isinstance(parse_preset(text, "fuzz.yaml"), Preset)


@MANY
@given(data)
def test_preset_loader_on_any_yaml_data(value: object) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    try:
        preset = parse_preset(text, "fuzz.yaml")
    except PresetError:
        return
    for entry in preset.entries:  # whatever loads can be validated and resolved
        validate_entry(entry, 1)
        with contextlib.suppress(TemplateError):
            resolve_entry(entry, TemplateContext(env={}))


json_like = st.lists(
    st.sampled_from(
        [
            "{",
            "}",
            "[",
            "]",
            '"a"',
            ":",
            ",",
            "1",
            "-",
            "1e999",
            "9" * 30,
            "true",
            "null",
            '"\\u00e9"',
            '"\\ud800"',
            " ",
            "\n",
            "NaN",
            "Infinity",
        ]
    )
    | st.text(max_size=3),
    max_size=60,
).map("".join)


@MANY
@given(
    source=st.text(max_size=140),
    detail_type=st.text(max_size=140),
    detail=json_like | st.builds(json.dumps, data),
    resources=st.lists(st.text(max_size=30), max_size=3),
    time=st.none() | st.text(max_size=40),
    trace=st.none() | st.text(max_size=10),
    bus=st.none() | st.text(max_size=20),
)
def test_validator_never_raises(
    source: str,
    detail_type: str,
    detail: str,
    resources: list[str],
    time: str | None,
    trace: str | None,
    bus: str | None,
) -> None:
    entry = Entry(source, detail_type, detail, resources, time, trace, bus)
    problems = validate_entry(entry, 1)
    assert all(isinstance(p, Problem) and str(p) for p in problems)
    checked = check_detail(detail)
    assert (checked.value is None) == (checked.problem is not None)


@MANY
@given(json_like | st.builds(json.dumps, data) | yaml_like)
def test_aws_cli_input_parsers(text: str) -> None:
    with contextlib.suppress(InputFormatError):
        parse_any(text, "fuzz")
