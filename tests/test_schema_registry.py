"""The EventBridge Schema Registry client.

Why stubbed: the local EventBridge (moto) has no Schema Registry (no ``schemas`` service), and
these tests must not need an AWS account. So this is the one client tested with botocore's
Stubber, fed the response shapes AWS documents for ``ListRegistries``, ``ListSchemas``,
``ListSchemaVersions`` and ``DescribeSchema`` (an OpenAPI 3 schema as AWS returns it for the
``aws.events`` registry); the Stubber also checks every request against the service model.
Everything else talks to the local EventBridge over HTTP.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from test_schemas import S3_OBJECT_CREATED

from eventcomposer.aws.schema_registry import SchemaRegistry, SchemaSources
from eventcomposer.core.samples import sample_details
from eventcomposer.core.schemas import RegistryRef, SchemaError, validate_detail

WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)
ARN = "arn:aws:schemas:us-east-1:111122223333"


@pytest.fixture
def stubbed() -> Any:
    client = boto3.client(
        "schemas",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _describe(version: str = "1") -> dict[str, Any]:
    return {
        "Content": json.dumps(S3_OBJECT_CREATED),
        "Description": "Schema for event type ObjectCreated, published by AWS service aws.s3",
        "LastModified": WHEN,
        "SchemaArn": f"{ARN}:schema/aws.events/aws.s3@ObjectCreated",
        "SchemaName": "aws.s3@ObjectCreated",
        "SchemaVersion": version,
        "Tags": {},
        "Type": "OpenApi3",
        "VersionCreatedDate": WHEN,
    }


def test_registries_schemas_and_versions_follow_every_page(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "list_registries",
        {
            "Registries": [
                {"RegistryArn": f"{ARN}:registry/aws.events", "RegistryName": "aws.events"}
            ],
            "NextToken": "page2",
        },
        {},
    )
    stubber.add_response(
        "list_registries",
        {"Registries": [{"RegistryArn": f"{ARN}:registry/orders", "RegistryName": "orders"}]},
        {"NextToken": "page2"},
    )
    stubber.add_response(
        "list_schemas",
        {
            "Schemas": [
                {
                    "LastModified": WHEN,
                    "SchemaArn": f"{ARN}:schema/aws.events/aws.s3@ObjectCreated",
                    "SchemaName": "aws.s3@ObjectCreated",
                    "Tags": {},
                    "VersionCount": 2,
                }
            ]
        },
        {"RegistryName": "aws.events", "SchemaNamePrefix": "aws.s3"},
    )
    stubber.add_response(
        "list_schema_versions",
        {
            "SchemaVersions": [
                {
                    "SchemaArn": "a",
                    "SchemaName": "aws.s3@ObjectCreated",
                    "SchemaVersion": "1",
                    "Type": "OpenApi3",
                },
                {
                    "SchemaArn": "a",
                    "SchemaName": "aws.s3@ObjectCreated",
                    "SchemaVersion": "10",
                    "Type": "OpenApi3",
                },
                {
                    "SchemaArn": "a",
                    "SchemaName": "aws.s3@ObjectCreated",
                    "SchemaVersion": "2",
                    "Type": "OpenApi3",
                },
            ]
        },
        {"RegistryName": "aws.events", "SchemaName": "aws.s3@ObjectCreated"},
    )
    registry = SchemaRegistry(client)
    assert [r.name for r in registry.registries()] == ["aws.events", "orders"]
    (schema,) = registry.schemas("aws.events", prefix="aws.s3")
    assert (schema.name, schema.version_count) == ("aws.s3@ObjectCreated", 2)
    versions = registry.versions("aws.events", "aws.s3@ObjectCreated")
    assert [v.version for v in versions] == ["10", "2", "1"]  # newest first, as numbers


def test_describe_schema_openapi3_from_aws_events_gives_the_detail_schema(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "describe_schema",
        _describe("1"),
        {
            "RegistryName": "aws.events",
            "SchemaName": "aws.s3@ObjectCreated",
            "SchemaVersion": "1",
        },
    )
    stubber.add_response(
        "describe_schema",
        _describe("2"),
        {"RegistryName": "aws.events", "SchemaName": "aws.s3@ObjectCreated"},
    )
    sources = SchemaSources(registry=SchemaRegistry(client))
    schema = sources.load("aws.events/aws.s3@ObjectCreated@1")
    assert schema.name == "aws.events/aws.s3@ObjectCreated@1"
    assert (schema.source, schema.detail_type) == ("aws.s3", "Object Created")
    assert sources.load("aws.events/aws.s3@ObjectCreated@1") is schema  # asked once
    latest = sources.load("aws.events/aws.s3@ObjectCreated")
    assert latest.name == "aws.events/aws.s3@ObjectCreated@2"  # the version AWS answered
    (detail,) = sample_details(schema, 1, seed=3)
    assert validate_detail(schema, json.dumps(detail)) == []
    assert [v.path for v in validate_detail(schema, '{"bucket": {}}')] == ["$"] * 3 + ["$.bucket"]


def test_a_schema_the_registry_does_not_have_is_named(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "describe_schema",
        service_error_code="NotFoundException",
        service_message="Schema with name orders/Missing does not exist.",
        http_status_code=404,
    )
    with pytest.raises(SchemaError, match="registry 'orders' has no version 4 of 'Missing'"):
        SchemaRegistry(client).load(RegistryRef("orders", "Missing", "4"))


def test_the_local_eventbridge_has_no_registry_and_says_so(tmp_path: Path) -> None:
    from eventcomposer.aws.settings import AwsSettings

    sources = SchemaSources(AwsSettings(local=True))
    with pytest.raises(SchemaError, match="no Schema Registry"):
        sources.load("aws.events/aws.s3@ObjectCreated")
    (tmp_path / "s.json").write_text('{"type": "object"}')
    assert sources.load("s.json", tmp_path / "preset.yaml").name == str(tmp_path / "s.json")
