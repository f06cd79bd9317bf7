"""Reading input with a byte cap, and atomic file writes.

Reads are bounded *while reading* (a pipe, a FIFO or ``/dev/zero`` has no size to check first),
and ``-`` names standard input. Writes are atomic: a reader sees the old file or the new one,
never half of either.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, TextIO

#: The name ``-`` means standard input (or standard output, for an output file).
STDIN = "-"
#: Input files (presets, vars, AWS CLI input) are refused beyond this: no real one is as big.
MAX_INPUT_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
#: (the stdin object, what was read from it): ``-`` named twice reads the same text.
_stdin_cache: tuple[object, bytes] | None = None


class InputReadError(ValueError):
    """An input that can't be read, is too large or is not UTF-8; the message names it."""


def read_limited(path: str | Path, limit: int = MAX_INPUT_BYTES, what: str = "files") -> bytes:
    """The bytes of ``path`` (``-``: standard input), refusing more than ``limit`` bytes.

    The cap is checked as the bytes arrive, so a pipe, a FIFO or ``/dev/zero`` stops at
    ``limit + 1`` bytes read. Standard input is read once and kept: naming ``-`` twice in one
    command gives the same text both times; a terminal is refused (nothing was piped in, or it is
    the TUI's own). Raises InputReadError with the reason.
    """
    global _stdin_cache
    name = str(path)
    if name == STDIN:
        stream = sys.stdin
        if _stdin_cache is None or _stdin_cache[0] is not stream:
            if stream is None:
                raise InputReadError("<stdin>: there is no standard input to read")
            if _is_terminal(stream):  # the TUI's own terminal, or nothing piped in
                raise InputReadError(
                    "<stdin>: standard input is a terminal; pipe the input in "
                    "(… | eventcomposer …) or name a file"
                )
            binary = getattr(stream, "buffer", None)
            if binary is not None:
                data = _read_stream(binary, "<stdin>", limit, what)
            else:  # a text stream (tests replace stdin with one)
                data = _read_stream(_Encoded(stream), "<stdin>", limit, what)
            _stdin_cache = (stream, data)
        return _stdin_cache[1]
    try:
        with open(path, "rb") as handle:
            return _read_stream(handle, name, limit, what)
    except IsADirectoryError:
        raise InputReadError(f"{name}: is a folder, not a file") from None
    except FileNotFoundError:
        raise InputReadError(f"{name}: no such file") from None
    except PermissionError:
        raise InputReadError(f"{name}: permission denied: the file can't be read") from None
    except OSError as exc:
        raise InputReadError(f"{name}: can't be read: {exc.strerror or exc}") from None


def read_text_limited(path: str | Path, limit: int = MAX_INPUT_BYTES, what: str = "files") -> str:
    """:func:`read_limited` decoded as UTF-8 (a byte-order mark is dropped)."""
    data = read_limited(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        name = "<stdin>" if str(path) == STDIN else str(path)
        raise InputReadError(f"{name}: is not UTF-8 text (byte {exc.start})") from None


def input_name(path: str | Path) -> str:
    """How messages name an input: ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == STDIN else str(path)


def _read_stream(handle: object, name: str, limit: int, what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    read = handle.read  # type: ignore[attr-defined]
    while True:
        chunk = read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputReadError(
                f"{name}: is larger than {limit:,} bytes; {what} are limited to {limit:,} bytes"
            )
    return b"".join(chunks)


def _is_terminal(stream: IO[Any]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Encoded:
    """A text stream read as UTF-8 bytes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def read(self, size: int) -> bytes:
        return self._stream.read(size).encode("utf-8")


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder, fsync and rename.

    ``mode`` sets the permissions of the new file (for example 0o600 for private data); without
    it an existing file keeps its mode. A failure leaves the old file untouched and no temporary
    file behind.
    """
    path = Path(path)
    folder = path.parent
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
