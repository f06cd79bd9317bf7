"""The bus the batch goes to, and the rules panel that judges the entry on its own bus.

Switching the bus (F2), warning when it does not exist (AWS would accept the events and drop
them), keeping the panel on the selected entry's bus (its EventBusName, else the batch's) and,
after a send on the local EventBridge, reading back what each rule's targets received.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventcomposer.core.composer import DEFAULT_BUS

if TYPE_CHECKING:
    from eventcomposer.aws.send import SendReport
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.tui.app import EventComposerApp
    from eventcomposer.tui.widgets.rules_panel import RulesPanel


def missing_bus_message(bus: str) -> str:
    """A bus that does not exist, in the TUI's terms (F2; the CLI's message says ``--bus``)."""
    from eventcomposer.aws.buses import missing_bus
    from eventcomposer.tui.backend import TUI_TERMS

    said = missing_bus(bus).in_terms(TUI_TERMS)
    return said[:1].upper() + said[1:]


#: Narrower terminals hide the rules panel until Ctrl+B shows it.
RULES_PANEL_MIN_WIDTH = 140
_NOT_LOADED = object()


class BusAndRules:
    """F2's picker, the bus check, and what the rules panel is given."""

    def __init__(self, app: EventComposerApp) -> None:
        self.app = app
        self.panel: RulesPanel | None = None
        #: The bus whose rules the panel shows (a sentinel until the first load).
        self._rules_bus: object = _NOT_LOADED
        self._toggled = False

    # -- the batch's bus ------------------------------------------------------------------------

    def connected(self, settings: AwsSettings) -> None:
        """The embedded local EventBridge is up: the header says where events go now."""
        app = self.app
        app.header.settings = settings
        app.header.starting = ""
        app.notify(f"Local EventBridge ready at {settings.endpoint_url}", timeout=3)
        self.changed()

    def not_connected(self, message: str) -> None:
        """The embedded local EventBridge could not start."""
        self.app.header.starting = "local EventBridge failed to start"
        self.app.set_status(f"The local EventBridge could not start: {message}", error=True)

    def pick(self) -> None:
        from eventcomposer.tui.screens.bus_picker import BusPickerScreen

        self.app.push_screen(BusPickerScreen(self.app.state.bus), self._chosen)

    async def _chosen(self, bus: str | None) -> None:
        if bus is not None and self.app.state.set_bus(bus):
            await self.app.show_state()
            self.changed()

    def changed(self) -> None:
        """The batch's bus changed: warn if it does not exist (AWS would drop the events)."""
        self.app.header.bus_warning = ""
        self.update_panel()
        self.app.backend.check_bus(self.app.state.bus, self._checked)

    def _checked(self, bus: str, exists: bool | None, message: str) -> None:
        app = self.app
        if bus != app.state.bus:
            return
        if exists is False:
            message = missing_bus_message(bus)
        app.header.bus_warning = message if exists is False else ""
        if exists is False:
            app.notify(message, title="Bus not found", severity="warning", timeout=8)
        elif exists is None and message:
            app.notify(message, severity="warning")

    # -- the rules panel ------------------------------------------------------------------------

    def update_panel(self) -> None:
        """Give the panel the entry being edited and its bus (its own, or the batch's); loads
        the bus's rules when that changed. Returns at once: the panel works in workers."""
        panel = self.panel
        if panel is None:
            return
        app = self.app
        state = app.state
        bus = state.entry_bus()
        if app.backend.active is not None and self._rules_bus != bus:
            self._rules_bus = bus
            app.backend.load_rules(panel, bus)
        mark = state.sent.get(state.entry_id)
        panel.update_entry(state.entry, mark.event_id if mark else None)

    def reload(self, panel: RulesPanel) -> None:
        if self.app.backend.active is None:
            self.app.notify("Not connected to an event bus yet.", severity="warning")
            return
        self.app.backend.load_rules(panel, panel.bus)

    def sent(self, report: SendReport) -> None:
        """A send finished: read back what the rules' targets received (local only)."""
        panel = self.panel
        if panel is None:
            return
        here = panel.bus or DEFAULT_BUS
        sent = [
            (o.event_id, o.entry)
            for o in report.outcomes
            if o.ok and o.event_id and (o.entry.event_bus_name or DEFAULT_BUS) == here
        ]
        self.app.backend.read_deliveries(panel, sent, panel.rules)

    def toggle(self) -> None:
        """Show or hide the panel; once toggled, the width no longer decides."""
        self._toggled = True
        self._show(self.app.query_one("#side-panel").has_class("-hidden"))

    def resized(self, width: int) -> None:
        """The panel needs room beside the form: shown from RULES_PANEL_MIN_WIDTH columns
        (Ctrl+B or Alt+R shows it at any width, and narrower columns leave the form room)."""
        if not self._toggled:
            self._show(width >= RULES_PANEL_MIN_WIDTH)

    def _show(self, shown: bool) -> None:
        self.app.query_one("#side-panel").set_class(not shown, "-hidden")
        self.app.screen_stack[0].set_class(shown, "-rules-shown")
