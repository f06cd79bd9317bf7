"""What each target of a matching rule receives: the input EventBridge builds for it.

A target gets one of (AWS ``Target`` fields):

- nothing set: the whole event, as minified JSON;
- ``Input``: that constant JSON text instead of the event;
- ``InputPath``: the part of the event a JSONPath selects, as minified JSON;
- ``InputTransformer``: ``InputPathsMap`` names JSONPaths into the event, and ``InputTemplate``
  uses them as ``<name>``, along with the predefined ``<aws.events.rule-arn>``,
  ``<aws.events.rule-name>``, ``<aws.events.event.ingestion-time>``, ``<aws.events.event>``
  (the event without ``detail``) and ``<aws.events.event.json>`` (the whole event).

Template rules (EventBridge user guide, "Amazon EventBridge input transformation", and its
"Common issues"): a template starting with ``{`` or ``[`` is a JSON template, anything else a
string template. In a JSON template a placeholder standing as a value becomes JSON (a string
value gets quotes); inside a quoted string, and anywhere in a string template, the value goes in
as it is: strings without quotes and unescaped ("EventBridge doesn't escape values extracted by
Input Path"), other values as JSON text. A path the event does not have creates no variable:
the placeholder becomes empty (``""`` where it stands as a JSON value). A JSON result is
minified. Pure: no boto3, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventcomposer.core.rules import RuleInfo, TargetInfo

PREDEFINED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
)
_PLACEHOLDER = re.compile(r"<([^<>]*)>")
_MISSING = object()


@dataclass(frozen=True)
class TargetInput:
    """The predicted input of one target.

    ``kind`` is "event", "Input", "InputPath" or "InputTransformer"; ``body`` the text the
    target receives (None: nothing is delivered); ``notes`` what the user should know (a path
    the event lacks, a result that is not valid JSON, ...).
    """

    kind: str
    body: str | None
    notes: tuple[str, ...] = ()

    @property
    def value(self) -> Any:
        """The body as JSON, or the text itself if it is not JSON."""
        if self.body is None:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body


def minified(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- JSONPath (the subset EventBridge supports: dots, dashes, underscores, indexes, *) ---------

_STEP = re.compile(
    r"""\.(?P<name>[^.\[\]]+)        # .name (dashes, slashes, anything but . and [ ])
      | \[(?P<index>-?\d+)\]          # [0]
      | \[\*\]|\.\*                    # [*] or .*
      | \[['"](?P<quoted>[^'"]*)['"]\]  # ['name']
    """,
    re.VERBOSE,
)


class JsonPathError(ValueError):
    """A path outside the supported JSONPath subset."""


def parse_path(path: str) -> list[tuple[str, Any]]:
    """``$.detail.items[0].sku`` -> ``[("key","detail"),("key","items"),("index",0),...]``."""
    text = path.strip()
    if not text.startswith("$"):
        raise JsonPathError(f"JSONPath must start with $: {path!r}")
    steps: list[tuple[str, Any]] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise JsonPathError(f"unsupported JSONPath {path!r} at {text[position:]!r}")
        if match.group("name") is not None:
            name = match.group("name")
            steps.append(("all", None) if name == "*" else ("key", name))
        elif match.group("index") is not None:
            steps.append(("index", int(match.group("index"))))
        elif match.group("quoted") is not None:
            steps.append(("key", match.group("quoted")))
        else:
            steps.append(("all", None))
        position = match.end()
    return steps


def select(event: Any, path: str) -> Any:
    """The value at ``path``; a list of values if the path has a wildcard; _MISSING if none."""
    steps = parse_path(path)
    nodes = [event]
    wild = False
    for kind, arg in steps:
        following = []
        for node in nodes:
            has_key = kind == "key" and isinstance(node, dict) and arg in node
            has_index = kind == "index" and isinstance(node, list) and -len(node) <= arg < len(node)
            if has_key or has_index:
                following.append(node[arg])
            elif kind == "all":
                wild = True
                if isinstance(node, dict):
                    following.extend(node.values())
                elif isinstance(node, list):
                    following.extend(node)
        nodes = following
    if wild:
        return nodes if nodes else _MISSING
    return nodes[0] if nodes else _MISSING


# --- templates ----------------------------------------------------------------------------------


def _raw(value: Any) -> str:
    return value if isinstance(value, str) else minified(value)


def render_template(template: str, variables: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Fill ``<name>`` placeholders as EventBridge does; returns (text, notes).

    ``variables`` maps names to values; a path the event lacks is simply not in it, and its
    placeholder is replaced by nothing (``""`` where it stands as a JSON value).
    """
    notes: list[str] = []
    is_json = template.lstrip().startswith(("{", "["))
    pieces: list[str] = []
    last = 0
    # whether a placeholder sits inside a quoted string: one pass over the template
    inside = False
    scan = 0
    for match in _PLACEHOLDER.finditer(template):
        # advance the quote state up to this placeholder
        while scan < match.start():
            char = template[scan]
            if char == "\\" and inside:
                scan += 2
                continue
            if char == '"':
                inside = not inside
            scan += 1
        scan = match.end()
        name = match.group(1)
        pieces.append(template[last : match.start()])
        last = match.end()
        if name not in variables:
            pieces.append('""' if is_json and not inside else "")
            continue
        value = variables[name]
        if is_json and not inside:
            pieces.append(minified(value))
        else:
            pieces.append(_raw(value))
    pieces.append(template[last:])
    text = "".join(pieces)
    if is_json:
        try:
            text = minified(json.loads(text))
        except ValueError:
            notes.append("the filled template is not valid JSON")
    return text, notes


def event_without_detail(event: Mapping[str, Any]) -> dict[str, Any]:
    """``<aws.events.event>``: the event without ``detail``."""
    return {key: value for key, value in event.items() if key != "detail"}


def predict_input(
    target: Mapping[str, Any],
    event: Mapping[str, Any],
    *,
    rule_name: str = "",
    rule_arn: str = "",
    ingestion_time: str | None = None,
) -> TargetInput:
    """What EventBridge delivers to ``target`` (a ``Target`` as PutTargets takes it) for ``event``.

    ``ingestion_time`` (ISO 8601) is when EventBridge received the event; unknown before
    sending, so the event's ``time`` stands in, with a note.
    """
    if target.get("Input") is not None:
        return TargetInput("Input", str(target["Input"]))
    if target.get("InputPath") is not None:
        path = str(target["InputPath"])
        try:
            value = select(event, path)
        except JsonPathError as exc:
            return TargetInput("InputPath", None, (str(exc),))
        if value is _MISSING:
            return TargetInput(
                "InputPath", None, (f"InputPath {path} selects nothing in this event",)
            )
        return TargetInput("InputPath", minified(value))
    transformer = target.get("InputTransformer")
    if transformer:
        if isinstance(transformer, str):
            transformer = json.loads(transformer)
        return _transform(transformer, event, rule_name, rule_arn, ingestion_time)
    return TargetInput("event", minified(event))


def _transform(
    transformer: Mapping[str, Any],
    event: Mapping[str, Any],
    rule_name: str,
    rule_arn: str,
    ingestion_time: str | None,
) -> TargetInput:
    notes: list[str] = []
    variables: dict[str, Any] = {}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        if name in PREDEFINED:
            notes.append(f"<{name}> is predefined; the InputPathsMap entry is not used")
            continue
        try:
            value = select(event, path)
        except JsonPathError as exc:
            notes.append(str(exc))
            continue
        if value is _MISSING:
            notes.append(f"<{name}>: {path} is not in this event, so the variable is empty")
            continue
        variables[name] = value
    template = str(transformer.get("InputTemplate") or "")
    if ingestion_time is None and "<aws.events.event.ingestion-time>" in template:
        notes.append("<aws.events.event.ingestion-time> is shown as the event's time")
        ingestion_time = str(event.get("time", ""))
    variables.update(
        {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time or "",
            "aws.events.event": event_without_detail(event),
            "aws.events.event.json": dict(event),
        }
    )
    for name in _PLACEHOLDER.findall(template):
        if name not in variables and name not in (transformer.get("InputPathsMap") or {}):
            notes.append(f"<{name}> is not defined in InputPathsMap (AWS refuses such a target)")
    text, more = render_template(template, variables)
    return TargetInput("InputTransformer", text, tuple(notes + more))


def compare_inputs(predicted: TargetInput, delivered: str) -> list[str]:
    """Differences between the predicted input and what a target actually received.

    Both are compared as JSON where they parse (so whitespace and key order do not count),
    else as text. An empty list means they agree.
    """
    if predicted.body is None:
        return [f"predicted no delivery, but the target received {delivered!r}"]
    try:
        mine, theirs = json.loads(predicted.body), json.loads(delivered)
    except ValueError:
        if predicted.body == delivered:
            return []
        return [f"predicted {predicted.body!r}, received {delivered!r}"]
    return _diff(mine, theirs, "$")


def _diff(mine: Any, theirs: Any, where: str) -> list[str]:
    if isinstance(mine, dict) and isinstance(theirs, dict):
        out: list[str] = []
        for key in mine.keys() | theirs.keys():
            path = f"{where}.{key}"
            if key not in theirs:
                out.append(f"{path}: predicted {minified(mine[key])}, not received")
            elif key not in mine:
                out.append(f"{path}: received {minified(theirs[key])}, not predicted")
            else:
                out.extend(_diff(mine[key], theirs[key], path))
        return sorted(out)
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        out = []
        for index, (first, second) in enumerate(zip(mine, theirs, strict=True)):
            out.extend(_diff(first, second, f"{where}[{index}]"))
        return out
    if mine == theirs and type(mine) is type(theirs):
        return []
    return [f"{where}: predicted {minified(mine)}, received {minified(theirs)}"]


def rule_target_inputs(
    rule: RuleInfo, event: Mapping[str, Any], ingestion_time: str | None = None
) -> list[tuple[TargetInfo, TargetInput]]:
    """Each target of ``rule`` with the input it would receive for ``event`` (for the rules
    panel, on demand, and ``rules --targets``)."""
    return [
        (
            target,
            predict_input(
                target.as_target(),
                event,
                rule_name=rule.name,
                rule_arn=rule.arn,
                ingestion_time=ingestion_time,
            ),
        )
        for target in rule.targets
    ]
