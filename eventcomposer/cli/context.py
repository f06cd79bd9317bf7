"""What every command needs: AWS settings from the arguments, consoles, limits."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.validation import Limits

#: Results go to stdout (users pipe them); messages and progress go to stderr.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def settings_from(args: argparse.Namespace) -> AwsSettings:
    return AwsSettings(
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        local=bool(getattr(args, "local", False)),
        read_timeout=getattr(args, "timeout", None) or 20.0,
    )


def limits_from(args: argparse.Namespace) -> Limits:
    size = getattr(args, "size_limit", None)
    return Limits(request_bytes=size) if size else Limits()


def error(message: str) -> None:
    """A message for the user on stderr, marked as an error."""
    err.print(f"[bold red]error:[/] {escape(message)}")


def warn(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {escape(message)}")
