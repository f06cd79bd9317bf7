"""Make the embedded EventBridge (moto) route events with our pattern engine.

moto decides whether a rule matches in ``moto.events.models.EventPattern.matches_event``, and
delivers in ``Rule.send_to_targets``. Its own matcher disagrees with AWS on some patterns (for
example ``exists`` on a field inside an array of objects) and can freeze on a heavy wildcard;
its input transformer fails on string values in JSON templates and knows neither
``<aws.events.rule-name>`` nor ``<aws.events.rule-arn>``. ``install()`` (called once when the
local server starts; idempotent) replaces both hooks so that what the local EventBridge
delivers is what EventBridge would:

- ``EventPattern.matches_event`` asks ``eventcomposer.patterns`` (AWS's semantics, linear time)
  on the event as EventBridge delivers it (``time`` as an ISO 8601 string);
- ``Rule.send_to_targets`` skips disabled rules and schedule-only rules (moto sends them every
  event), and gives each SQS target the input ``eventcomposer.core.target_input`` predicts
  (whole event, Input, InputPath or InputTransformer); other targets (CloudWatch Logs,
  archives, buses, API destinations) go through moto's own code.

- ``EventPattern.load`` (PutRule) refuses what AWS refuses, with AWS's message: moto accepts
  most invalid patterns (35 of the 42 invalid ones in our AWS-recorded corpus) and patterns
  over the size quota (``EVENTCOMPOSER_PATTERN_SIZE_LIMIT``, default 2048);
- ``TestEventPattern`` (a stub in moto) answers with our engine, in AWS's response shape,
  so ``pattern --check-aws`` can run against the local EventBridge.

``uninstall()`` puts moto's functions back (for tests that want moto's own behaviour).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import lru_cache
from typing import Any

from eventcomposer.core.target_input import predict_input
from eventcomposer.patterns import (
    PATTERN_SIZE_MAXIMUM,
    CompiledPattern,
    InvalidPatternError,
    PatternTooLargeError,
    compile_pattern,
)

_ORIGINAL: dict[str, Any] = {}


@lru_cache(maxsize=1024)
def _compiled(raw: str) -> CompiledPattern | None:
    try:
        # moto accepted the rule; judge it as AWS would, whatever the account's size quota
        return compile_pattern(raw, size_limit=PATTERN_SIZE_MAXIMUM)
    except (InvalidPatternError, ValueError):
        return None


def _iso(seconds: float, milliseconds: bool = False) -> str:
    moment = dt.datetime.fromtimestamp(float(seconds), tz=dt.timezone.utc)
    if milliseconds:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def delivered_event(moto_event: dict[str, Any]) -> dict[str, Any]:
    """moto's internal event message as EventBridge delivers it."""
    event = {key: value for key, value in moto_event.items() if key != "ingestion-time"}
    if isinstance(event.get("time"), (int, float)):
        event["time"] = _iso(event["time"])
    return event


def event_matches(pattern: Any, moto_event: dict[str, Any]) -> bool:
    """Our verdict for a moto ``EventPattern`` and a moto event message."""
    raw = pattern.dump()
    if raw is None:
        raw = json.dumps(pattern.get_pattern())
    compiled = _compiled(raw)
    return compiled is not None and compiled.matches(delivered_event(moto_event))


def _matches_event(self: Any, event: dict[str, Any]) -> bool:
    return event_matches(self, event)


def _send_to_targets(
    self: Any, original_event: dict[str, Any], transform_input: bool = True
) -> None:
    if (self.state or "ENABLED").upper() != "ENABLED" or self.event_pattern.dump() is None:
        return
    if not event_matches(self.event_pattern, original_event):
        return
    others = []
    for target in self.targets:
        if target["Arn"].split(":")[2:3] == ["sqs"] and transform_input:
            _send_to_sqs(self, target, original_event)
        else:
            others.append(target)
    if others:
        rest = copy.copy(self)
        rest.targets = others
        _ORIGINAL["send_to_targets"](rest, original_event, transform_input)


def _send_to_sqs(rule: Any, target: dict[str, Any], moto_event: dict[str, Any]) -> None:
    from moto.sqs import sqs_backends

    ingestion = moto_event.get("ingestion-time")
    predicted = predict_input(
        target,
        delivered_event(moto_event),
        rule_name=rule.name,
        rule_arn=rule.arn,
        ingestion_time=_iso(ingestion, milliseconds=True) if ingestion is not None else None,
    )
    if predicted.body is None:
        return
    _unused, _partition, _service, region, account, queue = target["Arn"].split(":", 5)
    group_id = target.get("SqsParameters", {}).get("MessageGroupId")
    sqs_backends[account][region].send_message(
        queue_name=queue, message_body=predicted.body, group_id=group_id
    )


def answer_test_event_pattern(pattern: str, event: str) -> bool:
    """The local EventBridge's TestEventPattern: our engine (InvalidPatternError if invalid)."""
    compiled = compile_pattern(pattern, size_limit=PATTERN_SIZE_MAXIMUM)
    return compiled.matches(json.loads(event))


def _test_event_pattern(self: Any) -> str:
    from moto.events.exceptions import InvalidEventPatternException

    try:
        result = answer_test_event_pattern(
            self._get_param("EventPattern"), self._get_param("Event")
        )
    except InvalidPatternError as exc:
        raise InvalidEventPatternException(reason=exc.reason) from None
    except ValueError:
        raise InvalidEventPatternException(reason="Event is not valid JSON") from None
    return json.dumps({"Result": result})


def check_pattern(raw: str) -> None:
    """Raise moto's error for a pattern AWS's PutRule would refuse."""
    from moto.core.exceptions import JsonRESTError
    from moto.events.exceptions import InvalidEventPatternException

    try:
        compile_pattern(raw)
    except PatternTooLargeError as exc:
        if exc.code == "ValidationException":
            raise JsonRESTError("ValidationException", str(exc)) from None
        raise InvalidEventPatternException(reason=exc.reason) from None
    except InvalidPatternError as exc:
        raise InvalidEventPatternException(reason=exc.reason) from None


def _load(cls: Any, raw_pattern: str | None) -> Any:
    if raw_pattern is not None:
        check_pattern(raw_pattern)
    return _ORIGINAL["load"].__func__(cls, raw_pattern)


def install() -> None:
    """Route moto's rule matching, SQS delivery and TestEventPattern through our engine
    (idempotent)."""
    from moto.events import models, responses

    if _ORIGINAL:
        return
    _ORIGINAL["matches_event"] = models.EventPattern.matches_event
    _ORIGINAL["send_to_targets"] = models.Rule.send_to_targets
    _ORIGINAL["test_event_pattern"] = responses.EventsHandler.test_event_pattern
    _ORIGINAL["load"] = models.EventPattern.load  # bound to the class
    models.EventPattern.matches_event = _matches_event  # type: ignore[method-assign,assignment]
    models.Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign,assignment]
    responses.EventsHandler.test_event_pattern = _test_event_pattern  # type: ignore[method-assign,assignment]
    models.EventPattern.load = classmethod(_load)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Put moto's own matching and delivery back."""
    from moto.events import models, responses

    if not _ORIGINAL:
        return
    responses.EventsHandler.test_event_pattern = _ORIGINAL.pop("test_event_pattern")  # type: ignore[method-assign]
    models.EventPattern.load = classmethod(_ORIGINAL.pop("load").__func__)  # type: ignore[method-assign,assignment]
    models.EventPattern.matches_event = _ORIGINAL.pop("matches_event")  # type: ignore[method-assign]
    models.Rule.send_to_targets = _ORIGINAL.pop("send_to_targets")  # type: ignore[method-assign]
