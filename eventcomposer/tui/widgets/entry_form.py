"""The entry form: every field of the selected entry but Detail, with each field's problem.

The form keeps no copy of the entry: it shows what the app gives it (``show``) and says that a
field changed (``FormEdited``); the app then applies what the inputs hold, paired with the id
of the entry they show (``pending_edits``), so an edit that arrives after the selection moved
on, or after an action applied a newer value, can never be applied to another entry or undo
it. Its fields come from the one field table (``core.fields``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input

from eventcomposer.core.entries import Entry
from eventcomposer.core.fields import FORM_FIELDS, Field, Kind
from eventcomposer.core.validation import Problem
from eventcomposer.tui.messages import FormEdited, ResourcesChanged
from eventcomposer.tui.widgets.validated_field import ValidatedField

if TYPE_CHECKING:
    from eventcomposer.tui.widgets.resources_editor import ResourcesEditor

#: The one-line fields, in the form's order; the list field (Resources) comes after them.
LINE_FIELDS: tuple[Field, ...] = tuple(f for f in FORM_FIELDS if f.kind is not Kind.LIST)
#: How many of LINE_FIELDS the first frame shows.
FIRST_FRAME_FIELDS = 2


def field_id(f: Field) -> str:
    """The form widget's id for a field: ``DetailType`` -> ``detail-type``."""
    return f.attr.replace("_", "-").replace("event-bus-name", "entry-bus")


class PendingEdit(NamedTuple):
    """One field (``api``: its API name) as the form holds it, for the entry it shows."""

    entry_id: int
    api: str
    value: str | list[str]


class EntryForm(VerticalScroll, can_focus=False):
    """The fields of the selected entry, except Detail (the Detail editor's)."""

    HELP = """\
## Entry form
The PutEvents fields of the selected entry. Each is checked as you type and the problem is shown
beside it: **Source** (required, not `aws.`), **DetailType** (required, ≤ 128 characters),
**Time** (RFC 3339; empty means the time of sending), **TraceHeader** (1–500 characters),
**Bus** (this entry's EventBusName; empty means the batch's bus, picked with F2),
**Resources** (each ≤ 2048 characters). Variables such as `{{uuid}}` and `{{now}}` are resolved
when sending, and the checks and sizes are of the entry as it will be sent.
"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The id of the entry shown (the composer model's); edits are reported against it.
        self.entry_id = 0
        self._complete = False

    def compose(self) -> ComposeResult:
        # Source and DetailType are what one types first; the rest is mounted right after the
        # first frame (``mount_rest``), which then comes sooner.
        for f in LINE_FIELDS[:FIRST_FRAME_FIELDS]:
            yield self._line_field(f)

    @staticmethod
    def _line_field(f: Field) -> ValidatedField:
        return ValidatedField(f.label, placeholder=f.hint, field_name=f.api, id=field_id(f))

    async def mount_rest(self) -> None:
        """Mount the other fields and the resources editor (they show the next ``show``)."""
        if self._complete:
            return
        from eventcomposer.tui.widgets.resources_editor import ResourcesEditor

        fields = [self._line_field(f) for f in LINE_FIELDS[FIRST_FRAME_FIELDS:]]
        await self.mount_all([*fields, ResourcesEditor(id="resources")])
        self._complete = True

    def _fields(self) -> list[tuple[ValidatedField, Field]]:
        """The one-line fields mounted so far, with their table rows."""
        count = len(LINE_FIELDS) if self._complete else FIRST_FRAME_FIELDS
        return [(self.field(field_id(f)), f) for f in LINE_FIELDS[:count]]

    @property
    def resources(self) -> ResourcesEditor:
        return self.query_one("#resources")  # type: ignore[return-value]

    def field(self, name: str) -> ValidatedField:
        return self.query_one(f"#{name}", ValidatedField)

    async def show(self, entry_id: int, entry: Entry, problems: Mapping[str, Problem]) -> None:
        """Show an entry and its problems (keyed by field: ``Source``, ``Resources[2]``...)
        without reporting it as an edit."""
        self.entry_id = entry_id
        with self.prevent(Input.Changed, ResourcesChanged):
            for widget, f in self._fields():
                text = f.form_text(entry)
                if widget.input.value != text:
                    widget.input.value = text
            if self._complete:
                await self.resources.show(entry.resources)
        self.show_problems(problems)

    def show_problems(self, problems: Mapping[str, Problem]) -> None:
        for widget, f in self._fields():
            problem = problems.get(f.api)
            widget.set_message(problem.message if problem else None)
        if not self._complete:
            return
        key = next((k for k in problems if k.startswith("Resources")), None)
        message = None
        if key is not None:
            message = f"{key.removeprefix('Resources')}: {problems[key].message}"
        self.resources.set_message(message)

    def current(self) -> Entry:
        """What the form's inputs hold now, as an entry (for tests; Detail left default)."""
        values: dict[str, object] = {f.attr: f.from_form(w.value) for w, f in self._fields()}
        if self._complete:
            values["resources"] = self.resources.values
        return Entry(**values)  # type: ignore[arg-type]

    @on(Input.Changed)
    @on(ResourcesChanged)
    def _changed(self, event: Input.Changed | ResourcesChanged) -> None:
        event.stop()
        self.post_message(FormEdited())

    def pending_edits(self) -> list[PendingEdit]:
        """Every field as the inputs hold it now: the app applies these before any action and
        on ``FormEdited``, so the model never lags behind what is on screen."""
        edits = [PendingEdit(self.entry_id, f.api, w.value) for w, f in self._fields()]
        if self._complete:
            edits.append(PendingEdit(self.entry_id, "Resources", self.resources.values))
        return edits
