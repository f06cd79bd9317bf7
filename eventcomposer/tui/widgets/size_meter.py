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
        style = "bold red" if over else ("yellow" if share > 0.8 else "green")
        entry = Text(no_wrap=True, overflow="ellipsis")
        entry.append("entry ", style="dim")
        entry.append(
            f"{self.entry_bytes:,} B", style="bold red" if self.entry_bytes > limit else ""
        )
        if self.entry_bytes >= 1024:
            entry.append(f" ({format_bytes(self.entry_bytes)})", style="dim")
        request = Text(no_wrap=True, overflow="ellipsis")
        request.append("  request ", style="dim")
        request.append(f"{format_bytes(self.request_bytes)}", style=style)
        request.append(f" of {format_bytes(limit)} ({self.request_bytes / limit:.1%})", style="dim")
        if over:
            request.append("  over the limit", style="bold red")
        # The bar gives way first in a narrow terminal: the numbers are what must stay.
        width = self.size.width or 200
        bar = min(self.BAR, width - entry.cell_len - request.cell_len - 2)
        text = entry
        if bar >= 4:
            filled = round(share * bar)
            text.append("  ")
            text.append("█" * filled, style=style)
            text.append("░" * (bar - filled), style="dim")
        text.append_text(request)
        return text
