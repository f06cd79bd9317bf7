"""What every command needs: AWS settings from the arguments, consoles, limits."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Iterator

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


#: Signals that end a headless command the way Ctrl+C does: a send stops cleanly, prints its
#: summary and records what was sent (a second one stops at once).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread while the block runs, as
    Ctrl+C (SIGINT) does; the previous handlers come back after. A no-op off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in STOP_SIGNALS:
        if signal.getsignal(number) is signal.SIG_IGN:
            continue  # started with it ignored (nohup): keep it so
        previous[number] = signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
