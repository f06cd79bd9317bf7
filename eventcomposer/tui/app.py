"""The composer app: compose entries, validate live, pick a bus, send, see results, keep presets.

Startup stays cheap: boto3, moto and the AWS client are imported only inside thread workers, and
with ``--local`` the embedded EventBridge starts in a worker once the first screen is shown.
Validation, sizes, templating, presets and sending all come from ``eventcomposer.core`` and
``eventcomposer.aws``; this package only wires them to widgets.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Static

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import Entry, as_sent
from eventcomposer.core.sizes import entry_size, request_size
from eventcomposer.core.validation import (
    DEFAULT_LIMITS,
    Limits,
    Problem,
    check_detail,
    validate_call,
    validate_entry,
)
from eventcomposer.tui.commands import ComposerCommands
from eventcomposer.tui.drafts import DraftKeeping
from eventcomposer.tui.messages import (
    BatchAction,
    CopyRequested,
    EntryEdited,
    EntrySelected,
    PresetChosen,
    PresetDeleteRequested,
)
from eventcomposer.tui.round_trips import RoundTripActions
from eventcomposer.tui.state import ComposerState
from eventcomposer.tui.widgets.batch_list import BatchList
from eventcomposer.tui.widgets.entry_form import EntryForm
from eventcomposer.tui.widgets.header import ComposerHeader
from eventcomposer.tui.widgets.presets_browser import PresetsBrowser
from eventcomposer.tui.widgets.results_table import ResultsTable
from eventcomposer.tui.widgets.send_progress import SendProgress
from eventcomposer.tui.widgets.size_meter import SizeMeter

if TYPE_CHECKING:
    from eventcomposer.aws.send import RetryPolicy, SendReport
    from eventcomposer.local.server import LocalEventBridge
    from eventcomposer.tui.widgets.detail_editor import DetailEditor
    from eventcomposer.tui.widgets.rules_panel import RulesPanel

#: Set to 1 to exit as soon as the first screen is shown (for bench/startup.py).
EXIT_ON_READY_ENV = "EVENTCOMPOSER_EXIT_ON_READY"
#: A file to write {"time": ..., "boto3": ...} to when the first screen is shown.
READY_FILE_ENV = "EVENTCOMPOSER_READY_FILE"
STARTING_LOCAL = "starting local EventBridge…"
_NOT_LOADED = object()
#: Narrower terminals hide the rules panel until Ctrl+B shows it.
RULES_PANEL_MIN_WIDTH = 140


def _limits_from_env() -> Limits:
    size = os.environ.get("EVENTCOMPOSER_SIZE_LIMIT", "")
    return Limits(request_bytes=int(size)) if size.isdigit() and int(size) > 0 else DEFAULT_LIMITS


class EventComposerApp(RoundTripActions, DraftKeeping, App[int]):
    """The composer. ``settings`` say where events go; ``presets_dir`` is the presets folder."""

    CSS_PATH = "app.tcss"
    TITLE = "eventcomposer"
    COMMANDS = App.COMMANDS | {ComposerCommands}
    ENABLE_COMMAND_PALETTE = True
    AUTO_FOCUS = "#source-input"

    HELP = """\
## Composer
Compose the entries of one PutEvents call (up to 10), then send them with **F5**.

- **F7** previews exactly what will be sent: variables such as `{{uuid}}` resolved, Detail
  compacted, sizes against the limit. **F5** sends; **F8** resends only the entries that
  failed and are known not to have been accepted.
- **F2** picks the bus; **Ctrl+B** shows or hides the rules panel: which rules on the bus
  match the entry as you type, why the others don't, and after a send on the local
  EventBridge, what each rule's target actually received.
- **Ctrl+S** / **F9** save the batch as a preset; **F6** opens the history of sends (reopen or
  resend); **Ctrl+O** imports AWS CLI `--entries` / `--cli-input-json` input; the command
  palette (**Ctrl+P**) also copies the batch as an `aws events put-events` command or a boto3
  snippet.
- **F3** formats the Detail; **F4** edits it in `$EDITOR`.
"""

    # The footer shows these in this order, after the focused widget's own keys. The last four
    # are left out of it: it overflows at 120 columns, and each key is a widget that the first
    # frame would wait for (bench/startup.py); F1 and the palette list them.
    BINDINGS = [
        Binding("f1", "help", "Help", id="composer.help"),
        Binding("f5", "send", "Send", id="composer.send"),
        Binding("f8", "retry_failed", "Retry", id="composer.retry_failed"),
        Binding("f2", "switch_bus", "Bus", id="composer.switch_bus"),
        Binding("ctrl+s", "save_preset", "Save", id="composer.save_preset"),
        Binding("f9", "save_preset_as", "Save as", id="composer.save_preset_as"),
        Binding("f3", "format_json", "Format", id="composer.format_json"),
        Binding("f4", "open_in_editor", "Editor", id="composer.open_in_editor"),
        Binding("ctrl+n", "add_entry", "New", id="composer.add_entry"),
        Binding("ctrl+b", "toggle_rules", "Rules", id="composer.toggle_rules", show=False),
        Binding("f6", "history", "History", id="composer.history", show=False),
        Binding("f7", "preview", "Preview", id="composer.preview", show=False),
        Binding("ctrl+o", "import_entries", "Import", id="composer.import", show=False),
        Binding("ctrl+q", "quit", "Quit", id="composer.quit", priority=True),
    ]

    def __init__(
        self,
        settings: AwsSettings,
        presets_dir: str | Path = "presets",
        *,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.presets_dir = Path(presets_dir)
        self.limits = limits or _limits_from_env()
        self.retry = retry
        self.state = ComposerState(max_entries=self.limits.entries_per_call)
        self.local_server: LocalEventBridge | None = None
        #: Where requests go; None while the embedded local EventBridge is starting.
        self.active_settings: AwsSettings | None = (
            None if settings.local and not settings.endpoint_url else settings
        )
        self.sending = False
        self.last_refusal: str = ""
        self._field_problems: dict[str, str] = {}
        self._detail_problem: tuple[str, int | None, int | None] | None = None
        self._others_invalid: set[int] = set()
        self._editor: DetailEditor | None = None
        self._rules_panel: RulesPanel | None = None
        self._rules_toggled = False
        #: The bus whose rules the panel shows (a sentinel until the first load).
        self._rules_bus: object = _NOT_LOADED
        self._clients: dict[tuple[AwsSettings, bool], Any] = {}
        self._clients_lock = threading.Lock()
        self._composer_ready = False
        self._init_drafts()

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ComposerHeader(
            self.settings,
            starting=STARTING_LOCAL if self.active_settings is None else "",
            id="header",
        )
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield PresetsBrowser(self.presets_dir, id="presets")
                yield BatchList(self.state.entries, id="batch")
            with Vertical(id="composer"):
                yield EntryForm(id="entry-form")
                with Horizontal(id="detail-head"):
                    yield Static("Detail", classes="field-label")
                    yield Static("", id="detail-message", classes="field-message")
                # The Detail editor is mounted here right after the first frame (on_ready).
                yield Vertical(id="detail-slot")
                yield SizeMeter(id="size-meter")
            # The rules panel (which rules on the bus match, and why not) is mounted here right
            # after the first frame, like the Detail editor.
            yield Vertical(id="side-panel")
        yield ResultsTable(id="results")
        with Horizontal(id="status-bar"):
            yield Static("", id="status")
            yield SendProgress(id="send-progress")
        yield Footer(compact=True)

    @property
    def header(self) -> ComposerHeader:
        return self.query_one(ComposerHeader)

    @property
    def form(self) -> EntryForm:
        return self.query_one(EntryForm)

    @property
    def editor(self) -> DetailEditor:
        """The Detail editor (mounted right after the first frame; see ``composer_ready``)."""
        if self._editor is None:
            raise RuntimeError("the Detail editor is not mounted yet")
        return self._editor

    @property
    def composer_ready(self) -> bool:
        """Whether everything is mounted (the first frame comes before the Detail editor, the
        presets tree and the results grid)."""
        return self._composer_ready

    @property
    def batch(self) -> BatchList:
        return self.query_one(BatchList)

    @property
    def results(self) -> ResultsTable:
        return self.query_one(ResultsTable)

    @property
    def browser(self) -> PresetsBrowser:
        return self.query_one(PresetsBrowser)

    async def on_ready(self) -> None:
        """The first screen is up: report it (for the startup benchmark), then the rest."""
        ready_file = os.environ.get(READY_FILE_ENV)
        if ready_file:
            Path(ready_file).write_text(
                json.dumps(
                    {
                        "time": time.time(),
                        "cpu": time.process_time(),
                        "boto3": "boto3" in sys.modules,
                    }
                )
            )
        exit_on_ready = os.environ.get(EXIT_ON_READY_ENV) == "1"
        # What is not needed to start typing comes right after the first frame: the optional
        # fields, the Detail editor, the presets tree, the results grid, validation messages
        # and sizes (what the user may have typed meanwhile is kept).
        from eventcomposer.tui.widgets.detail_editor import DetailEditor

        self._sync_detail()  # what was typed in the first fields, before the rest is shown
        # Unsaved work from a session that did not quit cleanly comes back before the rest of
        # the form is shown (a read of one small file).
        restored = False if exit_on_ready else self._restore_draft()
        if restored:
            await self.form.load(self.state.entry)
        await self.form.mount_rest()
        editor = DetailEditor(self.state.entry.detail, id="detail")
        await self.query_one("#detail-slot").mount(editor)
        self._editor = editor
        from eventcomposer.tui.widgets.rules_panel import RulesPanel

        panel = RulesPanel(id="rules-panel")
        await self.query_one("#side-panel").mount(panel)
        self._rules_panel = panel
        if not exit_on_ready:
            self.browser.reload()
        self.results.table  # noqa: B018 - creates and mounts the grid
        self.state.entries[self.state.selected] = self.state.entry.copy(detail=editor.text)
        self._sync_detail()
        self._drafts_on = not exit_on_ready
        if restored:
            await self._show_selected()  # validates every restored entry, then refreshes
        else:
            await self._refresh()
        self._composer_ready = True
        if exit_on_ready:
            self.call_after_refresh(self._exit_after_complete, ready_file)
            return
        if self.active_settings is None:
            self.start_local_server()
        else:
            self.warm_up(self.active_settings)
            if restored and self.state.bus:
                self.check_bus(self.state.bus)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self, settings: AwsSettings) -> None:
        """Import boto3 and make the clients now, off the UI thread, so the first send is quick.
        Problems (no region, no profile) are reported when they matter: on sending."""
        from eventcomposer.aws.errors import AwsProblem

        try:
            self.events_client(settings)
            self.events_client(settings, retries=False)
        except AwsProblem:
            pass

    def _exit_after_complete(self, ready_file: str | None) -> None:
        """For the benchmark: note when everything is mounted and drawn, then exit."""
        if ready_file:
            data = json.loads(Path(ready_file).read_text())
            data.update(complete_time=time.time(), complete_cpu=time.process_time())
            Path(ready_file).write_text(json.dumps(data))
        self.exit(0)

    def events_client(self, settings: AwsSettings, retries: bool = True) -> Any:
        """An events client for ``settings``, made once (in a worker: it imports boto3).

        ``retries=False`` is the one for sending: PutEvents is not idempotent, so the Sender
        retries by itself. Raises AwsProblem.
        """
        from eventcomposer.aws.client import client

        key = (settings, retries)
        with self._clients_lock:
            if key not in self._clients:
                self._clients[key] = client(settings, "events", retries=retries)
            return self._clients[key]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The composer's actions act on the main screen: not while a dialog is open."""
        return not (action in _COMPOSER_ACTIONS and self.screen is not self.screen_stack[0])

    # -- the embedded local EventBridge ---------------------------------------------------------

    @work(thread=True, exclusive=True, group="local", exit_on_error=False)
    def start_local_server(self) -> None:
        from eventcomposer.local.session import start_local

        try:
            server, settings = start_local(self.settings)
        except Exception as exc:
            self.call_from_thread(self._local_failed, str(exc))
            return
        self.local_server = server
        try:
            self.call_from_thread(self._local_ready, settings)
        except RuntimeError:  # the app quit while the server was starting
            self.stop_local()

    def _local_ready(self, settings: AwsSettings) -> None:
        self.active_settings = settings
        self.warm_up(settings)
        self._update_rules_panel()
        self.header.settings = settings
        self.header.starting = ""
        self.notify(f"Local EventBridge ready at {settings.endpoint_url}", timeout=3)
        if self.state.bus:
            self.check_bus(self.state.bus)

    def _local_failed(self, message: str) -> None:
        self.header.starting = "local EventBridge failed to start"
        self.set_status(f"The local EventBridge could not start: {message}", error=True)

    def stop_local(self) -> None:
        if self.local_server is not None:
            self.local_server.stop()
            self.local_server = None

    # -- showing the state ----------------------------------------------------------------------

    async def _show_selected(self) -> None:
        """Show the selected entry in the form and the Detail editor, and refresh everything."""
        state = self.state
        entry = state.entry
        await self.form.load(entry)
        editor = self._editor
        if editor is not None:
            editor.load_text(entry.detail)
            # The editor pretty-prints; take its text as the entry's so this is not an edit.
            entry = entry.copy(detail=editor.text)
            state.entries[state.selected] = entry
        self.form.set_detail(entry.detail)
        check = check_detail(entry.detail)
        self._detail_problem = (check.problem, check.line, check.column) if check.problem else None
        if editor is not None:
            editor.mark_error(check.line, check.column)
        self._others_invalid = {
            i
            for i, other in enumerate(state.entries)
            if i != state.selected and validate_entry(other, i + 1, self.limits)
        }
        await self._refresh()

    async def _refresh(self) -> None:
        """Validate the selected entry and update messages, sizes, the batch and the header."""
        self._validate_fields()
        state = self.state
        self.form.show_problems(self._field_problems)
        detail = self.query_one("#detail-message", Static)
        if self._detail_problem:
            detail.update(f"Detail {self._detail_problem[0]}")
        else:
            detail.update("")
        self.query_one("#detail-head").set_class(bool(self._detail_problem), "-invalid")
        meter = self.query_one(SizeMeter)
        meter.limit = self.limits.request_bytes
        # Sizes as sent: Detail goes over the wire compacted, not as pretty-printed here.
        meter.entry_bytes = entry_size(as_sent(state.entry))
        meter.request_bytes = request_size([as_sent(e) for e in state.entries])
        invalid = set(self._others_invalid)
        if (
            self._field_problems
            or self._detail_problem
            or (meter.entry_bytes > self.limits.request_bytes)
        ):
            invalid.add(state.selected)
        await self.batch.show(state.entries, state.selected, invalid)
        header = self.header
        header.bus = state.bus_label
        header.preset = state.preset_name
        header.dirty = state.dirty
        self._update_rules_panel()
        self._schedule_draft()

    def action_toggle_rules(self) -> None:
        """Show or hide the rules panel; once toggled, the width no longer decides."""
        self._rules_toggled = True
        self.query_one("#side-panel").toggle_class("-hidden")

    def on_resize(self, event: events.Resize) -> None:
        """The rules panel needs room beside the form: shown from RULES_PANEL_MIN_WIDTH columns
        (Ctrl+B shows or hides it at any width)."""
        if not self._rules_toggled:
            hidden = event.size.width < RULES_PANEL_MIN_WIDTH
            self.query_one("#side-panel").set_class(hidden, "-hidden")

    def _update_rules_panel(self) -> None:
        """Give the rules panel the entry being edited, and load the bus's rules when the bus
        changed. Both return at once: the panel works (and resolves variables) in workers."""
        panel = self._rules_panel
        if panel is None:
            return
        state = self.state
        if self.active_settings is not None and self._rules_bus != state.bus:
            self._rules_bus = state.bus
            panel.load_rules(self.active_settings, state.bus)
        panel.update_entry(state.entry)

    def _validate_fields(self) -> None:
        """Problems of the selected entry's fields, except Detail (the editor checks that off the
        keystroke path) and size (the meter shows it)."""
        state = self.state
        from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry

        probe = state.entry.copy(detail="{}")
        problems: dict[str, str] = {}
        try:
            probe = resolve_entry(probe, TemplateContext(), "entry")
        except TemplateError as exc:
            field = exc.where.rsplit(", ", 1)[-1]
            problems[field] = str(exc).split(": ", 1)[-1]
        for problem in validate_entry(probe, state.selected + 1, self.limits):
            if problem.field and problem.field not in ("Detail", "size"):
                problems.setdefault(problem.field, problem.message)
        self._field_problems = problems

    def set_status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "-error")

    # -- editing --------------------------------------------------------------------------------

    def _sync_detail(self) -> None:
        """Take the form's values and the editor's text now: their messages arrive later (the
        editor's are debounced), and an action such as Send must see what is on screen."""
        state = self.state
        text = self._editor.text if self._editor is not None else state.entry.detail
        self.form.set_detail(text)
        state.update_entry(self.form.current().copy(detail=text))

    @on(EntryEdited)
    async def _entry_edited(self, event: EntryEdited) -> None:
        state = self.state
        state.update_entry(event.entry.copy(detail=state.entry.detail))
        await self._refresh()

    async def on_detail_editor_changed(self, event: DetailEditor.Changed) -> None:
        state = self.state
        if state.entry.detail != event.text:
            state.update_entry(state.entry.copy(detail=event.text))
            self.form.set_detail(event.text)
            await self._refresh()

    async def on_detail_editor_validated(self, event: DetailEditor.Validated) -> None:
        problem = (event.problem, event.line, event.column) if event.problem else None
        if problem != self._detail_problem:
            self._detail_problem = problem
            await self._refresh()

    @on(EntrySelected)
    async def _entry_selected(self, event: EntrySelected) -> None:
        if event.index == self.state.selected or not 0 <= event.index < len(self.state.entries):
            return
        if self.batch.list_view.index != event.index:
            return  # stale: the list moved on (e.g. its initial highlight, before a restore)
        self._sync_detail()
        self.state.selected = event.index
        await self._show_selected()

    @on(BatchAction)
    async def _batch_action(self, event: BatchAction) -> None:
        await self.batch_action(event.action)

    async def batch_action(self, action: str) -> None:
        """add, duplicate, remove, up or down, on the selected entry."""
        self._sync_detail()
        state = self.state
        if action in ("add", "duplicate") and not state.can_add:
            self.notify(
                f"One PutEvents call takes at most {state.max_entries} entries.",
                severity="warning",
            )
            return
        if action == "add":
            state.add()
        elif action == "duplicate":
            state.duplicate()
        elif action == "remove":
            state.remove()
        elif action == "up":
            state.move(-1)
        elif action == "down":
            state.move(1)
        await self._show_selected()

    async def action_add_entry(self) -> None:
        await self.batch_action("add")
        self.query_one("#source-input").focus()

    async def action_duplicate_entry(self) -> None:
        await self.batch_action("duplicate")

    async def action_remove_entry(self) -> None:
        await self.batch_action("remove")

    def action_format_json(self) -> None:
        if self._editor is None:
            return
        if not self._editor.format_json():
            self.notify("Detail is not valid JSON; fix it before formatting.", severity="warning")

    def action_open_in_editor(self) -> None:
        """Edit Detail in $VISUAL or $EDITOR: suspend the app, run it on a temp file, resume."""
        import shlex
        import subprocess
        import tempfile

        if self._editor is None:
            return
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        fd, name = tempfile.mkstemp(prefix="eventcomposer-detail-", suffix=".json")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.editor.text)
            try:
                with self.suspend():
                    result = subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:
                if not self.is_headless:
                    self.notify("This terminal can't suspend the app.", severity="error")
                    return
                result = subprocess.run(
                    [*shlex.split(command), str(path)], check=False, capture_output=True
                )
            except OSError as exc:
                self.notify(f"Could not run {command!r}: {exc}", severity="error")
                return
            if result.returncode != 0:
                self.notify(f"{command} exited with {result.returncode}; Detail unchanged.")
                return
            self.editor.load_text(path.read_text(encoding="utf-8"))
            self._sync_detail()
            self.call_after_refresh(self._revalidate_detail)
        finally:
            path.unlink(missing_ok=True)

    async def _revalidate_detail(self) -> None:
        check = check_detail(self.editor.text)
        self._detail_problem = (check.problem, check.line, check.column) if check.problem else None
        self.editor.mark_error(check.line, check.column)
        await self._refresh()

    # -- sending --------------------------------------------------------------------------------

    def action_send(self) -> None:
        self._sync_detail()
        self.send(list(self.state.entries))

    def resolve_batch(self, entries: Sequence[Entry]) -> list[Entry]:
        """The entries exactly as they go over the wire: variables resolved, Detail compacted
        (for sending and for the preview alike). Raises TemplateError."""
        from eventcomposer.core.templating import TemplateContext, resolve_entry

        context = TemplateContext()
        return [
            resolve_entry(as_sent(entry), context, f"entry {i}")
            for i, entry in enumerate(entries, 1)
        ]

    def send(self, entries: Sequence[Entry], label: str | None = None) -> bool:
        """Resolve variables, validate, and send in a worker; refuse with the reason if invalid.
        ``label`` names the send in the history (default: the preset's name)."""
        if self.sending:
            self.notify("A send is already running.", severity="warning")
            return False
        if self.active_settings is None:
            return self._refuse("the local EventBridge is still starting; try again in a moment")
        from eventcomposer.core.templating import TemplateError

        try:
            resolved = self.resolve_batch(entries)
        except TemplateError as exc:
            return self._refuse(str(exc))
        # Detail is checked as written, so that line and column point into the editor's text.
        problems = [p for p in validate_call(resolved, self.limits) if p.field != "Detail"]
        problems += [p for p in validate_call(entries, self.limits) if p.field == "Detail"]
        problems.sort(key=lambda p: (p.entry is None, p.entry or 0))
        if problems:
            self._show_refusal(problems)
            return False
        self.last_refusal = ""
        self._start_send(resolved, None, None, label=label)
        return True

    def _refuse(self, reason: str) -> bool:
        self.last_refusal = reason
        self.set_status(f"Send refused: {reason}", error=True)
        self.bell()
        return False

    def _show_refusal(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self._refuse(f"{first}{more}")
        if first.field == "Detail" and first.entry == self.state.selected + 1 and self._editor:
            self._editor.mark_error(first.line, first.column)

    def action_retry_failed(self) -> None:
        """Resend the failed entries known not to be accepted; never those whose outcome is
        unknown (a timeout or a broken connection: AWS may have accepted them)."""
        report = self.results.report
        failed = report.failed if report else []
        safe = [o for o in failed if o.retry_safe]
        unknown = len(failed) - len(safe)
        if not safe or report is None:
            if unknown:
                self.set_status(f"Nothing resent: {_unknown_note(unknown)}", error=True)
            else:
                self.notify("No failed entries to retry.")
            return
        if self.sending:
            self.notify("A send is already running.", severity="warning")
            return
        if self.active_settings is None:
            self._refuse("the local EventBridge is still starting; try again in a moment")
            return
        self._start_send([o.entry for o in safe], [o.number for o in safe], report)
        if unknown:
            status = self.query_one("#status", Static)
            self.set_status(f"{status.content} Left out: {_unknown_note(unknown)}")

    def _start_send(
        self,
        entries: list[Entry],
        numbers: list[int] | None,
        previous: SendReport | None,
        label: str | None = None,
    ) -> None:
        """Send in a worker; ``label`` names the send in the history."""
        label = label or self.state.preset_name or "unsaved batch"
        if previous is not None:
            label = f"retry of {label}"
        self.sending = True
        self.query_one(SendProgress).start(len(entries))
        what = (
            f"{len(entries)} failed entr{'y' if len(entries) == 1 else 'ies'}"
            if previous
            else (f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
        )
        self.set_status(f"Sending {what} to {self.state.bus_label}…")
        self.results.show_progress(f"Sending {what}…")
        assert self.active_settings is not None
        self.send_worker(self.active_settings, entries, self.state.bus, numbers, previous, label)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def send_worker(
        self,
        settings: AwsSettings,
        entries: list[Entry],
        bus: str | None,
        numbers: list[int] | None,
        previous: SendReport | None,
        label: str = "unsaved batch",
    ) -> None:
        """Check the bus exists, then send, then keep the send in the history: all off the UI
        thread."""
        from eventcomposer.aws.buses import check_bus
        from eventcomposer.aws.errors import AwsProblem
        from eventcomposer.aws.send import DEFAULT_RETRY, Sender

        try:
            checks = self.events_client(settings)
            for target in dict.fromkeys(e.event_bus_name or bus for e in entries):
                check = check_bus(checks, target)
                if check.exists is False:
                    self.call_from_thread(self._send_done, None, previous, check.message)
                    return
            sender = Sender(
                self.events_client(settings, retries=False),
                self.limits,
                retry=self.retry or DEFAULT_RETRY,
            )
            report = sender.send(
                entries,
                bus,
                on_progress=lambda done, total: self.call_from_thread(self._progress, done),
                numbers=numbers,
            )
        except AwsProblem as problem:
            self.call_from_thread(self._send_done, None, previous, str(problem))
            return
        except Exception as exc:  # never leave the UI in "sending"
            self.call_from_thread(self._send_done, None, previous, f"{type(exc).__name__}: {exc}")
            return
        warning = self._record(report, settings, bus, label)
        if warning:
            self.call_from_thread(
                self.notify, warning, title="Not kept in the history", severity="warning"
            )
        self.call_from_thread(self._send_done, report, previous, None)

    def _record(
        self, report: SendReport, settings: AwsSettings, bus: str | None, label: str
    ) -> str | None:
        """Keep the send in the history (in the send worker); a warning if that failed, which
        never fails the send."""
        from eventcomposer.recording import record_send

        try:
            region = self.events_client(settings, retries=False).meta.region_name
            return record_send(report, settings, "tui", region, [label], bus=bus)
        except Exception as exc:
            return f"the history could not be written: {exc}"

    def _progress(self, done: int) -> None:
        self.query_one(SendProgress).advance(done)

    def _send_done(
        self, report: SendReport | None, previous: SendReport | None, problem: str | None
    ) -> None:
        self.sending = False
        self.query_one(SendProgress).stop()
        if report is None:
            self.set_status(f"Not sent: {problem}", error=True)
            self.results.show_progress(f"Not sent: {problem}")
            return
        heading = ""
        if previous is not None:
            report = _merge(previous, report)
            heading = "after retrying the failed entries"
        self.results.show_report(report, heading)
        if self._rules_panel is not None and self.active_settings is not None:
            self._rules_panel.show_deliveries(self.active_settings, report)
        failed = report.failed_count
        if failed:
            unknown = sum(1 for o in report.failed if not o.retry_safe)
            parts = [f"{failed} of {len(report.outcomes)} entries failed."]
            if unknown < failed:
                retried = f"{failed - unknown} of them" if unknown else "them"
                parts.append(f"F8 retries {retried}.")
            if unknown:
                parts.append(_unknown_note(unknown))
            self.set_status(" ".join(parts), error=True)
        else:
            count = len(report.outcomes)
            self.set_status(
                "The entry was accepted." if count == 1 else f"All {count} entries accepted."
            )

    # -- bus ------------------------------------------------------------------------------------

    def action_switch_bus(self) -> None:
        from eventcomposer.tui.screens.bus_picker import BusPickerScreen

        settings = self.active_settings
        factory = (lambda: self.events_client(settings)) if settings is not None else None
        self.push_screen(BusPickerScreen(factory, self.state.bus), self._bus_chosen)

    async def _bus_chosen(self, bus: str | None) -> None:
        if bus is None:
            return
        new = None if bus == "default" else bus
        if new != self.state.bus:
            self.state.bus = new
            self.state.dirty = True
        self.header.bus_warning = ""
        await self._refresh()
        self.check_bus(new)

    @work(thread=True, exclusive=True, group="bus-check", exit_on_error=False)
    def check_bus(self, bus: str | None) -> None:
        """Warn when the chosen bus does not exist (AWS would accept events and drop them)."""
        settings = self.active_settings
        if settings is None or not bus:
            return
        from eventcomposer.aws.buses import check_bus
        from eventcomposer.aws.errors import AwsProblem

        try:
            check = check_bus(self.events_client(settings), bus)
        except AwsProblem as problem:
            self.call_from_thread(self.notify, f"Could not check the bus: {problem}")
            return
        self.call_from_thread(self._bus_checked, bus, check.exists, check.message)

    def _bus_checked(self, bus: str, exists: bool | None, message: str) -> None:
        if bus != self.state.bus:
            return
        self.header.bus_warning = message if exists is False else ""
        if exists is False:
            self.notify(message, title="Bus not found", severity="warning", timeout=8)
        elif exists is None and message:
            self.notify(message, severity="warning")

    # -- presets --------------------------------------------------------------------------------

    @on(PresetChosen)
    def _preset_chosen(self, event: PresetChosen) -> None:
        self.open_preset(event.path)

    def open_preset(self, path: Path) -> None:
        """Open a preset, asking first if there are unsaved changes."""

        async def go(confirmed: bool | None = True) -> None:
            if confirmed:
                await self._open_preset(path)

        if self.state.dirty:
            from eventcomposer.tui.screens.confirm import ConfirmScreen

            self.push_screen(
                ConfirmScreen(
                    f"The batch has unsaved changes. Open {path.name} and lose them?",
                    yes="Open",
                ),
                go,
            )
        else:
            self.call_later(go)

    async def _open_preset(self, path: Path) -> None:
        from eventcomposer.core.presets import PresetError, load_preset

        stamp = _file_stamp(path)  # before reading: a change after it is noticed on saving
        try:
            preset = load_preset(path)
        except PresetError as exc:
            self.notify(str(exc), title="Can't open preset", severity="error", timeout=10)
            return
        entries = preset.entries[: self.limits.entries_per_call]
        self.state.load(entries, preset.bus, path, preset.name, preset.description, stamp=stamp)
        self.header.bus_warning = ""
        await self._show_selected()
        note = ""
        if len(preset.entries) > len(entries):
            note = f" (first {len(entries)} of {len(preset.entries)} entries: one call's worth)"
        self.set_status(f"Opened {self._display_path(path)}{note}.")
        if preset.bus:
            self.check_bus(preset.bus)

    def _display_path(self, path: Path) -> str:
        """A preset's path as the browser shows it: relative to the presets folder."""
        try:
            return str(path.relative_to(self.presets_dir))
        except ValueError:
            return str(path)

    def _preset_to_save(self, name: str) -> Any:
        from eventcomposer.core.presets import Preset

        self._sync_detail()
        state = self.state
        return Preset(
            name=name,
            entries=[e.copy() for e in state.entries],
            description=state.description,
            bus=state.bus,
        )

    def action_save_preset(self) -> None:
        if self.state.preset_path is None:
            self.action_save_preset_as()
            return
        self._save_checked(self.state.preset_name, self.state.preset_path)

    def action_save_preset_as(self) -> None:
        from eventcomposer.tui.screens.save_as import SaveAsScreen

        relative = ""
        if self.state.preset_path is not None:
            try:
                relative = str(self.state.preset_path.relative_to(self.presets_dir))
            except ValueError:
                relative = ""
        self.push_screen(
            SaveAsScreen(self.presets_dir, self.state.preset_name, relative), self._save_as_chosen
        )

    def _save_as_chosen(self, choice: tuple[str, Path] | None) -> None:
        if choice is None:
            return
        name, path = choice

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._save_to(name, path)

        if path.exists() and path != self.state.preset_path:
            from eventcomposer.tui.screens.confirm import ConfirmScreen

            self.push_screen(ConfirmScreen(f"{path} exists. Replace it?", yes="Replace"), confirmed)
        else:
            self._save_checked(name, path)

    def _save_checked(self, name: str, path: Path) -> None:
        """Save over the open preset, asking first if its file changed on disk since it was
        opened or saved (another editor, a git pull): overwriting would lose that change."""
        state = self.state
        known = state.preset_stamp
        current = _file_stamp(path)
        if path != state.preset_path or known is None or current is None or current == known:
            self._save_to(name, path)
            return
        from eventcomposer.tui.screens.confirm import ConfirmScreen

        shown = self._display_path(path)

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._save_to(name, path)
            else:
                self.set_status(f"Not saved: {shown} changed on disk; your changes are kept.")

        self.push_screen(
            ConfirmScreen(
                f"{shown} changed on disk since you opened it. Overwrite it?", yes="Overwrite"
            ),
            confirmed,
        )

    def _save_to(self, name: str, path: Path) -> bool:
        from eventcomposer.core.presets import save_preset

        preset = self._preset_to_save(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_preset(preset, path)
        except OSError as exc:
            # The write is atomic: the old file is intact, and the batch stays unsaved.
            self.notify(f"Could not save {path}: {exc}", severity="error", timeout=10)
            self.set_status(f"Not saved: {exc}; your changes are kept.", error=True)
            return False
        state = self.state
        state.preset_path = path
        state.preset_name = name
        state.preset_stamp = _file_stamp(path)
        state.dirty = False
        self.call_later(self._refresh)
        self.set_status(f"Saved {self._display_path(path)}.")
        browser = self.browser
        browser.select_after_reload = path
        browser.reload()
        return True

    @on(PresetDeleteRequested)
    def _delete_requested(self, event: PresetDeleteRequested) -> None:
        self.delete_preset(event.path)

    def delete_preset(self, path: Path | None = None) -> None:
        """Delete a preset file after confirmation (the open one by default)."""
        target = path or self.state.preset_path
        if target is None:
            self.notify("No preset is selected.")
            return
        from eventcomposer.tui.screens.confirm import ConfirmScreen

        async def confirmed(ok: bool | None) -> None:
            if not ok:
                return
            try:
                target.unlink()
            except OSError as exc:
                self.notify(f"Could not delete {target}: {exc}", severity="error")
                return
            if target == self.state.preset_path:
                self.state.preset_path = None
                self.state.dirty = True
                await self._refresh()
            self.set_status(f"Deleted {target}.")
            self.browser.reload()

        self.push_screen(
            ConfirmScreen(f"Delete the preset {target}? This can't be undone.", yes="Delete"),
            confirmed,
        )

    def action_delete_preset(self) -> None:
        node = self.browser.tree.cursor_node
        path = node.data if node is not None and self.browser.tree.has_focus else None
        if path is not None and path.suffix not in (".yaml", ".yml"):
            path = None
        self.delete_preset(path)

    # -- results --------------------------------------------------------------------------------

    @on(CopyRequested)
    def _copy(self, event: CopyRequested) -> None:
        self.copy_to_clipboard(event.text)
        self.notify(f"Copied {event.text}", timeout=3)

    def action_copy_event_id(self) -> None:
        self.results.action_copy_event_id()

    # -- help and quitting ----------------------------------------------------------------------

    def action_help(self) -> None:
        from eventcomposer.tui.screens.help import HelpScreen

        widget: Widget | None = self.focused
        help_text = ""
        node: Any = widget
        while node is not None:
            text = getattr(node, "HELP", None)
            if text and node is not self:
                help_text = text
                break
            node = node.parent
        keys = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            # The footer's keys, and ours kept off it (they carry ids; the widgets' own
            # cursor keys don't and stay out of the list).
            if binding.description and (binding.show or binding.id):
                keys.append((binding.key_display or key, binding.description))
        if not help_text:
            help_text = self.HELP
        self.push_screen(HelpScreen(help_text, keys))

    async def action_quit(self) -> None:
        if not self.state.dirty:
            self._discard_draft()
            self.exit(0)
            return
        from eventcomposer.tui.screens.confirm import ConfirmScreen

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._discard_draft()
                self.exit(0)

        self.push_screen(ConfirmScreen("Quit and lose unsaved changes?", yes="Quit"), confirmed)


#: Actions that change or use the batch; disabled while a dialog is open.
_COMPOSER_ACTIONS = frozenset(
    {
        "send",
        "retry_failed",
        "switch_bus",
        "save_preset",
        "save_preset_as",
        "delete_preset",
        "format_json",
        "open_in_editor",
        "add_entry",
        "duplicate_entry",
        "remove_entry",
        "history",
        "preview",
        "import_entries",
        "copy_aws_cli",
        "copy_boto3",
    }
)


def _unknown_note(count: int) -> str:
    """Why entries with an unknown outcome are not resent, for the status line."""
    which, verb = ("1 entry has", "is") if count == 1 else (f"{count} entries have", "are")
    return (
        f"{which} an unknown outcome (the request timed out or the connection broke, so AWS "
        f"may have accepted it) and {verb} not resent."
    )


def _file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's (st_mtime_ns, st_size), to notice it changed on disk; None if it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _merge(previous: SendReport, retried: SendReport) -> SendReport:
    """The earlier report with the retried entries' new outcomes in place."""
    from eventcomposer.aws.send import SendReport

    by_number = {o.number: o for o in retried.outcomes}
    outcomes = [by_number.get(o.number, o) for o in previous.outcomes]
    return SendReport(
        outcomes,
        calls=retried.calls,
        problem=retried.problem,
        seconds=retried.seconds,
        latencies=retried.latencies,
    )


def run_app(settings: AwsSettings, presets_dir: str | Path = "presets") -> int:
    """Run the composer until the user quits; the exit code is the app's return code."""
    app = EventComposerApp(settings, presets_dir)
    try:
        app.run()
    finally:
        app.stop_local()
    return app.return_code or 0
