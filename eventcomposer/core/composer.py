"""The composer's model: the batch being composed, and the only source of truth the TUI shows.

Widgets render from a :class:`Composer` and post edits; nothing else keeps a copy of an entry.
Every entry has a stable id, so an edit that arrives after the selection moved on still lands
on the entry it was made in. What is derived (problems, sizes) is computed here, on the entries
as they will be sent (variables resolved, Detail compacted), so what the screen says is what
Send does. A draft is a :class:`Snapshot` of it.

An entry may name a schema for its Detail (its own ``schema``, else the preset's). Loading a
schema and checking a Detail against it are I/O and (for a large Detail) slow, so they happen
in the app's workers: the model is handed the loaded schemas (:meth:`Composer.set_schema`) and
each entry's violations for a given Detail text (:meth:`Composer.set_schema_result`), and shows
them as problems of Detail while the entry's Detail is still that text.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from eventcomposer.core.entries import Entry, compact_detail
from eventcomposer.core.fields import BY_API, Kind
from eventcomposer.core.json_layout import compacted
from eventcomposer.core.sizes import entry_size, format_bytes
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry
from eventcomposer.core.validation import (
    DEFAULT_LIMITS,
    DetailCheck,
    Limits,
    Problem,
    check_detail,
    validate_call,
    validate_entry,
)

if TYPE_CHECKING:  # jsonschema is imported when a schema is used, not on the way to the UI
    from eventcomposer.core.schemas import Schema, Violation

#: The bus an entry without EventBusName goes to, when the batch names none either.
DEFAULT_BUS = "default"

_ids = itertools.count(1)


def detail_check(text: str) -> DetailCheck:
    """``check_detail`` remembered by text: the Detail editor's worker and the model ask the same
    question about the same (possibly 1 MiB) text, often at the same moment (the model as the
    edit is announced, the worker as it validates it); it is answered once, the second asker
    waiting for the first one's answer rather than parsing the text again beside it.

    Without the parsed value: the model asks only whether and where a Detail is wrong, and
    the values of the last 32 Details checked (tens of thousands of objects each, for a large
    one) made every full garbage collection of the app walk them all."""
    return _remembered(text)[0]


def sent_text(text: str) -> str:
    """Detail ``text`` as it is sent and counted (``compact_detail``), remembered with its
    check: a valid one is compacted without being parsed again."""
    return _remembered(text)[1]


_remembering = threading.Lock()


def _remembered(text: str) -> tuple[DetailCheck, str]:
    with _remembering:
        return _check_and_compact(text)


@lru_cache(maxsize=32)
def _check_and_compact(text: str) -> tuple[DetailCheck, str]:
    check = check_detail(text)
    if check.value is None:
        return check, compact_detail(text)
    return DetailCheck(None), compacted(text)


def sent_detail(entry: Entry) -> Entry:
    """``as_sent(entry)``: the entry with its Detail as it is sent (``sent_text``)."""
    compact = sent_text(entry.detail)
    return entry if compact == entry.detail else entry.copy(detail=compact)


def blank_entry() -> Entry:
    """A new entry as the form starts it."""
    return Entry(source="", detail_type="", detail="{}")


@dataclass(frozen=True)
class EntryCheck:
    """What is wrong with one entry and how big it is, as it will be sent."""

    problems: tuple[Problem, ...]
    size: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_field(self) -> dict[str, Problem]:
        """The first problem of each field (``Resources[2]``, ``Detail``, ``size``, ...)."""
        out: dict[str, Problem] = {}
        for problem in self.problems:
            if problem.field:
                out.setdefault(problem.field, problem)
        return out

    def detail_note(self) -> str:
        """Every problem of the Detail, as the editor's heading says it: the first in full, the
        others (schema violations, say) by their path and line."""
        details = [p for p in self.problems if p.field == "Detail"]
        if not details:
            return ""
        note = f"Detail {details[0].message}"
        if len(details) > 1:
            others = [
                p.message.split(": ", 1)[0] + (f" (line {p.line})" if p.line else "")
                for p in details[1:]
            ]
            note += f"  · {len(others)} more: " + "; ".join(others)
        return note


@dataclass(frozen=True)
class SentMark:
    """One entry's outcome in the last send; dropped as soon as the entry is edited."""

    event_id: str | None
    error_code: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The composer as it stands (a draft): entries, selection, bus and the preset's identity."""

    entries: tuple[Entry, ...]
    selected: int = 0
    bus: str | None = None
    preset_path: Path | None = None
    preset_name: str = ""
    description: str = ""
    dirty: bool = True
    preset_stamp: tuple[int, int] | None = None
    #: a global endpoint's id (the preset's EndpointId), sent with the call
    endpoint_id: str | None = None
    #: the preset's schema (for entries that name none); never sent
    schema: str | None = None


def detail_violations(schema: Schema, text: str) -> list[Violation]:
    """The Detail ``text`` (as the editor holds it) against ``schema``, with its variables
    resolved (``"{{seq}}"`` is a number, ``{{faker.email}}`` an address) and lines that point
    into ``text``: resolving replaces values within their line. Slow for a large Detail: call it
    in a worker. Empty when a variable has no value (the entry's check says so)."""
    from eventcomposer.core.schemas import validate_detail

    try:
        resolved = render_detail(text)
    except TemplateError:
        return []
    return validate_detail(schema, resolved)


def render_detail(text: str) -> str:
    from eventcomposer.core.templating import render

    return render(text, TemplateContext(), "Detail", 1, json_text=True)


class Composer:
    """The batch of one PutEvents call, the selected entry, the bus, and the preset it is from."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._entries: list[Entry] = [blank_entry()]
        self._ids: list[int] = [next(_ids)]
        self.selected = 0
        self.bus: str | None = None
        self.preset_path: Path | None = None
        self.preset_name = ""
        self.description = ""
        self.dirty = False
        #: The preset file's (st_mtime_ns, st_size) when opened or saved, to notice changes.
        self.preset_stamp: tuple[int, int] | None = None
        #: The preset's EndpointId (a global endpoint), sent with the call; None: the bus's region.
        self.endpoint_id: str | None = None
        #: Why the last Send was refused; cleared by the next edit.
        self.refusal = ""
        #: entry id -> its outcome in the last send (the rules panel's "delivered").
        self.sent: dict[int, SentMark] = {}
        self._checks: dict[int, tuple[Entry, str | None, EntryCheck]] = {}
        #: The preset's schema (entries that name none use it); None: no schema.
        self.schema: str | None = None
        #: Loaded schemas by reference, as the app's worker loaded them.
        self.schemas: dict[str, Schema] = {}
        #: entry id -> (schema reference, the Detail text checked, its violations)
        self._schema_results: dict[int, tuple[str, str, tuple[Violation, ...]]] = {}
        #: Bumped by every change, so that views can tell whether they are current.
        self.revision = 0

    # -- reading --------------------------------------------------------------------------------

    @property
    def entries(self) -> list[Entry]:
        """The entries as written (a copy of the list: change them through the methods)."""
        return list(self._entries)

    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    @property
    def entry(self) -> Entry:
        """The selected entry."""
        return self._entries[self.selected]

    @property
    def entry_id(self) -> int:
        """The selected entry's id."""
        return self._ids[self.selected]

    @property
    def max_entries(self) -> int:
        return self.limits.entries_per_call

    @property
    def can_add(self) -> bool:
        return len(self._entries) < self.max_entries

    @property
    def bus_label(self) -> str:
        return self.bus or DEFAULT_BUS

    def index_of(self, entry_id: int) -> int | None:
        try:
            return self._ids.index(entry_id)
        except ValueError:
            return None

    def entry_bus(self, index: int | None = None) -> str | None:
        """Where an entry goes: its own EventBusName, else the batch's bus (None: default)."""
        entry = self._entries[self.selected if index is None else index]
        return entry.event_bus_name or self.bus

    # -- schemas ----------------------------------------------------------------------------------

    def schema_ref(self, index: int | None = None) -> str | None:
        """The schema an entry's Detail must fit: its own, else the preset's (None: none)."""
        entry = self._entries[self.selected if index is None else index]
        return entry.schema or self.schema

    def needed_schemas(self) -> list[str]:
        """Schema references some entry names that have not been loaded yet."""
        refs = [self.schema_ref(i) for i in range(len(self._entries))]
        return [r for r in dict.fromkeys(refs) if r and r not in self.schemas]

    def set_schema(self, ref: str, schema: Schema) -> None:
        """A schema the app loaded (in a worker) for ``ref``."""
        self.schemas[ref] = schema
        self.revision += 1

    def set_schema_result(
        self, entry_id: int, ref: str, text: str, violations: Sequence[Violation]
    ) -> bool:
        """An entry's Detail ``text`` checked against ``ref`` (in a worker); shown while the
        entry's Detail is that text (the check may arrive just before the edit it checked).
        Returns whether it changed what is shown now."""
        index = self.index_of(entry_id)
        if index is None:
            return False  # the entry is gone
        result = (ref, text, tuple(violations))
        if self._schema_results.get(entry_id) == result:
            return False
        self._schema_results[entry_id] = result
        self._checks.pop(entry_id, None)
        if self._entries[index].detail != text:
            return False
        self.revision += 1
        return True

    def schema_pending(self, index: int) -> tuple[int, str, str, Schema] | None:
        """(entry id, reference, Detail text, schema) when an entry's Detail has not been
        checked against its loaded schema as it now reads; None otherwise."""
        ref = self.schema_ref(index)
        if not ref or ref not in self.schemas:
            return None
        entry_id, text = self._ids[index], self._entries[index].detail
        done = self._schema_results.get(entry_id)
        if done is not None and done[0] == ref and done[1] == text:
            return None
        return entry_id, ref, text, self.schemas[ref]

    def _schema_problems(self, index: int) -> list[Problem]:
        entry, entry_id = self._entries[index], self._ids[index]
        done = self._schema_results.get(entry_id)
        if done is None or done[0] != self.schema_ref(index) or done[1] != entry.detail:
            return []
        return [
            Problem(index + 1, "Detail", f"{v.path}: {v.message}", v.line, v.column)
            for v in done[2]
        ]

    # -- derived: problems and sizes, as sent ---------------------------------------------------

    def check(self, index: int | None = None) -> EntryCheck:
        """Problems and size of an entry as it will be sent: variables resolved and Detail
        compacted; Detail is checked as written, so line and column point into the editor."""
        index = self.selected if index is None else index
        entry, entry_id = self._entries[index], self._ids[index]
        cached = self._checks.get(entry_id)
        if cached is not None and cached[0] == entry and cached[1] == self.bus:
            return cached[2]
        result = self._check(entry, index + 1)
        extra = self._schema_problems(index) if not result.by_field().get("Detail") else []
        if extra:
            result = EntryCheck(result.problems + tuple(extra), result.size)
        self._checks[entry_id] = (entry, self.bus, result)
        return result

    def _check(self, entry: Entry, number: int) -> EntryCheck:
        problems: list[Problem] = []
        detail = detail_check(entry.detail)
        sent = sent_detail(entry)
        try:
            resolved = resolve_entry(sent, TemplateContext(), f"entry {number}")
        except TemplateError as exc:
            problems.append(Problem(number, exc.field, str(exc).split(": ", 1)[-1]))
            resolved = sent
        if detail.problem:
            problems.append(Problem(number, "Detail", detail.problem, detail.line, detail.column))
        for problem in validate_entry(resolved, number, self.limits):
            if problem.field == "Detail" and detail.problem:
                continue  # already said, with the line and column of the editor's text
            if problem.field == "size":
                problem = replace(problem, field="Detail")  # the Detail is what to shorten
            if not any(p.field == problem.field for p in problems):
                problems.append(problem)
        return EntryCheck(tuple(problems), entry_size(resolved))

    def invalid(self) -> set[int]:
        """Indexes of the entries that would be refused."""
        return {i for i in range(len(self._entries)) if not self.check(i).ok}

    def request_size(self) -> int:
        return sum(self.check(i).size for i in range(len(self._entries)))

    def size_note(self) -> str:
        """The selected entry's and the request's size against the limit, in words."""
        return (
            f"entry {format_bytes(self.check().size)}, request "
            f"{format_bytes(self.request_size())} of {format_bytes(self.limits.request_bytes)}"
        )

    # -- what Send sends --------------------------------------------------------------------------

    def resolved(self, context: TemplateContext | None = None) -> list[Entry]:
        """The entries exactly as they go over the wire: variables resolved (one context for the
        whole call), Detail compacted, each entry's bus set. Raises TemplateError."""
        context = context or TemplateContext()
        return [
            resolve_entry(self._with_bus(e), context, f"entry {i}")
            for i, e in enumerate(self.sent_entries(), 1)
        ]

    def sent_entries(self) -> list[Entry]:
        """The entries as written with their Detail compacted (``as_sent``), as the model's
        checks compacted them (remembered: a large Detail is not parsed or dumped again)."""
        return [sent_detail(e) for e in self._entries]

    def with_buses(self) -> list[Entry]:
        """The entries as written, each with the bus it goes to (for history and exports)."""
        return [self._with_bus(e) for e in self._entries]

    def _with_bus(self, entry: Entry) -> Entry:
        if entry.event_bus_name or not self.bus:
            return entry
        return entry.copy(event_bus_name=self.bus)

    def send_problems(self) -> list[Problem]:
        """Why Send would be refused (empty: it may go): every entry's problems, then the
        call's (count, total size)."""
        problems = [p for i in range(len(self._entries)) for p in self.check(i).problems]
        try:
            resolved = self.resolved()
        except TemplateError:
            return problems  # each entry's check has said which variable
        problems += [p for p in validate_call(resolved, self.limits) if p.entry is None]
        return problems

    # -- editing ----------------------------------------------------------------------------------

    def _changed(self, entry_ids: Sequence[int] = ()) -> None:
        self.dirty = True
        self.refusal = ""
        for entry_id in entry_ids:
            self.sent.pop(entry_id, None)
        self.revision += 1

    def set_field(self, entry_id: int, api: str, value: str | list[str] | None) -> bool:
        """Set one field of the entry with ``entry_id`` (wherever the selection is now);
        returns whether anything changed."""
        index = self.index_of(entry_id)
        if index is None:
            return False
        f = BY_API[api]
        if f.kind is Kind.OPTIONAL and not value:
            value = None
        entry = self._entries[index]
        if f.get(entry) == value:
            return False
        changes: dict[str, object] = {f.attr: list(value) if isinstance(value, list) else value}
        self._entries[index] = entry.copy(**changes)
        self._changed([entry_id])
        return True

    def reformat_detail(self, entry_id: int, text: str) -> None:
        """The same Detail, laid out differently (the editor pretty-prints): not an edit."""
        index = self.index_of(entry_id)
        if index is None:
            return
        entry = self._entries[index]
        if entry.detail != text and compact_detail(entry.detail) == compact_detail(text):
            self._entries[index] = entry.copy(detail=text)

    def update_entry(self, entry: Entry, index: int | None = None) -> bool:
        """Replace a whole entry (the selected one by default)."""
        index = self.selected if index is None else index
        if self._entries[index] == entry:
            return False
        self._entries[index] = entry
        self._changed([self._ids[index]])
        return True

    def select(self, index: int) -> bool:
        if not 0 <= index < len(self._entries) or index == self.selected:
            return False
        self.selected = index
        self.revision += 1
        return True

    def add(self, entry: Entry | None = None) -> int:
        """Insert an entry after the selected one and select it; refuses past the call limit."""
        if not self.can_add:
            raise ValueError(f"One PutEvents call takes at most {self.max_entries} entries.")
        self._entries.insert(self.selected + 1, entry or blank_entry())
        self._ids.insert(self.selected + 1, next(_ids))
        self.selected += 1
        self._changed()
        return self.selected

    def duplicate(self) -> int:
        return self.add(self.entry.copy())

    def remove(self) -> int:
        """Remove the selected entry; the batch always keeps one (a blank one if need be)."""
        del self._entries[self.selected]
        del self._ids[self.selected]
        if not self._entries:
            self._entries.append(blank_entry())
            self._ids.append(next(_ids))
        self.selected = min(self.selected, len(self._entries) - 1)
        self._changed()
        return self.selected

    def move(self, delta: int) -> int:
        """Move the selected entry up (-1) or down (+1) in the batch."""
        target = self.selected + delta
        if not 0 <= target < len(self._entries):
            return self.selected
        here = self.selected
        self._entries[here], self._entries[target] = self._entries[target], self._entries[here]
        self._ids[here], self._ids[target] = self._ids[target], self._ids[here]
        self.selected = target
        self._changed()
        return self.selected

    def batch_action(self, action: str) -> int:
        """``add``, ``duplicate``, ``remove``, ``up`` or ``down`` on the selected entry; returns
        the selection. ValueError past the call's limit of entries."""
        actions = {
            "add": self.add,
            "duplicate": self.duplicate,
            "remove": self.remove,
            "up": lambda: self.move(-1),
            "down": lambda: self.move(1),
        }
        return actions[action]()

    def set_bus(self, bus: str | None) -> bool:
        bus = None if bus in (None, "", DEFAULT_BUS) else bus
        if bus == self.bus:
            return False
        self.bus = bus
        self._changed()
        return True

    def refuse(self, reason: str) -> None:
        """Send was refused: say why until the next edit."""
        self.refusal = reason
        self.revision += 1

    def record_send(self, marks: dict[int, SentMark]) -> None:
        """The last send's outcomes, by entry id (an earlier send's marks are dropped)."""
        self.sent = dict(marks)
        self.revision += 1

    # -- whole batches ----------------------------------------------------------------------------

    def load(
        self,
        entries: Sequence[Entry],
        bus: str | None,
        path: Path | None,
        name: str,
        description: str = "",
        stamp: tuple[int, int] | None = None,
        endpoint_id: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Replace everything with a preset's contents (not dirty); ``stamp`` is the file's
        (st_mtime_ns, st_size) as read; ``schema`` the preset's."""
        self.restore(
            Snapshot(
                tuple(entries[: self.max_entries]),
                0,
                bus,
                path,
                name,
                description,
                dirty=False,
                preset_stamp=stamp,
                endpoint_id=endpoint_id,
                schema=schema,
            )
        )

    def mark_saved(self, path: Path, name: str, stamp: tuple[int, int] | None) -> None:
        self.preset_path, self.preset_name, self.preset_stamp = path, name, stamp
        self.dirty = False
        self.revision += 1

    def forget_preset_file(self) -> None:
        """The preset's file is gone: the batch is kept, unsaved."""
        self.preset_path = None
        self.preset_stamp = None
        self._changed()

    def snapshot(self) -> Snapshot:
        return Snapshot(
            tuple(self._entries),
            self.selected,
            self.bus,
            self.preset_path,
            self.preset_name,
            self.description,
            self.dirty,
            self.preset_stamp,
            self.endpoint_id,
            self.schema,
        )

    def restore(self, snapshot: Snapshot) -> None:
        entries = list(snapshot.entries[: self.max_entries]) or [blank_entry()]
        self._entries = [e.copy() for e in entries]
        self._ids = [next(_ids) for _ in entries]
        self.selected = min(max(snapshot.selected, 0), len(entries) - 1)
        self.bus = snapshot.bus
        self.preset_path = snapshot.preset_path
        self.preset_name = snapshot.preset_name
        self.description = snapshot.description
        self.dirty = snapshot.dirty
        self.preset_stamp = snapshot.preset_stamp
        self.endpoint_id = snapshot.endpoint_id
        self.schema = snapshot.schema
        self.schemas = {}  # a relative file is relative to the preset: load them again
        self._schema_results.clear()
        self.refusal = ""
        self.sent = {}
        self._checks.clear()
        self.revision += 1


@dataclass(frozen=True)
class BatchFromElsewhere:
    """Entries from the history or AWS CLI input, as the composer shows them, and a note."""

    entries: list[Entry] = field(default_factory=list)
    bus: str | None = None
    note: str = ""


def batch_from_entries(entries: Sequence[Entry], max_entries: int) -> BatchFromElsewhere:
    """The first ``max_entries`` entries; a bus they all name becomes the batch's bus (in the
    header, switched with F2); otherwise each entry keeps its own (shown in its form)."""
    kept = [e.copy(detail_as_mapping=True) for e in entries[:max_entries]]
    notes = []
    if len(entries) > len(kept):
        notes.append(f"first {len(kept)} of {len(entries)} entries: one call's worth")
    buses = {e.event_bus_name or DEFAULT_BUS for e in kept}
    bus: str | None = None
    if len(buses) == 1:
        only = buses.pop()
        bus = None if only == DEFAULT_BUS else only
        kept = [e.copy(event_bus_name=None) for e in kept]
    elif buses:
        notes.append(f"the entries go to {len(buses)} buses: {', '.join(sorted(buses))}")
    return BatchFromElsewhere(kept, bus, "; ".join(notes))
