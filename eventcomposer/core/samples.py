"""Sample Details from a schema: every required property, ``const`` and ``enum``, formats,
numeric and length bounds, patterns, ``examples`` where given, and realistic text from Faker
(chosen by format, then by the property's name). Seeded: the same seed gives the same samples.

Each sample is checked against the schema before it is returned; a schema no value can satisfy
(or one using a keyword the generator can't honour) is a SchemaError with the violations.
"""

from __future__ import annotations

import json
import random
import re
import string
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from eventcomposer.core.schemas import Schema, SchemaError

#: Attempts at a sample that fits before giving up (each with the generator further along).
ATTEMPTS = 20
#: Nesting deeper than this stops following optional properties and recursive refs.
MAX_DEPTH = 12
_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)

if sys.version_info >= (3, 11):
    import re._parser as sre_parse  # type: ignore[import-not-found]
else:  # pragma: no cover
    import sre_parse


def make_faker(seed: int | None) -> Any:
    """A Faker for English data, seeded (None: not seeded)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


class Sampler:
    """Generates values for one schema, deterministic for a seed."""

    def __init__(self, schema: Schema, seed: int | None = None) -> None:
        self.schema = schema
        self.rng = random.Random(seed)
        self.fake = make_faker(seed)
        #: where ``$ref`` resolves now (the document, or a file it refers to)
        self._resolver = schema.resolver()

    # -- entry points --------------------------------------------------------------------------

    def detail(self) -> Any:
        """One Detail that satisfies the schema; SchemaError if none was found."""
        from eventcomposer.core.schemas import validate_value

        problems: list[tuple[tuple[str | int, ...], str]] = []
        for attempt in range(ATTEMPTS):
            self._resolver = self.schema.resolver()
            value = self.value(self.schema.detail, "", 0, use_examples=attempt < ATTEMPTS // 2)
            problems = validate_value(self.schema, value)
            if not problems:
                return value
        from eventcomposer.core.schemas import json_path

        shown = "; ".join(f"{json_path(p)}: {m}" for p, m in problems[:5])
        raise SchemaError(f"{self.schema.name}: could not make a sample that fits ({shown})")

    # -- values --------------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """``node`` with its ``$ref`` followed (moving the resolver to where it leads)."""
        from referencing.exceptions import Unresolvable

        for _ in range(50):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            ref = node["$ref"]
            try:
                resolved = self._resolver.lookup(ref)
            except Unresolvable:
                raise SchemaError(
                    f"{self.schema.name}: can't resolve the reference {ref}"
                ) from None
            self._resolver = resolved.resolver
            target = resolved.contents
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **extra} if extra and isinstance(target, dict) else target
        return node

    def value(self, node: Any, name: str, depth: int, use_examples: bool = True) -> Any:
        saved = self._resolver
        try:
            return self._value(node, name, depth, use_examples)
        finally:
            self._resolver = saved

    def _value(self, node: Any, name: str, depth: int, use_examples: bool) -> Any:
        node = self.resolve(node)
        if node is True or node is None or node == {}:
            return self._text_for(name, {})
        if node is False:
            raise SchemaError(f"{self.schema.name}: {name or 'the Detail'} can have no value")
        if "const" in node:
            return node["const"]
        if node.get("enum"):
            return self.rng.choice(node["enum"])
        examples = node.get("examples")
        if use_examples and isinstance(examples, list) and examples:
            return self.rng.choice(examples)
        if "allOf" in node:
            return self.value(self._merge(node), name, depth, use_examples)
        for key in ("oneOf", "anyOf"):
            if node.get(key):
                rest = {k: v for k, v in node.items() if k != key}
                branch = self.resolve(self.rng.choice(node[key]))
                merged = self._merge({"allOf": [rest, branch]}) if rest else branch
                return self.value(merged, name, depth, use_examples)
        kind = self._type(node)
        if kind == "object":
            return self._object(node, depth, use_examples)
        if kind == "array":
            return self._array(node, name, depth, use_examples)
        if kind == "integer":
            return self._number(node, name, integer=True)
        if kind == "number":
            return self._number(node, name, integer=False)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        return self._string(node, name)

    def _merge(self, node: dict[str, Any]) -> dict[str, Any]:
        """``allOf`` as one schema: properties merged, required joined, the rest overridden."""
        out: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for part in node.get("allOf", []):
            saved = self._resolver
            part = self.resolve(part)
            self._resolver = saved
            if isinstance(part, dict) and "allOf" in part:
                part = self._merge(part)
            if not isinstance(part, dict):
                continue
            for key, val in part.items():
                if key == "properties":
                    out["properties"] = {**out.get("properties", {}), **val}
                elif key == "required":
                    out["required"] = list(dict.fromkeys([*out.get("required", []), *val]))
                else:
                    out[key] = val
        return out

    def _type(self, node: dict[str, Any]) -> str:
        kind = node.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"] or ["null"]
            kind = kinds[0]
        if isinstance(kind, str):
            return kind
        if "properties" in node or "required" in node:
            return "object"
        if "items" in node or "prefixItems" in node:
            return "array"
        if any(k in node for k in ("minimum", "maximum", "multipleOf", "exclusiveMinimum")):
            return "number"
        return "string"

    def _object(self, node: dict[str, Any], depth: int, use_examples: bool) -> dict[str, Any]:
        props: dict[str, Any] = node.get("properties") or {}
        required = [r for r in node.get("required") or [] if isinstance(r, str)]
        names = list(dict.fromkeys([*required, *props]))
        if depth >= MAX_DEPTH:
            names = required
        limit = node.get("maxProperties")
        if isinstance(limit, int):
            names = list(dict.fromkeys([*required, *names]))[: max(limit, len(required))]
        out: dict[str, Any] = {}
        for key in names:
            out[key] = self.value(props.get(key, {}), key, depth + 1, use_examples)
        extra = node.get("additionalProperties", True)
        minimum = node.get("minProperties", 0)
        while len(out) < minimum and extra is not False:
            key = self.fake.word()
            if key not in out:
                schema = extra if isinstance(extra, dict) else {"type": "string"}
                out[key] = self.value(schema, key, depth + 1, use_examples)
        return out

    def _array(self, node: dict[str, Any], name: str, depth: int, use_examples: bool) -> list:
        items = node.get("items", {})
        prefix = node.get("prefixItems")
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, node.get("additionalItems", {})
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", max(low, 3)))
        count = self.rng.randint(max(low, min(1, high)), max(low, min(high, low + 3, 3)))
        if depth >= MAX_DEPTH:
            count = low
        out: list[Any] = []
        for i, schema in enumerate(prefix or []):
            if i < max(count, low, 1) or i < len(prefix or []):
                out.append(self.value(schema, name, depth + 1, use_examples))
        if items is False:
            return out[: max(count, len(prefix or []))]
        singular = name[:-1] if name.endswith("s") else name
        tries = 0
        while len(out) < count and tries < count * 10:
            tries += 1
            item = self.value(items, singular, depth + 1, use_examples)
            if node.get("uniqueItems") and any(_same(item, o) for o in out):
                continue
            out.append(item)
        if "contains" in node and not out:
            out.append(self.value(node["contains"], singular, depth + 1, use_examples))
        return out

    def _number(self, node: dict[str, Any], name: str, integer: bool) -> int | float:
        low, high = node.get("minimum"), node.get("maximum")
        ex_low, ex_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
        step = node.get("multipleOf")
        tiny = 1 if integer else 0.01
        if ex_low is True and low is not None:  # draft 4: a flag on minimum
            low += tiny
        elif isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
            low = ex_low + tiny if low is None else max(low, ex_low + tiny)
        if ex_high is True and high is not None:
            high -= tiny
        elif isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
            high = ex_high - tiny if high is None else min(high, ex_high - tiny)
        lowered = name.lower()
        money = any(w in lowered for w in ("amount", "price", "total", "cost", "balance"))
        few = any(w in lowered for w in ("quantity", "qty", "count"))
        span = 9 if few else 500 if money else 1000
        if low is None and high is None:
            low, high = (1, 1 + span) if money or few else (0, span)
        elif low is None:
            low = high - span if high is not None else 0
        elif high is None:
            high = low + span
        assert low is not None and high is not None  # every case above sets both
        if step:
            first = _ceil(low / step)
            last = _floor(high / step)
            value = self.rng.randint(first, max(first, last)) * step
            if integer or (isinstance(step, int) and isinstance(value, int)):
                return int(value)
            return round(value, 10)
        if integer:
            lo, hi = _ceil(low), _floor(high)
            return self.rng.randint(lo, max(lo, hi))
        value = round(self.rng.uniform(low, high), 2)
        return min(max(value, low), high)

    # -- text --------------------------------------------------------------------------------

    def _string(self, node: dict[str, Any], name: str) -> str:
        fmt = node.get("format")
        low = int(node.get("minLength", 0))
        high = node.get("maxLength")
        text = None
        pattern = node.get("pattern")
        if isinstance(fmt, str):
            text = self._format(fmt)
        if text is None and isinstance(pattern, str):
            for _ in range(5):
                candidate = self._text_for(name, node)
                if re.search(pattern, candidate):
                    text = candidate
                    break
            else:
                text = self._from_regex(pattern, low, high)
        if text is None:
            text = self._text_for(name, node)
        if len(text) < low:
            text += "".join(self.rng.choice(string.ascii_lowercase) for _ in range(low - len(text)))
        if isinstance(high, int) and len(text) > high:
            text = text[:high].rstrip() if len(text[:high].rstrip()) >= low else text[:high]
        return text

    def _format(self, fmt: str) -> str | None:
        fake = self.fake
        moment = _EPOCH + timedelta(seconds=self.rng.randint(0, 365 * 24 * 3600))
        makers = {
            "date-time": lambda: moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "date": lambda: moment.strftime("%Y-%m-%d"),
            "time": lambda: moment.strftime("%H:%M:%SZ"),
            "email": fake.email,
            "idn-email": fake.email,
            "uuid": lambda: str(fake.uuid4()),
            "uri": fake.url,
            "url": fake.url,
            "iri": fake.url,
            "uri-reference": fake.uri_path,
            "hostname": fake.hostname,
            "idn-hostname": fake.hostname,
            "ipv4": fake.ipv4,
            "ipv6": fake.ipv6,
            "duration": lambda: f"PT{self.rng.randint(1, 59)}M",
        }
        maker = makers.get(fmt)
        return str(maker()) if maker else None

    def _text_for(self, name: str, node: dict[str, Any]) -> str:
        """Realistic text for a property, by its name (``email``, ``city``, ``orderId``...)."""
        fake = self.fake
        key = re.sub(r"[^a-z]", "", name.lower())
        table = (
            ("email", fake.email),
            ("firstname", fake.first_name),
            ("lastname", fake.last_name),
            ("username", fake.user_name),
            ("fullname", fake.name),
            ("customername", fake.name),
            ("name", fake.name),
            ("phone", fake.phone_number),
            ("street", fake.street_address),
            ("address", fake.street_address),
            ("city", fake.city),
            ("countrycode", fake.country_code),
            ("country", fake.country_code),
            ("state", fake.state_abbr),
            ("postcode", fake.postcode),
            ("zip", fake.postcode),
            ("currency", fake.currency_code),
            ("company", fake.company),
            ("url", fake.url),
            ("uri", fake.url),
            ("ip", fake.ipv4),
            ("sku", lambda: fake.bothify("SKU-####-??").upper()),
            ("id", lambda: str(fake.uuid4())),
            ("status", lambda: fake.random_element(("PENDING", "ACTIVE", "COMPLETED"))),
            ("description", fake.sentence),
            ("message", fake.sentence),
            ("comment", fake.sentence),
            ("reason", fake.sentence),
            ("title", lambda: fake.sentence(nb_words=4).rstrip(".")),
            ("time", lambda: self._format("date-time") or ""),
            ("date", lambda: self._format("date") or ""),
            ("at", lambda: self._format("date-time") or ""),
        )
        for word, maker in table:
            if key.endswith(word) or (len(word) > 3 and word in key):
                return str(maker())
        return fake.word()

    def _from_regex(self, pattern: str, low: int, high: Any) -> str:
        """A string matching ``pattern`` (the common subset: literals, classes, groups,
        alternatives, repeats); SchemaError for a pattern it can't read."""
        try:
            parsed = sre_parse.parse(pattern)
        except re.error as exc:
            raise SchemaError(f"{self.schema.name}: pattern {pattern!r}: {exc}") from None
        return self._emit(parsed)

    def _emit(self, items: Any) -> str:
        out = []
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(arg))
            elif name == "ANY":
                out.append(self.rng.choice(string.ascii_letters))
            elif name == "IN":
                out.append(self._class(arg))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                high = low + 3 if high > low + 3 else high
                out.extend(self._emit(sub) for _ in range(self.rng.randint(low, high)))
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                out.append(self._emit(arg[-1]))
            elif name == "BRANCH":
                out.append(self._emit(self.rng.choice(arg[1])))
            elif name == "CATEGORY":
                out.append(self._category(str(arg)))
            elif name in ("AT", "ASSERT", "ASSERT_NOT"):
                continue
            else:
                raise SchemaError(f"{self.schema.name}: can't make text for a pattern using {name}")
        return "".join(out)

    def _class(self, arg: Any) -> str:
        choices: list[str] = []
        negate = False
        for op, value in arg:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                choices.append(chr(value))
            elif name == "RANGE":
                choices.extend(chr(c) for c in range(value[0], min(value[1], value[0] + 200) + 1))
            elif name == "CATEGORY":
                choices.append(self._category(str(value)))
        if negate:
            pool = [c for c in string.ascii_letters + string.digits if c not in choices]
            return self.rng.choice(pool or ["~"])
        return self.rng.choice(choices or ["a"])

    def _category(self, name: str) -> str:
        pools = {
            "CATEGORY_DIGIT": string.digits,
            "CATEGORY_NOT_DIGIT": string.ascii_letters,
            "CATEGORY_WORD": string.ascii_letters + string.digits,
            "CATEGORY_NOT_WORD": "-.",
            "CATEGORY_SPACE": " ",
            "CATEGORY_NOT_SPACE": string.ascii_letters,
        }
        return self.rng.choice(pools.get(name, string.ascii_letters))


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _ceil(x: float) -> int:
    return int(x) if x == int(x) else int(x) + (1 if x > 0 else 0)


def _floor(x: float) -> int:
    return int(x) if x == int(x) else int(x) - (1 if x < 0 else 0)


def sample_details(schema: Schema, count: int = 1, seed: int | None = None) -> list[Any]:
    """``count`` Details that satisfy ``schema``, the same for the same ``seed``."""
    sampler = Sampler(schema, seed)
    return [sampler.detail() for _ in range(count)]


#: Source for samples of a schema that names none.
DEFAULT_SOURCE = "com.example.app"


def sample_names(schema: Schema) -> tuple[str, str, str]:
    """(Source, DetailType, a note) for samples of ``schema``: what it says the event has.
    PutEvents refuses ``aws.`` sources (AWS's own), so those are sent as ``test.aws...``."""
    source = schema.source or DEFAULT_SOURCE
    note = ""
    if source.startswith("aws."):
        note = (
            f"Source {source} is AWS's own (PutEvents refuses aws. sources): the samples use "
            f"test.{source}; rules that match on source {source} won't match them"
        )
        source = f"test.{source}"
    title = schema.document.get("title") or (schema.document.get("info") or {}).get("title")
    detail_type = schema.detail_type or (title if isinstance(title, str) else "") or "Sample"
    return source, detail_type[:128], note


def sample_preset(
    schema: Schema,
    ref: str,
    count: int = 1,
    seed: int | None = None,
    *,
    name: str | None = None,
    bus: str | None = None,
    source: str | None = None,
    detail_type: str | None = None,
) -> Any:
    """A preset of ``count`` entries whose Details satisfy ``schema``, naming it as ``ref``."""
    from eventcomposer.core.entries import Entry, dump_detail
    from eventcomposer.core.presets import Preset

    default_source, default_type, _ = sample_names(schema)
    entries = [
        Entry(
            source=source or default_source,
            detail_type=detail_type or default_type,
            detail=dump_detail(detail),
            detail_as_mapping=True,
        )
        for detail in sample_details(schema, count, seed)
    ]
    return Preset(
        name=name or default_type,
        entries=entries,
        description=f"Samples of {ref}" + (f" (seed {seed})" if seed is not None else ""),
        bus=bus,
        schema=ref,
    )
