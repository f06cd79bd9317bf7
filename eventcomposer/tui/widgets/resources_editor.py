"""The Resources editor: a list of ARNs (any strings, AWS does not check) to add and remove."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from eventcomposer.tui.messages import ResourcesChanged
from eventcomposer.tui.widgets.action_link import ActionLink
from eventcomposer.tui.widgets.static_text import show_text
from eventcomposer.tui.widgets.validated_field import FieldInput


class ResourcesEditor(Vertical):
    """One input per resource, a remove button on each, and an add button."""

    HELP = """\
## Resources
ARNs of the resources the event is about (AWS counts their bytes but does not check they are
ARNs). **Ctrl+R** adds one from anywhere (so does Enter on **+ add**), **Ctrl+L** removes the
focused one; the buttons work too.
"""

    BINDINGS = [
        Binding("ctrl+l", "remove_resource", "Remove resource", id="resources.remove"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="resources-head"):
            yield Static("Resources", classes="field-label")
            yield ActionLink("+ add", id="resource-add", focusable=True)
            yield Static("", classes="field-message")
        yield Vertical(id="resource-rows")

    @property
    def values(self) -> list[str]:
        """The resources as the rows hold them (the rows are the only copy)."""
        return [i.value for i in self.query(".resource-input").results(Input)]

    async def show(self, resources: list[str]) -> None:
        """Show ``resources`` (without posting ResourcesChanged)."""
        if resources != self.values:
            await self._rebuild(list(resources))

    async def _rebuild(self, resources: list[str], focus: int | None = None) -> None:
        rows = self.query_one("#resource-rows", Vertical)
        await rows.remove_children()
        new_rows = []
        for index, value in enumerate(resources):
            row = Horizontal(
                Static(f"  [{index + 1}]", classes="field-label"),
                FieldInput(
                    value,
                    placeholder="arn:aws:…",
                    compact=True,
                    select_on_focus=False,  # after an add or remove: a cursor, not a selection
                    name=str(index),
                    classes="resource-input",
                ),
                ActionLink(" ✕ ", name=str(index), classes="resource-remove"),
                classes="resource-row",
            )
            new_rows.append(row)
        if new_rows:
            with self.prevent(Input.Changed):
                await rows.mount_all(new_rows)
        if focus is not None and resources:
            inputs = list(self.query(".resource-input").results(Input))
            target = inputs[min(focus, len(inputs) - 1)]
            target.focus()
            target.cursor_position = len(target.value)  # a cursor, not a selection to overwrite
            # Into view once laid out (a short terminal's form scrolls).
            self.call_after_refresh(target.scroll_visible, animate=False)

    def set_message(self, message: str | None) -> None:
        show_text(self.query_one(".resources-head .field-message", Static), message or "")
        self.set_class(bool(message), "-invalid")

    @on(Input.Changed, ".resource-input")
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(ResourcesChanged(self.values))

    @on(ActionLink.Pressed, "#resource-add")
    async def action_add_resource(self) -> None:
        resources = [*self.values, ""]
        await self._rebuild(resources, focus=len(resources) - 1)
        self.post_message(ResourcesChanged(resources))

    @on(ActionLink.Pressed, ".resource-remove")
    async def _remove_pressed(self, event: ActionLink.Pressed) -> None:
        await self._remove(int(event.link.name or 0))

    async def action_remove_resource(self) -> None:
        focused = self.app.focused
        values = self.values
        if isinstance(focused, Input) and focused.has_class("resource-input"):
            await self._remove(int(focused.name or 0))
        elif values:
            await self._remove(len(values) - 1)

    async def _remove(self, index: int) -> None:
        resources = self.values
        if 0 <= index < len(resources):
            del resources[index]
            await self._rebuild(resources, focus=index if resources else None)
            self.post_message(ResourcesChanged(resources))
