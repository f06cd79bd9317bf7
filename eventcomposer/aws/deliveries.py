"""Which rule targets actually received an event: read back from the rules' SQS queues.

Used after a send on the local EventBridge to put what was delivered next to what the local
pattern engine predicted. Only SQS targets can be read back; other targets are skipped.

Messages that are not ours (their event id is not among ``event_ids``) are left in the queue:
they are hidden while the queues are read (so that a busy queue can't hide ours behind them)
and made visible again at the end.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eventcomposer.aws.client import client
from eventcomposer.aws.errors import describe_error
from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.rules import RuleInfo

#: SQS answers at most 10 messages per receive and takes at most 10 entries per batch call.
_BATCH = 10


@dataclass(frozen=True)
class QueueRef:
    """An SQS queue named by a target ARN ``arn:aws:sqs:REGION:ACCOUNT:NAME``."""

    region: str
    account: str
    name: str


def sqs_queue(arn: str) -> QueueRef | None:
    """The queue an SQS target ARN names, or None for any other kind of target."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        return None
    return QueueRef(region=parts[3], account=parts[4], name=parts[5])


def read_deliveries(
    settings: AwsSettings,
    rules: Sequence[RuleInfo],
    event_ids: set[str],
    wait: float = 2.0,
) -> dict[str, set[str]]:
    """Rule name -> the ids among ``event_ids`` delivered to that rule's SQS targets.

    Every rule with at least one SQS target has a key (an empty set if nothing of ours
    arrived); rules without one have none. Our messages are deleted, others are left. Each
    queue is read with short polls until it answers empty; ``wait`` (seconds) bounds the
    whole read. Raises AwsProblem.
    """
    queues: dict[QueueRef, set[str]] = {}
    for rule in rules:
        for target in rule.targets:
            queue = sqs_queue(target.arn)
            if queue is not None:
                queues.setdefault(queue, set()).add(rule.name)
    delivered: dict[str, set[str]] = {name: set() for names in queues.values() for name in names}
    if not queues or not event_ids:
        return delivered
    reader = _QueueReader(settings, wait)
    try:
        for queue, names in queues.items():
            ids = reader.read(queue, event_ids)
            for name in names:
                delivered[name] |= ids
    except Exception as exc:
        raise describe_error(exc, settings.endpoint_url) from exc
    finally:
        reader.release_others()
    return delivered


class _QueueReader:
    """Reads queues within one deadline, deleting our messages and remembering the others."""

    def __init__(self, settings: AwsSettings, wait: float) -> None:
        self._settings = settings
        self._clients: dict[str, Any] = {}
        self._deadline = time.monotonic() + max(0.0, wait)
        # Hide other messages for a little longer than the read can take.
        self._hide = max(1, math.ceil(wait) + 5)
        self._others: list[tuple[Any, str, str]] = []  # (client, queue url, receipt handle)

    def _client(self, region: str) -> Any:
        if region not in self._clients:
            settings = replace(self._settings, region=region) if region else self._settings
            self._clients[region] = client(settings, "sqs")
        return self._clients[region]

    def read(self, queue: QueueRef, event_ids: set[str]) -> set[str]:
        """The ids among ``event_ids`` found in ``queue`` (their messages are deleted)."""
        sqs = self._client(queue.region)
        kwargs: dict[str, Any] = {"QueueName": queue.name}
        if queue.account:
            kwargs["QueueOwnerAWSAccountId"] = queue.account
        url = sqs.get_queue_url(**kwargs)["QueueUrl"]
        found: set[str] = set()
        while True:
            messages = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=_BATCH,
                WaitTimeSeconds=0,
                VisibilityTimeout=self._hide,
            ).get("Messages", [])
            ours = []
            for message in messages:
                event_id = _event_id(message.get("Body", ""))
                if event_id in event_ids:
                    found.add(event_id)
                    ours.append(message["ReceiptHandle"])
                else:
                    self._others.append((sqs, url, message["ReceiptHandle"]))
            for chunk in _chunks(ours):
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(chunk)],
                )
            if not messages or time.monotonic() >= self._deadline:
                return found

    def release_others(self) -> None:
        """Make the messages that were not ours visible again (best effort)."""
        by_queue: dict[tuple[int, str], list[str]] = {}
        clients: dict[int, Any] = {}
        for sqs, url, handle in self._others:
            by_queue.setdefault((id(sqs), url), []).append(handle)
            clients[id(sqs)] = sqs
        self._others.clear()
        for (key, url), handles in by_queue.items():
            for chunk in _chunks(handles):
                # Best effort: if this fails they become visible again by themselves.
                with contextlib.suppress(Exception):
                    clients[key].change_message_visibility_batch(
                        QueueUrl=url,
                        Entries=[
                            {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                            for i, h in enumerate(chunk)
                        ],
                    )


def _event_id(body: str) -> str | None:
    """The ``id`` of the event in a message body (None if the body is not an event)."""
    try:
        event = json.loads(body)
    except ValueError:
        return None
    value = event.get("id") if isinstance(event, dict) else None
    return value if isinstance(value, str) else None


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]
