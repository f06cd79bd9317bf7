"""``eventcomposer export`` (presets as AWS CLI commands or boto3) and ``import`` (the reverse)."""

from __future__ import annotations

import argparse
from pathlib import Path

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, limits_from
from eventcomposer.core.export import aws_cli_export, boto3_snippet
from eventcomposer.core.files import atomic_write_text


def run_export(args: argparse.Namespace) -> int:
    from eventcomposer.cli.send_cmd import gather_valid

    batch = gather_valid(args, limits_from(args))
    if batch is None:
        return exit_codes.BAD_INPUT
    target = getattr(args, "output_file", "-") or "-"
    files: dict[Path, str] = {}
    if args.format == "boto3":
        text = boto3_snippet(batch.entries, args.region, args.endpoint_url)
    else:
        # Calls too large for one argument read their entries from a file beside the output
        # (the current folder when the commands go to stdout).
        folder = Path.cwd() if target == "-" else Path(target).absolute().parent
        stem = "put-events" if target == "-" else Path(target).stem
        text, files = aws_cli_export(
            batch.entries,
            args.region,
            args.endpoint_url,
            args.profile,
            folder=folder,
            stem=stem,
            endpoint_id=batch.endpoint_id,
        )
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
