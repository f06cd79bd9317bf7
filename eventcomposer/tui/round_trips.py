"""The composer's history, preview and AWS CLI round trips: the actions behind F6, F7, Ctrl+O
and the palette's "copy as" commands (a mixin of EventComposerApp; they push screens and reuse
the app's sending and loading)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eventcomposer.core.entries import Entry
from eventcomposer.core.validation import validate_call

if TYPE_CHECKING:
    from eventcomposer.core.cli_formats import CliInput
    from eventcomposer.core.history import HistoryRecord
    from eventcomposer.tui.screens.history import HistoryChoice


class RoundTripActions:
    """History (reopen, resend), the resolved preview, import and copy-as."""

    state: Any
    active_settings: Any

    def action_history(self) -> None:
        from eventcomposer.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(), self._history_chosen)

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
            self.notify(str(exc), title="Can't use this send", severity="error", timeout=10)
            return
        if choice.action == "open":
            self.open_entries(entries, f"send {record.id} from the history")
        else:
            self.resend_record(record, entries, failed_only=choice.action == "resend_failed")

    def resend_record(
        self, record: HistoryRecord, entries: list[Entry], failed_only: bool = False
    ) -> bool:
        """Send a past send's entries again now (all, or only those that failed and were
        certainly not accepted), to where they went then, through the active endpoint."""
        from eventcomposer.aws.send import UNKNOWN_OUTCOME
        from eventcomposer.core.validation import validate_entries

        if failed_only:
            codes = [r.get("ErrorCode") for r in record.results]
            unknown = codes.count(UNKNOWN_OUTCOME)
            if unknown:
                self.notify(
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
                self.notify(f"Nothing to resend: no entry of {record.id} failed for certain.")
                return False
        if self.sending:
            self.notify("A send is already running.", severity="warning")
            return False
        if self.active_settings is None:
            return self._refuse("the local EventBridge is still starting; try again in a moment")
        # An entry without EventBusName went to the default bus; the composer's bus is not
        # this send's.
        entries = [e if e.event_bus_name else e.copy(event_bus_name="default") for e in entries]
        problems = validate_entries(entries, self.limits)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return self._refuse(f"{problems[0]}{more}")
        if record.truncated and not failed_only:
            self.notify(
                f"The history kept only the first {len(record.entries)} of {record.total} "
                "entries of this send; those are resent.",
                severity="warning",
            )
        self._start_send(entries, None, None, label=f"resend of {record.id}")
        return True

    def open_entries(self, entries: Sequence[Entry], what: str) -> None:
        """Load entries into the composer as an unsaved batch, asking first if the batch has
        unsaved changes."""

        async def go(confirmed: bool | None = True) -> None:
            if confirmed:
                await self._load_unsaved(entries, what)

        if self.state.dirty:
            from eventcomposer.tui.screens.confirm import ConfirmScreen

            self.push_screen(
                ConfirmScreen(
                    f"The batch has unsaved changes. Open {what} and lose them?", yes="Open"
                ),
                go,
            )
        else:
            self.call_later(go)

    async def _load_unsaved(self, entries: Sequence[Entry], what: str) -> None:
        from eventcomposer.tui.loading import batch_from_entries

        loaded = batch_from_entries(entries, self.limits.entries_per_call)
        self.state.load(loaded.entries, loaded.bus, None, "")
        self.state.dirty = True  # kept nowhere as a preset yet
        self.header.bus_warning = ""
        await self._show_selected()
        note = f" ({loaded.note})" if loaded.note else ""
        self.set_status(f"Opened {what} as an unsaved batch{note}.")
        if loaded.bus:
            self.check_bus(loaded.bus)

    def action_preview(self) -> None:
        """Show exactly what Send would send; Enter there sends those very entries."""
        from eventcomposer.core.templating import TemplateError
        from eventcomposer.tui.screens.preview import PreviewScreen

        self._sync_detail()
        try:
            resolved, error = self.resolve_batch(self.state.entries), ""
        except TemplateError as exc:
            resolved, error = [], str(exc)
        problems = [str(p) for p in validate_call(resolved, self.limits)] if resolved else []
        screen = PreviewScreen(
            resolved,
            self.state.bus,
            limit=self.limits.request_bytes,
            error=error,
            problems=problems,
        )
        self.push_screen(screen, self._preview_chosen)

    def _preview_chosen(self, entries: list[Entry] | None) -> None:
        if entries is not None:
            self.send(entries)

    def _export_entries(self) -> list[Entry] | None:
        """The batch as sent (variables resolved), each entry naming its bus; None after saying
        why not."""
        from eventcomposer.core.templating import TemplateError

        self._sync_detail()
        try:
            resolved = self.resolve_batch(self.state.entries)
        except TemplateError as exc:
            self.notify(str(exc), title="Can't copy", severity="error", timeout=8)
            return None
        problems = validate_call(resolved, self.limits)
        if problems:
            self.notify(f"Copied, but AWS would refuse it: {problems[0]}", severity="warning")
        bus = self.state.bus
        return [e if e.event_bus_name or not bus else e.copy(event_bus_name=bus) for e in resolved]

    def _export_target(self) -> tuple[str | None, str | None, str | None]:
        """(region, endpoint URL, profile) of where the composer sends: options for the copy
        only when they are set, so the copy uses the user's own AWS configuration otherwise."""
        from eventcomposer.aws.settings import env_endpoint

        settings = self.active_settings or self.settings
        return settings.region, settings.endpoint_url or env_endpoint(), settings.profile

    def action_copy_aws_cli(self) -> None:
        from eventcomposer.core.export import aws_cli_commands

        entries = self._export_entries()
        if entries is None:
            return
        region, endpoint, profile = self._export_target()
        text = aws_cli_commands(entries, region, endpoint, profile)
        self.copy_to_clipboard(text)
        calls = len(text.splitlines())
        self.notify(
            f"Copied {calls} `aws events put-events` command{'s' if calls > 1 else ''}.",
            timeout=3,
        )

    def action_copy_boto3(self) -> None:
        from eventcomposer.core.export import boto3_snippet

        entries = self._export_entries()
        if entries is None:
            return
        region, endpoint, _profile = self._export_target()
        self.copy_to_clipboard(boto3_snippet(entries, region, endpoint))
        self.notify("Copied a boto3 snippet.", timeout=3)

    def action_import_entries(self) -> None:
        from eventcomposer.tui.screens.import_entries import ImportScreen

        self.push_screen(ImportScreen(), self._import_chosen)

    def _import_chosen(self, document: CliInput | None) -> None:
        if document is None:
            return
        count = len(document.entries)
        self.open_entries(document.entries, f"{count} imported entr{'y' if count == 1 else 'ies'}")
        if document.endpoint_id:
            self.notify(
                f"EndpointId {document.endpoint_id!r} is not used: the composer sends to the "
                "bus in the header.",
                severity="warning",
            )
