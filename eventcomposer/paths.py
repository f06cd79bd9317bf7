"""Where eventcomposer keeps its own files (the platform's user directories)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_state_path


def data_dir() -> Path:
    """History and other data; ``EVENTCOMPOSER_DATA_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_DATA_DIR")
    return Path(override) if override else user_data_path("eventcomposer", appauthor=False)


def state_dir() -> Path:
    """Drafts and other state; ``EVENTCOMPOSER_STATE_DIR`` overrides."""
    override = os.environ.get("EVENTCOMPOSER_STATE_DIR")
    return Path(override) if override else user_state_path("eventcomposer", appauthor=False)


def history_file() -> Path:
    """The history database (a ``history.jsonl`` beside it, from earlier versions, is migrated
    into it once)."""
    return data_dir() / "history.sqlite3"
