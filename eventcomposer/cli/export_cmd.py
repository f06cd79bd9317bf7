"""``eventcomposer export`` (presets as AWS CLI commands or boto3) and ``import`` (the reverse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, limits_from, out
from eventcomposer.core.cli_formats import InputFormatError, parse_any, read_argument
from eventcomposer.core.export import EnvReferences, ExportError, aws_cli_export, boto3_snippet
from eventcomposer.core.files import atomic_write_text
from eventcomposer.core.presets import Preset, PresetError, dump_preset, save_preset
from eventcomposer.sending import Plan


def run_export(args: argparse.Namespace) -> int:
    from eventcomposer.cli.send_cmd import gather_valid

    batch = gather_valid(args, limits_from(args))
    if batch is None:
        return exit_codes.BAD_INPUT
    # Environment values stay references (resolved when the export runs): never written out.
    env = EnvReferences()
    plan = Plan(
        batch.written,
        batch.written_origins,
        variables=batch.variables,
        env=env,
        repeat=batch.repeat,
        endpoint_id=batch.endpoint_id,
    )
    entries = plan.resolved()
    target = getattr(args, "output_file", "-") or "-"
    files: dict[Path, str] = {}
    if args.format == "boto3":
        text = boto3_snippet(entries, args.region, args.endpoint_url, env)
    else:
        # Calls too large for one argument read their entries from a file beside the output
        # (the current folder when the commands go to stdout).
        folder = Path.cwd() if target == "-" else Path(target).absolute().parent
        stem = "put-events" if target == "-" else Path(target).stem
        try:
            text, files = aws_cli_export(
                entries,
                args.region,
                args.endpoint_url,
                args.profile,
                folder=folder,
                stem=stem,
                endpoint_id=batch.endpoint_id,
                env=env,
            )
        except ExportError as exc:
            error(str(exc))
            return exit_codes.BAD_INPUT
    try:
        for path, payload in files.items():
            atomic_write_text(path, payload)
            _note(f"wrote {path}: the entries of a call too large for one argument")
        if target == "-":
            print(text)
        else:
            atomic_write_text(Path(target), text + "\n")
            _note(f"wrote {target}")
    except OSError as exc:
        error(f"can't write the export: {exc.strerror or exc}")
        return exit_codes.BAD_INPUT
    return exit_codes.OK


def _note(message: str) -> None:
    """A note on stderr (stdout holds only the export)."""
    from eventcomposer.cli.context import err

    err.print(message)


def run_import(args: argparse.Namespace) -> int:
    to_stdout = args.output_file == "-"
    target = Path(args.output_file)
    if not to_stdout and target.exists() and not args.force:
        error(f"{target} exists; pass --force to overwrite it")
        return exit_codes.BAD_INPUT
    try:
        text, name = read_argument(args.source)  # - and file://- read standard input
        document = parse_any(text, name)
    except InputFormatError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if not document.entries:
        error(f"{name}: holds no entries")
        return exit_codes.BAD_INPUT
    preset = Preset(
        name=args.name or ("imported" if to_stdout else target.stem),
        entries=document.entries,
        bus=args.bus,
        endpoint_id=document.endpoint_id,
    )
    for entry in preset.entries:
        entry.detail_as_mapping = True  # Detail reads better (and diffs better) as YAML
    if to_stdout:
        sys.stdout.write(dump_preset(preset))
        return exit_codes.OK
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        save_preset(preset, target, round_trip=False)  # a new preset, even with --force
    except (OSError, PresetError) as exc:
        error(f"can't write {target}: {getattr(exc, 'strerror', None) or exc}")
        return exit_codes.BAD_INPUT
    out.print(f"wrote {target}: {len(preset.entries)} entries")
    return exit_codes.OK
