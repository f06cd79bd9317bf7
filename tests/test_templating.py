"""Preset variables: each one, a missing one, and that nothing is executed."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timezone

import pytest

from eventcomposer.core.entries import Entry
from eventcomposer.core.templating import (
    TemplateContext,
    TemplateError,
    has_variables,
    resolve_entry,
)

FIXED = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)


def ctx(**kwargs: object) -> TemplateContext:
    kwargs.setdefault("clock", lambda: FIXED)
    kwargs.setdefault("env", {"STAGE": 'pr"od'})
    kwargs.setdefault("rng", random.Random(7))
    return TemplateContext(**kwargs)  # type: ignore[arg-type]


def detail_of(detail: dict, context: TemplateContext | None = None) -> dict:
    entry = Entry(source="s", detail_type="d", detail=json.dumps(detail))
    return json.loads(resolve_entry(entry, context or ctx()).detail)


def test_uuid_now_and_offsets() -> None:
    out = detail_of(
        {"id": "{{uuid}}", "at": "{{now}}", "early": "{{now-5m}}", "late": "{{ now+2h }}"}
    )
    assert re.fullmatch(r"[0-9a-f-]{36}", out["id"])
    assert (out["at"], out["early"], out["late"]) == (
        "2026-11-26T12:00:00Z",
        "2026-11-26T11:55:00Z",
        "2026-11-26T14:00:00Z",
    )


def test_env_values_are_json_escaped_inside_detail() -> None:
    assert detail_of({"stage": "stage={{env.STAGE}}"}) == {"stage": 'stage=pr"od'}


def test_seq_counts_entries_and_is_a_number_when_alone() -> None:
    context = ctx()
    entry = Entry(source="s{{seq}}", detail_type="d", detail='{"n": "{{seq}}", "t": "#{{seq}}"}')
    first, second = resolve_entry(entry, context), resolve_entry(entry, context)
    assert (first.source, second.source) == ("s1", "s2")
    assert json.loads(second.detail) == {"n": 2, "t": "#2"}


def test_random_int_in_range() -> None:
    values = {detail_of({"n": "{{random.int(1,3)}}"})["n"] for _ in range(30)}
    assert values <= {1, 2, 3} and all(isinstance(v, int) for v in values)


def test_vars_file_values() -> None:
    assert detail_of({"t": "{{tenant}}"}, ctx(variables={"tenant": "acme"})) == {"t": "acme"}


def test_unknown_variable_names_field_and_variable() -> None:
    entry = Entry(source="s", detail_type="d", detail='{"t": "{{tennant}}"}')
    with pytest.raises(TemplateError) as info:
        resolve_entry(entry, ctx(), "presets/p.yaml entry 1")
    assert str(info.value).startswith(
        "presets/p.yaml entry 1, Detail: {{tennant}} is not a known variable (known: {{uuid}}"
    )


def test_missing_env_value() -> None:
    entry = Entry(source="{{env.NOPE}}", detail_type="d")
    with pytest.raises(TemplateError, match=r"entry, Source: \{\{env.NOPE\}\} is not set"):
        resolve_entry(entry, ctx())


def test_expressions_are_never_executed() -> None:
    for expr in ("__import__('os').system('echo hi')", "1+1", "random.int(1, 2); x"):
        entry = Entry(source="{{" + expr + "}}", detail_type="d")
        with pytest.raises(TemplateError, match="is not a known variable"):
            resolve_entry(entry, ctx())


def test_has_variables() -> None:
    assert has_variables("a {{uuid}}") and not has_variables("{ not one }")
