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
    from eventcomposer.core.history import HistoryRecord
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
        from eventcomposer.core.entries import EntryFormatError

        record = choice.record
        try:
            entries = [
                Entry.from_api(data, f"history {record.id}, entry {i}")
                for i, data in enumerate(record.entries, 1)
            ]
        except EntryFormatError as exc:
            self.app.notify(str(exc), title="Can't use this send", severity="error", timeout=10)
            return
        if choice.action == "open":
            self.open_entries(entries, f"send {record.id} from the history")
        else:
            self.resend(record, entries, failed_only=choice.action == "resend_failed")

    def resend(
        self, record: HistoryRecord, entries: list[Entry], failed_only: bool = False
    ) -> bool:
        """Send a past send's entries again now (all, or only those that failed and were
        certainly not accepted), to the buses they went to then."""
        from eventcomposer.aws.send import UNKNOWN_OUTCOME

        app = self.app
        if failed_only:
            codes = [r.get("ErrorCode") for r in record.results]
            unknown = codes.count(UNKNOWN_OUTCOME)
            if unknown:
                app.notify(
                    f"{unknown} entries have an unknown outcome (they may have been accepted) "
                    "and are not resent; resend the whole send (r) to include them.",
                    severity="warning",
                    timeout=8,
                )
            entries = [
                e
                for e, code in zip(entries, codes, strict=False)
                if code not in (None, UNKNOWN_OUTCOME)
            ]
            if not entries:
                app.notify(f"Nothing to resend: no entry of {record.id} failed for certain.")
                return False
        # An entry without EventBusName went to the default bus; the composer's bus is not
        # this send's.
        entries = [e if e.event_bus_name else e.copy(event_bus_name="default") for e in entries]
        if record.truncated and not failed_only:
            app.notify(
                f"The history kept only the first {len(record.entries)} of {record.total} "
                "entries of this send; those are resent.",
                severity="warning",
            )
        return app.sends.send(entries, label=f"resend of {record.id}")

    # -- opening entries from elsewhere ---------------------------------------------------------

    def open_entries(self, entries: Sequence[Entry], what: str) -> None:
        """Load entries into the composer as an unsaved batch, asking first if the batch has
        unsaved changes."""
        app = self.app

        async def go(confirmed: bool | None = True) -> None:
            if confirmed:
                await self._load_unsaved(entries, what)

        if app.state.dirty:
            question = f"The batch has unsaved changes. Open {what} and lose them?"
            app.push_screen(ConfirmScreen(question, yes="Open"), go)
        else:
            app.call_later(go)

    async def _load_unsaved(self, entries: Sequence[Entry], what: str) -> None:
        from eventcomposer.core.composer import batch_from_entries

        app = self.app
        loaded = batch_from_entries(entries, app.state.max_entries)
        app.state.load(loaded.entries, loaded.bus, None, "")
        app.state.dirty = True  # kept nowhere as a preset yet
        await app.show_state(reload=True)
        note = f" ({loaded.note})" if loaded.note else ""
        app.set_status(f"Opened {what} as an unsaved batch{note}.")
        app.bus_and_rules.changed()

    # -- preview and copies ---------------------------------------------------------------------

    def preview(self) -> None:
        """Show exactly what Send would send; Enter there sends those very entries."""
        from eventcomposer.tui.screens.preview import PreviewScreen

        app = self.app
        try:
            resolved, error = app.state.resolved(), ""
        except TemplateError as exc:
            resolved, error = [], str(exc)
        limits = app.state.limits
        problems = [str(p) for p in validate_call(resolved, limits)] if resolved else []
        screen = PreviewScreen(
            resolved,
            app.state.bus,
            limit=limits.request_bytes,
            error=error,
            problems=problems,
        )
        app.push_screen(screen, self._preview_chosen)

    def _preview_chosen(self, entries: list[Entry] | None) -> None:
        if entries is not None:
            self.app.sends.send(entries, sent_ids=self.app.state.ids)

    def _export_entries(self) -> list[Entry] | None:
        """The batch as sent (variables resolved), each entry naming its bus; None after saying
        why not."""
        app = self.app
        try:
            resolved = app.state.resolved()
        except TemplateError as exc:
            app.notify(str(exc), title="Can't copy", severity="error", timeout=8)
            return None
        problems = validate_call(resolved, app.state.limits)
        if problems:
            app.notify(f"Copied, but AWS would refuse it: {problems[0]}", severity="warning")
        return resolved

    def _export_target(self) -> tuple[str | None, str | None, str | None]:
        """(region, endpoint URL, profile) of where the composer sends: options for the copy
        only when they are set, so the copy uses the user's own AWS configuration otherwise."""
        from eventcomposer.aws.settings import env_endpoint

        settings = self.app.backend.active or self.app.settings
        return settings.region, settings.endpoint_url or env_endpoint(), settings.profile

    def copy_aws_cli(self) -> None:
        from eventcomposer.core.export import aws_cli_commands

        entries = self._export_entries()
        if entries is None:
            return
        region, endpoint, profile = self._export_target()
        text = aws_cli_commands(entries, region, endpoint, profile)
        self.app.copy_to_clipboard(text)
        calls = len(text.splitlines())
        self.app.notify(
            f"Copied {calls} `aws events put-events` command{'s' if calls > 1 else ''}.",
            timeout=3,
        )

    def copy_boto3(self) -> None:
        from eventcomposer.core.export import boto3_snippet

        entries = self._export_entries()
        if entries is None:
            return
        region, endpoint, _profile = self._export_target()
        self.app.copy_to_clipboard(boto3_snippet(entries, region, endpoint))
        self.app.notify("Copied a boto3 snippet.", timeout=3)

    # -- import ---------------------------------------------------------------------------------

    def import_entries(self) -> None:
        from eventcomposer.tui.screens.import_entries import ImportScreen

        self.app.push_screen(ImportScreen(), self._import_chosen)

    def _import_chosen(self, document: CliInput | None) -> None:
        if document is None:
            return
        count = len(document.entries)
        self.open_entries(document.entries, f"{count} imported entr{'y' if count == 1 else 'ies'}")
        if document.endpoint_id:
            self.app.notify(
                f"EndpointId {document.endpoint_id!r} is not used: the composer sends to the "
                "bus in the header.",
                severity="warning",
            )
