"""The Archives screen on a minimal app (its I/O done app-side by ``tui.watching``, as in the
composer), against the local EventBridge: the bus's archives are listed, and a replay of one is
followed to its end state."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input
from tui_helpers import WatchingHost, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.screens.archives import ArchivesScreen

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def archive(events_client: Any) -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:8]
    bus, name = f"tui-arch-{suffix}", f"tui-archive-{suffix}"
    arn = events_client.create_event_bus(Name=bus)["EventBusArn"]
    events_client.create_archive(ArchiveName=name, EventSourceArn=arn)
    events_client.put_events(
        Entries=[{"Source": "com.tui", "DetailType": "A", "Detail": "{}", "EventBusName": bus}]
    )
    yield bus, name
    events_client.delete_archive(ArchiveName=name)


async def test_archives_are_listed_and_a_replay_reaches_its_end_state(
    local_settings: AwsSettings, archive: tuple[str, str], tmp_path: Path
) -> None:
    bus, name = archive
    screen = ArchivesScreen(bus)
    async with WatchingHost(screen, local_settings, tmp_path).run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: bool(screen.archives))
        assert [a.name for a in screen.archives] == [name]
        assert "1 archive(s) of bus" in str(screen.query_one("#archives-status").render())

        screen.query_one("#replay-from", Input).value = "yesterday"
        await pilot.press("r")
        assert screen.replay is None  # refused: not a time

        screen.query_one("#replay-from", Input).value = "now-1h"
        screen.query_one("#replay-to", Input).value = "now+1m"
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.replay is not None and screen.replay.done)
        assert screen.replay.state == "COMPLETED"
        assert json.dumps(screen.replay.as_json())  # what a user could copy
        assert "COMPLETED" in str(screen.query_one("#archives-status").render())
        await pilot.press("escape")
