"""The Tail screen on a minimal app (its I/O done app-side by ``tui.watching``, as in the
composer), against the local EventBridge: events arrive in order with the rules that match them, a
selection is captured as a preset, and nothing ``eventcomposer-tail-*`` is left after closing the
screen or after the app crashes."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import WatchingHost, wait_for, workers_done

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.aws.tail import PREFIX
from eventcomposer.core.presets import load_preset
from eventcomposer.tui.screens.tail import TailScreen

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def bus(events_client: Any) -> Iterator[str]:
    name = f"tui-tail-{uuid.uuid4().hex[:8]}"
    events_client.create_event_bus(Name=name)
    events_client.put_rule(
        Name="big",
        EventBusName=name,
        EventPattern=json.dumps({"detail": {"n": [{"numeric": [">", 1]}]}}),
    )
    yield name
    events_client.delete_rule(Name="big", EventBusName=name)
    events_client.delete_event_bus(Name=name)


def leftovers(events_client: Any, sqs_client: Any, bus: str) -> list[str]:
    rules = events_client.list_rules(EventBusName=bus, NamePrefix=PREFIX).get("Rules", [])
    queues = sqs_client.list_queues(QueueNamePrefix=PREFIX).get("QueueUrls", [])
    return [r["Name"] for r in rules] + queues


def put(events_client: Any, bus: str, n: int) -> None:
    events_client.put_events(
        Entries=[
            {
                "Source": "com.tui",
                "DetailType": "Tail Screen",
                "Detail": json.dumps({"n": n, "label": f"event {n}"}),
                "EventBusName": bus,
            }
        ]
    )


async def test_events_show_in_order_with_why_and_a_selection_is_captured(
    local_settings: AwsSettings, events_client: Any, sqs_client: Any, bus: str, tmp_path: Path
) -> None:
    screen = TailScreen(bus=bus)
    app = WatchingHost(screen, local_settings, tmp_path / "presets")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: screen.state == "tailing")
        for n in (1, 2, 3):
            await asyncio.to_thread(put, events_client, bus, n)
        await wait_for(pilot, lambda: len(screen.received) == 3)
        assert [r.event["detail"]["n"] for r in screen.received] == [1, 2, 3]
        assert [r.matched for r in screen.received] == [[], ["big"], ["big"]]
        why = str(screen.query_one("#tail-detail").render())
        assert "✗ big  detail.n: 1 is not in numeric range > 1" in why

        await pilot.press("down", "space", "t", "c")  # the 2nd event, with its Time
        await wait_for(pilot, lambda: screen.last_saved is not None)  # saved in a worker
        assert screen.last_saved is not None
        preset = load_preset(screen.last_saved)
        assert screen.last_saved.parent == tmp_path / "presets" / "captured"
        assert [json.loads(e.detail) for e in preset.entries] == [{"n": 2, "label": "event 2"}]
        assert preset.bus == bus and preset.entries[0].time

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen)
        await workers_done(pilot)
    assert leftovers(events_client, sqs_client, bus) == []


async def test_a_crash_of_the_app_still_removes_the_rule_and_queue(
    local_settings: AwsSettings,
    events_client: Any,
    sqs_client: Any,
    bus: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(self: TailScreen) -> None:
        raise RuntimeError("a bug in the screen")

    monkeypatch.setattr(TailScreen, "action_toggle_time", boom)
    screen = TailScreen(bus=bus)
    app = WatchingHost(screen, local_settings, tmp_path)
    with pytest.raises(RuntimeError, match="a bug in the screen"):
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: screen.state == "tailing")
            assert leftovers(events_client, sqs_client, bus) != []
            await pilot.press("t")
            await pilot.pause(0.5)
    assert leftovers(events_client, sqs_client, bus) == []
