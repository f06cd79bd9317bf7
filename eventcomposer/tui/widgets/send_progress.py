"""The send progress indicator: a spinner and a bar of entries done, shown while sending.

Lighter than Textual's ProgressBar (one node, no CSS of its own), which matters for startup.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class SendProgress(Widget):
    """``⠹ sending ▰▰▰▱▱▱▱▱▱▱ 3/10`` while a send runs; nothing otherwise."""

    done: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    running: reactive[bool] = reactive(False)
    _frame: reactive[int] = reactive(0)

    BAR = 10

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None

    def start(self, total: int) -> None:
        self.total, self.done, self.running = total, 0, True
        if self._timer is None:
            self._timer = self.set_interval(0.1, self._tick)

    def advance(self, done: int) -> None:
        self.done = done

    def stop(self) -> None:
        self.running = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(_FRAMES)

    def render(self) -> Text:
        if not self.running:
            return Text("")
        total = max(self.total, 1)
        filled = round(self.BAR * min(self.done, total) / total)
        text = Text(no_wrap=True)
        text.append(_FRAMES[self._frame] + " sending ", style="bold yellow")
        text.append("▰" * filled, style="yellow")
        text.append("▱" * (self.BAR - filled), style="dim")
        text.append(f" {self.done}/{self.total}")
        return text
