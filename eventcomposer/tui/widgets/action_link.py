"""A clickable one-line link such as ``+ add``: lighter than a Button (no focus, little CSS)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Static


class ActionLink(Static):
    """Posts ``ActionLink.Pressed`` when clicked; the keyboard reaches the same action through
    its owner's bindings."""

    DEFAULT_CSS = """
    ActionLink { width: auto; color: $accent; }
    ActionLink:hover { text-style: bold underline; }
    """

    @dataclass
    class Pressed(Message):
        link: ActionLink

        @property
        def control(self) -> ActionLink:
            return self.link

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed(self))
