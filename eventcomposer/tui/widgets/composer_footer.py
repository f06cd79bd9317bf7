"""The footer: the keys of the focused widget and the composer's main ones; in a narrow terminal
only those that fit (F1 lists every key, so none is lost)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Left off a narrow footer (under 140 columns): the most used keys stay in view.
NARROW_HIDDEN = frozenset({"retry_failed", "format_json", "open_in_editor", "save_preset_as"})


class ComposerFooter(Footer):
    """Textual's footer, leaving ``NARROW_HIDDEN`` keys off when ``narrow``."""

    narrow: reactive[bool] = reactive(False, recompose=True)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if self.narrow and isinstance(widget, FooterKey) and widget.action in NARROW_HIDDEN:
                continue
            yield widget
