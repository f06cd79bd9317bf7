"""Preset files: a PutEvents request written in YAML (format v1).

Loading reads values as YAML 1.2 does (``NO``, ``on`` and ``1:20`` are text), data only: no
anchors or aliases, no tags beyond the core schema, no duplicate keys (see
:mod:`eventcomposer.core.yaml_load`, which uses libyaml's C parser). Files are read with a byte
cap enforced while reading, and ``-`` is standard input. Errors name the file, the line and the
field.

Saving is atomic. Saving over the file a preset came from changes only what changed: comments,
key order, quoting, flow or block style and blank lines of everything else stay byte for byte
(:mod:`eventcomposer.core.yaml_roundtrip`); a new file is written in the example presets' style
(:mod:`eventcomposer.core.yaml_dump`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcomposer.core.entries import Entry, UnwritableDetail, dump_detail
from eventcomposer.core.expectations import EXPECT_KEY, ExpectationError, parse_expectation
from eventcomposer.core.fields import API_KEYS, BY_API, FIELDS, Kind
from eventcomposer.core.files import (
    STDIN,
    InputReadError,
    atomic_write_text,
    input_name,
    read_limited,
)
from eventcomposer.core.json_layout import compacted
from eventcomposer.core.validation import nesting_depth
from eventcomposer.core.yaml_load import YamlError, line_of, load_yaml

PRESET_VERSION = 1
PRESET_SUFFIXES = (".yaml", ".yml")
#: A vars file in the presets folder holds variables, not a preset.
VARS_FILE_NAMES = ("vars.yaml", "vars.yml")
#: Larger files are refused (while reading): no real preset is this big.
MAX_PRESET_BYTES = 16 * 1024 * 1024
#: Optional top-level keys, in the order a new file is written.
_TOP_KEYS = ("version", "name", "description", "bus", "EndpointId", "schema", "entries")
#: An entry's key beside the PutEvents fields: the schema its Detail must fit (never sent).
SCHEMA_KEY = "schema"


class PresetError(ValueError):
    """A preset that can't be read or is not valid; names the file, the line and the field."""

    def __init__(
        self, file: str, message: str, line: int | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        where = f"{file}:{line}" if line else file
        what = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {what}")


@dataclass
class Preset:
    """A named PutEvents request: entries and the bus they go to (None = the default bus)."""

    name: str
    entries: list[Entry] = field(default_factory=list)
    description: str = ""
    bus: str | None = None
    version: int = PRESET_VERSION
    path: Path | None = None
    #: a global endpoint's id (PutEvents' EndpointId), sent with every call
    endpoint_id: str | None = None
    #: the schema every entry's Detail must fit unless the entry names its own (a JSON Schema
    #: file or ``registry/name@version``); never sent
    schema: str | None = None

    def schema_of(self, entry: Entry) -> str | None:
        """The schema an entry's Detail must fit: its own, else the preset's."""
        return entry.schema or self.schema


def find_presets(folder: Path) -> list[Path]:
    """Every preset file under ``folder`` (subfolders included), sorted by path."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in PRESET_SUFFIXES and p.name not in VARS_FILE_NAMES and p.is_file()
    )


def iter_preset_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and the preset files inside named folders."""
    for path in paths:
        if Path(path).is_dir():
            yield from find_presets(Path(path))
        else:
            yield Path(path)


def preset_path(folder: Path, relative: str) -> Path:
    """Where a preset named ``relative`` (e.g. ``orders/placed.yaml``) may be written in
    ``folder``; PresetError for an absolute path, ``..``, or a place a symlink leads out of the
    folder (writes never follow a link out of the presets folder)."""
    name = relative.strip()
    if not name:
        raise PresetError(str(folder), "the preset needs a file name")
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts or "\\" in name:
        raise PresetError(
            name,
            "a preset file name may not be absolute or contain '..' or backslashes; "
            "use a name such as orders/placed.yaml inside the presets folder",
        )
    if candidate.suffix not in PRESET_SUFFIXES:
        candidate = candidate.with_name(candidate.name + ".yaml")
    root = Path(folder).resolve()
    target = Path(folder) / candidate
    if not target.resolve().is_relative_to(root):
        raise PresetError(
            str(target),
            f"leads outside the presets folder {folder} (a symbolic link?); presets are only "
            "written inside it",
        )
    return target.resolve() if target.is_symlink() else target


def load_preset(path: Path | str) -> Preset:
    """Read and parse a preset file (``-``: standard input); raises PresetError with the file
    and line."""
    name = input_name(path)
    if str(path) != STDIN and Path(path).is_dir():
        raise PresetError(name, "is a folder, not a preset file")
    try:
        data = read_limited(path, MAX_PRESET_BYTES, "presets")
    except InputReadError as exc:
        raise PresetError(name, str(exc).removeprefix(f"{name}: ")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PresetError(name, f"is not UTF-8 text (byte {exc.start})") from None
    stem = "stdin" if str(path) == STDIN else Path(path).stem
    preset = parse_preset(text, name, default_name=stem)
    preset.path = None if str(path) == STDIN else Path(path)
    return preset


def parse_preset(text: str, file: str = "<preset>", default_name: str = "preset") -> Preset:
    """Parse preset YAML text; ``file`` names it in errors."""
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise PresetError(file, exc.message, exc.line) from None

    def fail(message: str, *path: str | int, field: str | None = None) -> PresetError:
        return PresetError(file, message, line_of(text, path) if path else None, field)

    if data is None:
        raise PresetError(file, "the file is empty; a preset needs at least 'entries'")
    if not isinstance(data, dict):
        raise PresetError(file, "must be a mapping with 'entries'", 1)
    for key in data:
        if key not in _TOP_KEYS:
            raise fail(f"unknown key {key!r} (known: {', '.join(_TOP_KEYS)})", key)
    version = data.get("version", PRESET_VERSION)
    if version != PRESET_VERSION or isinstance(version, bool):
        raise fail(
            f"version {version!r} is not supported (only {PRESET_VERSION})",
            "version",
            field="version",
        )
    texts = {}
    for key in ("name", "description", "bus", "EndpointId", SCHEMA_KEY):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(_not_a_string(value), key, field=key)
        texts[key] = value
    if "entries" not in data:
        raise PresetError(file, "'entries' is missing: a preset needs at least one entry", 1)
    raw_entries = data["entries"]
    if not isinstance(raw_entries, list) or not raw_entries:
        raise fail("must be a non-empty list of entries", "entries", field="entries")
    entries = [_parse_entry(raw, i, fail) for i, raw in enumerate(raw_entries)]
    return Preset(
        name=texts["name"] or default_name,
        entries=entries,
        description=texts["description"] or "",
        bus=texts["bus"],
        version=version,
        endpoint_id=texts["EndpointId"] or None,
        schema=texts[SCHEMA_KEY] or None,
    )


def _not_a_string(value: Any) -> str:
    """The message for a value that should be text: what it was read as, and the fix."""
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, (int, float)):
        kind = "a number"
    elif value is None:
        kind = "null"
    elif isinstance(value, list):
        return "must be a string, not a list"
    elif isinstance(value, dict):
        return "must be a string, not a mapping"
    else:
        kind = type(value).__name__
    shown = json.dumps(value) if isinstance(value, (bool, int, float)) else ""
    return (
        f"must be a string, not {kind}{f' ({shown})' if shown else ''}; put it in quotes to "
        "send it as text"
    )


def _parse_entry(raw: Any, index: int, fail: Callable[..., PresetError]) -> Entry:
    where = f"entries[{index + 1}]"
    if not isinstance(raw, dict):
        raise fail("must be a mapping of PutEvents fields", "entries", index, field=where)
    values: dict[str, Any] = {"key_order": tuple(raw)}
    for key, value in raw.items():
        if key == EXPECT_KEY:  # what `eventcomposer test` checks; never sent
            try:
                parse_expectation(value)
            except ExpectationError as exc:
                parts = [str(p) for p in exc.path]
                raise fail(
                    exc.message,
                    "entries",
                    index,
                    key,
                    *exc.path,
                    field=".".join([f"{where}.{key}", *parts]),
                ) from None
            values["expect"] = value
            continue
        f = BY_API.get(key)
        if key == SCHEMA_KEY:
            if not isinstance(value, str) or not value.strip():
                raise fail(
                    "must be a schema file or registry/name@version",
                    "entries",
                    index,
                    key,
                    field=f"{where}.{key}",
                )
            values["schema"] = value
            continue
        if f is None:
            raise fail(
                f"unknown key {key!r} (known: {', '.join(API_KEYS)}, {SCHEMA_KEY}, {EXPECT_KEY})",
                "entries",
                index,
                key,
                field=where,
            )
        at = ("entries", index, key)
        name = f"{where}.{key}"
        if f.kind is Kind.JSON:
            if isinstance(value, dict):
                try:
                    values[f.attr] = dump_detail(value)
                except UnwritableDetail as exc:  # NaN or infinity somewhere: say where
                    field = ".".join([name, *map(str, exc.path)])
                    raise fail(exc.reason, *at, *exc.path, field=field) from None
                except RecursionError:
                    raise fail(
                        "nests too deeply (Detail may nest at most 1000 levels)", *at, field=name
                    ) from None
                values["detail_as_mapping"] = True
            elif isinstance(value, str):
                values[f.attr] = value
                values["detail_as_mapping"] = False
            else:
                raise fail("must be a mapping or a JSON object string", *at, field=name)
        elif f.kind is Kind.LIST:
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                raise fail("must be a list of strings", *at, field=name)
            values[f.attr] = list(value)
        elif value is None and f.kind is Kind.OPTIONAL:
            continue
        elif not isinstance(value, str):
            raise fail(_not_a_string(value), *at, field=name)
        else:
            values[f.attr] = value
    return Entry(**values)


def dump_preset(preset: Preset) -> str:
    """The preset as new YAML text, in the example presets' style: keys in their original
    order, Detail as a mapping if it was one, flow lists of short text, and quotes only where a
    value would otherwise read back as something else."""
    from eventcomposer.core.yaml_dump import dump_yaml

    return dump_yaml(preset_doc(preset))


def preset_doc(preset: Preset) -> dict[str, Any]:
    """The preset as plain data, the way its file holds it."""
    doc: dict[str, Any] = {"version": preset.version, "name": preset.name}
    if preset.description:
        doc["description"] = preset.description
    if preset.bus:
        doc["bus"] = preset.bus
    if preset.endpoint_id:
        doc["EndpointId"] = preset.endpoint_id
    if preset.schema:
        doc[SCHEMA_KEY] = preset.schema
    doc["entries"] = [_entry_doc(e) for e in preset.entries]
    return doc


def save_preset(preset: Preset, path: Path | str, round_trip: bool | None = None) -> None:
    """Write the preset to ``path`` atomically (write, fsync, rename).

    Saving over an existing preset file changes only what changed: comments, key order,
    quoting, flow/block style and blank lines of the rest stay byte for byte, and a preset saved
    unchanged gives the identical file. That is the default when ``path`` exists, reads as a
    preset and is the file the preset came from (``preset.path``) or the preset names no file
    (the TUI's save builds one from its batch); ``round_trip=False`` writes the file fresh
    (:func:`dump_preset`), as for a new file or one that doesn't read as a preset.
    """
    path = Path(path)
    if round_trip is None:
        round_trip = preset.path is None or _same_file(preset.path, path)
    text = _round_trip(preset, path) if round_trip and path.is_file() else None
    atomic_write_text(path, text if text is not None else dump_preset(preset))
    preset.path = path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _round_trip(preset: Preset, path: Path) -> str | None:
    """The file at ``path`` with the preset's changes applied, or None to write it fresh."""
    try:
        original = read_limited(path, MAX_PRESET_BYTES, "presets").decode("utf-8")
        before = parse_preset(original, str(path))
    except (InputReadError, PresetError, UnicodeDecodeError):
        return None
    old, new = preset_doc(before), preset_doc(preset)
    if _same(old, new):
        return original
    from eventcomposer.core.yaml_roundtrip import apply_changes

    return apply_changes(original, old, new)


def _same(a: Any, b: Any) -> bool:
    """Equal as data, types and key order included (``1``, ``1.0`` and ``true`` differ)."""
    return json.dumps(a) == json.dumps(b)


def _entry_doc(entry: Entry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = f.get(entry)
        if f.kind is Kind.JSON:
            values[f.api] = _detail_value(entry)
        elif f.kind is Kind.LIST:
            values[f.api] = list(value or []) or None
        else:
            values[f.api] = value if (value or f.kind is Kind.TEXT) else None
    values[SCHEMA_KEY] = entry.schema or None
    if entry.expect is not None:
        values[EXPECT_KEY] = entry.expect
    order = [k for k in entry.key_order if k in values] + [
        k for k in (*API_KEYS, SCHEMA_KEY, EXPECT_KEY) if k not in entry.key_order
    ]
    return {k: values[k] for k in order if values.get(k) is not None}


#: A Detail nested deeper than this is saved as JSON text: as YAML it would be a staircase of
#: indentation (and YAML writers recurse once per level).
MAX_MAPPING_DEPTH = 64


def _detail_value(entry: Entry) -> Any:
    """The Detail as a mapping if it was one and reads back as the very same JSON text, else
    its text: a mapping would rewrite ``1e400``, ``0.10000000000000000000001``, ``1E5``, a
    repeated key or an escape (the file must hold what was sent)."""
    if entry.detail_as_mapping and nesting_depth(entry.detail) <= MAX_MAPPING_DEPTH:
        try:
            value = json.loads(entry.detail)
            same = isinstance(value, dict) and compacted(dump_detail(value)) == compacted(
                entry.detail
            )
        except ValueError:  # not JSON, or NaN or infinity (UnwritableDetail)
            return entry.detail
        if same:
            return value
    return entry.detail


def load_vars(path: Path | str) -> dict[str, str]:
    """A vars file (``-``: standard input): a flat YAML mapping of variable names to text,
    numbers or booleans, read as YAML 1.2 reads them (a date is its text). Numbers and booleans
    become their JSON text; NaN, infinity, null, lists and mappings are errors."""
    name = input_name(path)
    try:
        text = read_limited(path, MAX_PRESET_BYTES, "vars files").decode("utf-8")
        data = load_yaml(text)
    except InputReadError as exc:
        raise PresetError(name, str(exc).removeprefix(f"{name}: ")) from None
    except UnicodeDecodeError as exc:
        raise PresetError(name, f"is not UTF-8 text (byte {exc.start})") from None
    except YamlError as exc:
        raise PresetError(name, exc.message, exc.line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PresetError(name, "must be a mapping of variable names to values", 1)
    out: dict[str, str] = {}
    for key, value in data.items():
        problem = None
        if isinstance(value, (dict, list)) or value is None:
            problem = "must map a name to a string or number"
        elif isinstance(value, float) and not math.isfinite(value):
            shown = ".nan" if math.isnan(value) else "infinity"
            problem = f"{shown} is not a number JSON can hold; quote it to use the text"
        if problem:
            raise PresetError(name, problem, line_of(text, (key,)), key)
        out[key] = value if isinstance(value, str) else json.dumps(value)
    return out
