"""What you see is what is sent: the form, the batch, the meter, the preview and the request
agree, whatever the order in which keys and messages arrive (Pilot, real local EventBridge)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static
from tui_helpers import burst, fill, ready, send_and_wait, settle, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.core.sizes import request_size
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.screens.preview import PreviewScreen
from eventcomposer.tui.widgets.batch_list import BatchList
from eventcomposer.tui.widgets.size_meter import SizeMeter

SIZE = (160, 45)


def batch_labels(app: EventComposerApp) -> list[str]:
    return [
        str(s.content) for s in app.query_one(BatchList).query("ListItem Static").results(Static)
    ]


async def open_large(app: EventComposerApp, pilot: Any, presets_dir: Path) -> None:
    await app.preset_files.load(presets_dir / "order-placed-large.yaml")
    await settle(pilot)


async def yesterday_in_time(app: EventComposerApp, pilot: Any, presets_dir: Path) -> None:
    """The report's start: ``order-placed-large`` open, ``yesterday`` typed in Time."""
    await ready(pilot)
    await open_large(app, pilot, presets_dir)
    app.query_one("#time-input", Input).focus()
    await pilot.press(*"yesterday")
    await settle(pilot)


async def test_a_burst_of_keys_lands_in_the_entry_it_was_typed_in(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    """Time typed, then Ctrl+A, Ctrl+K, {{now-5m}} and Ctrl+N in one burst: the new entry is
    blank in the form, in the batch, in the preview and in what Send refuses."""
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await yesterday_in_time(app, pilot, presets_dir)
        assert "RFC 3339" in app.form.field("time").message
        # One burst: no pause between the keys.
        await pilot.press("ctrl+a", "ctrl+k", *"{{now-5m}}", "ctrl+n")
        await settle(pilot)

        first, second = app.state.entries
        assert first.time == "{{now-5m}}" and first.source == "com.example.orders"
        assert second.source == "" and second.time is None
        assert app.state.selected == 1
        assert app.form.field("source").value == ""
        assert app.form.field("time").value == ""
        labels = batch_labels(app)
        assert labels[0].startswith("✓ 1 Order Placed · …orders")  # the fixed Time: valid
        assert labels[1].startswith("✗ 2 (no detail type) · (no source)")

        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert [e.source for e in preview.entries] == ["com.example.orders", ""]
        assert preview.entries[0].time and "{{" not in preview.entries[0].time
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f5")
        await pilot.pause()
        status = str(app.query_one("#status", Static).content)
        assert "entry 2, Source: is required" in status


async def test_keys_read_in_one_burst_after_tab_go_to_the_next_field(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    """As a terminal hands over a fast typist's keys (or a paste without brackets): one read,
    every key queued before the first is handled. Tab moves the focus before the keys after it
    are handed out, so they land in the field Tab moved to; Shift+Tab likewise (a field's text
    is selected when the focus comes to it, as in a browser: typing replaces it)."""
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, *"com.example.orders", "tab", *"Order Placed", "shift+tab", *"com.x")
        assert app.form.field("source").value == "com.x"
        assert app.form.field("detail-type").value == "Order Placed"
        assert app.state.entry.source == "com.x"
        assert app.state.entry.detail_type == "Order Placed"


async def test_the_issues_burst_in_one_read_lands_key_by_key_in_its_entry(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    """The burst of the first report, as a real terminal delivers it (one read): Ctrl+A and
    Ctrl+K act where they were typed among the characters, Ctrl+N after them, and what is
    typed after Ctrl+N goes to the new entry. (Pilot's press lets each key finish first.)"""
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await yesterday_in_time(app, pilot, presets_dir)
        await burst(pilot, "ctrl+a", "ctrl+k", *"{{now-5m}}", "ctrl+n", *"com.example.xy")
        await burst(pilot, "backspace", "z", "ctrl+a", "a")  # Backspace, Home in their turn
        first, second = app.state.entries
        assert first.time == "{{now-5m}}" and first.source == "com.example.orders"
        assert second.source == "acom.example.xz" and second.time is None
        assert app.form.field("source").value == "acom.example.xz"
        assert app.form.field("time").value == ""


async def test_a_dialog_opened_in_a_burst_gets_the_keys_typed_after_its_key(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    """F9, a name and Enter in one read: the Save as dialog has taken the focus before the
    name is handed out (the keys used to go nowhere, the dialog left open and empty)."""
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"a": 1})
        await settle(pilot)
        await burst(pilot, "f9", *"typed-fast", "enter")
        await wait_for(pilot, lambda: (presets_dir / "typed-fast.yaml").exists())
        assert app.screen is app.screen_stack[0]
        assert app.state.preset_name == "typed-fast" and not app.state.dirty


async def test_typing_then_ctrl_n_at_once_clears_the_old_entrys_mark(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.form.field("detail-type").input.value = "Order Placed"
        await settle(pilot)
        app.query_one("#source-input", Input).focus()
        await pilot.press(*"com.example.orders", "ctrl+n")
        await settle(pilot)
        labels = batch_labels(app)
        assert labels[0].startswith("✓ 1 Order Placed · …orders")
        assert app.state.entries[0].source == "com.example.orders"


async def test_a_refused_send_clears_the_last_results_and_a_fix_clears_the_refusal(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 1})
        await settle(pilot)
        report = await send_and_wait(app, pilot)
        event_id = report.outcomes[0].event_id
        assert event_id and any(event_id in str(cell) for cell in app.results.table.get_row_at(0))

        app.editor.load_text("[1, 2]")  # not an object
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        status = app.query_one("#status", Static)
        assert "must be a JSON object" in str(status.content)
        assert app.results.table.row_count == 0  # the earlier EventIds are not on show
        assert "Not sent" in str(app.query_one("#results-summary", Static).content)

        app.editor.load_text('{"amount": 2}')
        await settle(pilot)
        assert "must be a JSON object" not in str(status.content)


async def test_a_never_sent_entry_shows_no_delivery(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 250})
        app.state.set_bus("orders")
        await app.show_state()
        await settle(pilot)
        report = await send_and_wait(app, pilot)
        assert report.failed_count == 0
        panel = app.query_one("#rules-panel")
        await wait_for(pilot, lambda: "delivered" in panel.row_text("large-orders"))  # type: ignore[attr-defined]

        await app.batch_action("duplicate")  # a copy that was never sent
        await settle(pilot)
        assert "last send" not in panel.row_text("large-orders")  # type: ignore[attr-defined]
        # Back on the sent entry, its delivery shows again; an edit to it drops it.
        app.batch.list_view.index = 0
        await settle(pilot)
        assert app.state.selected == 0
        assert "delivered" in panel.row_text("large-orders")  # type: ignore[attr-defined]
        app.editor.load_text('{"amount": 251}')
        await settle(pilot)
        assert "last send" not in panel.row_text("large-orders")  # type: ignore[attr-defined]


async def test_the_meter_counts_the_entry_as_the_preview_sends_it(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    """Variables resolved ({{uuid}} is 36 bytes, not 8): the meter equals the preview."""
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_large(app, pilot, presets_dir)
        meter = app.query_one(SizeMeter)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert meter.entry_bytes == request_size(preview.entries) == meter.request_bytes
        written = app.state.entry
        assert meter.entry_bytes > len(written.detail.replace(" ", "").replace("\n", ""))


async def test_each_entry_shows_its_own_bus_and_is_judged_on_it(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        one = Entry("com.example.orders", "Order Placed", json.dumps({"amount": 250}))
        two = one.copy(event_bus_name="orders")
        app.round_trips.open_entries([one, two], "2 imported entries")
        await wait_for(pilot, lambda: len(app.state.entries) == 2)
        await settle(pilot)
        panel: Any = app.query_one("#rules-panel")
        assert app.form.field("entry-bus").value == ""
        await wait_for(pilot, lambda: panel.bus is None)
        app.batch.list_view.index = 1
        await settle(pilot)
        assert app.state.selected == 1
        assert app.form.field("entry-bus").value == "orders"
        await wait_for(pilot, lambda: panel.bus == "orders" and not panel.loading)
        await wait_for(pilot, lambda: panel.verdict_for("large-orders") is not None)
        assert "match" in panel.row_text("large-orders")

        # The bus is edited in the form, like any field, and sent with the entry.
        app.form.field("entry-bus").input.value = ""
        await settle(pilot)
        assert app.state.entries[1].event_bus_name is None
        await wait_for(pilot, lambda: panel.bus is None)


async def test_a_secret_from_the_environment_is_sent_but_never_written(
    local_settings: AwsSettings,
    presets_dir: Path,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """``{{env.NAME}}`` is resolved for the send; the history and the draft keep the
    placeholder (or ``<env.NAME>``), never the value."""
    secret = "s3cr3t-value-Zq81"
    monkeypatch.setenv("EC_TEST_SECRET", secret)
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"token": "{{env.EC_TEST_SECRET}}"})
        await settle(pilot)
        report = await send_and_wait(app, pilot)
        assert report.failed_count == 0
        assert secret in report.outcomes[0].entry.detail  # what was sent
        await settle(pilot)
        await pilot.pause(0.6)  # the draft is written 0.5 s after a change
        await settle(pilot)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("history" in p.name for p in written)
    assert any(p.suffix == ".json" and "drafts" in p.parts for p in written)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path


async def test_without_the_local_extra_the_hint_names_the_extra(
    presets_dir: Path, monkeypatch: Any
) -> None:
    # Without moto, --local says what to install: "[local]" used to be eaten as Rich markup.
    import eventcomposer.local.session as session
    from eventcomposer.local.server import LocalServerUnavailable

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise LocalServerUnavailable(
            "the embedded local EventBridge needs the 'local' extra: "
            "pip install 'eventcomposer[local]'"
        )

    monkeypatch.setattr(session, "start_local", unavailable)
    app = EventComposerApp(AwsSettings(local=True), presets_dir)
    async with app.run_test() as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "could not start" in app.status_text)
        assert "pip install 'eventcomposer[local]'" in app.status_text


async def test_every_detail_value_is_sent_and_shown_as_typed(
    local_settings: AwsSettings, presets_dir: Path, proxy: Any
) -> None:
    """Numbers Python would rewrite (1e400 as Infinity, a long fraction as 0.1, 1E5 as
    100000.0), escapes and repeated keys: the editor, the meter, the preview and the request
    all hold them as typed (only the whitespace goes)."""
    typed = (
        '{"big": 1e400, "p": 0.10000000000000000000001, "e": 1E5, "s": "\\u00e9", "k": 1, "k": 2}'
    )
    sent = typed.replace(" ", "")
    app = EventComposerApp(replace(local_settings, endpoint_url=proxy.endpoint_url), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {})
        app.editor.load_text(typed)
        await settle(pilot)
        assert app.form.field("source").message == ""
        assert "1e400" in app.editor.text and "\\u00e9" in app.editor.text
        assert app.state.entry.detail == app.editor.text
        meter = app.query_one(SizeMeter)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert [e.detail for e in preview.entries] == [sent]
        assert meter.entry_bytes == request_size(preview.entries)
        await pilot.press("escape")
        await settle(pilot)
        report = await send_and_wait(app, pilot)
        assert report.failed_count == 0, report
    assert [e["Detail"] for call in proxy.calls for e in call] == [sent]
