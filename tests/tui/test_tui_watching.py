"""The Tail and Archives screens opened from the real composer, by their keys and the palette,
against the local EventBridge: an event sent to the batch's bus shows in the Tail screen and is
captured into the presets tree, and no ``eventcomposer-tail-*`` rule or queue is left once the
screen is closed or the composer quits."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static
from tui_helpers import ready, run_from_palette, settle, told, wait_for, workers_done

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.aws.tail import PREFIX
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.backend import Backend
from eventcomposer.tui.screens.archives import ArchivesScreen
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.tail import TailScreen

pytestmark = pytest.mark.timeout(60)
SIZE = (160, 40)


@pytest.fixture
def bus(events_client: Any) -> Iterator[str]:
    """A bus of its own, with a rule that matches the events sent here."""
    name = f"tui-watch-{uuid.uuid4().hex[:8]}"
    events_client.create_event_bus(Name=name)
    events_client.put_rule(
        Name="placed",
        EventBusName=name,
        EventPattern=json.dumps({"detail-type": ["Order Placed"]}),
    )
    yield name
    events_client.delete_rule(Name="placed", EventBusName=name)
    events_client.delete_event_bus(Name=name)


@pytest.fixture
def archive(events_client: Any, bus: str) -> Iterator[str]:
    """An archive of ``bus``."""
    name = f"tui-watch-archive-{uuid.uuid4().hex[:8]}"
    arn = events_client.describe_event_bus(Name=bus)["Arn"]
    events_client.create_archive(ArchiveName=name, EventSourceArn=arn)
    yield name
    events_client.delete_archive(ArchiveName=name)


def leftovers(events_client: Any, sqs_client: Any, bus: str) -> list[str]:
    rules = events_client.list_rules(EventBusName=bus, NamePrefix=PREFIX).get("Rules", [])
    queues = sqs_client.list_queues(QueueNamePrefix=PREFIX).get("QueueUrls", [])
    return [r["Name"] for r in rules] + queues


def put(events_client: Any, bus: str, marker: str) -> None:
    events_client.put_events(
        Entries=[
            {
                "Source": "com.example.orders",
                "DetailType": "Order Placed",
                "Detail": json.dumps({"marker": marker}),
                "EventBusName": bus,
            }
        ]
    )


async def on_bus(app: EventComposerApp, bus: str) -> None:
    app.state.set_bus(bus)
    await app.show_state()


async def test_ctrl_t_tails_the_batch_bus_and_closing_removes_the_rule_and_queue(
    local_settings: AwsSettings,
    presets_dir: Path,
    events_client: Any,
    sqs_client: Any,
    bus: str,
    marker: str,
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await on_bus(app, bus)
        await settle(pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TailScreen))
        screen = app.screen
        assert isinstance(screen, TailScreen) and screen.bus == bus
        await wait_for(pilot, lambda: screen.state == "tailing")
        assert leftovers(events_client, sqs_client, bus) != []  # the tail's rule and queue

        await asyncio.to_thread(put, events_client, bus, marker)
        await wait_for(pilot, lambda: len(screen.received) == 1)
        assert screen.received[0].event["detail"] == {"marker": marker}
        assert screen.received[0].matched == ["placed"]
        table = screen.query_one("#tail-events", DataTable)
        assert [str(c) for c in table.get_row_at(0)][2:] == [
            "com.example.orders",
            "Order Placed",
            "placed",
        ]
        assert "1 event(s)" in str(screen.query_one("#tail-status", Static).content)

        await pilot.press("c")  # captured as a preset, which the composer's tree then lists
        await wait_for(pilot, lambda: screen.last_saved is not None)
        saved = screen.last_saved
        assert saved is not None and saved.parent == presets_dir / "captured"
        await wait_for(pilot, lambda: saved in app.browser.paths)

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        await workers_done(pilot)
        assert leftovers(events_client, sqs_client, bus) == []
        await wait_for(pilot, lambda: any(t == "Tail stopped" for _, t in told(app)))
        note = next(m for m, t in told(app) if t == "Tail stopped")
        assert note.startswith(f"Removed rule {screen.tail_name} on bus {bus}, queue ")


async def test_quitting_with_the_tail_open_removes_the_rule_and_queue(
    local_settings: AwsSettings,
    presets_dir: Path,
    events_client: Any,
    sqs_client: Any,
    bus: str,
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await on_bus(app, bus)
        await settle(pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TailScreen))
        screen = app.screen
        assert isinstance(screen, TailScreen)
        await wait_for(pilot, lambda: screen.state == "tailing")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # the bus changed
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert leftovers(events_client, sqs_client, bus) == []


async def test_ctrl_g_and_the_palette_open_the_archives_of_the_batch_bus(
    local_settings: AwsSettings, presets_dir: Path, bus: str, archive: str
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await on_bus(app, bus)
        await settle(pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ArchivesScreen))
        screen = app.screen
        assert isinstance(screen, ArchivesScreen) and screen.bus == bus
        await wait_for(pilot, lambda: bool(screen.archives))
        assert [(a.name, a.bus) for a in screen.archives] == [(archive, bus)]
        assert f"1 archive(s) of bus {bus}" in str(
            screen.query_one("#archives-status", Static).content
        )
        await pilot.press("ctrl+t")  # the composer's keys are off over its screens
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])

        await run_from_palette(pilot, "archives and replays", "archives and replays")
        await wait_for(pilot, lambda: isinstance(app.screen, ArchivesScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])


async def test_tail_is_refused_while_the_local_eventbridge_starts(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Backend, "start_local", lambda self, ready, failed: None)
    app = EventComposerApp(AwsSettings(local=True), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key in ("ctrl+t", "ctrl+g"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.screen_stack[0]
            assert "still starting" in str(app.query_one("#status", Static).content)
