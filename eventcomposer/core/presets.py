"""Preset files: a PutEvents request written in YAML (format v1, see PRODUCT.md).

Loading uses the safe loader only (libyaml's when present), refuses anchors and aliases (they make
"billion laughs" bombs), and reports errors with the file, the line and the field. Saving is atomic
and keeps the order of keys.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from eventcomposer.core.entries import API_KEYS, Entry, dump_detail
from eventcomposer.core.files import atomic_write_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

PRESET_VERSION = 1
PRESET_SUFFIXES = (".yaml", ".yml")
#: A vars file in the presets folder holds variables, not a preset.
VARS_FILE_NAMES = ("vars.yaml", "vars.yml")
#: Larger files are refused before parsing: no real preset is this big.
MAX_PRESET_BYTES = 16 * 1024 * 1024
_TOP_KEYS = ("version", "name", "description", "bus", "entries")


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


def load_preset(path: Path) -> Preset:
    """Read and parse a preset file; raises PresetError with the file and line."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PRESET_BYTES:
            raise PresetError(
                name,
                f"the file is {size:,} bytes; presets are limited to {MAX_PRESET_BYTES:,} bytes",
            )
        data = path.read_bytes()
    except PresetError:
        raise
    except IsADirectoryError:
        raise PresetError(name, "is a folder, not a preset file") from None
    except FileNotFoundError:
        raise PresetError(name, "no such file") from None
    except PermissionError:
        raise PresetError(name, "permission denied: the file can't be read") from None
    except OSError as exc:
        raise PresetError(name, f"can't be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PresetError(name, f"is not UTF-8 text (byte {exc.start})") from None
    preset = parse_preset(text, name, default_name=path.stem)
    preset.path = path
    return preset


def parse_preset(text: str, file: str = "<preset>", default_name: str = "preset") -> Preset:
    """Parse preset YAML text; ``file`` names it in errors."""
    node = _compose(text, file)
    if node is None:
        raise PresetError(file, "the file is empty; a preset needs at least 'entries'")
    if not isinstance(node, yaml.MappingNode):
        raise PresetError(file, "must be a mapping with 'entries'", _line(node))
    _refuse_aliases(node, file)
    data = _construct(node, file)
    keys = _key_nodes(node)
    for key in data:
        if key not in _TOP_KEYS:
            raise PresetError(
                file,
                f"unknown key {key!r} (known: {', '.join(_TOP_KEYS)})",
                _line(keys.get(key, node)),
            )
    version = data.get("version", PRESET_VERSION)
    if version != PRESET_VERSION:
        raise PresetError(
            file,
            f"version {version!r} is not supported (only {PRESET_VERSION})",
            _line(keys.get("version", node)),
            "version",
        )
    name = _optional_str(data, "name", file, keys) or default_name
    description = _optional_str(data, "description", file, keys) or ""
    bus = _optional_str(data, "bus", file, keys)
    if "entries" not in data:
        raise PresetError(file, "'entries' is missing: a preset needs at least one entry", 1)
    entries_node = _value_node(node, "entries")
    raw_entries = data["entries"]
    if not isinstance(raw_entries, list) or not raw_entries:
        raise PresetError(
            file, "must be a non-empty list of entries", _line(entries_node), "entries"
        )
    entries = [
        _parse_entry(raw, entries_node.value[i], i + 1, file)  # type: ignore[union-attr]
        for i, raw in enumerate(raw_entries)
    ]
    return Preset(name=name, entries=entries, description=description, bus=bus, version=version)


def dump_preset(preset: Preset) -> str:
    """The preset as YAML text, keys in their original order, Detail as a mapping if it was."""
    doc: dict[str, Any] = {"version": preset.version, "name": preset.name}
    if preset.description:
        doc["description"] = preset.description
    if preset.bus:
        doc["bus"] = preset.bus
    doc["entries"] = [_entry_doc(e) for e in preset.entries]
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def save_preset(preset: Preset, path: Path) -> None:
    """Write the preset to ``path`` atomically (write, fsync, rename)."""
    atomic_write_text(Path(path), dump_preset(preset))
    preset.path = Path(path)


def _entry_doc(entry: Entry) -> dict[str, Any]:
    values: dict[str, Any] = {
        "Source": entry.source,
        "DetailType": entry.detail_type,
        "Resources": list(entry.resources) or None,
        "Detail": _detail_value(entry),
        "Time": entry.time,
        "TraceHeader": entry.trace_header,
        "EventBusName": entry.event_bus_name,
    }
    order = [k for k in entry.key_order if k in values] + [
        k for k in API_KEYS if k not in entry.key_order
    ]
    return {k: values[k] for k in order if values[k] is not None}


def _detail_value(entry: Entry) -> Any:
    if entry.detail_as_mapping:
        try:
            value = json.loads(entry.detail)
        except ValueError:
            return entry.detail
        if isinstance(value, dict):
            return value
    return entry.detail


def _parse_entry(raw: Any, node: yaml.Node, number: int, file: str) -> Entry:
    where = f"entries[{number}]"
    if not isinstance(raw, dict):
        raise PresetError(file, "must be a mapping of PutEvents fields", _line(node), where)
    keys = _key_nodes(node)
    values: dict[str, Any] = {"key_order": tuple(raw)}
    for key, value in raw.items():
        line = _line(keys.get(key, node))
        if key not in API_KEYS:
            raise PresetError(
                file, f"unknown key {key!r} (known: {', '.join(API_KEYS)})", line, where
            )
        field_name = f"{where}.{key}"
        if key == "Detail":
            if isinstance(value, dict):
                try:
                    values["detail"] = dump_detail(_jsonable(value))
                except ValueError as exc:
                    raise PresetError(file, str(exc), line, field_name) from None
                values["detail_as_mapping"] = True
            elif isinstance(value, str):
                values["detail"] = value
                values["detail_as_mapping"] = False
            else:
                raise PresetError(
                    file, "must be a mapping or a JSON object string", line, field_name
                )
        elif key == "Resources":
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                raise PresetError(file, "must be a list of strings", line, field_name)
            values["resources"] = list(value)
        elif key == "Time":
            if isinstance(value, datetime):
                value = _rfc3339(value)
            if not isinstance(value, str):
                raise PresetError(file, "must be an RFC 3339 timestamp", line, field_name)
            values["time"] = value
        else:
            if not isinstance(value, str):
                raise PresetError(
                    file, f"must be a string, not {type(value).__name__}", line, field_name
                )
            attr = {
                "Source": "source",
                "DetailType": "detail_type",
                "TraceHeader": "trace_header",
                "EventBusName": "event_bus_name",
            }[key]
            values[attr] = value
    return Entry(**values)


def load_vars(path: Path) -> dict[str, str]:
    """A vars file: a flat YAML mapping of variable names to scalar values."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PresetError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(str(path), f"can't be read: {exc}") from None
    node = _compose(text, str(path))
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise PresetError(str(path), "must be a mapping of variable names to values", _line(node))
    _refuse_aliases(node, str(path))
    data = _construct(node, str(path))
    keys = _key_nodes(node)
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or isinstance(value, (dict, list)) or value is None:
            raise PresetError(
                str(path),
                "must map a name to a string or number",
                _line(keys.get(key, node)),
                str(key),
            )
        out[key] = value if isinstance(value, str) else json.dumps(_jsonable(value))
    return out


def _jsonable(value: Any) -> Any:
    """YAML values as JSON ones: dates become ISO strings; NaN and infinity are refused."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return _rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} can't be written in JSON")
    if isinstance(value, bytes):
        raise ValueError("binary values can't be written in JSON")
    if isinstance(value, set):
        raise ValueError("sets can't be written in JSON")
    return value


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    text = moment.isoformat()
    return text.replace("+00:00", "Z")


def _compose(text: str, file: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PresetError(file, f"YAML error: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise PresetError(file, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def _construct(node: yaml.Node, file: str) -> Any:
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or ""
        if "constructor for the tag" in problem:
            problem = (
                f"unsupported YAML tag: {problem.split('tag ', 1)[-1]} (presets hold data only)"
            )
        raise PresetError(file, problem, mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()


def _refuse_aliases(root: yaml.Node, file: str) -> None:
    """Anchors and aliases compose to shared nodes; one node met twice means an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise PresetError(
                file, "YAML anchors and aliases are not supported in presets", _line(node)
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _key_nodes(node: yaml.Node) -> dict[Any, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _value_node(node: yaml.MappingNode, key: str) -> yaml.Node:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return node


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _optional_str(
    data: dict[str, Any], key: str, file: str, keys: dict[Any, yaml.Node]
) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PresetError(
            file, f"must be a string, not {type(value).__name__}", _line(keys[key]), key
        )
    return value
