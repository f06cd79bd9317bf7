"""Where eventcomposer keeps its own files (the platform's user directories)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path


def data_dir() -> Path:
    """History and other data; ``EVENTCOMPOSER_DATA_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_DATA_DIR")
    return Path(override) if override else user_data_path("eventcomposer", appauthor=False)


def state_dir() -> Path:
    """Drafts and other state; ``EVENTCOMPOSER_STATE_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_STATE_DIR")
    return Path(override) if override else user_state_path("eventcomposer", appauthor=False)


def config_dir() -> Path:
    """Preferences (the TUI's theme); ``EVENTCOMPOSER_CONFIG_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_CONFIG_DIR")
    return Path(override) if override else user_config_path("eventcomposer", appauthor=False)


def history_file() -> Path:
    """The history database (a ``history.jsonl`` beside it, from earlier versions, is migrated
    into it once)."""
    return data_dir() / "history.sqlite3"


def demo_presets_dir() -> Path:
    """The demo presets shipped in the package (read-only: written for the demo rules of the
    local EventBridge). The repository's ``presets/`` is a link to this folder."""
    return Path(__file__).resolve().parent / "demo_presets"


def user_presets_dir() -> Path:
    """Where presets are saved when no presets folder is at hand (``--local`` outside a
    repository, or "save as" from a demo preset); ``EVENTCOMPOSER_PRESETS_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_PRESETS_DIR")
    return Path(override) if override else data_dir() / "presets"


def is_demo_preset(path: Path) -> bool:
    """Whether ``path`` is one of the packaged demo presets (to be opened read-only: saving
    goes to :func:`user_presets_dir` instead)."""
    try:
        return Path(path).resolve().is_relative_to(demo_presets_dir())
    except OSError:
        return False
