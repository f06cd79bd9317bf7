"""What every command needs: AWS settings from the arguments, consoles, limits."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.validation import Limits

#: Width of tables written to a pipe or a file (no terminal to fit): wide enough that no column
#: is cut ("F…", "Entr…" at Rich's default of 80), while COLUMNS still decides if it is set.
PIPE_WIDTH = 1000


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPE_WIDTH
    return console


#: Results go to stdout (users pipe them); messages and progress go to stderr.
out = _console()
err = _console(stderr=True)


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


@contextlib.contextmanager
def closed_pipe_quiet() -> Iterator[None]:
    """A reader that closes the pipe early (``| head``) ends what is printed, quietly: the
    command goes on (a send still finishes and is recorded) and exits with its usual status.
    Output after the pipe closed goes nowhere, with no traceback, then or at exit."""
    real = sys.stdout
    guarded = _PipeGuard(real)
    sys.stdout = guarded
    try:
        yield
    except BrokenPipeError:  # raised outside our writes (a flush deep in a library)
        guarded.close_pipe()
    finally:
        if sys.stdout is guarded:
            sys.stdout = real
        if guarded.closed_pipe:
            _discard_stdout(real)


class _PipeGuard:
    """sys.stdout that turns a broken pipe into silence."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self.closed_pipe = False

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                return self._stream.write(text)  # type: ignore[attr-defined]
            except BrokenPipeError:
                self.close_pipe()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()  # type: ignore[attr-defined]
            except BrokenPipeError:
                self.close_pipe()

    def close_pipe(self) -> None:
        self.closed_pipe = True

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _discard_stdout(stream: object) -> None:
    """Point stdout's file descriptor at /dev/null so that the interpreter's last flush of what
    is still buffered does not fail (Python's documented way for SIGPIPE)."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's capture)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)
