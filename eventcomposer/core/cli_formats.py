"""The AWS CLI's own input formats for put-events: ``--entries``, ``--cli-input-json`` and
``--cli-input-yaml``, read by the AWS CLI's own rules.

- ``file://PATH`` reads a file, ``-`` or ``file://-`` standard input, with a byte cap enforced
  while reading (:func:`eventcomposer.core.files.read_limited`);
- ``Time`` may be anything botocore accepts for a timestamp (RFC 3339 with or without an offset,
  a date, epoch seconds as a number or text); it is kept as RFC 3339 in UTC (the user's own text
  when it already is RFC 3339 with an offset);
- ``EndpointId`` is kept;
- ``--generate-cli-skeleton`` placeholders (``""``, ``"string"``, ``1970-01-01T00:00:00``) left
  in are reported by name instead of becoming an invalid preset;
- YAML is read as YAML 1.2 (as the AWS CLI v2 reads it), data only, no aliases
  (:mod:`eventcomposer.core.yaml_load`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from eventcomposer.core.entries import Entry, EntryFormatError
from eventcomposer.core.files import (
    MAX_INPUT_BYTES,
    InputReadError,
    input_name,
    read_text_limited,
)
from eventcomposer.core.validation import MAX_DETAIL_DEPTH, load_json
from eventcomposer.core.yaml_load import YamlError, load_yaml

#: RFC 3339 with an offset: kept as the user wrote it.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})\Z"
)
#: What ``aws events put-events --generate-cli-skeleton`` fills fields with.
_PLACEHOLDERS = ("", "string")
_SKELETON_TIME = "1970-01-01T00:00:00"


class InputFormatError(ValueError):
    """Input in an AWS CLI format that can't be read or parsed; the message says where."""


@dataclass(frozen=True)
class CliInput:
    """What a ``--cli-input-json`` document asks for."""

    entries: list[Entry]
    endpoint_id: str | None = None


def read_argument(value: str) -> tuple[str, str]:
    """The text of an AWS CLI argument and a name for it: ``file://PATH`` reads the file,
    ``-`` and ``file://-`` standard input; anything else is the text itself."""
    if value == "-" or value.startswith("file://"):
        path = "-" if value == "-" else value[len("file://") :]
        try:
            return read_text_limited(_expand(path), MAX_INPUT_BYTES, "AWS CLI input files"), (
                input_name(path)
            )
        except InputReadError as exc:
            raise InputFormatError(str(exc)) from None
    return value, "<argument>"


def _expand(path: str) -> str:
    from pathlib import Path

    return path if path == "-" else str(Path(path).expanduser())


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
    return _cli_input(_load_json(text, name), name)


def _cli_input(data: Any, name: str) -> CliInput:
    if not isinstance(data, dict):
        raise InputFormatError(f"{name}: must be an object with 'Entries'")
    unknown = [k for k in data if k not in ("Entries", "EndpointId")]
    if unknown:
        raise InputFormatError(f"{name}: unknown key {unknown[0]!r} (known: Entries, EndpointId)")
    if not isinstance(data.get("Entries"), list):
        raise InputFormatError(f"{name}: 'Entries' must be a list of entries")
    endpoint = data.get("EndpointId")
    if endpoint is not None and not isinstance(endpoint, str):
        raise InputFormatError(f"{name}: 'EndpointId' must be a string")
    entries = _entries(data["Entries"], name, endpoint)
    return CliInput(entries, endpoint or None)


def parse_cli_input_yaml(text: str, name: str = "--cli-input-yaml") -> CliInput:
    """A ``--cli-input-yaml`` document (AWS CLI v2): the same keys as ``--cli-input-json``."""
    try:
        data = load_yaml(text)
    except YamlError as exc:
        where = f" at line {exc.line}" if exc.line else ""
        raise InputFormatError(f"{name}: YAML error{where}: {exc.message}") from None
    return _cli_input(data, name)


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
    """The document, read within AWS's limits (a Detail object in it may be 1000 levels deep,
    under the list, the entry and the request), without recursion or huge-integer conversion."""
    loaded = load_json(text, max_depth=MAX_DETAIL_DEPTH + 3)
    if loaded.problem:
        raise InputFormatError(f"{name}: {loaded.problem.removeprefix('is ')}")
    return loaded.value


def _entries(items: list[Any], name: str, endpoint_id: Any = None) -> list[Entry]:
    _refuse_skeleton(items, name, endpoint_id)
    try:
        return [
            Entry.from_api(_with_time(item, f"{name}, entry {i}"), f"{name}, entry {i}")
            for i, item in enumerate(items, 1)
        ]
    except EntryFormatError as exc:
        raise InputFormatError(str(exc)) from None


def _with_time(item: Any, where: str) -> Any:
    """The entry with Time as RFC 3339, read as botocore reads a timestamp."""
    if not isinstance(item, dict) or item.get("Time") is None:
        return item
    return {**item, "Time": cli_time(item["Time"], where)}


def cli_time(value: Any, where: str = "Time") -> str:
    """A Time the AWS CLI accepts, as RFC 3339: kept when it already is (with an offset);
    otherwise parsed as botocore parses timestamps (no offset means UTC; a number, or text of
    one, is epoch seconds) and written in UTC."""
    if isinstance(value, str) and _RFC3339.match(value):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputFormatError(f"{where}, Time: must be a timestamp, not {type(value).__name__}")
    try:
        moment = _aware_datetime(value).astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputFormatError(
            f"{where}, Time: {value!r} is not a timestamp the AWS CLI accepts ({exc})"
        ) from None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def _aware_datetime(value: str | int | float) -> datetime:
    """A timestamp read as botocore reads one (``botocore.utils.parse_timestamp``): a number, or
    text of one, is epoch seconds; other text goes to dateutil's parser; no offset means UTC."""
    from dateutil import parser, tz

    try:
        seconds = float(value)
    except (TypeError, ValueError):
        moment = parser.parse(str(value), tzinfos={"GMT": tz.tzutc()})
    else:
        moment = datetime.fromtimestamp(seconds, tz.tzutc())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz.tzutc())


def _is_placeholder(key: str, value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(v, str) and v in _PLACEHOLDERS for v in value)
    if key == "Time" and value == _SKELETON_TIME:
        return True
    return isinstance(value, str) and value in _PLACEHOLDERS


def _refuse_skeleton(items: list[Any], name: str, endpoint_id: Any) -> None:
    """``--generate-cli-skeleton`` output with placeholders left in: say which, and where."""
    found: list[str] = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            continue
        names = [key for key, value in item.items() if _is_placeholder(key, value)]
        if names:
            found.append(f"entry {i}: {', '.join(names)}")
    if isinstance(endpoint_id, str) and endpoint_id in _PLACEHOLDERS:
        found.append("EndpointId")
    if found:
        raise InputFormatError(
            f'{name}: holds --generate-cli-skeleton placeholders ("", "string" or '
            f"{_SKELETON_TIME}) not filled in: {'; '.join(found)}. Fill them in, or remove the "
            "optional ones"
        )
