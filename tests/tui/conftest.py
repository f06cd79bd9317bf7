"""Fixtures for the composer's tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _record_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """What each app told the user (``tui_helpers.told``), recorded through the public
    ``App.notify`` rather than read from Textual's private store."""
    from textual.app import App

    original = App.notify

    def notify(self: App[Any], message: str, *args: Any, **kwargs: Any) -> None:
        self.__dict__.setdefault("told", []).append((str(message), str(kwargs.get("title", ""))))
        original(self, message, *args, **kwargs)

    monkeypatch.setattr(App, "notify", notify)


@pytest.fixture
def presets_dir(tmp_path: Path) -> Path:
    """A copy of the example presets (tests save and delete in it)."""
    folder = tmp_path / "presets"
    shutil.copytree(ROOT / "presets", folder)
    return folder


@pytest.fixture
def delivered(
    delivered: Callable[..., list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., list[dict[str, Any]]]:
    """``delivered`` from the shared conftest, with the rules panel kept from reading the demo
    queues after a send: it deletes the events it finds there, which such a test reads itself.
    (The panel's own reading is tested in test_tui_rules.py and test_rules_panel.py.)"""
    from eventcomposer.tui.backend import Backend

    monkeypatch.setattr(Backend, "read_deliveries", lambda self, panel, sent, rules: False)
    return delivered
