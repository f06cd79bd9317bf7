"""Reading YAML the way a preset means it: YAML 1.2 core-schema values, data only, fast.

Every YAML file or text the tool reads (presets, vars files, ``--cli-input-yaml``, ``import``)
goes through :func:`load_yaml`:

- **YAML 1.2 core schema**: only ``true``/``false``, ``null``/``~``/empty and YAML 1.2 numbers
  (``12``, ``0o17``, ``0x1F``, ``1.5``, ``1e3``, ``.inf``, ``.nan``) are non-strings. ``NO``,
  ``on``, ``y``, ``1:20``, ``2024-01-01`` and ``1_000`` stay the text they are (YAML 1.1, which
  PyYAML's own loaders implement, turns them into booleans, sexagesimal numbers and dates).
  Mapping keys are always their text.
- **data only**: anchors and aliases (the "billion laughs" bomb), tags other than the core
  schema's (``!!python/object``, ``!!binary``, ``!!timestamp``…), duplicate keys, more than one
  document and nesting deeper than :data:`MAX_DEPTH` are errors naming the line.
- **fast**: libyaml's C parser (when PyYAML was built with it) produces the events, and one
  loop builds plain dicts and lists from them: no node graph, no second walk. Line numbers of
  errors are libyaml's, the same as PyYAML reports. Lines of *valid* values are only looked up
  (:func:`line_of`, a second parse) when a caller has an error to report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

#: libyaml's parser when PyYAML has it (about 6× faster than the pure-Python one).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Deeper nesting is refused (Detail itself may nest 1000 levels; the preset adds a few).
MAX_DEPTH = 1100

_CORE = "tag:yaml.org,2002:"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = frozenset((".nan", ".NaN", ".NAN"))
#: A plain scalar starting with anything else is a string (the fast path).
_STARTERS = frozenset("-+.0123456789~nNtTfF")


class YamlError(ValueError):
    """YAML that can't be read as data; ``line`` is 1-based (None when unknown)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def resolve_plain(text: str) -> Any:
    """What an untagged plain scalar means in the YAML 1.2 core schema."""
    if text and text[0] not in _STARTERS:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT10.match(text):
        return int(text, 10)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text[0] == "-" else math.inf
    if text in _NAN:
        return math.nan
    return text


_YAML11 = yaml.resolver.Resolver()


def needs_quotes(text: str) -> bool:
    """Whether ``text`` written plain would read back as something other than this string,
    in YAML 1.2 (how we read it) or in YAML 1.1 (how PyYAML and many other tools read it)."""
    if resolve_plain(text) is not text:
        return True
    tag = _YAML11.resolve(yaml.ScalarNode, text, (True, False))
    return tag != _CORE + "str"


def _tagged(tag: str, text: str, line: int, plain: bool) -> Any:
    """A scalar with an explicit core-schema tag (``!!str 12``); other tags are refused."""
    if tag in ("!", _CORE + "str"):
        return text
    kind = tag[len(_CORE) :] if tag.startswith(_CORE) else None
    if kind in ("int", "float", "bool", "null"):
        value = resolve_plain(text)
        ok = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }[kind]
        if ok(value):
            return float(value) if kind == "float" else value
        raise YamlError(f"{text!r} is not a valid !!{kind}", line)
    raise YamlError(f"unsupported YAML tag: {_short(tag)} (presets hold data only)", line)


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


_MISSING = object()


def _events(text: str) -> Iterator[Any]:
    """libyaml's events for ``text``, errors as YamlError with the line."""
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None
    finally:
        loader.dispose()


def _yaml_error(exc: yaml.YAMLError) -> YamlError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return YamlError(
            f"YAML error: {exc.problem or exc.context}", mark.line + 1 if mark else None
        )
    return YamlError(f"YAML error: {exc}")


def load_yaml(text: str) -> Any:
    """The one document in ``text`` as plain dicts, lists and scalars (None for no document).

    Raises YamlError (with the line) for a syntax error, an anchor or alias, a tag outside the
    core schema, a duplicate or non-scalar key, a second document, or too deep nesting.
    """
    # Each frame: [container, pending key (dicts only)]; the root collects into ``result``.
    stack: list[list[Any]] = []
    result: Any = _MISSING
    documents = 0
    loader = _Loader(text)
    get_event = loader.get_event  # libyaml's parser; no generator in between
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None:
                    _refuse_anchor(event)
                tag = event.tag
                if tag is None:
                    value = resolve_plain(event.value) if event.implicit[0] else event.value
                else:
                    value = _tagged(tag, event.value, event.start_mark.line + 1, event.implicit[0])
                if stack:
                    frame = stack[-1]
                    container = frame[0]
                    if container.__class__ is list:
                        container.append(value)
                    elif frame[1] is _MISSING:
                        key = event.value  # keys are their text
                        if key in container:
                            raise YamlError(
                                f"duplicate key {key!r}: a second one would silently "
                                "replace the first",
                                event.start_mark.line + 1,
                            )
                        frame[1] = key
                    else:
                        container[frame[1]] = value
                        frame[1] = _MISSING
                else:
                    result = value
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:
                    _refuse_anchor(event)
                tag = event.tag
                if tag is not None and tag not in ("!", _CORE + "map", _CORE + "seq"):
                    raise YamlError(
                        f"unsupported YAML tag: {_short(tag)} (presets hold data only)",
                        event.start_mark.line + 1,
                    )
                if stack and stack[-1][0].__class__ is dict and stack[-1][1] is _MISSING:
                    raise YamlError(
                        "a mapping key must be text, not a list or mapping",
                        event.start_mark.line + 1,
                    )
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(
                        f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1
                    )
                stack.append([{} if kind is MappingStartEvent else [], _MISSING])
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = stack.pop()[0]
                if stack:
                    frame = stack[-1]
                    container = frame[0]
                    if container.__class__ is list:
                        container.append(value)
                    else:
                        container[frame[1]] = value
                        frame[1] = _MISSING
                else:
                    result = value
            elif kind is AliasEvent:
                raise YamlError(
                    "YAML anchors and aliases are not supported", event.start_mark.line + 1
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError(
                        "holds more than one YAML document (a second '---')",
                        event.start_mark.line + 1,
                    )
            elif kind is StreamEndEvent:
                break
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None
    finally:
        loader.dispose()
    return None if result is _MISSING else result


def _refuse_anchor(event: Any) -> None:
    raise YamlError("YAML anchors and aliases are not supported", event.start_mark.line + 1)


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the value at ``path`` (mapping keys and list indexes from the root):
    for a mapping member, the line of its key; for a list item, where the item starts.
    ``text`` must be valid (it was loaded before); None when the path isn't there."""
    target = tuple(path)
    if not target:
        return 1
    # Each frame: [is_mapping, index or pending key, expecting_key]
    stack: list[list[Any]] = []
    here: list[Any] = []  # the path of the value the next event starts

    def current_path() -> tuple[Any, ...]:
        return tuple(here)

    for event in _events(text):
        kind = type(event)
        line = event.start_mark.line + 1
        starts_value = kind in (ScalarEvent, MappingStartEvent, SequenceStartEvent)
        if starts_value and stack:
            frame = stack[-1]
            if frame[0]:  # a mapping
                if frame[2]:  # this event is a key
                    key = event.value if kind is ScalarEvent else None
                    frame[1], frame[2] = key, False
                    if (*current_path(), key) == target:
                        return line
                    continue
                frame[2] = True
                here.append(frame[1])
            else:
                frame[1] += 1
                here.append(frame[1])
                if current_path() == target:
                    return line
        if kind is MappingStartEvent:
            stack.append([True, None, True])
        elif kind is SequenceStartEvent:
            stack.append([False, -1, False])
        elif kind is ScalarEvent and stack:
            here.pop()
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            if stack:
                here.pop()
    return None
