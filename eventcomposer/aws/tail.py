"""Watching a bus: a temporary rule whose target is a temporary SQS queue, removed after.

Everything created is named ``eventcomposer-tail-<id>`` (the id starts with the creation time)
and tagged with the id, the creation time, the host, the process and the bus, so that the next
tail can find and remove what a tail killed with ``kill -9`` left behind
(``eventcomposer.aws.tail_cleanup``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from eventcomposer.aws.errors import AwsProblem, describe_error

PREFIX = "eventcomposer-tail-"
#: A pattern that matches every event on a bus (EventBridge wants at least one field).
MATCH_ALL = '{"source":[{"prefix":""}]}'
TAG_ID = "eventcomposer:tail"
TAG_CREATED = "eventcomposer:created"
TAG_HOST = "eventcomposer:host"
TAG_PID = "eventcomposer:pid"
TAG_BUS = "eventcomposer:bus"
#: Received messages are kept at most this long if nobody reads them.
_RETENTION_SECONDS = 3600


def host_name() -> str:
    """This machine's name, as tail resources are tagged with it (tag values <= 256)."""
    return socket.gethostname()[:200]


def new_tail_id(now: datetime | None = None) -> str:
    """``20261202T001500Z-1a2b3c``: sorts by creation time and is unique enough."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def created_at(name: str) -> datetime | None:
    """The creation time a tail resource's name carries, if it is one of ours."""
    if not name.startswith(PREFIX):
        return None
    stamp = name[len(PREFIX) :].split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def refused(exc: BaseException, action: str, endpoint: str | None, context: str) -> AwsProblem:
    """An AwsProblem naming the IAM ``action`` that failed and what it leaves behind."""
    problem = describe_error(exc, endpoint)
    if problem.code in ("AccessDenied", "AccessDeniedException", "AuthorizationError"):
        message = f"{action} was denied ({problem.code}); the identity needs {action}. {context}"
        return AwsProblem(problem.kind, problem.code, message.strip(), problem.retryable)
    message = f"{action} failed: {problem.message}. {context}".strip()
    if not problem.advice:
        return AwsProblem(problem.kind, problem.code, message, problem.retryable)
    # The advice stays a template, so each interface says it in its own terms.
    kept = context.replace("{", "{{").replace("}", "}}")
    return AwsProblem(
        problem.kind,
        problem.code,
        message,
        problem.retryable,
        facts=f"{action} failed: {problem.facts}",
        advice=f"{problem.advice}. {kept}".strip(),
    )


@dataclass
class CleanupReport:
    """What was removed, and what could not be (with the command to remove it by hand)."""

    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Tail:
    """A temporary rule on ``bus`` sending what ``pattern`` matches to a temporary queue.

    ``start()`` creates them (removing what it created if a step fails), ``receive()`` long-polls
    the queue, ``close()`` removes everything and may be called more than once.
    """

    def __init__(
        self, events: Any, sqs: Any, bus: str | None = None, pattern: str = MATCH_ALL
    ) -> None:
        self.events = events
        self.sqs = sqs
        self.bus = bus or "default"
        self.pattern = pattern
        self.id = new_tail_id()
        self.name = PREFIX + self.id
        self.rule_arn = ""
        self.queue_url = ""
        self.queue_arn = ""
        self._rule_created = False
        self._queue_created = False
        self._lock = threading.Lock()

    @property
    def _endpoint(self) -> str | None:
        return getattr(self.events.meta, "endpoint_url", None)

    def tags(self) -> dict[str, str]:
        return {
            TAG_ID: self.id,
            TAG_CREATED: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            TAG_HOST: host_name(),
            TAG_PID: str(os.getpid()),
            TAG_BUS: self.bus,
        }

    def start(self) -> None:
        """Create the rule, the queue (only this rule may send to it) and the target."""
        tags = self.tags()
        with self._step("events:PutRule (with events:TagResource)", "Nothing was created."):
            # Marked first: if the call is interrupted, close() still looks for the rule.
            self._rule_created = True
            self.rule_arn = self.events.put_rule(
                Name=self.name,
                EventBusName=self.bus,
                EventPattern=self.pattern,
                State="ENABLED",
                Description="eventcomposer tail: temporary, removed when the tail ends",
                Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
            )["RuleArn"]
            self._rule_created = True  # again: a close() during the call may have reset it
        with self._step("sqs:CreateQueue (with sqs:TagQueue)", "No queue was created."):
            self._queue_created = True
            self.queue_url = self.sqs.create_queue(
                QueueName=self.name,
                Attributes={
                    "Policy": json.dumps(queue_policy(self.rule_arn, self.name)),
                    "MessageRetentionPeriod": str(_RETENTION_SECONDS),
                },
                tags=tags,
            )["QueueUrl"]
            self._queue_created = True
        with self._step("sqs:GetQueueAttributes", "The queue was created."):
            self.queue_arn = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
        with self._step("events:PutTargets", "The rule and the queue were created."):
            response = self.events.put_targets(
                Rule=self.name,
                EventBusName=self.bus,
                Targets=[{"Id": "eventcomposer-tail", "Arn": self.queue_arn}],
            )
            failed = response.get("FailedEntries") or []
            if failed:
                raise AwsProblem(
                    "request",
                    str(failed[0].get("ErrorCode", "PutTargetsFailed")),
                    str(failed[0].get("ErrorMessage", "the target was refused")),
                )

    @contextlib.contextmanager
    def _step(self, action: str, context: str) -> Iterator[None]:
        """Run one creation step; on failure remove what exists and say what is left."""
        try:
            yield
        except Exception as exc:
            report = self.close()
            left = ""
            if report.removed:
                left += f" Removed again: {', '.join(report.removed)}."
            if report.failed:
                left += f" Left to clean: {'; '.join(report.failed)}."
            raise refused(exc, action, self._endpoint, context + left) from exc

    def receive(self, wait_seconds: int = 1) -> list[dict[str, Any]]:
        """Events that arrived (waiting up to ``wait_seconds``), deleted from the queue."""
        try:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=wait_seconds,
                VisibilityTimeout=30,
            ).get("Messages", [])
            if messages:
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )
        except Exception as exc:
            raise refused(
                exc, "sqs:ReceiveMessage / sqs:DeleteMessage", self._endpoint, ""
            ) from exc
        events = []
        for message in messages:
            try:
                event = json.loads(message.get("Body", ""))
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events

    def close(self) -> CleanupReport:
        """Remove the target, the rule and the queue (each attempted even if another fails).

        Safe to call again, from any thread: a later call removes only what is still there
        (e.g. what a ``start()`` running in another thread created after the first call).
        """
        report = CleanupReport()
        with self._lock:
            if self._rule_created:
                self._rule_created = not remove_rule(self.events, self.name, self.bus, report)
            if self._queue_created and not self.queue_url:
                with contextlib.suppress(Exception):  # interrupted during CreateQueue
                    self.queue_url = self.sqs.get_queue_url(QueueName=self.name)["QueueUrl"]
            if self.queue_url and remove_queue(self.sqs, self.queue_url, report):
                self.queue_url = ""
                self._queue_created = False
        return report

    def __enter__(self) -> Tail:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def queue_policy(rule_arn: str, queue_name: str) -> dict[str, Any]:
    """Only EventBridge, and only for this rule, may send to the queue (which is in the rule's
    partition, region and account)."""
    parts = rule_arn.split(":")
    resource = f"arn:{parts[1]}:sqs:{parts[3]}:{parts[4]}:{queue_name}" if len(parts) >= 6 else "*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "eventcomposer-tail",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": resource,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }


def remove_rule(events: Any, name: str, bus: str, report: CleanupReport) -> bool:
    """Remove the rule's targets and the rule; whether it is gone."""
    try:
        targets = [
            t["Id"]
            for t in events.list_targets_by_rule(Rule=name, EventBusName=bus).get("Targets", [])
        ]
        if targets:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=targets, Force=True)
        events.delete_rule(Name=name, EventBusName=bus, Force=True)
        report.removed.append(f"rule {name} on bus {bus}")
        return True
    except Exception as exc:
        if describe_error(exc).code == "ResourceNotFoundException":
            return True
        problem = refused(exc, "events:RemoveTargets / events:DeleteRule", None, "")
        report.failed.append(
            f"rule {name} on bus {bus} ({problem.message}); remove it with `aws events "
            f"remove-targets --rule {name} --event-bus-name {bus} --ids eventcomposer-tail` and "
            f"`aws events delete-rule --name {name} --event-bus-name {bus}`"
        )
        return False


def remove_queue(sqs: Any, url: str, report: CleanupReport) -> bool:
    """Delete the queue; whether it is gone."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    try:
        sqs.delete_queue(QueueUrl=url)
        report.removed.append(f"queue {name}")
        return True
    except Exception as exc:
        if "NonExistentQueue" in describe_error(exc).code:
            return True
        problem = refused(exc, "sqs:DeleteQueue", None, "")
        report.failed.append(
            f"queue {name} ({problem.message}); remove it with `aws sqs delete-queue "
            f"--queue-url {url}`"
        )
        return False


def rule_pattern(events: Any, name: str, bus: str | None) -> str:
    """The event pattern of rule ``name`` on ``bus`` (AwsProblem if it has none)."""
    try:
        rule = events.describe_rule(Name=name, EventBusName=bus or "default")
    except Exception as exc:
        raise refused(
            exc, "events:DescribeRule", getattr(events.meta, "endpoint_url", None), ""
        ) from exc
    pattern = rule.get("EventPattern")
    if not pattern:
        raise AwsProblem(
            "request",
            "NoEventPattern",
            f"rule {name!r} runs on a schedule and has no event pattern to tail with",
        )
    return str(pattern)


def watched_rules(events: Any, bus: str | None) -> list[Any]:
    """The bus's rules (with targets) except the tails' own, for "which rules match"."""
    from eventcomposer.aws.rules import list_rules

    return [r for r in list_rules(events, bus) if not r.name.startswith(PREFIX)]
