"""Schemas for Detail: JSON Schema files and EventBridge Schema Registry documents, resolved to
the schema the Detail must satisfy, and Detail text validated against it with the JSON path and
the line of each violation.

A schema reference (a preset's or an entry's ``schema:``) is a file (``schemas/order.json``, a
path ending in ``.json``, ``.yaml`` or ``.yml``, or starting with ``./``, ``../``, ``/`` or
``~``) or a registry schema, ``registry/name`` or ``registry/name@version``
(``aws.events/aws.s3@ObjectCreated@1``: the version is the last ``@`` followed by digits only).

What the Detail is checked against:

- an OpenAPI 3 document (what the registry gives as ``OpenApi3``, also for ``aws.events``):
  the component the event's ``detail`` refers to (``components.schemas.AWSEvent.properties.
  detail``), as the registry defines it; the event's Source and DetailType come from its
  ``x-amazon-events-source`` and ``x-amazon-events-detail-type``; ``nullable`` is honoured;
- a JSON Schema that describes the whole event (its ``properties`` has ``detail`` and
  ``detail-type``, as the registry's ``JSONSchemaDraft4`` documents do): its ``detail``;
- any other JSON Schema: the Detail itself (a file you write for your own events); its
  ``x-amazon-events-source`` and ``x-amazon-events-detail-type``, if any, name the event.

``$ref`` inside the document resolves against the whole document. Formats (``date-time``,
``email``, ``uuid``, ``uri``, ``date``, ``time``, ``ipv4``, ``ipv6``, ``hostname``) are checked
without optional packages.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema import FormatChecker
from jsonschema.exceptions import best_match

from eventcomposer.core.files import InputReadError, read_limited
from eventcomposer.core.yaml_load import YamlError, load_yaml

#: Schema files larger than this are refused: no real schema is this big.
MAX_SCHEMA_BYTES = 4 * 1024 * 1024
#: At most this many violations are reported for one Detail.
MAX_VIOLATIONS = 50
SCHEMA_FILE_SUFFIXES = (".json", ".yaml", ".yml")
_REGISTRY_REF = re.compile(r"^(?P<registry>[^/\s]+)/(?P<name>[^/\s]+?)(?:@(?P<version>\d+))?$")
_URN = "urn:eventcomposer:schema"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


class SchemaError(ValueError):
    """A schema that can't be found, read or used; the message names it and says why."""


# -- references -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryRef:
    """A schema in the EventBridge Schema Registry; ``version`` None is the latest."""

    registry: str
    name: str
    version: str | None = None

    def __str__(self) -> str:
        return f"{self.registry}/{self.name}" + (f"@{self.version}" if self.version else "")


@dataclass(frozen=True)
class FileRef:
    """A JSON Schema (or OpenAPI 3) file, JSON or YAML."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)


def is_file_ref(text: str) -> bool:
    text = text.strip()
    return text.lower().endswith(SCHEMA_FILE_SUFFIXES) or text.startswith(("./", "../", "/", "~"))


def parse_ref(text: str) -> FileRef | RegistryRef:
    """A ``schema:`` value as a file or a registry reference; SchemaError if it is neither."""
    text = (text or "").strip()
    if not text:
        raise SchemaError("a schema reference is empty")
    if is_file_ref(text):
        return FileRef(Path(text).expanduser())
    match = _REGISTRY_REF.match(text)
    if not match:
        raise SchemaError(
            f"{text!r} is neither a schema file (.json, .yaml) nor a registry schema "
            "(registry/name or registry/name@version)"
        )
    return RegistryRef(match["registry"], match["name"], match["version"])


def find_schema_file(ref: str, near: Path | None = None) -> Path:
    """Where a relative schema file is: beside the preset (``near``, a file or folder) or in a
    folder above it (``schemas/`` beside the presets folder), else the current folder."""
    path = Path(ref).expanduser()
    if path.is_absolute():
        return path
    if near is not None:
        folder = Path(near) if Path(near).is_dir() else Path(near).parent
        for candidate in (folder.resolve(), *folder.resolve().parents):
            if (candidate / path).is_file():
                return candidate / path
    return path


# -- schemas ----------------------------------------------------------------------------------


@dataclass
class Schema:
    """A loaded schema: ``document`` as read, ``detail`` the schema the Detail must satisfy
    (refs resolving against ``document``), and what the document says of the event."""

    name: str
    document: dict[str, Any]
    detail: dict[str, Any]
    openapi: bool = False
    source: str | None = None
    detail_type: str | None = None
    #: the document's URI: its file (``file://…``), so that ``$ref: common.json`` is the file
    #: beside it; None for the registry's documents
    base: str | None = None
    _validator: Any = field(default=None, repr=False)
    _registry: Any = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        return self.base or _URN

    @property
    def validator(self) -> Any:
        if self._validator is None:
            self._validator = _make_validator(self)
        return self._validator

    @property
    def registry(self) -> referencing.Registry:
        """The document (as validated: OpenAPI read as JSON Schema) under :attr:`uri`, and the
        files beside it it refers to, read on first use (never anything over the network)."""
        if self._registry is None:
            self._registry = _make_registry(self)
        return self._registry

    def resolver(self) -> Any:
        """A ``referencing`` resolver at the document (``lookup("#/$defs/x")``)."""
        return self.registry.resolver(base_uri=self.uri)


def load_schema_file(path: Path | str) -> Schema:
    """Read a schema file (JSON or YAML); SchemaError names the file and why it can't be used."""
    name = str(path)
    try:
        data = read_limited(path, MAX_SCHEMA_BYTES, "schema files")
        text = data.decode("utf-8")
    except InputReadError as exc:
        raise SchemaError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{name}: is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SchemaError(f"{name}: {exc.strerror or exc}") from None
    schema = schema_from_text(text, name)
    if str(path) != "-":
        schema.base = Path(path).resolve().as_uri()
    return schema


def schema_from_text(text: str, name: str) -> Schema:
    """A schema from JSON or YAML text (a file's, or the registry's ``Content``)."""
    try:
        document = json.loads(text)
    except ValueError:
        try:
            document = load_yaml(text)
        except YamlError as exc:
            raise SchemaError(f"{name}:{exc.line or 1}: {exc.message}") from None
    return schema_from_document(document, name)


def schema_from_document(document: Any, name: str) -> Schema:
    """Find what the Detail must satisfy in a JSON Schema or OpenAPI 3 document."""
    if not isinstance(document, dict):
        raise SchemaError(f"{name}: a schema must be a JSON object")
    if "openapi" in document:
        return _from_openapi(document, name)
    props = document.get("properties")
    if isinstance(props, dict) and "detail" in props and "detail-type" in props:
        detail = {"$ref": "#/properties/detail"}
        return Schema(
            name,
            document,
            detail,
            source=_text(document.get("x-amazon-events-source")),
            detail_type=_text(document.get("x-amazon-events-detail-type")),
        )
    _check_schema(document, name)
    return Schema(
        name,
        document,
        {"$ref": "#"},
        source=_text(document.get("x-amazon-events-source")),
        detail_type=_text(document.get("x-amazon-events-detail-type")),
    )


def _from_openapi(document: dict[str, Any], name: str) -> Schema:
    version = str(document.get("openapi"))
    if not version.startswith("3."):
        raise SchemaError(f"{name}: OpenAPI {version} is not supported (only 3.x)")
    components = (document.get("components") or {}).get("schemas") or {}
    if not isinstance(components, dict) or not components:
        raise SchemaError(f"{name}: the OpenAPI document has no components.schemas")
    event = components.get("AWSEvent")
    if isinstance(event, dict) and "detail" in (event.get("properties") or {}):
        detail = {"$ref": "#/components/schemas/AWSEvent/properties/detail"}
        source = _text(event.get("x-amazon-events-source"))
        detail_type = _text(event.get("x-amazon-events-detail-type"))
    else:  # no event envelope: the first component is the Detail
        first = next(iter(components))
        detail = {"$ref": f"#/components/schemas/{_escape(first)}"}
        source = detail_type = None
    return Schema(name, document, detail, True, source, detail_type)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _check_schema(document: dict[str, Any], name: str) -> None:
    cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(document)
    except jsonschema.SchemaError as exc:
        where = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in exc.path)
        raise SchemaError(f"{name}: not a valid JSON Schema at {where}: {exc.message}") from None


def openapi_to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema draft 4 reads it: ``nullable: true`` adds
    ``null`` to the type; ``example`` becomes ``examples``; other keys are kept."""
    if isinstance(node, list):
        return [openapi_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: openapi_to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if "example" in node and "examples" not in node:
        out["examples"] = [node["example"]]
    return out


def _validator_class(schema: Schema) -> Any:
    if schema.openapi:
        return jsonschema.Draft4Validator  # OpenAPI 3.0's schema objects are draft 4's, mostly
    return jsonschema.validators.validator_for(
        schema.document, default=jsonschema.Draft202012Validator
    )


def _make_registry(schema: Schema) -> referencing.Registry:
    cls = _validator_class(schema)
    document = openapi_to_json_schema(schema.document) if schema.openapi else schema.document
    spec = referencing.jsonschema.specification_with(
        cls.META_SCHEMA.get("$schema", ""), default=referencing.jsonschema.DRAFT202012
    )
    resource = referencing.Resource.from_contents(document, default_specification=spec)
    # (attrs fields with an alias: mypy's attrs support doesn't see ``retrieve``)
    registry: referencing.Registry = referencing.Registry(retrieve=_retrieve_file)  # type: ignore[call-arg]
    registry = registry.with_resource(schema.uri, resource)
    own_id = resource.id()
    if own_id:
        registry = registry.with_resource(own_id, resource)
    return registry


def _retrieve_file(uri: str) -> referencing.Resource:
    """A schema file another refers to (``file://`` only: nothing is fetched over the network)."""
    from urllib.request import url2pathname

    from referencing.exceptions import NoSuchResource

    parts = urlsplit(uri)
    if parts.scheme != "file":
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
    path = Path(url2pathname(parts.path))
    try:
        text = read_limited(path, MAX_SCHEMA_BYTES, "schema files").decode("utf-8")
        document = json.loads(text) if text.lstrip().startswith("{") else load_yaml(text)
    except (OSError, ValueError, YamlError):
        raise NoSuchResource(ref=uri) from None  # type: ignore[call-arg]
    return referencing.Resource.from_contents(
        document, default_specification=referencing.jsonschema.DRAFT202012
    )


def _make_validator(schema: Schema) -> Any:
    root = {"$ref": schema.uri + schema.detail["$ref"]}
    cls = _validator_class(schema)
    return cls(root, registry=schema.registry, format_checker=FORMATS)


# -- formats ----------------------------------------------------------------------------------

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and date.fromisoformat(value)
    )


@FORMATS.checks("email")
def _email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    return not isinstance(value, str) or (
        len(value) == 36
        and all(value[i] == "-" for i in (8, 13, 18, 23))
        and bool(uuid.UUID(value))
    )


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and " " not in value


@FORMATS.checks("hostname")
def _hostname(value: object) -> bool:
    return not isinstance(value, str) or bool(_HOSTNAME.match(value))


# -- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One way the Detail does not fit its schema: where (``$.items[0].sku``), why, and the
    1-based line and column of that value in the Detail text (None if it can't be placed)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    #: the path as keys and indexes (``("items", 0, "sku")``)
    parts: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def json_path(parts: Iterable[str | int]) -> str:
    """``$.a.b[0]``, ``$['odd key']``: a path as JSONPath text."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", part):
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


def validate_value(schema: Schema, value: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every violation of ``value`` (the parsed Detail): (path, message), by path, at most
    MAX_VIOLATIONS; for an ``anyOf``/``oneOf`` the most relevant branch's reason."""
    from referencing.exceptions import Unresolvable

    found = []
    try:
        for error in schema.validator.iter_errors(value):
            if error.context:
                error = best_match(error.context) or error
            found.append((tuple(error.absolute_path), _message(error)))
            if len(found) >= MAX_VIOLATIONS:
                break
    except Unresolvable as exc:
        raise SchemaError(f"{schema.name}: can't resolve the reference {exc.ref}") from None
    found.sort(key=lambda pm: [(0, p) if isinstance(p, int) else (1, p) for p in pm[0]])
    return list(dict.fromkeys(found))


def _message(error: Any) -> str:
    message = str(error.message)
    if len(message) > 300:
        message = message[:297] + "..."
    return message


def validate_detail(schema: Schema, text: str) -> list[Violation]:
    """The violations of Detail ``text`` (JSON) with the line and column of each in ``text``;
    empty when it fits or is not JSON (JSON errors are the Detail check's to report)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return []
    found = validate_value(schema, value)
    if not found:
        return []
    places = locate(text, [p for p, _ in found])
    out = []
    for parts, message in found:
        line, column = places.get(parts) or (None, None)
        out.append(Violation(json_path(parts), message, line, column, parts))
    return out


# -- where a path is in JSON text -------------------------------------------------------------

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null', re.DOTALL
)


def locate(
    text: str, paths: Sequence[Sequence[str | int]]
) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """The (line, column), 1-based, where the value at each path starts in JSON ``text``; one
    pass over the tokens, stopping once every path is found. A path to a missing member (a
    ``required`` violation) is placed at its object."""
    wanted = {tuple(p) for p in paths}
    found: dict[tuple[str | int, ...], tuple[int, int]] = {}
    # Each frame: [is_object, key or index, expecting_key]
    stack: list[list[Any]] = []
    path: list[str | int] = []
    line, line_start, counted = 1, 0, 0

    def position(offset: int) -> tuple[int, int]:
        nonlocal line, line_start, counted
        newlines = text.count("\n", counted, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, offset) + 1
        counted = offset
        return line, offset - line_start + 1

    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in ",:":
            if first == "," and stack:
                frame = stack[-1]
                if frame[0]:
                    frame[2] = True
                else:
                    frame[1] += 1
            continue
        if first in "}]":
            if stack:
                stack.pop()
                if stack:
                    path.pop()
            continue
        if stack and stack[-1][0] and stack[-1][2]:  # an object's key
            stack[-1][1] = json.loads(token) if first == '"' else token
            stack[-1][2] = False
            continue
        here = (*path, stack[-1][1]) if stack else ()
        if here in wanted and here not in found:
            found[here] = position(match.start())
            if len(found) == len(wanted):
                break
        if first in "{[":
            if stack:
                path.append(stack[-1][1])
            stack.append([first == "{", None if first == "{" else 0, first == "{"])
    return found
