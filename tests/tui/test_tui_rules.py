"""The rules panel inside the composer, on the demo rules of the local EventBridge."""

from __future__ import annotations

import json
from pathlib import Path

from tui_helpers import ready, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.rule_matching import Verdict
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.widgets.rules_panel import RulesPanel

WIDE = (160, 45)


def panel_of(app: EventComposerApp) -> RulesPanel:
    return app.query_one(RulesPanel)


def verdict(app: EventComposerApp, rule: str) -> Verdict | None:
    found = panel_of(app).verdict_for(rule)
    return found.verdict if found else None


async def test_editing_detail_flips_a_rule_from_no_match_to_match(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        app.open_preset(presets_dir / "order-placed-small-test.yaml")
        await wait_for(pilot, lambda: verdict(app, "large-orders") is not None)
        # Before the edit: no match, and why, on screen.
        assert verdict(app, "large-orders") is Verdict.NO_MATCH
        row = panel_of(app).row_text("large-orders")
        assert "detail.amount: 12 is not in numeric range >= 100" in row
        assert panel_of(app).display and app.query_one("#side-panel").display
        # Edit the Detail in the editor: the amount becomes 250.
        detail = json.loads(app.editor.text)
        detail["amount"] = 250
        app.editor.text_area.load_text(json.dumps(detail, indent=2))
        await wait_for(pilot, lambda: verdict(app, "large-orders") is Verdict.MATCH)
        assert "demo-orders-large-orders" in panel_of(app).row_text("large-orders")
        # The test tier still keeps real-customers from matching, with its reason.
        assert verdict(app, "real-customers") is Verdict.NO_MATCH
        assert 'value "test" is excluded by anything-but' in panel_of(app).row_text(
            "real-customers"
        )


async def test_after_a_send_the_panel_shows_predicted_next_to_delivered(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        app.open_preset(presets_dir / "order-placed-large.yaml")
        await wait_for(pilot, lambda: verdict(app, "large-orders") is Verdict.MATCH)
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.results.report is not None)
        await wait_for(pilot, lambda: "delivered" in panel_of(app).row_text("large-orders"))
        for rule in ("large-orders", "eu-orders", "real-customers"):
            assert "✓ predicted, ✓ delivered" in panel_of(app).row_text(rule)
        assert "not predicted, not delivered" in panel_of(app).row_text("refunds-with-reason")


async def test_the_panel_follows_the_bus_and_can_be_hidden(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: verdict(app, "paid-signups") is not None)
        assert [r.name for r in panel_of(app).rules] == ["paid-signups"]  # the default bus
        app.open_preset(presets_dir / "refund-issued.yaml")
        await wait_for(pilot, lambda: verdict(app, "refunds-with-reason") is Verdict.MATCH)
        await pilot.press("ctrl+b")
        assert not app.query_one("#side-panel").display
        await pilot.press("ctrl+b")
        assert app.query_one("#side-panel").display


async def test_narrow_terminals_hide_the_panel_until_asked(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert not app.query_one("#side-panel").display
        await pilot.press("ctrl+b")
        assert app.query_one("#side-panel").display


async def test_a_matching_rules_pattern_view_shows_what_its_target_receives(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    from textual.widgets import Static

    from eventcomposer.tui.screens.pattern_view import PatternViewScreen

    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        app.open_preset(presets_dir / "order-placed-large.yaml")
        await wait_for(pilot, lambda: verdict(app, "large-orders") is Verdict.MATCH)
        panel = panel_of(app)
        panel.open_pattern([r.name for r in panel.rules].index("large-orders"))
        await wait_for(pilot, lambda: isinstance(app.screen, PatternViewScreen))
        await wait_for(pilot, lambda: app.screen.query("#pattern-targets"))
        shown = str(app.screen.query_one("#pattern-targets", Static).content)
        assert "What each target receives" in shown
        assert "demo-orders-large-orders" in shown
        assert '"detail-type": "Order Placed"' in shown or '"detail-type":"Order Placed"' in shown
