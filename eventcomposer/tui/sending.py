"""Sending from the composer, through the one send service (``eventcomposer.sending``) the CLI
uses too: refuse with the reason, or send in a worker and show every entry's outcome; F8
resends only the entries known not to have been accepted; a send from the history goes where
that send went.

What is checked is the model's ``send_problems()`` (what the form and the batch show); what is
sent is a ``Plan`` of the entries as written, resolved once (``first_round``: what the preview
shows and Enter there sends), so the history keeps ``{{env.NAME}}`` as written, never its value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventcomposer.core.composer import SentMark
from eventcomposer.core.templating import TemplateError
from eventcomposer.core.validation import Problem

if TYPE_CHECKING:
    from eventcomposer.aws.send import RetryPolicy, SendReport
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.core.history import HistoryRecord
    from eventcomposer.sending import Plan, SendResult
    from eventcomposer.tui.app import EventComposerApp


class SendController:
    """Send, retry failed, resend from the history; one send at a time."""

    def __init__(self, app: EventComposerApp, retry: RetryPolicy | None = None) -> None:
        self.app = app
        self.retry = retry
        self.sending = False
        #: The last send's plan and report, as the results table shows it (F8 retries it).
        self.plan: Plan | None = None
        self.report: SendReport | None = None
        #: The composer's entry ids of the plan being sent, by position (None: not the batch).
        self._sent_ids: list[int] | None = None

    # -- what would be sent ---------------------------------------------------------------------

    def plan_batch(self) -> Plan:
        """The composer's batch as a plan: entries as written (Detail compacted), each to its
        bus, named after the preset in the history."""
        from eventcomposer.sending import Plan

        state = self.app.state
        return Plan(
            state.sent_entries(),
            bus=state.bus,
            labels=[state.preset_name or "unsaved batch"],
            endpoint_id=state.endpoint_id,
        )

    # -- entry points ---------------------------------------------------------------------------

    def send_batch(self, plan: Plan | None = None) -> bool:
        """Send the composer's batch as it stands (F5), or ``plan`` made from it (the preview's,
        whose resolved entries the user has seen)."""
        state = self.app.state
        problems = state.send_problems()
        if problems:
            self._refuse_problems(problems)
            return False
        plan = plan or self.plan_batch()
        try:
            problems = plan.check(state.limits)
        except TemplateError as exc:
            return self.refuse(str(exc))
        if problems:
            self._refuse_problems(problems)
            return False
        return self._start(plan, sent_ids=state.ids)

    def retry_failed(self) -> None:
        """Resend the failed entries known not to be accepted; never those whose outcome is
        unknown (a timeout or a broken connection: AWS may have accepted them)."""
        app = self.app
        if self.plan is None or self.report is None:
            app.notify("No failed entries to retry.")
            return
        from eventcomposer.sending import plan_retry

        retry = plan_retry(self.plan, self.report)
        notes = " ".join(f"{note[0].upper()}{note[1:]}." for note in retry.notes)
        if retry.plan is None:
            if notes:
                app.set_status(f"Nothing resent: {notes}", error=True)
            else:
                app.notify("No failed entries to retry.")
            return
        if self._start(retry.plan, previous=self.report, what="failed ") and notes:
            app.set_status(f"{app.status_text} Left out: {notes}")

    def resend(self, record: HistoryRecord, failed_only: bool = False) -> bool:
        """Send a past send's entries again (all, or those that failed for certain), resolved
        again, to where that send went; says where before it sends."""
        from eventcomposer.core.entries import EntryFormatError
        from eventcomposer.sending import plan_resend, resend_settings

        app = self.app
        try:
            resend = plan_resend(record, failed_only=failed_only)
        except EntryFormatError as exc:
            app.notify(str(exc), title="Can't resend this send", severity="error", timeout=10)
            return False
        for note in resend.notes:
            app.notify(f"{note[0].upper()}{note[1:]}.", severity="warning", timeout=8)
        if resend.plan is None:
            app.notify(f"Nothing to resend: {resend.nothing}.")
            return False
        active = app.backend.active
        if active is None:
            return self.refuse("the local EventBridge is still starting; try again in a moment")
        if record.local:
            if not active.local:
                return self.refuse(
                    f"{record.id} went to the embedded local EventBridge; start the composer "
                    "with --local to resend it"
                )
            settings = active
        else:
            settings = resend_settings(record, type(active)())
        where = (
            f"{settings.endpoint_label} (region {settings.region_label}, profile "
            f"{settings.profile_label})"
        )
        count = resend.plan.count
        app.notify(
            f"Resending {count} entr{'y' if count == 1 else 'ies'} of {record.id} to {where}."
        )
        return self._start(resend.plan, settings=settings, what=f"{record.id}'s ")

    def refuse(self, reason: str) -> bool:
        """Say why nothing was sent: in the status line and the results (no earlier send's
        EventIds stay on show as if they were this one's), until the next edit."""
        app = self.app
        app.state.refuse(reason)
        self.plan = self.report = None
        app.results.clear(f"Not sent: {reason}")
        app.set_status(f"Send refused: {reason}", error=True)
        app.bell()
        return False

    def _refuse_problems(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self.refuse(f"{first}{more}")
        if first.field == "Detail" and first.entry == self.app.state.selected + 1:
            self.app.mark_detail_error(first.line, first.column)

    # -- the send itself ------------------------------------------------------------------------

    def _start(
        self,
        plan: Plan,
        *,
        settings: AwsSettings | None = None,
        previous: SendReport | None = None,
        sent_ids: list[int] | None = None,
        what: str = "",
    ) -> bool:
        app = self.app
        if self.sending:
            app.notify("A send is already running.", severity="warning")
            return False
        settings = settings or app.backend.active
        if settings is None:
            return self.refuse("the local EventBridge is still starting; try again in a moment")
        self.sending = True
        self._sent_ids = sent_ids
        count = plan.count
        entries = f"{count} {what}entr{'y' if count == 1 else 'ies'}"
        where = app.state.bus_label if settings is app.backend.active else settings.endpoint_label
        app.progress.start(count)
        app.set_status(f"Sending {entries} to {where}…")
        app.results.show_progress(f"Sending {entries}…")
        app.backend.run(lambda: self._worker(settings, plan, previous), "send")
        return True

    def _worker(self, settings: AwsSettings, plan: Plan, previous: SendReport | None) -> None:
        """Off the UI thread: the service checks each bus, sends, and records the send."""
        from eventcomposer.aws.errors import AwsProblem
        from eventcomposer.sending import SendService
        from eventcomposer.tui.backend import TUI_TERMS, problem_text

        backend = self.app.backend
        try:
            service = SendService(
                settings,
                self.app.state.limits,
                origin="tui",
                retry=self.retry,
                events_client=backend.client(settings, retries=False),
            )
            result = service.send(
                plan,
                on_progress=lambda done, _total: backend.to_ui(self.app.progress.advance, done),
            )
        except AwsProblem as problem:
            backend.to_ui(self.finished, None, plan, previous, problem_text(problem))
            return
        except Exception as exc:  # never leave the UI in "sending"
            backend.to_ui(self.finished, None, plan, previous, f"{type(exc).__name__}: {exc}")
            return
        # A bus that could not be checked is said in the TUI's terms (not --profile).
        notes = [check.in_terms(TUI_TERMS) for check in result.unchecked] + result.warnings
        for note in notes:
            backend.to_ui(self.app.notify, note, title="Note", severity="warning", timeout=8)
        refused = result.refused
        if result.missing_bus is not None:  # in the TUI's terms: F2, not --bus
            from eventcomposer.tui.bus_and_rules import missing_bus_message

            refused = missing_bus_message(result.missing_bus)
        backend.to_ui(self.finished, result, plan, previous, refused)

    def finished(
        self,
        result: SendResult | None,
        plan: Plan,
        previous: SendReport | None,
        problem: str | None,
    ) -> None:
        """A send ended (``result`` None or ``problem`` set: nothing was sent, and why)."""
        app = self.app
        self.sending = False
        app.progress.stop()
        report = result.report if result is not None else None
        if report is None or problem:
            app.set_status(f"Not sent: {problem}", error=True)
            app.results.show_progress(f"Not sent: {problem}")
            return
        heading = ""
        if previous is not None:
            from eventcomposer.sending import merge_reports

            report = merge_reports(previous, report)
            plan = self.plan or plan
            heading = "after retrying the failed entries"
        self.plan, self.report = plan, report
        app.results.show_report(report, heading)
        if previous is None:
            self._mark(report)
        app.sent(report)
        failed = report.failed_count
        if failed:
            unknown = sum(1 for o in report.failed if not o.retry_safe)
            parts = [f"{failed} of {len(report.outcomes)} entries failed."]
            if unknown < failed:
                retried = f"{failed - unknown} of them" if unknown else "them"
                parts.append(f"F8 retries {retried}.")
            if unknown:
                parts.append(unknown_note(unknown))
            app.set_status(" ".join(parts), error=True)
        else:
            count = len(report.outcomes)
            app.set_status(
                "The entry was accepted." if count == 1 else f"All {count} entries accepted."
            )

    def _mark(self, report: SendReport) -> None:
        """Each entry of the composer's batch gets its outcome (until it is edited)."""
        ids = self._sent_ids
        marks: dict[int, SentMark] = {}
        if ids is not None and len(ids) == len(report.outcomes):
            for entry_id, outcome in zip(ids, report.outcomes, strict=True):
                marks[entry_id] = SentMark(outcome.event_id, outcome.error_code)
        self.app.state.record_send(marks)


def unknown_note(count: int) -> str:
    """Why entries with an unknown outcome are not resent, for the status line."""
    which, verb = ("1 entry has", "is") if count == 1 else (f"{count} entries have", "are")
    return (
        f"{which} an unknown outcome (the request timed out or the connection broke, so AWS "
        f"may have accepted it) and {verb} not resent."
    )
