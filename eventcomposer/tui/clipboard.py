"""Copies: to the terminal's clipboard (OSC 52), saying that the terminal may not have taken it,
and the last copy written to a file on request (Alt+W) when it did not arrive."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventcomposer.tui.app import EventComposerApp


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name`` numbered (``put-events-2.sh``) if that file exists."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


class Clipboard:
    """What was copied last, and where it may be written instead."""

    def __init__(self, app: EventComposerApp, folder: Path | None = None) -> None:
        self.app = app
        #: Where Alt+W writes (the folder the composer was started in).
        self.folder = folder or Path.cwd()
        self.last: tuple[str, str] | None = None

    def copy(self, text: str, what: str, file_name: str) -> None:
        """Hand ``text`` to the terminal (OSC 52): nothing tells whether it arrived (tmux
        without set-clipboard, many terminals over SSH drop it), so say so, and offer a file."""
        self.app.copy_to_clipboard(text)
        self.last = (text, file_name)
        self.app.notify(
            f"Sent {what} to the terminal's clipboard (OSC 52); some terminals and tmux "
            f"ignore it. Not there? Alt+W writes it to {file_name}.",
            title="Copied",
            timeout=8,
        )

    def write_last(self) -> Path | None:
        """Write the last copy to a new file in ``folder``; its path, or None after saying why."""
        app = self.app
        if self.last is None:
            app.notify("Nothing has been copied yet.", severity="warning")
            return None
        text, file_name = self.last
        path = free_path(self.folder, file_name)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            app.notify(f"Could not write {path}: {exc}", severity="error", timeout=10)
            return None
        app.notify(f"Wrote {path}", timeout=8)
        app.set_status(f"Wrote the last copy to {path}.")
        return path
