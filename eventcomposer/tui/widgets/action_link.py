"""A clickable one-line link such as ``+ add``: lighter than a Button (little CSS)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class ActionLink(Static):
    """Posts ``ActionLink.Pressed`` when clicked, or on Enter or Space when ``focusable`` (a
    link that is the only way to something, such as the first resource, is a Tab stop)."""

    DEFAULT_CSS = """
    ActionLink { width: auto; color: $accent; }
    ActionLink:hover { text-style: bold underline; }
    ActionLink:focus { text-style: bold reverse; }
    """

    BINDINGS = [Binding("enter,space", "press", "Press", id="link.press")]

    @dataclass
    class Pressed(Message):
        link: ActionLink

        @property
        def control(self) -> ActionLink:
            return self.link

    def __init__(
        self,
        label: str,
        *,
        focusable: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(label, name=name, id=id, classes=classes)
        self.can_focus = focusable

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()

    def action_press(self) -> None:
        self.post_message(self.Pressed(self))
