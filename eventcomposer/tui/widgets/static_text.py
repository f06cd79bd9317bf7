"""Updating a Static only when what it shows changes.

``Static.update`` always asks for a new layout of the screen, and the composer re-renders its
whole model after every edit: without this check each keystroke laid out the screen again for
messages, titles and labels that had not changed (most of them, most of the time).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def show_text(static: Static, content: str | Text) -> None:
    """Show ``content`` in ``static`` unless it already shows exactly that."""
    current = static.content
    if type(current) is type(content) and current == content:
        return
    static.update(content)
