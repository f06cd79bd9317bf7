"""A shim for the TUI until it calls :class:`eventcomposer.sending.SendService` itself: keeps a
finished send (made by the TUI's own Sender) in the history, the way the service does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventcomposer.aws.settings import AwsSettings

if TYPE_CHECKING:
    from eventcomposer.aws.send import SendReport


def record_send(
    report: SendReport,
    settings: AwsSettings,
    origin: str,
    region: str | None = None,
    labels: Sequence[str] = (),
    bus: str | None = None,
) -> str | None:
    """Keep a send in the history; a warning to show if it could not be written (never an
    exception). The entries are the resolved ones the TUI sent; values from the environment in
    them can't be told apart here, so the TUI should move to ``SendService.send``."""
    from eventcomposer.sending import Destination, Outgoing, Plan, SendService

    entries = [
        o.entry if o.entry.event_bus_name or not bus else o.entry.copy(event_bus_name=bus)
        for o in report.outcomes
    ]
    plan = Plan(entries, labels=labels)
    service = SendService(settings, origin=origin)
    try:
        where = service.destination()  # the client's own endpoint (a profile's endpoint_url too)
    except Exception:
        where = Destination(
            endpoint=settings.endpoint_url or settings.endpoint_label,
            region=region or settings.region_label,
            profile=settings.profile_label,
            local=settings.local,
        )
    kept = [Outgoing(e, e, "") for e in entries]
    outcome = service.record_report(plan, report, kept, where)
    if isinstance(outcome, str):
        return outcome
    _record_id, notes = outcome
    return "; ".join(notes) or None
