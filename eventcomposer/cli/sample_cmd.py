"""``eventcomposer sample``: a preset whose Details satisfy a schema (a file or the registry)."""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import err, error, out, settings_from, warn
from eventcomposer.core.files import STDIN, atomic_write_text
from eventcomposer.core.presets import dump_preset
from eventcomposer.core.samples import sample_names, sample_preset
from eventcomposer.core.schemas import FileRef, SchemaError, parse_ref

#: More samples than this in one preset are refused (it is a test preset, not a load test).
MAX_COUNT = 10_000


def run_sample(args: argparse.Namespace) -> int:
    from eventcomposer.aws.errors import AwsProblem
    from eventcomposer.aws.schema_registry import SchemaSources

    if not 1 <= args.count <= MAX_COUNT:
        error(f"--count must be 1 to {MAX_COUNT:,}, not {args.count}")
        return exit_codes.BAD_INPUT
    output = args.output_file
    if output != STDIN and Path(output).exists() and not args.force:
        error(f"{output} exists: pass --force to overwrite it")
        return exit_codes.BAD_INPUT
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    try:
        ref = parse_ref(args.schema)
        schema = SchemaSources(settings_from(args)).load(args.schema, Path.cwd())
        preset = sample_preset(
            schema,
            _ref_for(args.schema, ref, output),
            args.count,
            seed,
            name=args.name,
            bus=args.bus,
            source=args.source,
            detail_type=args.detail_type,
        )
    except SchemaError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    except AwsProblem as exc:
        error(str(exc))
        return exit_codes.UNREACHABLE if exc.is_connectivity else exit_codes.BAD_INPUT
    note = sample_names(schema)[2]
    if note and not args.source:
        warn(note)
    text = dump_preset(preset)
    if output == STDIN:
        out.file.write(text)
        out.file.flush()
    else:
        try:
            atomic_write_text(Path(output), text)
        except OSError as exc:
            error(f"{output}: {exc.strerror or exc}")
            return exit_codes.BAD_INPUT
        err.print(f"wrote {output}: {args.count} sample(s) of {args.schema}", markup=False)
    if args.seed is None:
        err.print(f"seed {seed} (--seed {seed} writes the same preset again)", markup=False)
    return exit_codes.OK


def _ref_for(given: str, ref: object, output: str) -> str:
    """The schema reference as the preset should write it: a file relative to the preset's
    folder when it is not found from there as given."""
    if not isinstance(ref, FileRef) or output == STDIN:
        return given
    from eventcomposer.core.schemas import find_schema_file

    target = Path(given).expanduser().resolve()
    if find_schema_file(given, Path(output)).resolve() == target:
        return given
    return os.path.relpath(target, Path(output).resolve().parent)
