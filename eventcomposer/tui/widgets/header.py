"""The header: where events go (profile, region, endpoint, bus) and which preset is open."""

from __future__ import annotations

from typing import Any, Protocol

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class Destination(Protocol):
    """Where events go, as the header shows it (the app's AWS settings are one)."""

    @property
    def profile_label(self) -> str: ...

    @property
    def region_label(self) -> str: ...

    @property
    def endpoint_label(self) -> str: ...

    def is_local_endpoint(self) -> bool: ...


class ComposerHeader(Widget):
    """One line: profile, region, endpoint (a LOCAL badge when local), bus, and the preset."""

    HELP = """\
## Header
Where the events go: **profile @ region → endpoint** (a *LOCAL* badge when
they go to this machine), the selected **bus** (⚠ when it does not exist), and the open
**preset** (● when it has unsaved changes). Switch the bus with **F2**.
"""

    settings: reactive[Any] = reactive(None, layout=False)
    bus: reactive[str] = reactive("default")
    bus_warning: reactive[str] = reactive("")
    preset: reactive[str] = reactive("")
    dirty: reactive[bool] = reactive(False)
    starting: reactive[str] = reactive("")

    def __init__(self, settings: Destination, *, starting: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ComposerHeader.settings, settings)
        self.set_reactive(ComposerHeader.starting, starting)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" eventcomposer ", style="bold reverse")
        settings: Destination = self.settings
        if self.starting:
            text.append("  ")
            text.append(f" {self.starting} ", style="bold black on yellow")
        else:
            text.append("  ")
            text.append(settings.profile_label, style="bold")
            text.append(" @ ", style="dim")
            text.append(settings.region_label, style="bold")
            text.append(" → ", style="dim")
            text.append(settings.endpoint_label, style="bold")
            if settings.is_local_endpoint():
                text.append(" ")
                text.append(" LOCAL ", style="bold black on green")
        tail = Text(no_wrap=True, overflow="ellipsis")
        tail.append("  bus ", style="dim")
        tail.append(self.bus, style="bold cyan")
        if self.bus_warning:
            tail.append(" ⚠ does not exist", style="bold red")
        tail.append("  preset ", style="dim")
        tail.append(self.preset or "(unsaved)", style="bold")
        if self.dirty:
            tail.append(" ●", style="bold yellow")
        # Where events go gives way first: the bus, the preset and its unsaved marker stay.
        width = self.size.width
        if width and text.cell_len + tail.cell_len > width:
            text.truncate(max(width - tail.cell_len, 4), overflow="ellipsis")
        text.append_text(tail)
        return text
