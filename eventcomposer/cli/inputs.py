"""Gathering what to send: presets, AWS CLI input, buses and variables (resolved lazily)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventcomposer.core.cli_formats import (
    CliInput,
    InputFormatError,
    parse_cli_input_json,
    parse_cli_input_yaml,
    parse_entries_json,
    read_argument,
)
from eventcomposer.core.entries import Entry
from eventcomposer.core.presets import (
    VARS_FILE_NAMES,
    PresetError,
    iter_preset_files,
    load_preset,
    load_vars,
)
from eventcomposer.core.templating import TemplateError
from eventcomposer.sending import Plan


class InputError(Exception):
    """Input the user got wrong; the message is what they see (exit code 2)."""


@dataclass
class Batch:
    """What the arguments name, as written (each entry with its bus set), and how to resolve
    it: ``variables`` for ``{{NAME}}``, ``repeat`` rounds. Entries are resolved lazily by
    :meth:`plan` (a long replay is built as it is sent); ``entries`` and ``origins`` resolve
    every round at once, for a dry run, validation and the rules. ``written_origins`` says where
    each written entry came from (for messages), ``labels`` names the presets or files (for the
    history)."""

    written: list[Entry] = field(default_factory=list)
    written_origins: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    endpoint_id: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    repeat: int = 1
    #: seeds {{faker.*}} and {{random.int}} (--seed)
    seed: int | None = None
    #: for each written entry, the preset file and the entry's index in it (None: not a file)
    written_files: list[tuple[Path, int] | None] = field(default_factory=list)
    _plan: Plan | None = field(default=None, repr=False)
    _entries: list[Entry] | None = field(default=None, repr=False)

    def plan(self) -> Plan:
        """The send plan (one per batch: what was checked is what is sent)."""
        if self._plan is None:
            self._plan = Plan(
                self.written,
                self.written_origins,
                variables=self.variables,
                repeat=self.repeat,
                labels=self.labels,
                endpoint_id=self.endpoint_id,
                seed=self.seed,
            )
        return self._plan

    @property
    def count(self) -> int:
        return len(self.written) * self.repeat

    @property
    def entries(self) -> list[Entry]:
        """Every entry resolved (all rounds). Raises InputError for a variable with no value."""
        if self._entries is None:
            try:
                self._entries = self.plan().resolved()
            except TemplateError as exc:
                raise InputError(str(exc)) from None
        return self._entries

    @property
    def origins(self) -> list[str]:
        return self.plan().all_origins()


def gather(args: argparse.Namespace) -> Batch:
    """Every entry the arguments name, as written, buses assigned; the first round resolved
    (so that a variable with no value is an InputError here). Later rounds of ``--repeat`` are
    resolved as they are sent."""
    repeat = getattr(args, "repeat", 1)
    if repeat < 1:
        raise InputError(f"--repeat must be 1 or more, not {repeat}")
    batch = Batch(variables=_variables(args), repeat=repeat, seed=getattr(args, "seed", None))
    try:
        for source in list(_sources(args, batch)):
            entry = source.entry
            if not entry.event_bus_name and source.bus:
                entry = entry.copy(event_bus_name=source.bus)
            batch.written.append(entry)
            batch.written_origins.append(source.origin)
            batch.written_files.append(source.file)
        batch.plan().first_round()
    except (PresetError, InputFormatError, TemplateError) as exc:
        raise InputError(str(exc)) from None
    return batch


@dataclass(frozen=True)
class _Source:
    entry: Entry
    bus: str | None
    origin: str
    file: tuple[Path, int] | None = None


def _sources(args: argparse.Namespace, batch: Batch) -> Iterator[_Source]:
    """The unresolved entries of every input, in order."""
    bus_override = getattr(args, "bus", None)
    files = [Path(f) for f in getattr(args, "files", [])]
    for path in files:
        if str(path) != "-" and not path.exists():  # - is standard input
            raise InputError(f"{path}: no such file or folder")
    found = False
    for path in iter_preset_files(files):
        found = True
        preset = load_preset(path)
        batch.labels.append(preset.name)
        if preset.endpoint_id:
            if batch.endpoint_id not in (None, preset.endpoint_id):
                raise InputError(f"{path}: EndpointId differs from another input's")
            batch.endpoint_id = preset.endpoint_id
        for i, entry in enumerate(preset.entries, start=1):
            where = "<stdin>" if str(path) == "-" else path
            schema = preset.schema_of(entry)
            if schema and schema != entry.schema:
                entry = entry.copy(schema=schema)  # the preset's, for this entry
            file = (path, i - 1) if str(path) != "-" else None
            yield _Source(entry, bus_override or preset.bus, f"{where} entry {i}", file)
    if files and not found:
        raise InputError(f"no preset files (*.yaml) found in {', '.join(map(str, files))}")
    for value in getattr(args, "entries", []):
        text, name = read_argument(value)
        batch.labels.append(f"--entries {name}")
        for i, entry in enumerate(parse_entries_json(text, f"--entries {name}"), start=1):
            yield _Source(entry, bus_override, f"--entries entry {i}")
    for flag, parse in (
        ("--cli-input-json", parse_cli_input_json),
        ("--cli-input-yaml", parse_cli_input_yaml),
    ):
        for value in getattr(args, flag[2:].replace("-", "_"), []):
            text, name = read_argument(value)
            document: CliInput = parse(text, f"{flag} {name}")
            batch.labels.append(f"{flag} {name}")
            batch.endpoint_id = document.endpoint_id or batch.endpoint_id
            for i, entry in enumerate(document.entries, start=1):
                yield _Source(entry, bus_override, f"{flag} entry {i}")


def _variables(args: argparse.Namespace) -> dict[str, str]:
    """Variables from ``presets/vars.yaml``, a ``vars.yaml`` in each named folder, then every
    ``--vars FILE`` (later ones win)."""
    folders = [Path("presets")] + [Path(f) for f in getattr(args, "files", []) if Path(f).is_dir()]
    files = [f / name for f in dict.fromkeys(folders) for name in VARS_FILE_NAMES]
    files = [f for f in files if f.is_file()] + [Path(v) for v in getattr(args, "vars", [])]
    values: dict[str, str] = {}
    try:
        for path in files:
            values.update(load_vars(path))
    except PresetError as exc:
        raise InputError(str(exc)) from None
    return values
