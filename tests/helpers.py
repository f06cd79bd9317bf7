"""Data and small helpers shared by several test modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The example of ../shared/reference/aws-cli-put-events.txt (putevents.json).
AWS_CLI_EXAMPLE = [
    {
        "Source": "com.mycompany.myapp",
        "Detail": '{ "key1": "value1", "key2": "value2" }',
        "Resources": ["resource1", "resource2"],
        "DetailType": "myDetailType",
    },
    {
        "Source": "com.mycompany.myapp",
        "Detail": '{ "key1": "value3", "key2": "value4" }',
        "Resources": ["resource1", "resource2"],
        "DetailType": "myDetailType",
    },
]

Run = Callable[..., tuple[int, str, str]]


def write_json(tmp_path: Path, data: Any, name: str = "entries.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


ROOT = Path(__file__).resolve().parents[1]
