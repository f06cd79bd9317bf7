"""Writing new YAML in the example presets' style, readable back as exactly the same data.

- mappings and lists of mappings in block style (list items indented under their key);
- a list of scalars that fits on a line in flow style: ``Resources: [arn:aws:…]``;
- text plain where it can be, otherwise quoted: in single quotes when it holds a ``"`` (a JSON
  Detail string reads best that way), in double quotes otherwise (``"{{uuid}}"``);
- quotes wherever a value written plain would read back as something else, in YAML 1.2 (how
  eventcomposer reads it) *or* YAML 1.1 (PyYAML and other tools): ``"NO"``, ``"on"``,
  ``"1:20"``, ``"0o17"``, ``"1e3"``, ``"2024-01-01"``.

Used for new files only; saving over a file keeps its own style
(:mod:`eventcomposer.core.yaml_roundtrip`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from eventcomposer.core.yaml_load import needs_quotes

#: Flow lists longer than this are written as block lists.
FLOW_WIDTH = 100
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#&*!|>'\"%@`\t\n\r]*\Z")


def dump_yaml(doc: dict[str, Any]) -> str:
    """``doc`` (plain dicts, lists, text, numbers, booleans, None) as YAML text."""
    lines: list[str] = []
    _mapping(doc, 0, lines, None)
    return "\n".join(lines) + "\n"


def scalar(value: Any) -> str:
    """One scalar as YAML text that reads back as the same value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if (
        _PLAIN.match(text)
        and text == text.strip()
        and not text.endswith(":")
        and ": " not in text
        and " #" not in text
        and text.isprintable()
        and not needs_quotes(text)
    ):
        return text
    if '"' in text and "'" not in text and text.isprintable():
        return f"'{text}'"
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    # JSON escapes only ASCII controls; YAML also breaks lines at NEL, LS and PS.
    return "".join(
        c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        for c in quoted
    )


def _flow(items: list[Any]) -> str | None:
    if any(isinstance(i, (dict, list)) for i in items):
        return None
    text = "[" + ", ".join(scalar(i) for i in items) + "]"
    return text if len(text) <= FLOW_WIDTH else None


def _flow_any(value: Any) -> str:
    """Any value in flow style (``[a, {b: 1}]``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(str(k))}: {_flow_any(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow_any(v) for v in value) + "]"
    return scalar(value)


def _value(prefix: str, value: Any, indent: int, lines: list[str]) -> None:
    """``prefix`` (``key:`` or ``-``) followed by ``value``."""
    if isinstance(value, dict) and value:
        if prefix.endswith("-"):
            _mapping(value, indent, lines, prefix + " ")
        else:
            lines.append(prefix)
            _mapping(value, indent, lines, None)
    elif isinstance(value, list) and value:
        flow = _flow(value)
        if flow is not None and len(prefix) + 1 + len(flow) <= FLOW_WIDTH:
            lines.append(f"{prefix} {flow}")
        elif prefix.endswith("-"):
            lines.append(f"{prefix} {_flow_any(value)}")  # a list inside a list
        else:
            lines.append(prefix)
            for item in value:
                _value(" " * indent + "-", item, indent + 2, lines)
    elif isinstance(value, dict):
        lines.append(f"{prefix} {{}}")
    elif isinstance(value, list):
        lines.append(f"{prefix} []")
    else:
        lines.append(f"{prefix} {scalar(value)}")


def _mapping(value: dict[str, Any], indent: int, lines: list[str], first: str | None) -> None:
    for i, (key, item) in enumerate(value.items()):
        lead = first if (i == 0 and first is not None) else " " * indent
        _value(f"{lead}{scalar(str(key))}:", item, indent + 2, lines)
