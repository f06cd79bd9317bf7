"""Gathering what to send: presets, AWS CLI input, buses and variables, resolved."""

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
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry


class InputError(Exception):
    """Input the user got wrong; the message is what they see (exit code 2)."""


@dataclass
class Batch:
    """Resolved entries ready to validate and send, each with its bus set; ``origins`` says where
    each came from (for messages), ``labels`` names the presets or files (for the history)."""

    entries: list[Entry] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    endpoint_id: str | None = None


@dataclass(frozen=True)
class _Source:
    entry: Entry
    bus: str | None
    origin: str


def gather(args: argparse.Namespace) -> Batch:
    """Every entry the arguments name, ``--repeat`` times, variables resolved, buses assigned."""
    ctx = TemplateContext(variables=_variables(args))
    repeat = getattr(args, "repeat", 1)
    if repeat < 1:
        raise InputError(f"--repeat must be 1 or more, not {repeat}")
    batch = Batch()
    try:
        sources = list(_sources(args, batch))
        for round_number in range(1, repeat + 1):
            suffix = f" (repeat {round_number})" if repeat > 1 else ""
            for source in sources:
                resolved = resolve_entry(source.entry, ctx, source.origin)
                if not resolved.event_bus_name and source.bus:
                    resolved.event_bus_name = source.bus
                batch.entries.append(resolved)
                batch.origins.append(source.origin + suffix)
    except (PresetError, InputFormatError, TemplateError) as exc:
        raise InputError(str(exc)) from None
    return batch


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
            yield _Source(entry, bus_override or preset.bus, f"{where} entry {i}")
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
