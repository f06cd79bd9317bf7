"""The size meter: the entry's and the whole request's bytes against the PutEvents limit."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from eventcomposer.core.sizes import DEFAULT_REQUEST_LIMIT, format_bytes


class SizeMeter(Widget):
    """``entry 1.2 KiB  ▕███░░░▏  request 3.4 KiB of 1.00 MiB (0.3%)`` — red past the limit."""

    HELP = """\
## Size meter
Bytes counted the way PutEvents counts them: Time counts 14 bytes if set; Source, DetailType,
Detail and each Resource count their UTF-8 bytes. The limit is for the whole request.
"""

    entry_bytes: reactive[int] = reactive(0)
    request_bytes: reactive[int] = reactive(0)
    limit: reactive[int] = reactive(DEFAULT_REQUEST_LIMIT)

    BAR = 20

    def render(self) -> Text:
        limit = max(self.limit, 1)
        over = self.request_bytes > limit or self.entry_bytes > limit
        share = min(self.request_bytes / limit, 1.0)
        filled = round(share * self.BAR)
        style = "bold red" if over else ("yellow" if share > 0.8 else "green")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("entry ", style="dim")
        text.append(f"{self.entry_bytes:,} B", style="bold red" if self.entry_bytes > limit else "")
        if self.entry_bytes >= 1024:
            text.append(f" ({format_bytes(self.entry_bytes)})", style="dim")
        text.append("  ")
        text.append("█" * filled, style=style)
        text.append("░" * (self.BAR - filled), style="dim")
        text.append("  request ", style="dim")
        text.append(f"{format_bytes(self.request_bytes)}", style=style)
        text.append(f" of {format_bytes(limit)} ({self.request_bytes / limit:.1%})", style="dim")
        if over:
            text.append("  over the limit", style="bold red")
        return text
