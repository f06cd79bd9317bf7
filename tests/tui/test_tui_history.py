"""History (F6) and the resolved preview (F7), driven with Pilot against the local EventBridge."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy
from textual.widgets import DataTable
from tui_helpers import fill, ready, send_and_wait, settle, told, wait_for

from eventcomposer.aws.send import RetryPolicy
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.composer import batch_from_entries
from eventcomposer.core.entries import Entry
from eventcomposer.core.history import History, new_record
from eventcomposer.paths import history_file
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.history import HistoryScreen
from eventcomposer.tui.screens.preview import PreviewScreen

SIZE = (120, 40)
#: The demo rule on the ``orders`` bus that takes amounts over 100 (delivers to this queue).
LARGE_ORDERS = "demo-orders-large-orders"


async def open_history(app: EventComposerApp, pilot: Any) -> HistoryScreen:
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    await pilot.pause()
    return screen


def keep(
    record_entries: list[dict[str, Any]],
    results: list[dict[str, str]],
    local: bool = False,
) -> str:
    """Put a send in the history as the CLI would have (``local``: to the embedded local
    EventBridge, elsewhere otherwise); returns its id."""
    record = new_record(
        origin="cli",
        endpoint="http://elsewhere",
        local=local,
        region="us-east-1",
        profile="default",
        entries=record_entries,
        results=results,
        labels=["orders.yaml"],
    )
    History(history_file()).append(record)
    return record.id


async def test_a_tui_send_is_kept_in_the_history(
    local_settings: AwsSettings, presets_dir: Path, marker: str
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 250, "marker": marker})
        app.state.bus = "orders"
        await send_and_wait(app, pilot)
        report = app.results.report
        assert report is not None and report.failed_count == 0
    records = History(history_file()).records()
    assert len(records) == 1
    record = records[0]
    assert record.origin == "tui"
    assert record.labels == ["unsaved batch"]
    assert record.endpoint == local_settings.endpoint_url
    assert record.region == "us-east-1"
    assert record.buses == ["orders"]
    assert record.entries[0]["Source"] == "com.example.orders"
    assert json.loads(record.entries[0]["Detail"]) == {"amount": 250, "marker": marker}
    assert record.results == [{"EventId": report.outcomes[0].event_id}]


async def test_a_preset_send_is_labelled_with_the_preset_name(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_preset(presets_dir / "refund-issued.yaml")
        await settle(pilot)
        name = app.state.preset_name
        assert name
        await send_and_wait(app, pilot)
    assert History(history_file()).records()[0].labels == [name]


async def test_a_retry_is_kept_in_the_history_too(
    local_settings: AwsSettings, presets_dir: Path, marker: str, proxy: FaultProxy
) -> None:
    proxy.fail_source("com.example.flaky")
    settings = replace(local_settings, endpoint_url=proxy.endpoint_url)
    app = EventComposerApp(
        settings, presets_dir, retry=RetryPolicy(max_attempts=1, base_delay=0.01)
    )
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.flaky", "Order Placed", {"marker": marker})
        await send_and_wait(app, pilot)
        assert app.results.report is not None and app.results.report.failed_count == 1
        proxy.fail_entry = None
        await send_and_wait(app, pilot, "f8")
        assert app.results.report is not None and app.results.report.failed_count == 0
    retry, first = History(history_file()).records()
    assert first.labels == ["unsaved batch"] and first.failed == 1
    assert first.results[0]["ErrorCode"] == "InternalFailure"
    assert retry.labels == ["retry of unsaved batch"] and retry.failed == 0
    assert retry.origin == "tui" and "EventId" in retry.results[0]


async def test_reopen_a_send_from_the_history_fills_the_composer(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    entries = [
        {
            "Source": f"com.example.past{i}",
            "DetailType": "Order Placed",
            "Resources": [f"arn:aws:dynamodb:eu-west-1:111122223333:table/t{i}"],
            "Detail": json.dumps({"n": i}),
            "EventBusName": "orders",
        }
        for i in range(1, 13)
    ]
    record_id = keep(entries, [{"EventId": f"id-{i}"} for i in range(1, 13)])
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.form.field("source").input.value = "com.example.unsaved"
        await pilot.pause()
        assert app.state.dirty
        screen = await open_history(app, pilot)
        assert [r.id for r in screen.records] == [record_id]
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1:] == ["cli", "http://elsewhere", "orders", "12", "", "orders.yaml"]
        await pilot.press("enter")
        # Unsaved changes: it asks first; "no" keeps them.
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert app.form.field("source").value == "com.example.unsaved"
        await open_history(app, pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(app.state.entries) == 10)
        await settle(pilot)
        assert app.state.bus == "orders"
        assert app.header.bus == "orders"
        assert app.state.preset_path is None and app.state.dirty
        assert app.form.field("source").value == "com.example.past1"
        assert app.form.field("detail-type").value == "Order Placed"
        assert json.loads(app.editor.text) == {"n": 1}
        assert app.form.current().resources == ["arn:aws:dynamodb:eu-west-1:111122223333:table/t1"]
        assert [e.source for e in app.state.entries][-1] == "com.example.past10"
        status = str(app.query_one("#status").content)  # type: ignore[attr-defined]
        assert record_id in status and "first 10 of 12 entries" in status


async def test_resend_from_the_history_sends_again(
    local_settings: AwsSettings,
    presets_dir: Path,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 300, "marker": marker})
        app.state.bus = "orders"
        await send_and_wait(app, pilot)
        first = app.results.report
        assert first is not None and first.failed_count == 0
        assert len(delivered(LARGE_ORDERS, marker)) == 1
        # Another bus in the composer now: the resend still goes where the send went.
        app.state.bus = None
        await open_history(app, pilot)
        await send_and_wait(app, pilot, "r")
        second = app.results.report
        assert second is not None and second.failed_count == 0
        assert second.outcomes[0].event_id != first.outcomes[0].event_id
        again = delivered(LARGE_ORDERS, marker)
        assert [e["id"] for e in again] == [second.outcomes[0].event_id]
    records = History(history_file()).records()
    assert len(records) == 2
    assert records[0].labels == [f"resend of {records[1].id}"]
    assert records[0].buses == ["orders"]


async def test_resend_failed_only_skips_accepted_and_unknown_entries(
    local_settings: AwsSettings,
    presets_dir: Path,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    def entry(n: int) -> dict[str, Any]:
        return {
            "Source": "com.example.orders",
            "DetailType": "Order Placed",
            "Detail": json.dumps({"amount": 500, "n": n, "marker": marker}),
            "EventBusName": "orders",
        }

    results = [
        {"EventId": "accepted"},
        {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
        {"ErrorCode": "UnknownOutcome", "ErrorMessage": "read timeout"},
    ]
    keep([entry(1), entry(2), entry(3)], results, local=True)
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_history(app, pilot)
        assert str(screen.query_one(DataTable).get_row_at(0)[5]) == "2"
        await send_and_wait(app, pilot, "f")
        report = app.results.report
        assert report is not None and report.failed_count == 0
        assert len(report.outcomes) == 1
        assert json.loads(report.outcomes[0].entry.detail)["n"] == 2
        events = delivered(LARGE_ORDERS, marker)
        assert [e["detail"]["n"] for e in events] == [2]


async def test_preview_shows_resolved_values_and_sends_them(
    local_settings: AwsSettings,
    presets_dir: Path,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(
            app,
            "com.example.orders",
            "Order Placed",
            {"orderId": "{{uuid}}", "at": "{{now}}", "amount": 700, "marker": marker},
        )
        app.state.bus = "orders"
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        assert "{{" not in screen.document
        request = json.loads(screen.document)
        [shown] = request["Entries"]
        assert shown["EventBusName"] == "orders"
        detail = json.loads(shown["Detail"])
        order_id = detail["orderId"]
        assert len(order_id) == 36 and detail["at"].endswith("Z")
        body = str(screen.query_one("#preview-json").content)  # type: ignore[attr-defined]
        assert order_id in body and "bytes" in body
        summary = str(screen.query_one("#preview-summary").content)  # type: ignore[attr-defined]
        assert "to bus orders" in summary and "1 entry" in summary
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results.report is not None and not app.sends.sending)
        report = app.results.report
        assert report is not None and report.failed_count == 0
        events = delivered(LARGE_ORDERS, marker)
        assert len(events) == 1
        # The very values the preview showed were sent.
        assert events[0]["detail"] == detail
        # The composer still holds the variables, for the next send.
        assert "{{uuid}}" in app.editor.text


async def test_preview_shows_a_variable_that_cannot_be_resolved(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"who": "{{env.EC_NOT_SET_ANYWHERE}}"})
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        error = str(screen.query_one("#preview-error").content)  # type: ignore[attr-defined]
        assert "EC_NOT_SET_ANYWHERE" in error and "is not set" in error
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.results.report is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PreviewScreen)


def test_loaded_batch_takes_a_common_bus_and_one_call() -> None:
    common = [Entry("s", "t", "{}", event_bus_name="orders") for _ in range(12)]
    loaded = batch_from_entries(common, 10)
    assert loaded.bus == "orders" and len(loaded.entries) == 10
    assert all(e.event_bus_name is None for e in loaded.entries)
    assert "first 10 of 12" in loaded.note
    mixed = [Entry("s", "t", "{}", event_bus_name="orders"), Entry("s", "t", "{}")]
    loaded = batch_from_entries(mixed, 10)
    assert loaded.bus is None
    assert [e.event_bus_name for e in loaded.entries] == ["orders", None]
    assert "2 buses" in loaded.note
    default = batch_from_entries([Entry("s", "t", "{}", event_bus_name="default")], 10)
    assert default.bus is None and default.note == ""


def test_screens_bindings_have_ids() -> None:
    from eventcomposer.tui.screens.import_entries import ImportScreen

    for owner in (HistoryScreen, PreviewScreen, ImportScreen):
        for binding in owner.BINDINGS:
            assert getattr(binding, "id", None), (owner.__name__, binding)
    ids = {b.id for b in EventComposerApp.BINDINGS if hasattr(b, "id")}
    assert {"composer.history", "composer.preview", "composer.import"} <= ids


async def test_resend_of_a_send_to_the_default_bus_stays_on_the_default_bus(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    keep(
        [{"Source": "com.example.users", "DetailType": "User Signed Up", "Detail": "{}"}],
        [{"ErrorCode": "InternalFailure", "ErrorMessage": "boom"}],
        local=True,
    )
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.state.bus = "orders"  # the composer's bus is not the one the send went to
        await open_history(app, pilot)
        await send_and_wait(app, pilot, "f")
        report = app.results.report
        assert report is not None and report.failed_count == 0
    assert History(history_file()).records()[0].buses == ["default"]


async def test_a_resend_goes_where_the_send_went_not_where_the_composer_sends(
    local_settings: AwsSettings,
    presets_dir: Path,
    proxy: Any,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The send went through another endpoint (here a proxy in front of the local EventBridge);
    the composer runs on the local one: the resend goes through the proxy, and says so."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    record = new_record(
        origin="cli",
        endpoint=proxy.endpoint_url,
        region="us-east-1",
        profile="default",
        entries=[
            {
                "Source": "com.example.orders",
                "DetailType": "Order Placed",
                "Detail": json.dumps({"amount": 500, "marker": marker}),
                "EventBusName": "orders",
            }
        ],
        results=[{"ErrorCode": "InternalFailure", "ErrorMessage": "boom"}],
        labels=["elsewhere.yaml"],
    )
    History(history_file()).append(record)
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_history(app, pilot)
        before = len(proxy.calls)
        await pilot.press("r")
        await pilot.pause()
        said = [m for m, _ in told(app)]
        assert any(f"of {record.id} to {proxy.endpoint_url}" in m for m in said), said
        await wait_for(pilot, lambda: app.results.report is not None and not app.sends.sending)
        report = app.results.report
        assert report is not None and report.failed_count == 0
        assert len(proxy.calls) > before  # through the recorded endpoint
    assert len(delivered(LARGE_ORDERS, marker)) == 1
    assert History(history_file()).records()[0].endpoint.startswith(proxy.endpoint_url)
