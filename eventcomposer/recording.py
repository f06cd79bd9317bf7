"""Recording sends in the history, the same way for the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.history import History, HistoryError, new_record
from eventcomposer.paths import history_file

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
    """Keep a send in the history; returns a warning to show if it could not be written (a
    history that can't be written must never fail a send). ``bus`` is the one the send used for
    entries that name none (the TUI's bus picker), so that the record says where each went."""
    record = new_record(
        origin=origin,
        endpoint=settings.endpoint_label,
        region=region or settings.region_label,
        profile=settings.profile_label,
        entries=[o.entry.to_api(bus) for o in report.outcomes],
        results=[o.to_response() for o in report.outcomes],
        labels=labels,
    )
    try:
        History(history_file()).append(record)
    except HistoryError as exc:
        return str(exc)
    return None
