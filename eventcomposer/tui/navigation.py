"""Keys, focus and layout: which of the app's keys act where, jumping to a pane, the layout for
the terminal's size, starting a new batch, adding the first resource, and quitting.

The app's keys are priority bindings, so that a key shown in the footer or F1 wins over a
focused widget's own (TextArea's F6 and F7 select the line and everything); ``allowed`` keeps
them off dialogs, where the dialog's own keys answer instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.css.query import NoMatches

from eventcomposer.tui.commands import COMPOSER_ACTIONS
from eventcomposer.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from textual.widget import Widget

    from eventcomposer.tui.app import EventComposerApp

#: Pane name -> (selector of the widget that takes the focus, what F1 and the palette call it).
PANES: dict[str, tuple[str, str]] = {
    "tree": ("#presets Tree", "presets tree"),
    "batch": ("#batch ListView", "batch"),
    "form": ("#source-input", "entry form"),
    "editor": ("#detail JsonTextArea", "Detail editor"),
    "rules": ("#rules-list", "rules panel"),
    "results": ("#results-grid", "results"),
}

#: Tab and Shift+Tab as the app's priority keys: the focus moves as soon as the key is read,
#: so the keys after it in one burst (a fast typist on a busy app, a paste without brackets)
#: go to the field it moves to. Textual's own are the screen's: a key there waits until the
#: focused field has worked through every key queued before it, and by then the keys typed
#: after Tab had been handed to the old field too ("orders<Tab>Order" all in Source).
FOCUS_KEYS = (
    Binding("tab", "focus_next", "Next field", id="composer.focus_next", show=False, priority=True),
    Binding(
        "shift+tab",
        "focus_previous",
        "Previous field",
        id="composer.focus_previous",
        show=False,
        priority=True,
    ),
)

#: The app's actions that only make sense on the composer itself (not over a dialog or screen).
MAIN_SCREEN_ONLY = COMPOSER_ACTIONS | {
    "toggle_rules",
    "focus_pane",
    "add_resource",
    "new_batch",
    "copy_event_id",
}

#: Below these sizes the layout gives the Detail editor the room first.
NARROW_WIDTH = 100
#: Below this width the footer leaves the less used keys to F1 (the focused panel's come first).
FULL_FOOTER_WIDTH = 140
SHORT_HEIGHT = 30


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` at once. ``Widget.focus`` waits until the app has handled what is
    queued, keys included: the keys read in the same burst as the one that moved the focus
    (Ctrl+N, then the new entry's Source) would go to the field it left."""
    widget.screen.set_focus(widget)


class QuitScreen(ConfirmScreen):
    """The question before quitting with unsaved changes (only ever one of it)."""


class Navigation:
    """Where keys act, focus jumps, and the layout for the terminal's size."""

    def __init__(self, app: EventComposerApp) -> None:
        self.app = app

    # -- which keys act where -------------------------------------------------------------------

    def allowed(self, action: str) -> bool:
        """Whether one of the app's actions may run now. Over a dialog, the composer's actions
        don't (the dialog's own keys answer: F1 closes help, y/n answer a question); help is
        available everywhere but on itself, and quitting never stacks a second question."""
        from eventcomposer.tui.screens.help import HelpScreen

        app = self.app
        screen = app.screen
        if screen is app.screen_stack[0]:
            return True
        if action in MAIN_SCREEN_ONLY:
            return False
        if action == "help":
            return not isinstance(screen, HelpScreen)
        if action == "quit":
            return not any(isinstance(s, QuitScreen) for s in app.screen_stack)
        return True

    # -- jumping to a pane ----------------------------------------------------------------------

    def focus_pane(self, pane: str) -> None:
        app = self.app
        selector, name = PANES[pane]
        if pane == "rules":
            panel = app.query_one("#side-panel")
            if panel.has_class("-hidden"):
                app.bus_and_rules.toggle()
        try:
            widget: Widget = app.query_one(selector)
        except NoMatches:
            app.notify(f"The {name} is not shown yet.", severity="warning")
            return
        if pane == "results" and not app.results.has_results:
            app.notify("No results yet: F5 sends the batch.", timeout=3)
            return
        focus_now(widget)

    # -- the layout for the terminal's size -----------------------------------------------------

    def resized(self, width: int, height: int) -> None:
        """Narrow or short terminals: the Detail editor gets the room first (see app.tcss)."""
        from eventcomposer.tui.widgets.composer_footer import ComposerFooter

        screen = self.app.screen_stack[0]
        screen.set_class(width < NARROW_WIDTH, "-narrow")
        screen.set_class(width < FULL_FOOTER_WIDTH, "-mid")
        for footer in screen.query(ComposerFooter):
            footer.narrow = width < FULL_FOOTER_WIDTH
        screen.set_class(height < SHORT_HEIGHT, "-short")
        self.app.bus_and_rules.resized(width)

    # -- whole-batch actions --------------------------------------------------------------------

    def new_batch(self) -> None:
        """Start from scratch: one blank entry, no preset (the bus is kept), asking first if
        there are unsaved changes."""
        app = self.app

        async def go(ok: bool | None = True) -> None:
            if not ok:
                return
            state = app.state
            state.load([], state.bus, None, "")
            app.results.clear("New batch: compose an entry and press F5 to send.")
            await app.show_state(reload=True)
            app.set_status("New batch.")
            focus_now(app.query_one("#source-input"))

        if app.state.dirty:
            question = "The batch has unsaved changes. Start a new batch and lose them?"
            app.push_screen(ConfirmScreen(question, yes="New batch"), go)
        else:
            app.call_later(go)

    async def add_resource(self) -> None:
        """Ctrl+R from anywhere: a new Resources row, focused."""
        await self.app.form.resources.action_add_resource()

    def quit(self) -> None:
        app = self.app

        def quit_now(ok: bool | None = True) -> None:
            if ok:
                app.drafts.discard()
                app.exit(0)

        if not app.state.dirty:
            quit_now()
        elif not any(isinstance(s, QuitScreen) for s in app.screen_stack):
            app.push_screen(QuitScreen("Quit and lose unsaved changes?", yes="Quit"), quit_now)
