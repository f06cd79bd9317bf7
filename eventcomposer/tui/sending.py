"""Sending from the composer: refuse with the reason, or send in a worker and show every
entry's outcome; F8 resends only the entries known not to have been accepted.

What is sent is the model's ``resolved()`` batch (the same the preview shows); what is checked is
the model's ``send_problems()`` (the same the form and the batch show).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventcomposer.core.composer import SentMark
from eventcomposer.core.templating import TemplateError
from eventcomposer.core.validation import Problem, validate_entries

if TYPE_CHECKING:
    from eventcomposer.aws.send import RetryPolicy, SendReport
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.core.entries import Entry
    from eventcomposer.tui.app import EventComposerApp


class SendController:
    """Send, retry failed, resend entries from elsewhere; one send at a time."""

    def __init__(self, app: EventComposerApp, retry: RetryPolicy | None = None) -> None:
        self.app = app
        self.retry = retry
        self.sending = False
        #: The last send's report, as the results table shows it (F8 retries its failures).
        self.report: SendReport | None = None
        #: entry ids of the batch as sent, by position (None: the send was not the batch's).
        self._sent_ids: list[int] | None = None

    # -- entry points ---------------------------------------------------------------------------

    def send_batch(self) -> bool:
        """Send the composer's batch as it stands (F5)."""
        state = self.app.state
        problems = state.send_problems()
        if problems:
            self._refuse_problems(problems)
            return False
        try:
            resolved = state.resolved()
        except TemplateError as exc:
            return self.refuse(str(exc))
        return self.send(resolved, sent_ids=state.ids)

    def send(
        self,
        entries: Sequence[Entry],
        label: str | None = None,
        sent_ids: list[int] | None = None,
    ) -> bool:
        """Send entries exactly as given (resolved, each naming its bus if not the batch's);
        ``sent_ids`` are the composer's entry ids when they are its batch."""
        app = self.app
        if self.sending:
            app.notify("A send is already running.", severity="warning")
            return False
        if app.backend.active is None:
            return self.refuse("the local EventBridge is still starting; try again in a moment")
        problems = validate_entries(entries, app.state.limits)
        if problems:
            self._refuse_problems(problems)
            return False
        self._sent_ids = sent_ids
        self._start(list(entries), None, None, label)
        return True

    def retry_failed(self) -> None:
        """Resend the failed entries known not to be accepted; never those whose outcome is
        unknown (a timeout or a broken connection: AWS may have accepted them)."""
        app = self.app
        report = self.report
        failed = report.failed if report else []
        safe = [o for o in failed if o.retry_safe]
        unknown = len(failed) - len(safe)
        if not safe or report is None:
            if unknown:
                app.set_status(f"Nothing resent: {unknown_note(unknown)}", error=True)
            else:
                app.notify("No failed entries to retry.")
            return
        if self.sending:
            app.notify("A send is already running.", severity="warning")
            return
        if app.backend.active is None:
            self.refuse("the local EventBridge is still starting; try again in a moment")
            return
        self._start([o.entry for o in safe], [o.number for o in safe], report)
        if unknown:
            app.set_status(f"{app.status_text} Left out: {unknown_note(unknown)}")

    def refuse(self, reason: str) -> bool:
        """Say why nothing was sent: in the status line and the results (no earlier send's
        EventIds stay on show as if they were this one's), until the next edit."""
        app = self.app
        app.state.refuse(reason)
        self.report = None
        app.results.clear(f"Not sent: {reason}")
        app.set_status(f"Send refused: {reason}", error=True)
        app.bell()
        return False

    def _refuse_problems(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self.refuse(f"{first}{more}")
        app = self.app
        if first.field == "Detail" and first.entry == app.state.selected + 1:
            app.mark_detail_error(first.line, first.column)

    # -- the send itself ------------------------------------------------------------------------

    def _start(
        self,
        entries: list[Entry],
        numbers: list[int] | None,
        previous: SendReport | None,
        label: str | None = None,
    ) -> None:
        app = self.app
        state = app.state
        label = label or state.preset_name or "unsaved batch"
        if previous is not None:
            label = f"retry of {label}"
        self.sending = True
        app.progress.start(len(entries))
        count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        what = (
            f"{len(entries)} failed entr{'y' if len(entries) == 1 else 'ies'}"
            if previous
            else count
        )
        app.set_status(f"Sending {what} to {state.bus_label}…")
        app.results.show_progress(f"Sending {what}…")
        settings = app.backend.active
        assert settings is not None
        bus = state.bus
        app.backend.run(
            lambda: self._worker(settings, entries, bus, numbers, previous, label), "send"
        )

    def _worker(
        self,
        settings: AwsSettings,
        entries: list[Entry],
        bus: str | None,
        numbers: list[int] | None,
        previous: SendReport | None,
        label: str,
    ) -> None:
        """Off the UI thread: check each bus exists, send, keep the send in the history."""
        from eventcomposer.aws.buses import check_bus
        from eventcomposer.aws.errors import AwsProblem
        from eventcomposer.aws.send import DEFAULT_RETRY, Sender
        from eventcomposer.recording import record_send

        backend = self.app.backend
        try:
            checks = backend.client(settings)
            for target in dict.fromkeys(e.event_bus_name or bus for e in entries):
                check = check_bus(checks, target)
                if check.exists is False:
                    backend.to_ui(self.finished, None, previous, check.message)
                    return
            sender = Sender(
                backend.client(settings, retries=False),
                self.app.state.limits,
                retry=self.retry or DEFAULT_RETRY,
            )
            report = sender.send(
                entries,
                bus,
                on_progress=lambda done, total: backend.to_ui(self.app.progress.advance, done),
                numbers=numbers,
            )
        except AwsProblem as problem:
            backend.to_ui(self.finished, None, previous, str(problem))
            return
        except Exception as exc:  # never leave the UI in "sending"
            backend.to_ui(self.finished, None, previous, f"{type(exc).__name__}: {exc}")
            return
        try:
            region = backend.client(settings, retries=False).meta.region_name
            warning = record_send(report, settings, "tui", region, [label], bus=bus)
        except Exception as exc:  # the history must never fail a send that was accepted
            warning = f"the history could not be written: {exc}"
        if warning:
            backend.to_ui(
                self.app.notify, warning, title="Not kept in the history", severity="warning"
            )
        backend.to_ui(self.finished, report, previous, None)

    def finished(
        self, report: SendReport | None, previous: SendReport | None, problem: str | None
    ) -> None:
        app = self.app
        self.sending = False
        app.progress.stop()
        if report is None:
            app.set_status(f"Not sent: {problem}", error=True)
            app.results.show_progress(f"Not sent: {problem}")
            return
        heading = ""
        if previous is not None:
            report = merge_reports(previous, report)
            heading = "after retrying the failed entries"
        self.report = report
        app.results.show_report(report, heading)
        if previous is None:
            ids = self._sent_ids
            marks: dict[int, SentMark] = {}
            if ids is not None and len(ids) == len(report.outcomes):
                for entry_id, outcome in zip(ids, report.outcomes, strict=True):
                    marks[entry_id] = SentMark(outcome.event_id, outcome.error_code)
            app.state.record_send(marks)
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


def unknown_note(count: int) -> str:
    """Why entries with an unknown outcome are not resent, for the status line."""
    which, verb = ("1 entry has", "is") if count == 1 else (f"{count} entries have", "are")
    return (
        f"{which} an unknown outcome (the request timed out or the connection broke, so AWS "
        f"may have accepted it) and {verb} not resent."
    )


def merge_reports(previous: SendReport, retried: SendReport) -> SendReport:
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


__all__ = ["SendController", "merge_reports", "unknown_note"]
