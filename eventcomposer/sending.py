"""One send service for the CLI and the TUI: resolve, validate, check the bus, send, record,
plan a resend, merge reports, and the rule context (account, region).

Nothing here imports Textual, and boto3 only inside the functions that talk to AWS, so that the
TUI can import this module on its way to the first screen and call :meth:`SendService.send` from a
worker thread (it blocks; progress comes through ``on_progress`` on that thread).

A send carries every entry twice: as written (``{{env.NAME}}`` and the other variables kept) and
as resolved (what goes over the wire). The history keeps the written entry, to resolve again on a
resend, and the resolved one with every value taken from the environment replaced by
``<env.NAME>``: no value from the environment is written to disk.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING, Any

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.daemon_pool import DaemonPool
from eventcomposer.core.entries import Entry, EntryFormatError
from eventcomposer.core.envelope import DEFAULT_ACCOUNT, DEFAULT_REGION, account_region_from_arn
from eventcomposer.core.fields import FIELDS
from eventcomposer.core.history import MAX_ENTRIES_PER_RECORD, History, HistoryError, new_record
from eventcomposer.core.templating import TemplateContext, TemplateError, resolve_entry
from eventcomposer.core.validation import DEFAULT_LIMITS, Limits, Problem, validate_entries

if TYPE_CHECKING:
    from eventcomposer.aws.buses import BusCheck
    from eventcomposer.aws.send import RetryPolicy, SendReport

_ENV_PLACEHOLDER = re.compile(r"\{\{\s*env\.([^{}]*?)\s*\}\}")
#: Codes of the sender (kept here too so that this module loads without boto3).
UNKNOWN_OUTCOME = "UnknownOutcome"
NOT_SENT = "NotSent"
#: Entries resolved, validated and handed to the sender at a time in a long replay.
CHUNK_ENTRIES = 500
#: The same when concurrency adapts: one send of the sender takes every chunk (it asks for the
#: next when the calls of one have all started, so they never drain), each built while the one
#: before is sent.
ADAPTIVE_CHUNK_ENTRIES = 1000
#: After a stop, at most this many entries not yet built are listed as NotSent.
MAX_LISTED_NOT_SENT = 100_000
#: The threads a replay's next chunk is built on while the current one is sent.
_BUILDERS = DaemonPool("build-chunk")


# -- what is sent -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One entry: ``written`` (bus assigned, variables kept) and ``resolved`` (as sent)."""

    written: Entry
    resolved: Entry
    origin: str


class Plan:
    """Entries to send, resolved lazily: ``repeat`` rounds of ``written``, variables resolved
    afresh each round (``seq`` counts across rounds). ``count`` is known before anything is
    resolved, so that a large send is confirmed before any work.

    ``bus`` is given to entries that name none (the TUI's bus picker, a preset's ``bus``);
    ``variables`` are ``{{NAME}}`` values (a vars file), ``env`` the environment (default
    ``os.environ``). ``numbers`` are the entries' positions for reporting (a retry of some
    entries of an earlier send); by default 1..count.
    """

    def __init__(
        self,
        written: Sequence[Entry],
        origins: Sequence[str] | None = None,
        *,
        bus: str | None = None,
        variables: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        repeat: int = 1,
        labels: Sequence[str] = (),
        endpoint_id: str | None = None,
        numbers: Sequence[int] | None = None,
        seed: int | None = None,
    ) -> None:
        if repeat < 1:
            raise ValueError(f"--repeat must be 1 or more, not {repeat}")
        self.written = [
            e if e.event_bus_name or not bus else e.copy(event_bus_name=bus) for e in written
        ]
        self.origins = (
            list(origins) if origins else [f"entry {i}" for i in range(1, len(written) + 1)]
        )
        self.variables = dict(variables or {})
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.repeat = repeat
        self.labels = list(labels)
        self.endpoint_id = endpoint_id
        self.numbers = list(numbers) if numbers else None
        self._context = TemplateContext(variables=self.variables, env=self.env, seed=seed)
        self._first: list[Outgoing] | None = None

    @property
    def count(self) -> int:
        return len(self.written) * self.repeat

    @property
    def buses(self) -> list[str]:
        """The buses the entries go to (``default`` for none)."""
        return list(dict.fromkeys(e.event_bus_name or "default" for e in self.written))

    def first_round(self) -> list[Outgoing]:
        """The first round, resolved (once: it is what is sent). Raises TemplateError."""
        if self._first is None:
            self._first = [self._resolve(i, 1) for i in range(len(self.written))]
        return self._first

    def check(self, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
        """Problems of the first round as it will be sent (every entry when ``repeat`` is 1);
        later rounds are checked as they are built. Raises TemplateError."""
        return validate_entries([o.resolved for o in self.first_round()], limits)

    def outgoing(self) -> Iterator[Outgoing]:
        """Every entry, in order, built as it is asked for. Raises TemplateError."""
        yield from self.first_round()
        for round_number in range(2, self.repeat + 1):
            for i in range(len(self.written)):
                yield self._resolve(i, round_number)

    def resolved(self) -> list[Entry]:
        """Every entry resolved, as a list (for a dry run, validation, the rules)."""
        return [o.resolved for o in self.outgoing()]

    def all_origins(self) -> list[str]:
        return [
            self._origin(i, r) for r in range(1, self.repeat + 1) for i in range(len(self.written))
        ]

    def _origin(self, index: int, round_number: int) -> str:
        suffix = f" (repeat {round_number})" if self.repeat > 1 else ""
        return self.origins[index] + suffix

    def _resolve(self, index: int, round_number: int) -> Outgoing:
        origin = self._origin(index, round_number)
        written = self.written[index]
        return Outgoing(written, resolve_entry(written, self._context, origin), origin)


def env_names(entry: Entry) -> list[str]:
    """The environment variables an entry's text names (``{{env.NAME}}``)."""
    names: list[str] = []
    for f in FIELDS:
        value = f.get(entry)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and "{{" in text:
                names += [m.group(1) for m in _ENV_PLACEHOLDER.finditer(text)]
    return list(dict.fromkeys(names))


def redacted(outgoing: Outgoing, env: Mapping[str, str]) -> dict[str, Any]:
    """The resolved entry in the API's shape with every value from the environment replaced by
    ``<env.NAME>`` (as raw text, and JSON-escaped inside Detail)."""
    data = outgoing.resolved.to_api()
    secrets = [(name, env.get(name, "")) for name in env_names(outgoing.written)]
    secrets = sorted(((n, v) for n, v in secrets if v), key=lambda nv: -len(nv[1]))
    if not secrets:
        return data

    def scrub(text: str) -> str:
        for name, value in secrets:
            for form in (value, json.dumps(value, ensure_ascii=False)[1:-1]):
                if form:
                    text = text.replace(form, f"<env.{name}>")
        return text

    return {
        key: [scrub(v) for v in value]
        if isinstance(value, list)
        else scrub(value)
        if isinstance(value, str)
        else value
        for key, value in data.items()
    }


# -- where it goes ----------------------------------------------------------------------------


def is_aws_endpoint(url: str) -> bool:
    """Whether ``url`` is one of AWS's own endpoints."""
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].lower()
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))


@dataclass(frozen=True)
class Destination:
    """Where a send goes: the endpoint URL the client uses (from --endpoint-url, the
    environment, the profile's ``endpoint_url``, or AWS's own), the region and the profile."""

    endpoint: str
    region: str
    profile: str
    local: bool = False

    def __str__(self) -> str:
        where = "the local EventBridge (embedded)" if self.local else self.endpoint
        return f"{where} (region {self.region}, profile {self.profile})"


def destination_of(settings: AwsSettings, events_client: Any) -> Destination:
    """Where ``events_client`` (made from ``settings``) sends."""
    meta = getattr(events_client, "meta", None)
    return Destination(
        endpoint=str(getattr(meta, "endpoint_url", None) or settings.endpoint_label),
        region=str(getattr(meta, "region_name", None) or settings.region_label),
        profile=settings.profile_label,
        local=settings.local,
    )


def resend_settings(record: Any, given: AwsSettings) -> AwsSettings:
    """Where a resend of ``record`` goes: where the send went, except what ``given`` (the
    command line's --endpoint-url, --profile, --region, --local) says otherwise.

    An endpoint of AWS's own is only kept with the recorded region: with ``--region`` the
    client finds the region's endpoint itself."""
    timeouts = replace(given, profile=None, region=None, endpoint_url=None, local=False)
    if given.local or (record.local and not given.endpoint_url):
        return replace(timeouts, region=given.region, local=True)
    region = given.region or (record.region if _looks_like_region(record.region) else None)
    endpoint = given.endpoint_url
    other_region = given.region is not None and given.region != record.region
    if endpoint is None and "://" in record.endpoint:
        # AWS's own endpoint of another region is not where --region sends.
        endpoint = None if other_region and is_aws_endpoint(record.endpoint) else record.endpoint
    profile = given.profile
    if profile is None and record.profile not in ("", "default", "local"):
        profile = record.profile
    return replace(timeouts, profile=profile, region=region, endpoint_url=endpoint)


def _looks_like_region(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)+-\d+", text or ""))


# -- the rule context -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleContext:
    """The ``account`` and ``region`` EventBridge puts in events on a bus (for patterns on them)."""

    account: str
    region: str


def rule_context(events_client: Any, bus: str | None = None) -> RuleContext:
    """The account and region events on ``bus`` get: from the bus's ARN (the bus named by ARN,
    or DescribeEventBus, which moto and AWS both answer), the client's region otherwise; the
    local EventBridge's account when it can't be told. One network call at most: call it off
    the UI thread."""
    region = getattr(getattr(events_client, "meta", None), "region_name", None) or DEFAULT_REGION
    found = account_region_from_arn(bus) if bus and bus.startswith("arn:") else None
    if found is None:
        try:
            answer = events_client.describe_event_bus(Name=bus or "default")
            found = account_region_from_arn(answer.get("Arn"))
        except Exception:  # no access, another account's bus: the defaults below
            found = None
    if found is None:
        return RuleContext(DEFAULT_ACCOUNT, region)
    return RuleContext(found[0], found[1])


# -- the service ------------------------------------------------------------------------------


@dataclass
class SendResult:
    """What a send did. ``refused`` says why nothing was sent (a bus that does not exist);
    otherwise ``report`` holds every entry's outcome. ``unchecked`` buses and ``warnings`` are for
    the user (a history that could not be written): never a reason to fail the send;
    ``problems`` are invalid entries found in a later round of a replay, which stopped it."""

    report: SendReport | None = None
    record_id: str | None = None
    destination: Destination | None = None
    refused: str | None = None
    #: The bus that does not exist, when that is why nothing was sent.
    missing_bus: str | None = None
    #: Buses that could not be checked (sent to all the same): each interface says why in its
    #: own terms (``BusCheck.message`` is the command line's).
    unchecked: list[BusCheck] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_origins: list[str] = field(default_factory=list)
    not_listed: int = 0


ProgressCallback = Callable[[int, int], None]


class SendService:
    """Sends plans through one connection and keeps each send in the history.

    ``settings`` say where (an embedded local EventBridge must already be running: pass its
    settings). ``origin`` names the interface in the history (``cli``, ``tui``). Safe to use
    from one worker thread at a time; the events clients are made on first use.
    """

    def __init__(
        self,
        settings: AwsSettings,
        limits: Limits = DEFAULT_LIMITS,
        *,
        origin: str = "cli",
        history: History | None = None,
        retry: RetryPolicy | None = None,
        events_client: Any = None,
    ) -> None:
        self.settings = settings
        self.limits = limits
        self.origin = origin
        self._history = history
        self._retry = retry
        self._events = events_client

    @property
    def history(self) -> History:
        if self._history is None:
            from eventcomposer.paths import history_file

            self._history = History(history_file())
        return self._history

    def events_client(self) -> Any:
        """The client PutEvents goes through (botocore's retries off). Raises AwsProblem."""
        if self._events is None:
            from eventcomposer.aws.client import client

            self._events = client(self.settings, "events", retries=False)
        return self._events

    def destination(self) -> Destination:
        """Where this service sends. Raises AwsProblem (no region, unknown profile)."""
        return destination_of(self.settings, self.events_client())

    def check_buses(self, buses: Sequence[str | None]) -> list[BusCheck]:
        """Whether each bus exists. Raises AwsProblem when EventBridge can't be reached."""
        from eventcomposer.aws.buses import check_bus

        # The send's own client: a second one would cost a session and ~0.1 s per send.
        events = self.events_client()
        return [check_bus(events, bus) for bus in dict.fromkeys(buses)]

    def rule_context(self, bus: str | None = None) -> RuleContext:
        return rule_context(self.events_client(), bus)

    def send(
        self,
        plan: Plan,
        *,
        concurrency: int | None = 1,
        rate: float | None = None,
        on_progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_stopping: Callable[[int], None] | None = None,
        check_buses: bool = True,
        record: bool = True,
    ) -> SendResult:
        """Check the buses, send every entry of ``plan`` (in chunks, built as they go), and
        keep the send in the history. Raises AwsProblem only when nothing was sent (no
        credentials, an unreachable endpoint on the bus check). Call ``plan.check()`` first: it
        resolves and validates the first round (every entry unless ``repeat``). An entry found
        invalid later (or a variable without a value) stops the send: ``problems`` says why,
        and the entries not sent are marked NotSent.

        ``concurrency`` is the calls in flight (1, the default: one at a time, in order), or
        None to adapt it to what the endpoint takes (:class:`AdaptiveConcurrency`); a plan of
        one call (10 entries or fewer) is always sent as one call at a time. ``on_stopping``:
        see :meth:`Sender.send`."""
        from eventcomposer.aws.send import Sender, SendReport

        result = SendResult(destination=self.destination())
        if check_buses:
            for check in self.check_buses(plan.buses):
                if check.exists is False:
                    result.refused = check.message
                    result.missing_bus = check.bus
                    return result
                if check.exists is None:
                    result.unchecked.append(check)
        if concurrency is None and plan.count <= 10:
            concurrency = 1  # one call: nothing to adapt, and in order
        kwargs: dict[str, Any] = {"endpoint_id": plan.endpoint_id, "concurrency": concurrency}
        if rate:
            kwargs["rate"] = rate
        if self._retry is not None:
            kwargs["retry"] = self._retry
        sender = Sender(self.events_client(), self.limits, **kwargs)
        total = plan.count
        report = SendReport([])
        chunk_size = (
            ADAPTIVE_CHUNK_ENTRIES
            if concurrency is None
            else max(CHUNK_ENTRIES, 10 * max(1, concurrency) * 10)
        )
        stream = plan.outgoing()
        done = 0

        def progress(finished: int, _total: int) -> None:
            if on_progress:
                on_progress(done + finished, total)  # done: 0 while adapting (one send)

        def build() -> _Chunk:
            """The next chunk, built and validated CHUNK_ENTRIES at a time: what is valid
            before an invalid entry (a later round of a replay; the caller checked the first)
            or a variable that lost its value is still sent."""
            built = _Chunk()
            while len(built.entries) < chunk_size:
                try:
                    piece = list(islice(stream, CHUNK_ENTRIES))
                except TemplateError as exc:
                    built.late = exc
                    break
                if not piece:
                    break
                problems = validate_entries([o.resolved for o in piece], self.limits)
                if problems:
                    built.problems = problems  # numbered in the piece, as its origins
                    built.origins = [o.origin for o in piece]
                    break
                built.entries += piece
            return built

        upcoming: Future[_Chunk] | None = None
        handed: list[Outgoing] = []  # what the sender was given (the first that are recorded)
        late: list[TemplateError] = []  # a variable that lost its value: after what came before

        def take() -> _Chunk:
            """The next chunk (and, while adapting, start building the one after it)."""
            nonlocal upcoming
            chunk = upcoming.result() if upcoming is not None else build()
            upcoming = None
            if chunk.problems:
                result.problems, result.problem_origins = chunk.problems, chunk.origins
            if chunk.late is not None:
                late.append(chunk.late)
            if concurrency is None and chunk.entries and not (chunk.problems or chunk.late):
                # While this chunk is sent, the next one is built.
                upcoming = _BUILDERS.submit(build)
            return chunk

        def hand(chunk: _Chunk, first: int) -> tuple[list[Entry], list[int]]:
            """A chunk's entries as the sender takes them, and their numbers."""
            if len(handed) < MAX_ENTRIES_PER_RECORD:
                handed.extend(chunk.entries[: MAX_ENTRIES_PER_RECORD - len(handed)])
            count = len(chunk.entries)
            numbers = (
                plan.numbers[first : first + count]
                if plan.numbers
                else list(range(first + 1, first + count + 1))
            )
            return [o.resolved for o in chunk.entries], numbers

        fed = [0]  # entries handed to the sender so far

        def feed() -> tuple[list[Entry], list[int]] | None:
            """More entries for an adaptive send, until the plan (or a problem) ends."""
            if result.problems or late:
                return None
            chunk = take()
            if not chunk.entries:
                return None
            given = hand(chunk, fed[0])
            fed[0] += len(given[0])
            return given

        try:
            while True:
                chunk = take()
                if not chunk.entries:
                    break
                resolved, numbers = hand(chunk, done)
                fed[0] = done + len(resolved)
                more = feed if concurrency is None else None
                part = sender.send(
                    resolved,
                    on_progress=progress,
                    should_stop=should_stop,
                    numbers=numbers,
                    more=more,
                    on_stopping=on_stopping,
                )
                _extend(report, part)
                done = len(report.outcomes)
                unreachable = part.problem is not None and part.problem.is_connectivity
                if part.stopped or (unreachable and not any(o.ok for o in part.outcomes)):
                    report.stopped = report.stopped or part.stopped
                    result.problems, result.problem_origins = [], []
                    late.clear()
                    break
                if result.problems or late or concurrency is None:
                    break
            if late and not result.problems:
                raise late[0]
        except KeyboardInterrupt:  # between two chunks: what was sent is still recorded
            report.stopped = True
        except TemplateError as exc:  # a variable lost its value mid-replay
            result.problems = [Problem(None, None, str(exc))]
        kept = handed[: len(report.outcomes)]  # (a stop may come between building and sending)
        if done < total:
            reason = "not sent: the send stopped at an invalid entry" if result.problems else ""
            result.not_listed = self._not_sent(report, plan, done, total, reason)
        result.report = report
        if record:
            warning = self.record_report(plan, report, kept, result.destination)
            if isinstance(warning, str):
                result.warnings.append(warning)
            else:
                result.record_id, notes = warning
                result.warnings += notes
        return result

    def _not_sent(
        self, report: SendReport, plan: Plan, done: int, total: int, reason: str = ""
    ) -> int:
        """Mark entries never built as NotSent (the first MAX_LISTED_NOT_SENT of them)."""
        from eventcomposer.aws.send import EntryOutcome

        reason = reason or (
            "not sent: stopped by the user"
            if report.stopped
            else f"not sent: {report.problem}"
            if report.problem
            else "not sent"
        )
        width = len(plan.written)
        listed = min(total - done, MAX_LISTED_NOT_SENT)
        for position in range(done, done + listed):
            number = plan.numbers[position] if plan.numbers else position + 1
            report.outcomes.append(
                EntryOutcome(
                    number,
                    plan.written[position % width],
                    error_code=NOT_SENT,
                    error_message=reason,
                )
            )
        return total - done - listed

    def record_report(
        self, plan: Plan, report: SendReport, kept: list[Outgoing], where: Destination | None
    ) -> tuple[str, list[str]] | str:
        """Keep the send in the history: (its id, notes), or a warning (never an exception: a
        history that can't be written must not fail a send AWS accepted)."""
        try:
            outcomes = report.outcomes
            entries, written = [], []
            for outgoing in kept:
                shown = redacted(outgoing, plan.env)
                entries.append(shown)
                as_written = outgoing.written.to_api()
                written.append(None if as_written == shown else as_written)
            results = [o.to_response() for o in outcomes[:MAX_ENTRIES_PER_RECORD]]
            # Entries listed but not built (a stop): their written form is what there is.
            for outcome in outcomes[len(entries) : MAX_ENTRIES_PER_RECORD]:
                entries.append(outcome.entry.to_api())
                written.append(None)
            destination = where or destination_of(self.settings, None)
            record = new_record(
                origin=self.origin,
                endpoint=destination.endpoint,
                region=destination.region,
                profile=destination.profile,
                local=destination.local,
                endpoint_id=plan.endpoint_id,
                entries=entries,
                results=results,
                written=written,
                variables=plan.variables,
                labels=plan.labels,
                total=max(plan.count, len(outcomes)),
                failed=report.failed_count + max(0, plan.count - len(outcomes)),
            )
            notes = self.history.append(record)
            return record.id, notes
        except HistoryError as exc:
            return f"the send was not kept in the history: {exc}"
        except Exception as exc:  # never fail a send that AWS accepted
            return f"the send was not kept in the history: {type(exc).__name__}: {exc}"


@dataclass
class _Chunk:
    """Entries built and checked for the sender, and what stopped the building."""

    entries: list[Outgoing] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    late: TemplateError | None = None


def _extend(report: SendReport, part: SendReport) -> None:
    report.outcomes += part.outcomes
    report.calls += part.calls
    report.problem = part.problem or report.problem
    report.stopped = report.stopped or part.stopped
    report.seconds += part.seconds
    report.latencies += part.latencies
    _carry_concurrency(report, part)


def _carry_concurrency(report: SendReport, part: SendReport) -> None:
    """Retries and concurrency of ``part`` into ``report`` (the adaptive figures are the
    Sender's, across all its chunks so far, so the latest part's are the send's)."""
    report.retried += part.retried
    report.retried_throttled += part.retried_throttled
    report.adaptive = part.adaptive
    report.concurrency = part.concurrency
    report.peak_concurrency = max(report.peak_concurrency, part.peak_concurrency)
    report.backoffs = part.backoffs if part.adaptive else report.backoffs


def merge_reports(previous: SendReport, retried: SendReport) -> SendReport:
    """The earlier report with the retried entries' new outcomes in place (by number)."""
    from eventcomposer.aws.send import SendReport

    by_number = {o.number: o for o in retried.outcomes}
    outcomes = [by_number.get(o.number, o) for o in previous.outcomes]
    merged = SendReport(
        outcomes,
        calls=retried.calls,
        problem=retried.problem,
        stopped=retried.stopped,
        seconds=retried.seconds,
        latencies=retried.latencies,
    )
    _carry_concurrency(merged, retried)
    return merged


# -- resending --------------------------------------------------------------------------------


@dataclass
class ResendPlan:
    """What a resend of a history record sends, and why some entries are left out.
    ``plan`` is None when nothing is to be resent (``nothing`` says why)."""

    plan: Plan | None
    notes: list[str] = field(default_factory=list)
    nothing: str | None = None


def plan_retry(plan: Plan, report: SendReport) -> ResendPlan:
    """Resend the failed entries of ``report`` (a send of ``plan``) known not to have been
    accepted, as written (resolved again), with their numbers so that ``merge_reports`` puts
    the new outcomes in place; never those whose outcome is unknown (F8 in the TUI)."""
    failed = report.failed
    safe = [o for o in failed if o.retry_safe]
    notes = []
    unknown = len(failed) - len(safe)
    if unknown:
        one = unknown == 1
        notes.append(
            f"{unknown} entr{'y' if one else 'ies'} {'has' if one else 'have'} an unknown outcome "
            "(the request timed out or the connection broke, so AWS may have accepted "
            f"{'it' if one else 'them'}) and {'is' if one else 'are'} not resent"
        )
    if not safe:
        reason = "no entry failed for certain" if unknown else "no entry failed"
        return ResendPlan(None, notes, reason)
    width = len(plan.written)
    retry = Plan(
        [plan.written[(o.number - 1) % width] for o in safe],
        [plan.origins[(o.number - 1) % width] for o in safe],
        variables=plan.variables,
        env=plan.env,
        labels=[f"retry of {', '.join(plan.labels) or 'a send'}"],
        endpoint_id=plan.endpoint_id,
        numbers=[o.number for o in safe],
    )
    return ResendPlan(retry, notes)


def plan_resend(
    record: Any, *, failed_only: bool = False, env: Mapping[str, str] | None = None
) -> ResendPlan:
    """The entries of ``record`` to send again, as written (resolved again when sent): all, or
    with ``failed_only`` those that failed and were certainly not accepted (never an unknown
    outcome: it may have been accepted). Raises EntryFormatError for a damaged entry."""
    notes: list[str] = []
    indexes = list(range(len(record.entries)))
    if failed_only:
        codes = [
            (record.results[i] if i < len(record.results) else {}).get("ErrorCode") for i in indexes
        ]
        unknown = [i for i in indexes if codes[i] == UNKNOWN_OUTCOME]
        indexes = [i for i in indexes if codes[i] not in (None, UNKNOWN_OUTCOME)]
        if unknown:
            one = len(unknown) == 1
            notes.append(
                f"{len(unknown)} entr{'y' if one else 'ies'} of {record.id} "
                f"{'has' if one else 'have'} an unknown outcome (the request timed out or the "
                f"connection broke, so AWS may have accepted {'it' if one else 'them'}) and "
                f"{'is' if one else 'are'} not resent; resend the whole send to include them"
            )
        if not indexes:
            reason = (
                f"no entry of {record.id} failed for certain (every failure has an unknown outcome)"
                if unknown
                else f"every entry of {record.id} was accepted"
            )
            return ResendPlan(None, notes, reason)
    elif record.truncated:
        notes.append(
            f"{record.id} kept only the first {len(record.entries)} of {record.total} entries; "
            "those are resent"
        )
    if not indexes:
        return ResendPlan(None, notes, f"{record.id} kept no entries")
    entries: list[Entry] = []
    for i in indexes:
        data = record.written_entry(i)
        entry = Entry.from_api(data, f"history {record.id}, entry {i + 1}")
        # An entry without EventBusName went to the default bus.
        entries.append(entry if entry.event_bus_name else entry.copy(event_bus_name="default"))
    origins = [f"history {record.id} entry {i + 1}" for i in indexes]
    plan = Plan(
        entries,
        origins,
        variables=record.variables,
        env=env,
        labels=[f"resend of {record.id}"],
        endpoint_id=record.endpoint_id or None,
        numbers=[i + 1 for i in indexes] if failed_only else None,
    )
    return ResendPlan(plan, notes)


__all__ = [
    "Destination",
    "EntryFormatError",
    "Outgoing",
    "Plan",
    "ResendPlan",
    "RuleContext",
    "SendResult",
    "SendService",
    "account_region_from_arn",
    "destination_of",
    "merge_reports",
    "plan_resend",
    "plan_retry",
    "redacted",
    "resend_settings",
    "rule_context",
]
