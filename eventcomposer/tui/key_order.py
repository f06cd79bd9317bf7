"""Keys handled in the order they were typed, however fast they come.

A terminal hands over what was typed in one read when the app is busy, or when text is pasted
or sent without bracketed paste (tmux ``send-keys``, an ``expect`` script). Textual then routes
every key of the read before any is handled: characters go into the focused field's queue, a
priority binding (Ctrl+N) runs at once, ahead of the characters typed before it, and a field's
own binding (Ctrl+A, Ctrl+K, Backspace in an input) bubbles up to the app and runs after the
characters typed after it. ``yesterday``, then Ctrl+A, Ctrl+K, ``{{now-5m}}`` and Ctrl+N in one
burst left Time as ``{{now-5m}}yesterday`` and could put the new text in the new entry.

So each key the terminal sends waits until the focused widget has handled the keys before it
(or, on a screen just opened, until the screen has mounted and focused its field: screens focus
with ``set_focus``, at once, not ``Widget.focus``, which waits behind the keys), and a key bound
by the focused text field itself runs there and then, in its turn. Only public Textual API:
``Key.is_forwarded``, ``call_later``, ``active_bindings``, ``check_consume_key``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

#: The longest a key waits for the focused widget (a widget stuck in a long handler must not
#: hold up the keyboard for good): then it goes on as Textual would send it.
WAIT_SECONDS = 1.0


async def handled_in_order(app: App[Any], event: events.Event) -> bool:
    """For a key just read from the terminal: wait until the focused widget has handled the
    keys before it; then, if the focused text field binds the key itself (and no priority key
    of the app does), run that binding now and return True (the key is done). Otherwise (and
    for every other event) return False: the app handles it as usual."""
    if not isinstance(event, events.Key) or event.is_forwarded:
        return False
    focused = app.focused
    if focused is None:  # a screen just opened (F9): it takes the focus as it mounts
        await _caught_up(app.screen)
        focused = app.focused
        if focused is None:
            return False
    await _caught_up(focused)
    if event.is_printable or not isinstance(focused, (Input, TextArea)):
        return False
    if focused.check_consume_key(event.key, event.character):
        return False
    active = app.active_bindings.get(event.key)
    if active is None or active.node is not focused or active.binding.priority:
        return False
    if not active.enabled:  # disabled here: Textual's own path decides what else it does
        return False
    await app.run_action(active.binding.action, focused)
    return True


async def _caught_up(widget: Widget) -> None:
    """Return once ``widget`` has handled everything posted to it before now."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def reached() -> None:
        if not done.done():
            done.set_result(None)

    if not widget.call_later(reached):  # not running (being removed): nothing to wait for
        return
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(done, WAIT_SECONDS)
