"""Hooks for ``bench/startup.py``: note when the first screen is up and when everything is
mounted, and exit right after (set by environment variables; nothing happens otherwise)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from textual.app import App

#: Set to 1 to exit as soon as the first screen is shown (for bench/startup.py).
EXIT_ON_READY_ENV = "EVENTCOMPOSER_EXIT_ON_READY"
#: A file to write {"time": ..., "boto3": ...} to when the first screen is shown.
READY_FILE_ENV = "EVENTCOMPOSER_READY_FILE"


def exit_on_ready() -> bool:
    return os.environ.get(EXIT_ON_READY_ENV) == "1"


def first_screen_shown() -> None:
    """Note the time, the CPU time and whether boto3 was loaded, if asked to."""
    ready_file = os.environ.get(READY_FILE_ENV)
    if ready_file:
        data = {"time": time.time(), "cpu": time.process_time(), "boto3": "boto3" in sys.modules}
        Path(ready_file).write_text(json.dumps(data))


def composer_complete(app: App[Any]) -> None:
    """Everything is mounted: note it once it is drawn, then exit."""

    def done() -> None:
        ready_file = os.environ.get(READY_FILE_ENV)
        if ready_file:
            data = json.loads(Path(ready_file).read_text())
            data.update(complete_time=time.time(), complete_cpu=time.process_time())
            Path(ready_file).write_text(json.dumps(data))
        app.exit(0)

    app.call_after_refresh(done)
