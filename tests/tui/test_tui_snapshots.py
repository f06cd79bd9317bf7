"""Snapshots of the main screen at 120x40: empty, with validation errors, with results.

Deterministic: fixed settings without --local (no server, no ports), a presets folder holding one
fixed preset, and a results view filled from a SendReport built here (fixed EventIds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import ready, wait_for, workers_done

from eventcomposer.aws.send import EntryOutcome, SendReport
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.sending import SendResult
from eventcomposer.tui.app import EventComposerApp

SIZE = (120, 40)
SETTINGS = AwsSettings(profile="dev", region="eu-west-1")
PRESET = """\
version: 1
name: Order placed
bus: orders
entries:
  - Source: com.example.orders
    DetailType: Order Placed
    Detail:
      amount: 42
"""


@pytest.fixture
def snapshot_presets(tmp_path: Path) -> Path:
    folder = tmp_path / "presets"
    (folder / "orders").mkdir(parents=True)
    (folder / "orders" / "order-placed.yaml").write_text(PRESET)
    (folder / "refund.yaml").write_text(PRESET.replace("Order placed", "Refund"))
    return folder


async def _settle(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.pause(0.3)
    await workers_done(pilot)
    # A blinking cursor would make the picture depend on when it is taken.
    for widget in pilot.app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def test_main_screen_empty(snap_compare: Any, snapshot_presets: Path) -> None:
    app = EventComposerApp(SETTINGS, snapshot_presets)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_main_screen_with_validation_errors(snap_compare: Any, snapshot_presets: Path) -> None:
    app = EventComposerApp(SETTINGS, snapshot_presets)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app.form.field("source").input.value = "aws.orders"
        app.form.field("detail-type").input.value = "Order Placed"
        app.form.field("time").input.value = "yesterday"
        app.editor.load_text('{\n  "amount": 42,\n  "currency" "EUR"\n}')
        await _settle(pilot)
        detail_message = app.query_one("#detail-message", Static)
        await wait_for(pilot, lambda: "not valid JSON" in str(detail_message.content))
        await pilot.press("f5")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_with_results(snap_compare: Any, snapshot_presets: Path) -> None:
    app = EventComposerApp(SETTINGS, snapshot_presets)
    ok = Entry("com.example.orders", "Order Placed", json.dumps({"amount": 42}))
    bad = Entry("com.example.orders", "Order Cancelled", json.dumps({"amount": 1}))
    report = SendReport(
        [
            EntryOutcome(1, ok, event_id="11111111-2222-3333-4444-555555555555", attempts=1),
            EntryOutcome(
                2, bad, error_code="InternalFailure", error_message="Internal error", attempts=3
            ),
            EntryOutcome(3, ok, event_id="66666666-7777-8888-9999-000000000000", attempts=1),
        ],
        calls=3,
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        # The preset's contents, without opening it (that would check its bus over the network).
        app.state.load([ok, bad, ok], "orders", None, "Order placed")
        await app.show_state(reload=True)
        await _settle(pilot)
        app.sends.finished(SendResult(report=report), app.sends.plan_batch(), None, None)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def _edited_batch(app: EventComposerApp) -> list[Entry]:
    """Two entries of a preset, one edited since (unsaved: the header shows ●)."""
    placed = Entry("com.example.orders", "Order Placed", json.dumps({"amount": 42}))
    shipped = Entry("com.example.orders", "Order Shipped", json.dumps({"carrier": "DHL"}))
    return [placed, shipped]


def test_main_screen_80x24(snap_compare: Any, snapshot_presets: Path) -> None:
    """The smallest layout: the Detail editor gets the rows, the empty results fold to a line,
    the header keeps the bus, the preset and its unsaved marker, the footer what fits."""
    app = EventComposerApp(SETTINGS, snapshot_presets)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app.state.load(_edited_batch(app), "orders", None, "Order placed")
        app.state.dirty = True
        await app.show_state(reload=True)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_main_screen_120x40_rules_by_keyboard(snap_compare: Any, snapshot_presets: Path) -> None:
    """At 120x40 the rules panel is hidden until asked for: Alt+R shows it and focuses it,
    beside a form that keeps its width."""
    app = EventComposerApp(SETTINGS, snapshot_presets)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app.state.load(_edited_batch(app), "orders", None, "Order placed")
        await app.show_state(reload=True)
        await _settle(pilot)
        await pilot.press("alt+r")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
