"""A rule's event pattern, pretty-printed, with the verdict on each of its fields and, when it
matches, what each of its targets receives."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from eventcomposer.core.rule_matching import RuleVerdict, Verdict
from eventcomposer.core.rules import RuleInfo


def pretty_pattern(pattern: str | None) -> str:
    """The pattern indented for reading; the raw text if it is not JSON (an invalid pattern)."""
    if pattern is None:
        return "(no event pattern: the rule runs on a schedule)"
    try:
        return json.dumps(json.loads(pattern), indent=2, ensure_ascii=False)
    except ValueError:
        return pattern


def explanation_text(verdict: RuleVerdict | None) -> Text:
    """Each field of the pattern: ✓/✗, its path and why, with the pattern's and event's values."""
    text = Text()
    if verdict is None:
        text.append("No entry to compare with: compose an entry first.", style="dim")
        return text
    if verdict.verdict is Verdict.SCHEDULED:
        text.append(verdict.reason, style="dim")
        return text
    if verdict.verdict is Verdict.INVALID:
        text.append(verdict.reason, style="bold red")
        return text
    explanation = verdict.explanation
    if explanation is None or not explanation.fields:
        text.append("The pattern has no fields: it matches every event.", style="green")
        return text
    failure = explanation.failure
    for field in explanation.fields:
        if field.ok:
            text.append("✓ ", style="bold green")
        else:
            text.append("✗ ", style="bold red")
        text.append(field.path, style="bold" if field is failure else "")
        text.append(f": {field.reason}\n")
        actual = field.actual if field.actual is not None else "(absent)"
        text.append(f"    pattern {field.expected}\n    event   {actual}\n", style="dim")
    if failure is not None:
        text.append(f"First failing field: {failure.path}", style="red")
    else:
        text.append("Every field matches.", style="green")
    return text


def targets_text(rule: RuleInfo, verdict: RuleVerdict | None, event: Any) -> Text:
    """For a matching rule, what each target receives (the event, Input, InputPath or the
    InputTransformer's output), predicted as EventBridge builds it."""
    text = Text()
    if verdict is None or verdict.verdict is not Verdict.MATCH or event is None:
        return text
    from eventcomposer.core.target_input import rule_target_inputs

    text.append("\nWhat each target receives\n", style="bold")
    for target, received in rule_target_inputs(rule, event):
        text.append(f"→ {target.arn}", style="green")
        text.append(f"  ({received.kind})\n", style="dim")
        body = "(nothing is delivered)" if received.body is None else received.body
        text.append(f"{body}\n")
        for note in received.notes:
            text.append(f"  note: {note}\n", style="yellow")
    return text


class PatternViewScreen(ModalScreen[None]):
    """Shows one rule's pattern and, for the entry being edited, why each field (mis)matches."""

    BINDINGS = [Binding("escape,q,p,enter", "close", "Close", id="pattern_view.close")]

    def __init__(self, rule: RuleInfo, verdict: RuleVerdict | None, event: Any = None) -> None:
        super().__init__()
        self.rule = rule
        self.verdict = verdict
        #: The event judged (for what each target receives).
        self.event = event

    def compose(self) -> ComposeResult:
        rule = self.rule
        title = Text(rule.name, style="bold")
        title.append(f"  on {rule.bus}", style="dim")
        if rule.state.upper() != "ENABLED":
            title.append(f"  {rule.state.lower()}", style="yellow")
        with Vertical(id="pattern-dialog"):
            yield Static(title, id="pattern-title")
            with VerticalScroll(id="pattern-scroll"):
                if rule.description:
                    yield Static(Text(rule.description, style="italic"), id="pattern-description")
                yield Static(
                    Text(pretty_pattern(rule.event_pattern)), id="pattern-json", markup=False
                )
                yield Static(explanation_text(self.verdict), id="pattern-explanation")
                yield Static(
                    targets_text(self.rule, self.verdict, self.event), id="pattern-targets"
                )
            yield Static("Esc closes", id="pattern-hint")

    def on_mount(self) -> None:
        """The arrow keys scroll a long pattern at once."""
        self.set_focus(self.query_one("#pattern-scroll"))

    def action_close(self) -> None:
        self.dismiss(None)
