"""The composer's history, preview and AWS CLI round trips: the actions behind F6, F7, Ctrl+O
and the palette's "copy as" commands. They push screens and reuse the app's sending and the
composer model's ``resolved()`` batch, so the preview, a copy and a send are the same events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventcomposer.core.entries import Entry
from eventcomposer.core.templating import TemplateError
from eventcomposer.core.validation import validate_call
from eventcomposer.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from eventcomposer.core.cli_formats import CliInput
    from eventcomposer.core.export import EnvReferences
    from eventcomposer.tui.app import EventComposerApp
    from eventcomposer.tui.screens.history import HistoryChoice


class RoundTrips:
    """History (reopen, resend), the resolved preview, import and copy-as."""

    def __init__(self, app: EventComposerApp) -> None:
        self.app = app

    # -- history --------------------------------------------------------------------------------

    def history(self) -> None:
        from eventcomposer.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(), self._history_chosen)

    def _history_chosen(self, choice: HistoryChoice | None) -> None:
        if choice is None:
            return
        record = choice.record
        if choice.action != "open":
            self.app.sends.resend(record, failed_only=choice.action == "resend_failed")
            return
        from eventcomposer.core.entries import EntryFormatError

        try:
            entries = [
                Entry.from_api(record.written_entry(i), f"history {record.id}, entry {i + 1}")
                for i in range(len(record.entries))
            ]
        except EntryFormatError as exc:
            self.app.notify(str(exc), title="Can't use this send", severity="error", timeout=10)
            return
        self.open_entries(entries, f"send {record.id} from the history")

    # -- opening entries from elsewhere ---------------------------------------------------------

    def open_entries(
        self, entries: Sequence[Entry], what: str, endpoint_id: str | None = None
    ) -> None:
        """Load entries into the composer as an unsaved batch, asking first if the batch has
        unsaved changes."""
        app = self.app

        async def go(confirmed: bool | None = True) -> None:
            if confirmed:
                await self._load_unsaved(entries, what, endpoint_id)

        if app.state.dirty:
            question = f"The batch has unsaved changes. Open {what} and lose them?"
            app.push_screen(ConfirmScreen(question, yes="Open"), go)
        else:
            app.call_later(go)

    async def _load_unsaved(
        self, entries: Sequence[Entry], what: str, endpoint_id: str | None = None
    ) -> None:
        from eventcomposer.core.composer import batch_from_entries

        app = self.app
        loaded = batch_from_entries(entries, app.state.max_entries)
        app.state.load(loaded.entries, loaded.bus, None, "", endpoint_id=endpoint_id)
        app.state.dirty = True  # kept nowhere as a preset yet
        await app.show_state(reload=True)
        note = f" ({loaded.note})" if loaded.note else ""
        app.set_status(f"Opened {what} as an unsaved batch{note}.")
        app.bus_and_rules.changed()
        app.preset_files.schemas.refresh()  # the entries' own schema refs, if any

    # -- preview and copies ---------------------------------------------------------------------

    def preview(self) -> None:
        """Show exactly what Send would send; Enter there sends those very entries."""
        from eventcomposer.tui.screens.preview import PreviewScreen

        app = self.app
        plan = app.sends.plan_batch()
        try:
            resolved, error = [o.resolved for o in plan.first_round()], ""
        except TemplateError as exc:
            resolved, error = [], str(exc)
        limits = app.state.limits
        problems = [str(p) for p in validate_call(resolved, limits)] if resolved else []
        screen = PreviewScreen(
            resolved, app.state.bus, limit=limits.request_bytes, error=error, problems=problems
        )

        def chosen(entries: list[Entry] | None) -> None:
            if entries is not None:
                app.sends.send_batch(plan)

        app.push_screen(screen, chosen)

    def _export_entries(self) -> tuple[list[Entry], EnvReferences] | None:
        """The batch as sent (variables resolved, but environment values as references the
        copy reads when it runs: a secret never reaches the clipboard), each entry naming its
        bus; None after saying why not."""
        from eventcomposer.core.export import EnvReferences
        from eventcomposer.core.templating import TemplateContext

        app = self.app
        env = EnvReferences()
        try:
            resolved = app.state.resolved(TemplateContext(env=env))
        except TemplateError as exc:
            app.notify(str(exc), title="Can't copy", severity="error", timeout=8)
            return None
        problems = validate_call(resolved, app.state.limits)
        if problems:
            app.notify(f"Copied, but AWS would refuse it: {problems[0]}", severity="warning")
        return resolved, env

    def _export_target(self) -> tuple[str | None, str | None, str | None]:
        """(region, endpoint URL, profile) of where the composer sends: options for the copy
        only when they are set, so the copy uses the user's own AWS configuration otherwise."""
        from eventcomposer.aws.settings import env_endpoint

        settings = self.app.backend.active or self.app.settings
        return settings.region, settings.endpoint_url or env_endpoint(), settings.profile

    def copy_aws_cli(self) -> None:
        from eventcomposer.core.export import aws_cli_commands

        exported = self._export_entries()
        if exported is None:
            return
        entries, env = exported
        region, endpoint, profile = self._export_target()
        text = aws_cli_commands(
            entries, region, endpoint, profile, endpoint_id=self.app.state.endpoint_id, env=env
        )
        calls = sum(1 for line in text.splitlines() if line.startswith("aws "))
        what = f"{calls} `aws events put-events` command{'s' if calls > 1 else ''}"
        self.app.copies.copy(text, what, "put-events.sh")

    def copy_boto3(self) -> None:
        from eventcomposer.core.export import boto3_snippet

        exported = self._export_entries()
        if exported is None:
            return
        entries, env = exported
        region, endpoint, _profile = self._export_target()
        snippet = boto3_snippet(entries, region, endpoint, env)
        self.app.copies.copy(snippet, "a boto3 snippet", "put_events.py")

    # -- import ---------------------------------------------------------------------------------

    def import_entries(self) -> None:
        from eventcomposer.tui.screens.import_entries import ImportScreen

        self.app.push_screen(ImportScreen(), self._import_chosen)

    def _import_chosen(self, document: CliInput | None) -> None:
        if document is None:
            return
        count = len(document.entries)
        what = f"{count} imported entr{'y' if count == 1 else 'ies'}"
        self.open_entries(document.entries, what, document.endpoint_id)
