"""Schemas in the composer: a preset's schema checks the Detail as you type (the JSON path and
the line of each violation, in the editor), and "New entry from schema" (Ctrl+G) adds an entry
whose Detail is a sample, from a file or from the Schema Registry.

The registry is stubbed with botocore's Stubber: the local EventBridge (moto) has no Schema
Registry, and the tests must not need an AWS account (see tests/test_schema_registry.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from textual.widgets import Input, OptionList, Static
from tui_helpers import settle, wait_for

from eventcomposer.aws.schema_registry import SchemaRegistry, SchemaSources
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.presets import load_preset
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.schema_actions import SchemaController
from eventcomposer.tui.screens.schema_picker import SchemaPickerScreen

ROOT = Path(__file__).resolve().parents[2]
DEMO_SCHEMA = ROOT / "eventcomposer/demo_presets/schemas/order-placed.json"
SIZE = (120, 40)
#: Nothing here is sent; port 9 (discard) refuses connections.
OFFLINE = AwsSettings(endpoint_url="http://127.0.0.1:9", region="us-east-1")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``presets/`` and ``schemas/`` side by side; one preset naming the schema."""
    (tmp_path / "presets").mkdir()
    (tmp_path / "schemas").mkdir()
    shutil.copy(DEMO_SCHEMA, tmp_path / "schemas" / "order-placed.json")
    detail = {
        "orderId": "{{uuid}}",
        "amount": 50,
        "currency": "EUR",
        "placedAt": "{{now}}",
        "customer": {"email": "ann@example.com", "name": "Ann", "tier": "gold"},
        "shipping": {"country": "DE"},
        "items": [{"sku": "SKU-0001", "quantity": 1}],
    }
    (tmp_path / "presets" / "order.yaml").write_text(
        "version: 1\nname: order\nschema: schemas/order-placed.json\nentries:\n"
        "  - Source: com.example.orders\n    DetailType: Order Placed\n"
        f"    Detail: {json.dumps(detail)}\n"
    )
    return tmp_path


def detail_message(app: EventComposerApp) -> str:
    return str(app.query_one("#detail-message", Static).content)


async def test_a_presets_schema_checks_the_detail_as_you_type_with_path_and_line(
    project: Path,
) -> None:
    app = EventComposerApp(OFFLINE, project / "presets")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.preset_files.load(project / "presets" / "order.yaml")
        await wait_for(pilot, lambda: "$.amount" in detail_message(app))
        problem = app.state.check().by_field()["Detail"]
        assert problem.message == "$.amount: 50 is less than the minimum of 100"
        lines = app.editor.text.splitlines()
        assert lines[problem.line - 1].strip() == '"amount": 50,'  # the line in the editor
        assert app.state.send_problems()  # Send is refused, as `send` refuses it
        # Fixed in the editor: the violation goes once the debounced check has run.
        app.editor.load_text(app.editor.text.replace('"amount": 50', '"amount": 150'))
        await wait_for(pilot, lambda: detail_message(app) == "")
        assert app.state.check().ok
        # Another violation, deeper: its path and its line.
        app.editor.load_text(app.editor.text.replace('"quantity": 1', '"quantity": 0'))
        await wait_for(pilot, lambda: "$.items[0].quantity" in detail_message(app))
        problem = app.state.check().by_field()["Detail"]
        assert '"quantity": 0' in app.editor.text.splitlines()[problem.line - 1]
        # Two at once: each by its path and line, above the editor.
        app.editor.load_text(app.editor.text.replace('"amount": 150', '"amount": 50'))
        await wait_for(pilot, lambda: "1 more" in detail_message(app))
        shown = detail_message(app)
        details = [p for p in app.state.check().problems if p.field == "Detail"]
        assert len(details) == 2
        for found in details:
            assert found.message.split(": ", 1)[0] in shown
        assert f"(line {details[1].line})" in shown


async def test_new_entry_from_a_schema_file_is_a_valid_sample_and_is_saved_with_it(
    project: Path,
) -> None:
    app = EventComposerApp(OFFLINE, project / "presets")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SchemaPickerScreen))
        app.screen.query_one("#schema-file", Input).value = "schemas/order-placed.json"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        entry = app.state.entry
        assert entry.schema == "schemas/order-placed.json"
        assert (entry.source, entry.detail_type) == ("com.example.orders", "Order Placed")
        assert json.loads(app.editor.text)["amount"] >= 100
        await settle(pilot)
        assert app.state.check().ok, app.state.check().problems
        assert app.preset_files.write("from schema", project / "presets" / "new.yaml")
        saved = load_preset(project / "presets" / "new.yaml")
        assert saved.entries[1].schema == "schemas/order-placed.json"


def _stubbed_sources() -> tuple[SchemaSources, Stubber]:
    from test_schemas import S3_OBJECT_CREATED

    client = boto3.client(
        "schemas", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stubber.add_response(
        "list_registries", {"Registries": [{"RegistryName": "aws.events", "RegistryArn": "a"}]}
    )
    stubber.add_response(
        "list_schemas",
        {"Schemas": [{"SchemaName": "aws.s3@ObjectCreated", "VersionCount": 1}]},
        {"RegistryName": "aws.events"},
    )
    stubber.add_response(
        "list_schema_versions",
        {"SchemaVersions": [{"SchemaName": "aws.s3@ObjectCreated", "SchemaVersion": "1"}]},
        {"RegistryName": "aws.events", "SchemaName": "aws.s3@ObjectCreated"},
    )
    stubber.add_response(
        "describe_schema",
        {
            "Content": json.dumps(S3_OBJECT_CREATED),
            "SchemaName": "aws.s3@ObjectCreated",
            "SchemaVersion": "1",
            "Type": "OpenApi3",
        },
        {"RegistryName": "aws.events", "SchemaName": "aws.s3@ObjectCreated", "SchemaVersion": "1"},
    )
    stubber.activate()
    return SchemaSources(registry=SchemaRegistry(client)), stubber


async def test_new_entry_from_the_registry_registry_schema_version(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, stubber = _stubbed_sources()
    monkeypatch.setattr(SchemaController, "sources", lambda self: sources)
    app = EventComposerApp(OFFLINE, project / "presets")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SchemaPickerScreen))
        screen = app.screen
        columns = [
            screen.query_one(f"#schema-{n}", OptionList)
            for n in ("registries", "names", "versions")
        ]
        for column in columns:
            await wait_for(pilot, lambda c=column: c.option_count == 1)
            column.focus()
            column.highlighted = 0
            await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        entry = app.state.entry
        assert entry.schema == "aws.events/aws.s3@ObjectCreated@1"
        assert entry.source == "test.aws.s3"  # PutEvents refuses aws. sources
        assert {"bucket", "object"} <= set(json.loads(entry.detail))
        await settle(pilot)
        assert app.state.check().ok, app.state.check().problems
        stubber.assert_no_pending_responses()


async def test_the_local_eventbridge_picker_says_there_is_no_registry(project: Path) -> None:
    app = EventComposerApp(AwsSettings(local=True, endpoint_url=OFFLINE.endpoint_url), project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SchemaPickerScreen))
        status = app.screen.query_one("#schema-status", Static)
        await wait_for(pilot, lambda: "no Schema Registry" in str(status.content))
        await pilot.press("escape")
        assert len(app.state.entries) == 1


async def test_a_schema_that_cannot_be_loaded_is_said_and_the_detail_is_not_held_up(
    project: Path,
) -> None:
    path = project / "presets" / "order.yaml"
    path.write_text(path.read_text().replace("schemas/order-placed.json", "schemas/gone.json"))
    app = EventComposerApp(OFFLINE, project / "presets")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.preset_files.load(path)
        status = app.query_one("#status", Static)
        await wait_for(
            pilot, lambda: "not checked against schema schemas/gone.json" in str(status.content)
        )
        assert "no such schema file" in str(status.content)
        assert app.state.check().ok  # nothing to check against: Send is not refused for it
