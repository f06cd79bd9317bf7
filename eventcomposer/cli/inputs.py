"""Gathering what to send: presets, AWS CLI JSON, buses and variables, resolved and validated."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from eventcomposer.core.cli_formats import (
    InputFormatError,
    parse_cli_input_json,
    parse_entries_json,
    read_argument,
)
from eventcomposer.core.entries import Entry
from eventcomposer.core.presets import PresetError, iter_preset_files, load_preset, load_vars
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry


class InputError(Exception):
    """Input the user got wrong; the message is what they see (exit code 2)."""


@dataclass
class Batch:
    """Resolved entries ready to validate and send, each with its bus set; ``origins`` says where
    each came from (for messages)."""

    entries: list[Entry] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    endpoint_id: str | None = None


def gather(args: argparse.Namespace, ctx: TemplateContext | None = None) -> Batch:
    """Every entry named by the arguments, variables resolved and buses assigned."""
    ctx = ctx or TemplateContext(variables=_variables(getattr(args, "vars", [])))
    bus_override = getattr(args, "bus", None)
    batch = Batch()
    files = [Path(f) for f in getattr(args, "files", [])]
    for path in files:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    try:
        for path in iter_preset_files(files):
            preset = load_preset(path)
            bus = bus_override or preset.bus
            for i, entry in enumerate(preset.entries, start=1):
                _add(batch, entry, bus, ctx, f"{path} entry {i}")
        for value in getattr(args, "entries", []):
            text, name = read_argument(value)
            for i, entry in enumerate(parse_entries_json(text, f"--entries {name}"), start=1):
                _add(batch, entry, bus_override, ctx, f"--entries entry {i}")
        for value in getattr(args, "cli_input_json", []):
            text, name = read_argument(value)
            document = parse_cli_input_json(text, f"--cli-input-json {name}")
            batch.endpoint_id = document.endpoint_id or batch.endpoint_id
            for i, entry in enumerate(document.entries, start=1):
                _add(batch, entry, bus_override, ctx, f"--cli-input-json entry {i}")
    except (PresetError, InputFormatError, TemplateError) as exc:
        raise InputError(str(exc)) from None
    if files and not batch.entries and not getattr(args, "entries", []):
        raise InputError(f"no preset files (*.yaml) found in {', '.join(map(str, files))}")
    return batch


def _add(batch: Batch, entry: Entry, bus: str | None, ctx: TemplateContext, origin: str) -> None:
    resolved = resolve_entry(entry, ctx, origin)
    if not resolved.event_bus_name and bus:
        resolved.event_bus_name = bus
    batch.entries.append(resolved)
    batch.origins.append(origin)


def _variables(files: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        for name in files:
            values.update(load_vars(Path(name)))
    except PresetError as exc:
        raise InputError(str(exc)) from None
    return values
