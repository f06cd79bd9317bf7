"""The composer's I/O: every call to ``aws/`` and every file the TUI reads runs here, in the
app's thread workers, and its result goes back to a widget or screen on the UI thread.

Widgets and screens only display (a test keeps them from importing ``aws/``): they are handed
what this module fetched. boto3 is imported only inside these workers, off the first screen.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventcomposer.aws.advice import Terms
from eventcomposer.aws.settings import AwsSettings

if TYPE_CHECKING:
    from textual.app import App

    from eventcomposer.core.entries import Entry
    from eventcomposer.core.rules import RuleInfo
    from eventcomposer.local.server import LocalEventBridge
    from eventcomposer.tui.screens.bus_picker import BusPickerScreen
    from eventcomposer.tui.screens.history import HistoryScreen
    from eventcomposer.tui.widgets.presets_browser import PresetsBrowser
    from eventcomposer.tui.widgets.rules_panel import RulesPanel


#: What to do about a problem, in the composer's terms: it takes its profile, region and
#: endpoint as it starts (the header shows them) and switches the bus with F2.
TUI_TERMS = Terms(
    a_profile="use a profile",
    listed_profile="use one of them",
    check_credentials="Check the profile and region in the header",
    set_region="Set AWS_REGION or the profile's region",
    check_region="Check the region in the header",
    check_endpoint="Check the endpoint in the header",
    check_connection="Check the endpoint and region in the header",
    local="use the embedded local EventBridge (`eventcomposer --local`)",
    restart=(
        " The composer takes its profile, region and endpoint as it starts: quit it (Ctrl+Q) "
        "and start it again."
    ),
    another_bus="press F2 to pick another",
)


def problem_text(exc: BaseException) -> str:
    """What went wrong, as the composer says it: an AwsProblem with its advice in the
    composer's terms (``TUI_TERMS``, not the command line's options); anything else (a bug)
    named with its type."""
    from eventcomposer.aws.errors import AwsProblem

    if isinstance(exc, AwsProblem):
        return exc.in_terms(TUI_TERMS)
    return f"{type(exc).__name__}: {exc}"


class Backend:
    """AWS clients made once per settings, the embedded local EventBridge, and the workers that
    fetch what the widgets show."""

    def __init__(self, app: App[Any], settings: AwsSettings) -> None:
        self.app = app
        self.settings = settings
        #: Where requests go; None while the embedded local EventBridge is starting.
        self.active: AwsSettings | None = (
            None if settings.local and not settings.endpoint_url else settings
        )
        self.local_server: LocalEventBridge | None = None
        self._clients: dict[tuple[AwsSettings, str, bool], Any] = {}
        self._lock = threading.Lock()

    # -- clients --------------------------------------------------------------------------------

    def client(self, settings: AwsSettings, service: str = "events", retries: bool = True) -> Any:
        """A client for ``settings``, made once (call it in a worker: it imports boto3).

        ``retries=False`` is the one for sending: PutEvents is not idempotent, so the Sender
        retries by itself. Raises AwsProblem.
        """
        from eventcomposer.aws.client import client

        key = (settings, service, retries)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = client(settings, service, retries=retries)
            return self._clients[key]

    def run(self, work: Callable[[], None], group: str, exclusive: bool = True) -> None:
        """Run ``work`` in a thread worker of the app."""
        self.app.run_worker(
            work, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def to_ui(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run ``callback`` on the UI thread; quietly nothing if the app has gone meanwhile."""
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args, **kwargs)

    def warm_up(self, settings: AwsSettings) -> None:
        """Import boto3 and make the clients now, off the UI thread, so the first send is quick.
        Problems (no region, no profile) are reported when they matter: on sending."""

        def work() -> None:
            from eventcomposer.aws.errors import AwsProblem

            with contextlib.suppress(AwsProblem):
                self.client(settings)
                self.client(settings, retries=False)

        self.run(work, "warm-up", exclusive=False)

    # -- the embedded local EventBridge -----------------------------------------------------------

    def start_local(
        self, ready: Callable[[AwsSettings], object], failed: Callable[[str], object]
    ) -> None:
        def work() -> None:
            from eventcomposer.local.session import start_local

            try:
                server, settings = start_local(self.settings)
            except Exception as exc:
                self.to_ui(failed, str(exc))
                return
            self.local_server = server
            try:
                self.app.call_from_thread(self._local_ready, settings, ready)
            except RuntimeError:  # the app quit while the server was starting
                self.stop_local()

        self.run(work, "local")

    def _local_ready(self, settings: AwsSettings, ready: Callable[[AwsSettings], object]) -> None:
        self.active = settings
        self.warm_up(settings)
        ready(settings)

    def stop_local(self) -> None:
        if self.local_server is not None:
            self.local_server.stop()
            self.local_server = None

    # -- what widgets and screens show ----------------------------------------------------------

    def check_bus(self, bus: str | None, done: Callable[[str, bool | None, str], object]) -> None:
        """Whether a bus exists (AWS accepts events for a missing bus and drops them)."""
        settings = self.active
        if settings is None or not bus:
            return

        def work() -> None:
            from eventcomposer.aws.buses import check_bus
            from eventcomposer.aws.errors import AwsProblem

            try:
                check = check_bus(self.client(settings), bus)
            except AwsProblem as problem:
                self.to_ui(done, bus, None, f"Could not check the bus: {problem_text(problem)}")
                return
            self.to_ui(done, bus, check.exists, check.in_terms(TUI_TERMS))

        self.run(work, "bus-check")

    def fill(self, screen: object) -> None:
        """Fetch what a dialog that just opened shows (see ``messages.ScreenOpened``)."""
        from eventcomposer.tui.screens.bus_picker import BusPickerScreen
        from eventcomposer.tui.screens.history import HistoryScreen

        if isinstance(screen, BusPickerScreen):
            self.list_buses(screen)
        elif isinstance(screen, HistoryScreen):
            self.read_history(screen)

    def list_buses(self, screen: BusPickerScreen) -> None:
        """Every bus of the account (all pages), shown in the bus picker."""
        settings = self.active
        if settings is None:
            screen.show_error("The local EventBridge is still starting; type a name or try again.")
            return

        def work() -> None:
            from eventcomposer.aws.buses import list_buses
            from eventcomposer.aws.errors import AwsProblem

            try:
                buses = list_buses(self.client(settings))
            except AwsProblem as problem:
                self.to_ui(screen.show_error, f"Could not list buses: {problem_text(problem)}")
                return
            self.to_ui(screen.show_buses, [(b.name, b.description or "") for b in buses])

        self.run(work, "bus-list")

    def list_presets(self, browser: PresetsBrowser, demo_folder: Path | None) -> None:
        """The presets folder's presets (and the demo presets, if given), shown in the browser."""
        folder = browser.folder

        def work() -> None:
            from eventcomposer.core.presets import find_presets

            paths = find_presets(folder)
            demo = find_presets(demo_folder) if demo_folder is not None else []
            self.to_ui(browser.show, paths, demo_folder, demo)

        self.run(work, "presets-list")

    def read_history(self, screen: HistoryScreen) -> None:
        """The history of sends, newest first, shown in the history screen."""

        def work() -> None:
            from eventcomposer.core.history import History, HistoryError
            from eventcomposer.paths import history_file

            path = history_file()
            try:
                records = History(path).records()
            except HistoryError as exc:
                self.to_ui(screen.show_error, str(exc))
                return
            except Exception as exc:  # a damaged file must not take the composer down
                self.to_ui(screen.show_error, f"can't read {path}: {exc}")
                return
            self.to_ui(screen.show_records, records, str(path))

        self.run(work, "history-read")

    def load_rules(self, panel: RulesPanel, bus: str | None) -> None:
        """The rules of ``bus`` (None: the default bus), shown and evaluated in the panel."""
        settings = self.active
        if settings is None:
            return
        generation = panel.loading_rules(bus)

        def work() -> None:
            from eventcomposer.aws.rules import list_rules
            from eventcomposer.sending import rule_context

            try:
                client = self.client(settings)
                rules = list_rules(client, bus)
                context = rule_context(client, bus)
            except Exception as exc:  # AwsProblem, or a bug: the panel reports, the app runs on
                self.to_ui(panel.rules_loaded, generation, [], problem_text(exc))
            else:
                where = (context.account, context.region)
                self.to_ui(panel.rules_loaded, generation, rules, None, where)

        self.run(work, "rules")

    def read_deliveries(
        self, panel: RulesPanel, sent: Sequence[tuple[str, Entry]], rules: Sequence[RuleInfo]
    ) -> bool:
        """After a send on the local EventBridge: what each rule's SQS targets received, next to
        the prediction. False (nothing read) on a remote endpoint, where reading a user's queues
        would consume their messages."""
        settings = self.active
        if settings is None or not settings.is_local_endpoint() or not sent or not rules:
            return False
        generation = panel.reading_deliveries()

        def work() -> None:
            from eventcomposer.aws.deliveries import read_deliveries
            from eventcomposer.tui.widgets.rules_panel import delivery_checks

            try:
                checks = delivery_checks(
                    rules,
                    sent,
                    lambda rules, ids: read_deliveries(settings, rules, ids),
                    panel.context,
                )
                problem = None
            except Exception as exc:  # AwsProblem, or a bug: reported, never fatal
                checks, problem = {}, problem_text(exc)
            self.to_ui(panel.deliveries_read, generation, list(rules), checks, problem)

        self.run(work, "rules-deliveries")
        return True
