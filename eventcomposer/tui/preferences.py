"""The TUI's preferences kept between runs: the theme (chosen with Ctrl+P → "Change theme"),
in ``tui.json`` in the user config folder (``EVENTCOMPOSER_CONFIG_DIR`` overrides)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventcomposer.paths import config_dir

if TYPE_CHECKING:
    from textual.theme import Theme

    from eventcomposer.tui.app import EventComposerApp


def preferences_file() -> Path:
    return config_dir() / "tui.json"


def load() -> dict[str, Any]:
    """The saved preferences; empty if there are none or they can't be read (never fatal)."""
    try:
        data = json.loads(preferences_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class Preferences:
    """Applies the saved theme at start and saves the theme whenever the user changes it."""

    def __init__(self, app: EventComposerApp) -> None:
        self.app = app
        theme = load().get("theme")
        if isinstance(theme, str) and theme in app.available_themes:
            app.theme = theme

    def follow(self) -> None:
        """From now on, a change of theme is kept."""
        self.app.theme_changed_signal.subscribe(self.app, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        data = load()
        if data.get("theme") == theme.name:
            return
        data["theme"] = theme.name
        path = preferences_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            temporary.replace(path)
        except OSError as exc:
            self.app.notify(f"Could not keep the theme in {path}: {exc}", severity="warning")
