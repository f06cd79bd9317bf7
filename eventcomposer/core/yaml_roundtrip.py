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
        doc = _merge(doc, old, new, yaml)
        out = io.StringIO()
        yaml.dump(doc, out)
        result = out.getvalue()
    except Exception:  # ruamel.yaml can't keep this file's shape: write it fresh instead
        return None
    try:
        if json.dumps(load_yaml(result)) != json.dumps(new):
            return None
    except ValueError:
        return None
    return result


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
