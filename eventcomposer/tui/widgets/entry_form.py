"""The entry form: Source, DetailType, Time, TraceHeader and Resources, validated as you type.

The form only collects values; the app validates them with the core and hands the messages back
(``show_problems``), so there is one copy of every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input

from eventcomposer.core.entries import Entry
from eventcomposer.tui.messages import EntryEdited, ResourcesChanged
from eventcomposer.tui.widgets.validated_field import ValidatedField

if TYPE_CHECKING:
    from eventcomposer.tui.widgets.resources_editor import ResourcesEditor

#: How many of FIELDS the first frame shows.
FIRST_FRAME_FIELDS = 2
#: form field id -> (label, placeholder, Entry attribute, API field name)
FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("source", "Source", "com.example.orders", "source", "Source"),
    ("detail-type", "DetailType", "Order Placed", "detail_type", "DetailType"),
    ("time", "Time", "empty = time of sending", "time", "Time"),
    ("trace-header", "TraceHeader", "optional X-Amzn-Trace-Id", "trace_header", "TraceHeader"),
)


class EntryForm(VerticalScroll, can_focus=False):
    """The fields of the selected entry, except Detail (the Detail editor's)."""

    HELP = """\
## Entry form
The PutEvents fields of the selected entry. Each is checked as you type and the problem is shown
beside it: **Source** (required, not `aws.`), **DetailType** (required, ≤ 128 characters),
**Time** (RFC 3339; empty means the time of sending), **TraceHeader** (1–500 characters),
**Resources** (each ≤ 2048 characters). Variables such as `{{uuid}}` and `{{now}}` are resolved
when sending.
"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entry = Entry()
        self._complete = False

    def compose(self) -> ComposeResult:
        # Source and DetailType are what one types first; the rest is mounted right after the
        # first frame (``mount_rest``), which then comes sooner.
        for field_id, label, placeholder, _attr, api in FIELDS[:FIRST_FRAME_FIELDS]:
            yield ValidatedField(label, placeholder=placeholder, field_name=api, id=field_id)

    async def mount_rest(self) -> None:
        """Mount the optional fields and the resources editor, showing the current entry."""
        if self._complete:
            return
        entry = self.current()  # with what may have been typed in the first fields
        fields = [
            ValidatedField(label, placeholder=placeholder, field_name=api, id=field_id)
            for field_id, label, placeholder, _attr, api in FIELDS[FIRST_FRAME_FIELDS:]
        ]
        from eventcomposer.tui.widgets.resources_editor import ResourcesEditor

        resources = ResourcesEditor(id="resources")
        await self.mount_all([*fields, resources])
        self._complete = True
        await self.load(entry)

    def _fields(self) -> list[tuple[ValidatedField, str, str]]:
        """(field, Entry attribute, API name) of the fields mounted so far."""
        count = len(FIELDS) if self._complete else FIRST_FRAME_FIELDS
        return [
            (self.field(field_id), attr, api)
            for field_id, _label, _placeholder, attr, api in FIELDS[:count]
        ]

    @property
    def _resources(self) -> ResourcesEditor:
        return self.query_one("#resources")  # type: ignore[return-value]

    def field(self, field_id: str) -> ValidatedField:
        return self.query_one(f"#{field_id}", ValidatedField)

    async def load(self, entry: Entry) -> None:
        """Show ``entry`` without reporting it as an edit."""
        self._entry = entry
        with self.prevent(Input.Changed, ResourcesChanged):
            for field, attr, _api in self._fields():
                field.input.value = getattr(entry, attr) or ""
            if self._complete:
                await self._resources.load(entry.resources)

    def current(self) -> Entry:
        """The entry as the form shows it (Detail and the rest unchanged)."""
        values: dict[str, object] = {}
        for field, attr, _api in self._fields():
            value = field.value
            if attr in ("time", "trace_header"):
                values[attr] = value or None
            else:
                values[attr] = value
        if self._complete:
            values["resources"] = list(self._resources.resources)
        return self._entry.copy(**values)

    def set_detail(self, detail: str) -> None:
        """Keep the form's copy of the entry in step with the Detail editor."""
        self._entry = self._entry.copy(detail=detail)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Show each field's problem (keyed by API field name) beside it; clear the others."""
        for field, _attr, api in self._fields():
            field.set_message(problems.get(api))
        if not self._complete:
            return
        resource = next((m for f, m in problems.items() if f.startswith("Resources")), None)
        if resource:
            field = next(f for f in problems if f.startswith("Resources"))
            resource = f"{field.removeprefix('Resources')}: {resource}"
        self._resources.set_message(resource)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._report()

    @on(ResourcesChanged)
    def _resources_changed(self, event: ResourcesChanged) -> None:
        event.stop()
        self._report()

    def _report(self) -> None:
        entry = self.current()
        if entry != self._entry:
            self._entry = entry
            self.post_message(EntryEdited(entry))
