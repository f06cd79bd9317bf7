"""What ``eventcomposer test`` checks for an entry: a preset entry's optional ``expect`` key.

```yaml
entries:
  - Source: com.example.orders
    ...
    expect:
      match: [large-orders]          # rules on the entry's bus that must match it
      no-match: [eu-orders]          # rules that must not match it (missing rules fail too)
      delivered: [large-orders]      # on a local EventBridge: targets that must receive it,
                                     # RULE (each of its SQS targets) or RULE/TARGET-ID
```

Every key is optional; ``send`` and the TUI ignore ``expect`` (and keep it when saving).
Pure: no boto3, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loading a preset needs neither the pattern engine nor the rules
    from eventcomposer.core.rule_matching import RuleVerdict
    from eventcomposer.core.rules import RuleInfo

EXPECT_KEY = "expect"
#: The keys of an ``expect`` mapping, in the order they are written.
EXPECT_KEYS = ("match", "no-match", "delivered")


class ExpectationError(ValueError):
    """An ``expect`` mapping that is not valid; ``path`` is the key (and index) at fault."""

    def __init__(self, message: str, *path: str | int) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Expectation:
    """Rules that must match, rules that must not, targets that must receive the event."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    delivered: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.match or self.no_match or self.delivered)


def parse_expectation(value: Any) -> Expectation:
    """An ``expect`` value as read from YAML; ExpectationError says which key is wrong."""
    if not isinstance(value, Mapping):
        raise ExpectationError(
            f"must be a mapping with any of {', '.join(EXPECT_KEYS)} (lists of rule names)"
        )
    lists: dict[str, tuple[str, ...]] = {}
    for key, names in value.items():
        if key not in EXPECT_KEYS:
            raise ExpectationError(f"unknown key {key!r} (known: {', '.join(EXPECT_KEYS)})", key)
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names:
            raise ExpectationError("must be a rule name or a non-empty list of them", key)
        for index, name in enumerate(names):
            if not isinstance(name, str) or not name.strip():
                raise ExpectationError("must be a rule name (text)", key, index)
        lists[key] = tuple(n.strip() for n in names)
    both = set(lists.get("match", ())) & set(lists.get("no-match", ()))
    if both:
        raise ExpectationError(
            f"rule {sorted(both)[0]!r} is both in match and in no-match", "no-match"
        )
    return Expectation(
        match=lists.get("match", ()),
        no_match=lists.get("no-match", ()),
        delivered=lists.get("delivered", ()),
    )


def target_name(name: str) -> tuple[str, str | None]:
    """``RULE`` or ``RULE/TARGET-ID`` as (rule, target id or None)."""
    rule, _, target = name.partition("/")
    return rule, (target or None)


@dataclass(frozen=True)
class Check:
    """One expectation checked: ``kind`` is match, no-match or delivered; ``outcome`` pass,
    fail or skip; ``message`` says why."""

    kind: str
    name: str
    outcome: str
    message: str

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"

    @property
    def failed(self) -> bool:
        return self.outcome == "fail"


def check_rules(expectation: Expectation, verdicts: Sequence[RuleVerdict], bus: str) -> list[Check]:
    """The ``match`` and ``no-match`` expectations against the verdicts of the bus's rules (a
    disabled rule routes nothing: it never counts as matching)."""
    from eventcomposer.core.rule_matching import Verdict

    by_name = {v.rule.name: v for v in verdicts}
    checks = []
    for kind, names in (("match", expectation.match), ("no-match", expectation.no_match)):
        for name in names:
            verdict = by_name.get(name)
            if verdict is None:
                checks.append(Check(kind, name, "fail", f"no rule {name!r} on bus {bus}"))
                continue
            routes = verdict.verdict is Verdict.MATCH and not verdict.disabled
            why = verdict.reason
            if verdict.verdict is Verdict.MATCH and verdict.disabled:
                why = f"the rule is disabled (its pattern matches: {why})"
            elif verdict.verdict is Verdict.MATCH:
                why = f"matches on {why}"
            elif verdict.verdict is Verdict.NO_MATCH:
                why = f"does not match: {why}"
            ok = routes if kind == "match" else not routes
            checks.append(Check(kind, name, "pass" if ok else "fail", why))
    return checks


def check_deliveries(
    expectation: Expectation,
    rules: Sequence[RuleInfo],
    received: Mapping[tuple[str, str], bool] | None,
    skip_reason: str = "",
) -> list[Check]:
    """The ``delivered`` expectations. ``received``: (rule, target id) -> whether that SQS
    target got the event; None when deliveries could not be read (each check is skipped with
    ``skip_reason``)."""
    by_name = {r.name: r for r in rules}
    checks = []
    for name in expectation.delivered:
        if received is None:
            checks.append(Check("delivered", name, "skip", skip_reason))
            continue
        rule_name, target_id = target_name(name)
        rule = by_name.get(rule_name)
        if rule is None:
            checks.append(Check("delivered", name, "fail", f"no rule {rule_name!r} on the bus"))
            continue
        targets = [t for t in rule.targets if target_id is None or t.id == target_id]
        readable = [t for t in targets if (rule_name, t.id) in received]
        if not targets:
            message = f"rule {rule_name!r} has no target {target_id!r}"
            checks.append(Check("delivered", name, "fail", message))
        elif not readable:
            message = "only SQS targets can be read back; this one is not"
            checks.append(Check("delivered", name, "skip", message))
        else:
            missing = [t.id for t in readable if not received[(rule_name, t.id)]]
            if missing:
                message = f"not received by {', '.join(missing)}"
                checks.append(Check("delivered", name, "fail", message))
            else:
                ids = ", ".join(t.id for t in readable)
                checks.append(Check("delivered", name, "pass", f"received by {ids}"))
    return checks
