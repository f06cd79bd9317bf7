"""The composer app: compose entries, validate live, pick a bus, send, see results, keep presets.

The app holds one composer model (``core.composer.Composer``, the only source of truth) and
renders it (``show_state``); widgets post edits, which the app applies to the model. Keys are
handled in the order typed (``key_order``), and before any action what the inputs hold is
applied (``run_action``): an action never sees a model that lags behind the screen. Sending,
presets, drafts, round trips, tail and archives, and I/O live in their own modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.composer import Composer, detail_check
from eventcomposer.core.validation import DEFAULT_LIMITS, Limits
from eventcomposer.tui import startup_probe
from eventcomposer.tui.backend import Backend
from eventcomposer.tui.bus_and_rules import BusAndRules
from eventcomposer.tui.clipboard import Clipboard
from eventcomposer.tui.commands import HIDDEN_KEYS, ComposerCommands
from eventcomposer.tui.drafts import DraftKeeper
from eventcomposer.tui.help_texts import COMPOSER_HELP
from eventcomposer.tui.key_order import handled_in_order
from eventcomposer.tui.messages import (
    BatchAction,
    CopyRequested,
    EntrySelected,
    FormEdited,
    PresetChosen,
    PresetDeleteRequested,
    ScreenOpened,
    WatchRequest,
)
from eventcomposer.tui.navigation import FOCUS_KEYS, Navigation, focus_now
from eventcomposer.tui.preferences import Preferences
from eventcomposer.tui.preset_files import PresetFiles, writable_folder
from eventcomposer.tui.round_trips import RoundTrips
from eventcomposer.tui.sending import SendController
from eventcomposer.tui.watching import Watching
from eventcomposer.tui.widgets.batch_list import BatchList
from eventcomposer.tui.widgets.composer_footer import ComposerFooter
from eventcomposer.tui.widgets.entry_form import EntryForm
from eventcomposer.tui.widgets.header import ComposerHeader
from eventcomposer.tui.widgets.presets_browser import PresetsBrowser
from eventcomposer.tui.widgets.results_table import ResultsTable
from eventcomposer.tui.widgets.send_progress import SendProgress
from eventcomposer.tui.widgets.size_meter import SizeMeter
from eventcomposer.tui.widgets.static_text import show_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.actions import ActionParseResult
    from textual.dom import DOMNode

    from eventcomposer.aws.send import RetryPolicy, SendReport
    from eventcomposer.tui.widgets.detail_editor import DetailEditor
    from eventcomposer.tui.widgets.rules_panel import RulesPanel

STARTING_LOCAL = "starting local EventBridge…"


class EventComposerApp(App[int]):
    """The composer. ``settings`` say where events go; ``presets_dir`` is the presets folder."""

    CSS_PATH = "app.tcss"
    TITLE = "eventcomposer"
    COMMANDS = App.COMMANDS | {ComposerCommands}
    ENABLE_COMMAND_PALETTE = True
    AUTO_FOCUS = "#source-input"
    HELP = COMPOSER_HELP

    # The footer shows these in this order, after the focused widget's own keys. Those with
    # show=False are left out of it: it overflows at 120 columns, and each key is a widget that
    # the first frame would wait for (bench/startup.py); F1 and the palette list them. They are
    # priority bindings: a key the footer or F1 shows wins over the focused widget's own (the
    # Detail editor's F6/F7); over a dialog, ``check_action`` leaves keys to the dialog.
    BINDINGS = [
        Binding("f1", "help", "Help", id="composer.help", priority=True),
        Binding("f5", "send", "Send", id="composer.send", priority=True),
        Binding("f8", "retry_failed", "Retry", id="composer.retry_failed", priority=True),
        Binding("f2", "switch_bus", "Bus", id="composer.switch_bus", priority=True),
        Binding("ctrl+s", "save_preset", "Save", id="composer.save_preset", priority=True),
        Binding("f9", "save_preset_as", "Save as", id="composer.save_preset_as", priority=True),
        Binding("f3", "format_json", "Format", id="composer.format_json", priority=True),
        Binding("f4", "open_in_editor", "Editor", id="composer.open_in_editor", priority=True),
        Binding("ctrl+n", "add_entry", "New entry", id="composer.add_entry", priority=True),
        *(Binding(k, a, d, id=i, show=False, priority=True) for k, a, d, i in HIDDEN_KEYS),
        *FOCUS_KEYS,
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
        #: Where presets are listed and saved (never the read-only demo presets).
        self.presets_dir = writable_folder(Path(presets_dir))
        #: The composer model: everything on screen is rendered from it.
        self.state = Composer(limits or DEFAULT_LIMITS)
        self.backend = Backend(self, settings)
        self.sends = SendController(self, retry)
        self.preset_files = PresetFiles(self)
        self.round_trips = RoundTrips(self)
        self.drafts = DraftKeeper(self, self.state)
        self._editor: DetailEditor | None = None
        #: The entry whose Detail the editor holds (edits there are applied to it).
        self._editor_entry = 0
        self.bus_and_rules = BusAndRules(self)
        self.watching = Watching(self, self.backend, self.presets_dir, self.preset_files.written)
        self.navigation = Navigation(self)
        self.copies = Clipboard(self)
        self.preferences = Preferences(self)  # the saved theme, from the first frame
        self._composer_ready = False

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        starting = STARTING_LOCAL if self.backend.active is None else ""
        yield ComposerHeader(self.settings, starting=starting, id="header")
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
            # The rules panel is mounted here right after the first frame, like the editor.
            yield Vertical(id="side-panel")
        yield ResultsTable(id="results")
        with Horizontal(id="status-bar"):
            yield Static("", id="status", markup=False)  # messages hold [brackets]
            yield SendProgress(id="send-progress")
        yield ComposerFooter(compact=True)

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
        """Whether everything is mounted (the Detail editor and the rest come after a frame)."""
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

    @property
    def progress(self) -> SendProgress:
        return self.query_one(SendProgress)

    async def on_ready(self) -> None:
        """The first screen is up. What is not needed to start typing comes right after it:
        the other fields, the Detail editor, the presets tree, the results grid, problems and
        sizes (what the user may have typed meanwhile is kept)."""
        from eventcomposer.tui.widgets.detail_editor import DetailEditor
        from eventcomposer.tui.widgets.rules_panel import RulesPanel

        startup_probe.first_screen_shown()
        self.preferences.follow()
        probing = startup_probe.exit_on_ready()
        self.commit_edits()  # what was typed in the first fields, before the rest is shown
        # Unsaved work of a composer that did not quit cleanly comes back before the rest of
        # the form is shown (a read of one small file).
        restored = False if probing else self.drafts.restore()
        with self.batch_update():  # one layout for all of it, not one per mount
            await self.form.mount_rest()
            editor = DetailEditor(self.state.entry.detail, id="detail")
            editor.validator = detail_check
            await self.query_one("#detail-slot").mount(editor)
            self._editor = editor
            panel = RulesPanel(id="rules-panel")
            await self.query_one("#side-panel").mount(panel)
            self.bus_and_rules.panel = panel
            if not probing:
                self.preset_files.reload()
            self.results.table  # noqa: B018 - creates and mounts the grid
            await self.show_state(reload=True)
        self.drafts.on = not probing
        if restored:
            self.drafts.schedule()
        self._composer_ready = True
        if probing:
            startup_probe.composer_complete(self)
        elif self.backend.active is None:
            self.backend.start_local(self.bus_and_rules.connected, self.bus_and_rules.not_connected)
        else:
            self.backend.warm_up(self.backend.active)
            if self.state.bus:
                self.bus_and_rules.changed()

    def on_unmount(self) -> None:
        """However the app ends (quit, crash): drafts unlocked, tails' rules and queues removed."""
        self.drafts.release()
        self.watching.stop_all()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The composer's actions act on the main screen: not while a dialog is open."""
        return self.navigation.allowed(action)

    # -- edits go into the model ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not await handled_in_order(self, event):
            await super().on_event(event)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every action (a key, the palette, a click) first takes what the inputs and the Detail
        editor hold now: their change messages may still be on their way."""
        if self.commit_edits():
            await self.show_state()
        return await super().run_action(action, default_namespace, namespaces)

    def commit_edits(self) -> bool:
        """Apply what is on screen to the model; returns whether anything changed."""
        state = self.state
        changed = False
        for edit in self.form.pending_edits():
            changed |= state.set_field(edit.entry_id, edit.api, edit.value)
        if self._editor is not None:
            changed |= state.set_field(self._editor_entry, "Detail", self._editor.text)
        return changed

    @on(FormEdited)
    async def _form_edited(self) -> None:
        if self.commit_edits():
            await self.show_state()

    async def on_detail_editor_changed(self, event: DetailEditor.Changed) -> None:
        # The editor's text now, not the event's: the event may predate a switch of entry.
        if self.state.set_field(self._editor_entry, "Detail", event.editor.text):
            await self.show_state()

    async def on_detail_editor_validated(self, event: DetailEditor.Validated) -> None:
        if self.query("#detail-message"):  # not after the app has closed (it is debounced)
            await self.show_state()

    @on(EntrySelected)
    async def _entry_selected(self, event: EntrySelected) -> None:
        if self.batch.list_view.index != event.index:
            return  # stale: the list moved on (e.g. its initial highlight, before a restore)
        self.commit_edits()
        if self.state.select(event.index):
            await self.show_state(reload=True)

    @on(BatchAction)
    async def _batch_action(self, event: BatchAction) -> None:
        await self.batch_action(event.action)

    async def batch_action(self, action: str) -> None:
        """add, duplicate, remove, up or down, on the selected entry."""
        self.commit_edits()
        try:
            self.state.batch_action(action)
        except ValueError as exc:  # the batch is full
            self.notify(str(exc), severity="warning")
            return
        await self.show_state(reload=True)

    # -- rendering the model --------------------------------------------------------------------

    async def show_state(self, reload: bool = False) -> None:
        """Render the model: the selected entry (``reload``: into the form and the editor),
        every problem by its field, sizes as sent, the batch, the header and the rules panel."""
        with self.batch_update():  # one layout for the whole model, not one per widget
            state, form = self.state, self.form
            if reload or form.entry_id != state.entry_id:
                await form.show(state.entry_id, state.entry, {})
                if not form.is_attached:  # the app closed meanwhile (a late message)
                    return
                if self._editor is not None:
                    self._editor.load_text(state.entry.detail)
                    self._editor_entry = state.entry_id
                    # The editor pretty-prints: the same Detail, not an edit.
                    state.reformat_detail(state.entry_id, self._editor.text)
            check = state.check()
            problems = check.by_field()
            form.show_problems(problems)
            detail = problems.get("Detail")
            show_text(self.query_one("#detail-message", Static), check.detail_note())
            self.query_one("#detail-head").set_class(detail is not None, "-invalid")
            self.mark_detail_error(*((detail.line, detail.column) if detail else (None, None)))
            meter = self.query_one(SizeMeter)
            meter.limit = state.limits.request_bytes
            meter.entry_bytes = check.size
            meter.request_bytes = state.request_size()
            head = self.header
            head.bus, head.preset, head.dirty = state.bus_label, state.preset_name, state.dirty
            if not state.refusal and self.query_one("#status", Static).has_class("-refusal"):
                self.set_status("")
            self.bus_and_rules.update_panel()
            self.drafts.schedule()
            # Last: nothing is looked up after it yields (the app may close meanwhile).
            await self.batch.show(state.entries, state.selected, state.invalid())

    def mark_detail_error(self, line: int | None, column: int | None) -> None:
        if self._editor is not None:
            self._editor.mark_error(line, column)

    def set_status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "-error")
        status.set_class(bool(self.state.refusal) and error, "-refusal")

    @property
    def status_text(self) -> str:
        return str(self.query_one("#status", Static).content)

    def on_rules_panel_reload_requested(self, event: RulesPanel.ReloadRequested) -> None:
        self.bus_and_rules.reload(event.panel)

    def sent(self, report: SendReport) -> None:
        """A send finished: the rules panel reads back deliveries; marks are redrawn."""
        self.bus_and_rules.sent(report)
        self.call_later(self.show_state)

    def action_toggle_rules(self) -> None:
        self.bus_and_rules.toggle()

    def on_resize(self, event: events.Resize) -> None:
        self.navigation.resized(event.size.width, event.size.height)

    def action_focus_pane(self, pane: str) -> None:
        self.navigation.focus_pane(pane)

    def action_new_batch(self) -> None:
        self.navigation.new_batch()

    async def action_add_resource(self) -> None:
        await self.navigation.add_resource()

    # -- actions --------------------------------------------------------------------------------

    async def action_add_entry(self) -> None:
        await self.batch_action("add")
        focus_now(self.query_one("#source-input"))

    async def action_duplicate_entry(self) -> None:
        await self.batch_action("duplicate")

    async def action_remove_entry(self) -> None:
        await self.batch_action("remove")

    def action_format_json(self) -> None:
        if self._editor is not None and not self._editor.format_json():
            self.notify("Detail is not valid JSON; fix it before formatting.", severity="warning")

    async def action_open_in_editor(self) -> None:
        from eventcomposer.tui.external_editor import edit_detail

        await edit_detail(self)

    def action_send(self) -> None:
        self.sends.send_batch()

    def action_retry_failed(self) -> None:
        self.sends.retry_failed()

    def action_preview(self) -> None:
        self.round_trips.preview()

    def action_history(self) -> None:
        self.round_trips.history()

    def action_import_entries(self) -> None:
        self.round_trips.import_entries()

    def action_new_from_schema(self) -> None:
        self.preset_files.schemas.new_entry()

    def action_copy_aws_cli(self) -> None:
        self.round_trips.copy_aws_cli()

    def action_copy_boto3(self) -> None:
        self.round_trips.copy_boto3()

    @on(ScreenOpened)
    def _screen_opened(self, event: ScreenOpened) -> None:
        self.backend.fill(event.screen)

    def action_watch(self, what: str) -> None:
        """Ctrl+T / Ctrl+G: the Tail or the Archives screen on the batch's bus."""
        self.watching.open(what)

    @on(WatchRequest)
    def _watch_request(self, request: WatchRequest) -> None:
        self.watching.handle(request)

    # -- bus ------------------------------------------------------------------------------------

    def action_switch_bus(self) -> None:
        self.bus_and_rules.pick()

    # -- presets --------------------------------------------------------------------------------

    @on(PresetChosen)
    def _preset_chosen(self, event: PresetChosen) -> None:
        self.open_preset(event.path)

    def open_preset(self, path: Path) -> None:  # asks first if there are unsaved changes
        self.preset_files.open(path)

    def action_save_preset(self) -> None:
        self.preset_files.save()

    def action_save_preset_as(self) -> None:
        self.preset_files.save_as()

    @on(PresetsBrowser.ReloadRequested)
    def _presets_reload(self) -> None:
        self.preset_files.reload()

    @on(PresetDeleteRequested)
    def _delete_requested(self, event: PresetDeleteRequested) -> None:
        self.preset_files.delete(event.path)

    def action_delete_preset(self) -> None:
        self.preset_files.delete_selected()

    # -- results, help and quitting -------------------------------------------------------------

    @on(CopyRequested)
    def _copy(self, event: CopyRequested) -> None:
        self.copies.copy(event.text, event.what or event.text, event.file_name)

    def action_write_copy(self) -> None:
        self.copies.write_last()

    def action_copy_event_id(self) -> None:
        self.results.action_copy_event_id()

    def action_help(self) -> None:
        from eventcomposer.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen.for_focus(self, self.HELP))

    async def action_quit(self) -> None:
        self.navigation.quit()


def run_app(
    settings: AwsSettings, presets_dir: str | Path = "presets", limits: Limits | None = None
) -> int:
    """Run the composer until the user quits; the exit code is the app's return code."""
    app = EventComposerApp(settings, presets_dir, limits=limits)
    try:
        app.run()
    finally:
        app.drafts.release()
        app.backend.stop_local()
    return app.return_code or 0
