"""The live rules panel, in a tiny host app, against the local EventBridge's demo rules."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static
from tui_helpers import wait_for, workers_done

from eventcomposer.aws.client import client
from eventcomposer.aws.rules import list_rules
from eventcomposer.aws.send import Sender
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry
from eventcomposer.core.rule_matching import Verdict
from eventcomposer.core.rules import RuleInfo, TargetInfo
from eventcomposer.tui.backend import Backend
from eventcomposer.tui.screens.pattern_view import PatternViewScreen
from eventcomposer.tui.widgets.rules_panel import RulesPanel, short_target

LARGE_ORDERS_REASON = "detail.amount: 12 is not in numeric range >= 100"


class Host(App[None]):
    """Just a RulesPanel and the composer's I/O for it; records the panel's messages."""

    def __init__(self, settings: AwsSettings | None = None) -> None:
        super().__init__()
        self.backend = Backend(self, settings or AwsSettings(region="us-east-1"))
        self.evaluated: list[list[Any]] = []
        self.loaded: list[RulesPanel.Loaded] = []
        self.checked: list[RulesPanel.DeliveriesChecked] = []

    def compose(self) -> ComposeResult:
        yield RulesPanel(id="rules")

    @property
    def panel(self) -> RulesPanel:
        return self.query_one(RulesPanel)

    def on_rules_panel_evaluated(self, message: RulesPanel.Evaluated) -> None:
        self.evaluated.append(message.verdicts)

    def on_rules_panel_loaded(self, message: RulesPanel.Loaded) -> None:
        self.loaded.append(message)

    def on_rules_panel_reload_requested(self, message: RulesPanel.ReloadRequested) -> None:
        self.backend.load_rules(message.panel, message.panel.bus)

    def on_rules_panel_deliveries_checked(self, message: RulesPanel.DeliveriesChecked) -> None:
        self.checked.append(message)


def order(amount: float, country: str = "DE", tier: str = "gold", marker: str = "") -> Entry:
    detail = {"marker": marker, "amount": amount, "shipping": {"country": country}}
    detail["customer"] = {"tier": tier}
    return Entry(
        source="com.example.orders",
        detail_type="Order Placed",
        detail=json.dumps(detail),
        event_bus_name="orders",
    )


def verdict_of(panel: RulesPanel, name: str) -> Verdict | None:
    verdict = panel.verdict_for(name)
    return verdict.verdict if verdict else None


async def test_reason_before_the_edit_then_match_after(events_client: Any) -> None:
    rules = list_rules(events_client, "orders")
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.panel
        panel.set_rules(rules)
        panel.update_entry(order(12, country="US"))
        await wait_for(pilot, lambda: verdict_of(panel, "large-orders") is not None)

        assert verdict_of(panel, "large-orders") is Verdict.NO_MATCH
        row = panel.row_text("large-orders")
        assert "no match" in row
        assert LARGE_ORDERS_REASON in row
        assert "detail.shipping.country" in panel.row_text("eu-orders")
        assert verdict_of(panel, "real-customers") is Verdict.MATCH
        assert "→ demo-orders-real-customers (sqs)" in panel.row_text("real-customers")

        panel.update_entry(order(250, country="US"))
        await wait_for(pilot, lambda: verdict_of(panel, "large-orders") is Verdict.MATCH)

        row = panel.row_text("large-orders")
        assert "✓ large-orders  match" in row
        assert "→ demo-orders-large-orders (sqs)" in row
        assert LARGE_ORDERS_REASON not in row
        assert app.evaluated and len(app.evaluated[-1]) == len(rules)
        status = str(panel.query_one("#rules-status", Static).render())
        assert f"{len(rules)} rules" in status and "2 match" in status


async def test_only_the_latest_edit_is_shown(events_client: Any) -> None:
    rules = list_rules(events_client, "orders")
    app = Host()
    async with app.run_test() as pilot:
        panel = app.panel
        panel.set_rules(rules)
        for amount in (1, 50, 99, 150, 12):
            panel.update_entry(order(amount))
        await wait_for(pilot, lambda: verdict_of(panel, "large-orders") is not None)
        await pilot.pause(0.3)
        await workers_done(pilot)
        await pilot.pause()
        assert LARGE_ORDERS_REASON in panel.row_text("large-orders")


async def test_scheduled_invalid_and_disabled_rules() -> None:
    queue = TargetInfo("q", "arn:aws:sqs:us-east-1:123456789012:some-queue")
    rules = [
        RuleInfo("nightly", "default", schedule="cron(0 3 * * ? *)"),
        RuleInfo("broken", "default", event_pattern='{"source": [{"prefix": 5}]}'),
        RuleInfo(
            "paused",
            "default",
            event_pattern='{"source": ["com.example.orders"]}',
            state="DISABLED",
            targets=(queue,),
        ),
    ]
    app = Host()
    async with app.run_test() as pilot:
        panel = app.panel
        panel.set_rules(rules)
        assert "◷ nightly  scheduled" in panel.row_text("nightly")  # before any entry
        panel.update_entry(order(10))
        await wait_for(pilot, lambda: len(panel.verdicts) == 3)

        assert verdict_of(panel, "nightly") is Verdict.SCHEDULED
        nightly = panel.row_text("nightly")
        assert "scheduled" in nightly and "match" not in nightly.replace("matches", "")

        assert verdict_of(panel, "broken") is Verdict.INVALID
        assert "Event pattern is not valid. Reason:" in panel.row_text("broken")

        assert verdict_of(panel, "paused") is Verdict.MATCH
        paused = panel.row_text("paused")
        assert "[disabled]" in paused and "nothing is delivered" in paused


async def test_pattern_view_opens_with_the_explanation(events_client: Any) -> None:
    rules = list_rules(events_client, "orders")
    app = Host()
    async with app.run_test(size=(110, 40)) as pilot:
        panel = app.panel
        panel.set_rules(rules)
        panel.update_entry(order(12))
        await wait_for(pilot, lambda: verdict_of(panel, "large-orders") is not None)
        options = panel.query_one(OptionList)
        options.focus()
        options.highlighted = [r.name for r in panel.rules].index("large-orders")
        await pilot.pause()

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternViewScreen))
        screen = app.screen
        pattern = str(screen.query_one("#pattern-json", Static).render())
        assert '"numeric": [\n' in pattern or '"numeric"' in pattern
        assert pattern.startswith("{\n")  # pretty-printed
        explanation = str(screen.query_one("#pattern-explanation", Static).render())
        assert "✓ source" in explanation
        assert f"✗ {LARGE_ORDERS_REASON}" in explanation
        assert "First failing field: detail.amount" in explanation

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PatternViewScreen))
        await pilot.press("enter")  # Enter on a rule opens it too
        await wait_for(pilot, lambda: isinstance(app.screen, PatternViewScreen))


async def test_load_rules_from_the_bus_including_a_schedule(
    local_settings: AwsSettings, events_client: Any, marker: str
) -> None:
    name = f"sched-{marker}"[:64]
    events_client.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")
    try:
        app = Host(local_settings)
        async with app.run_test() as pilot:
            panel = app.panel
            panel.update_entry(order(10))
            app.backend.load_rules(panel, None)
            assert "Loading rules on default" in str(
                panel.query_one("#rules-status", Static).render()
            )
            await wait_for(pilot, lambda: app.loaded)
            assert app.loaded[-1].problem is None
            names = [rule.name for rule in panel.rules]
            assert "paid-signups" in names and name in names
            await wait_for(pilot, lambda: verdict_of(panel, name) is not None)
            assert verdict_of(panel, name) is Verdict.SCHEDULED
            assert "rate(5 minutes)" in panel.row_text(name)

            # R reloads from the bus (here: without the scheduled rule).
            events_client.delete_rule(Name=name)
            panel.query_one(OptionList).focus()
            await pilot.pause()
            await pilot.press("r")
            await wait_for(pilot, lambda: len(app.loaded) == 2)
            assert name not in [rule.name for rule in panel.rules]
    finally:
        if any(r["Name"] == name for r in events_client.list_rules(NamePrefix=name)["Rules"]):
            events_client.delete_rule(Name=name)


async def test_load_error_is_shown() -> None:
    unreachable = AwsSettings(
        endpoint_url="http://127.0.0.1:9", region="us-east-1", local=True, connect_timeout=0.5
    )
    app = Host(unreachable)
    async with app.run_test() as pilot:
        panel = app.panel
        app.backend.load_rules(panel, "orders")
        await wait_for(pilot, lambda: app.loaded, timeout=30)
        assert app.loaded[-1].problem
        status = panel.query_one("#rules-status", Static)
        assert status.has_class("-error")
        assert "Could not connect" in str(status.render())


async def test_deliveries_after_a_real_send(
    local_settings: AwsSettings, events_client: Any, marker: str
) -> None:
    rules = list_rules(events_client, "orders")
    large = next(rule for rule in rules if rule.name == "large-orders")
    # Shares large-orders' queue but predicts no match: what it "receives" is a mismatch.
    impostor = RuleInfo(
        "impostor", "orders", event_pattern='{"source": ["nobody"]}', targets=large.targets
    )
    entry = order(250, marker=marker)
    app = Host()
    async with app.run_test(size=(110, 40)) as pilot:
        panel = app.panel
        panel.bus = "orders"
        panel.set_rules([*rules, impostor])
        panel.update_entry(entry)
        await wait_for(pilot, lambda: len(panel.verdicts) == len(rules) + 1)

        report = Sender(client(local_settings, retries=False)).send([entry])
        assert report.outcomes[0].ok
        sent = [(o.event_id, o.entry) for o in report.outcomes]
        panel.update_entry(entry, report.outcomes[0].event_id)
        assert not app.backend.read_deliveries(panel, sent, panel.rules)  # not local
        app.backend.active = local_settings
        assert app.backend.read_deliveries(panel, sent, panel.rules)
        await wait_for(pilot, lambda: app.checked)

        assert app.checked[-1].problem is None
        for name in ("large-orders", "eu-orders", "real-customers"):
            assert "✓ predicted, ✓ delivered" in panel.row_text(name), name
        assert "not predicted, not delivered" in panel.row_text("refunds-with-reason")
        assert "⚠ MISMATCH: ✗ not predicted, ✓ delivered" in panel.row_text("impostor")
        status = panel.query_one("#rules-status", Static)
        assert "1 delivery mismatch" in str(status.render())


def test_short_target_names() -> None:
    assert short_target("arn:aws:sqs:us-east-1:123456789012:q1") == "q1 (sqs)"
    assert short_target("arn:aws:lambda:eu-west-1:1:function:handler") == "handler (lambda)"
    assert short_target("arn:aws:events:eu-west-1:1:event-bus/other") == "other (events)"


def test_importing_the_panel_does_not_load_boto3() -> None:
    code = (
        "import sys, eventcomposer.tui.widgets.rules_panel, "
        "eventcomposer.tui.screens.pattern_view\n"
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
