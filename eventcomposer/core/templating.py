"""Variables in preset strings: a small fixed set, substituted as text, never executed.

``{{uuid}}``, ``{{now}}`` (RFC 3339 UTC; ``{{now-5m}}``, ``{{now+2h}}``, units s m h d),
``{{env.NAME}}``, ``{{seq}}`` (1, 2, 3 ... one number per entry across a replay),
``{{random.int(A,B)}}``, ``{{faker.PROVIDER}}`` (realistic fake data from an allow-list of
Faker providers: ``{{faker.email}}``, ``{{faker.name}}``, ``{{faker.uuid4}}``... see
:data:`FAKER_PROVIDERS`; seeded by the context's ``seed``) and ``{{NAME}}`` for a value from a
vars file. In Detail, a string that is
exactly ``"{{seq}}"`` or ``"{{random.int(A,B)}}"`` becomes a JSON number, so numeric rules can
match it; everything else is substituted inside the string, JSON-escaped.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from eventcomposer.core.entries import Entry
from eventcomposer.core.fields import FIELDS, Kind

# No lazy or nested quantifiers around \s* (they made "{{" and 5,000 spaces take 40 s): the
# expression is taken whole and stripped in code, so a match or a miss is linear in the text.
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
_NUMERIC_IN_JSON = re.compile(r'"\{\{([ \t]*(?:seq|random\.int\([^{}]*\))[ \t]*)\}\}"')
_NOW = re.compile(r"^now(?:\s*([+-])\s*(\d+)\s*([smhd]))?$")
_RANDOM_INT = re.compile(r"^random\.int\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
#: Offsets longer than this are past year 9999 in any unit (and would be slow to convert).
_MAX_OFFSET_DIGITS = 12
#: random.int's bounds are Detail integers, so within int64 as AWS requires (19 digits at most).
_INT64_MIN, _INT64_MAX, _INT64_DIGITS = -(2**63), 2**63 - 1, 19
_INT64_BOUNDS = f"has a bound outside the 64-bit integer range ({_INT64_MIN} to {_INT64_MAX})"

#: What the user can write, for help texts and error messages.
VARIABLES_HELP = (
    "{{uuid}}, {{now}}, {{now-5m}}, {{env.NAME}}, {{seq}}, {{random.int(1,100)}}, "
    "{{faker.email}} (and other faker.PROVIDER), {{NAME}} from a vars file"
)

#: The Faker providers ``{{faker.NAME}}`` may call: text-valued, argument-free, and nothing
#: else (no attribute of Faker is reached by name unless it is listed here).
FAKER_PROVIDERS = (
    "address",
    "city",
    "company",
    "country",
    "country_code",
    "credit_card_number",
    "currency_code",
    "date",
    "domain_name",
    "email",
    "first_name",
    "hostname",
    "iban",
    "iso8601",
    "ipv4",
    "ipv6",
    "job",
    "last_name",
    "license_plate",
    "mac_address",
    "name",
    "phone_number",
    "postcode",
    "sentence",
    "state",
    "street_address",
    "uri",
    "url",
    "user_agent",
    "user_name",
    "uuid4",
    "word",
)


class TemplateError(ValueError):
    """A variable that is unknown or has no value; names the variable and where it was."""

    def __init__(self, variable: str, where: str, reason: str) -> None:
        self.variable = variable
        self.where = where
        #: The entry field it is in (``Source``, ``Resources[2]``), when resolving an entry.
        self.field: str | None = None
        shown = variable if len(variable) <= 60 else variable[:59] + "…"
        super().__init__(f"{where}: {{{{{shown}}}}} {reason}")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class TemplateContext:
    """Values variables resolve to; ``seq`` counts entries across one send or replay."""

    variables: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], datetime] = _utc_now
    rng: random.Random = field(default_factory=random.Random)
    seq: int = 0
    #: seeds ``{{faker.*}}`` and ``{{random.int}}`` (the same seed, the same values); None: not
    seed: int | None = None
    _faker: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self.rng = random.Random(self.seed)

    def faker(self) -> object:
        """The Faker this context draws from (made, and seeded, on first use)."""
        if self._faker is None:
            from eventcomposer.core.samples import make_faker

            self._faker = make_faker(self.seed)
        return self._faker

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


def has_variables(text: str | None) -> bool:
    """Whether ``text`` holds any ``{{...}}`` placeholder."""
    return text is not None and "{{" in text and _PLACEHOLDER.search(text) is not None


def render(text: str, ctx: TemplateContext, where: str, seq: int, json_text: bool = False) -> str:
    """``text`` with every placeholder replaced; ``json_text`` escapes values for JSON strings."""
    if "{{" not in text:
        return text
    if json_text:
        text = _NUMERIC_IN_JSON.sub(lambda m: _value(m.group(1).strip(), ctx, where, seq), text)

    def substitute(match: re.Match[str]) -> str:
        value = _value(match.group(1).strip(), ctx, where, seq)
        return json.dumps(value, ensure_ascii=False)[1:-1] if json_text else value

    return _PLACEHOLDER.sub(substitute, text)


def resolve_entry(entry: Entry, ctx: TemplateContext, where: str = "entry") -> Entry:
    """A copy of ``entry`` with every variable resolved; takes the next ``seq`` number."""
    seq = ctx.next_seq()
    changes: dict[str, object] = {}
    for f in FIELDS:
        value = f.get(entry)
        if isinstance(value, list):
            items = []
            for i, item in enumerate(value, start=1):
                items.append(_render_field(item, ctx, where, f"{f.api}[{i}]", seq, False))
            changes[f.attr] = items
        elif value:
            changes[f.attr] = _render_field(value, ctx, where, f.api, seq, f.kind is Kind.JSON)
    return entry.copy(**changes)


def _render_field(
    text: str, ctx: TemplateContext, where: str, name: str, seq: int, json_text: bool
) -> str:
    """``render`` for one entry field; a TemplateError says which field."""
    try:
        return render(text, ctx, f"{where}, {name}", seq, json_text=json_text)
    except TemplateError as exc:
        exc.field = name
        raise


def _value(expr: str, ctx: TemplateContext, where: str, seq: int) -> str:
    if expr == "uuid":
        return str(uuid.uuid4())
    if expr == "seq":
        return str(seq)
    now = _NOW.match(expr)
    if now:
        moment = ctx.clock()
        if now.group(1):
            digits = now.group(2)
            try:
                if len(digits) > _MAX_OFFSET_DIGITS:
                    raise OverflowError
                delta = timedelta(**{_UNITS[now.group(3)]: int(digits)})
                moment = moment + delta if now.group(1) == "+" else moment - delta
            except OverflowError:
                raise TemplateError(
                    expr, where, "is outside the years 0001 to 9999 (a smaller offset, please)"
                ) from None
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rand = _RANDOM_INT.match(expr)
    if rand:
        if any(len(b.lstrip("-")) > _INT64_DIGITS for b in rand.groups()):
            raise TemplateError(expr, where, _INT64_BOUNDS)
        low, high = int(rand.group(1)), int(rand.group(2))
        if not (_INT64_MIN <= low <= _INT64_MAX and _INT64_MIN <= high <= _INT64_MAX):
            raise TemplateError(expr, where, _INT64_BOUNDS)
        if low > high:
            raise TemplateError(expr, where, f"has its bounds reversed ({low} > {high})")
        return str(ctx.rng.randint(low, high))
    if expr.startswith("faker."):
        provider = expr[6:]
        if provider not in FAKER_PROVIDERS:
            raise TemplateError(
                expr,
                where,
                f"is not an allowed Faker provider (allowed: {', '.join(FAKER_PROVIDERS)})",
            )
        return str(getattr(ctx.faker(), provider)())
    if expr.startswith("env."):
        name = expr[4:]
        if name not in ctx.env:
            raise TemplateError(expr, where, f"is not set: the environment has no {name}")
        return ctx.env[name]
    if _NAME.match(expr) and expr in ctx.variables:
        return str(ctx.variables[expr])
    raise TemplateError(expr, where, f"is not a known variable (known: {VARIABLES_HELP})")
