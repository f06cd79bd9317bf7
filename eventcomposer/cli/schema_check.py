"""Detail against its schema for ``send`` and ``validate`` (``--no-schema`` skips it).

Each entry naming a schema (its own ``schema:``, else its preset's) is checked as it will be
sent (variables resolved), every violation with its JSON path and the line: in the preset file
when Detail is a YAML mapping there, else in the Detail text.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error
from eventcomposer.cli.inputs import Batch
from eventcomposer.core.files import read_limited
from eventcomposer.core.presets import MAX_PRESET_BYTES
from eventcomposer.core.validation import Problem
from eventcomposer.core.yaml_load import line_of
from eventcomposer.sending import Outgoing

if TYPE_CHECKING:  # jsonschema is imported only when some entry names a schema
    from eventcomposer.core.schemas import Violation


def schema_problems(args: argparse.Namespace, batch: Batch) -> list[Problem]:
    """Every schema violation of the batch's first round (and every schema that can't be
    loaded, as a problem of the entry naming it). A registry that can't be reached ends the
    command with exit 3."""
    if getattr(args, "no_schema", False):
        return []
    outgoing = batch.plan().first_round()
    if not any(o.written.schema for o in outgoing):
        return []
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.aws.schema_registry import SchemaSources
    from eventcomposer.cli.context import settings_from
    from eventcomposer.core.schemas import SchemaError, validate_detail

    sources = SchemaSources(settings_from(args))
    texts: dict[Path, str] = {}
    problems: list[Problem] = []
    for number, item in enumerate(outgoing, start=1):
        ref = item.written.schema
        if not ref:
            continue
        file = batch.written_files[number - 1] if number <= len(batch.written_files) else None
        try:
            schema = sources.load(ref, file[0] if file else None)
        except SchemaError as exc:
            problems.append(Problem(number, "schema", str(exc)))
            continue
        except AwsProblem as exc:
            error(f"schema {ref}: {exc}")
            raise SystemExit(
                exit_codes.UNREACHABLE if exc.is_connectivity else exit_codes.BAD_INPUT
            ) from None
        try:
            violations = validate_detail(schema, item.resolved.detail)
        except SchemaError as exc:
            problems.append(Problem(number, "schema", str(exc)))
            continue
        for violation in violations:
            line = _file_line(file, item.written.detail_as_mapping, violation, texts)
            where = f" ({file[0]}:{line})" if line and file else _detail_line(item, violation)
            problems.append(
                Problem(
                    number,
                    "Detail",
                    f"{violation}{where} [schema {ref}]",
                    line or violation.line,
                )
            )
    return problems


def _file_line(
    file: tuple[Path, int] | None,
    as_mapping: bool,
    violation: Violation,
    texts: dict[Path, str],
) -> int | None:
    """The line of the violation in the preset file, when Detail is a mapping in it."""
    if file is None or not as_mapping:
        return None
    path, index = file
    if path not in texts:
        try:
            texts[path] = read_limited(path, MAX_PRESET_BYTES, "presets").decode("utf-8")
        except (OSError, ValueError):
            texts[path] = ""
    if not texts[path]:
        return None
    return line_of(texts[path], ("entries", index, "Detail", *violation.parts))


def _detail_line(item: Outgoing, violation: Violation) -> str:
    if violation.line and "\n" in item.resolved.detail:
        return f" (Detail line {violation.line})"
    return ""
