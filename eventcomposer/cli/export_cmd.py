"""``eventcomposer export`` (presets as AWS CLI commands or boto3) and ``import`` (the reverse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, limits_from, out
from eventcomposer.core.cli_formats import InputFormatError, parse_any, read_argument
from eventcomposer.core.export import aws_cli_commands, boto3_snippet
from eventcomposer.core.presets import Preset, PresetError, save_preset


def run_export(args: argparse.Namespace) -> int:
    from eventcomposer.cli.send_cmd import gather_valid

    batch = gather_valid(args, limits_from(args))
    if batch is None:
        return exit_codes.BAD_INPUT
    if args.format == "boto3":
        text = boto3_snippet(batch.entries, args.region, args.endpoint_url)
    else:
        text = aws_cli_commands(batch.entries, args.region, args.endpoint_url, args.profile)
    print(text)
    return exit_codes.OK


def run_import(args: argparse.Namespace) -> int:
    target = Path(args.output_file)
    if target.exists() and not args.force:
        error(f"{target} exists; pass --force to overwrite it")
        return exit_codes.BAD_INPUT
    try:
        if args.source == "-":
            text, name = sys.stdin.read(), "<stdin>"
        else:
            text, name = read_argument(args.source)
        document = parse_any(text, name)
    except InputFormatError as exc:
        error(str(exc))
        return exit_codes.BAD_INPUT
    if not document.entries:
        error(f"{name}: holds no entries")
        return exit_codes.BAD_INPUT
    preset = Preset(name=args.name or target.stem, entries=document.entries, bus=args.bus)
    for entry in preset.entries:
        entry.detail_as_mapping = True  # Detail reads better (and diffs better) as YAML
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        save_preset(preset, target)
    except (OSError, PresetError) as exc:
        error(f"can't write {target}: {getattr(exc, 'strerror', None) or exc}")
        return exit_codes.BAD_INPUT
    out.print(f"wrote {target}: {len(preset.entries)} entries")
    return exit_codes.OK
