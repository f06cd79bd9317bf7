"""Helpers for driving the composer with Textual's Pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


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
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
