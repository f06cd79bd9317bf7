"""Schemas (core): JSON Schema files and OpenAPI 3 components, samples that satisfy every keyword
(and a property test over generated schemas), seeded Faker data and variables, violations with
their JSON path and line, and the ``schema`` key of presets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcomposer.core.presets import dump_preset, load_preset, parse_preset, save_preset
from eventcomposer.core.samples import sample_details, sample_names, sample_preset
from eventcomposer.core.schemas import (
    FileRef,
    RegistryRef,
    SchemaError,
    json_path,
    load_schema_file,
    locate,
    parse_ref,
    schema_from_document,
    validate_detail,
)
from eventcomposer.core.templating import TemplateContext, TemplateError, render

DEMO_SCHEMA = (
    Path(__file__).resolve().parents[1] / "eventcomposer/demo_presets/schemas/order-placed.json"
)

#: One schema using every keyword the generator honours.
EVERY_KEYWORD: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Everything",
    "type": "object",
    "required": [
        "id",
        "email",
        "at",
        "day",
        "site",
        "kind",
        "fixed",
        "score",
        "ratio",
        "tag",
        "code",
        "tags",
        "nested",
        "maybe",
        "choice",
        "both",
        "pick",
        "example",
        "step",
    ],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email"},
        "at": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "site": {"type": "string", "format": "uri"},
        "host": {"type": "string", "format": "hostname"},
        "ip": {"type": "string", "format": "ipv4"},
        "kind": {"enum": ["a", "b", 3]},
        "fixed": {"const": {"x": 1}},
        "score": {"type": "integer", "minimum": 10, "maximum": 12},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "tag": {"type": "string", "minLength": 5, "maxLength": 6},
        "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2}(x|y)$"},
        "tags": {
            "type": "array",
            "minItems": 2,
            "maxItems": 4,
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["p", "q", "r", "s", "t"]},
        },
        "nested": {"$ref": "#/$defs/nested"},
        "maybe": {"type": ["null", "boolean"]},
        "choice": {"oneOf": [{"type": "integer", "minimum": 5}, {"type": "string"}]},
        "both": {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
                {"required": ["b"], "properties": {"b": {"type": "boolean"}}},
            ]
        },
        "pick": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 2}]},
        "example": {"type": "string", "examples": ["first", "second"]},
        "step": {"type": "number", "multipleOf": 0.5, "minimum": 1, "maximum": 3},
        "empty": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "integer"},
        },
    },
    "additionalProperties": False,
    "$defs": {
        "nested": {
            "type": "object",
            "required": ["deep"],
            "properties": {"deep": {"type": "array", "items": {"$ref": "#/$defs/leaf"}}},
        },
        "leaf": {"type": "integer", "minimum": -5, "maximum": -1},
    },
}

#: An OpenAPI 3 document as DescribeSchema returns it for the aws.events registry (abridged).
S3_OBJECT_CREATED = {
    "openapi": "3.0.0",
    "info": {"version": "1.0.0", "title": "ObjectCreated"},
    "paths": {},
    "components": {
        "schemas": {
            "AWSEvent": {
                "type": "object",
                "required": [
                    "detail-type",
                    "resources",
                    "detail",
                    "id",
                    "source",
                    "time",
                    "region",
                    "version",
                    "account",
                ],
                "x-amazon-events-detail-type": "Object Created",
                "x-amazon-events-source": "aws.s3",
                "properties": {
                    "detail": {"$ref": "#/components/schemas/ObjectCreated"},
                    "account": {"type": "string"},
                    "detail-type": {"type": "string"},
                    "id": {"type": "string"},
                    "region": {"type": "string"},
                    "resources": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string"},
                    "time": {"type": "string", "format": "date-time"},
                    "version": {"type": "string"},
                },
            },
            "ObjectCreated": {
                "type": "object",
                "required": ["bucket", "object", "reason", "version"],
                "properties": {
                    "bucket": {"$ref": "#/components/schemas/Bucket"},
                    "object": {"$ref": "#/components/schemas/Object"},
                    "reason": {"type": "string"},
                    "requester": {"type": "string"},
                    "source-ip-address": {"type": "string"},
                    "version": {"type": "string"},
                    "restore-expiry-time": {"type": "string", "nullable": True},
                },
            },
            "Bucket": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
            "Object": {
                "type": "object",
                "required": ["etag", "key", "size"],
                "properties": {
                    "etag": {"type": "string"},
                    "key": {"type": "string"},
                    "size": {"type": "number"},
                    "sequencer": {"type": "string"},
                    "version-id": {"type": "string"},
                },
            },
        }
    },
}


def _check(document: dict[str, Any], value: Any) -> None:
    """``value`` is valid for ``document`` by jsonschema itself (formats included)."""
    cls = jsonschema.validators.validator_for(document)
    errors = list(cls(document, format_checker=cls.FORMAT_CHECKER).iter_errors(value))
    assert not errors, [e.message for e in errors]


# -- samples ----------------------------------------------------------------------------------


def test_samples_satisfy_every_keyword() -> None:
    schema = schema_from_document(EVERY_KEYWORD, "every.json")
    for seed in range(30):
        (detail,) = sample_details(schema, 1, seed)
        assert validate_detail(schema, json.dumps(detail)) == []
        _check(EVERY_KEYWORD, detail)
        assert detail["fixed"] == {"x": 1}
        assert detail["kind"] in ("a", "b", 3)
        assert 10 <= detail["score"] <= 12
        assert 0 < detail["ratio"] < 1
        assert detail["example"] in ("first", "second")
        assert len(set(detail["tags"])) == len(detail["tags"]) >= 2
        assert {"a", "b"} <= set(detail["both"])


def test_samples_have_realistic_values_by_format_and_name() -> None:
    (detail,) = sample_details(load_schema_file(DEMO_SCHEMA), 1, seed=4)
    assert "@" in detail["customer"]["email"]
    assert " " in detail["customer"]["name"]  # a person's name, not a random word
    assert detail["placedAt"].endswith("Z") and detail["placedAt"][10] == "T"
    assert len(detail["orderId"]) == 36
    assert 1 <= detail["items"][0]["quantity"] <= 20


def test_same_seed_gives_byte_identical_presets_and_another_seed_differs() -> None:
    schema = load_schema_file(DEMO_SCHEMA)
    first = dump_preset(sample_preset(schema, "schemas/order-placed.json", 5, seed=42))
    again = dump_preset(sample_preset(schema, "schemas/order-placed.json", 5, seed=42))
    other = dump_preset(sample_preset(schema, "schemas/order-placed.json", 5, seed=43))
    assert first == again
    assert first != other
    preset = parse_preset(first)
    assert preset.schema == "schemas/order-placed.json"
    assert [e.source for e in preset.entries] == ["com.example.orders"] * 5
    assert preset.entries[0].detail_type == "Order Placed"


def test_openapi_component_is_what_the_detail_must_satisfy() -> None:
    schema = schema_from_document(S3_OBJECT_CREATED, "aws.events/aws.s3@ObjectCreated@1")
    assert (schema.source, schema.detail_type) == ("aws.s3", "Object Created")
    (detail,) = sample_details(schema, 1, seed=1)
    assert {"bucket", "object", "reason", "version"} <= set(detail)
    assert "detail-type" not in detail  # the Detail, not the whole event
    # nullable: true is honoured, as OpenAPI 3.0 means it
    text = json.dumps({**detail, "restore-expiry-time": None})
    assert validate_detail(schema, text) == []
    broken = json.dumps({**detail, "object": {"key": "k", "etag": "e"}}, indent=2)
    (violation,) = validate_detail(schema, broken)
    assert violation.path == "$.object"
    assert "'size' is a required property" in violation.message
    source, _, note = sample_names(schema)
    assert source == "test.aws.s3" and "aws." in note  # PutEvents refuses aws. sources


def test_whole_event_json_schema_validates_its_detail() -> None:
    document = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "x-amazon-events-source": "com.example",
        "properties": {
            "detail-type": {"type": "string"},
            "detail": {"$ref": "#/definitions/Order"},
        },
        "definitions": {
            "Order": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}},
            }
        },
    }
    schema = schema_from_document(document, "draft4.json")
    assert validate_detail(schema, '{"id": "x"}') == []
    assert [v.path for v in validate_detail(schema, '{"id": 1}')] == ["$.id"]


# -- a property test over generated schemas ---------------------------------------------------

_leaf = st.one_of(
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.builds(
        lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span},
        st.integers(-1000, 1000),
        st.integers(0, 50),
    ),
    st.builds(
        lambda lo, span, ex: {
            "type": "number",
            "minimum": lo,
            "maximum": lo + span,
            **({"exclusiveMinimum": lo - 1} if ex else {}),
        },
        st.integers(-100, 100),
        st.integers(1, 100),
        st.booleans(),
    ),
    st.builds(
        lambda lo, span: {"type": "string", "minLength": lo, "maxLength": lo + span},
        st.integers(0, 10),
        st.integers(0, 10),
    ),
    st.sampled_from(["date-time", "date", "email", "uuid", "uri", "hostname", "ipv4", "ipv6"]).map(
        lambda f: {"type": "string", "format": f}
    ),
    st.lists(
        st.one_of(st.integers(), st.text(max_size=5)), min_size=1, max_size=4, unique=True
    ).map(lambda values: {"enum": values}),
    st.just({"const": "fixed"}),
    st.sampled_from(["^[a-z]{2,4}$", "^\\d{3}-[A-F0-9]+$", "^(red|green)-\\w$"]).map(
        lambda p: {"type": "string", "pattern": p}
    ),
)
_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzXYZ_-", min_size=1, max_size=8)


def _extend(children: Any) -> Any:
    objects = st.dictionaries(_names, children, min_size=0, max_size=5).flatmap(
        lambda props: st.builds(
            lambda required: {"type": "object", "properties": props, "required": required},
            st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]),
        )
    )
    arrays = st.builds(
        lambda items, lo, span: {
            "type": "array",
            "items": items,
            "minItems": lo,
            "maxItems": lo + span,
        },
        children,
        st.integers(0, 3),
        st.integers(0, 3),
    )
    nullable = children.map(lambda c: {"anyOf": [c, {"type": "null"}]})
    return st.one_of(objects, arrays, nullable)


_schemas = st.recursive(_leaf, _extend, max_leaves=12).map(
    lambda s: {"type": "object", "required": ["root"], "properties": {"root": s}}
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas, st.integers(0, 2**32))
def test_samples_of_generated_schemas_validate(document: dict[str, Any], seed: int) -> None:
    schema = schema_from_document(document, "generated.json")
    for detail in sample_details(schema, 2, seed):
        _check(document, detail)
    assert sample_details(schema, 2, seed) == sample_details(schema, 2, seed)


def test_a_schema_no_value_satisfies_is_an_error_naming_it() -> None:
    schema = schema_from_document(
        {"type": "object", "required": ["n"], "properties": {"n": {"not": {}}}}, "never.json"
    )
    with pytest.raises(SchemaError, match=r"never\.json: could not make a sample"):
        sample_details(schema, 1, 1)


# -- violations: JSON path and line -----------------------------------------------------------


def test_violations_name_the_json_path_and_the_line_in_pretty_printed_detail() -> None:
    schema = load_schema_file(DEMO_SCHEMA)
    (detail,) = sample_details(schema, 1, seed=9)
    detail["currency"] = "YEN"
    detail["items"][0]["quantity"] = 0
    del detail["customer"]["email"]
    text = json.dumps(detail, indent=2)
    lines = text.splitlines()
    found = {v.path: v for v in validate_detail(schema, text)}
    assert set(found) == {"$.currency", "$.items[0].quantity", "$.customer"}
    assert '"YEN"' in lines[found["$.currency"].line - 1]
    assert '"quantity": 0' in lines[found["$.items[0].quantity"].line - 1]
    assert "is not one of" in found["$.currency"].message
    assert "'email' is a required property" in found["$.customer"].message
    # a required member that is missing is placed at its object
    assert lines[found["$.customer"].line - 1].strip() == '"customer": {'


def test_locate_handles_odd_keys_escapes_and_arrays() -> None:
    text = '{\n "a\\"b": [1,\n  {"c d": "x\\n]"},\n  true]\n}'
    places = locate(text, [('a"b', 1, "c d"), ('a"b', 2), ()])
    assert places[('a"b', 1, "c d")] == (3, 11)
    assert places[('a"b', 2)] == (4, 3)
    assert places[()] == (1, 1)
    assert json_path(['a"b', 1, "c d", "ok_1"]) == '$["a\\"b"][1]["c d"].ok_1'


def test_detail_that_is_not_json_has_no_schema_violations() -> None:
    assert validate_detail(load_schema_file(DEMO_SCHEMA), "{not json") == []


def test_formats_are_checked_without_optional_packages() -> None:
    schema = schema_from_document(
        {
            "type": "object",
            "properties": {
                k: {"type": "string", "format": k} for k in ("date-time", "email", "uuid", "uri")
            },
        },
        "formats.json",
    )
    bad = {"date-time": "yesterday", "email": "nobody", "uuid": "123", "uri": "no scheme"}
    assert sorted(v.path for v in validate_detail(schema, json.dumps(bad))) == [
        "$.date-time",
        "$.email",
        "$.uri",
        "$.uuid",
    ]


# -- references and files ---------------------------------------------------------------------


def test_references_are_files_or_registry_schemas() -> None:
    assert parse_ref("schemas/order.json") == FileRef(Path("schemas/order.json"))
    assert parse_ref("./x") == FileRef(Path("x"))
    assert parse_ref("orders/OrderPlaced@3") == RegistryRef("orders", "OrderPlaced", "3")
    assert parse_ref("aws.events/aws.s3@ObjectCreated") == RegistryRef(
        "aws.events", "aws.s3@ObjectCreated", None
    )
    assert parse_ref("aws.events/aws.s3@ObjectCreated@1").version == "1"
    with pytest.raises(SchemaError):
        parse_ref("just-a-name")


def test_schema_files_may_be_yaml_and_bad_ones_say_why(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("type: object\nrequired: [a]\n")
    assert [v.path for v in validate_detail(load_schema_file(path), "{}")] == ["$"]
    path.write_text('{"type": "objekt"}')
    with pytest.raises(SchemaError, match="not a valid JSON Schema"):
        load_schema_file(path)
    with pytest.raises(SchemaError, match="missing"):
        load_schema_file(tmp_path / "missing.json")


# -- presets and variables --------------------------------------------------------------------


def test_preset_schema_key_top_level_and_per_entry_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    text = (
        "version: 1\nname: x\nschema: schemas/order.json   # for every entry\nentries:\n"
        "  - Source: a\n    DetailType: b\n    schema: orders/OrderPlaced@2\n    Detail: {}\n"
        "  - Source: a\n    DetailType: b\n    Detail: {}\n"
    )
    path.write_text(text)
    preset = load_preset(path)
    assert preset.schema == "schemas/order.json"
    assert [preset.schema_of(e) for e in preset.entries] == [
        "orders/OrderPlaced@2",
        "schemas/order.json",
    ]
    assert all("schema" not in e.to_api() for e in preset.entries)  # never sent
    save_preset(preset, path)
    assert path.read_text() == text  # unchanged: byte for byte
    preset.entries[1] = preset.entries[1].copy(schema="other.json")
    save_preset(preset, path)
    assert load_preset(path).entries[1].schema == "other.json"
    assert "# for every entry" in path.read_text()
    with pytest.raises(Exception, match="schema"):
        parse_preset("entries:\n  - Source: a\n    DetailType: b\n    schema: 3\n")


def test_faker_variables_are_allow_listed_and_seeded() -> None:
    text = "{{faker.email}} {{faker.name}} {{faker.uuid4}} {{random.int(1,1000)}}"
    first = render(text, TemplateContext(seed=7), "x", 1)
    assert first == render(text, TemplateContext(seed=7), "x", 1)
    assert first != render(text, TemplateContext(seed=8), "x", 1)
    assert "@" in first.split()[0]
    for attack in ("faker.__class__", "faker.seed_instance", "faker._Faker__config", "faker"):
        with pytest.raises(TemplateError, match="not"):
            render("{{" + attack + "}}", TemplateContext(), "x", 1)
    json_text = render('{"e": "{{faker.email}}"}', TemplateContext(seed=1), "x", 1, json_text=True)
    assert "@" in json.loads(json_text)["e"]


# -- the composer model -----------------------------------------------------------------------


def test_the_model_shows_violations_handed_to_it_while_the_detail_is_that_text() -> None:
    from eventcomposer.core.composer import Composer, detail_violations
    from eventcomposer.core.drafts import Draft, draft_from_json, draft_to_json
    from eventcomposer.core.entries import Entry

    schema = load_schema_file(DEMO_SCHEMA)
    (detail,) = sample_details(schema, 1, seed=2)
    detail["amount"] = "{{random.int(1,50)}}"  # a number once resolved, and too small
    text = json.dumps(detail, indent=2)
    state = Composer()
    state.load([Entry("com.example.orders", "Order Placed", text)], None, None, "p", schema="s")
    assert state.needed_schemas() == ["s"] and state.schema_pending(0) is None
    state.set_schema("s", schema)
    entry_id, ref, pending_text, _ = state.schema_pending(0)
    violations = detail_violations(schema, pending_text)
    assert state.set_schema_result(entry_id, ref, pending_text, violations)
    problem = state.check().by_field()["Detail"]
    assert problem.message.startswith("$.amount: ") and "less than the minimum of 100" in (
        problem.message
    )
    assert '"amount"' in text.splitlines()[problem.line - 1]
    assert state.schema_pending(0) is None
    # An edit: the old result no longer applies; a result for the new text is shown.
    state.set_field(entry_id, "Detail", text.replace('"{{random.int(1,50)}}"', "150"))
    assert state.check().ok and state.schema_pending(0) is not None
    # The preset's schema survives a draft.
    draft = Draft(**{**state.snapshot().__dict__, "saved_at": 1.0})
    assert draft_from_json(draft_to_json(draft)).schema == "s"


def test_a_schema_split_across_files_resolves_beside_it_and_never_over_the_network(
    tmp_path: Path,
) -> None:
    (tmp_path / "common.yaml").write_text(
        "$defs:\n  money:\n    type: number\n    minimum: 1\n    maximum: 9\n"
        "  who: {$ref: '#/$defs/email'}\n  email: {type: string, format: email}\n"
    )
    (tmp_path / "order.json").write_text(
        json.dumps(
            {
                "type": "object",
                "required": ["amount", "by"],
                "properties": {
                    "amount": {"$ref": "common.yaml#/$defs/money"},
                    "by": {"$ref": "common.yaml#/$defs/who"},
                },
            }
        )
    )
    schema = load_schema_file(tmp_path / "order.json")
    (detail,) = sample_details(schema, 1, seed=1)
    assert 1 <= detail["amount"] <= 9 and "@" in detail["by"]
    found = validate_detail(schema, '{"amount": 10, "by": "nobody"}')
    assert [v.path for v in found] == ["$.amount", "$.by"]
    (tmp_path / "remote.json").write_text('{"$ref": "https://example.com/s.json"}')
    remote = load_schema_file(tmp_path / "remote.json")
    with pytest.raises(SchemaError, match="can't resolve the reference"):
        validate_detail(remote, "{}")
    with pytest.raises(SchemaError, match="can't resolve the reference"):
        sample_details(remote, 1, 1)
