"""The AWS CLI's own input formats for put-events: ``--entries`` and ``--cli-input-json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eventcomposer.core.entries import Entry, EntryFormatError


class InputFormatError(ValueError):
    """Input in an AWS CLI format that can't be read or parsed; the message says where."""


@dataclass(frozen=True)
class CliInput:
    """What a ``--cli-input-json`` document asks for."""

    entries: list[Entry]
    endpoint_id: str | None = None


def read_argument(value: str) -> tuple[str, str]:
    """The text of an AWS CLI argument and a name for it: ``file://PATH`` reads the file."""
    if value.startswith("file://"):
        path = Path(value[len("file://") :]).expanduser()
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise InputFormatError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputFormatError(f"{path}: is a folder, not a file") from None
        except PermissionError:
            raise InputFormatError(f"{path}: permission denied: the file can't be read") from None
        except UnicodeDecodeError:
            raise InputFormatError(f"{path}: is not UTF-8 text") from None
        except OSError as exc:
            raise InputFormatError(f"{path}: can't be read: {exc.strerror or exc}") from None
    return value, "<argument>"


def parse_entries_json(text: str, name: str = "--entries") -> list[Entry]:
    """Entries in ``aws events put-events --entries`` JSON: a list of entry objects."""
    data = _load_json(text, name)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputFormatError(f"{name}: must be a JSON list of entries")
    return _entries(data, name)


def parse_cli_input_json(text: str, name: str = "--cli-input-json") -> CliInput:
    """A ``--cli-input-json`` document: ``{"Entries": [...], "EndpointId": "..."}``."""
    data = _load_json(text, name)
    if not isinstance(data, dict):
        raise InputFormatError(f"{name}: must be a JSON object with 'Entries'")
    unknown = [k for k in data if k not in ("Entries", "EndpointId")]
    if unknown:
        raise InputFormatError(f"{name}: unknown key {unknown[0]!r} (known: Entries, EndpointId)")
    if not isinstance(data.get("Entries"), list):
        raise InputFormatError(f"{name}: 'Entries' must be a list of entries")
    endpoint = data.get("EndpointId")
    if endpoint is not None and not isinstance(endpoint, str):
        raise InputFormatError(f"{name}: 'EndpointId' must be a string")
    return CliInput(_entries(data["Entries"], name), endpoint or None)


def parse_cli_input_yaml(text: str, name: str = "--cli-input-yaml") -> CliInput:
    """A ``--cli-input-yaml`` document (AWS CLI v2): the same keys as ``--cli-input-json``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise InputFormatError(f"{name}: YAML error at line {line}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputFormatError(f"{name}: YAML error: {exc}") from None
    try:
        text = json.dumps(data, default=str)
    except (TypeError, ValueError) as exc:
        raise InputFormatError(f"{name}: holds a value JSON can't represent ({exc})") from None
    return parse_cli_input_json(text, name)


def parse_any(text: str, name: str) -> CliInput:
    """Entries from any AWS CLI input: ``--entries`` JSON, ``--cli-input-json`` or ``-yaml``."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        return CliInput(parse_entries_json(text, name))
    if stripped.startswith("{"):
        data = _load_json(text, name)
        if isinstance(data, dict) and "Entries" in data:
            return parse_cli_input_json(text, name)
        return CliInput(parse_entries_json(text, name))
    return parse_cli_input_yaml(text, name)


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None


def _entries(items: list[Any], name: str) -> list[Entry]:
    try:
        return [Entry.from_api(item, f"{name}, entry {i}") for i, item in enumerate(items, 1)]
    except EntryFormatError as exc:
        raise InputFormatError(str(exc)) from None
