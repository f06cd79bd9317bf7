"""The live rules panel: which rules on the bus match the entry being edited, and why not.

Evaluation runs in a thread worker after a short debounce, so typing is never delayed; only the
latest evaluation is shown. After a send on the local EventBridge, the panel also reads back
which rule targets received the events and puts that next to the prediction.

No boto3 here at import time: the aws modules are imported inside the workers.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.worker import get_current_worker

from eventcomposer.core.envelope import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    account_region_from_arn,
    event_for_entry,
)
from eventcomposer.core.rule_matching import RuleVerdict, Verdict, evaluate_rules
from eventcomposer.core.rules import RuleInfo

if TYPE_CHECKING:
    from textual.timer import Timer

    from eventcomposer.core.entries import Entry
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry
from eventcomposer.tui.widgets.static_text import show_text

#: Seconds to wait after the last edit before evaluating.
DEBOUNCE = 0.1
#: Seconds one evaluation may take; rules not judged by then are shown as such.
EVALUATION_BUDGET = 1.0


@dataclass(frozen=True)
class DeliveryCheck:
    """For one rule and the events of the last send: the ids the local engine predicted it
    would receive, and the ids its SQS targets actually received (None: it has no SQS target,
    so delivery can't be read back)."""

    sent: int
    predicted: frozenset[str]
    delivered: frozenset[str] | None

    @property
    def agrees(self) -> bool:
        return self.delivered is None or self.predicted == self.delivered


def bus_name(bus: str | None) -> str:
    """A bus name from a name or ARN; None is the default bus."""
    if not bus:
        return "default"
    return bus.rsplit("event-bus/", 1)[-1] if bus.startswith("arn:") else bus


def short_target(arn: str) -> str:
    """A target as a user reads it: ``name (service)`` from its ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return arn
    service, resource = parts[2], parts[5]
    name = resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or resource
    return f"{name} ({service})"


def _account_region(rules: Sequence[RuleInfo]) -> tuple[str, str]:
    """The account and region events get on this bus, from a rule ARN (for patterns on them)."""
    found = (account_region_from_arn(rule.arn) for rule in rules)
    return next((f for f in found if f is not None), (DEFAULT_ACCOUNT, DEFAULT_REGION))


def delivery_text(check: DeliveryCheck) -> Text:
    """``last send: ✓ predicted, ✓ delivered``, or a mismatch that stands out."""
    text = Text()
    text.append("last send: ", style="dim")
    if check.delivered is None:
        text.append("delivery not checked (no SQS target)", style="dim")
        return text
    predicted, delivered, sent = len(check.predicted), len(check.delivered), check.sent

    def part(count: int, word: str) -> str:
        if sent == 1:
            return f"✓ {word}" if count else f"✗ not {word}"
        return f"{word} {count} of {sent}"

    if check.agrees:
        if predicted:
            text.append(f"{part(predicted, 'predicted')}, {part(delivered, 'delivered')}", "green")
        else:
            text.append("– not predicted, not delivered", style="dim")
        return text
    text.append(
        f"⚠ MISMATCH: {part(predicted, 'predicted')}, {part(delivered, 'delivered')}",
        style="bold red",
    )
    return text


@dataclass(frozen=True)
class RuleRow:
    """One rule in the list: the verdict line, then indented lines (reason or targets, and the
    last send's deliveries)."""

    head: Text
    lines: tuple[Text, ...]

    @property
    def plain(self) -> str:
        return "\n".join([self.head.plain, *(f"  {line.plain}" for line in self.lines)])

    def renderable(self) -> RenderableType:
        # A hanging indent: wrapped reason lines stay under the reason, not under the icon.
        return Group(self.head, Padding(Text("\n").join(self.lines), (0, 0, 0, 2)))


def rule_row(
    rule: RuleInfo, verdict: RuleVerdict | None, check: DeliveryCheck | None = None
) -> RuleRow:
    """The row for ``rule``: match with its targets, or no match with the first failing field."""
    disabled = rule.state.upper() != "ENABLED"
    if verdict is None:
        icon, label, style = "·", "", "dim"
    elif verdict.verdict is Verdict.MATCH:
        icon, label, style = "✓", "match", "bold green"
    elif verdict.verdict is Verdict.NO_MATCH:
        icon, label, style = "✗", "no match", "red"
    elif verdict.verdict is Verdict.SCHEDULED:
        icon, label, style = "◷", "scheduled", "cyan"
    else:
        icon, label, style = "!", "invalid pattern", "bold yellow"
    if rule.is_scheduled_only and verdict is None:
        icon, label, style = "◷", "scheduled", "cyan"
    head = Text()
    head.append(f"{icon} ", style=style)
    head.append(rule.name, style="dim" if disabled else "bold")
    if label:
        head.append(f"  {label}", style=style)
    if disabled:
        head.append(f"  [{rule.state.lower()}]", style="yellow")
    detail = Text()
    if verdict is None:
        detail.append(
            f"runs on a schedule ({rule.schedule})" if rule.is_scheduled_only else "…", "dim"
        )
    elif verdict.verdict is Verdict.MATCH:
        targets = ", ".join(short_target(t.arn) for t in rule.targets) or "no targets"
        detail.append(f"→ {targets}", style="dim" if disabled else "green")
        if disabled:
            detail.append("  (disabled: nothing is delivered)", style="yellow")
    elif verdict.verdict is Verdict.INVALID:
        detail.append(verdict.reason, style="yellow")
    elif verdict.verdict is Verdict.SCHEDULED:
        detail.append(verdict.reason, style="dim")
    else:
        detail.append(verdict.reason)
    lines = [detail]
    # Rules that can't be read back and got nothing predicted have nothing to say about a send.
    if check is not None and (check.delivered is not None or check.predicted):
        lines.append(delivery_text(check))
    return RuleRow(head, tuple(lines))


def delivery_checks(
    rules: Sequence[RuleInfo],
    sent: Sequence[tuple[str, Entry]],
    read: Callable[..., dict[str, set[str]]],
    context: tuple[str, str] | None = None,
) -> dict[str, DeliveryCheck]:
    """Predict each sent event's rules locally, then read what the rules' queues received.
    ``context`` is the (account, region) events on the bus get."""
    account, region = context or _account_region(rules)
    predicted: dict[str, set[str]] = {rule.name: set() for rule in rules}
    for event_id, entry in sent:
        event = event_for_entry(entry, account, region, event_id)
        for verdict in evaluate_rules(rules, event, explain=False):
            if verdict.verdict is Verdict.MATCH and not verdict.disabled:
                predicted[verdict.rule.name].add(event_id)
    delivered = read(rules, {event_id for event_id, _ in sent})
    return {
        rule.name: DeliveryCheck(
            sent=len(sent),
            predicted=frozenset(predicted[rule.name]),
            delivered=frozenset(delivered[rule.name]) if rule.name in delivered else None,
        )
        for rule in rules
    }


class RulesPanel(Vertical):
    """Every rule on the selected bus against the entry being edited: match or why not."""

    HELP = """\
## Rules
Every rule on the selected event bus, checked against the entry you are editing, **as you type**,
with EventBridge's own pattern semantics (computed locally; nothing is sent).

- **✓ match**: the targets the event would go to.
- **✗ no match**: the first field of the pattern that did not match, as `path: reason`.
- **◷ scheduled**: the rule runs on a schedule and never matches events.
- **! invalid pattern**: AWS's message for the pattern.
- Disabled rules are marked; they deliver nothing even when they match.

On the local EventBridge, after a send, each rule also shows what its SQS targets actually
received: **✓ predicted, ✓ delivered**, or a **⚠ MISMATCH**.

**Enter** or **P** shows the selected rule's pattern and the verdict on each of its fields;
**R** reloads the rules from the bus.
"""

    BINDINGS = [
        Binding("p", "show_pattern", "Pattern", id="rules.pattern"),
        Binding("r", "reload_rules", "Reload rules", id="rules.reload"),
    ]

    @dataclass
    class Evaluated(Message):
        """Posted after each evaluation: one verdict per rule, in the panel's order."""

        verdicts: list[RuleVerdict]

    @dataclass
    class Loaded(Message):
        """Posted after rules were loaded from the bus (``problem`` set if that failed)."""

        rules: list[RuleInfo]
        problem: str | None = None

    @dataclass
    class ReloadRequested(Message):
        """The user asked for the bus's rules again (R)."""

        panel: RulesPanel

    @dataclass
    class DeliveriesChecked(Message):
        """Posted after deliveries of a send were read back (``problem`` set if that failed)."""

        checks: dict[str, DeliveryCheck]
        problem: str | None = None

    def __init__(
        self,
        *,
        debounce: float = DEBOUNCE,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.debounce = debounce
        #: The event the verdicts are about (the entry as EventBridge would deliver it).
        self.event: dict[str, object] | None = None
        #: (account, region) of events on the bus, from the app; None: read off the rules' ARNs.
        self.context: tuple[str, str] | None = None
        #: Seconds one evaluation of every rule may take before the rest are left unjudged.
        self.budget = EVALUATION_BUDGET
        #: The shown entry's EventId in the last send (None: not sent, or edited since).
        self.event_id: str | None = None
        self.bus: str | None = None
        self.rules: list[RuleInfo] = []
        self.entry: Entry | None = None
        self.verdicts: list[RuleVerdict] = []
        self.deliveries: dict[str, DeliveryCheck] = {}
        self.problem: str | None = None
        self._timer: Timer | None = None
        # Generations drop results of stale workers (thread workers can't be stopped midway).
        self._eval_generation = 0
        self._load_generation = 0
        self._delivery_generation = 0
        self._rows: list[RuleRow] = []
        self._status_extra = ""
        self.loading = False
        self._rules_known = False  # no rules yet because none were loaded, or none on the bus

    def compose(self) -> ComposeResult:
        yield Static("Rules", id="rules-title")
        yield Static("No bus selected.", id="rules-status")
        yield OptionList(id="rules-list")

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#rules-list", OptionList)

    # -- public API --------------------------------------------------------------------------

    def loading_rules(self, bus: str | None) -> int:
        """The app is fetching the rules of ``bus`` (None: the default bus); returns the
        generation to hand back to ``rules_loaded`` (a newer load makes older ones stale)."""
        if bus_name(bus) != bus_name(self.bus):
            # Another bus: its rules replace these; don't show these under its name meanwhile.
            self.rules, self.verdicts, self.deliveries = [], [], {}
            self._rules_known = False
            self._show_rows(rebuild=True)
        self.bus = bus
        self._load_generation += 1
        self.loading = True
        self._set_title()
        self._update_status()
        return self._load_generation

    def set_rules(self, rules: Sequence[RuleInfo]) -> None:
        """Show ``rules`` (e.g. loaded by the app or a test) and evaluate them at once."""
        self.rules = list(rules)
        self._rules_known = True
        self.loading = False
        self.problem = None
        self.verdicts = []
        self.deliveries = {}
        self._status_extra = ""
        self._set_title()
        self._show_rows(rebuild=True)
        self._update_status()
        self._evaluate()

    def update_entry(self, entry: Entry | None, event_id: str | None = None) -> None:
        """The entry being edited changed: re-evaluate after a short pause in typing (its
        variables, such as ``{{now}}``, are resolved then, in the worker). ``event_id`` is the
        entry's EventId in the last send, if it was sent and not edited since: only then are
        that send's deliveries shown."""
        self.entry = entry  # entries are values: the model replaces them, never changes them
        if event_id != self.event_id:
            self.event_id = event_id
            self._show_rows()
            self._update_status()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.debounce, self._evaluate, name="rules-debounce")

    def reading_deliveries(self) -> int:
        """The app is reading what the rules' targets received; returns the generation."""
        self._delivery_generation += 1
        self._status_extra = "checking deliveries…"
        self._update_status()
        return self._delivery_generation

    def row_text(self, rule_name: str) -> str:
        """The text shown for a rule (for tests and copy)."""
        for rule, row in zip(self.rules, self._rows, strict=False):
            if rule.name == rule_name:
                return row.plain
        raise KeyError(rule_name)

    def verdict_for(self, rule_name: str) -> RuleVerdict | None:
        return next((v for v in self.verdicts if v.rule.name == rule_name), None)

    # -- actions -----------------------------------------------------------------------------

    def action_show_pattern(self) -> None:
        index = self.option_list.highlighted
        if index is None or not 0 <= index < len(self.rules):
            self.notify("No rule selected.", severity="warning")
            return
        self.open_pattern(index)

    def open_pattern(self, index: int) -> None:
        """Open the pattern view for the rule at ``index``."""
        from eventcomposer.tui.screens.pattern_view import PatternViewScreen

        rule = self.rules[index]
        self.app.push_screen(PatternViewScreen(rule, self.verdict_for(rule.name), self.event))

    def action_reload_rules(self) -> None:
        """Ask the app to fetch the bus's rules again."""
        self.post_message(self.ReloadRequested(self))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_pattern(event.option_index)

    # -- results from the app's workers ------------------------------------------------------

    def rules_loaded(
        self,
        generation: int,
        rules: list[RuleInfo],
        problem: str | None,
        context: tuple[str, str] | None = None,
    ) -> None:
        """The app fetched the rules (or ``problem``), and the (account, region) events on the
        bus get (``sending.rule_context``, the same the ``rules`` command uses)."""
        if generation != self._load_generation:
            return
        self.context = context
        self.loading = False
        if problem is None:
            self.set_rules(rules)
        else:
            self.rules, self.verdicts, self.deliveries = [], [], {}
            self._show_rows(rebuild=True)
            self.problem = problem
            self._update_status()
        self.post_message(self.Loaded(list(rules), problem))

    def _evaluate(self) -> None:
        self._timer = None
        self._eval_generation += 1
        self._evaluate_worker(self._eval_generation, tuple(self.rules), self.entry)

    @work(thread=True, exclusive=True, group="rules-evaluate")
    def _evaluate_worker(
        self, generation: int, rules: tuple[RuleInfo, ...], entry: Entry | None
    ) -> None:
        event: dict[str, object] | None = None
        if entry is None or not rules:
            verdicts: list[RuleVerdict] = []
        else:
            account, region = self.context or _account_region(rules)
            try:
                event = event_for_entry(_resolved(entry), account, region)
                verdicts = _within_budget(rules, event, self.budget)
            except Exception as exc:  # a bug must not take the composer down
                self._from_thread(self._evaluation_failed, generation, str(exc))
                return
        if not get_current_worker().is_cancelled:
            self._from_thread(self._evaluated, generation, verdicts, event)

    def _evaluated(
        self, generation: int, verdicts: list[RuleVerdict], event: dict[str, object] | None
    ) -> None:
        if generation != self._eval_generation:
            return
        self.verdicts = verdicts
        self.event = event
        self._show_rows()
        self._update_status()
        self.post_message(self.Evaluated(list(verdicts)))

    def _evaluation_failed(self, generation: int, message: str) -> None:
        if generation == self._eval_generation:
            self._set_status(f"Could not evaluate the rules: {message}", error=True)

    def deliveries_read(
        self,
        generation: int,
        rules: list[RuleInfo],
        checks: dict[str, DeliveryCheck],
        problem: str | None,
    ) -> None:
        if generation != self._delivery_generation or rules != self.rules:
            return
        if problem is None:
            self.deliveries = checks
            mismatches = sum(1 for check in checks.values() if not check.agrees)  # of the send
            self._status_extra = (
                f"last send: {mismatches} delivery mismatch(es)"
                if mismatches
                else "last send: delivered as predicted"
            )
        else:
            self.deliveries = {}
            self._status_extra = f"could not read deliveries: {problem}"
        self._show_rows()
        self._update_status()
        self.post_message(self.DeliveriesChecked(dict(self.deliveries), problem))

    def _from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` on the UI thread; quietly nothing if the app has gone meanwhile."""
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    # -- view ----------------------------------------------------------------------------------

    def _set_title(self) -> None:
        show_text(self.query_one("#rules-title", Static), f"Rules on {bus_name(self.bus)}")

    def _set_status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#rules-status", Static)
        show_text(status, Text(message))
        status.set_class(error, "-error")

    def _update_status(self) -> None:
        if self.loading:
            self._set_status(f"Loading rules on {bus_name(self.bus)}…")
            return
        if self.problem is not None:
            self._set_status(self.problem, error=True)
            return
        if not self.rules:
            known = self._rules_known
            self._set_status(f"No rules on {bus_name(self.bus)}." if known else "No rules loaded.")
            return
        parts = [f"{len(self.rules)} rule{'s' if len(self.rules) != 1 else ''}"]
        if self.verdicts:
            matched = sum(1 for v in self.verdicts if v.verdict is Verdict.MATCH)
            parts.append(f"{matched} match")
            unjudged = len(self.rules) - len(self.verdicts)
            if unjudged > 0:
                parts.append(f"{unjudged} not judged within {self.budget:g} s")
        elif self.entry is None:
            parts.append("no entry to check")
        if self._status_extra and self.event_id is not None:
            parts.append(self._status_extra)
        checks = (self._delivery_for(rule.name) for rule in self.rules)
        mismatch = any(check is not None and not check.agrees for check in checks)
        self._set_status(" · ".join(parts), error=mismatch)

    def _delivery_for(self, rule_name: str) -> DeliveryCheck | None:
        """The last send's delivery to ``rule_name`` of the entry shown; None unless the entry
        was in that send and is unchanged since (a never-sent entry shows no delivery)."""
        check = self.deliveries.get(rule_name)
        if check is None or self.event_id is None:
            return None
        mine = frozenset({self.event_id})
        return DeliveryCheck(
            sent=1,
            predicted=check.predicted & mine,
            delivered=None if check.delivered is None else check.delivered & mine,
        )

    def _show_rows(self, rebuild: bool = False) -> None:
        """Render every rule; only changed rows are replaced, so the selection stays put."""
        by_name = {v.rule.name: v for v in self.verdicts}
        rows = [
            rule_row(rule, by_name.get(rule.name), self._delivery_for(rule.name))
            for rule in self.rules
        ]
        options = self.option_list
        if rebuild or not len(rows) == len(self._rows) == options.option_count:
            highlighted = options.highlighted
            options.set_options(row.renderable() for row in rows)
            if rows:
                options.highlighted = min(highlighted or 0, len(rows) - 1)
        else:
            for index, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
                if old != new:
                    options.replace_option_prompt_at_index(index, new.renderable())
        self._rows = rows


def _within_budget(
    rules: Sequence[RuleInfo], event: dict[str, object], budget: float
) -> list[RuleVerdict]:
    """Each rule's verdict, one rule at a time, until ``budget`` seconds have passed or the
    worker was cancelled (a newer edit): the rules not judged by then get none, and the panel
    says so. Input is never blocked: this runs in a thread, and stops early."""
    deadline = time.monotonic() + budget
    worker = get_current_worker()
    verdicts: list[RuleVerdict] = []
    for rule in rules:
        if worker.is_cancelled or time.monotonic() > deadline:
            break
        verdicts += evaluate_rules([rule], event)
    return verdicts


def _resolved(entry: Entry) -> Entry:
    """The entry with its variables resolved, as Send would send it; unresolvable ones (an
    unset ``{{env.X}}``) are left as written, and the form says what is wrong with them."""
    try:
        return resolve_entry(entry, TemplateContext(), "entry")
    except TemplateError:
        return entry
