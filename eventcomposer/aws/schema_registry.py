"""The EventBridge Schema Registry (boto3's ``schemas`` client): registries, schemas, versions,
and a schema's content as a :class:`~eventcomposer.core.schemas.Schema`; and
:class:`SchemaSources`, which loads any ``schema:`` reference (a file or the registry) once.

The ``schemas`` client does not use ``--endpoint-url`` (that is EventBridge's endpoint, and the
local EventBridge has no Schema Registry); boto3's ``AWS_ENDPOINT_URL_SCHEMAS`` still applies.

IAM: ``schemas:ListRegistries``, ``schemas:ListSchemas``, ``schemas:ListSchemaVersions``,
``schemas:DescribeSchema``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventcomposer.aws.errors import describe_error
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.schemas import (
    FileRef,
    RegistryRef,
    Schema,
    SchemaError,
    find_schema_file,
    load_schema_file,
    parse_ref,
    schema_from_text,
)

#: The registry AWS keeps its services' event schemas in.
AWS_EVENTS_REGISTRY = "aws.events"
#: Schema content types the registry returns.
CONTENT_TYPES = ("OpenApi3", "JSONSchemaDraft4")


@dataclass(frozen=True)
class RegistryInfo:
    name: str
    arn: str = ""


@dataclass(frozen=True)
class SchemaInfo:
    name: str
    arn: str = ""
    version_count: int | None = None


@dataclass(frozen=True)
class VersionInfo:
    version: str
    type: str = ""


def schemas_client(settings: AwsSettings) -> Any:
    """A ``schemas`` client on the settings' profile and region (not their EventBridge
    endpoint: that is not a Schema Registry)."""
    from botocore.config import Config

    from eventcomposer import __version__
    from eventcomposer.aws.client import make_session

    if settings.local:
        raise SchemaError(
            "the local EventBridge has no Schema Registry: use a schema file, or run without "
            "--local (with AWS credentials) for registry schemas"
        )
    config = Config(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"mode": "standard", "total_max_attempts": 3},
        user_agent_extra=f"eventcomposer/{__version__}",
    )
    session = make_session(settings)
    try:
        return session.client("schemas", config=config)
    except Exception as exc:
        raise describe_error(exc) from exc


class SchemaRegistry:
    """Reads the Schema Registry through a ``schemas`` client (every page of each list)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def _pages(self, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            try:
                page = getattr(self.client, operation)(**kwargs)
            except Exception as exc:
                raise _problem(exc, self.client) from exc
            items += page.get(key, [])
            token = page.get("NextToken")
            if not token:
                return items
            kwargs["NextToken"] = token

    def registries(self) -> list[RegistryInfo]:
        """Every registry: ``aws.events``, ``discovered-schemas`` and your own."""
        found = self._pages("list_registries", "Registries")
        return [RegistryInfo(r["RegistryName"], r.get("RegistryArn", "")) for r in found]

    def schemas(self, registry: str, prefix: str | None = None) -> list[SchemaInfo]:
        kwargs: dict[str, Any] = {"RegistryName": registry}
        if prefix:
            kwargs["SchemaNamePrefix"] = prefix
        found = self._pages("list_schemas", "Schemas", **kwargs)
        return [
            SchemaInfo(s["SchemaName"], s.get("SchemaArn", ""), s.get("VersionCount"))
            for s in found
        ]

    def versions(self, registry: str, name: str) -> list[VersionInfo]:
        """A schema's versions, newest first."""
        found = self._pages(
            "list_schema_versions", "SchemaVersions", RegistryName=registry, SchemaName=name
        )
        versions = [VersionInfo(str(v["SchemaVersion"]), v.get("Type", "")) for v in found]
        return sorted(versions, key=lambda v: _version_key(v.version), reverse=True)

    def describe(self, ref: RegistryRef) -> dict[str, Any]:
        """DescribeSchema's answer for ``ref`` (the latest version when it names none)."""
        kwargs: dict[str, Any] = {"RegistryName": ref.registry, "SchemaName": ref.name}
        if ref.version:
            kwargs["SchemaVersion"] = ref.version
        try:
            return self.client.describe_schema(**kwargs)
        except Exception as exc:
            raise _problem(exc, self.client, ref) from exc

    def load(self, ref: RegistryRef) -> Schema:
        """The schema ``ref`` names, resolved to what its Detail must satisfy."""
        answer = self.describe(ref)
        kind = answer.get("Type", "")
        if kind not in CONTENT_TYPES:
            raise SchemaError(f"{ref}: schemas of type {kind!r} are not supported")
        version = str(answer.get("SchemaVersion") or ref.version or "")
        name = str(RegistryRef(ref.registry, ref.name, version or None))
        return schema_from_text(answer.get("Content", ""), name)


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (-1, version)


def _problem(exc: BaseException, client: Any, ref: RegistryRef | None = None) -> Exception:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    if code == "NotFoundException" and ref is not None:
        which = f"version {ref.version} of " if ref.version else ""
        return SchemaError(f"{ref}: the registry {ref.registry!r} has no {which}{ref.name!r}")
    if code == "NotFoundException":
        return SchemaError(f"not found in the Schema Registry: {exc}")
    return describe_error(exc, client.meta.endpoint_url)


class SchemaSources:
    """Loads ``schema:`` references (files beside the presets, or the registry), each once.

    ``settings`` is needed only for registry references (the client is made on first use);
    thread-safe, so that the TUI's workers can share one.
    """

    def __init__(self, settings: AwsSettings | None = None, registry: Any = None) -> None:
        self.settings = settings
        self._registry: SchemaRegistry | None = registry
        self._cache: dict[str, Schema] = {}
        self._lock = threading.Lock()

    @property
    def registry(self) -> SchemaRegistry:
        if self._registry is None:
            if self.settings is None:
                raise SchemaError("registry schemas need AWS settings")
            self._registry = SchemaRegistry(schemas_client(self.settings))
        return self._registry

    def where(self, ref: str, near: Path | None = None) -> str:
        """The reference as loaded: a file's full path, or the registry reference."""
        parsed = parse_ref(ref)
        if isinstance(parsed, FileRef):
            return str(find_schema_file(str(parsed.path), near))
        return str(parsed)

    def load(self, ref: str, near: Path | None = None) -> Schema:
        """The schema ``ref`` names; a relative file is looked for beside ``near`` (the preset)
        and in the folders above it. Raises SchemaError, or AwsProblem for the registry."""
        key = self.where(ref, near)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        parsed = parse_ref(ref)
        if isinstance(parsed, FileRef):
            path = Path(key)
            if not path.is_file():
                raise SchemaError(
                    f"{ref}: no such schema file (looked beside the preset and above)"
                )
            schema = load_schema_file(path)
        else:
            schema = self.registry.load(parsed)
        with self._lock:
            self._cache[key] = schema
        return schema
