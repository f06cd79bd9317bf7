"""The private Textual hooks the Detail editor relies on are all still there (by name)."""

from __future__ import annotations

from eventcomposer.tui.textual_compat import missing_hooks


def test_every_private_hook_of_the_detail_editor_exists() -> None:
    assert missing_hooks() == []
