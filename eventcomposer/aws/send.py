"""Sending entries with PutEvents: split into calls, map every result back, retry safely.

Rules this module keeps:
- any number of entries, in calls of at most ``entries_per_call`` and ``request_bytes``;
- every result is mapped back to its entry, in order;
- only entries that failed with a retryable code (or whose whole call was refused with a
  retryable error, so nothing was accepted) are sent again, a bounded number of times, with
  backoff; an accepted entry is never resent, and neither is one whose outcome is unknown
  (a read timeout or a broken connection);
- with ``concurrency=None`` the calls in flight adapt (:class:`AdaptiveConcurrency`): more
  while calls go through quickly, fewer on throttling and 5xx; throttled entries go back in
  the queue at once (after a jittered delay) instead of waiting for the end of the round.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from eventcomposer.aws.errors import AwsProblem, describe_error
from eventcomposer.core.batching import plan_calls
from eventcomposer.core.daemon_pool import DaemonPool
from eventcomposer.core.entries import Entry
from eventcomposer.core.pacing import AdaptiveConcurrency, RateLimiter
from eventcomposer.core.validation import DEFAULT_LIMITS, Limits, parse_time

#: Per-entry error codes worth another try (the PutEvents API reference lists which are transient).
RETRYABLE_CODES = frozenset({"InternalFailure", "ThrottlingException"})
#: Codes this tool gives entries that were not sent or whose outcome is unknown.
NOT_SENT = "NotSent"
UNKNOWN_OUTCOME = "UnknownOutcome"
THROTTLED = "ThrottlingException"
#: The most calls in flight adaptive concurrency goes to (the CLI's --concurrency bound).
MAX_ADAPTIVE_CONCURRENCY = 64

#: The threads PutEvents calls run on (kept between calls and sends).
_CALLS = DaemonPool("put-events")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter."""

    max_attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 5.0
    #: Attempts for a throttled entry when concurrency adapts: probing for the quota throttles
    #: some calls by design, and each backs the concurrency off, so they get more patience.
    max_throttled_attempts: int = 10
    #: Their delay is shorter (a quarter): the concurrency backing off is what relieves the
    #: quota, and at the end of a chunk a long delay leaves nothing in flight.
    throttled_delay_factor: float = 0.25

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.max_delay, self.base_delay * (2 ** (attempt - 1))))


DEFAULT_RETRY = RetryPolicy()


@dataclass
class EntryOutcome:
    """What happened to one entry; ``number`` is its 1-based position in what was sent."""

    number: int
    entry: Entry
    event_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.event_id is not None and self.error_code is None

    @property
    def retry_safe(self) -> bool:
        """Failed, and known not to be accepted: resending can't make a duplicate. An unknown
        outcome (a timeout, a broken connection) may have been accepted."""
        return not self.ok and self.error_code != UNKNOWN_OUTCOME

    def to_response(self) -> dict[str, str]:
        """This entry's result in the PutEvents response shape."""
        if self.ok:
            return {"EventId": self.event_id or ""}
        return {"ErrorCode": self.error_code or "", "ErrorMessage": self.error_message or ""}


@dataclass
class SendReport:
    """Every entry's outcome, in order, and the request-level problem that stopped sending."""

    outcomes: list[EntryOutcome]
    calls: int = 0
    problem: AwsProblem | None = None
    stopped: bool = False
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    #: Entries sent again (each resend counts), and how many of them after throttling.
    retried: int = 0
    retried_throttled: int = 0
    #: Calls in flight: fixed (``--concurrency``), or where adaptive concurrency settled.
    concurrency: int = 1
    adaptive: bool = False
    peak_concurrency: int = 1
    backoffs: int = 0

    @property
    def sent(self) -> int:
        """Entries sent at least once."""
        return sum(1 for o in self.outcomes if o.attempts)

    @property
    def failed(self) -> list[EntryOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def failed_count(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)

    def to_response(self) -> dict[str, Any]:
        """Exactly the PutEvents response shape, for all entries across all calls."""
        return {
            "FailedEntryCount": self.failed_count,
            "Entries": [o.to_response() for o in self.outcomes],
        }


ProgressCallback = Callable[[int, int], None]
#: More entries for a send, and their numbers; None when there are no more.
MoreEntries = Callable[[], "tuple[Sequence[Entry], Sequence[int]] | None"]


class Sender:
    """Sends entries through one events client (made with ``retries=False``).

    Calls run on at most ``concurrency`` worker threads (boto3 clients are thread-safe) and are
    paced to ``rate`` events per second if set. ``concurrency=None`` adapts it
    (:class:`AdaptiveConcurrency`, kept across the sends of this Sender, so that a replay fed
    in chunks doesn't probe again for each). The caller's thread only waits, so Ctrl+C there
    (or SIGTERM, which the CLI turns into one) stops sending: calls waiting for their turn in
    the rate limiter are woken and never sent (``NotSent``), calls in flight finish and are
    recorded. A second Ctrl+C while they finish stops at once: their entries are
    ``UnknownOutcome`` (they may have been accepted) and nothing waits for them.
    """

    def __init__(
        self,
        events_client: Any,
        limits: Limits = DEFAULT_LIMITS,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        endpoint_id: str | None = None,
        concurrency: int | None = 1,
        rate: float | None = None,
        adaptive: AdaptiveConcurrency | None = None,
    ) -> None:
        self._client = events_client
        self._limits = limits
        self._retry = retry
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._endpoint_id = endpoint_id
        self._concurrency = max(1, concurrency or 1)
        self.adaptive = (
            adaptive or AdaptiveConcurrency(maximum=MAX_ADAPTIVE_CONCURRENCY)
            if concurrency is None
            else None
        )
        self._rate = rate
        self._limiter = RateLimiter(rate)
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)  # a call in flight was recorded
        # Per send: the calls in flight, the entries whose call has started and not been
        # recorded, and whether the send has given up on them (then workers record nothing).
        self._in_flight: dict[Future[list[int] | None], list[int]] = {}
        #: Calls that finished, as their threads hand them over. The waiting thread reads this
        #: queue (C-level, safe to interrupt) instead of concurrent.futures.wait, whose waiter
        #: a Ctrl+C can leave locked, so that the calls could never hand their results over.
        self._finished: queue.SimpleQueue[Future[list[int] | None]] = queue.SimpleQueue()
        self._sending: set[int] = set()
        self._abandoned = False
        self._errors: dict[int, int] = {}  # adaptive: failures other than throttling, by entry

    def stop(self) -> None:
        """Stop sending from another thread: calls waiting for their turn are not sent."""
        self._limiter.stop()

    def send(
        self,
        entries: Sequence[Entry],
        bus: str | None = None,
        on_progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
        numbers: Sequence[int] | None = None,
        more: MoreEntries | None = None,
        on_stopping: Callable[[int], None] | None = None,
    ) -> SendReport:
        """Send ``entries`` (to ``bus`` unless an entry names its own) and report each outcome.

        ``numbers`` gives the entries' 1-based positions for reporting (e.g. when retrying only
        the failed entries of an earlier send); by default 1..n.

        ``more`` (adaptive concurrency only) is asked for the next entries and their numbers
        when every call of those given has started, until it answers None: a long replay goes
        through one send, and the calls in flight never drain between its chunks.

        ``on_stopping`` is told, on the caller's thread, how many calls are still in flight
        when a Ctrl+C comes and they are waited for (not called when none are).
        """
        started = time.perf_counter()
        entries = list(entries)
        outcomes = [
            EntryOutcome(numbers[i] if numbers else i + 1, entry) for i, entry in enumerate(entries)
        ]
        report = SendReport(outcomes)
        progress = _Progress(len(entries), on_progress)
        pending = list(range(len(entries)))
        attempt = 0
        if self._limiter.stopped:  # a Sender sends once after a stop; a new send starts afresh
            self._limiter = RateLimiter(self._rate)
        self._in_flight, self._sending, self._abandoned = {}, set(), False
        self._errors = {}
        report.adaptive = self.adaptive is not None
        try:
            while pending and attempt < self._retry.max_attempts:
                attempt += 1
                if attempt > 1:
                    self._sleep(self._retry.delay(attempt - 1, self._rng))
                subset = [entries[i] for i in pending]
                calls = [[pending[j] for j in c] for c in plan_calls(subset, self._limits)]
                pending = self._run_calls(
                    calls,
                    entries,
                    bus,
                    report,
                    attempt,
                    progress,
                    should_stop,
                    more if self.adaptive is not None else None,
                )
                if report.stopped or _fatal(report.problem):
                    break
        except KeyboardInterrupt:
            report.stopped = True
            self._limiter.stop()  # calls waiting for their turn give up at once
            # Calls in flight finish and are recorded; a second Ctrl+C stops waiting for them
            # (what is still in flight then has no known outcome: see ``finally``).
            with contextlib.suppress(KeyboardInterrupt):
                # (A call whose thread started as the signal came counts though it is not
                # in ``_in_flight`` yet: its entries are already in ``_sending``.)
                in_flight = len(self._in_flight) or (1 if self._sending else 0)
                if on_stopping and in_flight:
                    on_stopping(in_flight)
                self._wait_all(list(self._in_flight))
                # A call whose thread started as the signal came is not in ``_in_flight``
                # yet: wait for every call that went out to be recorded.
                with self._recorded:
                    while self._sending:
                        self._recorded.wait(0.1)
        finally:
            self._limiter.stop()
            with self._lock:
                self._abandoned = True  # a worker still running records nothing from now on
                for i in self._sending:
                    outcome = outcomes[i]
                    outcome.event_id = None
                    outcome.error_code = UNKNOWN_OUTCOME
                    outcome.error_message = (
                        "stopped by the user before EventBridge answered; it may have been "
                        "accepted, so it was not sent again"
                    )
        for outcome in outcomes:
            if outcome.attempts == 0 and outcome.error_code is None:
                outcome.error_code = NOT_SENT
                outcome.error_message = (
                    "not sent: stopped by the user"
                    if report.stopped
                    else f"not sent: {report.problem}"
                    if report.problem
                    else "not sent"
                )
        report.seconds = time.perf_counter() - started
        if self.adaptive is not None:
            report.concurrency = self.adaptive.settled()
            report.peak_concurrency = self.adaptive.peak
            report.backoffs = self.adaptive.decreases
        else:
            report.concurrency = report.peak_concurrency = self._concurrency
        return report

    def _take_more(
        self, more: MoreEntries, entries: list[Entry], report: SendReport, progress: _Progress
    ) -> list[list[int]]:
        """The next entries from ``more``, added to this send; their calls."""
        given = more()
        if not given:
            return []
        added, numbers = given
        first = len(entries)
        entries.extend(added)
        report.outcomes.extend(EntryOutcome(n, e) for n, e in zip(numbers, added, strict=True))
        progress.total += len(added)
        return [[first + j for j in c] for c in plan_calls(list(added), self._limits)]

    def _limit(self) -> int:
        return self.adaptive.limit if self.adaptive is not None else self._concurrency

    def _requeue(
        self,
        again: list[int],
        entries: Sequence[Entry],
        report: SendReport,
        delayed: list[tuple[float, int, list[int]]],
    ) -> list[int]:
        """Adaptive mode: put ``again`` back in the queue (in calls, each after a jittered
        delay) while they have attempts left; returns those that have none (they keep their
        error). Throttling and the other retryable failures (InternalFailure, 5xx) are counted
        apart: ``max_throttled_attempts`` and ``max_attempts`` of each."""
        spent: list[int] = []
        ready: list[int] = []
        for i in again:
            outcome = report.outcomes[i]
            if outcome.error_code != THROTTLED:
                self._errors[i] = self._errors.get(i, 0) + 1
            errors = self._errors.get(i, 0)
            left = (
                outcome.attempts - errors < self._retry.max_throttled_attempts
                if outcome.error_code == THROTTLED
                else errors < self._retry.max_attempts
            )
            (ready if left else spent).append(i)
        if ready:
            subset = [entries[i] for i in ready]
            for call in plan_calls(subset, self._limits):
                indexes = [ready[j] for j in call]
                attempts = max(report.outcomes[i].attempts for i in indexes)
                delay = self._retry.delay(attempts, self._rng)
                if all(report.outcomes[i].error_code == THROTTLED for i in indexes):
                    delay *= self._retry.throttled_delay_factor
                when = time.monotonic() + delay
                heapq.heappush(delayed, (when, indexes[0], indexes))
        return spent

    def _run_calls(
        self,
        calls: list[list[int]],
        entries: list[Entry],
        bus: str | None,
        report: SendReport,
        attempt: int,
        progress: _Progress,
        should_stop: Callable[[], bool] | None,
        more: MoreEntries | None = None,
    ) -> list[int]:
        """Run one attempt's calls, at most ``concurrency`` in flight; returns what to retry."""
        retry: list[int] = []
        queue = iter(calls)
        in_flight = self._in_flight
        # Adaptive mode: calls to send again, by when they may go (a heap).
        delayed: list[tuple[float, int, list[int]]] = []
        while True:
            fatal = _fatal(report.problem)
            while not report.stopped and not fatal and len(in_flight) < self._limit():
                if delayed and delayed[0][0] <= time.monotonic():
                    call: list[int] | None = heapq.heappop(delayed)[2]
                else:
                    call = next(queue, None)
                if call is None and more is not None:
                    queue = iter(self._take_more(more, entries, report, progress))
                    call = next(queue, None)
                    if call is None:
                        more = None  # no more entries
                if call is None:
                    break
                if should_stop and should_stop():
                    report.stopped = True
                    break
                future = _CALLS.submit(
                    self._send_call, entries, call, bus, report, attempt, finished=self._finished
                )
                in_flight[future] = call
            if not in_flight:
                if not delayed or report.stopped or fatal:
                    return retry  # what is still delayed keeps its error (not accepted)
                if not self._limiter.pause(delayed[0][0] - time.monotonic()):
                    report.stopped = True
                    return retry
                continue
            timeout = max(0.0, delayed[0][0] - time.monotonic()) if delayed else None
            for future in self._next_finished(in_flight, timeout):
                call = in_flight.pop(future)
                again = future.result()
                if again is None:  # stopped before it was sent
                    continue
                progress.advance(len(call) - len(again))
                if self.adaptive is not None and again:
                    spent = self._requeue(again, entries, report, delayed)
                    progress.advance(len(spent))
                else:
                    retry += again

    def _next_finished(
        self, in_flight: dict[Future[list[int] | None], list[int]], timeout: float | None
    ) -> list[Future[list[int] | None]]:
        """The calls in flight that have finished: waits for one (up to ``timeout`` seconds,
        None: as long as it takes), then takes every other that is done too."""
        found: list[Future[list[int] | None]] = []
        try:
            found.append(self._finished.get(timeout=timeout))
            while True:
                found.append(self._finished.get_nowait())
        except queue.Empty:
            pass
        return [f for f in found if f in in_flight]  # not a call of an earlier send

    def _wait_all(self, futures: list[Future[list[int] | None]]) -> None:
        """Until every one of ``futures`` is done (interruptible: a second Ctrl+C ends it)."""
        pending = [f for f in futures if not f.done()]
        while pending:
            with contextlib.suppress(queue.Empty):
                self._finished.get(timeout=0.1)
            pending = [f for f in pending if not f.done()]

    def _send_call(
        self,
        entries: Sequence[Entry],
        indexes: list[int],
        bus: str | None,
        report: SendReport,
        attempt: int,
    ) -> list[int] | None:
        """One PutEvents call, paced to the rate; returns the indexes worth retrying, or None
        if it was never sent (stopped while it waited for its turn)."""
        waiting = time.perf_counter()
        if not self._limiter.acquire(len(indexes)):
            return None
        # A call that waited for its turn under --rate: the rate is the limit, not the calls in
        # flight, so its going through says nothing about raising them.
        paced = time.perf_counter() - waiting > 0.002
        request: dict[str, Any] = {"Entries": [_api_entry(entries[i], bus) for i in indexes]}
        if self._endpoint_id:
            request["EndpointId"] = self._endpoint_id
        with self._lock:
            if self._abandoned or self._limiter.stopped:
                return None
            report.calls += 1
            self._sending.update(indexes)
            for i in indexes:
                outcome = report.outcomes[i]
                if outcome.attempts:
                    report.retried += 1
                    report.retried_throttled += outcome.error_code == THROTTLED
                outcome.attempts = max(attempt, outcome.attempts + 1)
        adaptive = self.adaptive
        ticket = adaptive.started() if adaptive is not None else 0
        t0 = time.perf_counter()
        try:
            response = self._client.put_events(**request)
        except Exception as exc:
            problem = describe_error(exc, getattr(self._client.meta, "endpoint_url", None))
            if adaptive is not None and problem.retryable:
                adaptive.congested(ticket)  # refused whole: throttled, or a 5xx
            with self._lock:
                if self._abandoned:
                    return None
                self._sending.difference_update(indexes)
                self._recorded.notify_all()
                report.latencies.append(time.perf_counter() - t0)
                report.problem = problem
                code = problem.code if problem.kind != "timeout" else UNKNOWN_OUTCOME
                for i in indexes:
                    outcome = report.outcomes[i]
                    outcome.error_code, outcome.error_message = code, problem.message
            return list(indexes) if problem.retryable else []
        seconds = time.perf_counter() - t0
        results = response.get("Entries", [])
        if adaptive is not None:
            codes = {r.get("ErrorCode") for r in results}
            if THROTTLED in codes:
                adaptive.congested(ticket, partly=any(r.get("EventId") for r in results))
            elif codes & RETRYABLE_CODES:
                pass  # an entry's InternalFailure: that entry's trouble, not the load's
            else:
                adaptive.succeeded(ticket, seconds, grow=not paced)
        retry: list[int] = []
        with self._lock:
            if self._abandoned:
                return None
            self._sending.difference_update(indexes)
            self._recorded.notify_all()
            report.latencies.append(seconds)
            for position, i in enumerate(indexes):
                outcome = report.outcomes[i]
                result = results[position] if position < len(results) else {}
                if result.get("EventId") and not result.get("ErrorCode"):
                    outcome.event_id = result["EventId"]
                    outcome.error_code = outcome.error_message = None
                else:
                    outcome.error_code = result.get("ErrorCode") or "MissingResult"
                    outcome.error_message = result.get("ErrorMessage") or (
                        "PutEvents returned no result for this entry"
                    )
                    if outcome.error_code in RETRYABLE_CODES:
                        retry.append(i)
            if report.problem and report.problem.retryable:
                report.problem = None  # a later call went through
        return retry


def _fatal(problem: AwsProblem | None) -> bool:
    """Problems that will fail every call (credentials, auth, region): stop sending. A timeout
    or a refused call concerns that call only, and the others go on."""
    return problem is not None and problem.is_connectivity and not problem.retryable


class _Progress:
    """Counts finished entries and tells the caller (on the caller's thread)."""

    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total = total
        self.done = 0
        self._callback = callback

    def advance(self, count: int) -> None:
        self.done += count
        if self._callback:
            self._callback(self.done, self.total)


def _api_entry(entry: Entry, bus: str | None) -> dict[str, Any]:
    data = entry.to_api(bus)
    if "Time" in data:
        data["Time"] = parse_time(data["Time"])
    return data
