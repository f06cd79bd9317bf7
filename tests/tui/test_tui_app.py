"""The composer driven with Pilot against the real local EventBridge (moto over HTTP)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from faultproxy import FaultProxy
from textual.widgets import Input, OptionList, Static
from tui_helpers import fill, ready, run_from_palette, settle, wait_for

from eventcomposer.aws.send import RetryPolicy
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.backend import Backend
from eventcomposer.tui.screens.bus_picker import BusPickerScreen
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.help import HelpScreen
from eventcomposer.tui.screens.save_as import SaveAsScreen
from eventcomposer.tui.widgets.presets_browser import PresetsBrowser

SIZE = (120, 40)


def text_of(app: EventComposerApp, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


def grid_rows(app: EventComposerApp) -> list[list[str]]:
    table = app.results.table
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_send_shows_event_id_and_delivers_to_the_matching_rule(
    local_settings: AwsSettings,
    presets_dir: Path,
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # Typing, as a user would, into Source; the rest set directly.
        app.query_one("#source-input", Input).focus()
        await pilot.press(*"com.example.orders")
        app.form.field("detail-type").input.value = "Order Placed"
        app.editor.load_text(json.dumps({"amount": 250, "marker": marker}))
        app.state.bus = "orders"
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.results.report is not None)
        report = app.results.report
        assert report is not None and report.failed_count == 0
        event_id = report.outcomes[0].event_id
        assert event_id
        rows = grid_rows(app)
        assert rows[0][:4] == ["1", "com.example.orders", "Order Placed", event_id]
        assert "FailedEntryCount: 0" in text_of(app, "#results-summary")
        events = delivered("demo-orders-large-orders", marker)
        assert len(events) == 1
        assert events[0]["id"] == event_id
        assert events[0]["detail"] == {"amount": 250, "marker": marker}
        # Copy the EventId from the results table.
        app.results.table.focus()
        await pilot.press("c")
        assert app.clipboard == event_id


async def test_invalid_json_refuses_send_and_shows_line_and_column(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {})
        app.editor.load_text('{\n  "amount": 1,\n  "currency" "EUR"\n}')
        await settle(pilot)
        message = text_of(app, "#detail-message")
        assert "not valid JSON" in message
        assert "line 3, column 14" in message
        await pilot.press("f5")
        await settle(pilot)
        assert app.results.report is None
        assert "Send refused" in text_of(app, "#status")
        assert "line 3, column 14" in text_of(app, "#status")
        assert "✗" in str(app.batch.list_view.children[0].query_one("Static").content)


async def test_oversized_entry_shows_its_size_and_is_refused(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"blob": "x" * 1_100_000})
        await settle(pilot)
        meter = str(app.query_one("#size-meter").render())
        assert "1,100," in meter and "over the limit" in meter
        await pilot.press("f5")
        await settle(pilot)
        assert app.results.report is None
        status = text_of(app, "#status")
        assert "the entry is 1,100," in status and "the limit is 1,048,576 bytes" in status


async def test_field_validation_shows_messages_beside_fields(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.form.field("source").message == "is required"
        app.query_one("#time-input", Input).focus()
        await pilot.press(*"2026-13")
        await pilot.pause()
        assert "not an RFC 3339 timestamp" in app.form.field("time").message
        app.form.field("time").input.value = "2026-01-31T12:00:00Z"
        app.form.field("source").input.value = "aws.s3"
        await pilot.pause()
        assert app.form.field("time").message == ""
        assert "reserved for AWS services" in app.form.field("source").message
        # Time empty means "the time of sending".
        app.form.field("time").input.value = ""
        await pilot.pause()
        assert app.state.entry.time is None


async def test_batch_with_one_failing_entry_then_retry_failed_sends_only_it(
    local_settings: AwsSettings, presets_dir: Path, marker: str, proxy: FaultProxy
) -> None:
    proxy.fail_source("com.example.flaky")
    settings = replace(local_settings, endpoint_url=proxy.endpoint_url)
    app = EventComposerApp(
        settings, presets_dir, retry=RetryPolicy(max_attempts=2, base_delay=0.01)
    )
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"marker": marker})
        await app.batch_action("add")
        fill(app, "com.example.flaky", "Order Placed", {"marker": marker})
        await app.batch_action("add")
        fill(app, "com.example.orders", "Order Placed", {"n": 3, "marker": marker})
        await settle(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.results.report is not None)
        report = app.results.report
        assert report is not None
        assert [o.ok for o in report.outcomes] == [True, False, True]
        rows = grid_rows(app)
        assert rows[1][:4] == ["2", "com.example.flaky", "Order Placed", "InternalFailure"]
        assert rows[1][4] == "injected failure"
        assert rows[0][3] and rows[2][3]
        assert "FailedEntryCount: 1" in text_of(app, "#results-summary")
        calls_before = len(proxy.calls)
        first_ids = [o.event_id for o in report.outcomes]

        proxy.fail_entry = None
        await pilot.press("f8")
        await wait_for(pilot, lambda: app.results.report is not report)
        retried = app.results.report
        assert retried is not None
        assert retried.failed_count == 0
        new_calls = proxy.calls[calls_before:]
        assert [[e["Source"] for e in call] for call in new_calls] == [["com.example.flaky"]]
        assert retried.outcomes[0].event_id == first_ids[0]
        assert retried.outcomes[2].event_id == first_ids[2]
        assert retried.outcomes[1].event_id
        assert "FailedEntryCount: 0" in text_of(app, "#results-summary")


async def test_save_preset_writes_the_yaml(local_settings: AwsSettings, presets_dir: Path) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 7, "items": ["a"]})
        app.form.field("time").input.value = "2026-01-31T12:00:00Z"
        app.state.bus = "orders"
        await settle(pilot)
        assert app.header.dirty
        await pilot.press("ctrl+s")  # no file yet: asks for a name
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        app.screen.query_one("#save-name", Input).value = "Small order"
        await pilot.pause()
        assert app.screen.query_one("#save-path", Input).value == "small-order.yaml"
        app.screen.query_one("#save-path", Input).value = "team/small-order.yaml"
        await pilot.click("#save")
        await settle(pilot)
        path = presets_dir / "team" / "small-order.yaml"
        data = yaml.safe_load(path.read_text())
        assert data["name"] == "Small order"
        assert data["bus"] == "orders"
        assert data["entries"] == [
            {
                "Source": "com.example.orders",
                "DetailType": "Order Placed",
                "Detail": {"amount": 7, "items": ["a"]},
                "Time": "2026-01-31T12:00:00Z",
            }
        ]
        assert not app.header.dirty
        assert app.header.preset == "Small order"
        await wait_for(pilot, lambda: path in app.browser.paths)
        await pilot.pause()
        node = app.browser.file_tree.cursor_node
        assert node is not None and node.data == path
        # Ctrl+S again saves to the same file without asking.
        app.form.field("detail-type").input.value = "Order Updated"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert yaml.safe_load(path.read_text())["entries"][0]["DetailType"] == "Order Updated"


async def test_open_preset_fills_the_form(local_settings: AwsSettings, presets_dir: Path) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.query_one(PresetsBrowser)
        tree = browser.file_tree
        node = next(
            n
            for n in _walk(tree.root)
            if n.data is not None and n.data.name == "user-signed-up.yaml"
        )
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.preset_name == "Sign-ups, paid and free"
        assert len(app.state.entries) == 2
        assert app.form.field("source").value == "com.example.users"
        assert app.form.field("detail-type").value == "User Signed Up"
        assert json.loads(app.editor.text)["plan"] == "pro"
        assert app.header.bus == "default"
        assert not app.header.dirty
        # Select the second entry of the batch.
        app.batch.list_view.focus()
        await pilot.press("down")
        await settle(pilot)
        assert json.loads(app.editor.text)["plan"] == "free"


async def test_open_preset_with_unsaved_changes_asks_first(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.form.field("source").input.value = "com.example.mine"
        await pilot.pause()
        assert app.header.dirty
        app.open_preset(presets_dir / "refund-issued.yaml")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert app.form.field("source").value == "com.example.mine"
        app.open_preset(presets_dir / "refund-issued.yaml")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert app.state.preset_path == presets_dir / "refund-issued.yaml"
        assert not app.header.dirty


async def test_delete_preset_after_confirmation(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    target = presets_dir / "refund-issued.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.browser.file_tree
        node = next(n for n in _walk(tree.root) if n.data == target)
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await settle(pilot)
        assert not target.exists()
        assert target not in app.browser.paths


async def test_bus_picker_lists_local_buses_and_warns_about_missing_ones(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, BusPickerScreen))
        picker = app.screen
        assert isinstance(picker, BusPickerScreen)
        await wait_for(pilot, lambda: len(picker.buses) > 0)
        names = picker.names
        assert names[0] == "default"
        assert "orders" in names
        options = picker.query_one(OptionList)
        options.focus()
        options.highlighted = names.index("orders")
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.bus == "orders"
        assert app.header.bus == "orders"
        assert app.header.bus_warning == ""
        # A bus that does not exist: typed as free text, flagged in the header.
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, BusPickerScreen))
        app.screen.query_one("#bus-input", Input).value = "no-such-bus-here"
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.bus == "no-such-bus-here"
        assert "does not exist" in app.header.bus_warning
        # Sending to it is refused: AWS would accept the events and drop them.
        fill(app, "com.example.orders", "Order Placed", {})
        await pilot.press("f5")
        await settle(pilot)
        assert "does not exist" in text_of(app, "#status")
        assert app.results.report is None


async def test_batch_add_duplicate_remove_reorder(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "one", "One", {"n": 1})
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(app.state.entries) == 2 and app.state.selected == 1
        assert app.form.field("source").value == ""
        fill(app, "two", "Two", {"n": 2})
        await settle(pilot)
        app.batch.list_view.focus()
        await pilot.press("d")  # duplicate "two"
        await settle(pilot)
        assert [e.source for e in app.state.entries] == ["one", "two", "two"]
        assert json.loads(app.state.entries[2].detail) == {"n": 2}
        await pilot.press("shift+up", "shift+up")
        await settle(pilot)
        assert [e.source for e in app.state.entries] == ["two", "one", "two"]
        assert app.state.selected == 0
        await pilot.press("delete")
        await settle(pilot)
        assert [e.source for e in app.state.entries] == ["one", "two"]
        assert app.form.field("source").value == "one"
        labels = [str(item.query_one("Static").content) for item in app.batch.list_view.children]
        assert labels[0].startswith("✓ 1 One · one") and labels[1].startswith("✓ 2 Two · two")
        # At most 10 entries.
        for _ in range(12):
            await app.batch_action("add")
        assert len(app.state.entries) == 10


async def test_resources_add_and_remove(local_settings: AwsSettings, presets_dir: Path) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#resource-add")
        await pilot.pause()
        await pilot.press(*"arn:a")
        await pilot.press("ctrl+r")
        await pilot.press(*"arn:b")
        await pilot.pause()
        assert app.state.entry.resources == ["arn:a", "arn:b"]
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.state.entry.resources == ["arn:a"]
        await pilot.click(".resource-remove")
        await pilot.pause()
        assert app.state.entry.resources == []


async def test_format_json_and_open_in_editor(
    local_settings: AwsSettings,
    presets_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('1', '2'))\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.editor.text_area.load_text('{"a":1}')
        await pilot.press("f3")
        assert app.editor.text == '{\n  "a": 1\n}'
        await pilot.press("f4")
        await settle(pilot)
        assert json.loads(app.editor.text) == {"a": 2}
        assert json.loads(app.state.entry.detail) == {"a": 2}


async def test_help_for_the_focused_widget(local_settings: AwsSettings, presets_dir: Path) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.query_one("#source-input", Input).focus()
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        assert "Entry form" in app.screen.help_text
        assert any(description == "Send" for _, description in app.screen.keys)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_actions(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.editor.text_area.load_text('{"a":1}')
        await run_from_palette(pilot, "format json", "format json")
        await settle(pilot)
        assert app.editor.text == '{\n  "a": 1\n}'


def test_bindings_have_ids() -> None:
    from eventcomposer.tui.widgets.batch_list import BatchList
    from eventcomposer.tui.widgets.presets_browser import PresetsBrowser
    from eventcomposer.tui.widgets.resources_editor import ResourcesEditor
    from eventcomposer.tui.widgets.results_table import ResultsTable

    for owner in (EventComposerApp, BatchList, PresetsBrowser, ResourcesEditor, ResultsTable):
        for binding in owner.BINDINGS:
            assert getattr(binding, "id", None), (owner.__name__, binding)


def test_first_screen_does_not_import_boto3(tmp_path: Path) -> None:
    """Importing the app (what runs before the first screen) leaves boto3 unimported."""
    import subprocess

    code = (
        "import sys, eventcomposer.cli.main, eventcomposer.tui.app; "
        "print('boto3' in sys.modules, 'moto' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def _walk(node: Any) -> list[Any]:
    nodes = [node]
    for child in node.children:
        nodes.extend(_walk(child))
    return nodes


async def test_local_starts_after_the_first_screen(
    local_server: Any, presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --local the header says the server is starting, then shows where it runs; the
    server is started in a worker (here the session's, so no second server starts)."""
    import eventcomposer.local.session as session

    started: list[AwsSettings] = []

    def fake_start_local(settings: AwsSettings, **_: Any) -> tuple[Any, AwsSettings]:
        started.append(settings)

        class Handle:
            stopped = False

            def stop(self) -> None:
                Handle.stopped = True

        return Handle(), local_server.settings

    monkeypatch.setattr(session, "start_local", fake_start_local)
    app = EventComposerApp(AwsSettings(local=True), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        assert app.header.starting == "starting local EventBridge…"
        assert app.backend.active is None
        await wait_for(pilot, lambda: app.backend.active is not None)
        assert app.header.starting == ""
        assert app.header.settings.endpoint_url == local_server.settings.endpoint_url
        assert started == [AwsSettings(local=True)]
    server = app.backend.local_server
    app.backend.stop_local()
    assert app.backend.local_server is None and server is not None and type(server).stopped


async def test_send_refused_while_local_server_starts(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Backend, "start_local", lambda self, ready, failed: None)
    app = EventComposerApp(AwsSettings(local=True), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {})
        await pilot.press("f5")
        await pilot.pause()
        assert "still starting" in text_of(app, "#status")


async def test_composer_keys_do_nothing_while_a_dialog_is_open(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {})
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        await pilot.press("f5", "ctrl+n")
        await settle(pilot)
        assert app.results.report is None and not app.sends.sending
        assert len(app.state.entries) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SaveAsScreen)


async def test_saving_a_preset_keeps_its_expectations(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    # `expect:` (for `eventcomposer test`) is not in the form; an edit and Ctrl+S keep it.
    path = presets_dir / "routing.yaml"
    text = (
        "version: 1\nname: Routing\nbus: orders\nentries:\n"
        "  - Source: com.example.orders\n    DetailType: Order Placed\n"
        "    Detail: {amount: 150}\n"
        "    expect:   # the rules that must see it\n      match: [large-orders]\n"
    )
    path.write_text(text)
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(PresetsBrowser).file_tree
        node = next(
            n for n in _walk(tree.root) if n.data is not None and n.data.name == "routing.yaml"
        )
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.preset_name == "Routing"
        app.form.field("detail-type").input.value = "Order Shipped"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert path.read_text() == text.replace("Order Placed", "Order Shipped")
