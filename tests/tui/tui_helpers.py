"""Helpers for driving the composer with Textual's Pilot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from eventcomposer.tui.backend import Backend
from eventcomposer.tui.messages import WatchRequest
from eventcomposer.tui.watching import Watching

if TYPE_CHECKING:
    from eventcomposer.aws.send import SendReport
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.tui.app import EventComposerApp


class WatchingHost(App[None]):
    """Just enough app to push a Tail or Archives screen onto: the composer's backend and
    ``Watching`` do the screen's I/O, as in the composer (and end its tail on unmount)."""

    def __init__(self, screen: Screen[None], settings: AwsSettings, presets_dir: Path) -> None:
        super().__init__()
        self.first_screen = screen
        self.backend = Backend(self, settings)
        self.watching = Watching(self, self.backend, presets_dir)

    def on_mount(self) -> None:
        self.push_screen(self.first_screen)

    @on(WatchRequest)
    def _watch_request(self, request: WatchRequest) -> None:
        self.watching.handle(request)

    def on_unmount(self) -> None:
        self.watching.stop_all()


def told(app: App[Any]) -> list[tuple[str, str]]:
    """(message, title) of every notification the app showed, oldest first."""
    return list(app.__dict__.get("told", []))


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 15.0
) -> None:
    """Let the app run until ``condition()`` is true (bounded; never asserts on timing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


async def ready(pilot: Pilot[Any]) -> None:
    """Wait until the composer is fully mounted (the Detail editor comes after the first frame)."""
    await pilot.pause()
    await wait_for(pilot, lambda: pilot.app.composer_ready)  # type: ignore[attr-defined]


async def settle(pilot: Pilot[Any]) -> None:
    """Let debounced editor messages and workers finish."""
    await ready(pilot)
    await pilot.pause(0.3)
    await workers_done(pilot)
    await pilot.pause()


async def workers_done(pilot: Pilot[Any]) -> None:
    """Wait for the app's workers; one cancelled meanwhile (an exclusive worker replaced by a
    newer run, as the rules panel's are) is not an error: wait for what replaced it."""
    for _ in range(20):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause()


def fill(app: EventComposerApp, source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Fill the selected entry's fields directly (typing is tested on its own)."""
    app.form.field("source").input.value = source
    app.form.field("detail-type").input.value = detail_type
    app.editor.load_text(json.dumps(detail))


async def send_and_wait(app: EventComposerApp, pilot: Pilot[Any], key: str = "f5") -> SendReport:
    """Press ``key`` (F5 send, F8 retry failed) and wait until a new report is shown."""
    before = app.results.report
    await pilot.press(key)
    await wait_for(pilot, lambda: app.results.report is not before and not app.sends.sending)
    await pilot.pause()
    report = app.results.report
    assert report is not None
    return report


async def run_from_palette(pilot: Pilot[Any], search: str, command: str) -> None:
    """Ctrl+P, type ``search``, wait until the highlighted command is ``command`` (the palette
    searches in workers: a slow machine may not have listed it yet), then Enter."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*search)

    def highlighted() -> str:
        found = pilot.app.screen.query(CommandList)
        if not found:
            return ""
        options = found.first()
        if options.highlighted is None or options.has_class("--populating"):
            return ""
        return str(options.get_option_at_index(options.highlighted).prompt)

    await wait_for(pilot, lambda: command.lower() in highlighted().lower())
    await pilot.press("enter")


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """``keys`` as a terminal hands over one read of them (a paste without brackets, tmux
    ``send-keys``, a fast typist on a busy app): every one is queued before any is handled,
    where Pilot's ``press`` lets each be handled first. Named as ``press`` names them."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            character: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
            )
        except KeyError:
            character = key if len(key) == 1 else None
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)
