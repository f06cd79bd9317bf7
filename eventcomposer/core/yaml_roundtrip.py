"""Saving changes into an existing YAML file without disturbing the rest of it.

ruamel.yaml's round-trip mode keeps a document's comments, key order, quoting, flow/block style
and blank lines; :func:`apply_changes` loads the file that way, changes only the values that
differ between what the file meant (``old``) and what is to be saved (``new``), and writes it
back with the file's own indentation. Values that are new are written the way
:mod:`eventcomposer.core.yaml_dump` writes them (flow lists, quotes where needed).

PyYAML (with libyaml) stays the reader for ``send`` and ``validate``: ruamel.yaml's round-trip
loader is pure Python and several times slower, a price worth paying only when a file is saved.
ruamel.yaml is imported only here, and only when a file is saved.
"""

from __future__ import annotations

import difflib
import io
import itertools
import json
import re
from typing import Any

from eventcomposer.core.yaml_dump import dump_yaml, scalar
from eventcomposer.core.yaml_load import load_yaml


def apply_changes(text: str, old: Any, new: Any) -> str | None:
    """``text`` (whose data is ``old``) changed to hold ``new``, untouched parts byte for byte.

    None when the result would not read back as ``new`` (the caller then writes the file fresh).
    """
    from ruamel.yaml import YAML

    try:
        mapping, offset = guess_indent(text)
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # never re-wrap long lines
        yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
        yaml.explicit_start = text.lstrip().startswith("---")
        doc = yaml.load(text)
        unchanged = _dump(yaml, doc)
        changed = _dump(yaml, _merge(doc, old, new, yaml))
    except Exception:  # ruamel.yaml can't keep this file's shape: write it fresh instead
        return None
    # ruamel.yaml indents a whole file one way; where the file itself is indented otherwise,
    # only the lines that really changed are taken from its output.
    for result in (_patch(text, unchanged, changed), changed):
        if result is not None and _reads_as(result, new):
            return result
    return None


def _dump(yaml: Any, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _reads_as(text: str, data: Any) -> bool:
    try:
        return json.dumps(load_yaml(text)) == json.dumps(data)
    except ValueError:
        return False


def _patch(original: str, unchanged: str, changed: str) -> str | None:
    """``original`` with the line changes that turn ``unchanged`` into ``changed`` (both
    ruamel.yaml's output), where the lines they touch are the original's own; else None."""
    lines = original.splitlines(keepends=True)
    before = unchanged.splitlines(keepends=True)
    after = changed.splitlines(keepends=True)
    # which original line each line of ruamel's unchanged output is
    where: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, lines, before, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            where[block.b + k] = block.a + k
    edits: list[tuple[int, int, list[str]]] = []
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if i1 < i2:
            if any(i not in where for i in range(i1, i2)):
                return None
            mapped = [where[i] for i in range(i1, i2)]
            if mapped != list(range(mapped[0], mapped[0] + len(mapped))):
                return None
            start, end = mapped[0], mapped[-1] + 1
        else:  # an insertion: after the original of the line before it
            if i1 == 0:
                start = 0
            elif (i1 - 1) in where:
                start = where[i1 - 1] + 1
            else:
                return None
            end = start
        edits.append((start, end, after[j1:j2]))
    for start, end, replacement in reversed(edits):
        lines[start:end] = replacement
    return "".join(lines)


_KEY_ONLY = re.compile(r"( *)(?:- +)?[^\s#'\"-][^#]*:\s*(?:#.*)?$")
_LINE = re.compile(r"( *)(- +)?\S")


def guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, list dash offset) of a block-style file: how far a nested mapping's
    keys and a list's dashes sit right of their parent key. Defaults: 2 and 2."""
    mapping = offset = None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, below in itertools.pairwise(lines):
        parent = _KEY_ONLY.match(above)
        child = _LINE.match(below)
        if not parent or not child:
            continue
        base = len(above) - len(above.lstrip(" -"))  # the parent key's column
        step = len(child.group(1)) - base
        if step < 0 or (step == 0 and not child.group(2)):
            continue
        if child.group(2) and offset is None:
            offset = step
        elif not child.group(2) and mapping is None and step > 0:
            mapping = step
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a) == json.dumps(b)


def _merge(node: Any, old: Any, new: Any, yaml: Any) -> Any:
    """``node`` (ruamel's value for ``old``) changed in place, as far as it can be, to ``new``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if _same(old, new):
        return node
    if isinstance(node, CommentedMap) and isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del node[key]
        for key, value in new.items():
            if key in old and key in node:
                node[key] = _merge(node[key], old[key], value, yaml)
            else:
                node[key] = _fresh(value, yaml)
        return node
    if isinstance(node, CommentedSeq) and isinstance(old, list) and isinstance(new, list):
        for i, value in enumerate(new):
            if i < len(old) and i < len(node):
                node[i] = _merge(node[i], old[i], value, yaml)
            else:
                node.append(_fresh(value, yaml))
        del node[len(new) :]
        return node
    return _fresh(new, yaml, like=node)


def _fresh(value: Any, yaml: Any, like: Any = None) -> Any:
    """A new ruamel value for ``value``: a scalar keeps the quoting of the one it replaces
    (``like``) when it can; collections are written in yaml_dump's style."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(value, (dict, list)):
        if not value:
            return type(value)()
        return yaml.load(dump_yaml({"x": value}))["x"]
    if not isinstance(value, str):
        return value
    if isinstance(like, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(value)
    if isinstance(like, SingleQuotedScalarString) and value.isprintable():
        return SingleQuotedScalarString(value)
    written = scalar(value)
    if written == value:
        return value
    if written.startswith("'"):
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)
