"""Editing the Detail in ``$VISUAL``/``$EDITOR``: suspend the app, run the editor on a temporary
file, resume. A missing or failing editor is reported and the composer comes back intact."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SuspendNotSupported

if TYPE_CHECKING:
    from eventcomposer.tui.app import EventComposerApp


def edit_text(app: App[Any], text: str) -> str | None:
    """The text as the user left it in their editor; None (after saying why) if unchanged."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(prefix="eventcomposer-detail-", suffix=".json")
    path = Path(name)
    result: subprocess.CompletedProcess[bytes] | OSError | ValueError
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            with app.suspend():
                # Inside the suspended block, so that the terminal is given back to the app
                # whatever happens to the editor.
                try:
                    result = subprocess.run([*shlex.split(command), str(path)], check=False)
                except (OSError, ValueError) as exc:
                    result = exc
        except SuspendNotSupported:
            if not app.is_headless:
                app.notify("This terminal can't suspend the app.", severity="error")
                return None
            try:
                result = subprocess.run(
                    [*shlex.split(command), str(path)], check=False, capture_output=True
                )
            except (OSError, ValueError) as exc:
                result = exc
        if isinstance(result, Exception):
            app.notify(
                f"Could not run the editor {command!r}: {result}. Set $VISUAL or $EDITOR.",
                severity="error",
                timeout=10,
            )
            return None
        if result.returncode != 0:
            app.notify(f"{command} exited with {result.returncode}; Detail unchanged.")
            return None
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


async def edit_detail(app: EventComposerApp) -> None:
    """F4: the Detail in $VISUAL or $EDITOR; what the editor saves becomes the Detail."""
    if not app.composer_ready:
        return
    text = edit_text(app, app.editor.text)
    if text is not None:
        app.editor.load_text(text)
        app.commit_edits()
        await app.show_state()
